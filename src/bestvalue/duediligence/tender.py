"""Tender packages: the requirements that fit a category's salient risks, stage by stage, ready to
paste into a tender, with a supplier self-assessment questionnaire."""

from __future__ import annotations

import functools
import json
from html import escape
from importlib import resources
from typing import Any

from ..categories.taxonomy import taxonomy
from ..errors import BestValueError
from ..risk import category_profile, country_context, saliency
from ..risk.countries import country_name, iso3
from ..risk.profiles import dimensions

__all__ = ["library", "render", "tender_package"]

SALIENT = 2.0
# The stages whose evidence comes from the supplier (the others are the buyer's own work).
SUPPLIER_STAGES = (
    "selection",
    "exclusion",
    "award",
    "contract_conditions",
    "remediation",
    "grievance",
)  # saliency (0-3) from which a dimension calls for requirements
LABELS = {
    "en": {
        "title": "Tender package",
        "risks": "Salient risks this package addresses",
        "none": "No dimension reaches the saliency threshold: only the general requirements apply.",
        "purpose": "Purpose",
        "text": "Requirement",
        "verification": "Verification",
        "evidence": "Evidence the supplier provides",
        "legal": "Legal note",
        "source": "Source of the idea",
        "questionnaire": "Supplier self-assessment",
        "answer": "Yes / Partly / No — evidence attached:",
        "can": "Can you provide: {evidence}",
    },
    "es": {
        "title": "Paquete de licitación",
        "risks": "Riesgos salientes que aborda este paquete",
        "none": "Ninguna dimensión alcanza el umbral de saliencia: solo se aplican los "
        "requisitos generales.",
        "purpose": "Propósito",
        "text": "Requisito",
        "verification": "Verificación",
        "evidence": "Evidencia que aporta el proveedor",
        "legal": "Nota jurídica",
        "source": "Origen de la idea",
        "questionnaire": "Autoevaluación del proveedor",
        "answer": "Sí / En parte / No — evidencia adjunta:",
        "can": "¿Puede aportar: {evidence}?",
    },
}


@functools.cache
def library() -> dict[str, Any]:
    path = resources.files("bestvalue") / "data" / "duediligence" / "requirements.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def tender_package(code: str, country: str, lang: str = "en") -> dict[str, Any]:
    code3 = iso3(country)
    if code3 is None:
        raise BestValueError(f"{country!r} is not an ISO 3166 country code")
    salient = saliency(category_profile(code), country_context(code3))
    chosen = {d for d, v in salient.items() if v is not None and v >= SALIENT}
    lib = library()
    order = list(lib["stages"])
    general = set(dimensions().index)  # requirements listing every dimension apply to all
    picked = [
        r
        for r in lib["requirements"]
        if set(r["dimensions"]) & chosen or set(r["dimensions"]) == general
    ]
    picked.sort(key=lambda r: order.index(r["stage"]))
    return {
        "category": code,
        "category_name": taxonomy().label(code, lang),
        "country": country_name(code3, lang),
        "salient": {d: salient[d] for d in sorted(chosen, key=lambda d: -(salient[d] or 0))},
        "stages": lib["stages"],
        "requirements": picked,
        "basis": lib["basis"],
    }


def render(package: dict[str, Any], lang: str = "en", fmt: str = "md") -> str:
    """The package as Markdown or as a self-contained HTML page."""
    lines = _markdown(package, lang)
    if fmt == "md":
        return "\n".join(lines) + "\n"
    body = []
    for line in lines:
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<p>• {escape(line[2:])}</p>")
        elif line:
            body.append(f"<p>{escape(line).replace('**', '')}</p>")
    title = escape(f"{LABELS[lang]['title']}: {package['category']} {package['category_name']}")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _markdown(p: dict[str, Any], lang: str) -> list[str]:
    t = LABELS[lang]
    names = dimensions()[f"name_{lang}"]
    lines = [
        f"# {t['title']}: {p['category']} {p['category_name']} — {p['country']}",
        "",
        f"## {t['risks']}",
        "",
    ]
    lines += [f"- {names[d]}: {v:.1f}/3" for d, v in p["salient"].items()] or [t["none"]]
    stage = None
    for r in p["requirements"]:
        if r["stage"] != stage:
            stage = r["stage"]
            lines += ["", f"## {p['stages'][stage][lang]}"]
        lines += ["", f"### {r['id']}"]
        for label, value in (
            ("purpose", r["purpose"][lang]),
            ("text", r["text"][lang]),
            ("verification", r["verification"][lang]),
            ("evidence", r["evidence"][lang]),
            ("legal", r["legal_note"][lang]),
            ("source", r["source"]),
        ):
            lines += ["", f"**{t[label]}:** {value}"]
    lines += ["", f"## {t['questionnaire']}", ""]
    asked = [r for r in p["requirements"] if r["stage"] in SUPPLIER_STAGES]
    for i, r in enumerate(asked, start=1):
        lines += [
            f"{i}. {t['can'].format(evidence=r['evidence'][lang].rstrip('.'))} ({r['id']})",
            f"   {t['answer']}",
            "",
        ]
    return lines
