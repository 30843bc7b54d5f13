"""``bestvalue export``: a table to CSV, Parquet or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..numbers import number
from ..warehouse.export import FORMATS, export_table
from .common import lang_option, open_from, warehouse_options, wrote


@click.command("export")
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@lang_option
@warehouse_options
def command(table: str, fmt: str, output: Path, lang: str, **options: Any) -> None:
    """Export TABLE (see `bestvalue tables`) to a file."""
    with open_from(options, read_only=True) as warehouse:
        rows = export_table(warehouse, table, fmt, output)
    wrote("table", output, rows=number(rows, 0, lang), table=table)
