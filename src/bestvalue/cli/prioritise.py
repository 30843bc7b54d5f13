"""``bestvalue prioritise``: the categories to act on first, with scores, reasons and sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..categories.taxonomy import LEVELS
from ..numbers import number
from ..risk import prioritise
from ..risk.prioritise import OUTPUT_COLUMNS
from .common import (
    PhaseProgress,
    console,
    file_format,
    format_option,
    lang_option,
    open_from,
    records,
    warehouse_options,
    wrote,
)

COLUMNS = [*OUTPUT_COLUMNS, "sources"]


@click.command("prioritise")
@click.option("--country", required=True, help="ISO 3166 alpha-2 code given at ingest (e.g. PY).")
@click.option("--top", type=click.IntRange(1), default=3, show_default=True)
@click.option("--level", type=click.Choice(LEVELS), default="family", show_default=True)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file: criteria, dimensions, uncertainty, coverage_floor.",
)
@click.option(
    "--draws",
    type=click.IntRange(100),
    default=2000,
    show_default=True,
    help="Monte Carlo draws over the weights (rank bands).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Every category, not only the top ones.")
@lang_option
@format_option("table", "json", "csv")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file; without --format, its ending (.csv, .json) sets the format.",
)
@warehouse_options
def command(
    country: str,
    top: int,
    level: str,
    weights: Path | None,
    draws: int,
    seed: int,
    show_all: bool,
    lang: str,
    fmt: str,
    output: Path | None,
    **options: Any,
) -> None:
    """Rank the categories of a country's spend for human-rights due diligence."""
    fmt = file_format(fmt, output, ("table", "json", "csv"))
    with open_from(options) as warehouse, PhaseProgress() as progress:
        ranked = prioritise(
            warehouse,
            country,
            level=level,
            top=top,
            weights=weights,
            draws=draws,
            seed=seed,
            progress=progress,
        )
    shown = ranked if show_all else ranked.head(top)
    frame = shown[COLUMNS]
    if fmt == "table":
        _table(frame, lang)
        return
    text = (
        json.dumps(records(frame), ensure_ascii=False, indent=2)
        if fmt == "json"
        else frame.to_csv(index=False)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        wrote("file", output)
    else:
        click.echo(text)


def _table(frame: pd.DataFrame, lang: str) -> None:
    from rich.table import Table

    heads = {
        "en": ("Rank", "Category", "Spend USD", "Risk", "Score", "Rank band", "Why"),
        "es": ("Rango", "Categoría", "Gasto USD", "Riesgo", "Puntaje", "Banda de rango", "Por qué"),
    }[lang]
    table = Table(*heads, show_lines=True)
    for row in records(frame):
        band = "" if row["rank_p5"] is None else f"{row['rank_p5']}–{row['rank_p95']}"
        risk = "" if row["risk_norm"] is None else number(row["risk_norm"], 2, lang)
        score = "" if row["score"] is None else number(row["score"], 2, lang)
        table.add_row(
            str(row["rank"] or "—"),
            f"{row['category_code']} {row[f'category_name_{lang}']}",
            number(row["amount"], 0, lang),
            risk,
            score,
            band,
            row[f"reason_{lang}"],
        )
    console.print(table)
    sources = sorted({s for row in frame.sources for s in row})
    console.print(
        ("Sources: " if lang == "en" else "Fuentes: ")
        + ", ".join(sources)
        + " (bestvalue indicators list)"
    )
