"""The UNGP gap analysis: the questionnaire, scoring, roadmap and progress."""

from __future__ import annotations

import json

import pytest

from bestvalue import InputError
from bestvalue.duediligence import compare, gap_analysis, questionnaire, read_answers, template


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
    assert report.themes["Commitment and governance"] == pytest.approx(50.0)
    assert "C3" in report.unanswered and "C1" not in report.unanswered
    total_weight = sum(i["weight"] for i in questionnaire()["questions"])
    assert report.overall == pytest.approx(100 * 9 / (total_weight * 3))
    first = report.roadmap[0]
    assert first["gap"] == max(r["gap"] for r in report.roadmap) and first["level"] is None
    assert all(r["question"] != "C1" for r in report.roadmap)  # nothing left to do there


def test_progress_between_two_assessments(tmp_path):
    before = gap_analysis(read_answers(_answers(tmp_path, {"R1": 0, "R2": 1}, "2026-01-01")))
    after = gap_analysis(read_answers(_answers(tmp_path, {"R1": 2, "R2": 1}, "2026-11-25")), "es")
    before_es = gap_analysis(
        read_answers(_answers(tmp_path, {"R1": 0, "R2": 1}, "2026-01-01")), "es"
    )
    deltas = compare(before_es, after)
    # Remedy: R1 weight 3 rose two levels; the theme's maximum is (3+2)×3 = 15 → +40 points.
    assert deltas["Reparación y quejas"] == pytest.approx(40.0)
    assert deltas["overall"] > 0 and before.date == "2026-01-01"


def test_bad_answers_are_named(tmp_path):
    with pytest.raises(InputError) as err:
        read_answers(_answers(tmp_path, {"C1": 5}))
    assert "C1" in str(err.value) and "0, 1, 2 or 3" in str(err.value)
    with pytest.raises(InputError) as err:
        read_answers(_answers(tmp_path, {"Z9": 1}))
    assert "Z9" in str(err.value)


def test_template_round_trips_and_the_command_line(tmp_path):
    from test_cli import run

    blank = json.loads(run("gap-analysis", "--template", "--lang", "es").stdout)
    assert blank["answers"]["R1"]["question"].startswith("¿Pueden los trabajadores")
    filled = tmp_path / "filled.json"
    for answer in blank["answers"].values():
        answer["level"] = 1
    filled.write_text(json.dumps(blank, ensure_ascii=False))
    result = json.loads(run("gap-analysis", filled, "--format", "json").stdout)
    assert result["report"]["overall"] == pytest.approx(100 / 3)
    assert template("en")["answers"]["C1"]["levels"]["3"].startswith("The policy is published")
