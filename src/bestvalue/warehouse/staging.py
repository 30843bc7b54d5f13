"""Staging: where one ingest's documents wait until the whole run succeeds.

Documents are written to a Parquet file as they are read, and queried with DuckDB (the
warehouse's own connection, or a scratch database for Spark), so memory stays bounded however
large the input: DuckDB sorts and joins spill to disk. The staging connection sees two relations:
``raw_documents`` (everything ingested before) and ``_stage`` (this run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["RAW_SCHEMA", "Conflict", "Stage", "sql_string"]

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


def sql_string(value: object) -> str:
    """A SQL string literal (DuckDB takes no parameters in DDL)."""
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class Conflict:
    """Two different releases with one id in one file."""

    source: str
    ocid: str
    release_id: str
    first_pointer: str
    pointer: str
    seq: int


class Stage:
    """This run's documents in ``_stage``, next to the warehouse's ``raw_documents``.

    Staged rows go to a Parquet file in the scratch directory as they come, so memory holds one
    batch at a time; ``_stage`` is a view of that file, less the rows refused later.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, scratch: Path) -> None:
        self.con = con
        self.path = scratch / "stage.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(str(self.path), RAW_SCHEMA)
        con.execute("CREATE OR REPLACE TEMP TABLE _excluded (seq BIGINT)")

    def append(self, rows: pa.Table) -> None:
        assert self._writer is not None, "the stage is sealed"
        self._writer.write_table(rows)

    def seal(self) -> None:
        """No more rows: make ``_stage`` queryable."""
        self.close()
        self.con.execute(
            "CREATE OR REPLACE TEMP VIEW _stage AS SELECT * FROM read_parquet("
            f"{sql_string(self.path)}) WHERE seq NOT IN (SELECT seq FROM _excluded)"
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

    def new_documents(self) -> str:
        """SQL of staged documents not already stored (identical copies are dropped)."""
        return """
            SELECT * EXCLUDE (rn) FROM (
              SELECT *, row_number() OVER (PARTITION BY ocid, kind, doc_hash ORDER BY seq) AS rn
              FROM _stage
            ) s WHERE rn = 1 AND NOT EXISTS (
              SELECT 1 FROM raw_documents r
              WHERE r.ocid = s.ocid AND r.kind = s.kind AND r.doc_hash = s.doc_hash)
        """

    def affected_count(self) -> int:
        return int(self.con.execute("SELECT count(DISTINCT ocid) FROM _stage").fetchall()[0][0])

    def documents_by_ocid(self, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """All stored and staged documents of the ocids this run touches, grouped by ocid."""
        reader = self.con.sql(
            f"""
            WITH touched AS (SELECT DISTINCT ocid FROM _stage),
            docs AS (
              SELECT * FROM raw_documents WHERE ocid IN (SELECT ocid FROM touched)
              UNION ALL ({self.new_documents()})
            )
            SELECT ocid, kind, release_id, date_key, source, version, doc, country, ingest_id, seq
            FROM docs ORDER BY ocid, ingest_id, seq
            """
        ).to_arrow_reader(batch_rows)
        yield from reader
