"""The codes the core stores, as a reader sees them, in English and Spanish.

The warehouse and the data tables keep the code (``category_method`` = ``model``, a conversion
status ``no_rate``): one value whatever the reader's language. A page, a report or the command
line shows the label.
"""

from __future__ import annotations

from .messages import pick

__all__ = ["CATEGORY_METHODS", "FX_STATUSES", "KINDS", "label"]

# How an item got its category (items.category_method).
CATEGORY_METHODS: dict[str, dict[str, str]] = {
    "code": {"en": "Publisher's UNSPSC code", "es": "Código UNSPSC del publicador"},
    "crosswalk": {"en": "Crosswalk", "es": "Tabla de correspondencia"},
    "model": {"en": "Text classifier", "es": "Clasificador de texto"},
    "none": {"en": "Unclassified", "es": "Sin clasificar"},
}
# What a figure rests on: a risk dimension's status, an item of evidence's or a parameter's kind.
KINDS: dict[str, dict[str, str]] = {
    "evidence": {"en": "evidence", "es": "evidencia"},
    "assumption": {"en": "assumption", "es": "supuesto"},
    "missing": {"en": "missing", "es": "falta"},
    "given": {"en": "given", "es": "dado"},  # a parameter the user set
}
# Why an amount could not be converted to USD (spend lines' fx_status).
FX_STATUSES: dict[str, dict[str, str]] = {
    "no_rate": {"en": "no exchange rate", "es": "sin tipo de cambio"},
    "no_amount": {"en": "no amount", "es": "sin monto"},
    "no_date": {"en": "no date", "es": "sin fecha"},
    "no_currency": {"en": "no currency", "es": "sin moneda"},
}


def label(labels: dict[str, dict[str, str]], code: str | None, lang: str) -> str:
    """The label of ``code`` in ``lang`` (English where that language has none); an unknown
    code as it is."""
    entry = labels.get(code or "")
    return pick(entry, lang) if entry else str(code)
