"""Staging: where one ingest's documents wait, in DuckDB, until the whole run succeeds.

Both engines stage in DuckDB (the warehouse file itself, or a scratch database for Spark), so
memory stays bounded however large the input: DuckDB spills to disk. The staging connection sees
two relations: ``raw_documents`` (everything ingested before) and ``_stage`` (this run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa

__all__ = ["RAW_SCHEMA", "Conflict", "Stage"]

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
    """This run's documents in ``_stage``, next to the warehouse's ``raw_documents``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.register("_raw_empty", RAW_SCHEMA.empty_table())
        con.execute("CREATE OR REPLACE TEMP TABLE _stage AS SELECT * FROM _raw_empty")

    def append(self, rows: pa.Table) -> None:
        self.con.register("_batch", rows)
        self.con.execute("INSERT INTO _stage SELECT * FROM _batch")
        self.con.unregister("_batch")

    def drop_source(self, source: str) -> None:
        """Forget what a file staged (it is being re-read, or was refused whole)."""
        self.con.execute("DELETE FROM _stage WHERE source = ?", [source])

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
        self.con.execute("DELETE FROM _stage WHERE list_contains(?, seq)", [seqs])

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
