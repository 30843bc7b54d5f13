"""``bestvalue evaluate-bids``: best-value scoring with RBC criteria, explained score by score."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pyarrow as pa

from ..economics import evaluate_bids, read_tender
from ..warehouse.export import write_workbook
from .common import console, format_option


@click.command("evaluate-bids")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("table", "json", "xlsx")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="The workbook (xlsx)."
)
def command(file: Path, fmt: str, output: Path | None) -> None:
    """Score the bids in FILE (JSON, see examples/), exclude those below thresholds, rank them."""
    result = evaluate_bids(read_tender(file))
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
            raise click.UsageError("--format xlsx needs --output FILE")
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
        console.print(f"Wrote {output}")
        return
    from rich.table import Table

    table = Table(
        "Rank", "Bidder", "Price", "Price pts", "Quality pts", "Total", "Why", show_lines=True
    )
    for r in rows:
        table.add_row(
            str(r["rank"]),
            r["bidder"],
            f"{r['price']:,.2f}",
            str(r["price_points"]),
            str(r["quality_points"]),
            str(r["total"]),
            r["explanation"].replace(" | ", "\n"),
        )
    console.print(table)
    for b in excluded:
        console.print(f"Excluded {b['bidder']}: {b['reasons']}")
    for w in result.warnings:
        console.print(f"Warning: {w}")
