"""``bestvalue evaluate-bids``: best-value scoring with RBC criteria, explained score by score."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pyarrow as pa

from ..economics import evaluate_bids, read_tender
from ..economics.bids_xlsx import TEMPLATE, write_template
from ..messages import message
from ..numbers import number
from ..userfiles import dump_yaml
from ..warehouse.export import write_workbook
from .common import console, emit, format_option, lang_option, wrote

HEADINGS = {
    "en": ("Rank", "Bidder", "Price", "Price pts", "Quality pts", "Total", "Why"),
    "es": ("Rango", "Oferente", "Precio", "Pts precio", "Pts calidad", "Total", "Por qué"),
}
SAID = {
    "en": {"excluded": "Excluded {bidder}: {reasons}", "warning": "Warning: {warning}"},
    "es": {"excluded": "Excluida la oferta de {bidder}: {reasons}", "warning": "Aviso: {warning}"},
}


def _template(fmt: str) -> str | bytes:
    if fmt == "xlsx":
        return write_template()
    if fmt == "yaml":
        return "# The weights and bounds are examples: set your own.\n" + dump_yaml(TEMPLATE)
    return json.dumps(TEMPLATE, ensure_ascii=False, indent=2) + "\n"


@click.command("evaluate-bids")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@format_option("table", "json", "xlsx")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="The workbook (xlsx)."
)
@click.option(
    "--template",
    type=click.Choice(["xlsx", "yaml", "json"]),
    help="Write a tender to fill in (rules, criteria with RBC ones, bids) instead.",
)
@lang_option
def command(
    file: Path | None, fmt: str, output: Path | None, template: str | None, lang: str
) -> None:
    """Score the bids in FILE (JSON, YAML or XLSX; see --template and examples/), exclude those
    below thresholds, rank them, explain every score and warn of rank reversals."""
    if template:
        emit(_template(template), output)
        return
    if file is None:
        raise click.UsageError(message("bids_file_needed"))
    result = evaluate_bids(read_tender(file), lang)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ranking": result.ranking,
                    "excluded": result.excluded,
                    "warnings": result.warnings,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    rows = [
        {
            "rank": b["rank"],
            "bidder": b["bidder"],
            "price": b["price"],
            "price_points": round(b["price_points"], 2),
            "quality_points": round(b["quality"], 2),
            "total": round(b["total"], 2),
            "explanation": " | ".join(b["explanation"]),
        }
        for b in result.ranking
    ]
    excluded = [
        {"bidder": b["bidder"], "price": b["price"], "reasons": "; ".join(b["reasons"])}
        for b in result.excluded
    ]
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError(message("needs_output", format="xlsx"))
        sheets = {
            "ranking": pa.Table.from_pylist(rows),
            "excluded": pa.Table.from_pylist(
                excluded or [{"bidder": "", "price": 0.0, "reasons": ""}]
            ),
            "warnings": pa.Table.from_pylist(
                [{"warning": w} for w in result.warnings] or [{"warning": ""}]
            ),
        }
        write_workbook(sheets, output)
        wrote("file", output)
        return
    from rich.table import Table

    table = Table(*HEADINGS[lang], show_lines=True)
    for r in rows:
        table.add_row(
            str(r["rank"]),
            r["bidder"],
            number(r["price"], 2, lang),
            *(number(r[k], 2, lang) for k in ("price_points", "quality_points", "total")),
            r["explanation"].replace(" | ", "\n"),
        )
    console.print(table)
    for b in excluded:
        console.print(SAID[lang]["excluded"].format(bidder=b["bidder"], reasons=b["reasons"]))
    for w in result.warnings:
        console.print(SAID[lang]["warning"].format(warning=w))
