"""Category risk profiles and country context, every figure with the evidence behind it.

A category's inherent risk on each dimension is 0 (not relevant) to 3 (critical), the scale of
the Scottish prioritisation tool. Forced and child labour come from the ILAB List of Goods through
the curated map of goods to UNSPSC categories; the other dimensions from curated sector ratings,
labelled as assumptions. Where neither exists the dimension is *missing*, never low. Goods that
are mapped but not on the ILAB list are also missing: absence from a list is not evidence of
no risk.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from .. import refdata
from ..categories.taxonomy import at_level, level_of
from .countries import AMERICAS, country_name, iso3_of_name
from .indicators import Indicator, indicators

__all__ = [
    "DIMENSIONS",
    "CategoryProfile",
    "CountryContext",
    "DimensionRisk",
    "Evidence",
    "category_profile",
    "country_context",
    "dimensions",
]

LABOUR = {"forced_labour": "forced_labor", "child_labour": "child_labor"}


@dataclass(frozen=True)
class Evidence:
    source: str
    detail: str
    kind: str = "evidence"  # evidence | assumption


@dataclass
class DimensionRisk:
    dimension: str
    inherent: int | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.inherent is None:
            return "missing"
        return "assumption" if all(e.kind == "assumption" for e in self.evidence) else "evidence"


@dataclass
class CategoryProfile:
    code: str
    dimensions: dict[str, DimensionRisk]
    goods: list[dict[str, str]]
    scope_to_improve: int | None
    scope_basis: str


@dataclass
class CountryContext:
    country: str
    risks: dict[str, float | None]
    evidence: dict[str, list[Evidence]]


@functools.cache
def dimensions() -> pd.DataFrame:
    frame = refdata.load("risk", "dimensions").set_index("dimension")
    frame["severity"] = frame[["scale", "scope", "irremediability"]].max(axis=1)
    return frame


DIMENSIONS = tuple(dimensions().index)


def _applies(mapped: str, code: str) -> bool:
    """A mapping on a category applies to it, its descendants and its ancestors."""
    return at_level(code, level_of(mapped)) == mapped or at_level(mapped, level_of(code)) == code


def _goods_of(code: str) -> pd.DataFrame:
    mapping = refdata.load("risk", "category_goods")
    return mapping[[_applies(m, code) for m in mapping.unspsc]]


def _labour(dimension: str, goods: pd.DataFrame) -> DimensionRisk:
    ilab = refdata.load("risk", "ilab_goods")
    column = LABOUR[dimension]
    rows = ilab[ilab.good.isin(set(goods.good)) & (ilab[column] == "Yes")]
    if goods.empty:
        return DimensionRisk(dimension, None)
    if rows.empty:
        listed = ", ".join(sorted(set(goods.good)))
        note = f"{listed}: not on the ILAB list (absence from the list is not evidence of no risk)"
        return DimensionRisk(dimension, None, [Evidence("ilab_goods", note)])
    rows = rows.assign(_away=[iso3_of_name(c) not in AMERICAS for c in rows.country])
    rows = rows.sort_values(["_away", "good", "country"])  # the Americas first, as the pilot asks
    what = column.replace("_", " ")
    evidence = [
        Evidence("ilab_goods", f"{g} — {c} ({what})")
        for g, c in zip(rows.good, rows.country, strict=True)
    ]
    americas = {iso3_of_name(c) for c in rows.country} & AMERICAS
    inherent = 3 if americas or rows.country.nunique() >= 3 else 2
    return DimensionRisk(dimension, inherent, evidence)


def _rating(code: str, dimension: str) -> tuple[int | None, str]:
    ratings = refdata.load("risk", "sector_ratings")
    rows = ratings[(ratings.unspsc == at_level(code, "segment")) & (ratings.dimension == dimension)]
    if rows.empty:
        return None, ""
    return int(rows.rating.iloc[0]), str(rows.basis.iloc[0])


def category_profile(code: str) -> CategoryProfile:
    """Inherent risk of a UNSPSC category on every dimension, with its evidence."""
    goods = _goods_of(code)
    dims: dict[str, DimensionRisk] = {}
    for dimension in DIMENSIONS:
        risk = _labour(dimension, goods) if dimension in LABOUR else DimensionRisk(dimension, None)
        rating, basis = _rating(code, dimension)
        if rating is not None and (risk.inherent is None or rating > risk.inherent):
            risk.inherent = rating
            risk.evidence.append(Evidence("sector_ratings", basis, "assumption"))
        dims[dimension] = risk
    scope, scope_basis = _rating(code, "scope_to_improve")
    ilab = refdata.load("risk", "ilab_goods")
    listed = ilab[ilab.good.isin(set(goods.good))]
    good_rows = [
        {"good": g, "sector": s, "country": c, "region": r, "child_labour": cl, "forced_labour": fl}
        for g, s, c, r, cl, fl in zip(
            listed.good,
            listed.sector,
            listed.country,
            listed.region,
            listed.child_labor,
            listed.forced_labor,
            strict=True,
        )
    ]
    return CategoryProfile(code, dims, good_rows, scope, scope_basis)


def country_context(country: str, registry: dict[str, Indicator] | None = None) -> CountryContext:
    """Country risk 0-1 per dimension: the mean of the indicators that inform it, or None."""
    registry = registry if registry is not None else indicators()
    risks: dict[str, float | None] = {}
    evidence: dict[str, list[Evidence]] = {}
    for dimension, row in dimensions().iterrows():
        found = []
        for ind_id in str(row.country_indicators).split(";"):
            ind = registry.get(ind_id)
            value = ind.risk(country) if ind else None
            if ind is not None and value is not None:
                raw, year = ind.values[country]
                found.append(value)
                evidence.setdefault(str(dimension), []).append(
                    Evidence(
                        ind.id,
                        f"{ind.title}, {country_name(country)}: {raw:g} ({year or 'n.d.'}) "
                        f"→ risk {value:.2f}",
                    )
                )
        risks[str(dimension)] = sum(found) / len(found) if found else None
    return CountryContext(country, risks, evidence)
