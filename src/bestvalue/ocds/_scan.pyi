"""Types of the compiled scanner (``_scan.c``)."""

from typing import Any

def keys(text: Any, offsets: Any, out: Any, valid: Any, /) -> None: ...
def structure(
    text: Any, depth: int, limit: int, positions: Any, chars: Any, depths: Any, /
) -> int: ...
