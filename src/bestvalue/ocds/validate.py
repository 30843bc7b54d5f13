"""Checks that a release carries what the warehouse relies on, with the right JSON types.

This is deliberately not full schema validation (libcoveocds does that, slowly): it checks the
identifiers that compiling needs and the type of every field the warehouse reads, so that a wrong
type is reported with its JSON pointer instead of silently becoming a wrong number.
"""

from __future__ import annotations

from typing import Any

from ..messages import message

__all__ = ["check_release", "is_number"]

ARRAYS_OF_OBJECTS = ("parties", "awards", "contracts")
OBJECTS = ("buyer", "planning", "tender")
VALUE_PATHS = (("value",), ("unit", "value"), ("budget", "amount"), ("minValue",))


def check_release(release: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """Return ``(pointer, reason)`` for each problem; an empty list means usable."""
    problems: list[tuple[str, str]] = []
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        problems.append(("/ocid", message("ocid_not_string", value=repr(ocid))))
    if kind == "release":
        if not isinstance(release.get("id"), str | int) or release.get("id") == "":
            problems.append(("/id", message("id_not_string", value=repr(release.get("id")))))
        if not isinstance(release.get("date"), str) or not release.get("date"):
            problems.append(("/date", message("no_date")))
    for key in OBJECTS:
        _expect_object(release, key, f"/{key}", problems)
    for key in ARRAYS_OF_OBJECTS:
        _expect_objects(release, key, f"/{key}", problems)
    tender = release.get("tender")
    if isinstance(tender, dict):
        _check_block(tender, "/tender", problems)
    for key in ("awards", "contracts"):
        for index, block in enumerate(_objects(release.get(key))):
            _check_block(block, f"/{key}/{index}", problems)
    return problems


def _check_block(block: dict[str, Any], pointer: str, problems: list[tuple[str, str]]) -> None:
    _check_amounts(block, pointer, problems)
    _expect_objects(block, "items", f"{pointer}/items", problems)
    for index, item in enumerate(_objects(block.get("items"))):
        _check_amounts(item, f"{pointer}/items/{index}", problems)
        quantity = item.get("quantity")
        if quantity is not None and not is_number(quantity):
            problems.append((f"{pointer}/items/{index}/quantity", _not_number(quantity)))


def _check_amounts(block: dict[str, Any], pointer: str, problems: list[tuple[str, str]]) -> None:
    for path in VALUE_PATHS:
        value: Any = block
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        where = pointer + "/" + "/".join(path)
        if not isinstance(value, dict):
            problems.append((where, message("not_amount", value=repr(value))))
        elif value.get("amount") is not None and not is_number(value["amount"]):
            problems.append((where + "/amount", _not_number(value["amount"])))


def is_number(value: Any) -> bool:
    """True for JSON numbers and for strings that are plainly numbers (some publishers quote)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False


def _not_number(value: Any) -> str:
    return message("not_number", value=repr(value))


def _expect_object(parent: dict[str, Any], key: str, pointer: str, problems: list) -> None:
    value = parent.get(key)
    if value is not None and not isinstance(value, dict):
        problems.append((pointer, message("not_object", value=type(value).__name__)))


def _expect_objects(parent: dict[str, Any], key: str, pointer: str, problems: list) -> None:
    value = parent.get(key)
    if value is None:
        return
    if not isinstance(value, list):
        problems.append((pointer, message("not_array", value=type(value).__name__)))
        return
    for index, element in enumerate(value):
        if not isinstance(element, dict):
            problems.append((f"{pointer}/{index}", message("not_object", value=repr(element)[:96])))


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
