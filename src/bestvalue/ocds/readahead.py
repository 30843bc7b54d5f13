"""Work done in a thread ahead of the caller, bounded: :class:`Ahead` and :func:`ahead`.

A module of its own, with nothing but the standard library, so that the command line can start
reading an ingest's files before it imports numpy, pyarrow and DuckDB (see
:mod:`bestvalue.ocds.prefetch`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator
from queue import Queue
from typing import Any, Generic, TypeVar

__all__ = ["AHEAD", "LEFT_BEHIND", "PIECE", "Ahead", "ahead"]

T = TypeVar("T")

PIECE = 8 << 20  # bytes read and scanned at a time (split.CHUNK); a file of one piece is "small"
# Pieces of a large file (of up to PIECE bytes) cut ahead while a batch is parsed, and small
# files' worth of them (prefetch.AHEAD_BYTES): four, a batch's worth, so that the next batch
# is cut while DuckDB parses this one. With two, staging waited for the
# cut after each batch (alternating runs: 200 MB package 2.8-3.3 s, at four 2.5-3.1 s; 1 GB
# 14.7-15.3 s, at four 13.1-13.4 s). The peak grows a little at 1 GB (725-740 to 760-770 MB),
# not at 3 GB (814 to 811 MB), where the compile and the commit set it.
AHEAD = 4
LEFT_BEHIND = 0.5  # seconds a caller that stops early waits for the thread to stop


class _Raised:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_END = object()


class Ahead(Generic[T]):
    """``items``, computed in a thread of their own, started at once, up to ``depth`` ahead of
    the caller; with ``weight``, up to ``depth`` of their weight (bytes, say) ahead, and always
    one at least. Iterate it once; :meth:`close` it if it is never iterated to its end.

    Exceptions reach the caller in order; when the caller stops early the thread stops too, at
    its next item: the caller waits for that only briefly (``LEFT_BEHIND``), so that an error or
    Ctrl-C is not held up by the hash of a large file in progress, which finishes unheeded."""

    def __init__(
        self, items: Iterator[T], depth: int, weight: Callable[[T], int] | None = None
    ) -> None:
        self.items, self.weight = items, weight
        self.queue: Queue[tuple[int, Any]] = Queue()
        self.budget = _Budget(depth)
        self.stop = threading.Event()
        self.ended = False
        self.thread = threading.Thread(target=self._produce, name="bestvalue-scan", daemon=True)
        self.thread.start()

    def _produce(self) -> None:
        try:
            for item in self.items:
                cost = self.weight(item) if self.weight else 1
                if not self.budget.take(cost, self.stop):
                    return
                self.queue.put((cost, item))
        except BaseException as exc:  # handed to the caller, which raises it
            self.queue.put((0, _Raised(exc)))
            return
        self.queue.put((0, _END))

    def __iter__(self) -> Iterator[T]:
        try:
            while True:
                cost, item = self.queue.get()  # the thread always ends with _END or a _Raised
                self.budget.give(cost)
                self.ended = item is _END or isinstance(item, _Raised)
                if item is _END:
                    return
                if isinstance(item, _Raised):
                    raise item.exc
                yield item
        finally:
            self.close()

    def close(self) -> None:
        """Stop the thread (see the class)."""
        self.stop.set()
        self.thread.join(None if self.ended else LEFT_BEHIND)


def ahead(
    items: Iterator[T], depth: int, weight: Callable[[T], int] | None = None
) -> Generator[T, None, None]:
    """:class:`Ahead` as a generator, whose thread starts with its first item (and stops when
    it is closed).

    Why: the scan is numpy (which lets go of the GIL) and the caller's work between pieces is
    DuckDB's (likewise), so the next pieces are cut while the last ones are parsed."""
    yield from Ahead(items, depth, weight)


class _Budget:
    """What :class:`Ahead` may hold for its caller: the thread waits while more would exceed
    ``limit`` (never when it holds nothing, so an item heavier than the limit still passes)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.held = limit, 0
        self.changed = threading.Condition()

    def take(self, cost: int, stop: threading.Event) -> bool:
        """Wait until ``cost`` fits; False if the caller stopped meanwhile."""
        with self.changed:
            while self.held and self.held + cost > self.limit:
                if stop.is_set():
                    return False
                self.changed.wait(0.05)
            if stop.is_set():
                return False
            self.held += cost
            return True

    def give(self, cost: int) -> None:
        with self.changed:
            self.held -= cost
            self.changed.notify()
