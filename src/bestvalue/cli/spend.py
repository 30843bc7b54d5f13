"""``bestvalue spend``: the money by category, buyer, supplier, year, country, method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..categories.taxonomy import LEVELS
from ..labels import CATEGORY_METHODS, FX_STATUSES, label
from ..messages import message
from ..numbers import number, share
from ..spend import BASES, CURRENCIES, DIMENSIONS, SpendResult, spend
from ..warehouse.export import write_workbook
from .common import (
    PhaseProgress,
    console,
    file_format,
    heading,
    lang_option,
    open_from,
    records,
    warehouse_options,
    wrote,
)

FORMATS = ("table", "csv", "json", "xlsx")


def _dimensions(value: str) -> list[str]:
    dims = [d.strip() for d in value.split(",") if d.strip()]
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not dims:
        shown = ", ".join(unknown) or repr(value)
        raise click.BadParameter(message("choose_from", value=shown, choices=", ".join(DIMENSIONS)))
    return dims


@click.command("spend")
@click.option(
    "--by",
    default="category",
    show_default=True,
    help=f"Comma-separated dimensions: {', '.join(DIMENSIONS)}.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="segment",
    show_default=True,
    help="UNSPSC level of the category dimension.",
)
@click.option(
    "--currency",
    type=click.Choice(CURRENCIES),
    default="USD",
    show_default=True,
    help="USD at the year's rate, constant USD of --base-year, or the original currencies.",
)
@click.option(
    "--base-year", type=int, help="Base year of constant USD (default: the latest year with a CPI)."
)
@click.option(
    "--basis",
    type=click.Choice(BASES),
    default="actual",
    show_default=True,
    help="actual: contracts, else awards; planned: tender estimates.",
)
@click.option("--top", type=click.IntRange(1), help="Only the N largest rows.")
@click.option(
    "--rates",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of extra or corrected rates (currency, year, lcu_per_usd, source). Repeatable.",
)
@lang_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=(
        "Write to this file (required for xlsx); without --format, its ending (.csv, .json, "
        ".xlsx) sets the format."
    ),
)
@warehouse_options
def command(
    by: str,
    level: str,
    currency: str,
    base_year: int | None,
    basis: str,
    top: int | None,
    rates: tuple[Path, ...],
    lang: str,
    fmt: str,
    output: Path | None,
    **options: Any,
) -> None:
    """Spend by category (UNSPSC), buyer, supplier, year, country or method, with coverage."""
    dims = _dimensions(by)
    fmt = file_format(fmt, output, FORMATS)
    if fmt == "xlsx" and output is None:
        raise click.UsageError(message("needs_output", format="xlsx"))
    with open_from(options) as warehouse, PhaseProgress() as progress:
        result = spend(
            warehouse,
            dims,
            level=level,
            currency=currency,
            basis=basis,
            base_year=base_year,
            rates=rates,
            top=top,
            progress=progress,
        )
    if fmt == "xlsx":
        assert output is not None
        write_workbook(_sheets(result), output)
        wrote("rows", output, rows=number(len(result.table), 0, lang))
    elif fmt == "table":
        _show(result, lang, currency)
    else:
        text = _json(result, currency, basis) if fmt == "json" else result.table.to_csv(index=False)
        if output:
            output.write_text(text, encoding="utf-8")
            wrote("file", output)
        else:
            click.echo(text, nl=fmt == "json")


def _coverage_dict(result: SpendResult) -> dict[str, Any]:
    cov = result.coverage
    return {
        "total_usd": cov.total_usd,
        "by_method": records(cov.by_method),
        "unconverted": records(cov.unconverted),
        "allocation": records(cov.allocation),
    }


def _json(result: SpendResult, currency: str, basis: str) -> str:
    doc = {
        "basis": basis,
        "currency": currency,
        "rows": records(result.table),
        "coverage": _coverage_dict(result),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def _sheets(result: SpendResult) -> dict[str, pa.Table]:
    cov = result.coverage
    frames = {
        "spend": result.table,
        "coverage_by_method": cov.by_method,
        "unconverted": cov.unconverted,
        "allocation": cov.allocation,
    }
    return {
        name: pa.Table.from_pandas(frame, preserve_index=False) for name, frame in frames.items()
    }


TEXT = {
    "en": {
        "unit": "Amounts in {unit}.",
        "usd": "USD",
        "constant": "constant USD",
        "classified": "Classified share of spend (USD {total}): {parts}",
        "unconverted": "Not converted ({what}): {currency}{amount} in {lines} lines, year {year}",
    },
    "es": {
        "unit": "Montos en {unit}.",
        "usd": "USD",
        "constant": "USD constantes",
        "classified": "Proporción clasificada del gasto (USD {total}): {parts}",
        "unconverted": "No convertido ({what}): {currency}{amount} en {lines} líneas, año {year}",
    },
}


def _show(result: SpendResult, lang: str, currency: str) -> None:
    from rich.table import Table

    frame = result.table
    said = TEXT[lang]
    unit = said["usd"] if currency == "USD" else said["constant"] if currency == "constant" else ""
    hidden = ({"category_name_en", "category_name_es"} - {f"category_name_{lang}"}) | {
        "lines",
        "cumulative_share",
    }
    shown = Table(*[heading(c, lang) for c in frame.columns if c not in hidden])
    for row in records(frame):
        shown.add_row(*[_cell(k, v, lang) for k, v in row.items() if k not in hidden])
    console.print(shown)
    if unit:
        console.print(said["unit"].format(unit=unit))
    _show_coverage(result, lang)


def _cell(name: str, value: Any, lang: str) -> str:
    if value is None:
        return ""
    if name in ("share", "cumulative_share"):
        return share(value, lang)
    if name == "amount":
        return number(value, 0, lang)
    return str(value)


def _show_coverage(result: SpendResult, lang: str) -> None:
    cov = result.coverage
    said = TEXT[lang]
    parts = [
        f"{label(CATEGORY_METHODS, r['category_method'], lang)} {share(r['share'], lang)}"
        for r in records(cov.by_method)
    ]
    total = number(cov.total_usd, 0, lang)
    console.print(said["classified"].format(total=total, parts="; ".join(parts)))
    for r in records(cov.unconverted):
        line = said["unconverted"].format(
            what=label(FX_STATUSES, r["fx_status"], lang),
            currency=r["currency"] or "?",
            amount="" if r["amount"] is None else " " + number(r["amount"], 0, lang),
            lines=number(r["lines"], 0, lang),
            year=r["year"] or "?",
        )
        console.print(line)


__all__ = ["command"]
