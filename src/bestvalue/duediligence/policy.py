"""A model human-rights policy for a procurement agency (pilot 4.3.2), assembled from its gap
analysis and its prioritised categories.

Why assembled rather than blank: a policy that names the agency's own priority categories and
commits to close the gaps its own assessment found is one the agency can act on; the fixed text
follows what Guiding Principle 16 asks a policy commitment to contain. Bracketed fields (unit,
months, approver) are for the agency to fill: bestvalue does not invent them.
"""

from __future__ import annotations

from typing import Any

from ..categories.taxonomy import taxonomy
from ..refdata import bundled_json
from ..risk.countries import country_name, iso3
from ..risk.profiles import dimensions
from .document import Document
from .gap import GapReport, gap_analysis, questionnaire
from .tender import library, salient_risks

__all__ = ["ESTABLISHED", "model_policy"]

ESTABLISHED = 2  # gaps below this maturity level become commitments in the policy
LABELS = {
    "en": {
        "category": "Category",
        "risks": "Salient risks",
        "none": "none above the threshold",
        "no_categories": "[The agency lists its priority categories here: run a prioritisation "
        "on its procurement data.]",
        "no_gaps": "The gap analysis found no question below the established level.",
        "no_analysis": "[Run the UNGP gap analysis: its gaps become the "
        "agency's commitments here.]",
        "basis": "Basis",
        "target": "target date: [date]",
    },
    "es": {
        "category": "Categoría",
        "risks": "Riesgos salientes",
        "none": "ninguno sobre el umbral",
        "no_categories": "[La agencia enumera aquí sus categorías prioritarias: ejecute una "
        "priorización sobre sus datos de compras.]",
        "no_gaps": "El análisis de brechas no encontró preguntas por debajo del nivel establecido.",
        "no_analysis": "[Realice el "
        "análisis de brechas frente a los Principios Rectores: sus brechas se convierten aquí en "
        "compromisos de la agencia.]",
        "basis": "Fundamento",
        "target": "fecha meta: [fecha]",
    },
}


def _model() -> dict[str, Any]:
    return bundled_json("duediligence", "policy.json")  # type: ignore[no-any-return]


def model_policy(
    agency: str,
    country: str,
    categories: list[str] | tuple[str, ...] = (),
    answers: dict[str, Any] | None = None,
    lang: str = "en",
) -> Document:
    """The policy: fixed sections, the procurement-cycle duties, the priority ``categories``
    (UNSPSC codes) with their salient risks in ``country``, and the gaps of ``answers`` below the
    established level as dated commitments."""
    model, t = _model(), LABELS[lang]
    report = gap_analysis(answers, lang) if answers is not None else None
    place = country_name(iso3(country) or country, lang)
    values = {"agency": agency or "[agency]", "country": place, "date": (report and report.date)}
    doc = Document(model["title"][lang].format(**values), lang)
    for section in model["sections"]:
        doc.h(1, section["heading"][lang])
        for paragraph in section["paragraphs"]:
            doc.p(paragraph[lang].format(**values))
        if section.get("stages"):
            _stages(doc, model, lang)
        if section.get("categories"):
            _categories(doc, categories, country, t, lang)
        if section.get("actions"):
            _actions(doc, report, t)
    doc.field(t["basis"], model["basis"][lang])
    return doc


def _stages(doc: Document, model: dict[str, Any], lang: str) -> None:
    stages = library()["stages"]
    for key, duty in model["stage_duties"].items():
        doc.li(f"{stages[key][lang]}: {duty[lang]}.")


def _categories(
    doc: Document, codes: list[str] | tuple[str, ...], country: str, t: dict[str, str], lang: str
) -> None:
    if not codes:
        doc.p(t["no_categories"])
        return
    names = dimensions()[f"name_{lang}"]
    rows = []
    for code in codes:
        risks = ", ".join(names[d] for d in salient_risks(code, country)) or t["none"]
        rows.append([f"{code} {taxonomy().label(code, lang)}", risks])
    doc.table([t["category"], t["risks"]], rows, widths=[2, 3])


def _actions(doc: Document, report: GapReport | None, t: dict[str, str]) -> None:
    if report is None:
        doc.p(t["no_analysis"])
        return
    gaps = [r for r in report.roadmap if (r["level"] or 0) < ESTABLISHED]
    levels = {item["id"]: item["levels"] for item in questionnaire()["questions"]}
    for r in gaps:
        goal = levels[r["question"]][ESTABLISHED][doc.lang].rstrip(".")
        doc.li(f"{goal} ({r['question']}, {r['principles']}; {t['target']}).", numbered=True)
    if not gaps:
        doc.p(t["no_gaps"])
