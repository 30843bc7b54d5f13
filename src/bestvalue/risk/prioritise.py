"""Which categories to act on first: spend, salient risk, leverage and scope to improve.

Follows the Scottish prioritisation tool's logic (spend scored by quintile, risks rated 0-3,
scope to improve 0-3) with saliency from the UN Guiding Principles: severity is the maximum of
scale, scope and irremediability, and a severe impact (severity 3) is never scored below its
inherent rating however unlikely the country context makes it. Every weight comes from a file
the user can change; a Monte Carlo over the weights tells how stable each rank is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..messages import message
from .countries import iso3
from .indicators import indicators
from .profiles import (
    DIMENSIONS,
    CategoryProfile,
    CountryContext,
    category_profile,
    country_context,
    dimensions,
)

__all__ = ["DEFAULT_WEIGHTS", "OUTPUT_COLUMNS", "Weights", "prioritise", "saliency", "top_ranked"]

CRITERIA = ("spend", "risk", "leverage", "scope")
DEFAULT_WEIGHTS: dict[str, Any] = {
    "criteria": {"spend": 0.3, "risk": 0.45, "leverage": 0.1, "scope": 0.15},
    "dimensions": {d: 1.0 for d in DIMENSIONS},
    "uncertainty": 20.0,
    "coverage_floor": 0.2,
}
NEUTRAL_SCOPE = 0.5
# The columns of a ranking that people read (CLI, CSV, workbook), in order.
OUTPUT_COLUMNS = [
    "rank",
    "category_code",
    "category_name_en",
    "category_name_es",
    "amount",
    "share",
    "spend_quintile",
    "risk_norm",
    "risk_coverage",
    "leverage_norm",
    "scope_norm",
    "score",
    "rank_p5",
    "rank_p95",
    "p_top",
    "reason_en",
    "reason_es",
]


@dataclass
class Weights:
    criteria: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS["criteria"]))
    dimensions: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_WEIGHTS["dimensions"])
    )
    uncertainty: float = float(DEFAULT_WEIGHTS["uncertainty"])
    coverage_floor: float = float(DEFAULT_WEIGHTS["coverage_floor"])

    @classmethod
    def read(cls, path: str | Path | None) -> Weights:
        """Defaults, overridden by a JSON file's criteria, dimensions, uncertainty and floor."""
        weights = cls()
        if path is None:
            return weights
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(str(path), message("cannot_read_weights", detail=exc)) from None
        for part, known in (("criteria", CRITERIA), ("dimensions", DIMENSIONS)):
            given = doc.get(part, {})
            unknown = set(given) - set(known)
            bad = [k for k, v in given.items() if not isinstance(v, int | float) or v < 0]
            if unknown or bad:
                raise InputError(
                    str(path),
                    message(
                        "weights_bad",
                        part=part,
                        unknown=sorted(unknown),
                        bad=bad,
                        known=", ".join(known),
                    ),
                )
            getattr(weights, part).update({k: float(v) for k, v in given.items()})
        weights.uncertainty = float(doc.get("uncertainty", weights.uncertainty))
        weights.coverage_floor = float(doc.get("coverage_floor", weights.coverage_floor))
        if sum(weights.criteria.values()) <= 0:
            raise InputError(str(path), message("weights_zero"))
        return weights


def top_ranked(ranked: pd.DataFrame, top: int) -> pd.DataFrame:
    """The first ``top`` categories a ranking puts forward (those with enough evidence to be
    ranked come first, in rank order)."""
    return ranked[ranked["rank"].notna()].head(top)


def saliency(profile: CategoryProfile, context: CountryContext) -> dict[str, float | None]:
    """Salient risk 0-3 per dimension, or None when there is no evidence either way."""
    dims = dimensions()
    out: dict[str, float | None] = {}
    for name, risk in profile.dimensions.items():
        if risk.inherent is None:
            out[name] = None
            continue
        country = context.risks.get(name)
        likelihood = risk.inherent / 3 * (1.0 if country is None else 0.5 + 0.5 * country)
        severity = int(dims.loc[name, "severity"])
        score = severity * likelihood
        out[name] = max(score, float(risk.inherent)) if severity == 3 else score
    return out


def _risk(salient: dict[str, float | None], weights: Weights) -> tuple[float | None, float]:
    present = {
        d: v for d, v in salient.items() if v is not None and weights.dimensions.get(d, 0) > 0
    }
    total = sum(weights.dimensions[d] for d in present)
    coverage = len(present) / len(salient)
    if not present or total == 0:
        return None, coverage
    return sum(weights.dimensions[d] * v / 3 for d, v in present.items()) / total, coverage


def _quintile(values: pd.Series) -> pd.Series:
    ranks = values.rank(pct=True, method="average")
    return np.ceil(ranks * 5).clip(1, 5).astype(int)


def _scores(frame: pd.DataFrame, criteria: dict[str, float]) -> np.ndarray:
    cols = [c for c in CRITERIA if criteria.get(c, 0) > 0]
    w = np.array([criteria[c] for c in cols])
    x = frame[[f"{c}_norm" for c in cols]].to_numpy(dtype=float)
    present = ~np.isnan(x)
    x = np.nan_to_num(x)
    return (x * w).sum(axis=1) / np.maximum((present * w).sum(axis=1), 1e-12)


def _rank_bands(
    frame: pd.DataFrame, weights: Weights, draws: int, seed: int, top: int
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = [c for c in CRITERIA if weights.criteria.get(c, 0) > 0]
    base = np.array([weights.criteria[c] for c in cols]) / sum(weights.criteria[c] for c in cols)
    samples = rng.dirichlet(base * weights.uncertainty, size=draws)
    ranks = np.empty((draws, len(frame)), dtype=int)
    for i, sample in enumerate(samples):
        scores = _scores(frame, dict(zip(cols, sample, strict=True)))
        ranks[i] = (-scores).argsort().argsort() + 1
    return pd.DataFrame(
        {
            "rank_p5": np.percentile(ranks, 5, axis=0).astype(int),
            "rank_p95": np.percentile(ranks, 95, axis=0).astype(int),
            "p_top": (ranks <= top).mean(axis=0),
        },
        index=frame.index,
    )


def prioritise(
    spend_by_category: pd.DataFrame,
    country: str,
    *,
    weights: Weights | None = None,
    top: int = 3,
    draws: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Rank the classified categories of one country's spend (a ``cube`` by category, in USD)."""
    weights = weights or Weights()
    code3 = iso3(country) or country
    context = country_context(code3, indicators())
    frame = spend_by_category[spend_by_category.category_code.notna()].copy().reset_index(drop=True)
    if frame.empty:  # nothing classified: an empty ranking with every column
        extra = ["salient", "profile", "sources", "enough_evidence", "processes", "suppliers"]
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, *extra])
    frame["share"] = frame.amount / frame.amount.sum()
    profiles = [category_profile(c) for c in frame.category_code]
    salient = [saliency(p, context) for p in profiles]
    risks = [_risk(s, weights) for s in salient]
    frame["spend_quintile"] = _quintile(frame.amount)
    frame["spend_norm"] = (frame.spend_quintile - 1) / 4
    frame["risk_norm"] = [r[0] for r in risks]
    frame["risk_coverage"] = [r[1] for r in risks]
    per_process = frame.amount / frame.processes.clip(lower=1)
    frame["leverage_norm"] = per_process.rank(pct=True)
    frame["scope_norm"] = [
        NEUTRAL_SCOPE if p.scope_to_improve is None else p.scope_to_improve / 3 for p in profiles
    ]
    frame["scope_assumed_neutral"] = [p.scope_to_improve is None for p in profiles]
    frame["salient"] = salient
    frame["profile"] = profiles
    # Missing is not zero, and not a free pass: too little risk evidence, no rank.
    frame["enough_evidence"] = frame.risk_coverage >= weights.coverage_floor
    scored = frame[frame.enough_evidence].copy()
    scored["score"] = _scores(scored, weights.criteria)
    scored = scored.join(_rank_bands(scored, weights, draws, seed, top))
    scored = scored.sort_values("score", ascending=False)
    scored["rank"] = range(1, len(scored) + 1)
    unscored = frame[~frame.enough_evidence].sort_values("amount", ascending=False)
    frame = pd.concat([scored, unscored], ignore_index=True)
    frame.insert(0, "rank", frame.pop("rank").astype("Int64"))
    for column in ("rank_p5", "rank_p95"):
        frame[column] = frame[column].astype("Int64")
    from .reasons import reasons

    frame["reason_en"] = [reasons(row, context, "en") for row in frame.itertuples()]
    frame["reason_es"] = [reasons(row, context, "es") for row in frame.itertuples()]
    frame["sources"] = [_sources(p, context) for p in frame.profile]
    return frame


def _sources(profile: CategoryProfile, context: CountryContext) -> list[str]:
    found = {e.source for d in profile.dimensions.values() for e in d.evidence}
    found |= {e.source for ev in context.evidence.values() for e in ev}
    return sorted(found)
