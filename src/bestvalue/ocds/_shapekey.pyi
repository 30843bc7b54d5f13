"""Types of the compiled structure-key scanner (``_shapekey.c``)."""

from typing import Any

def keys(text: Any, offsets: Any, out: Any, valid: Any, /) -> None: ...
