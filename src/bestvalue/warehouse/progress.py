"""The hooks through which long work shows its progress (an ingest, a classification, an
assessment): the CLI draws them as a bar, the web app saves them on the upload.

Why a module of its own: every command takes a ``Progress``, and importing it from the ingest
loaded the whole ingest (its scanner, Arrow compute, the SQL compile), 0.08-0.1 s of the start of
commands that load nothing (``bestvalue sql``, ``tables``, ``export``).
"""

from __future__ import annotations

__all__ = ["Progress"]


class Progress:
    """Hooks the CLI (or the web app) implements to show progress; the default shows nothing."""

    def start(self, total_bytes: int, files: int) -> None: ...
    def advance(self, nbytes: int, documents: int) -> None:
        """Bytes (on disk) and documents read since the last call. Negative when a file read
        in part is read again from its start, by the reader that names a bad document's
        place: what it showed is taken back, so the bar ends at the total."""

    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase: ``compile`` (``total`` processes, then a ``step`` per batch), ``write``
        (the commit to the warehouse, no steps), ``retag`` (files loaded before given the
        ingest's country, no steps)."""

    def step(self, n: int = 1) -> None: ...
