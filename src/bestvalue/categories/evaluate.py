"""Cross-validated accuracy of the text classifier on the warehouse's own coded items.

The coded items are split into folds by their normalised text, so the same description never
sits on both sides (items repeat across tender, award and contract: a random split would flatter
the model). For each fold the model learns from the titles and the other folds, then classifies
the held-out texts as if they had no code. Accuracy is reported among the answers it gives, at
segment and family level, beside coverage (the share it answers at all) for several thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..warehouse.base import Warehouse
from .classify import _item_key, _keys, coded_examples
from .model import TextClassifier, Vote, normalise_text
from .recognise import Crosswalk, recognise
from .taxonomy import at_level, taxonomy

__all__ = ["Evaluation", "ThresholdResult", "evaluate", "evaluate_examples"]

THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class ThresholdResult:
    threshold: float
    coverage: float
    segment_accuracy: float | None
    family_accuracy: float | None
    answered: int


@dataclass
class Evaluation:
    examples: int
    distinct_texts: int
    folds: int
    results: list[ThresholdResult] = field(default_factory=list)

    def best_threshold(self, goal: float = 0.9) -> float | None:
        """The lowest threshold whose segment accuracy meets ``goal`` (most coverage)."""
        for r in self.results:
            if r.segment_accuracy is not None and r.segment_accuracy >= goal:
                return r.threshold
        return None


def _score(votes: list[Vote], truth: list[str], threshold: float) -> ThresholdResult:
    answered = seg_ok = fam_ok = fam_answered = 0
    for vote, family in zip(votes, truth, strict=True):
        p = vote.decide(threshold)
        if p.code is None:
            continue
        answered += 1
        seg_ok += p.code[:2] == family[:2]
        if at_level(p.code, "family") == p.code and p.code[2:4] != "00":
            fam_answered += 1
            fam_ok += p.code == family
    n = len(truth)
    return ThresholdResult(
        threshold,
        answered / n if n else 0.0,
        seg_ok / answered if answered else None,
        fam_ok / fam_answered if fam_answered else None,
        answered,
    )


def evaluate_examples(
    texts: Sequence[str], families: Sequence[str], folds: int = 5, **model: Any
) -> Evaluation:
    groups = [normalise_text(t) for t in texts]
    distinct = len(set(groups))
    folds = min(folds, distinct)
    evaluation = Evaluation(len(texts), distinct, folds)
    if folds < 2:
        return evaluation
    votes: list[Vote | None] = [None] * len(texts)
    tax = taxonomy()
    from sklearn.model_selection import GroupKFold  # loads in about a second: only here

    for train, test in GroupKFold(folds).split(np.zeros(len(texts)), groups=groups):
        classifier = TextClassifier(**model).fit(
            [texts[i] for i in train], [families[i] for i in train], tax=tax
        )
        for i, vote in zip(test, classifier.votes([texts[i] for i in test]), strict=True):
            votes[i] = vote
    done = [v for v in votes if v is not None]
    evaluation.results = [_score(done, list(families), t) for t in THRESHOLDS]
    return evaluation


def evaluate(wh: Warehouse, crosswalks: Sequence[str | Path] = (), folds: int = 5) -> Evaluation:
    """Cross-validate the classifier on the coded items of ``wh``."""
    walk = Crosswalk.read(crosswalks)
    found = [recognise(_item_key(k), walk) for k in _keys(wh)]
    return evaluate_examples(*coded_examples(found), folds=folds)
