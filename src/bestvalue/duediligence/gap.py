"""UNGP gap analysis: a scored, repeatable self-assessment with a prioritised roadmap.

Each question tests one or more Guiding Principles and has four maturity levels (0 absent to 3
leading), each described by what can be observed. Scores are weighted shares of the maximum, per
theme and overall; an unanswered question scores 0 and is listed as unanswered (missing is not a
pass). The roadmap orders the gaps by weight × levels missing; answers carry a date, so a second
assessment compared with the first shows progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from ..messages import message
from ..refdata import bundled_json
from ..userfiles import read_mapping
from .document import Document

__all__ = [
    "GapReport",
    "compare",
    "gap_analysis",
    "gap_document",
    "questionnaire",
    "read_answers",
    "template",
]

MAX_LEVEL = 3


def questionnaire() -> dict[str, Any]:
    return bundled_json("duediligence", "ungp_questions.json")  # type: ignore[no-any-return]


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
    """Answers from a JSON, YAML or XLSX file filled from a template, checked one by one."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from .gap_xlsx import read_workbook

        doc = read_workbook(path)
    else:
        doc = read_mapping(path)
    answers = doc.get("answers") or {}
    if not isinstance(answers, dict):
        raise InputError(str(path), message("answers_not_map"))
    known = {item["id"] for item in questionnaire()["questions"]}
    for qid, answer in answers.items():
        if qid not in known:
            raise InputError(
                str(path),
                message("unknown_question", question=repr(qid), questions=", ".join(sorted(known))),
            )
        level = answer.get("level") if isinstance(answer, dict) else answer
        if level is not None and level not in range(MAX_LEVEL + 1):
            raise InputError(
                str(path),
                message("bad_level", question=qid, level=repr(level)),
                Location(pointer=f"/answers/{qid}/level"),
            )
    _check_date(path, doc)
    return doc


def _check_date(path: Path, doc: dict[str, Any]) -> None:
    """The date orders assessments; a typo there would put progress backwards."""
    date = doc.get("date")
    if isinstance(date, dt.date):  # YAML reads an unquoted date as a date
        doc["date"] = date.isoformat()
        return
    if date in (None, "", "YYYY-MM-DD"):
        doc["date"] = ""
        return
    try:
        dt.date.fromisoformat(str(date))
    except ValueError:
        raise InputError(
            str(path), message("bad_date", date=repr(date)), Location(pointer="/date")
        ) from None


def _level(doc: dict[str, Any], qid: str) -> int | None:
    answer = doc.get("answers", {}).get(qid)
    level = answer.get("level") if isinstance(answer, dict) else answer
    return None if level is None else int(level)


@dataclass
class GapReport:
    date: str
    overall: float
    themes: dict[str, float]  # by theme id, 0-100
    theme_names: dict[str, str]  # theme id -> name in the report's language
    agency: str = ""
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
                    "text": item["text"][lang],
                    "theme": q["themes"][theme][lang],
                    "principles": item["principles"],
                    "level": level,
                    "gap": weight * (MAX_LEVEL - (level or 0)),
                    "now": item["levels"][level or 0][lang] if level is not None else "—",
                    "next": item["levels"][(level or 0) + 1][lang],
                }
            )
    roadmap.sort(key=lambda r: (-r["gap"], r["question"]))
    themes = {k: 100 * earned[k] / possible[k] for k in possible}
    overall = 100 * sum(earned.values()) / sum(possible.values())
    names = {k: q["themes"][k][lang] for k in possible}
    agency = str(doc.get("agency") or "")
    return GapReport(str(doc.get("date", "")), overall, themes, names, agency, roadmap, unanswered)


def compare(previous: GapReport, current: GapReport) -> dict[str, float]:
    """Points gained (or lost) per theme and overall since the previous assessment."""
    deltas = {
        theme: current.themes[theme] - previous.themes.get(theme, 0.0) for theme in current.themes
    }
    deltas["overall"] = current.overall - previous.overall
    return deltas


GAP_LABELS = {
    "en": {
        "title": "UNGP gap analysis",
        "scores": "Scores by theme (0-100)",
        "theme": "Theme",
        "score": "Score",
        "progress": "Change since {date}",
        "overall": "Overall",
        "roadmap": "Roadmap: the gaps to close first",
        "roadmap_note": "Ordered by the question's weight times the levels still missing.",
        "priority": "Priority",
        "question": "Question",
        "principles": "Principles",
        "now": "Now",
        "next": "Next step",
        "unanswered": "Unanswered (scored 0)",
        "basis": "Basis",
        "none": "No gaps left: every question is at the leading level.",
    },
    "es": {
        "title": "Análisis de brechas frente a los Principios Rectores",
        "scores": "Puntaje por tema (0-100)",
        "theme": "Tema",
        "score": "Puntaje",
        "progress": "Cambio desde {date}",
        "overall": "Total",
        "roadmap": "Hoja de ruta: las brechas que cerrar primero",
        "roadmap_note": "Ordenadas por el peso de la pregunta por los niveles que faltan.",
        "priority": "Prioridad",
        "question": "Pregunta",
        "principles": "Principios",
        "now": "Hoy",
        "next": "Próximo paso",
        "unanswered": "Sin respuesta (puntaje 0)",
        "basis": "Fundamento",
        "none": "No quedan brechas: todas las preguntas están en el nivel más alto.",
    },
}


def gap_document(
    report: GapReport, lang: str = "en", previous: GapReport | None = None
) -> Document:
    """The gap report people read: scores per theme, progress, and the roadmap."""
    t = GAP_LABELS[lang]
    who = " — ".join(x for x in (report.agency, report.date) if x)
    doc = Document(f"{t['title']}{': ' + who if who else ''}", lang)
    doc.h(1, t["scores"])
    doc.table(*_score_table(report, t, previous))
    doc.h(1, t["roadmap"])
    doc.p(t["roadmap_note"])
    if not report.roadmap:
        doc.p(t["none"])
    for i, r in enumerate(report.roadmap, start=1):
        doc.h(2, f"{t['priority']} {i}: {r['question']} ({r['principles']})")
        doc.field(t["question"], r["text"])
        doc.field(t["now"], r["now"])
        doc.field(t["next"], r["next"])
    if report.unanswered:
        doc.field(t["unanswered"], ", ".join(report.unanswered))
    doc.field(t["basis"], questionnaire()["basis"][lang])
    return doc


def _score_table(
    report: GapReport, t: dict[str, str], previous: GapReport | None
) -> tuple[list[str], list[list[str]]]:
    headers = [t["theme"], t["score"]]
    deltas = compare(previous, report) if previous else None
    if previous:
        headers.append(t["progress"].format(date=previous.date or "?"))
    rows = []
    for key, name in [*report.theme_names.items(), ("overall", t["overall"])]:
        score = report.overall if key == "overall" else report.themes[key]
        row = [name, f"{score:.1f}"]
        if deltas is not None:
            row.append(f"{deltas[key]:+.1f}")
        rows.append(row)
    return headers, rows
