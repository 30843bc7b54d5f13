"""Best-value bid evaluation (MEAT) with responsible-business-conduct criteria.

Price (or life-cycle cost) points come from a pluggable formula; quality points are the weighted
scores; bids below a criterion's minimum or the overall quality threshold are excluded. Formulas
that score a bid against the others (relative to the lowest) can reverse the order of two bids
when a third is added or removed (Stilger et al. 2017): the evaluation checks it and warns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..messages import message
from ..numbers import number, percent, plain
from ..userfiles import read_mapping

__all__ = ["FORMULAS", "Evaluation", "evaluate_bids", "read_tender"]

PriceFormula = Callable[[float, list[float], Mapping[str, Any]], float]

TEXTS = {
    "en": {
        "price": "price {price}: {weight} × {share} = {points} ({formula})",
        "below_minimum": "{name} {score} is below the minimum {minimum}",
        "below_threshold": "quality {quality} is below the threshold {threshold}",
        "reversal": "rank reversal: without {left_out}'s bid the order of the others becomes "
        "{new} (was {old})",
        "relative": "the {formula} formula scores each price against the others: adding or "
        "removing a bid can change the order of the rest; a linear formula between buyer-set "
        "bounds cannot",
        "linear": "linear",
        "relative_to_lowest": "relative to the lowest",
    },
    "es": {
        "price": "precio {price}: {weight} × {share} = {points} ({formula})",
        "below_minimum": "{name} {score} está por debajo del mínimo {minimum}",
        "below_threshold": "la calidad {quality} está por debajo del umbral {threshold}",
        "reversal": "inversión de rangos: sin la oferta de {left_out} el orden de las demás "
        "pasa a ser {new} (era {old})",
        "relative": "la fórmula {formula} puntúa cada precio frente a los demás: agregar o "
        "quitar una oferta puede cambiar el orden del resto; una fórmula lineal entre límites "
        "fijados por el comprador no",
        "linear": "lineal",
        "relative_to_lowest": "relativa al más bajo",
    },
}


def _t(lang: str, key: str, **values: Any) -> str:
    return TEXTS.get(lang, TEXTS["en"])[key].format(**values)


def _relative_to_lowest(price: float, prices: list[float], tender: Mapping[str, Any]) -> float:
    return min(prices) / price


def _linear(price: float, prices: list[float], tender: Mapping[str, Any]) -> float:
    low, high = tender["price_bounds"]
    return min(max((high - price) / (high - low), 0.0), 1.0)


# name: (share of the price weight a bid earns, depends on the other bids?)
FORMULAS: dict[str, tuple[PriceFormula, bool]] = {
    "relative_to_lowest": (_relative_to_lowest, True),
    "linear": (_linear, False),
}


@dataclass
class Evaluation:
    ranking: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def read_tender(path: str | Path) -> dict[str, Any]:
    """The tender and its bids from JSON, YAML or a workbook made from the template."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from .bids_xlsx import read_workbook

        tender = read_workbook(path)
    else:
        tender = read_mapping(path)
    problems = _problems(tender)
    if problems:
        raise InputError(str(path), "; ".join(problems))
    return tender


def _problems(t: Mapping[str, Any]) -> list[str]:
    out = []
    if t.get("price_formula") not in FORMULAS:
        out.append(message("bad_formula", formulas=", ".join(FORMULAS)))
    if t.get("price_formula") == "linear" and len(t.get("price_bounds", [])) != 2:
        out.append(message("linear_bounds"))
    try:
        weights = float(t.get("price_weight", 0)) + sum(
            float(c["weight"]) for c in t.get("criteria", [])
        )
    except (KeyError, TypeError, ValueError):
        return [*out, message("weights_not_numbers")]
    if abs(weights - 1) > 1e-9:
        out.append(message("weights_sum", total=f"{weights:g}"))
    if not all(isinstance(c, Mapping) and c.get("id") for c in t.get("criteria", [])):
        out.append(message("criterion_needs_id"))
        return out
    ids = {c["id"] for c in t.get("criteria", [])}
    for bid in t.get("bids", []):
        if float(bid.get("price", 0)) <= 0:
            out.append(message("bid_price", bidder=repr(bid.get("bidder"))))
        if set(bid.get("scores", {})) != ids:
            out.append(message("bid_scores", bidder=repr(bid.get("bidder")), criteria=sorted(ids)))
    return out


def _quality(
    bid: Mapping[str, Any], tender: Mapping[str, Any], lang: str = "en"
) -> tuple[float, list[str], list[str]]:
    points, lines, failures = 0.0, [], []
    for c in tender["criteria"]:
        score = float(bid["scores"][c["id"]])
        earned = float(c["weight"]) * 100 * score / float(c["max"])
        points += earned
        shown = {k: plain(float(c[k]), lang) for k in ("max", "minimum") if k in c}
        lines.append(
            f"{c['name']}: {plain(score, lang)}/{shown['max']} × "
            f"{plain(float(c['weight']) * 100, lang)} = {number(earned, 2, lang)}"
        )
        if score < float(c.get("minimum", 0)):
            failures.append(
                _t(
                    lang,
                    "below_minimum",
                    name=c["name"],
                    score=plain(score, lang),
                    minimum=shown["minimum"],
                )
            )
    quality_max = sum(float(c["weight"]) for c in tender["criteria"]) * 100
    threshold = float(tender.get("minimum_quality", 0))
    if quality_max and points / quality_max < threshold:
        failures.append(
            _t(
                lang,
                "below_threshold",
                quality=percent(points / quality_max, 0, lang),
                threshold=percent(threshold, 0, lang),
            )
        )
    return points, lines, failures


def _rank(tender: Mapping[str, Any], bids: list[Mapping[str, Any]], lang: str = "en") -> Evaluation:
    formula, _ = FORMULAS[tender["price_formula"]]
    qualified: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for bid in bids:
        quality, lines, failures = _quality(bid, tender, lang)
        entry = {
            "bidder": bid["bidder"],
            "price": float(bid["price"]),
            "quality": quality,
            "explanation": lines,
        }
        (excluded if failures else qualified).append(
            entry | ({"reasons": failures} if failures else {})
        )
    prices = [b["price"] for b in qualified]
    weight = float(tender["price_weight"]) * 100
    for b in qualified:
        share = formula(b["price"], prices, tender)
        b["price_points"] = weight * share
        price_line = _t(
            lang,
            "price",
            price=number(b["price"], 2, lang),
            weight=plain(weight, lang),
            share=number(share, 4, lang),
            points=number(b["price_points"], 2, lang),
            formula=_t(lang, tender["price_formula"]),
        )
        b["explanation"] = [price_line, *b["explanation"]]
        b["total"] = b["price_points"] + b["quality"]
    ranking = sorted(qualified, key=lambda b: -b["total"])
    for i, b in enumerate(ranking, start=1):
        b["rank"] = i
    return Evaluation(ranking, excluded)


def evaluate_bids(tender: Mapping[str, Any], lang: str = "en") -> Evaluation:
    """Score, exclude, rank and explain (in ``lang``); check whether removing any bid reverses
    two others."""
    bids = list(tender["bids"])
    result = _rank(tender, bids, lang)
    order = [b["bidder"] for b in result.ranking]
    for left_out in order:
        rest = [b for b in bids if b["bidder"] != left_out]
        new = [b["bidder"] for b in _rank(tender, rest, lang).ranking]
        old = [x for x in order if x != left_out]
        if new != old:
            result.warnings.append(
                _t(lang, "reversal", left_out=left_out, new=" > ".join(new), old=" > ".join(old))
            )
    if FORMULAS[tender["price_formula"]][1]:
        result.warnings.append(_t(lang, "relative", formula=_t(lang, tender["price_formula"])))
    return result
