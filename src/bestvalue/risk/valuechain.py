"""Value chains: from raw materials to delivery and end of life, with goods, countries and risks.

Tier 1 (delivery) countries come from the suppliers in the agency's own data; deeper tiers from
the ILAB goods that the curated map puts in the category, and the countries the List names for
them, the Americas first, as the pilot asks. Each tier lists its salient risks with their
evidence; a tier with no evidence says so.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import refdata
from ..categories.taxonomy import taxonomy
from ..labels import KINDS, label
from ..numbers import number
from .countries import AMERICAS, country_name, iso3_of_name
from .profiles import (
    LABOUR,
    Evidence,
    _goods_of,
    category_profile,
    country_context,
    dimensions,
    good_name,
)

__all__ = ["TIERS", "Tier", "ValueChain", "render", "rows", "value_chain"]

TIERS = {
    "raw_materials": ("Raw materials", "Materias primas"),
    "manufacturing": ("Processing and manufacturing", "Procesamiento y fabricación"),
    "logistics": ("Logistics", "Logística"),
    "delivery": ("Delivery to the buyer (tier 1)", "Entrega al comprador (nivel 1)"),
    "end_of_life": ("Use and end of life", "Uso y fin de vida"),
}
_SECTOR_TIER = {
    "Agriculture": "raw_materials",
    "Mining": "raw_materials",
    "Manufacturing": "manufacturing",
}
TRANSPORT = "78000000"
NOTES = {
    "no_goods": (
        "no goods mapped to this category (services, or a gap in the map)",
        "ningún bien asignado a esta categoría (servicios, o un vacío en la correspondencia)",
    ),
    "transport": (
        "transport sector ratings (UNSPSC 78), not specific to this category",
        "valoraciones del sector transporte (UNSPSC 78), no propias de esta categoría",
    ),
    "no_suppliers": (
        "no supplier country in the data",
        "ningún país de proveedor en los datos",
    ),
    "no_evidence": ("no evidence for this tier", "sin evidencia para este nivel"),
}
CONTEXT = {
    "en": "{country}: country context {value} (0 best, 1 worst)",
    "es": "{country}: contexto del país {value} (0 mejor, 1 peor)",
}


@dataclass
class Risk:
    dimension: str
    score: int
    evidence: list[Evidence]
    kind: str  # evidence | assumption

    def said(self, lang: str) -> list[str]:
        """The evidence in ``lang``."""
        return [e.text(lang) for e in self.evidence]


@dataclass
class Tier:
    key: str
    goods: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO3, the Americas first
    risks: list[Risk] = field(default_factory=list)
    note: str = ""  # a key of NOTES

    def note_in(self, lang: str) -> str:
        return NOTES[self.note][lang == "es"] if self.note else ""


@dataclass
class ValueChain:
    code: str
    tiers: list[Tier]
    supplier_countries: pd.DataFrame | None = None


def _americas_first(codes: set[str]) -> list[str]:
    return sorted(codes, key=lambda c: (c not in AMERICAS, c))


def _goods_tiers(code: str) -> dict[str, Tier]:
    tiers = {key: Tier(key) for key in ("raw_materials", "manufacturing")}
    goods = set(_goods_of(code).good)
    ilab = refdata.load("risk", "ilab_goods")
    for good in sorted(goods):
        rows = ilab[ilab.good == good]
        sector = rows.sector.iloc[0] if len(rows) else "Manufacturing"
        tier = tiers[_SECTOR_TIER.get(sector, "manufacturing")]
        tier.goods.append(good)
        for dim, column in LABOUR.items():
            listed = rows[rows[column] == "Yes"]
            codes = {c for c in (iso3_of_name(n) for n in listed.country) if c}
            tier.countries = _americas_first(set(tier.countries) | codes)
            if codes:
                score = 3 if codes & AMERICAS or len(codes) >= 3 else 2
                tier.risks.append(Risk(dim, score, [_listed(good, codes)], "evidence"))
    for tier in tiers.values():
        tier.risks = _merge(tier.risks)
        if not tier.goods:
            tier.note = "no_goods"
    return tiers


def _listed(good: str, codes: set[str]) -> Evidence:
    """'ILAB: good — countries', the Americas first, in English and in Spanish."""
    return Evidence.said(
        "ilab_goods",
        lambda lang: (
            f"ILAB: {good_name(good, lang)} — "
            + ", ".join(country_name(c, lang) for c in _americas_first(codes)[:6])
        ),
    )


def _merge(risks: list[Risk]) -> list[Risk]:
    """One risk per dimension: the highest score, all the evidence."""
    merged: dict[str, Risk] = {}
    for risk in risks:
        found = merged.setdefault(risk.dimension, Risk(risk.dimension, 0, [], risk.kind))
        found.score = max(found.score, risk.score)
        found.evidence += risk.evidence
    return sorted(merged.values(), key=lambda r: -r.score)


def _rated(code: str, dims: tuple[str, ...]) -> list[Risk]:
    profile = category_profile(code)
    out = []
    for dim in dims:
        risk = profile.dimensions[dim]
        assumed = [e for e in risk.evidence if e.kind == "assumption"]
        if risk.inherent is not None and assumed:
            out.append(Risk(dim, risk.inherent, assumed, "assumption"))
    return out


def _context(country: str, value: float) -> Evidence:
    """The tier-1 country's context on a dimension, in English and in Spanish."""
    return Evidence.said(
        "country_context",
        lambda lang: CONTEXT[lang].format(
            country=country_name(country, lang), value=number(value, 2, lang)
        ),
    )


def value_chain(code: str, supplier_countries: pd.DataFrame | None = None) -> ValueChain:
    """The category's value chain; ``supplier_countries`` (iso3, amount) comes from the data."""
    tiers = _goods_tiers(code)
    logistics = Tier("logistics", risks=_rated(TRANSPORT, ("health_safety", "working_conditions")))
    logistics.note = "transport"
    delivery = Tier("delivery")
    if supplier_countries is not None and len(supplier_countries):
        delivery.countries = [c for c in supplier_countries.iso3 if c]
    else:
        delivery.note = "no_suppliers"
    service = tuple(d for d in dimensions().index if d not in LABOUR and d != "environment")
    delivery.risks = _rated(code, service)
    for risk in delivery.risks:
        for country in delivery.countries[:1]:
            value = country_context(country).risks.get(risk.dimension)
            if value is not None:
                risk.evidence.append(_context(country, value))
    end = Tier("end_of_life", risks=_rated(code, ("environment",)))
    if not end.risks:
        end.note = "no_evidence"
    return ValueChain(
        code,
        [tiers["raw_materials"], tiers["manufacturing"], logistics, delivery, end],
        supplier_countries,
    )


def rows(chain: ValueChain, lang: str = "en") -> list[dict[str, str]]:
    """The chain as table rows: tier, goods, countries, risks with evidence."""
    names = dimensions()[f"name_{lang}"]
    out = []
    for tier in chain.tiers:
        risks = "; ".join(
            f"{names[r.dimension]} {r.score}/3 ({label(KINDS, r.kind, lang)}): "
            + " | ".join(r.said(lang)[:2])
            for r in tier.risks
        )
        out.append(
            {
                "tier": TIERS[tier.key][0 if lang == "en" else 1],
                "goods": ", ".join(good_name(g, lang) for g in tier.goods),
                "countries": ", ".join(country_name(c, lang) for c in tier.countries[:12]),
                "risks": risks or tier.note_in(lang),
            }
        )
    return out


LEGEND = {
    "en": "Risk 0-3 (3 critical). * assumption (bestvalue curation); "
    "others: US DOL ILAB List of Goods 2022.",
    "es": "Riesgo 0-3 (3 crítico). * supuesto (curaduría de bestvalue); "
    "resto: Lista de Bienes de ILAB (EE. UU.) 2022.",
}
COLOURS = {0: "#f2f2f2", 1: "#fde0a6", 2: "#f6a04d", 3: "#c2372b"}


def render(chain: ValueChain, path: str, lang: str = "en") -> None:
    """Draw the chain left to right (one box per tier, goods, countries, risk badges) to an SVG
    or PNG file, by its extension."""
    from .charts import _plt

    plt = _plt()
    fig, ax = plt.subplots(figsize=(12, 7))
    ax.set_xlim(0, 5 * 3.1)
    ax.set_ylim(0, 10)
    ax.axis("off")
    ax.set_title(f"{chain.code} {taxonomy().label(chain.code, lang)}", loc="left", fontsize=13)
    for i, tier in enumerate(chain.tiers):
        _draw_tier(ax, tier, i * 3.1 + 0.1, lang, arrow=i > 0)
    ax.text(0.1, 0.15, LEGEND[lang], fontsize=8, color="#333")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _draw_tier(ax: Any, tier: Tier, x: float, lang: str, arrow: bool) -> None:
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    names = dimensions()[f"name_{lang}"]
    ax.add_patch(
        FancyBboxPatch((x, 0.6), 2.7, 9.0, boxstyle="round,pad=0.05", fc="white", ec="#333")
    )
    if arrow:
        ax.add_patch(
            FancyArrowPatch((x - 0.35, 5), (x - 0.05, 5), arrowstyle="-|>", mutation_scale=14)
        )
    heading = textwrap.fill(TIERS[tier.key][0 if lang == "en" else 1], 17)
    ax.text(x + 0.1, 9.4, heading, fontsize=10.5, weight="bold", va="top")
    y = 8.4
    for good in tier.goods[:6]:
        ax.text(x + 0.1, y, textwrap.shorten(good_name(good, lang), 28), fontsize=9.5, va="top")
        y -= 0.38
    if tier.countries:
        shown = ", ".join(country_name(c, lang) for c in tier.countries[:3])
        more = "…" if len(tier.countries) > 3 else ""
        ax.text(
            x + 0.1, y, textwrap.shorten(shown, 26) + more, fontsize=9, style="italic", va="top"
        )
        y -= 0.5
    for risk in tier.risks[:7]:
        box = FancyBboxPatch((x + 0.1, y - 0.82), 2.5, 0.78, boxstyle="round,pad=0.02", ec="none")
        box.set_facecolor(COLOURS[risk.score])
        ax.add_patch(box)
        colour = "white" if risk.score == 3 else "black"
        star = " *" if risk.kind == "assumption" else ""
        label = textwrap.fill(f"{risk.score}/3{star} {names[risk.dimension]}", 25, max_lines=2)
        ax.text(x + 0.18, y - 0.08, label, fontsize=8, va="top", color=colour, linespacing=1.1)
        goods = sorted(
            {e.split(" — ")[0].removeprefix("ILAB: ") for e in risk.said(lang) if " — " in e}
        )
        if goods:
            shown = textwrap.shorten(", ".join(goods), 30, placeholder="…")
            ax.text(x + 0.18, y - 0.7, shown, fontsize=7, va="center", color=colour)
        y -= 0.9
    if not tier.risks and tier.note:
        note = textwrap.fill(tier.note_in(lang), 36)
        ax.text(x + 0.1, y, note, fontsize=7.5, color="#555", va="top")
