"""``bestvalue gap``: the UNGP gap analysis (template, score, report) and the model policy."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..duediligence import (
    FORMATS,
    compare,
    gap_analysis,
    gap_document,
    model_policy,
    read_answers,
    render_document,
    template,
)
from ..userfiles import dump_yaml
from .common import (
    PhaseProgress,
    console,
    emit,
    format_option,
    lang_option,
    open_from,
    render,
    warehouse_options,
)

ANSWERS = click.Path(exists=True, dir_okay=False, path_type=Path)
output_option = click.option("--output", type=click.Path(dir_okay=False, path_type=Path))


@click.group("gap")
def command() -> None:
    """The UNGP gap analysis of the agency's policies and procedures, and its human-rights policy.

    Fill a template (YAML, JSON or XLSX), score it, write the report with its roadmap, and
    assemble the model policy from the answers and the priority categories.
    """


@command.command("template")
@lang_option
@format_option("yaml", "json", "xlsx")
@output_option
def template_command(lang: str, fmt: str, output: Path | None) -> None:
    """A blank answers file: each question with its four levels to choose from."""
    if fmt == "xlsx":
        from ..duediligence.gap_xlsx import write_workbook

        emit(write_workbook(lang), output)
        return
    blank = template(lang)
    text = dump_yaml(blank) if fmt == "yaml" else json.dumps(blank, ensure_ascii=False, indent=2)
    emit(text + ("" if text.endswith("\n") else "\n"), output)


@command.command("score")
@click.argument("answers", nargs=-1, required=True, type=ANSWERS)
@lang_option
@format_option("table", "json")
def score_command(answers: tuple[Path, ...], lang: str, fmt: str) -> None:
    """Scores per theme and overall (0-100) of one or more assessments, oldest first."""
    reports = sorted((gap_analysis(read_answers(a), lang) for a in answers), key=lambda r: r.date)
    if fmt == "json":
        progress = compare(reports[0], reports[-1]) if len(reports) > 1 else None
        doc = {"assessments": [asdict(r) for r in reports], "progress": progress}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    rows: list[dict[str, Any]] = []
    names = {**reports[-1].theme_names, "overall": "overall" if lang == "en" else "total"}
    for key, name in names.items():
        row: dict[str, Any] = {"theme" if lang == "en" else "tema": name}
        for i, r in enumerate(reports):
            row[r.date or f"#{i + 1}"] = round(r.overall if key == "overall" else r.themes[key], 1)
        rows.append(row)
    render(pa.Table.from_pylist(rows), "table", lang=lang)
    if reports[-1].unanswered:
        label = "Unanswered (scored 0)" if lang == "en" else "Sin respuesta (puntaje 0)"
        console.print(f"{label}: {', '.join(reports[-1].unanswered)}")


@command.command("report")
@click.argument("answers", type=ANSWERS)
@click.option("--previous", type=ANSWERS, help="An earlier assessment: show progress since it.")
@lang_option
@format_option(*FORMATS)
@output_option
def report_command(
    answers: Path, previous: Path | None, lang: str, fmt: str, output: Path | None
) -> None:
    """The gap report: scores, progress and the roadmap of gaps to close first."""
    report = gap_analysis(read_answers(answers), lang)
    before = gap_analysis(read_answers(previous), lang) if previous else None
    emit(render_document(gap_document(report, lang, before), fmt), output)


@command.command("policy")
@click.argument("answers", required=False, type=ANSWERS)
@click.option("--country", required=True, help="ISO 3166 alpha-2 code of the agency's country.")
@click.option("--agency", default="", help="The agency's name (else the one in ANSWERS).")
@click.option("--category", "categories", multiple=True, help="A priority UNSPSC code; repeat.")
@click.option(
    "--prioritised",
    type=click.IntRange(1),
    help="Take the top N categories of the prioritisation of the warehouse's spend.",
)
@lang_option
@format_option(*FORMATS)
@output_option
@warehouse_options
def policy_command(
    answers: Path | None,
    country: str,
    agency: str,
    categories: tuple[str, ...],
    prioritised: int | None,
    lang: str,
    fmt: str,
    output: Path | None,
    **options: Any,
) -> None:
    """A model human-rights policy from the gap analysis ANSWERS and the priority categories."""
    doc = read_answers(answers) if answers else None
    codes = list(categories)
    if prioritised:
        codes += _prioritised(country, prioritised, options)
    name = agency or (doc or {}).get("agency") or ""
    emit(render_document(model_policy(name, country, codes, doc, lang), fmt), output)


def _prioritised(country: str, top: int, options: dict[str, Any]) -> list[str]:
    from ..risk import prioritise, top_ranked

    with open_from(options, read_only=True) as warehouse, PhaseProgress() as progress:
        ranked = prioritise(warehouse, country, top=top, progress=progress)
    return [str(code) for code in top_ranked(ranked, top).category_code]
