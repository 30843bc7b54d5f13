"""The spend cube: allocated spend grouped by category, buyer, supplier, year, country, method.

Grouping runs in the engine (DuckDB or Spark); only the grouped rows come back to Python, where
names (English and Spanish), shares and the Pareto (ABC) classes are added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..categories.taxonomy import LEVELS, taxonomy

__all__ = ["CURRENCIES", "DIMENSIONS", "Coverage", "coverage", "cube"]

DIMENSIONS = ("category", "buyer", "supplier", "year", "country", "method")
CURRENCIES = ("USD", "constant", "original")
_DIGITS = {"segment": 2, "family": 4, "class": 6, "commodity": 8}
UNCLASSIFIED = {"en": "Unclassified", "es": "Sin clasificar"}


def _category(lines: ir.Table, level: str) -> ir.StringValue:
    n = _DIGITS[level]
    code = lines.category_code
    return ibis.ifelse(code.isnull(), ibis.null(str), code.substr(0, n).rpad(8, "0"))


def _dimension_columns(lines: ir.Table, by: Sequence[str], level: str) -> dict[str, ir.Value]:
    cols: dict[str, ir.Value] = {}
    for dim in by:
        if dim == "category":
            cols["category_code"] = _category(lines, level)
        elif dim == "buyer":
            cols |= {"buyer_id": lines.buyer_id, "buyer_name": lines.buyer_name}
        elif dim == "supplier":
            cols |= {"supplier_id": lines.supplier_id, "supplier_name": lines.supplier_name}
        elif dim == "method":
            cols["procurement_method"] = lines.procurement_method
        elif dim in ("year", "country"):
            cols[dim] = lines[dim]
        else:
            raise ValueError(f"unknown dimension {dim!r}; choose from {', '.join(DIMENSIONS)}")
    return cols


def cube(
    lines: ir.Table,
    by: Sequence[str] = ("category",),
    *,
    level: str = "segment",
    currency: str = "USD",
    top: int | None = None,
) -> pd.DataFrame:
    """Spend grouped by ``by``; amounts in USD, constant USD or the original currency."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose from {', '.join(LEVELS)}")
    if currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}; choose from {', '.join(CURRENCIES)}")
    cols = _dimension_columns(lines, by, level)
    if currency == "original":
        cols["currency"] = lines.currency
        amount = lines.amount
    else:
        amount = lines.amount_usd if currency == "USD" else lines.amount_usd_const
    m = lines.mutate(_amount=amount, **cols)
    m = m.filter(m._amount.notnull())
    grouped = m.group_by(list(cols)).aggregate(
        amount=m._amount.sum(),
        processes=m.ocid.nunique(),
        suppliers=m.supplier_id.nunique(),
        lines=m.count(),
    )
    frame = grouped.to_pandas().sort_values("amount", ascending=False, ignore_index=True)
    return _finish(frame, currency, top)


def _finish(frame: pd.DataFrame, currency: str, top: int | None) -> pd.DataFrame:
    if "category_code" in frame:
        tax = taxonomy()
        for lang in ("en", "es"):
            frame.insert(
                frame.columns.get_loc("category_code") + 1,
                f"category_name_{lang}",
                [
                    tax.label(c, lang) if isinstance(c, str) else UNCLASSIFIED[lang]
                    for c in frame.category_code
                ],
            )
    groups = ["currency"] if currency == "original" else []
    total = frame.groupby(groups).amount.transform("sum") if groups else frame.amount.sum()
    frame["share"] = frame.amount / total
    cumulative = frame.groupby(groups).share.cumsum() if groups else frame.share.cumsum()
    frame["cumulative_share"] = cumulative
    frame["abc"] = [
        "A" if c - s < 0.8 else "B" if c - s < 0.95 else "C"
        for c, s in zip(cumulative, frame.share, strict=True)
    ]
    return frame.head(top) if top else frame


@dataclass
class Coverage:
    """How much of the spend could be classified and converted, by method and by problem."""

    total_usd: float
    by_method: pd.DataFrame
    unconverted: pd.DataFrame
    allocation: pd.DataFrame


def coverage(lines: ir.Table) -> Coverage:
    ok = lines.filter(lines.amount_usd.notnull())
    by_method = (
        ok.group_by("category_method")
        .aggregate(amount_usd=ok.amount_usd.sum(), lines=ok.count())
        .to_pandas()
    )
    total = float(by_method.amount_usd.sum())
    by_method["share"] = by_method.amount_usd / total if total else 0.0
    order = {m: i for i, m in enumerate(("code", "crosswalk", "model", "none"))}
    by_method = by_method.sort_values("category_method", key=lambda s: s.map(order)).reset_index(
        drop=True
    )
    bad = lines.filter(lines.amount_usd.isnull())
    unconverted = (
        bad.group_by(["fx_status", "currency", "year"])
        .aggregate(amount=bad.amount.sum(), lines=bad.count(), processes=bad.ocid.nunique())
        .to_pandas()
        .sort_values(["fx_status", "currency"], ignore_index=True)
    )
    unconverted["year"] = unconverted["year"].astype("Int64")
    allocation = (
        ok.group_by("allocation")
        .aggregate(amount_usd=ok.amount_usd.sum(), lines=ok.count())
        .to_pandas()
    )
    return Coverage(total, by_method, unconverted, allocation)
