"""Exporting a table to CSV, Parquet or an Excel workbook, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import BestValueError
from .base import Warehouse

__all__ = ["FORMATS", "export_table", "write_workbook"]

FORMATS = ("csv", "parquet", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def export_table(warehouse: Warehouse, name: str, fmt: str, output: Path) -> int:
    """Write the table; a failure leaves no partial file behind. Returns the row count."""
    data = warehouse.table(name).to_pyarrow()
    tmp = output.with_name(f".{output.name}.part")
    try:
        if fmt == "parquet":
            pq.write_table(data, tmp)
        elif fmt == "csv":
            pacsv.write_csv(_flat(data), tmp)
        elif fmt == "xlsx":
            _xlsx(data, tmp)
        else:
            raise BestValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return int(data.num_rows)


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


def _xlsx(data: pa.Table, path: Path) -> None:
    _workbook({"data": data}, path)


def write_workbook(sheets: dict[str, pa.Table], output: Path) -> None:
    """Several tables as the sheets of one workbook, written atomically."""
    tmp = output.with_name(f".{output.name}.part")
    try:
        _workbook(sheets, tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def _workbook(sheets: dict[str, pa.Table], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, data in sheets.items():
        if data.num_rows > XLSX_MAX_ROWS:
            raise BestValueError(
                f"{data.num_rows:,} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS:,} at "
                "most); export as csv or parquet"
            )
        sheet = book.create_sheet(name[:31])
        flat = _flat(data)
        sheet.append(flat.column_names)
        for batch in flat.to_batches(10_000):
            for row in batch.to_pylist():
                sheet.append([row[c] for c in flat.column_names])
    book.save(path)
