"""Tender packages: the requirements that fit a category's salient risks, stage by stage, ready to
paste into a tender, with a supplier self-assessment questionnaire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..categories.taxonomy import taxonomy
from ..errors import InputError, Location
from ..messages import message
from ..refdata import bundled_json
from ..risk import saliency_of
from ..risk.countries import country_name, iso3
from ..risk.profiles import dimensions
from ..userfiles import read_mapping
from .document import Document, render_document

__all__ = ["library", "render", "salient_risks", "tender_document", "tender_package"]

SALIENT = 2.0  # saliency (0-3) from which a dimension calls for requirements
# The stages whose evidence comes from the supplier (the others are the buyer's own work).
SUPPLIER_STAGES = (
    "selection",
    "exclusion",
    "award",
    "contract_conditions",
    "remediation",
    "grievance",
)
LABELS = {
    "en": {
        "title": "Tender package",
        "risks": "Salient risks this package addresses",
        "none": "No dimension reaches the saliency threshold: only the general requirements apply.",
        "purpose": "Purpose",
        "text": "Requirement",
        "verification": "Verification",
        "evidence": "Evidence the supplier provides",
        "legal_note": "Legal note",
        "source": "Source of the idea",
        "basis": "Basis",
        "questionnaire": "Supplier self-assessment",
        "intro": "To be completed by the tenderer for each question: answer, and name the "
        "documents attached as evidence. False statements may be grounds for exclusion "
        "under national law.",
        "question": "Question",
        "answer": "Yes / Partly / No",
        "attached": "Evidence attached",
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
        "legal_note": "Nota jurídica",
        "source": "Origen de la idea",
        "basis": "Fundamento",
        "questionnaire": "Autoevaluación del proveedor",
        "intro": "A completar por el oferente para cada pregunta: responda e indique los "
        "documentos adjuntos como evidencia. Las declaraciones falsas pueden ser causal de "
        "exclusión según la ley nacional.",
        "question": "Pregunta",
        "answer": "Sí / En parte / No",
        "attached": "Evidencia adjunta",
        "can": "¿Puede aportar: {evidence}?",
    },
}


def _builtin() -> dict[str, Any]:
    return bundled_json("duediligence", "requirements.json")  # type: ignore[no-any-return]


def library(*extra: str | Path) -> dict[str, Any]:
    """The requirements library, with an agency's own files (JSON or YAML, a list under
    ``requirements``) added to it; a requirement with a built-in id replaces it, so an agency can
    adapt the text to its law."""
    lib = _builtin()
    if not extra:
        return lib
    merged = {r["id"]: r for r in lib["requirements"]}
    for path in extra:
        for r in _user_requirements(Path(path), lib["stages"]):
            merged[r["id"]] = r
    return {**lib, "requirements": list(merged.values())}


TEXTS = ("purpose", "text", "verification", "evidence", "legal_note")


def _user_requirements(path: Path, stages: dict[str, Any]) -> list[dict[str, Any]]:
    rows = read_mapping(path).get("requirements")
    if not isinstance(rows, list):
        raise InputError(str(path), message("requirements_not_list"))
    known = set(dimensions().index)
    for i, r in enumerate(rows):
        where = Location(pointer=f"/requirements/{i}")
        problem = _problem(r, stages, known)
        if problem:
            rid = r.get("id", "?") if isinstance(r, dict) else "?"
            raise InputError(
                str(path), message("requirement_problem", id=rid, reason=problem), where
            )
        r["categories"] = [str(c) for c in r.get("categories") or []]
    return rows


def _problem(r: Any, stages: dict[str, Any], known: set[str]) -> str | None:
    if not isinstance(r, dict) or not r.get("id"):
        return message("requirement_needs_id")
    if r.get("stage") not in stages:
        return message("bad_stage", stages=", ".join(stages), stage=repr(r.get("stage")))
    dims = r.get("dimensions")
    if not isinstance(dims, list) or not dims or not set(dims) <= known:
        return message("bad_dimensions", known=", ".join(sorted(known)))
    for key in TEXTS:
        text = r.get(key)
        if not isinstance(text, dict) or not text.get("en") or not text.get("es"):
            return message("needs_both_languages", field=key)
    return None if r.get("source") else message("needs_idea_source")


def salient_risks(code: str, country: str) -> dict[str, float]:
    """The dimensions at or above the saliency threshold, most salient first."""
    chosen = [(d, v) for d, v in saliency_of(code, country).items() if v >= SALIENT]
    return dict(sorted(chosen, key=lambda dv: -dv[1]))


def applies(requirement: dict[str, Any], code: str, salient: set[str], general: set[str]) -> bool:
    """A category-specific requirement applies to its categories; the others to the salient
    risks they address, and the general ones (every dimension) always."""
    categories = requirement.get("categories")
    if categories:
        return any(code.startswith(_prefix(c)) for c in categories)
    dims = set(requirement["dimensions"])
    return bool(dims & salient) or dims == general


def _prefix(code: str) -> str:
    """``42132200`` (a class written as a full code) means every code starting ``421322``."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def tender_package(
    code: str, country: str, lang: str = "en", extra: tuple[str | Path, ...] = ()
) -> dict[str, Any]:
    salient = salient_risks(code, country)
    lib = library(*extra)
    order = list(lib["stages"])
    general = set(dimensions().index)
    picked = [r for r in lib["requirements"] if applies(r, code, set(salient), general)]
    picked.sort(key=lambda r: order.index(r["stage"]))
    return {
        "category": code,
        "category_name": taxonomy().label(code, lang),
        "country": country_name(iso3(country) or country, lang),
        "salient": salient,
        "stages": lib["stages"],
        "requirements": picked,
        "basis": lib["basis"],
    }


def render(package: dict[str, Any], lang: str = "en", fmt: str = "md") -> str | bytes:
    """The package as Markdown, a self-contained HTML page or a Word document (bytes)."""
    return render_document(tender_document(package, lang), fmt)


def tender_document(p: dict[str, Any], lang: str) -> Document:
    t = LABELS[lang]
    names = dimensions()[f"name_{lang}"]
    doc = Document(f"{t['title']}: {p['category']} {p['category_name']} — {p['country']}", lang)
    doc.h(1, t["risks"])
    for d, v in p["salient"].items():
        doc.li(f"{names[d]}: {v:.1f}/3")
    if not p["salient"]:
        doc.p(t["none"])
    stage = None
    for r in p["requirements"]:
        if r["stage"] != stage:
            stage = r["stage"]
            doc.h(1, p["stages"][stage][lang])
        doc.h(2, r["id"])
        for label in TEXTS:
            doc.field(t[label], r[label][lang])
        doc.field(t["source"], r["source"])
    _questionnaire(doc, p, t, lang)
    doc.field(t["basis"], p["basis"][lang])
    return doc


def _questionnaire(doc: Document, p: dict[str, Any], t: dict[str, str], lang: str) -> None:
    doc.h(1, t["questionnaire"])
    doc.p(t["intro"])
    asked = [r for r in p["requirements"] if r["stage"] in SUPPLIER_STAGES]
    doc.table(
        ["#", t["question"], t["answer"], t["attached"]],
        [
            [str(i), f"{t['can'].format(evidence=r['evidence'][lang].rstrip('.'))} ({r['id']})"]
            + ["", ""]
            for i, r in enumerate(asked, start=1)
        ],
        widths=[0.8, 6, 2, 3.2],
    )
