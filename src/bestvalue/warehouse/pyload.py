"""The Python path of an ingest: a file read document by document (the streaming reader and
:func:`bestvalue.ocds.validate.check_release`), and the merge of the processes the SQL compile
did not vouch for (``bestvalue.warehouse.compiling``).

Why a module of its own, imported by :mod:`bestvalue.warehouse.ingest` only when a file or a
process needs it: most ingests never take this path (every file the DuckDB path vouches for is
staged by :mod:`bestvalue.warehouse.fastload`, every plain process is merged in SQL), and what
it needs (the reader and ijson, the checks, the merge's pool of worker processes) was imported
at the start of every ingest, a cost paid whatever the input's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pyarrow as pa

from .. import arrays, settings
from ..errors import InputError, Location
from ..messages import message
from ..ocds.compile import date_key
from ..ocds.reader import Document, Problem, Unlinked, read
from ..ocds.sources import Fingerprint, Source
from ..ocds.validate import check_release
from .compiling import compile_chunks, workers_for
from .schema import TABLES
from .staging import STAGE_SCHEMA

if TYPE_CHECKING:
    from .ingest import _RowGroups, _Run

UNLINKED_BATCH = 10_000  # records of links only held in memory before they go to DuckDB


def stage_source(run: _Run, source: Source, fingerprint: Fingerprint) -> None:
    """Stage one file through the streaming reader: each bad document is refused with its
    place (or, with ``skip_bad``, recorded in ``rejects``), the rest staged."""
    counts = {"release": 0, "compiled": 0, "rejected": len(run.report.rejects)}
    batch: list[dict[str, Any]] = []
    limit = int(settings.get("batch_rows"))
    try:
        for item in read(source, fingerprint.encoding, fingerprint.size):
            row = _row(run, source, item)
            if row is None:
                continue
            counts["release" if row["kind"] == "release" else "compiled"] += 1
            batch.append(row)
            if len(batch) >= limit:
                _flush(run, batch)
    except InputError as exc:  # a syntax error ends the file; what parsed before it is kept
        if not run.skip_bad and exc.refusal:
            raise  # already a refusal of one document
        run.reject(source.name, exc.location, exc.reason, None, "")
    _flush(run, batch)
    run.progress.advance(source.size_on_disk, 0)
    run.report.releases += counts["release"]
    run.report.compiled_releases += counts["compiled"]
    rejected = len(run.report.rejects) - counts["rejected"]
    run.sources.append(
        run.source_row(source, fingerprint, counts["release"], counts["compiled"], rejected)
    )


def _row(run: _Run, source: Source, item: Document | Problem | Unlinked) -> dict[str, Any] | None:
    if isinstance(item, Unlinked):
        _note_unlinked(run, _unlinked_row(run, source, item))
        return None
    if isinstance(item, Problem):
        run.reject(
            source.name,
            Location(offset=item.offset, line=item.line, pointer=item.pointer),
            item.reason,
            None,
            item.snippet,
        )
        return None
    doc = item.data
    for pointer, reason in check_release(doc, item.kind):
        run.reject(
            source.name,
            Location(line=item.line, pointer=item.pointer.rstrip("/") + pointer),
            reason,
            doc.get("ocid"),
            orjson.dumps(doc)[:300].decode("utf-8", "replace"),
        )
        return None
    text = orjson.dumps(doc)
    run.seq += 1
    release_id = doc.get("id")
    return {
        "ocid": doc["ocid"],
        "kind": item.kind,
        "release_id": None if release_id is None else str(release_id),
        "date_key": date_key(doc.get("date")),
        "source": source.name,
        "pointer": item.pointer if item.line is None else f"line {item.line}",
        "version": _version(item),
        "doc_hash": doc_hash(text),
        "doc": text.decode(),
        "country": run.country,
        "ingest_id": run.report.ingest_id,
        "seq": run.seq,
    }


def _unlinked_row(run: _Run, source: Source, item: Unlinked) -> dict[str, Any]:
    if item.url is None:
        reason = message("record_without_data")
    else:
        reason = message("record_links_only", count=item.links, url=item.url)
    where = Location(line=item.line, pointer=item.pointer or None)
    return run.reject_row(source.name, where, reason, item.ocid, "")


def _note_unlinked(run: _Run, row: dict[str, Any]) -> None:
    """Hold a record of links only until the staging is done; many of them (a publisher's
    records that all link to releases published apart) go to the stage's DuckDB in batches,
    so memory stays flat."""
    run.unlinked.append(row)
    if len(run.unlinked) >= UNLINKED_BATCH:
        _spill_unlinked(run)


def _spill_unlinked(run: _Run) -> None:
    con, rows = run.stage.con, arrays.table(run.unlinked, TABLES["rejects"].arrow)
    con.register(
        "_unlinked_rows",
        rows.append_column(
            "n", arrays.from_numpy(np.arange(run.spilled, run.spilled + rows.num_rows), pa.int64())
        ),
    )
    if not run.spilled:  # (a table of this run's own: the connection may have run others)
        con.execute("CREATE OR REPLACE TEMP TABLE _unlinked AS FROM _unlinked_rows LIMIT 0")
    con.execute("INSERT INTO _unlinked FROM _unlinked_rows")
    con.unregister("_unlinked_rows")
    run.spilled += rows.num_rows
    run.unlinked.clear()


def missing_releases(run: _Run) -> None:
    """Keep, of the records that only link to their releases, those whose process has no
    document in this ingest nor in the warehouse: nothing of it will load, and the analyst
    must be told (the others are compiled from the releases they link to). Called when the
    reader gave some (``ingest._missing_releases``: the DuckDB path hands any record to it)."""
    _spill_unlinked(run)
    con = run.stage.con
    missing = con.sql(
        "SELECT * EXCLUDE (n) FROM _unlinked WHERE ocid NOT IN (SELECT ocid FROM _stage) "
        "AND ocid NOT IN (SELECT ocid FROM raw_documents) ORDER BY n"
    ).to_arrow_table()
    con.execute("DROP TABLE _unlinked")
    run.report.unlinked = missing.to_pylist()


def doc_hash(text: bytes) -> str:
    """The hash by which a stored document is known (not a security measure).

    The DuckDB path hashes the same way (``md5`` of the document as its JSON writer minifies
    it, which is orjson's text for the documents seen), so a release read by either path, then
    again by the other, is stored once."""
    return hashlib.md5(text, usedforsecurity=False).hexdigest()


def _version(item: Document) -> str | None:
    declared = item.package.get("version") or item.data.get("version")
    return declared if isinstance(declared, str) else None


def _flush(run: _Run, batch: list[dict[str, Any]]) -> None:
    if batch:
        run.stage.append(pa.Table.from_pylist(batch, schema=STAGE_SCHEMA))  # no shape
        run.progress.advance(0, len(batch))
        batch.clear()


def compile_python(run: _Run, writer: _RowGroups, left: int) -> int:
    """Merge, in Python, the ``left`` touched processes the SQL compile did not compile (all of
    them when it did not run); their nested rows go to ``writer``. Returns how many."""
    exclude = "_sql_done" if run.work is not None else None  # what SQL compiled
    limit = int(settings.get("batch_rows"))
    groups = (latest_per_id(g) for g in _groups(run.stage.documents_by_ocid(limit, exclude)))
    written = 0
    for table, failures, count in compile_chunks(groups, workers_for(left)):
        for files, ocid, reason in failures:
            run.reject(files, Location(), reason, ocid, "")
        writer.write(table)
        written += table.num_rows
        run.progress.step(count)
    return written


def _groups(batches: Iterable[pa.RecordBatch]) -> Iterator[list[dict[str, Any]]]:
    group: list[dict[str, Any]] = []
    for batch in batches:
        for row in batch.to_pylist():
            if group and row["ocid"] != group[0]["ocid"]:
                yield group
                group = []
            group.append(row)
    if group:
        yield group


def latest_per_id(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A release republished with the same id: the newer date wins, then the later ingest."""
    chosen: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in group:  # ordered by ingest, then position
        key = (row["kind"], row["release_id"] if row["kind"] == "release" else row["doc"])
        if key not in chosen or row["date_key"] >= chosen[key]["date_key"]:
            chosen[key] = row
    return list(chosen.values())
