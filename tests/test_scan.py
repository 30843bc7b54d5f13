"""The native scanner gives what numpy and DuckDB gave: the brackets of the structural scan,
and structure keys that keep their promise (documents with one key have one structure, DuckDB's
``json_structure``, whatever their values and layout; what it does not follow gets no key); an
ingest without it loads the same tables."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from conftest import FIXTURES, documents, fingerprint, load_json_files
from hypothesis import given, settings
from hypothesis import strategies as st

from bestvalue import ingest
from bestvalue.ocds import shapes
from bestvalue.ocds.split import _numpy_structure
from bestvalue.warehouse import open_warehouse


def _keys(texts: list[str]) -> list[str | None]:
    data = [t.encode() for t in texts]
    text = np.frombuffer(b"".join(data), np.uint8) if data else np.zeros(0, np.uint8)
    offsets = np.cumsum([0, *map(len, data)])
    return shapes.keys(text, offsets).to_pylist()


def _structures(texts: list[str]) -> list[str]:
    con = duckdb.connect()
    con.register("docs", pa.table({"doc": texts}))
    return [s for (s,) in con.execute("SELECT json_structure(doc) FROM docs").fetchall()]


def _assert_one_structure_per_key(texts: list[str]) -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = defaultdict(set)
    for key, structure in zip(_keys(texts), _structures(texts), strict=True):
        if key is not None:
            by_key[key].add(structure)
    mixed = {k: s for k, s in by_key.items() if len(s) > 1}
    assert not mixed, f"one key, several structures: {mixed}"
    return by_key


def test_the_scanner_is_built():
    # `make setup` compiles it; without it every key is null and the ingest is slower.
    assert shapes.available()


def test_real_documents_one_structure_per_key():
    texts = []
    for _, data in load_json_files(FIXTURES):
        releases, compiled = documents(data)
        for doc in releases + compiled:
            texts += [json.dumps(doc, ensure_ascii=False), json.dumps(doc, indent=2)]
    by_key = _assert_one_structure_per_key(texts)
    keys = _keys(texts)
    assert keys.count(None) == 0  # real OCDS is plain JSON: the scanner follows all of it
    # Layout does not matter: the compact and indented texts of a document share a key.
    assert keys[0::2] == keys[1::2]
    # Many documents share a structure: far fewer keys than documents.
    assert len(by_key) < len(texts) // 4


def test_values_do_not_change_the_key():
    one = {"ocid": "a", "n": 1, "x": -2, "f": 1.5, "e": 1e5, "b": True, "l": [{"id": "1"}]}
    other = {
        "ocid": "zz",
        "n": 7_000,
        "x": -99,
        "f": -0.25,
        "e": 3e-7,
        "b": False,
        "l": [{"id": "x"}, {"id": "y"}],
    }
    assert _keys([json.dumps(one), json.dumps(other)]) == [_keys([json.dumps(one)])[0]] * 2


def test_documents_of_many_paths_keep_the_promise():
    # Thousands of distinct paths: the scanner's table of pairs seen grows several times.
    wide = [json.dumps({f"k{i}": (i if n else str(i)) for i in range(3000)}) for n in (0, 1)]
    wide.append(json.dumps({f"k{i}": -i - 1 for i in range(3000)}))
    deep = [json.dumps({"a": [{f"k{i}": {"v": [i]} for i in range(1500)}] * n}) for n in (1, 2)]
    keys = _keys(wide + deep)
    assert None not in keys and len(set(keys[:3])) == 3 and keys[3] == keys[4]
    _assert_one_structure_per_key(wide + deep)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('{"a": 1}', '{"a": -1}'),  # UBIGINT, BIGINT
        ('{"a": 1}', '{"a": 1.0}'),  # UBIGINT, DOUBLE
        ('{"a": "1"}', '{"a": 1}'),
        ('{"a": null}', '{"a": 1}'),
        ('{"a": []}', '{"a": [1]}'),
        ('{"a": {}}', '{"a": {"b": 1}}'),
        ('{"a": [1, "x"]}', '{"a": [1, 2]}'),
        ('{"a": 1, "b": 2}', '{"b": 2, "a": 1}'),  # key order shows in the structure
        ('{"a": {"b": 1}}', '{"a": [{"b": 1}]}'),
        ('{"a\\u0062": 1}', '{"ab": 1}'),  # the same key, written differently: told apart
    ],
)
def test_different_structures_different_keys(first, second):
    keys = _keys([first, second])
    assert None not in keys
    assert keys[0] != keys[1]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": [1, 2,]}',
        '{"a": 1,}',
        '{"a": 18446744073709551616}',  # beyond 64 bits: DuckDB types such numbers by value
        '{"a": 12345678901234567890}',
        '{"a": -1234567890123456789}',
        '{"a": 01}',
        '{"a": "unterminated}',
        '{"a": tru}',
        '{"a" 1}',
        '{"a": 1} {"b": 2}',
        "",
        "   ",
        "[" * 300 + "]" * 300,  # deeper than the scanner follows
    ],
)
def test_what_the_scanner_does_not_follow_gets_no_key(text):
    assert _keys([text]) == [None]


def test_keys_are_not_md5_of_a_structure():
    # Staging keeps both kinds in one column: they must never be equal.
    (key,) = _keys(['{"a": 1}'])
    assert key is not None and key.startswith(shapes.PREFIX) and len(key) == 33


def _same_brackets(data: bytes, depth: int, limit: int) -> int:
    buf = np.frombuffer(data, np.uint8)
    scanned = shapes.structure(buf, depth, limit)
    assert scanned is not None
    positions, chars, depths = _numpy_structure(buf, depth)
    kept = depths <= limit
    for native, reference in zip(
        scanned, (positions[kept], chars[kept], depths[kept]), strict=True
    ):
        assert native.tolist() == reference.tolist()
    return len(scanned[0])


def test_real_files_same_brackets_as_numpy():
    found = 0
    for path in sorted(FIXTURES.rglob("*.json")):
        data = path.read_bytes()
        for depth, limit in ((0, 1), (1, 2), (2, 3), (0, 99)):
            found += _same_brackets(data, depth, limit)
    assert found > 10_000


ALPHABET = b'{}[]"\\ a:,'


@settings(max_examples=400, deadline=None)
@given(
    st.binary(max_size=200).map(lambda b: bytes(ALPHABET[c % len(ALPHABET)] for c in b)),
    st.integers(min_value=-2, max_value=3),
    st.integers(min_value=-1, max_value=4),
)
def test_any_text_same_brackets_as_numpy(data, depth, limit):
    # Text that is not JSON too (escapes outside strings, stray quotes and brackets): the cut
    # of such a file must not depend on whether the scanner is built.
    _same_brackets(data, depth, limit)


def test_many_small_documents_overflow_nothing():
    # More brackets than the first guess of their number: scanned again, all found.
    data = b"{}" * 100_000
    assert _same_brackets(data, 0, 1) == 200_000


def test_bad_buffers_are_refused():
    from bestvalue.ocds import _scan

    text = np.frombuffer(b'{"a": 1}', np.uint8)
    with pytest.raises(ValueError, match="offsets outside"):
        _scan.keys(text, np.array([0, 99], np.int64), np.empty(16, np.uint8), np.empty(1, np.uint8))
    with pytest.raises(ValueError, match="wrong size"):
        _scan.structure(
            text, 0, 1, np.empty(2, np.int64), np.empty(1, np.uint8), np.empty(2, np.int64)
        )
    with pytest.raises(ValueError, match="wrong size"):
        _scan.keys(text, np.array([0, 8], np.int64), np.empty(8, np.uint8), np.empty(1, np.uint8))


leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='ab"\\é\n', max_size=4)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from("abcd"), values, max_size=4), min_size=1, max_size=12)
)
def test_generated_documents_one_structure_per_key(docs):
    texts = [json.dumps(d, indent=i % 2 or None) for i, d in enumerate(docs)]
    _assert_one_structure_per_key(texts)


def test_an_ingest_without_the_scanner_loads_the_same_tables(tmp_path: Path, monkeypatch):
    def load(name: str) -> dict[str, object]:
        with open_warehouse(tmp_path / f"{name}.duckdb", "duckdb") as warehouse:
            report = ingest([FIXTURES], warehouse, skip_bad=True)
            assert report.fast_files > 0  # (the scanner's keys are used by the fast path)
            return fingerprint(warehouse)

    with_keys = load("with")
    monkeypatch.setattr(shapes, "_scan", None)
    assert _keys(['{"a": 1}']) == [None]
    assert load("without") == with_keys
