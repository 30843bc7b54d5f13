"""Finding input files and opening them as byte streams.

A *source* is one JSON document stream: a plain file, a gzipped file, or one member of a zip
archive. Before parsing, a cheap first pass hashes it (so re-ingesting the same content adds
nothing), checks that it decompresses completely (a truncated gzip is reported, not half-loaded)
and detects its encoding (UTF-8, else ISO-8859-1 as some publishers still emit).
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, Location
from ..messages import message
from . import damage

__all__ = ["LEGACY", "LEGACY_ERRORS", "Fingerprint", "Source", "discover"]

CHUNK = 1 << 20
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".zip", ".txt")
# Text that is not UTF-8 is read as windows-1252, as browsers read what is labelled ISO-8859-1
# (the WHATWG encoding standard): the same letters, plus the dashes, quotes and euro sign that
# Windows tools write in 0x80-0x9F, where ISO-8859-1 has only control characters. Its five
# unassigned bytes are read as those control characters (LEGACY_ERRORS).
LEGACY = "windows-1252"
LEGACY_ERRORS = "bestvalue-c1"


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(LEGACY_ERRORS, _c1_controls)


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size: int
    encoding: str


@dataclass(frozen=True)
class Source:
    """One stream of JSON: ``path`` on disk and, for a zip archive, the ``member`` inside it."""

    path: Path
    member: str | None = None

    @cached_property  # (the Python path stores it with every document it reads)
    def name(self) -> str:
        """The path as shown and stored: a byte of a file name that is not UTF-8 (which Python
        keeps as a lone surrogate, and no text column or message can hold) as ``\\xff``."""
        path = str(self.path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return f"{path}!{self.member}" if self.member else path

    @cached_property
    def size_on_disk(self) -> int:
        """Bytes on disk: the file's, or a zip member's compressed size (what the progress bar
        counts: an archive's members add up to about its size)."""
        if not self.member:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(self.member).compress_size

    def open(self) -> BinaryIO:
        """Open the decompressed bytes of this source, less a UTF-8 byte-order mark (Windows
        tools write one; JSON parsers refuse it)."""
        return _WithoutBOM(self._open())  # type: ignore[return-value]

    def _open(self) -> BinaryIO:
        if self.member is not None:  # (a gzipped member is read through, as a gzipped file)
            archive = zipfile.ZipFile(self.path)
            member: BinaryIO = archive.open(self.member)  # type: ignore[assignment]
            if member.peek(2)[:2] == damage.GZIP_MAGIC:  # type: ignore[attr-defined]
                member = gzip.GzipFile(fileobj=member, mode="rb")  # type: ignore[assignment]
            return _ClosingMember(archive, member)  # type: ignore[return-value]
        raw = open(self.path, "rb")  # noqa: SIM115 - returned to the caller
        if raw.read(2) == damage.GZIP_MAGIC:
            raw.seek(0)
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        raw.seek(0)
        return raw

    def fingerprint(self) -> Fingerprint:
        """Hash, size and encoding of the decompressed content; errors name the place."""
        return self.fingerprint_keeping(0)[0]

    def fingerprint_keeping(self, limit: int) -> tuple[Fingerprint, bytes | None]:
        """:meth:`fingerprint`, and the content (as :meth:`open` reads it) when it is no more
        than ``limit`` bytes, else None.

        Why the content: a small file is cut right after it is hashed, by the thread that
        staging waits for at the start; reading it again (a gzipped one decompressed again)
        made that thread's work on 36 MB of mixed files 0.15 s instead of 0.13 s.

        Beyond its first chunk, a file's chunks are checked as UTF-8 on a thread of their own
        while this one hashes them and reads the next: the pass takes about the hash's time,
        not the sum (a 200 MB package: 0.29 s -> 0.20 s), and it is serial at the start of a
        single-file ingest, with nothing yet to overlap it. (The other way round overlaps
        nothing: the check holds the GIL, which the hash's thread then waits for.)"""
        digest, check, size = hashlib.sha256(), _Utf8Check(), 0
        kept: list[bytes] | None = [] if limit else None
        pool: ThreadPoolExecutor | None = None
        checking: Future[None] | None = None
        try:
            with self.open() as stream:
                while chunk := _read(self, stream, size):
                    if checking is not None:
                        checking.result()
                    if size:  # (a file of one chunk starts no thread)
                        pool = pool or ThreadPoolExecutor(1)
                        checking = pool.submit(check.feed, chunk)
                    else:
                        check.feed(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if kept is not None and size <= limit:
                        kept.append(chunk)
                    else:
                        kept = None
            if checking is not None:
                checking.result()
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        encoding = "utf-8" if check.done() else LEGACY
        content = b"".join(kept) if kept is not None else None
        return Fingerprint(digest.hexdigest(), size, encoding), content


class _Utf8Check:
    """Whether bytes fed a chunk at a time are UTF-8 (a character may straddle two chunks)."""

    def __init__(self) -> None:
        self.decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.decoder is not None:
            try:
                self.decoder.decode(chunk, final)
            except UnicodeDecodeError:
                self.decoder = None

    def done(self) -> bool:
        """True when all the bytes fed were UTF-8."""
        self.feed(b"", final=True)
        return self.decoder is not None


class _Wrapped(io.RawIOBase):
    """A readable stream over another, closing it with itself; subclasses say how to read."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


class _ClosingMember(_Wrapped):
    """A zip member that closes its archive with it."""

    def __init__(self, archive: zipfile.ZipFile, member: BinaryIO) -> None:
        super().__init__(member)
        self._archive = archive

    def close(self) -> None:
        super().close()
        self._archive.close()


class _WithoutBOM(_Wrapped):
    """A stream less its leading UTF-8 byte-order mark, if it has one."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__(stream)
        self._head, self._started = b"", False

    def read(self, size: int = -1) -> bytes:
        if not self._started and size != 0:  # (ijson first reads 0 bytes, to learn the type)
            self._started = True
            head = self._stream.read(len(codecs.BOM_UTF8))
            self._head = b"" if head == codecs.BOM_UTF8 else head
        head, self._head = self._head, b""
        if size >= 0 and len(head) >= size:
            head, self._head = head[:size], head[size:]
            return head
        return head + self._stream.read(size - len(head) if size >= 0 else -1)


DAMAGED = (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile)
PROBE = 4096  # decompressed bytes read at a time to find where damaged data stops


def _read(source: Source, stream: BinaryIO, offset: int) -> bytes:
    try:
        return stream.read(CHUNK)
    except DAMAGED as exc:
        raise InputError(
            source.name,
            message("damaged_compressed", detail=exc),
            Location(offset=_readable(source, offset)),
        ) from exc


def _readable(source: Source, start: int) -> int:
    """How many bytes of ``source`` decompress before the damage: the place to name (a read of
    ``CHUNK`` bytes loses what it had decompressed when it fails). Read again from the start:
    this is only done once, for a file that is refused. zlib counts exactly where it reads the
    compressed bytes itself (:mod:`bestvalue.ocds.damage`); elsewhere the readers count, a step
    at a time."""
    found = damage.compressed(source.path, source.member)
    if found is not None and (exact := damage.inflatable(*found)) is not None:
        return exact
    done = 0
    try:
        with source._open() as stream:
            step = getattr(stream, "read1", stream.read)  # (read1: what one step decompresses)
            while chunk := step(PROBE):
                done += len(chunk)
    except DAMAGED:
        return max(done, start)
    return start  # (it read whole this time: name where the first read failed)


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source]:
    """Expand files, directories (recursively, in name order) and zip archives into sources."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p, path))
            if not files:
                raise InputError(
                    str(path), message("no_ocds_files", suffixes=", ".join(JSON_SUFFIXES))
                )
            for file in files:
                yield from _expand(file)
        elif path.is_file():
            yield from _expand(path)
        else:
            raise InputError(str(path), message("no_such_path"))


def _wanted(path: Path, root: Path) -> bool:
    """JSON-ish files below ``root``, leaving out hidden files and folders inside it."""
    parts = path.relative_to(root).parts
    return not _hidden(parts) and _json_ish(path.name, lambda: _head(path.open("rb")))


def _hidden(parts: tuple[str, ...]) -> bool:
    """A hidden file or folder on the way."""
    return any(p.startswith(".") for p in parts)


def _json_ish(name: str, head: Callable[[], bytes]) -> bool:
    """A name with a JSON suffix; a ``.txt`` one only if it opens like JSON (some publishers
    name their JSON so, but a folder's or an archive's README.txt is not data)."""
    suffix = Path(name).suffix.lower()
    if suffix != ".txt":
        return suffix in JSON_SUFFIXES
    return head().lstrip(b" \t\r\n" + codecs.BOM_UTF8)[:1] in (b"{", b"[")


def _head(stream: BinaryIO) -> bytes:
    with stream:
        return stream.read(4096)


def _expand(path: Path) -> Iterator[Source]:
    if not zipfile.is_zipfile(path):
        yield Source(path)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                i.filename
                for i in archive.infolist()
                if not i.is_dir() and _member_wanted(archive, i.filename)
            )
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), message("bad_zip", detail=exc)) from exc
    for name in names:
        yield Source(path, name)


def _member_wanted(archive: zipfile.ZipFile, name: str) -> bool:
    """As in a folder: no hidden files or folders (nor the ``__MACOSX`` forks macOS adds to
    an archive), and only JSON-ish names."""
    parts = Path(name).parts
    if _hidden(parts) or "__MACOSX" in parts:
        return False
    return _json_ish(name, lambda: _head(archive.open(name)))  # type: ignore[arg-type]
