"""UNGP gap analysis: a scored, repeatable self-assessment with a prioritised roadmap.

Each question tests one or more Guiding Principles and has four maturity levels (0 absent to 3
leading), each described by what can be observed. Scores are weighted shares of the maximum, per
theme and overall; an unanswered question scores 0 and is listed as unanswered (missing is not a
pass). The roadmap orders the gaps by weight × levels missing; answers carry a date, so a second
assessment compared with the first shows progress.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["GapReport", "compare", "gap_analysis", "questionnaire", "read_answers", "template"]

MAX_LEVEL = 3


@functools.cache
def questionnaire() -> dict[str, Any]:
    path = resources.files("bestvalue") / "data" / "duediligence" / "ungp_questions.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def template(lang: str = "en") -> dict[str, Any]:
    """A blank answers file, each question shown with its levels to choose from."""
    q = questionnaire()
    return {
        "agency": "",
        "date": "YYYY-MM-DD",
        "answers": {
            item["id"]: {
                "level": None,
                "evidence": "",
                "question": item["text"][lang],
                "levels": {str(i): level[lang] for i, level in enumerate(item["levels"])},
            }
            for item in q["questions"]
        },
    }


def read_answers(path: str | Path) -> dict[str, Any]:
    try:
        doc: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the answers: {exc}") from None
    known = {item["id"] for item in questionnaire()["questions"]}
    for qid, answer in doc.get("answers", {}).items():
        if qid not in known:
            raise InputError(
                str(path), f"unknown question {qid!r}; questions: {', '.join(sorted(known))}"
            )
        level = answer.get("level") if isinstance(answer, dict) else answer
        if level is not None and level not in range(MAX_LEVEL + 1):
            raise InputError(
                str(path), f"question {qid}: level must be 0, 1, 2 or 3 (or null), not {level!r}"
            )
    return doc


def _level(doc: dict[str, Any], qid: str) -> int | None:
    answer = doc.get("answers", {}).get(qid)
    level = answer.get("level") if isinstance(answer, dict) else answer
    return None if level is None else int(level)


@dataclass
class GapReport:
    date: str
    overall: float
    themes: dict[str, float]
    roadmap: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


def gap_analysis(doc: dict[str, Any], lang: str = "en") -> GapReport:
    q = questionnaire()
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    roadmap, unanswered = [], []
    for item in q["questions"]:
        level = _level(doc, item["id"])
        weight = float(item["weight"])
        theme = item["theme"]
        possible[theme] = possible.get(theme, 0.0) + weight * MAX_LEVEL
        earned[theme] = earned.get(theme, 0.0) + weight * (level or 0)
        if level is None:
            unanswered.append(item["id"])
        if (level or 0) < MAX_LEVEL:
            roadmap.append(
                {
                    "question": item["id"],
                    "theme": q["themes"][theme][lang],
                    "principles": item["principles"],
                    "level": level,
                    "gap": weight * (MAX_LEVEL - (level or 0)),
                    "now": item["levels"][level or 0][lang] if level is not None else "—",
                    "next": item["levels"][(level or 0) + 1][lang],
                }
            )
    roadmap.sort(key=lambda r: (-r["gap"], r["question"]))
    themes = {q["themes"][k][lang]: 100 * earned[k] / possible[k] for k in possible}
    overall = 100 * sum(earned.values()) / sum(possible.values())
    return GapReport(str(doc.get("date", "")), overall, themes, roadmap, unanswered)


def compare(previous: GapReport, current: GapReport) -> dict[str, float]:
    """Points gained (or lost) per theme and overall since the previous assessment."""
    deltas = {
        theme: current.themes[theme] - previous.themes.get(theme, 0.0) for theme in current.themes
    }
    deltas["overall"] = current.overall - previous.overall
    return deltas
