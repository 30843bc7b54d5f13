"""Spend: where the money goes, by category, buyer, supplier, year, country and method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir
import pandas as pd

from ..categories.classify import ensure_classified
from ..money import rate_table
from ..warehouse.base import Warehouse
from ..warehouse.progress import Progress
from .basis import BASES, spend_lines
from .cube import CURRENCIES, DIMENSIONS, Coverage, coverage, cube

__all__ = [
    "BASES",
    "CURRENCIES",
    "DIMENSIONS",
    "Coverage",
    "SpendResult",
    "coverage",
    "cube",
    "classified_lines",
    "spend",
    "spend_lines",
]


@dataclass
class SpendResult:
    table: pd.DataFrame
    coverage: Coverage
    lines: ir.Table


def classified_lines(
    wh: Warehouse,
    *,
    basis: str = "actual",
    base_year: int | None = None,
    rates: Sequence[str | Path] = (),
    progress: Progress | None = None,
) -> ir.Table:
    """The spend lines (``spend_lines``), after classifying the warehouse if it needs it."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; choose from {', '.join(BASES)}")
    ensure_classified(wh, progress=progress)
    return spend_lines(wh, basis=basis, rates=rate_table(rates), base_year=base_year)


def spend(
    wh: Warehouse,
    by: Sequence[str] = ("category",),
    *,
    level: str = "segment",
    currency: str = "USD",
    basis: str = "actual",
    base_year: int | None = None,
    rates: Sequence[str | Path] = (),
    top: int | None = None,
    progress: Progress | None = None,
) -> SpendResult:
    """The spend cube and its coverage; classifies the warehouse first if it needs it."""
    lines = classified_lines(wh, basis=basis, rates=rates, base_year=base_year, progress=progress)
    return SpendResult(
        cube(lines, by, level=level, currency=currency, top=top), coverage(lines), lines
    )
