"""Staging: where one ingest's documents wait until the whole run succeeds.

Documents are written to a Parquet file as they are read, and queried with DuckDB (the
warehouse's own connection, or a scratch database for Spark), so memory stays bounded however
large the input: DuckDB sorts and joins spill to disk. The staging connection sees two relations:
``raw_documents`` (everything ingested before) and ``_stage`` (this run).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .. import settings
from .schema import empty_sql

__all__ = [
    "RAW_SCHEMA",
    "STAGE_SCHEMA",
    "Conflict",
    "Stage",
    "StagedFiles",
    "read_parquet_sql",
    "sql_string",
]

RAW_SCHEMA = pa.schema(
    [
        ("ocid", pa.string()),
        ("kind", pa.string()),
        ("release_id", pa.string()),
        ("date_key", pa.string()),
        ("source", pa.string()),
        ("pointer", pa.string()),
        ("version", pa.string()),
        ("doc_hash", pa.string()),
        ("doc", pa.string()),
        ("country", pa.string()),
        ("ingest_id", pa.string()),
        ("seq", pa.int64()),
    ]
)
# Staged rows also carry, when the fast path knows them (see fastload), the hash of the
# document's shape and whether its text holds "null", so that the compile need not work them
# out again from the text; raw_documents does not keep them.
STAGE_SCHEMA = RAW_SCHEMA.append(pa.field("shape", pa.string())).append(
    pa.field("nulls", pa.bool_())
)
RAW_COLUMNS = ", ".join(RAW_SCHEMA.names)


def sql_string(value: object) -> str:
    """A SQL string literal (DuckDB takes no parameters in DDL)."""
    return "'" + str(value).replace("'", "''") + "'"


def read_parquet_sql(files: Iterable[object]) -> str:
    """DuckDB's table function reading the Parquet ``files`` (at least one)."""
    return f"read_parquet([{', '.join(sql_string(path) for path in files)}])"


@dataclass(frozen=True)
class Conflict:
    """Two different releases with one id in one file."""

    source: str
    ocid: str
    release_id: str
    first_pointer: str
    pointer: str
    seq: int


@dataclass(frozen=True)
class StagedFiles:
    """What :meth:`Stage.latest_documents` chose, as a reader of the staged Parquet files can
    apply it itself (see :meth:`Stage.staged_files`)."""

    files: str  # the SQL reading the staged files
    skipped: pa.Table  # seq: the staged documents not chosen
    firsts: pa.Table  # seq, first_seen: chosen documents whose release id another had first


class Stage:
    """This run's documents in ``_stage``, next to the warehouse's ``raw_documents``.

    Staged rows go to a Parquet file in the scratch directory as they come, so memory holds one
    batch at a time; ``_stage`` is a view of that file, less the rows refused later.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, scratch: Path) -> None:
        self.con = con
        # The Python reader's rows, written when it has some: pyarrow.parquet, which the rest
        # of an ingest does without, takes 0.011 s to import (its file systems and ssl).
        self.path = scratch / "stage.parquet"
        self._writer: Any = None  # (a pyarrow.parquet.ParquetWriter)
        self._sealed = False
        con.execute("CREATE OR REPLACE TEMP TABLE _excluded (seq BIGINT)")
        self.scratch = scratch
        self.parts: list[Path] = []
        self._settled = False

    def append_query(
        self, query: str, params: list[object], con: duckdb.DuckDBPyConnection
    ) -> None:
        """Stage the rows of a query on ``con`` (the columns of ``STAGE_SCHEMA``), written
        straight to a Parquet file of their own: the documents never pass through Python."""
        assert not self._sealed, "the stage is sealed"
        path = self.scratch / f"stage-{len(self.parts):05d}.parquet"
        con.execute(  # small row groups: a reader holds one per thread, text and all
            f"COPY ({query}) TO {sql_string(path)} "
            "(FORMAT parquet, ROW_GROUP_SIZE 4096, ROW_GROUP_SIZE_BYTES '4MB')",
            params,
        )
        self.parts.append(path)

    def exclude_file(self, index: int, bits: int) -> None:
        """Withdraw the rows staged by :meth:`append_query` of file number ``index``."""
        for path in self.parts:
            self.con.execute(
                f"INSERT INTO _excluded SELECT seq FROM read_parquet({sql_string(path)}) "
                f"WHERE seq >> {bits} = ?",
                [index],
            )

    def append(self, rows: pa.Table) -> None:
        assert not self._sealed, "the stage is sealed"
        if self._writer is None:
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(str(self.path), STAGE_SCHEMA)
        self._writer.write_table(rows)

    def _files(self) -> str:
        """The SQL reading every staged file (none: no rows, with the stage's columns)."""
        files = [self.path, *self.parts] if self.path.exists() else self.parts
        return read_parquet_sql(files) if files else empty_sql(STAGE_SCHEMA)

    def seal(self) -> None:
        """No more rows: make ``_stage`` queryable."""
        self.close()
        self._sealed = True
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW _staged AS SELECT * FROM {self._files()}")
        self.con.execute(
            "CREATE OR REPLACE TEMP VIEW _stage AS SELECT * FROM _staged "
            "WHERE seq NOT IN (SELECT seq FROM _excluded)"
        )

    def close(self) -> None:
        """Finish the Parquet file (also on rollback, so nothing stays open)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def conflicts(self) -> list[Conflict]:
        rows = self.con.execute(
            """
            SELECT source, ocid, release_id, first_pointer, pointer, seq FROM (
              SELECT *, first(pointer) OVER w AS first_pointer,
                     first(doc_hash) OVER w AS first_hash
              FROM _stage WHERE kind = 'release'
              WINDOW w AS (PARTITION BY source, ocid, release_id ORDER BY seq)
            ) WHERE doc_hash <> first_hash ORDER BY seq
            """
        ).fetchall()
        return [Conflict(*row) for row in rows]

    def drop_seq(self, seqs: list[int]) -> None:
        self.con.execute("INSERT INTO _excluded SELECT unnest(?::BIGINT[])", [seqs])

    def settle(self) -> None:
        """After the conflicts are resolved: decide once which staged documents are dropped."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _dropped AS {self._dropped()}")
        self._settled = True

    def new_documents(self, shape: bool = False) -> str:
        """SQL of staged documents not already stored (identical copies are dropped); with
        ``shape``, the hash of their shape and ``nulls`` where staging knew them."""
        dropped = "_dropped" if self._settled else f"({self._dropped()})"
        extra = ", shape, nulls" if shape else ""
        return (
            f"SELECT {RAW_COLUMNS}{extra} FROM _stage WHERE seq NOT IN (SELECT seq FROM {dropped})"
        )

    def _dropped(self) -> str:
        """SQL of the staged documents that are copies: of one staged before them, or of one
        stored. Few, usually (none in a first load of clean data): the filters on them build
        small hash tables whatever the input's size, where a list of the new ones grew with it.

        Decided on the narrow columns: the documents' text is not copied. Stored documents are
        first narrowed to the ocids staged: the semi-join's hash table is then theirs, not the
        whole warehouse's (a small ingest into a large warehouse). Into an empty warehouse,
        there is nothing to compare with (nor a hash table to build)."""
        copies = """
            SELECT s.seq FROM _stage s JOIN (
              SELECT ocid, kind, doc_hash, min(seq) AS first FROM _stage
              GROUP BY ALL HAVING count(*) > 1) c USING (ocid, kind, doc_hash)
            WHERE s.seq <> c.first
        """
        if not self._stored:
            return copies
        return f"""
            {copies}
            UNION SELECT s.seq FROM _stage s WHERE EXISTS (
              SELECT 1 FROM (SELECT ocid, kind, doc_hash FROM raw_documents
                             WHERE ocid IN (SELECT ocid FROM _stage)) r
              WHERE r.ocid = s.ocid AND r.kind = s.kind AND r.doc_hash = s.doc_hash)
        """

    @cached_property
    def _stored(self) -> bool:
        """True when the warehouse holds documents from earlier ingests (asked once: the
        stored documents do not change until the commit)."""
        return bool(self.con.execute("SELECT count(*) FROM raw_documents").fetchall()[0][0])

    def affected_count(self) -> int:
        return int(self.con.execute("SELECT count(DISTINCT ocid) FROM _stage").fetchall()[0][0])

    def _touched(self, exclude: str | None, shape: bool = False) -> str:
        """SQL of all stored and staged documents of the ocids this run touches (less those in
        table ``exclude``: filtered in each branch, where the scans can use it); with ``shape``,
        the hash of a staged document's shape and ``nulls`` where staging knew them."""
        skip = f"WHERE ocid NOT IN (SELECT ocid FROM {exclude})" if exclude else ""
        staged = "WHERE ocid IN (SELECT ocid FROM touched)" if exclude else ""
        extra = ", NULL::VARCHAR AS shape, NULL::BOOLEAN AS nulls" if shape else ""
        stored = (  # (into an empty warehouse: no hash table of the touched ocids to build)
            f"SELECT {RAW_COLUMNS}{extra} FROM raw_documents "
            "WHERE ocid IN (SELECT ocid FROM touched) UNION ALL"
            if self._stored
            else ""
        )
        return f"""
            WITH touched AS (SELECT DISTINCT ocid FROM _stage {skip}),
            docs AS ({stored} (SELECT * FROM ({self.new_documents(shape)}) {staged}))
            SELECT ocid, kind, release_id, date_key, source, version, doc, country, ingest_id, seq,
                   doc_hash{", shape, nulls" if shape else ""}
            FROM docs
        """

    def documents_by_ocid(
        self, batch_rows: int, exclude: str | None = None
    ) -> Iterator[pa.RecordBatch]:
        """The documents of the touched ocids (less those in table ``exclude``), by ocid.

        Sorting the documents' text needs the whole memory limit (at half of 512 MB the sort of
        a 200 MB package ran out of it), which the warehouse's DuckDB may have lent, during an
        ingest, to the one that compiled the plain processes: that one is idle by now."""
        query = f"{self._touched(exclude)} ORDER BY ocid, ingest_id, seq"
        lent = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        self.con.execute(f"SET memory_limit = {sql_string(settings.get('duckdb_memory_limit'))}")
        yield from self.con.sql(query).to_arrow_reader(batch_rows)
        # Given back once read (not on an error: the rollback gives the whole limit back).
        self.con.execute(f"SET memory_limit = {sql_string(lent)}")

    def latest_documents(self) -> tuple[str, int]:
        """SQL of the newest document per release id of each touched ocid (as
        ``pyload.latest_per_id`` chooses), with when its id was first seen; and their number.

        Chosen on the narrow columns (a compiled release is known by its hash). Only the release
        ids with more than one document are ranked, into ``_ranked``: usually few, so that the
        joins of the documents' text with them build small hash tables (a table of every chosen
        document grew with the input, spilled from about 3 GB, text and all, and took 70 s of
        a 6 GB ingest). Ingests are numbered in order (``_ingests``), so that the join's keys
        and ``first_seen`` are numbers: with the ingest's id (text) in them, the hash tables
        outgrew DuckDB's memory on a 3 GB input."""
        self.con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _ingests AS
            SELECT ingest_id, CAST(row_number() OVER (ORDER BY ingest_id) AS INTEGER) AS n
            FROM (SELECT DISTINCT ingest_id FROM raw_documents
                  UNION SELECT DISTINCT ingest_id FROM _stage)
            """
        )
        numbered = (
            f"SELECT d.*, g.n FROM ({self._touched(None, shape=True)}) d "
            "JOIN _ingests g USING (ingest_id)"
        )
        # The ids with copies are found by a hash aggregate first: a window over every document
        # sorted them all (1 GB package: 0.84 s, against 0.31 s for the aggregate).
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _ranked AS
              WITH keyed AS (
                SELECT ocid, kind, date_key, n, seq,
                       CASE WHEN kind = 'release' THEN release_id ELSE doc_hash END AS key
                FROM ({numbered})),
              copied AS (SELECT ocid, kind, key FROM keyed GROUP BY ALL HAVING count(*) > 1)
              SELECT n, seq, row_number() OVER w AS rn,
                     min(struct_pack(i := n, s := seq)) OVER w AS first_seen
              FROM keyed k SEMI JOIN copied c
                ON k.ocid = c.ocid AND k.kind = c.kind AND k.key IS NOT DISTINCT FROM c.key
              WINDOW w AS (PARTITION BY ocid, kind, key ORDER BY date_key DESC, n DESC, seq DESC
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            """
        )
        total = self.con.execute(
            f"SELECT (SELECT count(*) FROM ({numbered})) - "
            "(SELECT count(*) FROM _ranked WHERE rn > 1)"
        ).fetchall()[0][0]
        # Every touched document but the older ones of a release id; the hash tables are
        # _ingests' few rows and the ranked ones' (a document alone is its own first).
        sql = f"""
            SELECT d.ocid, d.kind, d.release_id, d.date_key, d.source, d.version, d.doc,
                   d.country, d.ingest_id, d.seq, d.doc_hash, d.shape, d.nulls,
                   coalesce(r.first_seen, struct_pack(i := d.n, s := d.seq)) AS first_seen
            FROM ({numbered}) d
            LEFT JOIN (SELECT n, seq, first_seen FROM _ranked WHERE rn = 1) r
              ON r.n = d.n AND r.seq = d.seq
            WHERE NOT EXISTS (
              SELECT 1 FROM _ranked x WHERE x.rn > 1 AND x.n = d.n AND x.seq = d.seq)
        """
        return sql, int(total)

    def staged_files(self) -> StagedFiles | None:
        """Into an empty warehouse (after :meth:`latest_documents`): the same choice, as the
        staged files and the few documents it leaves out or dates back, so that a reader of the
        files (the compile's parts, on their own DuckDB) can apply it as it reads them, with no
        copy of the chosen documents made for it. With stored documents, None: the choice
        reads them, which only this connection can.

        Why: on a first ingest of 36 MB, the copy of the chosen documents into parts took
        0.056 s of about 1.3 s; two parts each reading all the staged files instead (the
        documents of the other part skipped as they are read) took 0.008 s more each."""
        if self._stored:
            return None
        skipped = self.con.sql(
            "SELECT seq FROM _excluded UNION ALL SELECT seq FROM _dropped "
            "UNION ALL SELECT seq FROM _ranked WHERE rn > 1"
        ).to_arrow_table()
        firsts = self.con.sql(
            "SELECT seq, first_seen FROM _ranked WHERE rn = 1 AND first_seen.s <> seq"
        ).to_arrow_table()
        return StagedFiles(self._files(), skipped, firsts)
