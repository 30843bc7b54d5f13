"""Risk: evidence, category profiles, country context, saliency and prioritisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import BestValueError
from ..messages import message
from ..spend import classified_lines, cube
from ..warehouse.base import Warehouse
from ..warehouse.progress import Progress
from .countries import country_name, iso3, iso3_of_name
from .indicators import Indicator, import_indicator, indicators
from .prioritise import DEFAULT_WEIGHTS, Weights, saliency, top_ranked
from .prioritise import prioritise as rank_categories
from .profiles import DIMENSIONS, CategoryProfile, category_profile, country_context

__all__ = [
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "CategoryProfile",
    "Indicator",
    "Weights",
    "category_profile",
    "country_context",
    "country_name",
    "import_indicator",
    "indicators",
    "prioritise",
    "rank_categories",
    "saliency",
    "saliency_of",
    "supplier_countries",
    "top_ranked",
]


def saliency_of(code: str, country: str) -> dict[str, float]:
    """Every risk dimension's saliency (0-3) for the category in the country, where known."""
    code3 = iso3(country)
    if code3 is None:
        raise BestValueError(message("not_country_code", country=repr(country)))
    salient = saliency(category_profile(code), country_context(code3))
    return {d: float(v) for d, v in salient.items() if v is not None}


def supplier_countries(wh: Warehouse, code: str, *, country: str | None = None) -> pd.DataFrame:
    """Countries of the suppliers paid in a category (ISO3, amount in USD), from parties."""
    from ..categories.taxonomy import level_of

    lines = classified_lines(wh)
    n = {"segment": 2, "family": 4, "class": 6, "commodity": 8}[level_of(code)]
    lines = lines.filter(lines.category_code.substr(0, n) == code[:n])
    if country:
        lines = lines.filter(lines.country == country.upper())
    parties = wh.table("parties")
    joined = lines.left_join(
        parties.select(_o=parties.ocid, _p=parties.party_id, country_name=parties.country_name),
        [lines.ocid == parties.ocid, lines.supplier_id == parties.party_id],
    )
    frame = joined.group_by("country_name").aggregate(amount=joined.amount_usd.sum()).to_pandas()
    frame["iso3"] = [
        iso3_of_name(n) if isinstance(n, str) and n.strip() else None for n in frame.country_name
    ]
    frame = frame.dropna(subset=["iso3"]).groupby("iso3", as_index=False).amount.sum()
    return frame.sort_values("amount", ascending=False, ignore_index=True)


def prioritise(
    wh: Warehouse,
    country: str,
    *,
    level: str = "family",
    top: int = 3,
    weights: str | Path | Weights | None = None,
    draws: int = 2000,
    seed: int = 0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The categories of ``country``'s spend (ISO2, as given at ingest), ranked for action."""
    if iso3(country) is None:
        raise BestValueError(message("not_country_code_eg", country=repr(country)))
    chosen = weights if isinstance(weights, Weights) else Weights.read(weights)
    lines = classified_lines(wh, progress=progress)
    lines = lines.filter(lines.country == country.upper())
    by_category = cube(lines, ["category"], level=level)
    if by_category.empty:
        raise BestValueError(message("no_spend", country=repr(country)))
    return rank_categories(
        by_category, country.upper(), weights=chosen, top=top, draws=draws, seed=seed
    )
