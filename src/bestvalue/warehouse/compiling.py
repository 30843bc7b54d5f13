"""Compile the staged documents of each ocid into one typed row, in chunks, in this process or
in a pool of worker processes.

Why a pool: merging and normalising are pure Python and independent per ocid, and they are most
of an ingest's time; on a machine with several cores the chunks run side by side. Results come
back in order (the output is the same whatever the number of workers), and at most two chunks
per worker are in flight, so memory stays bounded. Failures come back as data: refusing them
(or recording them with ``--skip-bad``) stays with the run, in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import orjson
import pyarrow as pa

from .. import settings
from ..messages import message
from ..ocds.compile import CompileError, compile_documents
from .normalise import normalise
from .schema import COMPILED

__all__ = ["Failure", "compile_chunks", "workers_for"]

CHUNK = 500  # ocids per chunk sent to a worker
PARALLEL_FROM = 4000  # fewer ocids than this compile in this process (a pool takes a second)

Failure = tuple[str, str, str]  # files, ocid, reason
Group = list[dict[str, Any]]


def workers_for(ocids: int) -> int:
    """How many processes compile ``ocids`` processes: the setting, or the cores."""
    wanted = int(settings.get("ingest_workers")) or os.cpu_count() or 1
    return wanted if ocids >= PARALLEL_FROM else 1


def compile_group(group: Group) -> dict[str, Any] | Failure:
    """One ocid's documents (newest per release id) to a compiled row, or why not."""
    ocid = group[0]["ocid"]
    try:
        release, method = compile_documents([(r["kind"], orjson.loads(r["doc"])) for r in group])
    except CompileError as exc:
        files = ", ".join(sorted({r["source"] for r in group}))
        return files, ocid, message("cannot_compile", ocid=ocid, detail=exc)
    latest = max(group, key=lambda r: (r["ingest_id"], r["seq"]))
    meta = {
        "ocid": ocid,
        "source": latest["source"],
        "country": next((r["country"] for r in reversed(group) if r["country"]), None),
        "compiled_by": method,
        "release_count": sum(1 for r in group if r["kind"] == "release"),
        "ocds_version": next((r["version"] for r in reversed(group) if r["version"]), None),
    }
    return normalise(release, meta)


def _chunk(groups: list[Group]) -> tuple[pa.Table, list[Failure], int]:
    rows: list[dict[str, Any]] = []
    failures: list[Failure] = []
    for group in groups:
        result = compile_group(group)
        (failures if isinstance(result, tuple) else rows).append(result)  # type: ignore[arg-type]
    return pa.Table.from_pylist(rows, schema=COMPILED.arrow), failures, len(groups)


def _remote(groups: list[Group]) -> tuple[bytes, list[Failure], int]:
    """In a worker: the chunk's table travels back as Arrow IPC, not as pickled rows."""
    table, failures, count = _chunk(groups)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes(), failures, count


def _local(result: tuple[bytes, list[Failure], int]) -> tuple[pa.Table, list[Failure], int]:
    data, failures, count = result
    return pa.ipc.open_stream(data).read_all(), failures, count


def _chunks(groups: Iterable[Group]) -> Iterator[list[Group]]:
    chunk: list[Group] = []
    for group in groups:
        chunk.append(group)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def compile_chunks(
    groups: Iterable[Group], workers: int
) -> Iterator[tuple[pa.Table, list[Failure], int]]:
    """(compiled rows, failures, ocids done) per chunk, in input order."""
    if workers <= 1:
        yield from map(_chunk, _chunks(groups))
        return
    # forkserver, not fork: the parent holds DuckDB's threads, which a fork must not copy.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[Future[tuple[bytes, list[Failure], int]]] = deque()
        try:
            for chunk in _chunks(groups):
                pending.append(pool.submit(_remote, chunk))
                if len(pending) >= 2 * workers:
                    yield _local(pending.popleft().result())
            while pending:
                yield _local(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
