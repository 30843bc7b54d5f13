"""The embedded default: the whole warehouse in one DuckDB file, each ingest one transaction."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from .. import settings
from ..errors import WarehouseError
from ..messages import message
from .base import UNTIL_LOADED, Commit, Warehouse
from .derived_sql import derived_sql
from .retag import OF_TARGETS, process_countries
from .schema import COMPILED, TABLES, columns_sql, empty_sql
from .staging import RAW_SCHEMA, Stage, read_parquet_sql, sql_string

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["DuckDBWarehouse"]

STORED = {"raw_documents": RAW_SCHEMA} | {name: table.arrow for name, table in TABLES.items()}
# Stored by earlier versions, dropped when the warehouse is next opened to write: the nested
# compiled rows, a copy of what the derived tables hold that no step read back, whose insert
# was a tenth of an ingest (see commit).
DROPPED = ("compiled",)


# Row groups of an eighth of DuckDB's default: an ingest's tables (tens of thousands of rows
# each) are then written as they are inserted, on every core, not one by one at the commit,
# which took a tenth of a large ingest's time. At a quarter, the 44,000 nested compiled rows
# (200 MB package, stored then) still filled about one row group, written on one core: the
# commit took 2.6-2.9 s, at an eighth 2.0-2.2 s (144 MB of files: 2.0-2.9 s, then 1.6-1.9 s).
# The file grows a little (1 GB package: 347 -> 373 MB); queries barely change.
ROW_GROUP_SIZE = 16_384


def half(limit: str) -> str:
    """Half of a DuckDB memory limit such as ``512MB`` (a limit not understood is kept)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", limit)
    if not match:
        return limit
    return f"{float(match[1]) / 2:g}{match[2] or 'B'}"


def _guarded(reader: pa.RecordBatchReader) -> pa.RecordBatchReader:
    """A reader whose errors while it streams (DuckDB runs the query as it is read) are said
    as the query's failure, as they would be before the first row."""

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from reader
        except (duckdb.Error, pa.ArrowException) as exc:
            raise WarehouseError(message("query_failed", detail=exc)) from exc

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def _not_opened(location: Path, exc: duckdb.Error) -> WarehouseError:
    """Why the file did not open; another process's write lock (an ingest still running) is
    said plainly, with that process's number."""
    busy = re.search(r"Conflicting lock is held in .*?\(PID (\d+)\)", str(exc))
    if busy:
        return WarehouseError(message("warehouse_busy", location=location, pid=busy[1]))
    return WarehouseError(message("cannot_open", location=location, detail=exc))


def _starts_with(n: int) -> str:
    return "(" + " OR ".join(["starts_with(reason, ?)"] * n) + ")"


class DuckDBWarehouse(Warehouse):
    engine = "duckdb"
    takes_rows = True

    def __init__(self, location: str | Path, *, read_only: bool = False) -> None:
        self.location = Path(location)
        if read_only and not self.location.exists():
            raise WarehouseError(message("no_warehouse", location=self.location))
        self.con = duckdb.connect()
        # TYPE duckdb: whatever the file's name (DuckDB would open a .json or .csv as such).
        options = "TYPE duckdb, " + (
            "READ_ONLY" if read_only else f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
        )
        try:
            self.con.execute(f"ATTACH {sql_string(str(self.location))} AS warehouse ({options})")
        except duckdb.Error as exc:
            self.con.close()
            raise _not_opened(self.location, exc) from exc
        self.con.execute("USE warehouse")
        # Where DuckDB would spill for this file had it been opened directly.
        self.con.execute(f"SET temp_directory = {sql_string(str(self.location) + '.tmp')}")
        self.con.execute(f"SET memory_limit = '{settings.get('duckdb_memory_limit')}'")
        self.con.execute("SET preserve_insertion_order = false")
        # Row groups are written as each fills, not five at a time: a fifth of the memory.
        self.con.execute("SET write_buffer_row_group_count = 1")
        if not read_only:
            self._create_missing()
        self._ibis: Any = None  # connected on first use: loading the backend takes 0.3 s
        self._registered: list[str] = []  # rows of a commit, registered (see _flat)

    def _create_missing(self) -> None:
        existing = set(self.table_names(internal=True))
        self.con.execute("BEGIN TRANSACTION")  # one commit (and sync) for all the tables
        try:
            for name, schema in STORED.items():
                if name in existing:
                    self._check_columns(name, schema)
                else:
                    self.con.execute(f"CREATE TABLE {name} ({columns_sql(schema)})")
            for name in existing & set(DROPPED):
                self.con.execute(f"DROP TABLE {name}")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _check_columns(self, name: str, schema: pa.Schema) -> None:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_catalog = current_database() AND table_schema = 'main' "
            "ORDER BY ordinal_position",
            [name],
        ).fetchall()
        if [r[0] for r in rows] != schema.names:
            raise WarehouseError(message("other_version", location=self.location, name=repr(name)))

    def table_names(self, internal: bool = False) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema = 'main' "
            "AND table_type = 'BASE TABLE'"
        ).fetchall()
        names = {r[0] for r in rows}
        order = [*TABLES, "raw_documents"]
        listed = [n for n in order if n in names] + sorted(names - set(order))
        return listed if internal else [n for n in listed if n in TABLES]

    def table(self, name: str) -> ir.Table:
        self._known(name)
        if self._ibis is None:
            import ibis  # (here: an ingest, a query or an export has no need of it)

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis.table(name)

    def batches(self, name: str, rows: int) -> pa.RecordBatchReader:
        self._known(name)
        return self.con.sql(f'SELECT * FROM "{name}"').to_arrow_reader(rows)

    def row_count(self, name: str) -> int:
        return int(self.con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0])

    def sql(self, query: str) -> pa.Table:
        return self.sql_batches(query, 1 << 20).read_all()

    def sql_batches(self, query: str, rows: int) -> pa.RecordBatchReader:
        try:
            relation = self.con.sql(query)
            if relation is None:  # a statement with no rows to give (SET, PRAGMA ...)
                return pa.RecordBatchReader.from_batches(pa.schema([]), [])
            return _guarded(relation.to_arrow_reader(rows))
        except duckdb.Error as exc:
            raise WarehouseError(message("query_failed", detail=exc)) from exc

    def known_hashes(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT sha256 FROM sources").fetchall()}

    def begin(self, scratch: Path) -> Stage:
        # An ingest runs a second DuckDB (parsing and compiling, see fastload.work_connection)
        # beside this one, whose own steps are narrow and spill cheaply. At half the limit, a
        # 3 GB package peaked about 150 MB lower, its commit no slower (1 GB: 1 s slower, of 40).
        # The Python merge's sort takes the whole limit back (Stage.documents_by_ocid).
        self.con.execute(f"SET memory_limit = '{half(settings.get('duckdb_memory_limit'))}'")
        self.con.execute("BEGIN TRANSACTION")
        return Stage(self.con, scratch)

    def _whole_limit(self) -> None:
        """Give the warehouse's DuckDB its whole memory limit back (``begin`` halved it while
        the parsing DuckDB runs beside it): for the deletes and the COMMIT, and after the
        ingest, committed or rolled back."""
        self.con.execute(f"SET memory_limit = '{settings.get('duckdb_memory_limit')}'")

    def commit(self, stage: Stage, commit: Commit) -> None:
        con = self.con
        # The documents' text is kept only for later compiles: zstd writes it in half the time
        # of the default (dictionary/FSST analysis) and a third of the space.
        con.execute("SET force_compression = 'zstd'")
        try:
            con.execute(f"INSERT INTO raw_documents {stage.new_documents()}")
        finally:
            con.execute("RESET force_compression")
        # The compiled rows are not stored: the derived tables hold them, flat. Storing them
        # nested too (a table `compiled`, which no step read back) was a tenth of an ingest:
        # 144 MB of mixed files, 4.13-4.15 s without against 4.54-4.61 s with (the derived
        # tables then read the Parquet file, not the table: 0.3 s slower at 200 MB, in all 0.35
        # s faster); the file is a sixth smaller.
        nested = commit.compiled_files()
        compiled = read_parquet_sql(nested) if nested else empty_sql(COMPILED.arrow)
        con.execute(f"CREATE OR REPLACE TEMP VIEW compiled_new AS SELECT * FROM {compiled}")
        flat = {name: self._flat(commit, name) for name in derived_sql()}
        con.execute(
            "CREATE OR REPLACE TEMP VIEW compiled_ocids AS SELECT ocid FROM compiled_new"
            + "".join(f" UNION ALL SELECT ocid FROM {rows}" for rows in flat["processes"])
        )
        deleted = 0
        for name, sql in derived_sql().items():
            deleted += self._delete_touched(name)
            # (the SQL compile's rows, as they are stored)
            as_is = "".join(f" UNION ALL SELECT * FROM {rows}" for rows in flat[name])
            con.execute(f"INSERT INTO {name} {sql}{as_is}")
        # A record's links, loaded now (see UNTIL_LOADED). The hash tables are built on the few
        # waiting notes, never on the compiled ocids (millions, in a large ingest).
        waiting = f"SELECT ocid FROM rejects WHERE {_starts_with(len(UNTIL_LOADED))}"
        con.execute(
            f"DELETE FROM rejects WHERE ocid IN (SELECT ocid FROM compiled_ocids "
            f"WHERE ocid IN ({waiting})) AND {_starts_with(len(UNTIL_LOADED))}",
            [*UNTIL_LOADED, *UNTIL_LOADED],
        )
        con.register("_rows", commit.sources)
        con.execute("INSERT INTO sources SELECT * FROM _rows")
        con.register("_rows", commit.rejects)
        con.execute(  # the same refusal of the same file is recorded once
            "INSERT INTO rejects SELECT * FROM _rows n WHERE NOT EXISTS (SELECT 1 FROM rejects r"
            " WHERE r.path = n.path AND r.location = n.location AND r.reason = n.reason)"
        )
        con.unregister("_rows")
        # The parsing DuckDB is closed by now, so the commit itself gets the whole limit: adding
        # 11 MB to the warehouse of a 6 GB input needed more than half of 512 MB to commit.
        self._whole_limit()
        # An ingest that replaced no rows leaves nothing for the checkpoint to vacuum but the
        # inserts' last row groups, part full (one per thread and table), which it would merge
        # and write again, with the default compression. For the documents' text, that was
        # most of the COMMIT (0.9 s of a 144 MB ingest) and doubled the file (the first copy
        # left as free blocks). After deletes, vacuuming reclaims their space: it stays on.
        if not deleted:
            con.execute("SET max_vacuum_tasks = 0")
        try:
            self._commit_and_checkpoint()
        finally:
            con.execute("RESET max_vacuum_tasks")
            self._unregister_flat()

    def _flat(self, commit: Commit, name: str) -> list[str]:
        """The SQL of the rows of table ``name`` compiled flat: their files, and those kept in
        memory (registered here until the inserts are done)."""
        files = commit.flat_files(name)
        found = [read_parquet_sql(files)] if files else []
        if commit.flat_rows.get(name):
            self.con.register(f"_flat_{name}", pa.concat_tables(commit.flat_rows[name]))
            self._registered.append(f"_flat_{name}")
            found.append(f"_flat_{name}")
        return found

    def _unregister_flat(self) -> None:
        """Let go of the rows kept in memory (on a rollback too)."""
        while self._registered:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister(self._registered.pop())

    def _commit_and_checkpoint(self) -> None:
        try:
            with self._checkpointing():
                self.con.execute("COMMIT")
        except duckdb.Error as exc:
            detail = str(exc).splitlines()[0]
            raise WarehouseError(
                message("commit_failed", location=self.location, detail=detail)
            ) from exc
        self.con.execute("DROP VIEW IF EXISTS compiled_ocids")
        self.con.execute("DROP VIEW IF EXISTS compiled_new")
        self.con.execute("CHECKPOINT")

    @contextlib.contextmanager
    def _checkpointing(self) -> Iterator[None]:
        """A COMMIT in this block checkpoints, whatever the size of what it adds.

        Why: below the threshold (16 MB of log), the rows went to the write-ahead log, then the
        CHECKPOINT after the COMMIT wrote them again into the file (36 MB of mixed files:
        COMMIT 0.12 s and CHECKPOINT 0.11 s, against 0.16 s for a COMMIT that checkpoints).
        Larger inserts write their row groups to the file as they fill and log only where they
        are: for them nothing changes."""
        self.con.execute("SET checkpoint_threshold = '0KB'")
        try:
            yield
        finally:  # (after a failed COMMIT the connection may refuse even this)
            with contextlib.suppress(duckdb.Error):
                self.con.execute("RESET checkpoint_threshold")

    def _delete_touched(self, name: str) -> int:
        """Delete the rows of the ocids compiled anew (an empty table, the first ingest's, is not
        searched: each search reads every new ocid); how many were."""
        if not self.row_count(name):
            return 0
        # A deleted row's version (its vector's, 16 KB each) is held in memory until the
        # commit: the deletes, scattered over the tables, get the whole limit (the parsing
        # DuckDB is closed by now). With half, 8,000 updated processes in the warehouse of a
        # 6 GB input ran out of it.
        self._whole_limit()
        deleted = self.con.execute(
            f"DELETE FROM {name} WHERE ocid IN (SELECT ocid FROM compiled_ocids)"
        ).fetchall()
        return int(deleted[0][0])

    def replace(self, tables: dict[str, pa.Table | ir.Table]) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for name, data in tables.items():
                if isinstance(data, pa.Table):
                    con.register("_rows", data.cast(STORED[name]))
                    con.execute(f"CREATE TABLE {name}__new AS SELECT * FROM _rows")
                    con.unregister("_rows")
                else:
                    import ibis

                    sql = ibis.to_sql(data, dialect="duckdb")
                    con.execute(f"CREATE TABLE {name}__new AS {sql}")
                con.execute(f"DROP TABLE {name}")
                con.execute(f"ALTER TABLE {name}__new RENAME TO {name}")
            with self._checkpointing():
                con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(
                message(
                    "replace_failed", location=self.location, tables=", ".join(tables), detail=exc
                )
            ) from exc
        con.execute("CHECKPOINT")

    def set_country(self, country: str | None, hashes: list[str] | None = None) -> int:
        con = self.con
        picked = "true" if hashes is None else "sha256 IN (SELECT sha256 FROM _hashes)"
        con.register("_hashes", pa.table({"sha256": pa.array(hashes or [], pa.string())}))
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _targets AS "
                f"SELECT DISTINCT ingest_id, path FROM sources WHERE {picked}"
            )
            con.execute(f"UPDATE sources SET country = ? WHERE {picked}", [country])
            con.execute(f"UPDATE raw_documents d SET country = ? WHERE {OF_TARGETS}", [country])
            (changed,) = con.execute(
                f"UPDATE processes p SET country = n.country FROM ("
                f"{process_countries('raw_documents')}) n "
                "WHERE p.ocid = n.ocid AND p.country IS DISTINCT FROM n.country"
            ).fetchall()[0]
            con.execute("DROP TABLE _targets")
            with self._checkpointing():
                con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise WarehouseError(
                message("retag_failed", location=self.location, detail=str(exc).splitlines()[0])
            ) from exc
        finally:
            con.unregister("_hashes")
        con.execute("CHECKPOINT")
        return int(changed)

    def rollback(self, stage: Stage) -> None:
        stage.close()
        self._unregister_flat()
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")
        with contextlib.suppress(duckdb.Error):
            self._whole_limit()

    def close(self) -> None:
        self.con.close()
