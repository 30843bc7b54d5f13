"""Human-rights due diligence for the agency: the UNGP gap analysis (more to come: policy,
requirements library and tender packages)."""

from __future__ import annotations

from .gap import GapReport, compare, gap_analysis, questionnaire, read_answers, template
from .tender import library, render, tender_package

__all__ = [
    "GapReport",
    "compare",
    "gap_analysis",
    "library",
    "questionnaire",
    "read_answers",
    "render",
    "template",
    "tender_package",
]
