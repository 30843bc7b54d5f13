"""The native scanner (``_scan.c``) for Python: structure keys of JSON documents, and the
structural scan that cuts them (:mod:`bestvalue.ocds.split`).

Why: the ingest vouches for documents by their structure (DuckDB's ``json_structure``), once per
distinct structure; computing the structure of every document to find which one it has was a
fifth of a large ingest. The scanner's key is a promise that two documents with the same key
have the same structure (it may tell apart documents of one structure, never mix two), so
DuckDB computes the structure of one document per key. A document the scanner does not follow
exactly gets no key (null), and DuckDB computes its structure as it did for all of them.

Without the compiled scanner (a machine with no C compiler when the package was installed),
every key is null and the split scans with numpy: slower, the same result.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pyarrow as pa

_scan: ModuleType | None
try:
    from . import _scan
except ImportError:  # pragma: no cover - built without a C compiler
    _scan = None

__all__ = ["PREFIX", "available", "keys", "structure"]

PREFIX = "k"  # keys never equal an md5 (32 hex digits) of a structure, the other kind in use
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
_WIDTH = 1 + 32


def available() -> bool:
    """True when the compiled scanner is installed."""
    return _scan is not None


def keys(text: np.ndarray, offsets: np.ndarray) -> pa.StringArray:
    """A key per document ``text[offsets[i]:offsets[i + 1]]`` (``PREFIX`` and 32 hexadecimal
    digits), null where the scanner has none."""
    n = len(offsets) - 1
    if _scan is None or n <= 0:
        return pa.nulls(max(n, 0), pa.string())
    raw = np.empty((n, 16), np.uint8)
    valid = np.empty(n, np.uint8)
    _scan.keys(text, np.ascontiguousarray(offsets, np.int64), raw, valid)
    chars = np.empty((n, _WIDTH), np.uint8)
    chars[:, 0] = ord(PREFIX)
    chars[:, 1::2] = _HEX[raw >> 4]
    chars[:, 2::2] = _HEX[raw & 15]
    bounds = np.arange(0, _WIDTH * (n + 1), _WIDTH, dtype=np.int32)
    mask = np.packbits(valid.astype(bool), bitorder="little")
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(bounds), pa.py_buffer(chars), pa.py_buffer(mask), n - int(valid.sum())
    )


def structure(
    buf: np.ndarray, depth: int, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Positions, bytes and depth-before of the brackets outside strings whose depth-before is
    ``limit`` or less (``buf`` starts outside a string, at ``depth``); None without the
    scanner. See ``split._numpy_structure`` for the rules, which the scanner follows."""
    if _scan is None:
        return None
    capacity = len(buf) // 16 + 1024  # documents of under 16 bytes: tried again, large enough
    while True:
        positions = np.empty(capacity, np.int64)
        chars = np.empty(capacity, np.uint8)
        depths = np.empty(capacity, np.int64)
        count = _scan.structure(buf, depth, limit, positions, chars, depths)
        if count >= 0:
            return positions[:count], chars[:count], depths[:count]
        capacity = len(buf) + 1  # (no more brackets than bytes)
