"""Domain errors.

The core raises these with everything a person needs to fix the problem (which file, where in it,
what is wrong); only the CLI edge turns them into messages and exit codes, as ocdskit does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import message

__all__ = ["BestValueError", "InputError", "Location", "WarehouseError"]


class BestValueError(Exception):
    """Base class of every error bestvalue reports to a user as a message, not a traceback."""


@dataclass(frozen=True)
class Location:
    """Where in an input a problem is: a byte offset, a line, and/or a JSON pointer."""

    offset: int | None = None
    line: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(message("line", line=self.line))
        if self.offset is not None:
            parts.append(message("byte", offset=self.offset))
        if self.pointer:
            parts.append(message("at", pointer=self.pointer))
        return ", ".join(parts)


class InputError(BestValueError):
    """A file (or one document in it) that cannot be loaded as OCDS."""

    def __init__(
        self, path: str, reason: str, location: Location | None = None, *, refusal: bool = False
    ) -> None:
        self.path = path
        self.reason = reason
        self.location = location or Location()
        self.refusal = refusal  # one document refused (with the --skip-bad hint), not the file
        where = str(self.location)
        super().__init__(f"{path}: {where + ': ' if where else ''}{reason}")


class WarehouseError(BestValueError):
    """The warehouse cannot be opened, read or written as asked."""
