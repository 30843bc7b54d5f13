"""Ingest: OCDS files in, compiled tables out, all or nothing.

The run reads every source (streaming), stages its documents, compiles every ocid it touches
together with what earlier ingests stored, and commits it all at once. Any error without
``skip_bad`` rolls everything back; with ``skip_bad`` each bad document goes to ``rejects``.
Re-ingesting a file whose content was already loaded adds nothing.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .. import arrays, settings
from ..errors import BestValueError, InputError, Location, WarehouseError
from ..messages import message
from ..ocds import prefetch
from ..ocds.prefetch import ReadAhead
from ..ocds.sources import Fingerprint, Source, discover
from .base import FLAT, Commit, Warehouse
from .fastload import SEQ_BITS, FastStage
from .progress import Progress
from .schema import COMPILED, TABLES
from .sqlcompile import compile_plain
from .staging import Stage, sql_string

__all__ = ["IngestReport", "Progress", "country_code", "ingest", "other_countries"]

# Compiled rows per Parquet row group, at most: every scan of the file holds the metadata of all
# its row groups (about 150 columns each), and the commit's items insert scans it three times at
# once (tender, award and contract items). Measured on a 6 GB input, 2,048 rows gave 650 row
# groups and an items insert peaking 170 MB higher than 16,384 rows (82 row groups), same speed.
ROW_GROUP = 16_384
MIN_ROW_GROUP = 2_048  # and at least: a small file still gets a row group per thread to commit


@dataclass
class IngestReport:
    ingest_id: str
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    # Skipped files loaded before with another country than this ingest's (``path``, the
    # ``country`` they keep, None for none, and ``sha256``): a file's content is loaded once,
    # tag and all, unless ``retag``.
    other_country: list[dict[str, Any]] = field(default_factory=list)
    # With ``retag``: those files (the same rows, with the country they had), given this
    # ingest's country after it, and how many processes changed country then.
    retagged: list[dict[str, Any]] = field(default_factory=list)
    retagged_processes: int = 0
    bytes: int = 0
    releases: int = 0
    compiled_releases: int = 0
    processes: int = 0
    fast_files: int = 0  # files parsed by DuckDB (the others by the Python reader)
    sql_processes: int = 0  # processes compiled in SQL (the others by the Python merge)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    # Records that gave no data (only links to their releases) whose process has no release in
    # this ingest or the warehouse: stored in rejects too, but not refusals (not bad input).
    unlinked: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return self.releases + self.compiled_releases

    @property
    def not_loaded(self) -> list[dict[str, Any]]:
        """What the ``rejects`` table gets: the refusals, then the records of links only."""
        return self.rejects + self.unlinked


@dataclass
class _Run:
    warehouse: Warehouse
    stage: Stage
    report: IngestReport
    country: str | None
    skip_bad: bool
    progress: Progress
    seq: int = 0
    work: duckdb.DuckDBPyConnection | None = None  # the fast path's own DuckDB
    closing: threading.Thread | None = None  # ... closing beside the commit (see _close_work)
    flat_rows: dict[str, list[pa.Table]] = field(default_factory=dict)  # (see Commit)
    sources: list[dict[str, Any]] = field(default_factory=list)
    unlinked: list[dict[str, Any]] = field(default_factory=list)  # records of links only ...
    spilled: int = 0  # ... and how many went to the stage's DuckDB (see _note_unlinked)

    def source_row(
        self, source: Source, fingerprint: Fingerprint, releases: int, compiled: int, rejected: int
    ) -> dict[str, Any]:
        """The ``sources`` row of one staged file."""
        return {
            "ingest_id": self.report.ingest_id,
            "path": source.name,
            "sha256": fingerprint.sha256,
            "bytes": fingerprint.size,
            "encoding": fingerprint.encoding,
            "country": self.country,
            "releases": releases,
            "compiled_releases": compiled,
            "rejected": rejected,
            "loaded_at": datetime.now(UTC),
        }

    def reject(self, path: str, location: Location, reason: str, ocid: Any, snippet: str) -> None:
        if not self.skip_bad:
            raise InputError(path, message("use_skip_bad", reason=reason), location, refusal=True)
        self.report.rejects.append(self.reject_row(path, location, reason, ocid, snippet))

    def reject_row(
        self, path: str, location: Location, reason: str, ocid: Any, snippet: str
    ) -> dict[str, Any]:
        return {
            "ingest_id": self.report.ingest_id,
            "path": path,
            "location": str(location),
            "ocid": ocid if isinstance(ocid, str) else None,
            "reason": reason,
            "snippet": snippet,
        }


def ingest(
    paths: Iterable[str | Path],
    warehouse: Warehouse,
    *,
    country: str | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
    retag: bool = False,
) -> IngestReport:
    """Load OCDS files into the warehouse (see the module docstring).

    ``retag``: the files given that were loaded before with another country (or none) get
    ``country`` too, after the new ones are loaded (:meth:`Warehouse.set_country`)."""
    started = time.perf_counter()
    country = country_code(country)
    if retag and country is None:
        raise BestValueError(message("retag_needs_country"))
    report = IngestReport(datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ"))
    progress = progress or Progress()
    # The files found and read ahead since the command line started (see ocds.prefetch), if it
    # did; else they are found here (a path that does not exist is refused here).
    paths = list(paths)
    reader = prefetch.take(paths)
    sources = reader.sources if reader is not None and reader.sources else list(discover(paths))
    progress.start(sum(s.size_on_disk for s in sources), len(sources))
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bestvalue-") as tmp:
        if reader is not None:
            stack.callback(reader.close)
        scratch = Path(tmp)
        stage = warehouse.begin(scratch)
        # Estimates over the staged Parquet files are poor: keep each hash table on the side the
        # queries put it (the narrow one), never on the documents' text; memory stays flat.
        stage.con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        run = _Run(warehouse, stage, report, country, skip_bad, progress)
        try:
            _stage_all(run, sources, reader)
            stage.seal()
            _resolve_conflicts(run)
            _missing_releases(run)
            stage.settle()
            compiled = scratch / "compiled"
            report.processes = _compile(run, compiled)
            _close_work(run, wait=False)  # its memory, as the commit starts
            pa.default_memory_pool().release_unused()  # and the compile's Arrow pages (1 GB: 70 MB)
            progress.phase("write")  # a sixth of a large ingest's time
            warehouse.commit(
                stage,
                Commit(
                    compiled,
                    _table("sources", run.sources),
                    _table("rejects", report.not_loaded),
                    report.ingest_id,
                    run.flat_rows,
                ),
            )
        except duckdb.OutOfMemoryException as exc:
            warehouse.rollback(stage)
            raise WarehouseError(
                message(
                    "out_of_memory",
                    location=warehouse.location,
                    detail=str(exc).splitlines()[0],
                    limit=settings.get("duckdb_memory_limit"),
                )
            ) from exc
        except BaseException:
            warehouse.rollback(stage)
            raise
        finally:
            with contextlib.suppress(duckdb.Error):  # the Spark engine's scratch may be closed
                stage.con.execute("RESET disabled_optimizers")
            _close_work(run)
    if retag and report.other_country:
        hashes = [r["sha256"] for r in report.other_country]
        progress.phase("retag")
        report.retagged_processes = warehouse.set_country(country, hashes)
        report.retagged, report.other_country = report.other_country, []
    report.seconds = time.perf_counter() - started
    return report


def other_countries(rows: list[dict[str, Any]]) -> tuple[list[str], int, int]:
    """Of files loaded before with another country (``other_country``, ``retagged``): the
    countries they had (sorted), how many had one of them, and how many had none (the CLI and
    ``bestvalue assess`` say both)."""
    countries = sorted({r["country"] for r in rows if r["country"]})
    without = sum(1 for r in rows if not r["country"])
    return countries, len(rows) - without, without


def country_code(code: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code the data is tagged with, in capitals; refused before anything
    is read when it names no country (spend and risk look countries up by it later, and would
    only then find it wrong)."""
    if not code:
        return None
    from ..risk.countries import iso3  # (here: the risk package imports this module)

    if len(code) != 2 or iso3(code.upper()) is None:
        raise BestValueError(message("not_country_code_eg", country=repr(code)))
    return code.upper()


def _close_work(run: _Run, wait: bool = True) -> None:
    """Close the fast path's DuckDB; unless ``wait``, in a thread of its own (then closing it
    again waits for that thread).

    Why a thread: closing it took 0.015 s of a 1.3 s ingest (36 MB), one core idle, and the
    commit that follows does not need what it frees until its inserts have begun."""
    work, run.work = run.work, None
    if work is not None and not wait:
        run.closing = threading.Thread(target=work.close, name="bestvalue-close")
        run.closing.start()
    elif work is not None:
        work.close()
    if wait and run.closing is not None:
        run.closing.join()
        run.closing = None


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return arrays.table(rows, TABLES[name].arrow)


def _stage_all(run: _Run, sources: list[Source], reader: ReadAhead | None) -> None:
    skipped: dict[str, str] = {}  # content hash -> name of the files loaded before
    # Each file is hashed (a pass over all of it) ahead, while the one before is read; a small
    # one is cut there too (ocds.cut.cut_early), up to prefetch.AHEAD_BYTES of them ahead, in a
    # thread started here (before the parsing DuckDB is made), or by the command line before
    # its imports (ocds.prefetch).
    known = run.warehouse.known_hashes()
    if reader is None:
        reader = ReadAhead(sources, prefetch.fast_ingest(), known)
    else:
        reader.know(known)
    with contextlib.closing(reader):
        _stage_each(run, reader, known, skipped)
    if run.country is not None and skipped:
        run.report.other_country = _other_country(run, skipped)


def _stage_each(run: _Run, reader: ReadAhead, known: set[str], skipped: dict[str, str]) -> None:
    """Stage each file ``reader`` hashed (the DuckDB path's, or the reader's), leaving out
    those whose content was loaded before (``known``, which grows) into ``skipped``."""
    fast = FastStage(run, _stage_source) if prefetch.fast_ingest() else None
    run.work = fast.con if fast else None
    for index, (source, hashed, cut) in enumerate(reader):
        fingerprint = _fingerprint(run, source, hashed)
        if fingerprint is None:
            continue
        # Loaded before, by an earlier ingest or an earlier file of this one. (An empty file's
        # hash joins them too: it is refused before that matters.)
        before = fingerprint.sha256 in known
        known.add(fingerprint.sha256)
        if before:
            run.report.skipped.append(source.name)
            skipped.setdefault(fingerprint.sha256, source.name)
            run.progress.advance(source.size_on_disk, 0)
            continue
        run.report.files += 1
        run.report.bytes += fingerprint.size
        if fast:
            fast.add(index, source, fingerprint, cut)  # numbers documents by file, as below
        else:
            run.seq = index << SEQ_BITS  # documents are ordered by file
            _stage_source(run, source, fingerprint)
    if fast:
        fast.close()


def _other_country(run: _Run, skipped: dict[str, str]) -> list[dict[str, Any]]:
    """The skipped files whose content was loaded with another country than ``run.country``.

    Why: an analyst who loaded files without ``--country`` (or with a wrong one) and loads them
    again with it is told that nothing changed, rather than finding later that the country's
    processes are missing (``bestvalue assess`` would say no spend was loaded for it)."""
    hashes = ", ".join(sql_string(h) for h in sorted(skipped))
    rows = run.warehouse.sql(f"SELECT sha256, country FROM sources WHERE sha256 IN ({hashes})")
    loaded = dict(zip(rows["sha256"].to_pylist(), rows["country"].to_pylist(), strict=True))
    return [
        {"path": skipped[h], "country": loaded[h], "sha256": h}
        for h in sorted(skipped, key=skipped.__getitem__)
        if h in loaded and loaded[h] != run.country
    ]


def _fingerprint(run: _Run, source: Source, hashed: Fingerprint | InputError) -> Fingerprint | None:
    if isinstance(hashed, InputError):
        run.reject(source.name, hashed.location, hashed.reason, None, "")
        run.progress.advance(source.size_on_disk, 0)  # refused whole: read as far as it goes
        return None
    fingerprint = hashed
    if fingerprint.size == 0:
        run.reject(source.name, Location(offset=0), message("empty_file"), None, "")
        return None
    return fingerprint


def _stage_source(run: _Run, source: Source, fingerprint: Fingerprint) -> None:
    """Stage a file through the Python path: the streaming reader, which names the place of
    each bad document. Imported when a file needs it (:mod:`.pyload` says why)."""
    from . import pyload

    pyload.stage_source(run, source, fingerprint)


def _missing_releases(run: _Run) -> None:
    if run.unlinked or run.spilled:  # (records of links only: only the Python path's reader)
        from . import pyload

        pyload.missing_releases(run)


def _resolve_conflicts(run: _Run) -> None:
    """Two different releases with one id in one file are bad input; across files, see docs."""
    conflicts = run.stage.conflicts()
    for c in conflicts:
        run.reject(
            c.source,
            Location(pointer=c.pointer),
            message(
                "duplicate_release",
                release_id=repr(c.release_id),
                ocid=c.ocid,
                first=c.first_pointer,
            ),
            c.ocid,
            "",
        )
    if conflicts:
        run.stage.drop_seq([c.seq for c in conflicts])


def _compile(run: _Run, folder: Path) -> int:
    affected = run.stage.affected_count()
    run.progress.phase("compile", affected)
    folder.mkdir()
    # The Python merge's nested rows (a file, empty when it compiled nothing), and the flat
    # rows of the processes the SQL compile compiled (see Commit).
    python = _RowGroups(
        folder / "python.parquet", max(MIN_ROW_GROUP, min(ROW_GROUP, affected // 8))
    )
    try:
        written = _compile_sql(run, folder / FLAT) if run.work is not None and affected else 0
        if written < affected:  # what SQL did not compile goes through the Python merge
            from . import pyload  # (see _stage_source)

            written += pyload.compile_python(run, python, affected - written)
    except BaseException:
        python.close(flush=False)
        raise
    python.close()
    return written


def _compile_sql(run: _Run, flat: Path) -> int:
    assert run.work is not None
    latest, total = run.stage.latest_documents()
    size = run.report.bytes // max(run.report.documents, 1)  # input bytes per document
    written = 0
    scratch = flat.parent.parent
    staged = run.stage.staged_files  # (asked only for a compile of one round)
    kept = run.flat_rows if run.warehouse.takes_rows else None
    for rows in compile_plain(
        run.stage.con, run.work, latest, total, scratch, flat, size, staged, kept
    ):
        written += rows
        run.progress.step(rows)
    run.report.sql_processes = written
    return written


class _RowGroups:
    """A Parquet file of compiled rows, written in row groups of ``size`` rows whatever the
    size of the tables given (the Python merge makes them by chunks of a few hundred rows); no
    file when there are none (pyarrow.parquet is imported only then: see Stage)."""

    def __init__(self, path: Path, size: int) -> None:
        # No dictionaries: the rows are read once, by the commit; trying them took half the
        # writing. No compression either, for the same reason: writing the 32,000 rows of the
        # 144 MB input took 0.19 s against 0.23 s in Snappy, and the commit reads them without
        # decompressing (whole ingests, alternating runs: 36 MB 1.59-1.81 s against 1.62-1.85
        # s, 200 MB 5.27-5.40 s against 5.39-5.73 s). The scratch file is four times larger
        # (49 MB against 12 MB at 144 MB), and deleted with the scratch directory.
        self.writer: Any = None  # (a pyarrow.parquet.ParquetWriter, once there are rows)
        self.path, self.size = path, size
        self.waiting: list[pa.Table] = []
        self.rows = 0
        self.closed = False

    def write(self, table: pa.Table) -> None:
        self.waiting.append(table)
        self.rows += table.num_rows
        if self.rows >= self.size:
            whole = pa.concat_tables(self.waiting)  # no copy: the chunks are kept as they are
            full = self.rows - self.rows % self.size
            self._write(whole.slice(0, full))
            self.waiting, self.rows = [whole.slice(full)], self.rows - full

    def close(self, flush: bool = True) -> None:
        """Write what waits (unless the compile failed) and the file's footer; once."""
        if self.closed:
            return
        self.closed = True
        if flush and self.rows:
            self._write(pa.concat_tables(self.waiting))
        # What waited is a slice of the part's rows, which holds all their buffers: kept by a
        # closed writer (one per part), they grew with the input (the 6 GB package peaked at
        # 3.5 GB before this line, against 0.8 GB).
        self.waiting, self.rows = [], 0
        if self.writer is not None:
            self.writer.close()

    def _write(self, rows: pa.Table) -> None:
        if self.writer is None:
            import pyarrow.parquet as pq

            self.writer = pq.ParquetWriter(
                str(self.path), COMPILED.arrow, use_dictionary=False, compression="none"
            )
        self.writer.write_table(rows, row_group_size=self.size)
