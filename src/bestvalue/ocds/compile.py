"""Compiling: one compiled release per ocid, by the OCDS merge rules.

Rules, in the order they apply to the documents gathered for one ocid (from every file ever
ingested, not only the current run, so releases of one process scattered over several files and
several ingests compile together):

1. A record's ``compiledRelease`` is the publisher's own compile: it is used as given when no
   release is newer. When newer releases exist, they are merged on top of it.
2. Otherwise the releases are merged in date order by the OCDS merge rules
   (:mod:`bestvalue.ocds.merge`, with the OCDS 1.1.5 release schema shipped in the package: the
   machine may have no internet). Numeric ids (Colombia's item ids) match their string forms.
3. A record that only has a ``versionedRelease`` is compiled by taking each field's latest value
   (the reader does this, see :func:`compiled_from_versioned`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from .merge import MergeConflict, merge_releases

__all__ = ["compile_documents", "compiled_from_versioned", "date_key", "CompileError"]


class CompileError(ValueError):
    """The releases of one ocid cannot be merged (e.g. a field changes type between releases)."""


def date_key(value: Any) -> str:
    """A sortable UTC form of an OCDS date; unparseable dates sort as given, after real ones."""
    if not isinstance(value, str):
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "~" + value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compile_documents(docs: Sequence[tuple[str, dict[str, Any]]]) -> tuple[dict[str, Any], str]:
    """Compile ``(kind, document)`` pairs of one ocid; return the release and how it was made."""
    releases = sorted(
        (d for k, d in docs if k == "release"), key=lambda r: (date_key(r.get("date")), r["id"])
    )
    compiled = [d for k, d in docs if k == "compiled"]
    base = max(compiled, key=lambda c: date_key(c.get("date")), default=None)
    if base is not None:
        newer = [r for r in releases if date_key(r.get("date")) > date_key(base.get("date"))]
        if not newer:
            return base, "publisher"
        return _merge([base, *newer]), "publisher+merge"
    return _merge(releases), "merge"


def _merge(releases: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        return merge_releases(releases)
    except MergeConflict as exc:
        raise CompileError(str(exc)) from exc


def compiled_from_versioned(versioned: dict[str, Any]) -> dict[str, Any]:
    """Take the latest value of every versioned field."""
    return _latest(versioned)  # type: ignore[no-any-return]


def _latest(value: Any) -> Any:
    if isinstance(value, list):
        if value and all(_is_version(v) for v in value):
            return _latest(value[-1].get("value"))
        return [_latest(v) for v in value]
    if isinstance(value, dict):
        return {k: _latest(v) for k, v in value.items()}
    return value


def _is_version(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and "releaseDate" in value
