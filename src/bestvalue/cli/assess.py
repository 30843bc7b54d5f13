"""``bestvalue assess``: OCDS files in, the country assessment out (HTML, PDF, tables, JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..reports import REPORT_LANGUAGES, assess
from .common import PhaseProgress, console, open_from, warehouse_options, wrote


@click.command("assess")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--country", required=True, help="ISO 3166 alpha-2 code of the data's country (e.g. PY)."
)
@click.option("--lang", type=click.Choice(REPORT_LANGUAGES), default="en", show_default=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Report folder (default: assessment-<COUNTRY>-<lang>).",
)
@click.option(
    "--top",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="How many categories to act on first.",
)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Prioritisation weights (JSON).",
)
@click.option("--attribution", help="How to credit the data publisher in the report.")
@click.option(
    "--economics",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Economic-case parameters (JSON or YAML, see examples/), in place of the defaults for "
    "each prioritised category. Repeatable.",
)
@click.option(
    "--no-economics", is_flag=True, help="Leave out the economic case (it takes a few seconds)."
)
@click.option(
    "--retag",
    is_flag=True,
    help="Give the files given that were loaded before with another country (or none) the "
    "country of --country too, and their processes.",
)
@warehouse_options
def command(
    paths: tuple[Path, ...],
    country: str,
    lang: str,
    out: Path | None,
    top: int,
    weights: Path | None,
    attribution: str | None,
    economics: tuple[Path, ...],
    no_economics: bool,
    retag: bool,
    **options: Any,
) -> None:
    """Load PATHS (or use the warehouse as it is) and write the country assessment."""
    out = out or Path(f"assessment-{country.upper()}-{lang}")
    with open_from(options, create=bool(paths)) as warehouse, PhaseProgress() as progress:
        result = assess(
            paths,
            country,
            warehouse,
            out=out,
            lang=lang,
            top=top,
            weights=weights,
            attribution=attribution,
            economics=None if no_economics else economics,
            progress=progress,
            retag=retag,
        )
    wrote("report", result.out / "report.html", pdf=result.out / "report.pdf")
    wrote("tables", result.out / "assessment.xlsx")
    wrote("json", result.out / "assessment.json")
    for row in result.data["priorities"]:
        console.print(f"  {row['rank']}. {row['category_code']} {row['name_' + lang]}")
