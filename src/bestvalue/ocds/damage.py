"""Where damaged compressed data stops: the exact count of bytes that decompress before it.

Why a module of its own: the readers the sources are opened with (``gzip.GzipFile``,
``zipfile.ZipExtFile``) decompress in steps of several kB (a zip member at least 4,096 bytes
at a time) and lose what a failing step had decompressed, so counting through them places the
damage only to within a step. Here zlib reads the compressed bytes directly, in steps of
``STEP`` bytes of output, and takes the step that fails again from a copy of the decompressor,
a byte of output at a time: zlib stops a step when its output is full, before it reads the
next code, so the failing single-byte step has lost nothing.

Only done for a source already found damaged, once: it reads the compressed bytes again.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["GZIP", "GZIP_MAGIC", "RAW_DEFLATE", "compressed", "inflatable"]

GZIP_MAGIC = b"\x1f\x8b"  # the first bytes of a gzip stream
GZIP = 31  # zlib's wbits for a gzip stream (its header and trailer checked)
RAW_DEFLATE = -15  # ... for a zip member's deflate stream (zipfile checks its CRC)
STEP = 1 << 16  # output bytes per step until one fails
FEED = 64  # input bytes fed at a time when retracing the failing step
CHUNK = 1 << 20  # compressed bytes read at a time
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length


def inflatable(chunks: Iterable[bytes], wbits: int) -> int | None:
    """Bytes that decompress from ``chunks`` before zlib finds them damaged or they end too
    soon (a truncated file: everything they give), or None when zlib finds nothing wrong (a zip
    member whose CRC alone is wrong, say). A gzip stream may be several members one after the
    other, as ``gzip`` reads them; what follows the last one is damage where it starts."""
    done, decompressor, started = 0, zlib.decompressobj(wbits), False
    for chunk in chunks:
        pending = chunk
        while pending:
            saved, started = decompressor.copy(), True
            try:
                done += len(decompressor.decompress(pending, STEP))
            except zlib.error:
                return done + _bytewise(saved, pending)
            pending = decompressor.unconsumed_tail
            if decompressor.eof:
                if wbits != GZIP:
                    return None
                pending, decompressor = decompressor.unused_data, zlib.decompressobj(wbits)
                started = False
    if not started or decompressor.eof:
        return None
    return done + len(decompressor.flush())  # (output zlib held when a step filled up)


def _bytewise(decompressor: zlib._Decompress, data: bytes) -> int:
    """Output bytes ``decompressor`` gives from ``data`` before it fails, taken one at a time
    (and its input fed a little at a time, so that each step copies little of it)."""
    done, fed, tail = 0, 0, b""
    try:
        while tail or fed < len(data):
            if not tail:
                tail, fed = data[fed : fed + FEED], fed + FEED
            done += len(decompressor.decompress(tail, 1))
            tail = decompressor.unconsumed_tail
    except zlib.error:
        pass
    return done


def compressed(path: Path, member: str | None) -> tuple[Iterator[bytes], int] | None:
    """The compressed bytes of a source as zlib reads them, with their ``wbits``: a gzipped
    file, a zip member that is deflated, or stored and gzipped. None for anything else (a
    deflated member holding a gzipped file: two layers, which the readers place as before)."""
    if member is None:
        with open(path, "rb") as file:
            gzipped = file.read(2) == GZIP_MAGIC
        return (_file(path, 0, None), GZIP) if gzipped else None
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        if info.flag_bits & 1:  # encrypted: not read at all
            return None
        try:
            with archive.open(info) as stream:
                gzipped = stream.read(2) == GZIP_MAGIC
        except (EOFError, zlib.error, zipfile.BadZipFile):  # damaged from its first bytes
            gzipped = False
    start = _data_offset(path, info)
    if info.compress_type == zipfile.ZIP_DEFLATED and not gzipped:
        return _file(path, start, info.compress_size), RAW_DEFLATE
    if info.compress_type == zipfile.ZIP_STORED and gzipped:
        return _file(path, start, info.compress_size), GZIP
    return None


def _data_offset(path: Path, info: zipfile.ZipInfo) -> int:
    """Where a member's compressed bytes start: after its local header, whose name and extra
    field may differ in length from the central directory's."""
    with open(path, "rb") as file:
        file.seek(info.header_offset)
        signature, name, extra = LOCAL_HEADER.unpack(file.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    return info.header_offset + LOCAL_HEADER.size + name + extra


def _file(path: Path, start: int, length: int | None) -> Iterator[bytes]:
    """The bytes of ``path`` from ``start``, ``length`` of them (all, if None), by chunks."""
    with open(path, "rb") as file:
        file.seek(start)
        left = length
        while left is None or left > 0:
            chunk = file.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                return
            left = None if left is None else left - len(chunk)
            yield chunk
