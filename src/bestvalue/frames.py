"""DataFrame rows as plain Python values, for JSON, templates, tables and the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is the caller's: importing it here would slow every command
    import pandas as pd

__all__ = ["records"]


def records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Each row as a dict of plain values (NumPy scalars unwrapped), missing values as None."""
    if columns is not None:
        frame = frame[list(columns)]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: _scalar(v) for k, v in r.items()} for r in rows]


def _scalar(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    return value.item() if hasattr(value, "item") else value
