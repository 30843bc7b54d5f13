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
BATCH_ROWS = 65_536  # rows read and written at a time
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def export_table(warehouse: Warehouse, name: str, fmt: str, output: Path) -> int:
    """Write the table, batch by batch (memory holds one batch, however large the table); a
    failure leaves no partial file behind. Returns the row count."""
    if fmt not in FORMATS:
        raise BestValueError(message("unknown_format", value=fmt, choices=", ".join(FORMATS)))
    if fmt == "xlsx":
        _fits_a_sheet(warehouse.row_count(name))
    reader = warehouse.batches(name, BATCH_ROWS)
    with atomic(output) as tmp:
        if fmt == "xlsx":
            return _workbook({"data": reader}, tmp)
        flat = fmt == "csv"
        schema = _flat_schema(reader.schema) if flat else reader.schema
        writer = pacsv.CSVWriter if flat else pq.ParquetWriter
        rows = 0
        with writer(str(tmp), schema) as out:
            for batch in reader:
                out.write_table(
                    (_flat(batch) if flat else pa.Table.from_batches([batch])).cast(schema)
                )
                rows += batch.num_rows
    return rows


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


def _flat(data: pa.Table | pa.RecordBatch) -> pa.Table:
    """Lists become JSON text, which CSV and Excel can hold."""
    columns = []
    for column in data.columns:
        if pa.types.is_list(column.type) or pa.types.is_struct(column.type):
            column = pa.array([_json(v) for v in column.to_pylist()], pa.string())
        elif pa.types.is_timestamp(column.type) and column.type.tz:
            column = column.cast(pa.timestamp("us"))  # Excel has no time zones; all are UTC
        columns.append(column)
    return pa.table(columns, names=data.column_names)


def _flat_schema(schema: pa.Schema) -> pa.Schema:
    """The schema of :func:`_flat`'s tables."""
    return _flat(schema.empty_table()).schema


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def write_workbook(sheets: dict[str, pa.Table], output: Path) -> None:
    """Several tables as the sheets of one workbook, written atomically."""
    with atomic(output) as tmp:
        _workbook(sheets, tmp)


def _fits_a_sheet(rows: int) -> None:
    if rows > XLSX_MAX_ROWS:
        raise BestValueError(message("too_many_rows", rows=f"{rows:,}", most=f"{XLSX_MAX_ROWS:,}"))


def _workbook(sheets: dict[str, pa.Table | pa.RecordBatchReader], path: Path) -> int:
    """The sheets, each from a table or from batches as they come; the rows of the last."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for data in sheets.values():  # (refused before the workbook is begun)
        if isinstance(data, pa.Table):
            _fits_a_sheet(data.num_rows)
    for name, data in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(data.schema.names)
        rows = 0
        batches = data.to_batches(10_000) if isinstance(data, pa.Table) else data
        for batch in batches:
            rows += batch.num_rows
            for row in _flat(batch).to_pylist():
                sheet.append(list(row.values()))
    book.save(path)
    return rows
