"""``bestvalue valuechain``: a category's tiers, goods, countries and salient risks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..categories.taxonomy import unspsc_code
from ..messages import message
from ..risk import supplier_countries
from ..risk.valuechain import render, rows, value_chain
from .common import format_option, lang_option, open_from, warehouse_options, wrote
from .common import render as show


@click.command("valuechain")
@click.argument("category")
@click.option("--country", help="Only this country's suppliers (ISO 3166 alpha-2, as ingested).")
@lang_option
@format_option("table", "json", "csv")
@click.option(
    "--diagram",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the chain to this .svg or .png file.",
)
@click.option(
    "--no-data", is_flag=True, help="Do not read the warehouse (no tier-1 supplier countries)."
)
@warehouse_options
def command(
    category: str,
    country: str | None,
    lang: str,
    fmt: str,
    diagram: Path | None,
    no_data: bool,
    **options: Any,
) -> None:
    """The value chain of a UNSPSC CATEGORY: raw materials to end of life, Americas first."""
    code = unspsc_code(category)
    if code is None:
        raise click.BadParameter(message("not_unspsc", value=repr(category)), param_hint="CATEGORY")
    if diagram is not None and diagram.suffix.lower() not in (".svg", ".png"):
        raise click.BadParameter(
            message("svg_or_png", what=message("what_diagram")), param_hint="--diagram"
        )
    suppliers = None
    if not no_data:
        with open_from(options) as warehouse:
            suppliers = supplier_countries(warehouse, code, country=country)
    chain = value_chain(code, suppliers)
    table = rows(chain, lang)
    if fmt == "json":
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
    else:
        show(pa.Table.from_pylist(table), fmt)
    if diagram is not None:
        render(chain, str(diagram), lang)
        wrote("diagram", diagram)
