"""Streaming OCDS reader: every shape publishers use, in bounded memory.

It yields one :class:`Document` per release or record, whatever wraps it: release and record
packages, bare releases and records, JSON arrays, JSON lines and concatenated JSON. Package arrays
(``releases``, ``records``) are streamed item by item, so memory depends on the largest single
document, not on the file. Problems that spoil one document only are yielded as :class:`Problem`
so the caller decides (``--skip-bad`` or stop); a syntax error ends the file with an
:class:`~bestvalue.errors.InputError` that names the byte offset and line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

import ijson
import orjson

from .. import settings
from ..errors import InputError, Location
from ..messages import message
from .compile import compiled_from_versioned
from .sources import LEGACY_ERRORS, Source

__all__ = ["Document", "Problem", "Unlinked", "read"]

Kind = Literal["release", "compiled"]
RECORD_KEYS = ("compiledRelease", "versionedRelease")
JSONL_PROBE = 16 << 20  # a first line longer than this is not JSON lines
LOCATE_BLOCK = 64 << 10  # a syntax error's place is looked for in blocks of this many bytes,
LOOKAHEAD = 64  # then byte by byte from this many bytes before the block where it was found


@dataclass
class Document:
    kind: Kind
    data: dict[str, Any]
    pointer: str
    package: dict[str, Any] = field(default_factory=dict)
    line: int | None = None


@dataclass
class Problem:
    pointer: str
    reason: str
    line: int | None = None
    snippet: str = ""
    offset: int | None = None  # the byte where it is, when known


@dataclass
class Unlinked:
    """A record that gives no data of its own: no compiled (or versioned) release, and releases
    that are only linked (a ``url``) or none at all. Its process loads only if its releases come
    from elsewhere (another file of the same ingest, or one loaded before); the caller checks."""

    ocid: str
    pointer: str
    links: int  # linked releases
    url: str | None  # the first one's address, if it has one
    line: int | None = None


@dataclass
class _Streamed:
    """What a top-level object's ``releases`` or ``records`` array held, once streamed past:
    whether there was one, the items without an ocid (a record's linked releases, or broken
    ones), and whether any release was given."""

    arrays: bool = False
    linked: list[tuple[str, Any]] = field(default_factory=list)
    given: bool = False


Item = Document | Problem | Unlinked


def read(source: Source, encoding: str = "utf-8", size: int | None = None) -> Iterator[Item]:
    """Yield the documents of one source (see the module docstring).

    A source of known ``size`` up to the ``whole_file_mb`` setting is parsed in one go (orjson
    is many times faster than building objects from parser events); larger ones are streamed.
    """
    with source.open() as raw:
        stream: Any = raw if encoding == "utf-8" else _Transcoder(raw, encoding)
        if size is not None and size <= float(settings.get("whole_file_mb")) * 1e6:
            data = stream.read()
            try:
                value = orjson.loads(data)
            except orjson.JSONDecodeError:
                stream = io.BytesIO(data)  # JSON lines, concatenated JSON, or broken: below
            else:
                yield from _whole(value)
                return
        json_lines, stream = _probe_json_lines(stream)
        if json_lines:
            yield from _read_lines(source, stream)
        else:
            yield from _read_stream(source, stream)


class _Transcoder:
    """Re-encode a non-UTF-8 byte stream as UTF-8 for the parser."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self._text = io.TextIOWrapper(raw, encoding=encoding, errors=LEGACY_ERRORS, newline="")
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            text = self._text.read(1 << 16)
            if not text:
                break
            self._pending += text.encode("utf-8")
        if size < 0:
            size = len(self._pending)
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def close(self) -> None:
        self._text.close()


def _probe_json_lines(stream: Any) -> tuple[bool, _Prefixed]:
    """Whether the first line is a whole JSON value with more lines after it.

    Returns the stream to read from next: the probed bytes come first, so nothing is read twice.
    """
    head = stream.read(1 << 16)
    while b"\n" not in head.strip(b"\r\n \t") and len(head) < JSONL_PROBE:
        more = stream.read(1 << 20)
        if not more:
            break
        head += more
    rest_of_stream = _Prefixed(head, stream)
    first, sep, rest = head.lstrip().partition(b"\n")
    if not sep or not rest.strip():
        return False, rest_of_stream
    try:
        value = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False, rest_of_stream
    return isinstance(value, dict), rest_of_stream


class _Prefixed:
    """Bytes already read, then the rest of the stream, through ``read`` alone.

    ijson reads real files without calling ``read``, so the probe cannot simply be pushed back.
    """

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)  # type: ignore[no-any-return]
        if size < 0:
            out, self._head = self._head + self._stream.read(), b""
        else:
            out, self._head = self._head[:size], self._head[size:]
        return out


def _read_lines(source: Source, stream: _Prefixed) -> Iterator[Item]:
    for number, (start, line) in enumerate(_lines(stream), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            snippet = line[:200].decode("utf-8", "replace")
            at = start + _byte_at(line, exc.pos)  # orjson counts characters
            yield Problem("", message("invalid_json", detail=exc.msg), number, snippet, at)
            continue
        for item in _classify(value, ""):
            item.line = number
            yield item


def _byte_at(line: bytes, char: int) -> int:
    """The byte offset in ``line`` of its ``char``-th character (as UTF-8, where it is)."""
    return len(line.decode("utf-8", "replace")[:char].encode("utf-8", "replace"))


def _lines(stream: _Prefixed) -> Iterator[tuple[int, bytes]]:
    """Each line, with the offset of its first byte."""
    pending, start = b"", 0
    while chunk := stream.read(1 << 20):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield start, line
            start += len(line) + 1
    if pending:
        yield start, pending


def _read_stream(source: Source, stream: _Prefixed) -> Iterator[Item]:
    events = ijson.parse(stream, multiple_values=True, use_float=True)
    index = 0
    try:
        for _prefix, event, value in events:
            base = f"/{index}" if index else ""
            if event == "start_map":
                yield from _top_object(events, base)
            elif event == "start_array":
                yield from _top_array(events, base)
            else:
                yield Problem(base or "/", message("not_json_container", value=repr(value)))
            index += 1
    except ijson.common.IncompleteJSONError as exc:
        raise _syntax_error(source, exc) from exc
    except UnicodeDecodeError as exc:
        raise InputError(source.name, message("not_utf8", detail=exc.reason)) from exc
    if index == 0:
        raise InputError(source.name, message("empty_file"))


def _syntax_error(source: Source, exc: Exception) -> InputError:
    """Locate a syntax error exactly by re-scanning the file in small blocks."""
    offset, line = _locate(source)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else message("json_incomplete")
    if "premature EOF" in detail or "Incomplete JSON" in detail:
        detail = message("json_cut")
    reason = message("invalid_json", detail=detail)
    return InputError(source.name, reason, Location(offset=offset, line=line))


def _locate(source: Source) -> tuple[int | None, int | None]:
    """The byte (of the decompressed text) and line where the parser stops, exactly: a first
    pass in large blocks finds the block, a second reads up to a little before it (the parser
    may have asked for more before it stopped) and then byte by byte."""
    try:
        block = _stops_in(source, None)
        where = block and _stops_in(source, max(block.start - LOOKAHEAD, 0))
    except Exception:  # noqa: BLE001 - locating is best effort
        return None, None
    return (where.start, where.lines_before + 1) if where else (None, None)


def _stops_in(source: Source, slow_from: int | None) -> _BlockReader | None:
    """The last block read when the parser stopped at an error; None if it did not."""
    with source.open() as raw:
        stream = _BlockReader(raw, LOCATE_BLOCK, slow_from)
        try:
            for _ in ijson.parse(stream, multiple_values=True, buf_size=LOCATE_BLOCK):
                pass
        except ijson.common.IncompleteJSONError:
            return stream
    return None


class _BlockReader:
    """Reads ``block`` bytes at a time (one at a time from ``slow_from``), keeping the place
    and the line of the last block read: where the parser stops is in it. It honours the size
    asked: ijson reads 0 bytes first, to learn the stream's type, and keeps nothing of it."""

    def __init__(self, raw: BinaryIO, block: int, slow_from: int | None = None) -> None:
        self._raw, self._block, self._slow_from = raw, block, slow_from
        self.start = self.end = self.lines_before = 0
        self._last = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        slow = self._slow_from is not None and self.end >= self._slow_from
        want = 1 if slow else self._block if size < 0 else min(size, self._block)
        if not slow and self._slow_from is not None:
            want = min(want, self._slow_from - self.end)  # stop at the block, then byte by byte
        self.lines_before += self._last.count(b"\n")
        data = self._raw.read(want)
        self.start, self.end, self._last = self.end, self.end + len(data), data
        return data


# --- building documents from parser events ------------------------------------------------


def _value(first: tuple[str, str, Any], events: Iterator[tuple[str, str, Any]]) -> Any:
    """Build the whole JSON value that starts with event ``first``."""
    _, event, value = first
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.common.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _top_array(events: Iterator[tuple[str, str, Any]], base: str) -> Iterator[Item]:
    for position, first in enumerate(events):
        if first[1] == "end_array":
            return
        yield from _classify(_value(first, events), f"{base}/{position}")


def _whole(value: Any) -> Iterator[Item]:
    """The documents of a JSON value parsed whole: the same as streaming would give."""
    if isinstance(value, list):
        for position, item in enumerate(value):
            yield from _classify(item, f"/{position}")
    elif isinstance(value, dict):
        top: dict[str, Any] = {}
        seen = _Streamed()
        for key, child in value.items():
            if key in ("releases", "records") and isinstance(child, list):
                yield from _package_items(key, iter(child), "", top, seen)
            else:
                top[key] = child
        yield from _finish_object(top, seen, "")
    else:
        yield Problem("/", message("not_json_container", value=repr(value)))


def _package_items(
    key: str, items: Iterator[Any], base: str, top: dict[str, Any], seen: _Streamed
) -> Iterator[Item]:
    """The items of a top-level ``releases`` or ``records`` array, as they come."""
    seen.arrays = True
    for position, item in enumerate(items):
        pointer = f"{base}/{key}/{position}"
        if key == "releases" and not (isinstance(item, dict) and "ocid" in item):
            seen.linked.append((pointer, item))  # a linked release (in a record), or broken
        else:
            seen.given = seen.given or key == "releases"
            yield from _classify(item, pointer, top if key == "records" else None)


def _array_values(events: Iterator[tuple[str, str, Any]]) -> Iterator[Any]:
    for first in events:
        if first[1] == "end_array":
            return
        yield _value(first, events)


def _top_object(events: Iterator[tuple[str, str, Any]], base: str) -> Iterator[Item]:
    """Stream a top-level object: a package, a bare record or a bare release."""
    top: dict[str, Any] = {}
    seen = _Streamed()
    for _, event, key in events:
        if event == "end_map":
            break
        first = next(events)
        if key in ("releases", "records") and first[1] == "start_array":
            yield from _package_items(key, _array_values(events), base, top, seen)
        else:
            top[key] = _value(first, events)
    yield from _finish_object(top, seen, base)


def _finish_object(top: dict[str, Any], seen: _Streamed, base: str) -> Iterator[Item]:
    if any(k in top for k in RECORD_KEYS) or ("ocid" in top and seen.arrays):
        yield from _record(top, base or "/", {}, seen)
    elif "ocid" in top:
        yield _release(top, base or "/", {})
    elif seen.arrays:
        for pointer, item in seen.linked:
            yield _problem(pointer, item, message("release_needs_ocid"))
    else:
        yield Problem(base or "/", _not_ocds(top), snippet=_snippet(top))


def _classify(value: Any, pointer: str, package: dict[str, Any] | None = None) -> Iterator[Item]:
    if not isinstance(value, dict):
        yield _problem(pointer, value, message("not_ocds_document", kind=_kind(value)))
    elif any(k in value for k in RECORD_KEYS) or ("releases" in value and "ocid" in value):
        yield from _record(value, pointer, package or {})
    elif "ocid" in value:
        yield _release(value, pointer, package or {})
    elif "releases" in value or "records" in value:
        for key in ("releases", "records"):
            for position, item in enumerate(value.get(key) or []):
                yield from _classify(item, f"{pointer}/{key}/{position}", value)
    else:
        yield _problem(pointer, value, _not_ocds(value))


def _record(
    record: dict[str, Any],
    pointer: str,
    package: dict[str, Any],
    streamed: _Streamed | None = None,
) -> Iterator[Item]:
    """A record contributes its embedded releases and its compiled (or versioned) release
    (``streamed``: what its ``releases`` array held, when that was streamed past already).

    Linked releases (only a url) carry no data; a record with nothing else is
    :class:`Unlinked`, for the caller to say so if its releases are not loaded from elsewhere.
    """
    ocid = record.get("ocid")
    seen = streamed or _Streamed()
    for position, release in enumerate(record.get("releases") or []):
        here = f"{pointer}/releases/{position}"
        if isinstance(release, dict) and "ocid" in release:  # (checked as a top-level one is)
            seen.given = True
            yield _release(release, here, package)
        else:
            seen.linked.append((here, release))
    for key in ("compiledRelease", "versionedRelease"):
        value = record.get(key)
        if isinstance(value, dict):
            if key == "versionedRelease":  # no compiled release given: take the latest values
                value = compiled_from_versioned(value)
            value.setdefault("ocid", ocid)
            yield Document("compiled", value, f"{pointer.rstrip('/')}/{key}", package)
            return
    if ocid is None:
        yield _problem(pointer, record, message("record_needs_ocid"))
    elif not seen.given:
        yield _unlinked(str(ocid), pointer, seen.linked)


def _unlinked(ocid: str, pointer: str, linked: list[tuple[str, Any]]) -> Unlinked:
    urls = (r.get("url") for _, r in linked if isinstance(r, dict))
    url = next((u for u in urls if isinstance(u, str) and u), None)
    return Unlinked(ocid, pointer, len(linked), url)


def _release(release: dict[str, Any], pointer: str, package: dict[str, Any]) -> Document:
    """A release tagged ``compiled`` (as some records embed) is a compiled release."""
    tag = release.get("tag")
    compiled = tag == "compiled" or (isinstance(tag, list) and "compiled" in tag)
    return Document("compiled" if compiled else "release", release, pointer, package)


def _not_ocds(value: dict[str, Any]) -> str:
    keys = ", ".join(sorted(value)[:8]) or message("no_keys")
    return message("not_ocds", keys=keys)


def _kind(value: Any) -> str:
    kinds = {list: "array", str: "string", type(None): "null", bool: "boolean"}
    return message("kind_" + kinds.get(type(value), "number"))


def _problem(pointer: str, value: Any, reason: str) -> Problem:
    return Problem(pointer or "/", reason, snippet=_snippet(value))


def _snippet(value: Any) -> str:
    try:
        return orjson.dumps(value, default=str)[:300].decode("utf-8", "replace")
    except TypeError:
        return repr(value)[:300]
