"""``bestvalue.arrays`` builds what pyarrow's own conversions build (which import pandas)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pytest

from bestvalue import arrays
from bestvalue.warehouse.schema import TABLES


def test_strings_equal_pyarrows():
    values = ["Asunción", None, "", "ocds-03ad3f-284437", "数据", None]
    built = arrays.strings(values)
    built.validate(full=True)
    assert built.equals(pa.array(values, pa.string()))
    assert arrays.strings([]).equals(pa.array([], pa.string()))


@pytest.mark.parametrize("kind", [pa.int32(), pa.int64(), pa.float64()])
def test_numbers_both_ways(kind):
    values = np.arange(-3, 7)
    built = arrays.from_numpy(values, kind, valid=values % 3 != 0)
    expected = pa.array([None if v % 3 == 0 else v for v in values.tolist()], kind)
    assert built.equals(expected)
    whole = arrays.from_numpy(values, kind)
    chunked = pa.chunked_array([whole.slice(0, 4), whole.slice(4)])
    assert arrays.to_numpy(chunked).tolist() == values.tolist()
    assert arrays.to_numpy(whole.slice(2, 5)).tolist() == values[2:7].tolist()
    assert arrays.to_numpy(pa.Array.from_buffers(kind, 0, [None, None])).tolist() == []
    with pytest.raises(ValueError, match="nulls"):
        arrays.to_numpy(built)


def test_rows_as_the_sources_and_rejects_tables():
    """The ingest's own small tables, against ``from_pylist``."""
    when = datetime(2026, 11, 27, 18, 1, 2, 345678, tzinfo=UTC)
    sources = [
        {"ingest_id": "i", "path": "a.json", "sha256": "0" * 64, "bytes": 12, "encoding": "utf-8",
         "country": None, "releases": 3, "compiled_releases": 0, "rejected": 1, "loaded_at": when},
        {"ingest_id": "i", "path": "b.json", "sha256": "1" * 64, "bytes": 0, "encoding": None,
         "country": "PY", "releases": None, "compiled_releases": 2, "rejected": 0,
         "loaded_at": None},
    ]  # fmt: skip
    rejects = [{"ingest_id": "i", "path": "c.json", "location": "byte 0", "reason": "vacío"}]
    for name, rows in (("sources", sources), ("rejects", rejects)):
        schema = TABLES[name].arrow
        assert arrays.table(rows, schema).equals(pa.Table.from_pylist(rows, schema=schema))


def test_a_column_of_no_chunks_is_an_empty_array():
    column = pa.chunked_array([], pa.string())
    assert arrays.whole(column).equals(pa.array([], pa.string()))
