"""Files people fill by hand (answers, parameters, requirements): JSON or YAML, read with errors
that name the file, the line and what is wrong.

Why YAML beside JSON: a policy officer can fill a YAML template in any text editor and comment
it; JSON stays for machines. Spreadsheets (XLSX) are read by the module that owns the layout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Location
from .messages import message

__all__ = ["dump_yaml", "open_workbook", "read_mapping"]


def read_mapping(path: str | Path) -> dict[str, Any]:
    """The top-level object of a JSON or YAML file (chosen by extension; JSON otherwise)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), message("cannot_read_file", detail=exc)) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = _yaml(path, text)
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                str(path),
                message("not_valid_json_at", detail=exc.msg, column=exc.colno),
                Location(line=exc.lineno),
            ) from None
    if not isinstance(doc, dict):
        raise InputError(str(path), message("top_not_object", value=type(doc).__name__))
    return doc


def _yaml(path: Path, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        reason = message("not_valid_yaml", detail=exc.problem)
        raise InputError(str(path), reason, Location(line=line)) from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), message("not_valid_yaml", detail=exc)) from None


def open_workbook(path: Path) -> Any:
    """A workbook to read (values, not formulas), or an error naming the file."""
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(str(path), message("cannot_read_workbook", detail=exc)) from None


def dump_yaml(doc: Any) -> str:
    """YAML that keeps the key order and non-ASCII text as written (Spanish reads as Spanish)."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
