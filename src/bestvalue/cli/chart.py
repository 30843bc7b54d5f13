"""``bestvalue chart``: risk versus spend, and the category × risk heat map (SVG or PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..categories.taxonomy import LEVELS
from ..messages import message
from ..risk import prioritise
from ..risk.charts import heat_map, risk_spend
from .common import PhaseProgress, lang_option, open_from, warehouse_options, wrote

KINDS = {"risk-spend": risk_spend, "heatmap": heat_map}


@click.command("chart")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--country", required=True, help="ISO 3166 alpha-2 code given at ingest.")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .svg or .png file.",
)
@click.option("--level", type=click.Choice(LEVELS), default="family", show_default=True)
@click.option("--weights", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@warehouse_options
def command(
    kind: str,
    country: str,
    output: Path,
    level: str,
    weights: Path | None,
    lang: str,
    **options: Any,
) -> None:
    """Draw KIND (risk-spend or heatmap) for a country's categories."""
    if output.suffix.lower() not in (".svg", ".png"):
        raise click.BadParameter(
            message("svg_or_png", what=message("what_chart")), param_hint="--output"
        )
    with open_from(options) as warehouse, PhaseProgress() as progress:
        ranked = prioritise(
            warehouse, country, level=level, weights=weights, draws=200, progress=progress
        )
    KINDS[kind](ranked, str(output), lang)
    wrote("chart", output)
