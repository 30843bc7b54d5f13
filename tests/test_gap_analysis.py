"""The UNGP gap analysis: the questionnaire, scoring, roadmap and progress."""

from __future__ import annotations

import json

import pytest

from bestvalue import InputError
from bestvalue.duediligence import (
    compare,
    gap_analysis,
    gap_document,
    questionnaire,
    read_answers,
    render_document,
    template,
)


def test_every_question_is_complete_in_english_and_spanish():
    q = questionnaire()
    assert {i["theme"] for i in q["questions"]} == set(q["themes"])
    for item in q["questions"]:
        assert item["principles"].startswith("GP ") and item["weight"] > 0
        assert item["text"]["en"] and item["text"]["es"]
        assert len(item["levels"]) == 4 and all(
            level["en"] and level["es"] for level in item["levels"]
        )


def _answers(tmp_path, levels, date="2026-11-25"):
    path = tmp_path / f"answers-{date}.json"
    path.write_text(
        json.dumps(
            {
                "agency": "Test",
                "date": date,
                "answers": {k: {"level": v} for k, v in levels.items()},
            }
        )
    )
    return path


def test_scores_are_weighted_shares_and_missing_is_zero(tmp_path):
    # Commitment: C1 (weight 3) at 3, C2 (weight 2) at 0, C3 (weight 1) unanswered:
    # (3×3 + 2×0 + 1×0) / ((3+2+1)×3) = 9/18 = 50.
    report = gap_analysis(read_answers(_answers(tmp_path, {"C1": 3, "C2": 0})))
    assert report.themes["commitment"] == pytest.approx(50.0)
    assert report.theme_names["commitment"] == "Commitment and governance"
    assert "C3" in report.unanswered and "C1" not in report.unanswered
    total_weight = sum(i["weight"] for i in questionnaire()["questions"])
    assert report.overall == pytest.approx(100 * 9 / (total_weight * 3))
    first = report.roadmap[0]
    assert first["gap"] == max(r["gap"] for r in report.roadmap) and first["level"] is None
    assert all(r["question"] != "C1" for r in report.roadmap)  # nothing left to do there


def test_progress_between_two_assessments(tmp_path):
    before = gap_analysis(read_answers(_answers(tmp_path, {"R1": 0, "R2": 1}, "2026-01-01")))
    after = gap_analysis(read_answers(_answers(tmp_path, {"R1": 2, "R2": 1}, "2026-11-25")), "es")
    deltas = compare(before, after)  # themes are compared by id, whatever the language
    # Remedy: R1 weight 3 rose two levels; the theme's maximum is (3+2)×3 = 15 → +40 points.
    assert deltas["remedy"] == pytest.approx(40.0)
    assert deltas["overall"] > 0 and before.date == "2026-01-01"
    text = render_document(gap_document(after, "es", before), "md")
    assert "| Reparación y quejas | 53.3 | +40.0 |" in text
    assert "Cambio desde 2026-01-01" in text


def test_bad_answers_are_named(tmp_path):
    with pytest.raises(InputError) as err:
        read_answers(_answers(tmp_path, {"C1": 5}))
    assert "C1" in str(err.value) and "0, 1, 2 or 3" in str(err.value)
    with pytest.raises(InputError) as err:
        read_answers(_answers(tmp_path, {"Z9": 1}))
    assert "Z9" in str(err.value)
    with pytest.raises(InputError) as err:
        read_answers(_answers(tmp_path, {"C1": 1}, date="25.11.2026"))
    assert "YYYY-MM-DD" in str(err.value)
    broken = tmp_path / "answers.yaml"
    broken.write_text("agency: X\ndate: 2026-11-25\nanswers:\n  C1: {level: 2\n  C2: 1\n")
    with pytest.raises(InputError) as err:
        read_answers(broken)
    assert "answers.yaml" in str(err.value) and "line" in str(err.value)


def test_yaml_template_round_trips_through_the_command_line(tmp_path):
    from test_cli import run

    blank = tmp_path / "answers.yaml"
    assert run("gap", "template", "--lang", "es", "--output", blank).returncode == 0
    text = blank.read_text(encoding="utf-8")
    assert "¿Pueden los trabajadores" in text  # Spanish written as Spanish, not escaped
    filled = tmp_path / "filled.yaml"
    filled.write_text(
        text.replace("level: null", "level: 1").replace("YYYY-MM-DD", "2026-11-25"),
        encoding="utf-8",
    )
    result = json.loads(run("gap", "score", filled, "--format", "json").stdout)
    assert result["assessments"][0]["overall"] == pytest.approx(100 / 3)
    assert result["assessments"][0]["date"] == "2026-11-25"
    assert template("en")["answers"]["C1"]["levels"]["3"].startswith("The policy is published")


def test_workbook_template_is_filled_and_read_back(tmp_path):
    from openpyxl import load_workbook
    from test_cli import run

    book = tmp_path / "gap.xlsx"
    assert run("gap", "template", "--format", "xlsx", "--output", book).returncode == 0
    wb = load_workbook(book)
    ws = wb.active
    ids = [ws.cell(row, 1).value for row in range(5, ws.max_row + 1)]
    assert ids == [q["id"] for q in questionnaire()["questions"]]
    ws["B1"], ws["B2"] = "DNCP", "2026-06-01"
    ws.cell(5 + ids.index("R1"), 5, 3)  # remedy: leading
    ws.cell(5 + ids.index("C1"), 5, 2)
    wb.save(book)
    doc = read_answers(book)
    assert doc["agency"] == "DNCP" and doc["date"] == "2026-06-01"
    assert doc["answers"]["R1"]["level"] == 3 and doc["answers"]["C2"]["level"] is None
    report = gap_analysis(doc)
    assert report.themes["remedy"] == pytest.approx(100 * 3 * 3 / 15)
    ws.cell(5 + ids.index("C2"), 5, "mostly")
    wb.save(book)
    with pytest.raises(InputError) as err:
        read_answers(book)
    assert f"cell E{5 + ids.index('C2')}" in str(err.value) and "mostly" in str(err.value)


def test_gap_report_as_a_word_document(tmp_path):
    import docx
    from test_cli import run

    before = _answers(tmp_path, {"C1": 0, "R1": 0}, "2026-01-01")
    after = _answers(tmp_path, {"C1": 2, "R1": 1}, "2026-11-25")
    out = tmp_path / "gap.docx"
    done = run(
        "gap",
        "report",
        after,
        "--previous",
        before,
        "--lang",
        "es",
        "--format",
        "docx",
        "--output",
        out,
    )
    assert done.returncode == 0, done.stderr
    word = docx.Document(str(out))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Hoja de ruta: las brechas que cerrar primero" in headings
    scores = word.tables[0]
    assert [c.text for c in scores.rows[0].cells] == ["Tema", "Puntaje", "Cambio desde 2026-01-01"]
    assert scores.rows[-1].cells[0].text == "Total"
    # The roadmap lists every question not at the leading level, the heaviest gap first.
    priorities = [h for h in headings if h.startswith("Prioridad")]
    assert len(priorities) == len(questionnaire()["questions"]) and "C1" not in priorities[0]
