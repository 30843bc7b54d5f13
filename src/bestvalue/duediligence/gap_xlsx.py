"""The gap analysis questionnaire as a workbook: one row per question, a level to pick from a
list, the four levels written out beside it.

Why a workbook: a policy team fills the assessment together in a meeting, in a spreadsheet; the
layout is fixed (agency in B1, date in B2, questions from row 5) so the file reads back exactly.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from ..messages import message
from ..userfiles import open_workbook
from .gap import questionnaire

__all__ = ["read_workbook", "write_workbook"]

FIRST_ROW = 5
HEADERS = {
    "en": ["Question", "Theme", "Principles", "Question text", "Level (0-3)", "Evidence"]
    + [f"Level {i}" for i in range(4)],
    "es": ["Pregunta", "Tema", "Principios", "Texto de la pregunta", "Nivel (0-3)", "Evidencia"]
    + [f"Nivel {i}" for i in range(4)],
}
TOP = {"en": ("Agency", "Date (YYYY-MM-DD)"), "es": ("Agencia", "Fecha (AAAA-MM-DD)")}


def write_workbook(lang: str = "en") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    q = questionnaire()
    wb = Workbook()
    ws = wb.active
    ws.title = "UNGP"
    ws["A1"], ws["A2"] = TOP[lang]
    ws.append([])
    ws.append(HEADERS[lang])
    for cell in ws[FIRST_ROW - 1]:
        cell.font = Font(bold=True)
    for item in q["questions"]:
        levels = [level[lang] for level in item["levels"]]
        ws.append([item["id"], q["themes"][item["theme"]][lang], item["principles"]])
        row = ws.max_row
        ws.cell(row, 4, item["text"][lang])
        for i, text in enumerate(levels):
            ws.cell(row, 7 + i, text)
    choice = DataValidation(type="list", formula1='"0,1,2,3"', allow_blank=True)
    ws.add_data_validation(choice)
    choice.add(f"E{FIRST_ROW}:E{ws.max_row}")
    for column, width in zip("ABCDEFGHIJ", (10, 24, 12, 50, 11, 30, 30, 30, 30, 30), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=FIRST_ROW):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{FIRST_ROW}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_workbook(path: Path) -> dict[str, Any]:
    ws = open_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if len(rows) < FIRST_ROW - 1 or rows[FIRST_ROW - 2][0] not in ("Question", "Pregunta"):
        raise InputError(str(path), message("not_gap_workbook"))
    answers = {}
    for number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        if not row or row[0] is None:
            continue
        answers[str(row[0])] = {"level": _level(path, number, row[4]), "evidence": row[5] or ""}
    return {"agency": _text(rows[0]), "date": _text(rows[1]), "answers": answers}


def _text(row: tuple[Any, ...]) -> str:
    value = row[1] if len(row) > 1 else None
    if isinstance(value, dt.datetime):  # a date typed into the cell comes back as a datetime
        return value.date().isoformat()
    return "" if value is None else str(value).strip()


def _level(path: Path, row: int, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if number not in (0, 1, 2, 3):
        raise InputError(
            str(path), message("bad_level_cell", row=row, value=repr(value)), Location(line=row)
        )
    return int(number)
