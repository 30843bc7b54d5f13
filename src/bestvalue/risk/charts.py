"""Charts people read: risk versus spend, and categories by risk dimension (SVG or PNG)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..numbers import number
from .profiles import DIMENSIONS, dimensions

__all__ = ["heat_map", "localise_ticks", "risk_spend"]

LABELS = {
    "en": {
        "spend": "Spend (USD, log scale)",
        "risk": "Salient risk (0-1)",
        "title": "Risk versus spend",
        "heat": "Salient risk by category and dimension (0-3; blank: no evidence)",
        "top": "priority",
        "empty": "No classified category with risk evidence",
    },
    "es": {
        "spend": "Gasto (USD, escala logarítmica)",
        "risk": "Riesgo saliente (0-1)",
        "title": "Riesgo frente a gasto",
        "heat": "Riesgo saliente por categoría y dimensión (0-3; en blanco: sin evidencia)",
        "top": "prioridad",
        "empty": "Ninguna categoría clasificada con evidencia de riesgo",
    },
}


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, accessible
    import matplotlib.pyplot as plt

    return plt


def localise_ticks(axis: Any, lang: str, decimals: int = 0) -> None:
    """Write an axis's tick labels as ``lang`` writes numbers (0,2 and 1.000.000 in Spanish)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: number(value, decimals, lang)))


def risk_spend(ranked: pd.DataFrame, path: str, lang: str = "en", top: int = 3) -> None:
    """Bubble chart: spend (x) against salient risk (y), bubble size by processes."""
    plt = _plt()
    t = LABELS[lang]
    data = ranked[ranked.risk_norm.notna()]
    if data.empty:
        return _empty(path, lang)
    fig, ax = plt.subplots(figsize=(9, 6))
    sizes = 40 + 260 * data.processes / max(data.processes.max(), 1)
    colours = ["#c2372b" if (r is not pd.NA and r <= top) else "#4a78a8" for r in data["rank"]]
    ax.scatter(data.amount, data.risk_norm, s=sizes, c=colours, alpha=0.7, edgecolors="#333")
    for row in data.itertuples():
        if row.rank is not pd.NA and row.rank <= max(top, 8):
            ax.annotate(
                str(getattr(row, f"category_name_{lang}"))[:28],
                (row.amount, row.risk_norm),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.set_xscale("log")
    ax.set_xlabel(t["spend"])
    ax.set_ylabel(t["risk"])
    ax.set_ylim(0, 1.05)
    localise_ticks(ax.yaxis, lang, 1)
    ax.set_title(t["title"])
    ax.grid(alpha=0.3)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _empty(path: str, lang: str) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 2))
    ax.axis("off")
    ax.text(0.5, 0.5, LABELS[lang]["empty"], ha="center", va="center")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def heat_map(ranked: pd.DataFrame, path: str, lang: str = "en", rows: int = 15) -> None:
    """Categories (rows, by rank) × dimensions (columns): salient risk 0-3, blank when missing."""
    plt = _plt()
    data = ranked.head(rows)
    if data.empty:
        return _empty(path, lang)
    matrix = np.array(
        [[np.nan if s.get(d) is None else s[d] for d in DIMENSIONS] for s in data.salient],
        dtype=float,
    )
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(data) + 2.5))
    shown = np.ma.masked_invalid(matrix)
    image = ax.imshow(shown, cmap="YlOrRd", vmin=0, vmax=3, aspect="auto")
    names = dimensions()[f"name_{lang}"]
    ax.set_xticks(
        range(len(DIMENSIONS)), [names[d] for d in DIMENSIONS], rotation=35, ha="right", fontsize=8
    )
    ax.set_yticks(
        range(len(data)),
        [
            f"{c} {str(n)[:40]}"
            for c, n in zip(data.category_code, data[f"category_name_{lang}"], strict=True)
        ],
        fontsize=8,
    )
    for (i, j), value in np.ndenumerate(matrix):
        if not np.isnan(value):
            ax.text(
                j,
                i,
                number(value, 1, lang),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 2 else "black",
            )
    ax.set_title(LABELS[lang]["heat"], fontsize=10)
    localise_ticks(fig.colorbar(image, ax=ax, fraction=0.03).ax.yaxis, lang, 1)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
