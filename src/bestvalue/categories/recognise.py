"""Recognise the category codes publishers really send, before any text model is tried.

Each item is reduced to its classification key (scheme, id, item id when the id is missing,
description, classification description, additional classifications) and recognised once per
distinct key. What a recogniser cannot place in UNSPSC it hands on with the best text it has for
the text classifier: the description, the publisher's own category title, or the CPV title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..messages import message
from ..refdata import user_rows
from .taxonomy import Taxonomy, taxonomy, unspsc_code

__all__ = ["Crosswalk", "ItemKey", "Recognition", "canonical_scheme", "recognise"]


@dataclass(frozen=True)
class ItemKey:
    scheme: str = ""
    code: str = ""
    item_id: str = ""
    description: str = ""
    classification_description: str = ""
    additional: str = ""


@dataclass(frozen=True)
class Recognition:
    """UNSPSC code found (``code``/``crosswalk``) or the text to classify (``code`` is None)."""

    code: str | None
    method: str | None
    source_scheme: str
    text: str
    note: str = ""


_SCHEMES = (
    (re.compile(r"unspsc", re.I), "UNSPSC"),
    # Paraguay: "Catálogo de productos, bienes y servicios de la Dirección Nacional de
    # Contrataciones Públicas del Paraguay" (level 5 of a catalogue based on UNSPSC).
    (re.compile(r"contrataciones p.blicas del paraguay|dncp", re.I), "DNCP-PY"),
    (re.compile(r"^cpv", re.I), "CPV"),
    (re.compile(r"gsin", re.I), "GSIN"),
    (re.compile(r"cucop", re.I), "CUCOP"),
)
UNSPSC_BASED = {"UNSPSC", "DNCP-PY"}
_CPV = re.compile(r"^(\d{8})(?:-(\d))?$")


def canonical_scheme(scheme: str) -> str:
    """The scheme's canonical name (UNSPSC, DNCP-PY, CPV, GSIN, CUCOP) or the text as given."""
    for pattern, name in _SCHEMES:
        if pattern.search(scheme):
            return name
    return scheme.strip().upper()


@dataclass
class Crosswalk:
    """User-supplied mappings from a local scheme to UNSPSC, each row with its basis.

    CSV columns: ``scheme``, ``code`` (exact, or a prefix ending in ``*``), ``unspsc``, ``basis``.
    """

    exact: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    prefixes: list[tuple[str, str, str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, paths: Iterable[str | Path]) -> Crosswalk:
        walk = cls()
        for path in paths:
            walk._read_one(Path(path))
        walk.prefixes.sort(key=lambda row: -len(row[1]))
        return walk

    def _read_one(self, path: Path) -> None:
        for line, row in user_rows(path, {"scheme", "code", "unspsc", "basis"}, "what_crosswalk"):
            self._add(path, line, row)

    def _add(self, path: Path, line: int, row: dict[str, str]) -> None:
        target = unspsc_code(row["unspsc"])
        if target is None or not row["basis"].strip():
            key = "no_valid_unspsc" if target is None else "no_basis"
            raise InputError(str(path), message(key, row=repr(row)), Location(line=line))
        scheme, code = canonical_scheme(row["scheme"]), row["code"].strip()
        if code.endswith("*"):
            self.prefixes.append((scheme, code[:-1], target, row["basis"].strip()))
        else:
            self.exact[(scheme, code)] = (target, row["basis"].strip())

    def lookup(self, scheme: str, code: str) -> tuple[str, str] | None:
        found = self.exact.get((scheme, code))
        if found:
            return found
        for s, prefix, target, basis in self.prefixes:
            if s == scheme and code.startswith(prefix):
                return target, basis
        return None


def _text(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _from_additional(additional: str) -> str | None:
    try:
        entries = json.loads(additional) if additional else []
    except ValueError:
        return None
    for entry in entries if isinstance(entries, list) else []:
        if (
            isinstance(entry, dict)
            and canonical_scheme(str(entry.get("scheme") or "")) in UNSPSC_BASED
        ):
            code = unspsc_code(str(entry.get("id") or ""))
            if code:
                return code
    return None


def recognise(
    key: ItemKey, crosswalk: Crosswalk | None = None, tax: Taxonomy | None = None
) -> Recognition:
    """Place one item key in UNSPSC by its codes, or say what text the model should read."""
    tax = tax or taxonomy()
    scheme = canonical_scheme(key.scheme) if key.scheme else ""
    title = key.classification_description
    if key.scheme and title[:20].casefold() == key.scheme[:20].casefold():
        title = ""  # Paraguay repeats the scheme's name here: no information, only noise
    text = _text(key.description, title)
    code = key.code.strip()
    if scheme in UNSPSC_BASED or (not scheme and re.match(r"^\d{8}-\d{3}$", code)):
        raw = code or (key.item_id if scheme == "UNSPSC" else "")
        found = unspsc_code(raw)
        if found:
            note = "item.id" if not code else ("scheme missing: DNCP pattern" if not scheme else "")
            return Recognition(tax.deepest_known(found), "code", scheme or "DNCP-PY", text, note)
    extra = _from_additional(key.additional)
    if extra:
        return Recognition(
            tax.deepest_known(extra), "code", "UNSPSC", text, "additionalClassifications"
        )
    if crosswalk is not None and scheme and code:
        mapped = crosswalk.lookup(scheme, code)
        if mapped:
            return Recognition(tax.deepest_known(mapped[0]), "crosswalk", scheme, text, mapped[1])
    if scheme == "CPV":
        match = _CPV.match(code.replace(" ", ""))
        if match:
            title = tax.cpv_title(match.group(1)) or ""
            note = "CPV: no crosswalk to UNSPSC is shipped; classified from its title and text"
            return Recognition(None, None, "CPV", _text(key.description, title), note)
    return Recognition(None, None, scheme or "none", text)
