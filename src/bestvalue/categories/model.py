"""The text classifier for items with no usable code.

A nearest-neighbour vote over TF-IDF vectors (character 3-5-grams plus words, accents and plurals
folded) of two corpora: the UNSPSC titles in English, Spanish, Portuguese and French, and the
coded items of the warehouse itself, which speak the publisher's own language. It predicts a
family; when the neighbours agree only on the segment it answers at segment level; when they do
not agree enough, or nothing similar exists, it abstains ("unclassified") instead of guessing.
Nothing is downloaded: the titles ship in the package and the rest is the agency's own data.

The defaults (20 neighbours, similarity to the 4th power so the closest count most, the agency's
own coded items weighted 5 times the titles, threshold 0.8) were chosen by cross-validation on
the real samples among 12 configurations; `bestvalue classify --evaluate` measures them on yours.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scikit-learn and SciPy load in about a second: only when a model is built
    import scipy.sparse as sp

from .taxonomy import LANGUAGES, Taxonomy, at_level, level_of, taxonomy

__all__ = ["DEFAULT_THRESHOLD", "Prediction", "TextClassifier", "Vote", "normalise_text"]

DEFAULT_THRESHOLD = 0.8
MIN_SIMILARITY = 0.3
_WORD = re.compile(r"[a-z0-9]+")


def normalise_text(text: str) -> str:
    """Lower case, no accents, plural endings folded ("Martillos" and "martillo" meet)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"(es|s)$", "", w) if len(w) > 4 else w for w in _WORD.findall(plain))


@dataclass(frozen=True)
class Prediction:
    code: str | None
    confidence: float


def title_corpus(tax: Taxonomy) -> tuple[list[str], list[str]]:
    """Every family, class and commodity title in every language, labelled with its family."""
    texts, labels = [], []
    for code, names in tax.titles.items():
        if level_of(code) == "segment":
            continue
        family = at_level(code, "family")
        parent = (
            tax.titles.get(at_level(code, "class"), {}) if level_of(code) == "commodity" else {}
        )
        for lang in LANGUAGES:
            if lang in names:
                texts.append(f"{names[lang]} {parent.get(lang, '')}")
                labels.append(family)
    return texts, labels


class TextClassifier:
    def __init__(
        self,
        k: int = 20,
        threshold: float = DEFAULT_THRESHOLD,
        power: float = 4.0,
        data_weight: float = 5.0,
    ) -> None:
        self.k = k
        self.threshold = threshold
        self.power = power  # > 1 lets the closest neighbours count more
        self.data_weight = data_weight  # > 1 lets the agency's own coded items count more
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self._vectoriser = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
                ),
                ("words", TfidfVectorizer(analyzer="word", sublinear_tf=True)),
            ]
        )

    def fit(
        self, texts: Sequence[str], families: Sequence[str], tax: Taxonomy | None = None
    ) -> TextClassifier:
        """Learn from the coded items (``families``: 8-digit family codes) and the titles."""
        title_texts, title_labels = title_corpus(tax or taxonomy())
        corpus = [normalise_text(t) for t in [*title_texts, *texts]]
        self._labels = np.array([*title_labels, *families])
        self._boost = np.where(
            np.arange(len(self._labels)) >= len(title_labels), self.data_weight, 1.0
        )
        import scipy.sparse as sp

        self._matrix = sp.csr_matrix(self._vectoriser.fit_transform(corpus))
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [vote.decide(self.threshold) for vote in self.votes(texts)]

    def votes(self, texts: Sequence[str], chunk: int = 512) -> list[Vote]:
        """The neighbours' verdict for each text, before any threshold is applied."""
        out: list[Vote] = []
        for start in range(0, len(texts), chunk):
            batch = [normalise_text(t) for t in texts[start : start + chunk]]
            sims = (self._vectoriser.transform(batch) @ self._matrix.T).tocsr()
            out.extend(self._vote(sims.getrow(i)) for i in range(sims.shape[0]))
        return out

    def _vote(self, row: sp.csr_matrix) -> Vote:
        if row.nnz == 0 or row.data.max() < MIN_SIMILARITY:
            return Vote("", 0.0, "", 0.0)
        top = np.argsort(-row.data)[: self.k]
        votes: dict[str, float] = {}
        idx = row.indices[top]
        weights = row.data[top] ** self.power * self._boost[idx]
        for family, weight in zip(self._labels[idx], weights, strict=True):
            votes[str(family)] = votes.get(str(family), 0.0) + float(weight)
        total = sum(votes.values())
        segments: dict[str, float] = {}
        for fam, weight in votes.items():
            segments[fam[:2]] = segments.get(fam[:2], 0.0) + weight
        family = max(votes, key=lambda f: votes[f])
        segment = max(segments, key=lambda s: segments[s])
        return Vote(family, votes[family] / total, segment.ljust(8, "0"), segments[segment] / total)


@dataclass(frozen=True)
class Vote:
    family: str
    family_share: float
    segment: str
    segment_share: float

    def decide(self, threshold: float) -> Prediction:
        """The family if enough neighbours agree on it, else the segment, else abstain."""
        if self.family and self.family_share >= threshold:
            return Prediction(self.family, self.family_share)
        if self.segment and self.segment_share >= threshold:
            return Prediction(self.segment, self.segment_share)
        return Prediction(None, self.segment_share)
