"""Exporting a table to CSV, Parquet or an Excel workbook, written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import BestValueError
from ..messages import message
from .base import Warehouse

__all__ = ["FORMATS", "atomic", "export_table", "write_workbook"]

FORMATS = ("csv", "parquet", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def export_table(warehouse: Warehouse, name: str, fmt: str, output: Path) -> int:
    """Write the table; a failure leaves no partial file behind. Returns the row count."""
    if fmt not in FORMATS:
        raise BestValueError(message("unknown_format", value=fmt, choices=", ".join(FORMATS)))
    data = warehouse.table(name).to_pyarrow()
    with atomic(output) as tmp:
        if fmt == "parquet":
            pq.write_table(data, tmp)
        elif fmt == "csv":
            pacsv.write_csv(_flat(data), tmp)
        else:
            _workbook({"data": data}, tmp)
    return int(data.num_rows)


@contextmanager
def atomic(output: Path) -> Iterator[Path]:
    """A scratch path beside ``output`` to write to, renamed to it once written; nothing is
    left behind on failure, and a file that cannot be written is named (not a traceback)."""
    if not output.parent.is_dir():  # said before any work (and before openpyxl's own noise)
        said = message("no_folder", folder=output.parent)
        raise BestValueError(f"{output}: {said}")
    tmp = output.with_name(f".{output.name}.part")
    try:
        yield tmp
        os.replace(tmp, output)
    except OSError as exc:
        said = message("cannot_write", detail=exc.strerror or exc)
        raise BestValueError(f"{output}: {said}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _flat(data: pa.Table) -> pa.Table:
    """Lists become JSON text, which CSV and Excel can hold."""
    columns = []
    for column in data.columns:
        if pa.types.is_list(column.type) or pa.types.is_struct(column.type):
            column = pa.array([_json(v) for v in column.to_pylist()], pa.string())
        elif pa.types.is_timestamp(column.type) and column.type.tz:
            column = column.cast(pa.timestamp("us"))  # Excel has no time zones; all are UTC
        columns.append(column)
    return pa.table(columns, names=data.column_names)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def write_workbook(sheets: dict[str, pa.Table], output: Path) -> None:
    """Several tables as the sheets of one workbook, written atomically."""
    with atomic(output) as tmp:
        _workbook(sheets, tmp)


def _workbook(sheets: dict[str, pa.Table], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, data in sheets.items():
        if data.num_rows > XLSX_MAX_ROWS:
            raise BestValueError(
                message("too_many_rows", rows=f"{data.num_rows:,}", most=f"{XLSX_MAX_ROWS:,}")
            )
        sheet = book.create_sheet(name[:31])
        flat = _flat(data)
        sheet.append(flat.column_names)
        for batch in flat.to_batches(10_000):
            for row in batch.to_pylist():
                sheet.append([row[c] for c in flat.column_names])
    book.save(path)
