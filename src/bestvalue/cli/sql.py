"""``bestvalue sql``: query the warehouse."""

from __future__ import annotations

from typing import Any

import click

from .common import lang_option, open_from, render, warehouse_options


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
    """Run a read-only SQL QUERY (DuckDB SQL, or Spark SQL with --engine spark)."""
    with open_from(options, read_only=True) as warehouse:
        result = warehouse.sql(query)
    render(result, fmt)
