"""The distributed engine: a directory of Parquet tables written by PySpark.

Layout: ``manifest.json`` names the committed version directory (``v000N/<table>/``) and the
append-only raw document files (``raw/<ingest>.parquet``). An ingest writes a complete new version
beside the old one and then replaces the manifest atomically, so a failed ingest leaves the
warehouse exactly as it was; readers never see a half-written version.

The derived tables are computed by Spark from the same Ibis expressions the DuckDB engine uses.
Staging and compiling run in this process (DuckDB scratch + bestvalue.ocds.merge).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .. import settings
from ..errors import WarehouseError
from ..messages import message
from .base import UNTIL_LOADED, Commit, Warehouse
from .retag import OF_TARGETS, process_countries
from .schema import COMPILED, TABLES
from .staging import RAW_SCHEMA, Stage, read_parquet_sql, sql_string
from .transform import DERIVED, compiled_table, derive

__all__ = ["SparkWarehouse", "spark_session"]

_SESSIONS: dict[str, Any] = {}


def spark_session(master: str | None = None) -> Any:
    """One Spark session per master URL for the process (starting one takes seconds)."""
    master = master or settings.get("spark_master")
    if master not in _SESSIONS:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise WarehouseError(message("spark_missing")) from exc
        builder = (
            SparkSession.builder.master(master)
            .appName("bestvalue")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.memory", settings.get("spark_driver_memory"))
        )
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        _SESSIONS[master] = session
    return _SESSIONS[master]


def _declared(name: str) -> pa.Schema:
    """A table's schema as declared (for one not written yet)."""
    return TABLES[name].arrow


class SparkWarehouse(Warehouse):
    engine = "spark"

    def __init__(
        self, location: str | Path, *, master: str | None = None, read_only: bool = False
    ) -> None:
        self.location = Path(location)
        if self.location.exists() and not self.location.is_dir():
            raise WarehouseError(message("spark_needs_directory", location=self.location))
        if read_only and not (self.location / "manifest.json").exists():
            raise WarehouseError(message("no_warehouse", location=self.location))
        self.master = master
        self._session: Any = None
        self._ibis: Any = None

    # --- manifest ---------------------------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        path = self.location / "manifest.json"
        if not path.exists():
            return {"version": 0, "raw": [], "tables": {}}
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def _path(self, name: str) -> Path | None:
        rel = self._manifest()["tables"].get(name)
        return self.location / rel if rel else None

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = spark_session(self.master)
        return self._session

    def _view(self, name: str) -> None:
        path = self._path(name)
        if path is None:  # not written yet: an empty table with the declared schema
            path = self.location / "empty" / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(_declared(name).empty_table(), str(path))
        self.session.read.parquet(str(path)).createOrReplaceTempView(name)

    # --- reading ----------------------------------------------------------------------------
    def table_names(self, internal: bool = False) -> list[str]:
        return list(TABLES)  # (the stored documents are files, read by the ingest alone)

    def table(self, name: str) -> ir.Table:
        self._known(name)
        self._connect_ibis()
        self._view(name)
        return self._connect_ibis().table(name)

    def batches(self, name: str, rows: int) -> pa.RecordBatchReader:
        """Read from the table's Parquet files here, not through Spark: its Arrow export
        collects the whole table in the driver."""
        self._known(name)
        path = self._path(name)
        if path is None:  # not written yet
            return pa.RecordBatchReader.from_batches(_declared(name), [])
        dataset = ds.dataset(str(path), format="parquet")
        return pa.RecordBatchReader.from_batches(
            dataset.schema, dataset.to_batches(batch_size=rows)
        )

    def _connect_ibis(self) -> Any:
        if self._ibis is None:
            self._ibis = ibis.pyspark.connect(self.session)
        return self._ibis

    def row_count(self, name: str) -> int:
        path = self._path(name)
        return 0 if path is None else int(pq.ParquetDataset(str(path)).read([]).num_rows)

    def sql(self, query: str) -> pa.Table:
        for name in self.table_names(internal=True):
            self._view(name)
        try:
            return self.session.sql(query).toArrow()
        except Exception as exc:  # pyspark's AnalysisException and friends
            raise WarehouseError(message("query_failed", detail=str(exc).splitlines()[0])) from exc

    def known_hashes(self) -> set[str]:
        path = self._path("sources")
        if path is None:
            return set()
        return set(pq.read_table(str(path), columns=["sha256"]).column(0).to_pylist())

    # --- writing ----------------------------------------------------------------------------
    def begin(self, scratch: Path) -> Stage:
        con = duckdb.connect(str(scratch / "staging.duckdb"))
        con.execute(f"SET memory_limit = '{settings.get('duckdb_memory_limit')}'")
        raw = [str(self.location / p) for p in self._manifest()["raw"]]
        if raw:
            con.execute(f"CREATE VIEW raw_documents AS SELECT * FROM {read_parquet_sql(raw)}")
        else:
            con.register("_raw0", RAW_SCHEMA.empty_table())
            con.execute("CREATE TABLE raw_documents AS SELECT * FROM _raw0")
        return Stage(con, scratch)

    def commit(self, stage: Stage, commit: Commit) -> None:
        """Publish a new version of the tables this ingest changed; the others stay as they were.

        Why only those: Parquet has no updates, so a table is rewritten whole. An ingest whose
        files were all loaded before (a safe re-run) rewrote every table of the warehouse, to
        the same rows, and added an empty file of documents; now it publishes nothing."""
        manifest = self._manifest()
        version = f"v{manifest['version'] + 1:06d}"
        target = self.location / version
        shutil.rmtree(target, ignore_errors=True)  # debris of an earlier failed ingest
        target.mkdir(parents=True)
        raw_rel = f"raw/{commit.ingest_id}.parquet"
        (self.location / "raw").mkdir(exist_ok=True)
        documents = stage.con.execute(
            f"COPY ({stage.new_documents()}) TO {sql_string(self.location / raw_rel)} "
            "(FORMAT parquet)"
        ).fetchall()[0][0]
        stage.con.close()
        if not documents:
            (self.location / raw_rel).unlink(missing_ok=True)
        tables = self._write_tables(target, commit, manifest["tables"])
        if not tables and not documents:
            shutil.rmtree(target)
            return
        new = {
            "version": manifest["version"] + 1,
            "raw": [*manifest["raw"], *([raw_rel] if documents else [])],
            "tables": manifest["tables"] | {name: f"{version}/{name}" for name in tables},
        }
        self._publish(new)

    def _publish(self, manifest: dict[str, Any]) -> None:
        """Swap the manifest atomically, then delete the versions it no longer names (and any
        table it names that the warehouse no longer has: ``compiled``, of earlier versions)."""
        tables = {k: v for k, v in manifest["tables"].items() if k in TABLES}
        manifest = manifest | {"tables": tables}
        tmp = self.location / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(tmp, self.location / "manifest.json")
        used = {rel.split("/")[0] for rel in manifest["tables"].values()}
        for child in self.location.iterdir():
            if child.is_dir() and child.name.startswith("v") and child.name not in used:
                shutil.rmtree(child, ignore_errors=True)

    def replace(self, tables: dict[str, pa.Table | ir.Table]) -> None:
        manifest = self._manifest()
        version = f"v{manifest['version'] + 1:06d}"
        target = self.location / version
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        try:
            for name, data in tables.items():
                (target / name).mkdir()
                if isinstance(data, pa.Table):
                    schema = TABLES[name].arrow
                    pq.write_table(data.cast(schema), str(target / name / "part-0.parquet"))
                else:
                    self._connect_ibis()
                    for view in self.table_names(internal=True):
                        self._view(view)
                    for done in list(tables)[: list(tables).index(name)]:  # read what is new
                        self.session.read.parquet(str(target / done)).createOrReplaceTempView(done)
                    sql = ibis.to_sql(data, dialect="pyspark")
                    self.session.sql(sql).write.mode("overwrite").parquet(str(target / name))
        except Exception:
            shutil.rmtree(target, ignore_errors=True)
            raise
        self._publish(
            manifest
            | {
                "version": manifest["version"] + 1,
                "tables": manifest["tables"] | {name: f"{version}/{name}" for name in tables},
            }
        )

    def _write_tables(self, target: Path, commit: Commit, published: dict[str, str]) -> list[str]:
        """Write the tables this commit changes into ``target``; their names. ``published``:
        the tables of the manifest now (a table it lacks is written, even empty)."""
        compiled = commit.compiled_rows()
        derived = list(DERIVED)
        written: list[str] = []
        if compiled or not set(derived) <= set(published):
            self._write_derived(target, commit)
            written += derived
        for name in ("sources", "rejects"):
            rows = getattr(commit, name)
            # (a compile may also end the notes of records waiting for their releases)
            if rows.num_rows or name not in published or (name == "rejects" and compiled):
                self._write_small(target, name, rows, commit.ocid_files())
                written.append(name)
        return written

    def _write_derived(self, target: Path, commit: Commit) -> None:
        """Each derived table: its stored rows less those of the processes compiled anew, and
        their new rows (as the DuckDB warehouse deletes and inserts them): derived from the
        nested compiled rows, and as they are from the rows compiled flat (see Commit).

        Why not from a stored table of the compiled rows, as before: that copy of what the
        derived tables hold was rewritten whole by every ingest, and the DuckDB warehouse no
        longer keeps it."""
        self._connect_ibis()  # registers the options Ibis's pyspark SQL compiler reads
        spark = self.session
        nested = commit.compiled_files()
        if not nested:  # (the Python merge compiled nothing: no file; Spark reads an empty one)
            nested = [commit.compiled_path / "none.parquet"]
            pq.write_table(COMPILED.arrow.empty_table(), str(nested[0]))
        spark.read.parquet(*map(str, nested)).createOrReplaceTempView("compiled_new")
        flat = {name: commit.flat_files(name) for name in DERIVED}
        for name, files in flat.items():
            if files:
                spark.read.parquet(*map(str, files)).createOrReplaceTempView(f"flat_{name}")
        new = "SELECT ocid FROM compiled_new" + (
            " UNION ALL SELECT ocid FROM flat_processes" if flat["processes"] else ""
        )
        spark.sql(new).createOrReplaceTempView("compiled_ocids")
        # An anti join, not NOT IN: Spark plans NOT IN (a subquery) as a null-aware join that
        # broadcasts the new ocids to every executor however many they are (even with broadcasts
        # turned off), where the anti join sorts and merges when they are many. Ocids are never
        # null: the same rows.
        for name, expr in derive(compiled_table("compiled_new")).items():
            self._view(name)
            as_is = f" UNION ALL SELECT * FROM flat_{name}" if flat[name] else ""
            spark.sql(
                f"SELECT t.* FROM {name} t LEFT ANTI JOIN compiled_ocids n ON t.ocid = n.ocid "
                f"UNION ALL {ibis.to_sql(expr, dialect='pyspark')}{as_is}"
            ).write.parquet(str(target / name))

    def _write_small(self, target: Path, name: str, rows: pa.Table, compiled: list[Path]) -> None:
        """``sources`` or ``rejects``: the stored rows and the new ones, in one file."""
        old = self._path(name)
        if old is not None:
            rows = pa.concat_tables([pq.read_table(str(old)).cast(rows.schema), rows])
        if name == "rejects":  # the same refusal of the same file is recorded once
            frame = rows.to_pandas().drop_duplicates(["path", "location", "reason"])
            frame = frame[~_loaded_now(frame, compiled)]
            rows = pa.Table.from_pandas(frame, schema=rows.schema, preserve_index=False)
        (target / name).mkdir()
        pq.write_table(rows, str(target / name / "part-0.parquet"))

    def set_country(self, country: str | None, hashes: list[str] | None = None) -> int:
        """A new version of ``sources`` and ``processes``, and new files of the stored documents
        that change, published at once; DuckDB does the work, in this process, as it stages an
        ingest (a retag is three narrow updates, not a transformation for Spark)."""
        manifest, old = self._manifest(), self._path("sources")
        sources = pq.read_table(str(old)) if old is not None else _declared("sources").empty_table()
        picked = (
            pa.array([True] * sources.num_rows, pa.bool_())
            if hashes is None
            else pc.is_in(sources["sha256"], value_set=pa.array(hashes, pa.string()))
        )
        chosen = sources.filter(picked)
        if all(c == country for c in chosen["country"].to_pylist()):
            return 0  # (also when none is chosen) nothing to rewrite
        targets = chosen.select(["ingest_id", "path"])
        version = f"v{manifest['version'] + 1:06d}"
        target = self.location / version
        con = duckdb.connect()
        con.register("_targets", targets)
        made: list[Path] = []
        try:
            raw = [self._retag_raw(con, rel, version, country, made) for rel in manifest["raw"]]
            changed = self._retag_processes(con, target, raw)
            (target / "sources").mkdir()
            pq.write_table(
                _retagged(sources, picked, country), str(target / "sources" / "p.parquet")
            )
        except BaseException as exc:
            shutil.rmtree(target, ignore_errors=True)
            for path in made:
                path.unlink(missing_ok=True)
            if isinstance(exc, duckdb.Error | OSError):
                detail = str(exc).splitlines()[0]
                raise WarehouseError(
                    message("retag_failed", location=self.location, detail=detail)
                ) from exc
            raise
        finally:
            con.close()
        tables = manifest["tables"] | {t: f"{version}/{t}" for t in ("sources", "processes")}
        self._publish(manifest | {"version": manifest["version"] + 1, "raw": raw, "tables": tables})
        for rel in set(manifest["raw"]) - set(raw):  # replaced by their retagged copies
            (self.location / rel).unlink(missing_ok=True)
        return changed

    def _retag_raw(
        self,
        con: duckdb.DuckDBPyConnection,
        rel: str,
        version: str,
        country: str | None,
        made: list[Path],
    ) -> str:
        """The stored documents of one ingest, retagged into a new file when some of them are
        of the files retagged (its path in the warehouse); otherwise the file as it is."""
        path = sql_string(self.location / rel)
        if not con.execute(
            f"SELECT count(*) FROM read_parquet({path}) d WHERE {OF_TARGETS}"
        ).fetchall()[0][0]:
            return rel
        new = f"raw/{Path(rel).stem.split('-')[0]}-{version}.parquet"
        made.append(self.location / new)
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN {OF_TARGETS} THEN {_literal(country)} "
            f"ELSE d.country END AS country) FROM read_parquet({path}) d) "
            f"TO {sql_string(self.location / new)} (FORMAT parquet)"
        )
        return new

    def _retag_processes(self, con: duckdb.DuckDBPyConnection, target: Path, raw: list[str]) -> int:
        """Write ``processes`` with the countries computed anew into ``target``; how many
        changed (counted as they are written: the table is read once)."""
        files = read_parquet_sql(self.location / rel for rel in raw)
        con.execute(f"CREATE TEMP TABLE _new AS {process_countries(files)}")
        schema, changed = TABLES["processes"].arrow, 0
        (target / "processes").mkdir(parents=True)
        with pq.ParquetWriter(str(target / "processes" / "part-0.parquet"), schema) as out:
            for batch in self.batches("processes", 65_536):
                con.register("_batch", pa.Table.from_batches([batch]))
                rows = con.sql(
                    "SELECT p.* REPLACE (CASE WHEN n.ocid IS NULL THEN p.country ELSE n.country "
                    "END AS country), n.ocid IS NOT NULL AND p.country IS DISTINCT FROM n.country "
                    "AS _changed FROM _batch p LEFT JOIN _new n USING (ocid)"
                ).to_arrow_table()
                changed += pc.sum(rows["_changed"].cast(pa.int64())).as_py() or 0
                out.write_table(rows.select(schema.names).cast(schema))
                con.unregister("_batch")
        return changed

    def rollback(self, stage: Stage) -> None:
        stage.close()
        with contextlib.suppress(duckdb.Error):
            stage.con.close()
        manifest = self._manifest()
        version = f"v{manifest['version'] + 1:06d}"
        shutil.rmtree(self.location / version, ignore_errors=True)
        committed = {self.location / p for p in manifest["raw"]}
        for raw in (self.location / "raw").glob("*.parquet"):
            if raw not in committed:  # written by the failed ingest before its commit
                raw.unlink()


def _retagged(sources: pa.Table, picked: pa.Array, country: str | None) -> pa.Table:
    """``sources`` with the rows ``picked`` given ``country``."""
    column = pc.if_else(picked, pa.scalar(country, pa.string()), sources["country"])
    return sources.set_column(sources.schema.get_field_index("country"), "country", column)


def _literal(value: str | None) -> str:
    return "NULL" if value is None else sql_string(value)


def _loaded_now(rejects: pd.DataFrame, compiled: list[Path]) -> pd.Series:
    """The rejects that stood until their process's releases were loaded (``UNTIL_LOADED``)
    and whose process this commit compiles. The compiled ocids are read a batch at a time and
    only matched against those few: an ingest can compile millions."""
    waiting = rejects.reason.str.startswith(UNTIL_LOADED)
    if not waiting.any():
        return waiting
    wanted = pa.array(rejects.ocid[waiting].dropna().unique(), pa.string())
    found: set[str] = set()
    for path in compiled:
        for batch in pq.ParquetFile(path).iter_batches(columns=["ocid"]):
            ocids = batch.column(0)
            found.update(pc.filter(ocids, pc.is_in(ocids, value_set=wanted)).to_pylist())
    return waiting & rejects.ocid.isin(found)
