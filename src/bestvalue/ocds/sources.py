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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, Location
from ..messages import message

__all__ = ["Fingerprint", "Source", "discover"]

CHUNK = 1 << 20
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".zip", ".txt")


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

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def size_on_disk(self) -> int:
        return self.path.stat().st_size if not self.member else 0

    def open(self) -> BinaryIO:
        """Open the decompressed bytes of this source."""
        if self.member is not None:
            archive = zipfile.ZipFile(self.path)
            return _ClosingMember(archive, archive.open(self.member))  # type: ignore[arg-type,return-value]
        raw = open(self.path, "rb")  # noqa: SIM115 - returned to the caller
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        raw.seek(0)
        return raw

    def fingerprint(self) -> Fingerprint:
        """Hash, size and encoding of the decompressed content; errors name the place."""
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding, size = "utf-8", 0
        with self.open() as stream:
            while True:
                chunk = _read(self, stream, size)
                if not chunk:
                    break
                digest.update(chunk)
                if encoding == "utf-8":
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        encoding = "iso-8859-1"
                size += len(chunk)
        if encoding == "utf-8":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "iso-8859-1"
        return Fingerprint(digest.hexdigest(), size, encoding)


class _ClosingMember(io.RawIOBase):
    """A zip member that closes its archive with it."""

    def __init__(self, archive: zipfile.ZipFile, member: BinaryIO) -> None:
        self._archive, self._member = archive, member

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._member.read(size)

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        self._archive.close()
        super().close()


def _read(source: Source, stream: BinaryIO, offset: int) -> bytes:
    try:
        return stream.read(CHUNK)
    except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile) as exc:
        raise InputError(
            source.name,
            message("damaged_compressed", detail=exc),
            Location(offset=offset),
        ) from exc


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
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.suffix.lower() in JSON_SUFFIXES


def _expand(path: Path) -> Iterator[Source]:
    if not zipfile.is_zipfile(path):
        yield Source(path)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), message("bad_zip", detail=exc)) from exc
    for name in names:
        if not Path(name).name.startswith("."):
            yield Source(path, name)
