"""Options every command shares, and output in the formats people ask for."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import click
import pyarrow as pa
from rich.console import Console
from rich.table import Table

from .. import settings
from ..errors import WarehouseError
from ..frames import records
from ..messages import message
from ..numbers import marked
from ..warehouse import ENGINES, Warehouse, open_warehouse
from ..warehouse.progress import Progress

__all__ = [
    "PhaseProgress",
    "console",
    "err_console",
    "format_option",
    "lang_option",
    "open_from",
    "records",
    "render",
    "warehouse_options",
]

# Piped output is read by people in files and logs: do not squeeze it to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def warehouse_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--warehouse``, ``--engine`` and ``--spark-master``, defaulting to the settings."""
    func = click.option(
        "--spark-master",
        default=lambda: settings.get("spark_master"),
        show_default="local[*]",
        help="Spark master URL (spark engine).",
    )(func)
    func = click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default=lambda: settings.get("engine"),
        show_default="duckdb",
        help="Warehouse engine.",
    )(func)
    return click.option(
        "--warehouse",
        "warehouse_path",
        default=lambda: settings.get("warehouse"),
        show_default="bestvalue.duckdb",
        help="Warehouse location: a DuckDB file, or a directory for the spark engine.",
    )(func)


def open_from(options: dict[str, Any], read_only: bool = False, create: bool = False) -> Warehouse:
    """The warehouse the options name. Only a command that loads data (``create``) makes a new
    one: any other, pointed at a place with none, says so rather than query an empty warehouse
    it would leave behind."""
    location = Path(options["warehouse_path"])
    if not create and not location.exists():
        raise WarehouseError(message("no_warehouse", location=location))
    return open_warehouse(
        options["warehouse_path"],
        options["engine"],
        read_only=read_only,
        spark_master=options["spark_master"],
    )


def _plain(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO text, a DECIMAL as a number (a query's
    literal such as 1.5 is one), a BLOB as hex; other kinds (an interval, a UUID) as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, timedelta | UUID):
        return str(value)
    if isinstance(value, pa.MonthDayNano):  # an INTERVAL, as ISO 8601 writes one (P1M3DT4.5S)
        months, days, nanos = value
        time_part = f"T{nanos / 1e9:g}S" if nanos else ""
        return f"P{months}M{days}D{time_part}" if months else f"P{days}D{time_part}"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# The columns of the tables the commands show, as a Spanish reader sees them in a rich table
# (CSV, JSON and XLSX keep the column names: they are data).
HEADINGS_ES = {
    "table": "tabla",
    "rows": "filas",
    "description": "descripción",
    "title": "título",
    "countries": "países",
    "americas": "américas",
    "imported": "importado",
    "edition": "edición",
    "licence": "licencia",
    "category_code": "categoría",
    "category_name_es": "nombre",
    "buyer_id": "id del comprador",
    "buyer_name": "comprador",
    "supplier_id": "id del proveedor",
    "supplier_name": "proveedor",
    "year": "año",
    "country": "país",
    "procurement_method": "método",
    "currency": "moneda",
    "amount": "monto",
    "processes": "procesos",
    "suppliers": "proveedores",
    "share": "proporción",
    "abc": "ABC",
}


def heading(column: str, lang: str) -> str:
    """A column's heading in a rich table: the Spanish of a known column, else its name."""
    return HEADINGS_ES.get(column, column) if lang == "es" else column


def render(
    table: pa.Table, fmt: str, out: Any = None, lang: str = "en", headings: bool = False
) -> None:
    """Write an Arrow table as a rich table, CSV or JSON (a list of objects, one per row).

    The rich table is read by a person: its decimals take ``lang``'s mark (0,25 in Spanish),
    a yes or no is a word, and with ``headings`` its columns are named in ``lang`` (not for a
    user's own query). CSV and JSON are data, with their names and Python's marks."""
    if fmt in ("csv", "json"):
        stream(pa.RecordBatchReader.from_batches(table.schema, table.to_batches()), fmt, out)
        return
    names = [heading(c, lang) if headings else c for c in table.column_names]
    shown = Table(*names, show_lines=False)
    for row in (_plain(r) for r in table.to_pylist()):
        shown.add_row(*[_shown(row[c], lang) for c in table.column_names])
    Console(file=out or sys.stdout, width=None if sys.stdout.isatty() else 160).print(shown)


def stream(reader: pa.RecordBatchReader, fmt: str, out: Any = None) -> None:
    """CSV or JSON (a list of objects, one per row), a batch at a time: a query's result of
    millions of rows goes out without being held whole."""
    out = out or sys.stdout
    names = reader.schema.names
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(names)
    first = True
    for batch in reader:
        rows = [_plain(r) for r in batch.to_pylist()]
        if fmt == "csv":
            writer.writerows([_cell(row[c]) for c in names] for row in rows)
            continue
        if rows:  # the batch as a list, less its brackets: its rows indented as in the whole
            text = json.dumps(rows, ensure_ascii=False, indent=2)[2:-2]
            out.write(("[\n" if first else ",\n") + text)
            first = False
    if fmt == "json":
        out.write("[]\n" if first else "\n]\n")


def render_listing(rows: list[dict[str, Any]], fmt: str, lang: str, brief: Sequence[str]) -> None:
    """A listing of metadata: every field in JSON and CSV, the ``brief`` ones in a table."""
    if fmt == "table":
        rows = [{k: r[k] for k in brief} for r in rows]
    render(pa.Table.from_pylist(rows), fmt, lang=lang, headings=True)


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return {"es": ("no", "sí")}.get(lang, ("no", "yes"))[value]
    return marked(str(value), lang) if isinstance(value, float) else _cell(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# The phases the core reports (classify, assess), in Spanish: the spinner says them in --lang.
PHASES_ES = {
    "Recognising codes": "Reconociendo códigos",
    "Training the text classifier": "Entrenando el clasificador de texto",
    "Classifying text": "Clasificando texto",
    "Writing categories": "Escribiendo las categorías",
    "Assessing spend and risk": "Evaluando el gasto y el riesgo",
    "Simulating the economic case": "Simulando el caso económico",
    "Drawing charts and value chains": "Dibujando gráficos y cadenas de valor",
}


class PhaseProgress(Progress):
    """A spinner per phase on stderr, with a bar when the phase has a size."""

    def __enter__(self) -> PhaseProgress:
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self._bar = Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self._bar.start()
        self._task: Any = None
        return self

    def phase(self, name: str, total: int | None = None) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[-1].total or 1)
        shown = PHASES_ES.get(name, name) if LANG["current"] == "es" else name
        self._task = self._bar.add_task(shown, total=total)

    def step(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, *exc: Any) -> None:
        self._bar.stop()


def format_option(*choices: str) -> Callable[..., Any]:
    """``--format`` with the given choices, the first being the default."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True
    )


def file_format(fmt: str, output: Path | None, choices: tuple[str, ...]) -> str:
    """The format to write: with ``--output`` and no ``--format``, the file's suffix says it
    (``spend --output s.xlsx``); a table on the terminal cannot go to a file, so asking for one
    is refused rather than the file silently not written."""
    if output is None or fmt != "table":
        return fmt
    context = click.get_current_context()
    suffix = output.suffix.lstrip(".").lower()
    given = context.get_parameter_source("fmt") is click.core.ParameterSource.COMMANDLINE
    if suffix in choices and suffix != "table" and not given:
        return suffix
    files = ", ".join(c for c in choices if c != "table")
    raise click.UsageError(message("output_needs_format", formats=files))


LANGUAGES = ("en", "es")  # what --lang offers
LANG = {"current": "en"}  # this run's language: main() reads it first, each --lang then keeps it
# What a command says it wrote, in each language (keys: what, the file's place in `where`).
WROTE = {
    "en": {
        "file": "Wrote {where}",
        "rows": "Wrote {rows} rows and the coverage report to {where}.",
        "table": "Wrote {rows} rows of {table} to {where}.",
        "chart": "Chart: {where}",
        "diagram": "Diagram: {where}",
        "report": "Report: {where} and {pdf}",
        "tables": "Tables: {where} and CSV files beside it",
        "json": "Machine-readable result: {where}",
    },
    "es": {
        "file": "Se escribió {where}",
        "rows": "Se escribieron {rows} filas y el informe de cobertura en {where}.",
        "table": "Se escribieron {rows} filas de {table} en {where}.",
        "chart": "Gráfico: {where}",
        "diagram": "Diagrama: {where}",
        "report": "Informe: {where} y {pdf}",
        "tables": "Tablas: {where} y archivos CSV a su lado",
        "json": "Resultado legible por máquina: {where}",
    },
}


def wrote(what: str, where: object, **values: object) -> None:
    """Say that a file was written, in the command's language."""
    console.print(WROTE[LANG["current"]][what].format(where=where, **values))


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    LANG["current"] = value
    return value


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=lambda: LANG["current"],  # `bestvalue --lang es COMMAND` sets it for the command
    show_default="en",
    callback=_remember_lang,
    help="Language of names, labels, reasons and error messages.",
)


def emit(content: str | bytes, output: Path | None) -> None:
    """Write a document to ``output``, or text to standard output; a binary document (DOCX,
    XLSX) needs a file, so say so rather than spill bytes on the terminal."""
    if output is None:
        if isinstance(content, bytes):
            raise click.UsageError(message("binary_needs_output"))
        click.echo(content, nl=False)
        return
    if isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
    wrote("file", output)
