"""Staging files in DuckDB: the documents are cut out by :mod:`bestvalue.ocds.split`, then
parsed, checked and keyed in SQL, with no Python object per document.

Why: building Python objects for every release was most of an ingest's time. Here Python only
moves byte slices; DuckDB (C++, every core) parses them, in batches of files (a large file in
several batches), and writes the staged rows to Parquet. For each file the result is row for
row what the streaming reader and :func:`bestvalue.ocds.validate.check_release` would stage, or
nothing at all: whenever a file holds anything these checks do not vouch for (a record, a wrong
type, a date in an unusual form, a numeric string, invalid JSON), :class:`FastStage` withdraws
what it staged of it and hands it to the streaming reader, which refuses or records each bad
document with its exact place. Being stricter than ``check_release`` is safe; being looser never
happens. Nothing here should raise inside DuckDB: a bad document must send its file to the
reader, not end the ingest.

The checks run on each distinct *shape* of document (DuckDB's ``json_structure``: every key and
its JSON type), of which a file has a handful, not on each document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa

from .. import settings
from ..arrays import from_numpy, strings, to_numpy
from ..ocds.cut import CUT_SCHEMA, Cut, arrow_batches
from ..ocds.readahead import AHEAD, PIECE, ahead
from ..ocds.sources import Fingerprint, Source
from ..ocds.split import Splitter, Unsupported
from .staging import sql_string

if TYPE_CHECKING:
    from .ingest import _Run

__all__ = [
    "DATE_PATTERN",
    "SEQ_BITS",
    "FastStage",
    "fill",
    "instant_sql",
    "shape_is_plain",
    "shape_is_valid",
]

NUMBER = {"BIGINT", "UBIGINT", "DOUBLE", "NULL"}
OBJECT = "object"
# A date the SQL parses exactly as Python's datetime.fromisoformat does (else: the reader).
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?"
NOT_DOCUMENTS = ("releases", "records", "compiledRelease", "versionedRelease")


SEQ_BITS = 32  # a document's seq is its file's index, shifted, plus its place in the file
BATCH_BYTES = 32 << 20  # files are cut until this much, then parsed together
FIRST_BATCH_BYTES = 8 << 20  # ... from this much, doubling batch by batch


def work_connection(scratch: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB of its own for cutting, checking and compiling, outside the warehouse's
    transaction: its many scratch tables come and go without the transaction keeping them (the
    ingest stays all or nothing: what it makes reaches the warehouse as Parquet files)."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{settings.get('duckdb_memory_limit')}'")
    con.execute(f"SET temp_directory = {sql_string(scratch / 'duckdb-work')}")
    con.execute("SET preserve_insertion_order = false")
    # Keep each hash table on the side the queries put it (the narrow one), never on text.
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    return con


class FastStage:
    """Cut files into Arrow batches, then parse, check and stage them in DuckDB, about
    ``BATCH_BYTES`` at a time (a large file in several batches), so memory stays flat.

    A file this path cannot vouch for goes to ``fallback`` (the Python reader), and what was
    staged of it is withdrawn. Files are handed to the fallback in order, after the batch before
    them, so the first bad file is the first reported, as with the reader alone.
    """

    def __init__(self, run: _Run, fallback: Callable[[_Run, Source, Fingerprint], None]) -> None:
        self.run, self.fallback = run, fallback
        self.waiting: list[tuple[int, Source, Fingerprint, bool]] = []  # cut, not yet staged
        self.counts: dict[int, list[int]] = {}  # releases and compiled releases staged per file
        self.refused: set[int] = set()  # files the checks refused: the reader reads them
        self.current: tuple[int, str] = (-1, "")  # the file being cut
        # Bytes and documents of each file shown as read on the progress bar: taken back if
        # the file goes to the reader, which shows them again as it reads.
        self.shown: dict[int, list[int]] = {}
        self.bytes = 0
        self.batch_bytes = FIRST_BATCH_BYTES
        # The documents cut and not yet parsed, in Arrow batches of a few thousand: DuckDB
        # scans a registered Arrow table batch by batch on every thread, where a table of its
        # own would be one row group of 122,880 rows, parsed on one thread.
        self.cut: list[tuple[int, pa.RecordBatch]] = []
        self.con = con = work_connection(run.stage.scratch)
        con.execute("CREATE OR REPLACE TABLE _shape_text (sh VARCHAR, shape VARCHAR)")

    def close(self) -> None:
        """Stage what is waiting."""
        self.flush()

    def add(
        self, index: int, source: Source, fingerprint: Fingerprint, early: Cut | None = None
    ) -> None:
        """Cut one file (or take the cut ``early`` made of it) and stage it with its batch."""
        if early is not None and early.pieces is not None:
            for size, batches in early.pieces:
                self._take(index, source, fingerprint.size, size, batches)
            self._wait(index, source, fingerprint, early.alone)
            return
        if early is None and fingerprint.encoding == "utf-8":
            try:
                alone = self._cut(index, source, fingerprint.size)
            except (Unsupported, pa.ArrowInvalid):
                self.cut = [(f, batch) for f, batch in self.cut if f != index]
                self._withdraw(index)
            else:
                self._wait(index, source, fingerprint, alone)
                return
        self.flush()
        self._fall_back(index, source, fingerprint)

    def _wait(self, index: int, source: Source, fingerprint: Fingerprint, alone: bool) -> None:
        """The file is cut: stage its batch once full."""
        self.waiting.append((index, source, fingerprint, alone))
        if self.bytes >= self.batch_bytes:
            self.flush()

    def _cut(self, index: int, source: Source, size_read: int) -> bool:
        """Cut one file into ``self.cut`` (staging batches as they fill); True when the file is one
        bare document (the reader's ``/``). Progress moves as the file is read (a share of its
        size on disk; ``size_read`` is its decompressed size)."""
        self.current = (index, source.name)
        with source.open() as stream:
            splitter = Splitter(stream)
            n = 0
            pieces = arrow_batches(splitter, index)
            # A file of one piece is cut here: a thread to read ahead of it cost more than it
            # saved (2,000 files of a release each took twice as long).
            if size_read > PIECE:
                pieces = ahead(pieces, AHEAD)
            for size, batches in pieces:
                n += self._take(index, source, size_read, size, batches)
                if self.bytes >= self.batch_bytes and n > 1:
                    alone = [i for i, *_, one in self.waiting if one]
                    if index in self._stage_batch(alone):
                        raise Unsupported("a document the checks do not vouch for")
            splitter.package()  # a record (or anything else around the releases) is refused here
        return splitter.alone

    def _take(
        self, index: int, source: Source, size_read: int, size: int, batches: list[pa.RecordBatch]
    ) -> int:
        """Add a piece of a file (``size`` bytes of its ``size_read``) to the batch; its
        documents."""
        count = sum(b.num_rows for b in batches)
        self.cut += [(index, b) for b in batches]
        self.bytes += size
        shown = source.size_on_disk * size // max(size_read, 1)
        so_far = self.shown.setdefault(index, [0, 0])
        so_far[0] += shown
        so_far[1] += count
        self.run.progress.advance(shown, count)
        return count

    def _fall_back(self, index: int, source: Source, fingerprint: Fingerprint) -> None:
        shown, documents = self.shown.pop(index, [0, 0])
        if shown or documents:  # (the bar goes back: the reader reads the file again)
            self.run.progress.advance(-shown, -documents)
        # Numbered after anything withdrawn from the same file (whose numbers stay excluded).
        self.run.seq = (index << SEQ_BITS) + (1 << (SEQ_BITS - 1))
        self.fallback(self.run, source, fingerprint)

    def flush(self) -> None:
        """Stage what is cut; finish the files that are complete."""
        if not self.waiting:
            return
        bad = self._stage_batch([i for i, *_, alone in self.waiting if alone])
        run = self.run
        for index, source, fingerprint, _ in self.waiting:
            if index in bad:
                self._withdraw(index)
                self._fall_back(index, source, fingerprint)
                continue
            releases, compiled = self.counts.pop(index, [0, 0])
            run.report.releases += releases
            run.report.compiled_releases += compiled
            run.report.fast_files += 1
            shown = self.shown.pop(index, [0, 0])[0]
            run.progress.advance(max(source.size_on_disk - shown, 0), 0)
            run.sources.append(run.source_row(source, fingerprint, releases, compiled, 0))
        self.waiting = []

    def _withdraw(self, index: int) -> None:
        """Take back what was staged of a file that goes to the reader after all."""
        if self.counts.pop(index, None) is not None:
            self.run.stage.exclude_file(index, SEQ_BITS)

    def _stage_batch(self, alone: list[int]) -> set[int]:
        """Parse, check and stage everything cut; return the files refused."""
        con, run = self.con, self.run
        files = {f for f, _ in self.cut}
        con.register("_cut", pa.Table.from_batches([b for _, b in self.cut], CUT_SCHEMA))
        self.cut = []
        try:
            parsed = _parse(con, alone)
        finally:
            con.unregister("_cut")
        bad = _check(con)
        if bad:
            con.unregister("_parsed")
            kept = np.flatnonzero(~np.isin(to_numpy(parsed["f"]), bad))
            parsed = parsed.take(from_numpy(kept, pa.int64()))
            con.register("_parsed", parsed)
        # (file numbers: a count of each, as np.unique imports numpy.ma, 0.015 s)
        good = set(np.flatnonzero(np.bincount(to_numpy(parsed["f"]))).tolist())
        self.refused |= files - good
        seq = f"(f::BIGINT << {SEQ_BITS}) + n + 1"
        for f, releases, compiled in con.execute(
            "SELECT f, count(*) FILTER (WHERE kind = 'release'), count(*) FILTER "
            "(WHERE kind = 'compiled') FROM _parsed GROUP BY f"
        ).fetchall():
            counts = self.counts.setdefault(f, [0, 0])
            counts[0] += releases
            counts[1] += compiled
        if good:
            names = {i: s.name for i, s, *_ in self.waiting} | dict([self.current])
            ordered = sorted(good)  # (an Arrow table: an INSERT per file took 0.2 ms each)
            con.register(
                "_names",
                pa.table(
                    {
                        "f": from_numpy(ordered, pa.int32()),
                        "source": strings([names[f] for f in ordered]),
                    }
                ),
            )
            run.stage.append_query(
                f"""
                SELECT k[1] AS ocid, kind, k[2] AS release_id, date_key, _names.source, pointer,
                       k[4] AS version, md5(j) AS doc_hash, j::VARCHAR AS doc, ? AS country,
                       ? AS ingest_id, {seq} AS seq, sh AS shape, nulls
                FROM _parsed JOIN _names USING (f)
                """,
                [run.country, run.report.ingest_id],
                con,
            )
            con.unregister("_names")
        con.unregister("_parsed")
        self.bytes = 0
        self.batch_bytes = min(2 * self.batch_bytes, BATCH_BYTES)
        return self.refused


def _parse(con: duckdb.DuckDBPyConnection, alone: list[int]) -> pa.Table:
    """Parse the cut documents; a document that is not JSON parses to null (``TRY``), and the
    checks send its file to the reader, which names the place. The result is registered as
    ``_parsed``, an Arrow table, so that the queries on it run on every thread too.

    A document's shape is the scanner's key when it has one (:mod:`bestvalue.ocds.shapes`),
    else the hash of its structure; either way one document per shape tells the structure."""
    pointer = (
        f"CASE WHEN f IN ({', '.join(map(str, alone)) or '-1'}) OR number < 0 THEN '/' "
        "ELSE prefix || number END"
    )
    parsed = con.sql(
        f"""
        SELECT *, {_KIND} AS kind, {date_key_sql("k[3]")} AS date_key,
               contains(j, 'null') AS nulls FROM (
          SELECT f, n, {pointer} AS pointer, j::VARCHAR AS j,
                 coalesce(sh, md5(json_structure(j))) AS sh,
                 json_extract_string(j, ['$.ocid', '$.id', '$.date', '$.version', '$.tag']) AS k
          FROM (SELECT f, n, prefix, number, sh, TRY(json(doc)) AS j FROM _cut))
        """
    ).to_arrow_table()
    con.register("_parsed", parsed)
    con.execute(  # one document per new shape tells its structure
        """
        INSERT INTO _shape_text SELECT sh, json_structure(arg_min(j, n)) FROM _parsed
        WHERE j IS NOT NULL AND sh NOT IN (SELECT sh FROM _shape_text) GROUP BY sh
        """
    )
    return parsed


def _check(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The files of ``_parsed`` with a document the checks do not vouch for."""
    bad_shapes = [
        [h]
        for h, s in con.execute("SELECT sh, shape FROM _shape_text").fetchall()
        if not shape_is_valid(json.loads(s))
    ]
    fill(con, "_bad_shapes", "sh VARCHAR", bad_shapes)
    rows = con.execute(
        f"""
        SELECT DISTINCT f FROM _parsed WHERE sh IN (SELECT sh FROM _bad_shapes) OR NOT (
          coalesce(regexp_matches(k[1], '^[!-~]'), false) AND coalesce(k[2] <> '', false)
          AND coalesce(regexp_full_match(k[3], '{DATE_PATTERN}'), false)
          AND date_key IS NOT NULL
          -- (a CASE: under NOT, an AND would run the regular expression on every document)
          AND NOT CASE WHEN nulls THEN regexp_matches(j, '[\\[,]null[,\\]]')
                  ELSE false END)
        """
    ).fetchall()
    return [f for (f,) in rows]


# A compiled release is tagged "compiled". The tag (``k[5]``: its text, or an array's JSON) is
# read with the other fields, and only a document whose tag holds the word is searched again:
# searching every document's text for it took 0.015 s of the 36 MB input's parse (two cores).
_KIND = (
    "CASE WHEN NOT coalesce(contains(k[5], 'compiled'), false) THEN 'release' "
    "WHEN contains(j, '\"compiled\"') AND (json_extract_string(j, '$.tag') = 'compiled' OR "
    "list_contains(json_extract_string(j, '$.tag[*]'), 'compiled')) THEN 'compiled' "
    "ELSE 'release' END"
)


def instant_sql(value: str) -> str:
    """SQL of the instant a date matching ``DATE_PATTERN`` names (a date without a zone is in
    UTC, as :func:`bestvalue.ocds.compile.date_key` reads it); null if there is no such day."""
    return (
        f"CASE WHEN regexp_matches({value}, '(Z|[+-]\\d{{2}}:\\d{{2}})$') "
        f"THEN TRY_CAST({value} AS TIMESTAMPTZ) "
        f"ELSE timezone('UTC', TRY_CAST({value} AS TIMESTAMP)) END"
    )


def date_key_sql(value: str) -> str:
    """SQL of :func:`bestvalue.ocds.compile.date_key` for a date matching ``DATE_PATTERN``."""
    return f"strftime(timezone('UTC', {instant_sql(value)}), '%Y-%m-%dT%H:%M:%S.%fZ')"


def fill(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: str,
    rows: list[list[Any]],
    temp: bool = False,
) -> None:
    """(Re)create ``table`` (``temp``: the connection's own) with ``columns`` and the rows
    Python chose."""
    con.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} ({columns})")
    if rows:  # executemany refuses an empty list
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)


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
