"""Arrow arrays made from their buffers, and NumPy views of them, without importing pandas.

Why: pyarrow's ``pa.array`` (from a list or a NumPy array), ``to_numpy``, ``from_pylist`` and
their kin import pandas the first time they run, to ask whether what they were given is a pandas
object. That import takes 0.27 s here: a tenth of ingesting 36 MB, and nothing the ingest uses.
DuckDB takes and gives Arrow without it. So the ingest's fast path (staging, the SQL compile and
the commit) builds its arrays with these, and a test holds it to that (``tests/test_fastpath.py::
test_the_fast_path_imports_neither_pandas_nor_the_python_path``). The Python path, for documents
SQL does not compile, still uses pyarrow's conversions: it is slower by far anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["from_numpy", "strings", "table", "to_numpy", "whole"]

_NUMPY = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.float64(): np.float64,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def from_numpy(values: Any, kind: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """Numbers as an Arrow array of ``kind`` (an integer or float64 type); ``valid``: a mask of
    the non-null ones (the values under a null are kept, unread)."""
    data = np.ascontiguousarray(values, dtype=_NUMPY[kind])
    mask, nulls = _validity(valid, len(data))
    return pa.Array.from_buffers(kind, len(data), [mask, pa.py_buffer(data)], nulls)


def strings(values: Sequence[str | None]) -> pa.StringArray:
    """Python strings (or None) as an Arrow string array."""
    encoded = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    if offsets[-1] >= 1 << 31:
        raise ValueError("more than 2 GB of text in one string array")
    mask, nulls = _validity(np.array([v is not None for v in values], bool), len(encoded))
    return pa.StringArray.from_buffers(
        len(encoded),
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(b"".join(encoded)),
        mask,
        nulls,
    )


def to_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An integer or float array without nulls as NumPy (a view when it is one chunk)."""
    if isinstance(array, pa.ChunkedArray):
        array = whole(array)
    if array.null_count:
        raise ValueError("to_numpy: the array has nulls")
    dtype = _NUMPY[array.type]
    if not len(array):  # (an empty array may have no data buffer at all)
        return np.empty(0, dtype)
    return np.frombuffer(array.buffers()[1], dtype)[array.offset : array.offset + len(array)]


def whole(column: pa.ChunkedArray) -> pa.Array:
    """A column as one array (``combine_chunks``, which builds the array of a column of no
    chunks, as DuckDB gives for no rows, with ``pa.array``)."""
    return column.combine_chunks() if column.num_chunks else pa.nulls(0, column.type)


def table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts, a missing key a null) as a table of ``schema``: strings, numbers and UTC
    timestamps in microseconds; other types take pyarrow's conversion."""
    return pa.Table.from_arrays(
        [_column([r.get(f.name) for r in rows], f.type) for f in schema], schema=schema
    )


def _column(values: list[Any], kind: pa.DataType) -> pa.Array:
    if kind == pa.string():
        return strings(values)
    valid = np.array([v is not None for v in values], bool)
    if kind in _NUMPY:
        return from_numpy([0 if v is None else v for v in values], kind, valid)
    if kind == pa.timestamp("us", tz="UTC"):
        micros = [0 if v is None else (v - _EPOCH) // _MICROSECOND for v in values]
        return from_numpy(micros, pa.int64(), valid).view(kind)
    return pa.array(values, kind)  # pragma: no cover - no such column on the fast path


def _validity(valid: np.ndarray | None, n: int) -> tuple[pa.Buffer | None, int]:
    if valid is None or valid.all():
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), int(n - valid.sum())
