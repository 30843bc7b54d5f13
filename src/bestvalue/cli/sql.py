"""``bestvalue sql``: query the warehouse."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..messages import message
from .common import lang_option, open_from, render, stream, warehouse_options

BATCH_ROWS = 10_000  # rows of a CSV or JSON result written at a time


@click.command("sql")
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    help="json: a list of objects, one per row.",
)
@lang_option
@warehouse_options
def command(query: str, fmt: str, lang: str, **options: Any) -> None:
    """Run a read-only SQL QUERY (DuckDB SQL, or Spark SQL with --engine spark); - reads it
    from standard input."""
    if query == "-":
        query = sys.stdin.read()
    if not query.strip():
        raise click.UsageError(message("empty_query"))
    with open_from(options, read_only=True) as warehouse:
        if fmt == "table":  # (for a person: a screenful, held whole)
            render(warehouse.sql(query), fmt)
        else:
            stream(warehouse.sql_batches(query, BATCH_ROWS), fmt)
