"""Human-rights due diligence for the agency (pilot 4.3): the UNGP gap analysis, the model
policy, the requirements library and the tender packages built from it."""

from __future__ import annotations

from .document import FORMATS, Document, render_document
from .gap import (
    GapReport,
    compare,
    gap_analysis,
    gap_document,
    questionnaire,
    read_answers,
    template,
)
from .policy import model_policy
from .tender import library, render, salient_risks, tender_document, tender_package

__all__ = [
    "FORMATS",
    "Document",
    "GapReport",
    "compare",
    "gap_analysis",
    "gap_document",
    "library",
    "model_policy",
    "questionnaire",
    "read_answers",
    "render",
    "render_document",
    "salient_risks",
    "template",
    "tender_document",
    "tender_package",
]
