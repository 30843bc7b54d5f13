"""``bestvalue tables``: what the warehouse holds."""

from __future__ import annotations

from typing import Any

import click
import pyarrow as pa

from ..warehouse.schema import describe
from .common import lang_option, open_from, render, warehouse_options


@click.command("tables")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@lang_option
@warehouse_options
def command(fmt: str, lang: str, **options: Any) -> None:
    """List the warehouse tables with their row counts and what they hold."""
    with open_from(options, read_only=True) as warehouse:
        names = warehouse.table_names()
        rows = [
            {"table": n, "rows": warehouse.row_count(n), "description": describe(n, lang)}
            for n in names
        ]
    render(pa.Table.from_pylist(rows), fmt, lang=lang, headings=True)
