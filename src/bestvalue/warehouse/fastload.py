"""Staging a file in DuckDB: the documents are cut out by :mod:`bestvalue.ocds.split` and parsed,
checked and keyed in SQL, with no Python object per document.

Why: building Python objects for every release was most of an ingest's time. Here Python only
moves byte slices; DuckDB (C++, every core) parses them. The result is row for row what the
streaming reader and :func:`bestvalue.ocds.validate.check_release` would stage, or nothing at all:
whenever a file holds anything these checks do not vouch for (a record, a wrong type, a date in
an unusual form, a numeric string, invalid JSON), :func:`stage_file` returns False and the
caller reads the file with the streaming reader, which refuses or records each bad document
with its exact place. Being stricter than ``check_release`` is safe; being looser never happens.

The checks run on each distinct *shape* of document (DuckDB's ``json_structure``: every key and
its JSON type), of which a file has a handful, not on each document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from ..ocds.sources import Fingerprint, Source
from ..ocds.split import Splitter, Unsupported

if TYPE_CHECKING:
    from .ingest import _Run

__all__ = ["DATE_PATTERN", "SEQ_BITS", "FastStage", "shape_is_plain", "shape_is_valid"]

NUMBER = {"BIGINT", "UBIGINT", "DOUBLE", "NULL"}
OBJECT = "object"
# A date the SQL parses exactly as Python's datetime.fromisoformat does (else: the reader).
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?"
NOT_DOCUMENTS = ("releases", "records", "compiledRelease", "versionedRelease")


SEQ_BITS = 32  # a document's seq is its file's index, shifted, plus its place in the file
BATCH_BYTES = 128 << 20  # files are cut into DuckDB until this much, then parsed together


class FastStage:
    """Cut files into DuckDB, then parse, check and stage them in batches of files.

    A file this path cannot vouch for goes to ``fallback`` (the Python reader), in file order:
    a batch is flushed before any file is read by the fallback, so the first bad file is the
    first reported, as with the reader alone.
    """

    def __init__(self, run: _Run, fallback: Callable[[_Run, Source, Fingerprint], None]) -> None:
        self.run, self.fallback = run, fallback
        self.pending: list[tuple[int, Source, Fingerprint, bool]] = []
        self.bytes = 0
        run.stage.con.execute(
            "CREATE OR REPLACE TEMP TABLE _cut (doc VARCHAR, pointer VARCHAR, n BIGINT, f INTEGER)"
        )
        run.stage.con.execute(
            "CREATE OR REPLACE TEMP TABLE _known_shapes (seq BIGINT, shape VARCHAR)"
        )

    def add(self, index: int, source: Source, fingerprint: Fingerprint) -> None:
        if fingerprint.encoding == "utf-8":
            try:
                alone = _cut(self.run.stage.con, index, source)
            except (Unsupported, duckdb.Error, pa.ArrowInvalid):
                self.run.stage.con.execute("DELETE FROM _cut WHERE f = ?", [index])
            else:
                self.pending.append((index, source, fingerprint, alone))
                self.bytes += fingerprint.size
                if self.bytes >= BATCH_BYTES:
                    self.flush()
                return
        self.flush()
        self._fall_back(index, source, fingerprint)

    def _fall_back(self, index: int, source: Source, fingerprint: Fingerprint) -> None:
        self.run.seq = index << SEQ_BITS
        self.fallback(self.run, source, fingerprint)

    def flush(self) -> None:
        if not self.pending:
            return
        con, run = self.run.stage.con, self.run
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _parsed (f INTEGER, n BIGINT, pointer VARCHAR, j JSON, "
            "shape VARCHAR, k VARCHAR[])"
        )
        _parse(con, [i for i, *_, one in self.pending if one])
        good = _check(con)
        names = [[i, s.name] for i, s, *_ in self.pending if i in good]
        con.execute("CREATE OR REPLACE TEMP TABLE _names (f INTEGER, source VARCHAR)")
        if names:
            con.executemany("INSERT INTO _names VALUES (?, ?)", names)
        seq = f"(f::BIGINT << {SEQ_BITS}) + n + 1"
        run.stage.append_sql(
            f"""
            SELECT k[1] AS ocid, {_KIND} AS kind, k[2] AS release_id,
                   {date_key_sql("k[3]")} AS date_key, _names.source, pointer, k[4] AS version,
                   md5(j) AS doc_hash, j::VARCHAR AS doc, ? AS country, ? AS ingest_id,
                   {seq} AS seq
            FROM _parsed JOIN _names USING (f) ORDER BY f, n
            """,
            [run.country, run.report.ingest_id],
        )
        con.execute(  # the compile reuses the shapes rather than computing them again
            f"INSERT INTO _known_shapes SELECT {seq}, shape FROM _parsed JOIN _names USING (f)"
        )
        counts = {
            f: (r, c)
            for f, r, c in con.execute(
                f"SELECT seq >> {SEQ_BITS}, count(*) FILTER (WHERE kind = 'release'), count(*) "
                f"FILTER (WHERE kind = 'compiled') FROM _stage_sql WHERE seq >> {SEQ_BITS} IN "
                "(SELECT f FROM _names) GROUP BY ALL"
            ).fetchall()
        }
        for index, source, fingerprint, _ in self.pending:
            if index in good:
                releases, compiled = counts.get(index, (0, 0))
                run.report.releases += releases
                run.report.compiled_releases += compiled
                run.report.fast_files += 1
                run.progress.advance(source.size_on_disk, releases + compiled)
                run.sources.append(run.source_row(source, fingerprint, releases, compiled, 0))
            else:
                self._fall_back(index, source, fingerprint)
        con.execute("DELETE FROM _cut")
        con.execute("DROP TABLE _parsed")
        self.pending, self.bytes = [], 0


def _cut(con: duckdb.DuckDBPyConnection, index: int, source: Source) -> bool:
    """Cut one file into ``_cut``; True when it is one bare document (the reader's ``/``)."""
    with source.open() as stream:
        splitter = Splitter(stream)
        n = 0
        for piece in splitter:
            batch = pa.table(
                {
                    "doc": pa.array(piece.docs, pa.binary()).cast(pa.string()),  # checks UTF-8
                    "pointer": pa.array(piece.pointers, pa.string()),
                    "n": pa.array(range(n, n + len(piece.docs)), pa.int64()),
                    "f": pa.array([index] * len(piece.docs), pa.int32()),
                }
            )
            n += len(piece.docs)
            con.register("_piece", batch)
            con.execute("INSERT INTO _cut SELECT * FROM _piece")
            con.unregister("_piece")
        splitter.package()  # a record (or anything else around the releases) is refused here
    return splitter.alone


def _parse(con: duckdb.DuckDBPyConnection, alone: list[int]) -> None:
    """Parse the cut documents into ``_parsed``, but for files with invalid JSON (left to the
    reader). Nothing here may raise: an error would abort the ingest's transaction."""
    where = "WHERE f NOT IN (SELECT DISTINCT f FROM _cut WHERE NOT json_valid(doc))"
    pointer = f"CASE WHEN f IN ({', '.join(map(str, alone)) or '-1'}) THEN '/' ELSE pointer END"
    con.execute(
        f"""
        INSERT INTO _parsed
        SELECT f, n, {pointer} AS pointer, j, json_structure(j) AS shape,
               json_extract_string(j, ['$.ocid', '$.id', '$.date', '$.version']) AS k
        FROM (SELECT f, n, pointer, json(doc) AS j FROM _cut {where})
        """
    )


def _check(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Drop from ``_parsed`` every file with a document the checks do not vouch for; return the
    files that are left."""
    bad_shapes = [
        [s]
        for (s,) in con.execute("SELECT DISTINCT shape FROM _parsed").fetchall()
        if not shape_is_valid(json.loads(s))
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _bad_shapes (shape VARCHAR)")
    if bad_shapes:
        con.executemany("INSERT INTO _bad_shapes VALUES (?)", bad_shapes)
    con.execute(
        f"""
        DELETE FROM _parsed WHERE f IN (
          SELECT f FROM _parsed WHERE shape IN (SELECT shape FROM _bad_shapes) OR NOT (
            coalesce(regexp_matches(k[1], '^[!-~]'), false) AND coalesce(k[2] <> '', false)
            AND coalesce(regexp_full_match(k[3], '{DATE_PATTERN}'), false)
            AND {date_key_sql("k[3]")} IS NOT NULL
            AND NOT (contains(j, 'null') AND regexp_matches(j, '[\\[,]null[,\\]]'))))
        """
    )
    return {f for (f,) in con.execute("SELECT DISTINCT f FROM _parsed").fetchall()}


_KIND = (
    "CASE WHEN contains(j, '\"compiled\"') AND (json_extract_string(j, '$.tag') = 'compiled' OR "
    "list_contains(json_extract_string(j, '$.tag[*]'), 'compiled')) THEN 'compiled' "
    "ELSE 'release' END"
)


def date_key_sql(value: str) -> str:
    """SQL of :func:`bestvalue.ocds.compile.date_key` for a date matching ``DATE_PATTERN``."""
    parsed = (
        f"CASE WHEN regexp_matches({value}, '(Z|[+-]\\d{{2}}:\\d{{2}})$') "
        f"THEN timezone('UTC', TRY_CAST({value} AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST({value} AS TIMESTAMP) END"
    )
    return f"strftime({parsed}, '%Y-%m-%dT%H:%M:%S.%fZ')"


# --- shapes -------------------------------------------------------------------------------------


def shape_is_valid(shape: Any) -> bool:
    """True when no document of this shape can fail ``check_release`` or be a record."""
    if not isinstance(shape, dict) or any(k in shape for k in NOT_DOCUMENTS):
        return False
    if not all(shape.get(k) == "VARCHAR" for k in ("ocid", "id", "date")):
        return False
    if shape.get("version", "NULL") not in ("VARCHAR", "NULL"):
        return False
    if not all(_is(shape.get(k), OBJECT) for k in ("buyer", "planning", "tender")):
        return False
    if not all(_objects(shape.get(k)) for k in ("parties", "awards", "contracts")):
        return False
    blocks = [shape.get("tender"), *[_element(shape.get(k)) for k in ("awards", "contracts")]]
    return all(_block_ok(b) for b in blocks if isinstance(b, dict))


def _is(value: Any, kind: str) -> bool:
    """Absent, null, or of ``kind`` (object)."""
    return value is None or value == "NULL" or (kind == OBJECT and isinstance(value, dict))


def _objects(value: Any) -> bool:
    """Absent, null, empty, or an array of objects only."""
    return (
        value is None
        or value == "NULL"
        or (isinstance(value, list) and (value == ["NULL"] or isinstance(value[0], dict)))
    )


def _element(value: Any) -> Any:
    return value[0] if isinstance(value, list) and isinstance(value[0], dict) else None


def _block_ok(block: dict[str, Any]) -> bool:
    if not _amounts_ok(block) or not _objects(block.get("items")):
        return False
    item = _element(block.get("items"))
    if item is None:
        return True
    return _amounts_ok(item) and item.get("quantity", "NULL") in NUMBER


def _amounts_ok(block: dict[str, Any]) -> bool:
    for path in (("value",), ("unit", "value"), ("budget", "amount"), ("minValue",)):
        value: Any = block
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if not _is(value, OBJECT):
            return False
        if isinstance(value, dict) and value.get("amount", "NULL") not in NUMBER:
            return False
    return True


# What the SQL compile reads, and the JSON type each leaf must have for it to read it exactly.
TEXT, ID, NUM = "text", "id", "number"
ORG: dict[str, Any] = {
    "id": ID,
    "name": TEXT,
    "identifier": {"scheme": TEXT, "id": ID},
    "address": {"countryName": TEXT, "locality": TEXT, "region": TEXT},
}
MONEY = {"amount": NUM, "currency": TEXT}
ITEM: dict[str, Any] = {
    "id": ID,
    "description": TEXT,
    "classification": {"scheme": TEXT, "schema": TEXT, "id": ID, "description": TEXT},
    "additionalClassifications": "whole",
    "quantity": NUM,
    "unit": {"name": TEXT, "value": MONEY},
}
READ: dict[str, Any] = {
    "ocid": TEXT,
    "id": TEXT,
    "date": TEXT,
    "language": TEXT,
    "version": TEXT,
    "buyer": ORG,
    "planning": {"budget": {"amount": MONEY}},
    "tender": {
        **{
            k: TEXT
            for k in (
                "title",
                "description",
                "status",
                "procurementMethod",
                "procurementMethodDetails",
                "mainProcurementCategory",
                "awardCriteria",
                "awardCriteriaDetails",
                "eligibilityCriteria",
            )
        },
        "id": ID,
        "additionalProcurementCategories": [TEXT],
        "value": MONEY,
        "tenderPeriod": {"startDate": TEXT, "endDate": TEXT},
        "numberOfTenderers": NUM,
        "procuringEntity": ORG,
        "items": [ITEM],
        "tenderers": [ORG],
    },
    "awards": [
        {
            "id": ID,
            "status": TEXT,
            "date": TEXT,
            "value": MONEY,
            "suppliers": [ORG],
            "items": [ITEM],
        }
    ],
    "contracts": [
        {
            "id": ID,
            "awardID": ID,
            "status": TEXT,
            "dateSigned": TEXT,
            "period": {"startDate": TEXT, "endDate": TEXT},
            "value": MONEY,
            "items": [ITEM],
        }
    ],
    "parties": [{**ORG, "roles": [TEXT]}],
}
EXTENSIONS = ("selectionCriteria", "otherRequirements", "sustainability", "lots")
LEAF_TYPES = {TEXT: {"VARCHAR"}, ID: {"VARCHAR", "BIGINT", "UBIGINT"}, NUM: NUMBER - {"NULL"}}


@lru_cache(maxsize=4096)
def shape_is_plain(structure: str) -> bool:
    """True when the SQL compile reads documents of this shape exactly as the Python merge and
    normalise would: every field it reads has one plain JSON type, no extension field is
    rendered as JSON text, nothing is empty. (Nulls are checked on the text.)"""
    shape = json.loads(structure)
    tender = shape.get("tender")
    if isinstance(tender, dict) and any(
        k in EXTENSIONS or (k.startswith("awardCriteria") and not isinstance(v, str))
        for k, v in tender.items()
    ):
        return False
    return _plain(shape, READ)


def _plain(shape: Any, read: Any) -> bool:
    if isinstance(read, dict):
        return isinstance(shape, dict) and all(
            _plain(shape[k], r) for k, r in read.items() if k in shape
        )
    if isinstance(read, list):
        return isinstance(shape, list) and shape != ["NULL"] and _plain(shape[0], read[0])
    if read == "whole":
        text = json.dumps(shape)  # whole lists are kept as JSON text: floats would print apart
        return shape != ["NULL"] and "JSON" not in text and "DOUBLE" not in text
    return isinstance(shape, str) and shape in LEAF_TYPES[read]
