"""The reason for a category's rank, in words, in English and Spanish."""

from __future__ import annotations

from typing import Any

from ..numbers import percent
from .profiles import CountryContext, dimensions

__all__ = ["reasons"]

TEXT = {
    "en": {
        "spend": "{share} of classified spend (quintile {q} of 5)",
        "salient": "salient risks: {items}",
        "none": "no risk evidence for this category (missing, not low)",
        "severe": "severe",
        "assumed": "rated by assumption",
        "listed": "ILAB lists {goods}",
        "scope": "scope to improve {s}/3",
        "scope_none": "scope to improve not rated (neutral assumed)",
        "thin": "Not ranked: risk evidence covers {c} of the dimensions ({spend}); add a "
        "goods mapping or a sector rating for this category.",
    },
    "es": {
        "spend": "{share} del gasto clasificado (quintil {q} de 5)",
        "salient": "riesgos salientes: {items}",
        "none": "sin evidencia de riesgo para esta categoría (falta, no es bajo)",
        "severe": "grave",
        "assumed": "valorado por supuesto",
        "listed": "ILAB incluye {goods}",
        "scope": "margen de mejora {s}/3",
        "scope_none": "margen de mejora sin valorar (se supone neutro)",
        "thin": "Sin rango: la evidencia de riesgo cubre el {c} de las dimensiones ({spend}); "
        "agregue una correspondencia con bienes o una valoración sectorial para esta categoría.",
    },
}


def _risk_phrase(row: Any, dim: str, score: float, lang: str) -> str:
    t = TEXT[lang]
    name = dimensions().loc[dim, f"name_{lang}"].lower()
    risk = row.profile.dimensions[dim]
    bits = [t["severe"]] if score >= 2.5 else []
    goods = sorted(
        {
            e.text(lang).split(" — ")[0]
            for e in risk.evidence
            if e.source == "ilab_goods" and " — " in e.detail
        }
    )
    if goods:
        bits.append(t["listed"].format(goods=", ".join(goods[:3])))
    elif risk.status == "assumption":
        bits.append(t["assumed"])
    return f"{name} ({'; '.join(bits)})" if bits else name


def reasons(row: Any, context: CountryContext, lang: str) -> str:
    """One sentence: spend, the two or three most salient risks with their evidence, scope."""
    t = TEXT[lang]
    share = "<1%" if 0 < row.share < 0.01 else f"{row.share:.0%}"
    parts = [t["spend"].format(share=share, q=row.spend_quintile)]
    if not row.enough_evidence:
        return t["thin"].format(spend=parts[0], c=percent(row.risk_coverage, 0, lang))
    ranked = sorted(((v, d) for d, v in row.salient.items() if v is not None), reverse=True)
    if ranked:
        parts.append(
            t["salient"].format(
                items=", ".join(_risk_phrase(row, d, v, lang) for v, d in ranked[:3])
            )
        )
    else:
        parts.append(t["none"])
    scope = row.profile.scope_to_improve
    parts.append(t["scope_none"] if scope is None else t["scope"].format(s=scope))
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
