"""Categories: every item placed in UNSPSC by its code, a crosswalk or the text model, or
honestly left unclassified."""

from __future__ import annotations

from .classify import ClassifyReport, classify, ensure_classified, needs_classifying
from .evaluate import Evaluation, evaluate
from .taxonomy import LEVELS, Taxonomy, at_level, taxonomy, unspsc_code

evaluate_classifier = evaluate

__all__ = [
    "LEVELS",
    "ClassifyReport",
    "Evaluation",
    "Taxonomy",
    "at_level",
    "classify",
    "ensure_classified",
    "evaluate",
    "evaluate_classifier",
    "needs_classifying",
    "taxonomy",
    "unspsc_code",
]
