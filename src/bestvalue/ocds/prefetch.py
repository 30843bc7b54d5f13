"""An ingest's files read ahead: each hashed, and each new small one cut into its documents, in
a thread of its own (:class:`ReadAhead`), which the command line starts before its imports.

Why from the start: ``bestvalue ingest`` spends its first tenth of a second or more importing
numpy, pyarrow and DuckDB, on one core; then staging waited for this thread's first files, and
the thread took a core from DuckDB's parse for the rest (hashing and cutting 36 MB of mixed
files is about 0.13 s of work). This module imports nothing but the standard library and the
package's light modules, so ``bestvalue.__main__`` can find the files and start the thread
first (:func:`start`); the ingest takes it (:func:`take`) when it reads the same files, and
makes one of its own otherwise. The cut imports numpy and pyarrow in the thread, when it needs
them (the command needs them too: whichever thread imports one first, the other waits).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias

from .. import settings
from ..errors import InputError
from .readahead import AHEAD, PIECE, Ahead

if TYPE_CHECKING:
    from .cut import Cut
    from .sources import Fingerprint, Source

__all__ = ["AHEAD_BYTES", "Hashed", "ReadAhead", "ingest_paths", "start", "take"]

AHEAD_BYTES = AHEAD * PIECE  # small files cut ahead of staging, at most (as a large file's pieces)

# A source, its fingerprint (or why it has none), and the cut of a new small file.
Hashed: TypeAlias = "tuple[Source, Fingerprint | InputError, Cut | None]"


class ReadAhead:
    """``sources`` hashed in a thread started at once, and each new small one cut there too
    when ``cut``, up to ``AHEAD_BYTES`` of them ahead of the caller. Iterate it once (each
    source, in order, as :data:`Hashed`); :meth:`close` it if it is not iterated to its end.
    With ``sources`` None, the thread finds them first, in ``paths`` (see :meth:`found`).

    Whether a file's content was loaded before is the caller's to decide: this thread only
    leaves out of the cut the contents it has seen before, and those the warehouse holds
    (``stored``, or once it is told them: :meth:`know`; until then it cuts what it reads)."""

    def __init__(
        self,
        sources: list[Source] | None,
        cut: bool,
        stored: set[str] | None = None,
        paths: Sequence[str] = (),
    ) -> None:
        self.sources, self.paths = sources, list(paths)
        self.stored = frozenset(stored or ())
        self._found = threading.Event()
        self._items = Ahead(self._hashed(cut), AHEAD_BYTES, _weight)

    def found(self) -> list[Source] | None:
        """The sources, once the thread has found them; None if finding them failed (the
        caller finds them again, and says what is wrong)."""
        self._found.wait()
        return self.sources

    def know(self, stored: set[str]) -> None:
        """The content hashes the warehouse holds: their files are not cut (the caller skips
        them)."""
        self.stored = frozenset(stored)

    def __iter__(self) -> Iterator[Hashed]:
        return iter(self._items)

    def close(self) -> None:
        self._items.close()

    def _hashed(self, cut: bool) -> Iterator[Hashed]:
        # (imported here, in the thread: not at start-up, for a command that ingests nothing)
        from .sources import discover

        try:
            if self.sources is None:
                self.sources = list(discover(self.paths))
        finally:
            self._found.set()
        seen: set[str] = set()
        for index, source in enumerate(self.sources):
            try:
                fingerprint, content = source.fingerprint_keeping(PIECE if cut else 0)
            except InputError as exc:
                yield source, exc, None
                continue
            new = fingerprint.sha256 not in seen and fingerprint.sha256 not in self.stored
            seen.add(fingerprint.sha256)
            early = None
            if cut and new:
                from .cut import cut_early  # (numpy and pyarrow: see the module's docstring)

                early = cut_early(index, source, fingerprint, content)
            del content  # (not held, up to 8 MB, while the item waits for its turn)
            yield source, fingerprint, early


def _weight(item: Hashed) -> int:
    """A file cut ahead weighs its bytes; any other a whole budget: it is only hashed ahead,
    one file at a time (a large file is cut as it is staged)."""
    cut = item[2]
    return cut.size if cut is not None else AHEAD_BYTES


def fast_ingest() -> bool:
    """Whether the DuckDB path stages the files (else the reader, which cuts nothing)."""
    return settings.get("fast_ingest") == "1"


# The options of ``bestvalue ingest`` (``tests/test_prefetch.py`` checks them against the
# command): those that take a value, and flags. Any other sends ``ingest_paths`` to None.
VALUED = ("--warehouse", "--engine", "--spark-master", "--country", "--lang")
FLAGS = ("--skip-bad", "--retag")
GROUP_VALUED = ("--lang",)  # (the group's, before the command's name)

_started: list[ReadAhead] = []  # what start() started, until take() takes it


def ingest_paths(argv: Sequence[str]) -> list[str] | None:
    """The paths of ``bestvalue ARGV`` when it is an ingest, as click will read them; None for
    any other command, a request for help, or anything this reading is not sure of (click's
    reading decides: a wrong guess here costs only the work of the thread)."""
    args = list(argv)
    while args and args[0].startswith("-"):
        if not _option(args, GROUP_VALUED, ()):
            return None
    if not args or args.pop(0) != "ingest":
        return None
    paths: list[str] = []
    while args:
        if args[0] == "--":
            return paths + args[1:] or None
        if args[0].startswith("-") and args[0] != "-":
            if not _option(args, VALUED, FLAGS):
                return None
        else:
            paths.append(args.pop(0))
    return paths or None


def _option(args: list[str], valued: Sequence[str], flags: Sequence[str]) -> bool:
    """Take the option at the head of ``args`` (and its value); False if it is not known."""
    name, equals, _ = args.pop(0).partition("=")
    if name in flags and not equals:
        return True
    if name not in valued:
        return False
    if not equals:
        if not args:
            return False
        args.pop(0)
    return True


def start(argv: Sequence[str]) -> None:
    """Start reading the files of ``bestvalue ARGV`` ahead (finding them first, in the thread),
    if it is an ingest; never raises (the ingest itself says what is wrong with its arguments)."""
    paths = ingest_paths(argv)
    if paths is not None:
        _started.append(ReadAhead(None, fast_ingest(), paths=paths))


def take(paths: Sequence[str | os.PathLike[str]]) -> ReadAhead | None:
    """The files read ahead since :func:`start`, if it read ``paths`` and found their files
    (``ReadAhead.sources``); else None (and the thread stops).

    Why the thread finds the files too: a folder of many thousand files takes a while to list,
    and listing it twice, here and in the ingest, would cost that twice."""
    reader = _started.pop() if _started else None
    if reader is None:
        return None
    if reader.paths != [os.fspath(p) for p in paths] or reader.found() is None:
        reader.close()
        return None
    return reader
