"""The economic case in the assessment: one Monte Carlo per parameter file, with its chart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..economics import defaults, economic_case, read_params
from ..numbers import number
from ..risk.charts import _plt, localise_ticks
from .i18n import t

__all__ = ["check", "economic_cases", "preset_cases"]


def check(paths: Sequence[str | Path]) -> None:
    """Refuse bad parameter files before anything is written."""
    for path in paths:
        read_params(path)


def _chart(values: np.ndarray, summary: Any, target: Path, lang: str, currency: str) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    low, high = np.percentile(values, [0.5, 99.5])
    ax.hist(np.clip(values, low, high), bins=80, color="#4a78a8", alpha=0.8)
    for label, x, colour in (
        ("P10", summary.p10, "#555"),
        ("P50", summary.p50, "#c2372b"),
        ("P90", summary.p90, "#555"),
    ):
        ax.axvline(x, color=colour, linestyle="--", linewidth=1)
        ax.text(x, ax.get_ylim()[1] * 0.95, f" {label}", color=colour, fontsize=8, va="top")
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel(t("econ_axis", lang, currency=currency))
    ax.set_ylabel(t("econ_draws", lang))
    localise_ticks(ax.xaxis, lang)
    localise_ticks(ax.yaxis, lang)
    fig.savefig(target, bbox_inches="tight")
    plt.close(fig)


def preset_cases(priorities: list[dict[str, Any]], country: str, lang: str) -> list[dict[str, Any]]:
    """One case per prioritised category from the defaults, its yearly value taken from the
    data: the category's spend spread over the default contract length (an assumption the
    report states; give files with --economics to replace it)."""
    years = defaults()["parameters"]["years"]["value"]
    cases = []
    for row in priorities:
        amount = float(row["amount_usd"])
        source = t("econ_value_source", lang, amount=number(amount, 0, lang), years=years)
        cases.append(
            {
                "title": f"{row['category_code']} {row['name_' + lang]}",
                "category": row["category_code"],
                "country": country,
                "currency": "USD",
                "parameters": {
                    "annual_value": {
                        "distribution": "fixed",
                        "value": round(amount / years, 2),
                        "kind": "assumption",
                        "source": source,
                    }
                },
            }
        )
    return cases


def economic_cases(
    sources: Sequence[str | Path | dict[str, Any]], staging: Path, lang: str, seed: int = 0
) -> list[dict[str, Any]]:
    cases = []
    for i, path in enumerate(sources, start=1):
        values, summary, meta = economic_case(path, draws=100_000, seed=seed)
        chart = f"economics_{i}.svg"
        currency = str(meta.get("currency", ""))
        _chart(values, summary, staging / chart, lang, currency)
        cases.append(
            {
                "title": meta.get("title") or Path(str(path)).name,
                "category": meta.get("category"),
                "currency": currency,
                "p10": summary.p10,
                "p50": summary.p50,
                "p90": summary.p90,
                "probability_positive": summary.probability_positive,
                "draws": summary.draws,
                "tornado": summary.tornado[:5],
                "labels": {p["name"]: p[f"label_{lang}"] for p in meta["parameters"]},
                "expected": meta["expected"],
                "parameters": meta["parameters"],
                "chart": chart,
            }
        )
    return cases
