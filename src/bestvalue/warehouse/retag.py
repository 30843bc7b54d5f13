"""Giving files already loaded another country: the SQL both engines run (on DuckDB).

Why: a file's content is loaded once, with the country given at its ingest. An analyst who
loaded files without ``--country`` (or with a wrong one), or an agency whose country was
corrected in the web app, had to load everything again into a new warehouse, or found later
that the country had no spend. Retagging changes the country of the files' ``sources`` rows, of
their stored documents, and of the processes those documents belong to, and nothing else: the
compiled releases do not depend on it.

A process's country is that of its most recently loaded document with one (the load order: the
ingest, then the document's place in it); a process whose documents all come from one country's
files has that country. The compile chooses the same way among the newest version of each
release, this among every stored document: they differ only for a process whose files were
loaded with different countries, where either choice is one of them.

Both engines register ``_targets`` (``ingest_id``, ``path``: the ``sources`` rows retagged)
before they run these statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .staging import sql_string

if TYPE_CHECKING:
    from .base import Warehouse

__all__ = ["OF_TARGETS", "follow_country", "other_country_files", "process_countries"]

# A stored document (``d``) of one of the files retagged.
OF_TARGETS = (
    "EXISTS (SELECT 1 FROM _targets t WHERE t.ingest_id = d.ingest_id AND t.path = d.source)"
)


def process_countries(raw: str) -> str:
    """SQL of (``ocid``, ``country``) of each process with a document in the files retagged,
    its country computed anew from the stored documents of ``raw`` (already retagged)."""
    return f"""
        SELECT ocid, arg_max(country, struct_pack(i := ingest_id, s := seq))
                 FILTER (WHERE country IS NOT NULL) AS country
        FROM {raw} WHERE ocid IN (SELECT d.ocid FROM {raw} d WHERE {OF_TARGETS})
        GROUP BY ocid
    """


def other_country_files(warehouse: Warehouse, country: str) -> int:
    """How many files the warehouse holds loaded with another country than ``country``, or
    none (SQL both engines read)."""
    other = f"country IS NULL OR country <> {sql_string(country)}"
    rows = warehouse.sql(f"SELECT count(*) AS n FROM sources WHERE {other}")
    return int(rows.column(0)[0].as_py())


def follow_country(warehouse: Warehouse, country: str) -> int | None:
    """Give every file of a warehouse that holds one country's data (a web agency's) that
    country when some file has another: the agency's country was corrected after its uploads.
    How many processes changed country; None when every file has it already."""
    if not other_country_files(warehouse, country):
        return None
    return warehouse.set_country(country)
