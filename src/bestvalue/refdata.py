"""Reference data shipped in the package as Frictionless data packages.

Every table sits beside a ``datapackage.json`` that names its source, edition, address, licence and
checksum, so every figure bestvalue shows can be traced to where it came from. Reports list
:func:`catalogue` in their methods annex.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError
from .messages import message

__all__ = ["bundled_json", "PACKAGES", "Resource", "catalogue", "load", "resource", "user_rows"]

# Tables (CSV, read with ``load``) and curated documents (JSON, read with ``bundled_json``).
PACKAGES = ("classifications", "money", "risk", "economics", "duediligence")


@dataclass(frozen=True)
class Resource:
    package: str
    name: str
    path: Path
    meta: dict[str, Any]

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.name))

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``title_es`` in the descriptor), else the English one."""
        return self._in("title", lang)

    @property
    def edition(self) -> str:
        return str(self.meta.get("edition", ""))

    def edition_in(self, lang: str) -> str:
        """The edition in ``lang`` (``edition_es``), else as published (a version number)."""
        return self._in("edition", lang)

    def _in(self, key: str, lang: str) -> str:
        return str(self.meta.get(f"{key}_{lang}") or getattr(self, key))

    @property
    def licence(self) -> str:
        return self.licence_in("en")

    def licence_in(self, lang: str) -> str:
        """The licences' titles in ``lang`` (each licence's ``title_es``), else in English."""
        return "; ".join(
            lic.get(f"title_{lang}") or lic.get("title", lic["name"])
            for lic in self.meta.get("licenses", [])
        )

    @property
    def address(self) -> str:
        return " ".join(s.get("path", "") for s in self.meta.get("sources", []))

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _package_dir(package: str) -> Path:
    return Path(str(resources.files("bestvalue") / "data" / package))


@functools.cache
def _descriptor(package: str) -> dict[str, Any]:
    return json.loads((_package_dir(package) / "datapackage.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def resource(package: str, name: str) -> Resource:
    """One table's file and metadata."""
    for meta in _descriptor(package)["resources"]:
        if meta["name"] == name:
            return Resource(package, name, _package_dir(package) / meta["path"], meta)
    raise KeyError(f"no resource {name!r} in data package {package!r}")


@functools.cache
def load(package: str, name: str) -> pd.DataFrame:
    """A table as a DataFrame, with the column types its descriptor declares."""
    res = resource(package, name)
    types = {"string": "string", "integer": "Int64", "number": "float64"}
    dtype = {f["name"]: types[f["type"]] for f in res.meta["schema"]["fields"]}
    encoding = res.meta.get("encoding", "utf-8")
    frame = pd.read_csv(
        res.path, dtype=dtype, keep_default_na=False, na_values=["", ".."], encoding=encoding
    )
    return frame[list(dtype)]


@functools.cache
def bundled_json(*parts: str) -> Any:
    """A curated JSON document shipped under ``bestvalue/data`` (read once; do not mutate)."""
    path = resources.files("bestvalue").joinpath("data", *parts)
    return json.loads(path.read_text(encoding="utf-8"))


def catalogue() -> list[Resource]:
    """Every shipped table, for methods annexes and `bestvalue sources`."""
    return [
        resource(package, meta["name"])
        for package in PACKAGES
        for meta in _descriptor(package)["resources"]
    ]


def user_rows(path: Path, columns: set[str], what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a user's CSV file, after checking it has the ``columns`` needed;
    ``what`` names the kind of file (a key of :data:`bestvalue.messages.CATALOGUE`)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = columns - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                str(path), message("needs_columns", what=message(what), columns=sorted(missing))
            )
        yield from enumerate(reader, start=2)
