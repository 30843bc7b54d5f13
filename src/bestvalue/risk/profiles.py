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
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import refdata
from ..categories.taxonomy import at_level, level_of
from ..numbers import number, plain
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
    "good_name",
    "ilab_country",
]

LABOUR = {"forced_labour": "forced_labor", "child_labour": "child_labor"}
LABOUR_NAMES = {
    "forced_labor": {"en": "forced labor", "es": "trabajo forzoso"},
    "child_labor": {"en": "child labor", "es": "trabajo infantil"},
}
NOT_LISTED = {
    "en": "{goods}: not on the ILAB list (absence from the list is not evidence of no risk)",
    "es": "{goods}: fuera de la lista de ILAB (no figurar en la lista no es evidencia de "
    "ausencia de riesgo)",
}


@dataclass(frozen=True)
class Evidence:
    source: str
    detail: str
    kind: str = "evidence"  # evidence | assumption
    detail_es: str = ""  # the same in Spanish, where it has been said in Spanish

    def text(self, lang: str) -> str:
        """The detail in ``lang``: the English one where there is no other."""
        return self.detail_es if lang == "es" and self.detail_es else self.detail

    @classmethod
    def said(cls, source: str, say: Callable[[str], str]) -> Evidence:
        """Evidence whose detail ``say(lang)`` writes in each language it is said in."""
        return cls(source, say("en"), detail_es=say("es"))


def good_name(good: str, lang: str) -> str:
    """An ILAB good's name in ``lang`` (bestvalue's translation; the List's own English name
    where there is none)."""
    return _spanish_goods().get(good, good) if lang == "es" else good


@functools.cache
def _spanish_goods() -> dict[str, str]:
    table = refdata.load("risk", "ilab_goods_es")
    return dict(zip(table.good, table.name_es, strict=True))


def ilab_country(name: str, lang: str) -> str:
    """A country as the ILAB List names it, in ``lang``."""
    code = iso3_of_name(name)
    return country_name(code, lang) if code and lang != "en" else name


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
    scope_basis: Evidence | None


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
        listed = goods.good.unique()
        note = Evidence.said(
            "ilab_goods",
            lambda lang: NOT_LISTED[lang].format(
                goods=", ".join(sorted(good_name(g, lang) for g in listed))
            ),
        )
        return DimensionRisk(dimension, None, [note])
    rows = rows.assign(_away=[iso3_of_name(c) not in AMERICAS for c in rows.country])
    rows = rows.sort_values(["_away", "good", "country"])  # the Americas first, as the pilot asks
    evidence = [_listed(g, c, column) for g, c in zip(rows.good, rows.country, strict=True)]
    americas = {iso3_of_name(c) for c in rows.country} & AMERICAS
    inherent = 3 if americas or rows.country.nunique() >= 3 else 2
    return DimensionRisk(dimension, inherent, evidence)


def _listed(good: str, country: str, column: str) -> Evidence:
    """'Good — country (forced labor)', as the List says it, and in Spanish."""
    return Evidence.said(
        "ilab_goods",
        lambda lang: (
            f"{good_name(good, lang)} — {ilab_country(country, lang)} "
            f"({LABOUR_NAMES[column][lang]})"
        ),
    )


def _rating(code: str, dimension: str) -> tuple[int | None, Evidence | None]:
    """A segment's curated rating on a dimension, with its basis as an assumption."""
    ratings = refdata.load("risk", "sector_ratings")
    rows = ratings[(ratings.unspsc == at_level(code, "segment")) & (ratings.dimension == dimension)]
    if rows.empty:
        return None, None
    row = rows.iloc[0]
    basis = Evidence("sector_ratings", str(row.basis), "assumption", str(row.basis_es))
    return int(row.rating), basis


def category_profile(code: str) -> CategoryProfile:
    """Inherent risk of a UNSPSC category on every dimension, with its evidence."""
    goods = _goods_of(code)
    dims: dict[str, DimensionRisk] = {}
    for dimension in DIMENSIONS:
        risk = _labour(dimension, goods) if dimension in LABOUR else DimensionRisk(dimension, None)
        rating, basis = _rating(code, dimension)
        if rating is not None and basis and (risk.inherent is None or rating > risk.inherent):
            risk.inherent = rating
            risk.evidence.append(basis)
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
                found.append(value)
                evidence.setdefault(str(dimension), []).append(_reading(ind, country, value))
        risks[str(dimension)] = sum(found) / len(found) if found else None
    return CountryContext(country, risks, evidence)


READING = {
    "en": "{title}, {country}: {raw} ({year}) → risk {risk}",
    "es": "{title}, {country}: {raw} ({year}) → riesgo {risk}",
}


def _reading(ind: Indicator, country: str, risk: float) -> Evidence:
    """What an indicator says of a country, and the risk read from it."""
    raw, year = ind.values[country]
    return Evidence.said(
        ind.id,
        lambda lang: READING[lang].format(
            title=ind.title_in(lang),
            country=country_name(country, lang),
            raw=plain(raw, lang),
            year=year or ("n.d." if lang == "en" else "s. f."),
            risk=number(risk, 2, lang),
        ),
    )
