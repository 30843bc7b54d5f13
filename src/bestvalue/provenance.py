"""What every figure rests on: the tables bestvalue ships and the risk indicators, each with its
edition, licence and address, in the reader's language.

One listing for the report's methods-and-sources annex, ``bestvalue indicators list`` and the web
app's sources page, so that the three say the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import refdata
from .risk.indicators import indicators

__all__ = ["annex", "datasets", "indicator_rows"]


def datasets(lang: str) -> list[dict[str, Any]]:
    """Every shipped table: its title, edition and licence in ``lang``, its address, and whether
    bestvalue curated it as an assumption (to review and replace)."""
    return [
        {
            "id": f"{r.package}/{r.name}",
            "title": r.title_in(lang),
            "edition": r.edition_in(lang),
            "licence": r.licence_in(lang),
            "address": r.address,
            "assumption": bool(r.meta.get("assumption")),
        }
        for r in refdata.catalogue()
    ]


def indicator_rows(lang: str, directory: str | Path | None = None) -> list[dict[str, Any]]:
    """Every risk indicator, shipped or imported (from ``directory``, else the configured
    registry), with its publisher and how many countries it covers, in the Americas too."""
    rows = []
    for ind in indicators(directory).values():
        cov = ind.coverage()
        rows.append(
            {
                "id": ind.id,
                "title": ind.title_in(lang),
                "publisher": ind.publisher,
                "edition": ind.edition_in(lang),
                "licence": ind.licence_in(lang),
                "address": ind.address,
                "countries": cov["countries"],
                "americas": f"{cov['americas']}/{cov['americas_total']}",
                "imported": ind.imported,
            }
        )
    return rows


def annex(lang: str) -> list[dict[str, Any]]:
    """The report's sources: the shipped tables, then the imported indicators (the shipped ones
    are tables above)."""
    keys = ("id", "title", "edition", "licence", "address")
    imported = [
        {k: row[k] for k in keys} | {"assumption": False}
        for row in indicator_rows(lang)
        if row["imported"]
    ]
    return datasets(lang) + imported
