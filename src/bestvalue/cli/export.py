"""``bestvalue export``: a table to CSV, Parquet or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..numbers import number
from ..warehouse.export import FORMATS, export_table
from .common import console, lang_option, open_from, warehouse_options

WROTE = {
    "en": "Wrote {rows} rows of {table} to {output}.",
    "es": "Se escribieron {rows} filas de {table} en {output}.",
}


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
    console.print(WROTE[lang].format(rows=number(rows, 0, lang), table=table, output=output))
