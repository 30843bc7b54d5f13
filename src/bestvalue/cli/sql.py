"""``bestvalue sql``: query the warehouse."""

from __future__ import annotations

import sys
from typing import Any

import click
import pyarrow as pa

from ..messages import message, say
from ..numbers import number
from .common import lang_option, open_from, render, stream, warehouse_options

BATCH_ROWS = 10_000  # rows of a CSV or JSON result written at a time
SHOWN_ROWS = 1_000  # rows of a result shown as a table (a person reads no more; CSV has all)


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
        reader = warehouse.sql_batches(query, BATCH_ROWS)
        if fmt != "table":
            stream(reader, fmt)
            return
        shown, more = _first(reader, SHOWN_ROWS)
        render(shown, fmt)  # (a query's values as stored, in any language)
    if more:
        click.echo(say(message("more_rows", shown=number(SHOWN_ROWS, 0, lang)), lang), err=True)


def _first(reader: pa.RecordBatchReader, rows: int) -> tuple[pa.Table, bool]:
    """The first ``rows`` of a result, and whether it has more (read no further than that)."""
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count > rows:
            break
    table = pa.Table.from_batches(batches, reader.schema)
    return table.slice(0, rows), count > rows
