"""``bestvalue gap-analysis``: score the agency against the UN Guiding Principles; a roadmap."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
import pyarrow as pa

from ..duediligence import compare, gap_analysis, read_answers, template
from .common import console, format_option, lang_option, render


@click.command("gap-analysis")
@click.argument(
    "answers", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier answers file: show progress since then.",
)
@click.option("--template", "blank", is_flag=True, help="Print a blank answers file to fill in.")
@lang_option
@format_option("table", "json")
def command(answers: Path | None, previous: Path | None, blank: bool, lang: str, fmt: str) -> None:
    """Score ANSWERS (JSON) per theme and overall, and list the gaps to close first."""
    if blank or answers is None:
        click.echo(json.dumps(template(lang), ensure_ascii=False, indent=2))
        return
    report = gap_analysis(read_answers(answers), lang)
    progress = compare(gap_analysis(read_answers(previous), lang), report) if previous else None
    if fmt == "json":
        click.echo(
            json.dumps(
                {"report": asdict(report), "progress": progress}, ensure_ascii=False, indent=2
            )
        )
        return
    heading = {"en": "Score (0-100)", "es": "Puntaje (0-100)"}[lang]
    rows = [
        {
            "theme": k,
            heading: round(v, 1),
            "progress": None if progress is None else round(progress[k], 1),
        }
        for k, v in report.themes.items()
    ]
    rows.append(
        {
            "theme": "overall" if lang == "en" else "total",
            heading: round(report.overall, 1),
            "progress": None if progress is None else round(progress["overall"], 1),
        }
    )
    render(pa.Table.from_pylist(rows), "table")
    render(
        pa.Table.from_pylist(
            [
                {k: r[k] for k in ("question", "theme", "principles", "level", "gap", "next")}
                for r in report.roadmap
            ]
        ),
        "table",
    )
    if report.unanswered:
        console.print(
            ("Unanswered (scored 0): " if lang == "en" else "Sin respuesta (puntaje 0): ")
            + ", ".join(report.unanswered)
        )
