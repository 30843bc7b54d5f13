"""Cut a JSON byte stream into its OCDS documents without parsing them in Python.

Why: parsing every release into Python objects is most of an ingest's cost. This module only
finds where each release starts and ends, with a structural scan (in C, ``_scan``; where it is
not built, the first stage of simdjson in numpy): unescaped quotes give the strings, brackets
outside strings give the depth.
The documents come out as byte slices, and DuckDB parses them (see ``warehouse.fastload``).

Three shapes are cut: a release package (the elements of its ``releases`` array), JSON lines of
bare releases, and a JSON array of releases. Anything else (record packages, concatenated JSON
on one line, several packages in one file) raises :class:`Unsupported`, and the caller uses the
streaming reader (:mod:`bestvalue.ocds.reader`), which handles every shape and names every error.
Syntax is not checked here beyond the structure: DuckDB refuses what is not JSON.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np
import orjson
import pyarrow as pa

from ..arrays import from_numpy, strings
from . import shapes
from .readahead import PIECE

__all__ = ["Piece", "Splitter", "Unsupported"]

CHUNK = PIECE  # bytes read and scanned at a time; a piece holds their documents
HEAD_LIMIT = 1 << 20  # a package's releases array must start within this many bytes
HEAD_STEP = 1 << 16  # ... searched for in this many first (see _package_array)
WHITESPACE = np.zeros(256, dtype=bool)
WHITESPACE[list(b" \t\r\n")] = True
QUOTE, SLASH, OPEN = 1, 2, 3
CLASS = np.zeros(256, dtype=np.uint8)
CLASS[ord('"')], CLASS[ord("\\")] = QUOTE, SLASH
CLASS[list(b"{[")], CLASS[list(b"}]")] = OPEN, OPEN + 1
RECORD_KEYS = ("compiledRelease", "versionedRelease")
KEY_BEFORE = re.compile(rb'"(releases|records)"\s*:\s*$')


class Unsupported(ValueError):
    """The stream is not one of the shapes cut here; read it with the streaming reader."""


@dataclass
class Piece:
    """Consecutive documents of one stream, in one buffer: document ``i`` is
    ``text[offsets[i]:offsets[i + 1]]``, followed by the blanks that stood between it and the
    next (a comma between them is blanked too: whitespace after a JSON value is still JSON).

    Why one buffer: a bytes object per document, then an Arrow array built from them, cost as
    much as the scan; here the documents reach Arrow as they are (:meth:`arrow`).
    Their pointers are ``prefix`` and a number each (``/`` alone for the first of concatenated
    documents, as the reader says)."""

    text: np.ndarray  # bytes (uint8)
    offsets: np.ndarray
    prefix: str
    numbers: np.ndarray
    root_first: bool = False

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def docs(self) -> list[bytes]:
        text, bounds = self.text.tobytes(), self.offsets.tolist()
        return [text[a:b].rstrip(b" \t\r\n") for a, b in itertools.pairwise(bounds)]

    @property
    def pointers(self) -> list[str]:
        pointers = [f"{self.prefix}{n}" for n in self.numbers.tolist()]
        if self.root_first and pointers:
            pointers[0] = "/"
        return pointers

    def arrow(self) -> tuple[pa.Array, pa.Array, pa.Array]:
        """The documents (UTF-8 text, checked: ``pa.ArrowInvalid`` if not), and the parts of
        their pointers: the prefix (repeated) and the numbers, -1 where the pointer is ``/``.

        Why not the pointers: DuckDB joins them where it parses the documents, and making them
        here took ``pyarrow.compute``, whose import was a fiftieth of a 36 MB ingest's time."""
        if self.offsets[-1] >= 1 << 31:
            raise Unsupported("more than 2 GB of documents in one piece")
        docs = pa.StringArray.from_buffers(
            len(self), pa.py_buffer(self.offsets.astype(np.int32)), pa.py_buffer(self.text)
        )
        docs.validate(full=True)
        numbers = self.numbers.astype(np.int64)
        if self.root_first and len(self):
            numbers[0] = -1
        prefixes = pa.repeat(strings([self.prefix])[0], len(self))  # (pa.scalar imports pandas)
        return docs, prefixes, from_numpy(numbers, pa.int64())


_EMPTY = Piece(np.zeros(0, np.uint8), np.zeros(1, np.int64), "", np.zeros(0, np.int64))


@dataclass
class _State:
    mode: str = ""  # package, lines or array
    depth: int = 0  # the depth at which documents open
    head: bytes = b""  # a package's bytes before its releases array
    tail: list[bytes] = field(default_factory=list)  # ... and after it
    count: int = 0
    lines: int = 0  # newlines before the current buffer
    closed: bool = False  # the releases array (or top-level array) has ended
    concatenated: bool = False  # bare documents over several lines each, not JSON lines


class Splitter:
    """Iterate to get the documents of ``stream`` in order; then :meth:`package` gives the rest."""

    def __init__(self, stream: BinaryIO, chunk: int | None = None) -> None:
        self.stream, self.chunk, self.state = stream, chunk or CHUNK, _State()

    @property
    def mode(self) -> str:
        return self.state.mode

    @property
    def alone(self) -> bool:
        """One bare document in the whole stream: the reader's pointer for it is ``/``."""
        return self.state.mode == "lines" and self.state.count == 1

    def __iter__(self) -> Iterator[Piece]:
        state, buffer = self.state, b""
        while True:
            data = self.stream.read(self.chunk)
            buffer += data
            if not state.mode:
                start = _start(state, buffer, final=not data)
                if not state.mode:
                    continue
                buffer = memoryview(buffer)[start:]  # (a copy of up to 8 MB on the scan's thread)
            if state.closed:
                state.tail.append(bytes(buffer))
                buffer = b""
                if sum(map(len, state.tail)) > HEAD_LIMIT:
                    raise Unsupported("a large value follows the releases array")
            else:
                piece, buffer = _cut(state, buffer, final=not data)
                if len(piece):
                    yield piece
            if not data:
                break
        if buffer.strip() or (state.mode != "lines" and not state.closed):
            raise Unsupported("the JSON does not end where expected")
        if state.mode == "array" and b"".join(state.tail).strip():
            raise Unsupported("something follows the top-level array")

    def package(self) -> dict[str, Any]:
        """The package metadata (everything but the releases), once iteration has ended."""
        if self.state.mode != "package":
            return {}
        text = self.state.head + b"[]" + b"".join(self.state.tail)
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise Unsupported(f"the package around the releases is not JSON: {exc}") from exc
        if not isinstance(value, dict) or {"records", "ocid", *RECORD_KEYS} & set(value):
            raise Unsupported("a record, or a record package")
        return {k: v for k, v in value.items() if k != "releases"}


def _start(state: _State, buffer: bytes, final: bool) -> int:
    """Recognise the shape from the first bytes; return where the first document starts (once
    ``state.mode`` is set; until then more bytes are needed)."""
    first = _NOT_BLANK.search(buffer)
    if first is None:
        if final:
            raise Unsupported("no JSON object or array found")
        return 0
    at = first.start()
    if buffer[at] == ord("["):
        state.mode, state.depth = "array", 1
    elif buffer[at] != ord("{"):
        raise Unsupported("the stream does not start with a JSON object or array")
    else:
        opened = _package_array(memoryview(buffer)[at:], final)
        if opened == -1:
            return 0  # need more bytes to know
        if opened is None:
            state.mode, state.depth = "lines", 0
        else:
            state.mode, state.depth, state.head = "package", 2, buffer[at : at + opened]
            at += opened
    state.lines = buffer.count(b"\n", 0, at)
    return at + 1 if state.depth else at


_NOT_BLANK = re.compile(rb"[^ \t\r\n]")


def _package_array(data: memoryview, final: bool) -> int | None:
    """The offset of the ``[`` of a top-level ``releases`` array, None if the first object has
    none, -1 if more bytes are needed to tell.

    The first ``HEAD_STEP`` bytes are searched first, where a package's array or a line's end
    nearly always is: each file's first piece is 8 MB, and scanning its first megabyte took
    about 1.5 ms a file (0.12 s of the 80 files of 144 MB)."""
    if len(data) > HEAD_STEP:
        found = _array_in(data[:HEAD_STEP])
        if found != -1:
            return found
    found = _array_in(data[:HEAD_LIMIT])
    if found != -1:
        return found
    if len(data) >= HEAD_LIMIT:
        raise Unsupported("no releases array near the start of the package")
    return None if final else -1


def _array_in(head: memoryview) -> int | None:
    """:func:`_package_array` within ``head``: -1 if it does not tell."""
    positions, chars, depths = _structure(np.frombuffer(head, np.uint8), 0, 1)
    for pos, char, depth in zip(positions.tolist(), chars.tolist(), depths.tolist(), strict=True):
        if depth == 1 and char in b"}]":
            return None  # the first object ended: not a package
        if depth == 1 and char == ord("["):
            key = KEY_BEFORE.search(head[max(0, pos - 64) : pos])
            if key and key.group(1) == b"records":
                raise Unsupported("a record package")
            if key:
                return int(pos)
    return -1


def _structure(
    buf: np.ndarray, depth: int, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, bytes and depth-before of the brackets outside strings (buffer starts
    outside a string, at ``depth``); at least those whose depth-before is ``limit`` or less
    (the native scanner gives only those, and five times faster)."""
    scanned = shapes.structure(buf, depth, limit)
    if scanned is not None:
        return scanned
    return _numpy_structure(buf, depth)


def _numpy_structure(buf: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_structure` without the native scanner: every bracket outside strings."""
    # One pass of SIMD compares over the bytes; the rest on the fifth of them that is marked.
    # Clearing bit 5 folds { | } onto [ \ ]: a '|' is marked too, and has no class.
    folded = buf & 0xDF
    folded -= 0x5B
    marked = np.flatnonzero((folded <= 2) | (buf == 34))
    codes = CLASS[buf[marked]]
    is_quote = codes == QUOTE
    slashes = marked[codes == SLASH]
    if len(slashes):
        starts = slashes[np.r_[True, np.diff(slashes) != 1]]
        ends = slashes[np.r_[np.diff(slashes) != 1, True]]
        escaped = ends[(ends - starts) % 2 == 0] + 1  # odd runs escape the next byte
        at = np.minimum(np.searchsorted(marked, escaped), len(marked) - 1)
        is_quote[at[marked[at] == escaped]] = False
    outside = (np.cumsum(is_quote, dtype=np.uint8) & 1) == 0  # quotes so far (mod 256): even
    positions = marked[(codes >= OPEN) & outside]
    chars = buf[positions]
    step = np.where((chars == 123) | (chars == 91), 1, -1)
    depths = depth + np.cumsum(step) - step
    return positions, chars, depths


def _cut(state: _State, buffer: bytes | memoryview, final: bool) -> tuple[Piece, bytes]:
    """The complete documents at the start of ``buffer``, and what is left of it."""
    buf = np.frombuffer(buffer, np.uint8)
    if buffer[-1:] == b"\\" and not final:
        return _EMPTY, bytes(buffer)  # never cut inside a run of backslashes
    positions, chars, depths = _structure(buf, state.depth, state.depth + 1)
    d = state.depth
    starts = positions[(depths == d) & (chars == 123)]
    ends = positions[(depths == d + 1) & (chars == 125)]
    closing = positions[(depths == d) & ((chars == 93) | (chars == 125))]
    if d and len(closing):
        limit = int(closing[0])
        state.closed = True
        starts, ends = starts[starts < limit], ends[ends < limit]
    else:
        limit = len(buffer)
    n = len(ends)
    if len(starts) < n or (n and starts[n - 1] > ends[n - 1]):
        raise Unsupported("documents that are not JSON objects")
    cut = int(ends[-1]) + 1 if n else 0
    commas = _check_gaps(state, buf, starts[:n], ends, limit if state.closed else cut)
    piece = _piece(state, buf, starts[:n], ends, commas)
    state.count += n
    if state.closed:
        state.tail.append(bytes(buffer[limit + 1 :]))
        return piece, b""
    if cut and state.mode == "lines":  # (only JSON lines number their documents by line)
        state.lines += int(np.count_nonzero(buf[:cut] == 10))
    return piece, bytes(buffer[cut:])


def _piece(
    state: _State, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, commas: np.ndarray
) -> Piece:
    """The documents from the first start to the last end, the commas between them blanked."""
    n = len(ends)
    first, stop = (int(starts[0]), int(ends[-1]) + 1) if n else (0, 0)
    text = buf[first:stop].copy()
    text[commas[(commas > first) & (commas < stop)] - first] = 32
    offsets = np.append(starts - first, stop - first)
    prefix, numbers, root_first = _pointers(state, buf, starts, ends)
    return Piece(text, offsets, prefix, numbers, root_first)


def _check_gaps(
    state: _State, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, stop: int
) -> np.ndarray:
    """Between documents only whitespace (and, in arrays, one comma) may stand; the commas'
    positions.

    Only the gaps are read (a few bytes per document), not the documents."""
    gap_starts = np.r_[0, ends + 1]
    gap_ends = np.r_[starts, stop]  # exclusive
    lengths = np.maximum(gap_ends - gap_starts, 0)
    total = int(lengths.sum())
    first = np.cumsum(lengths) - lengths
    index = np.arange(total) - np.repeat(first - gap_starts, lengths)
    gap = buf[index]
    stray = ~WHITESPACE[gap]
    commas = np.r_[0, np.cumsum(gap == 44)]
    per_gap = commas[first + lengths] - commas[first]
    expected = np.zeros(len(lengths), dtype=np.int64)
    if state.depth:  # a comma before each document but the very first
        expected[: len(starts)] = 1
        if state.count == 0 and len(starts):
            expected[0] = 0
    if int(np.count_nonzero(stray)) != int(per_gap.sum()) or np.any(per_gap != expected):
        raise Unsupported("something other than a JSON object between documents")
    return index[gap == 44]


def _pointers(
    state: _State, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[str, np.ndarray, bool]:
    """The documents' pointers: a prefix, a number each, and whether the first is ``/``."""
    numbers = np.arange(state.count, state.count + len(starts), dtype=np.int64)
    if state.mode == "package":
        return "/releases/", numbers, False
    if state.mode == "array":
        return "/", numbers, False
    newlines = np.flatnonzero(buf == 10)
    first = np.searchsorted(newlines, starts)
    spans = np.searchsorted(newlines, ends) != first
    if state.count == 0 and len(starts):
        state.concatenated = bool(spans[0])  # as the reader decides, from the first document
    if state.concatenated:
        return "/", numbers, state.count == 0
    if np.any(spans):
        raise Unsupported("a document spans several lines after a one-line document")
    return "line ", state.lines + first.astype(np.int64) + 1, False
