"""The core's refusals and errors, said again in the reader's language (bestvalue.messages)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest
from conftest import FIXTURES

from bestvalue import ingest, open_warehouse
from bestvalue.errors import InputError
from bestvalue.messages import CATALOGUE, LANGUAGES, message, say, say_location

SRC = Path(__file__).resolve().parents[1] / "src/bestvalue"
PARAGUAY = FIXTURES / "paraguay-dncp"
EMPTY = "283826.json"  # one of the three empty files of the Paraguay sample


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in Formatter().parse(template) if f}


def _sample(key: str) -> dict[str, str]:
    """Values of the kind the core puts in (a nested sentence where one is said again)."""
    nested = {
        "reason": message("no_date"),
        "detail": message("json_cut"),
        "kind": message("kind_array"),
    }
    return {f: nested.get(f, f"<{f} 1>") for f in _fields(CATALOGUE[key]["en"])}


def test_every_sentence_has_english_and_spanish_with_the_same_values():
    assert LANGUAGES[:2] == ("en", "es")
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"en", "es"}, key
        assert entry["es"] != entry["en"] or key in ("byte", "kind_null", "lcc_problem"), key
        assert _fields(entry["es"]) == _fields(entry["en"]), key


def test_every_sentence_is_used_by_the_code():
    code = "\n".join(p.read_text() for p in SRC.rglob("*.py") if p.name != "messages.py")
    for key in CATALOGUE:
        used = f'"{key}"' in code or (
            key.startswith("kind_") and f'"{key.removeprefix("kind_")}"' in code
        )
        assert used, key


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_each_english_sentence_is_recognised_and_said_in_spanish(key):
    values = _sample(key)
    english = message(key, **values)
    said = {k: say(v, "es") for k, v in values.items()}
    assert say(english, "es") == CATALOGUE[key]["es"].format(**said)
    assert say(english, "en") == english and say(english, "pt") == english  # not yet in pt


def test_other_text_is_left_as_it_is():
    for text in ("", "Error", "data.json: something no catalogue says", "2024: 3 of 4"):
        assert say(text, "es") == text
    assert say(None, "es") == "" and say_location("somewhere", "es") == "somewhere"


def test_an_error_about_a_file_keeps_its_name_and_place():
    reason = message("use_skip_bad", reason=message("invalid_json", detail=message("json_cut")))
    error = InputError("a: b.json", reason, location=_location(3, 120, "/releases/0"))
    assert str(error) == (
        "a: b.json: line 3, byte 120, at /releases/0: invalid JSON: the JSON ends before it is "
        "complete (a truncated or cut file?) (use --skip-bad to load the rest)"
    )
    assert say(error, "es") == (
        "a: b.json: línea 3, byte 120, en /releases/0: JSON no válido: el JSON termina antes de "
        "estar completo (¿un archivo truncado o cortado?) (use --skip-bad para cargar el resto)"
    )
    assert say_location("line 7, at /a, b", "es") == "línea 7, en /a, b"


def _location(line, offset, pointer):
    from bestvalue.errors import Location

    return Location(offset=offset, line=line, pointer=pointer)


def test_refusals_stored_in_english_are_said_in_spanish(tmp_path):
    """What a real ingest stored (the rejects table) reads in Spanish, as the report shows it."""
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        report = ingest([PARAGUAY], wh, skip_bad=True)
        stored = wh.sql("SELECT path, location, reason FROM rejects ORDER BY path").to_pylist()
    assert len(stored) == len(report.rejects) == 3
    for row in stored:
        assert row["reason"] == "the file is empty: no OCDS data in it"
        assert say(row["reason"], "es") == "el archivo está vacío: no contiene datos OCDS"
        assert say_location(row["location"], "es") == "byte 0"


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "bestvalue", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_cli_says_a_refusal_in_spanish_and_loads_nothing(tmp_path):
    bad = tmp_path / "cut.json"
    bad.write_text('{"releases": [{"ocid": "ocds-1", "id": "1", "date": "2024-01-01"')
    warehouse = tmp_path / "w.duckdb"
    result = _cli("ingest", bad, "--lang", "es", "--warehouse", warehouse)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"Error: {re.escape(str(bad))}: línea 1, byte \d+: JSON no válido: el JSON termina "
        r"antes de estar completo \(¿un archivo truncado o cortado\?\) "
        r"\(use --skip-bad para cargar el resto\)",
        error,
    ), error
    english = _cli("ingest", bad, "--warehouse", warehouse)
    assert "invalid JSON: the JSON ends before it is complete" in english.stderr
    count = _cli(
        "sql", "SELECT count(*) AS n FROM sources", "--format", "json", "--warehouse", warehouse
    )
    assert json.loads(count.stdout) == [{"n": 0}], count.stdout + count.stderr


def test_the_cli_lists_refused_documents_in_spanish(tmp_path):
    result = _cli(
        "ingest", PARAGUAY, "--skip-bad", "--lang", "es", "--warehouse", tmp_path / "w.duckdb"
    )
    assert result.returncode == 0, result.stderr
    assert f"{EMPTY} (byte 0): el archivo está vacío: no contiene datos OCDS" in result.stdout
    assert "the file is empty" not in result.stdout


def test_a_warehouse_error_in_spanish(tmp_path):
    garbage = tmp_path / "notes.duckdb"
    garbage.write_text("not a database")
    result = _cli("spend", "--lang", "es", "--warehouse", garbage)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Error: {garbage}: no se puede abrir como almacén de datos DuckDB (" in result.stderr
    assert garbage.read_text() == "not a database"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_problems_with_a_tender_are_each_said_in_spanish(tmp_path):
    tender = json.loads((EXAMPLES / "bids-uniforms.json").read_text())
    tender["price_formula"] = "cheapest"
    tender["bids"][0]["price"] = 0
    path = tmp_path / "tender.json"
    path.write_text(json.dumps(tender))
    result = _cli("evaluate-bids", path, "--lang", "es")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Error: {path}: price_formula debe ser una de relative_to_lowest, linear; "
        "oferta 'A': el precio debe ser mayor que 0"
    )
    english = _cli("evaluate-bids", path).stderr
    assert "price_formula must be one of relative_to_lowest, linear; bid 'A': price" in english


def test_a_bad_answer_in_a_gap_analysis_in_spanish(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"date": "2026-11-01", "answers": {"C1": 7}}))
    result = _cli("gap", "score", path, "--lang", "es")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {path}: en /answers/C1/level: pregunta C1: el nivel debe ser 0, 1, 2 o 3 "
        "(o vacío), no 7"
    )


def test_a_distribution_problem_inside_a_file_error(tmp_path):
    """A sentence that another one carries (the economics file's parameter, said by Monte
    Carlo's check) is said too."""
    import yaml

    from bestvalue.economics.rbc import params_from

    doc = yaml.safe_load((EXAMPLES / "economics-uniforms.yaml").read_text())
    doc["parameters"]["annual_value"] = {"distribution": "pert", "values": [1, 2]}
    with pytest.raises(InputError) as error:
        params_from(doc, "case.yaml")
    assert say(error.value, "es").startswith(
        "case.yaml: en /parameters/annual_value: annual_value: 'pert' necesita 3 valores; "
        "se recibieron 2"
    )


def test_numbers_are_written_as_each_language_writes_them():
    from bestvalue.numbers import figures, number, percent, plain

    assert number(45233756.4) == "45,233,756" and number(45233756.4, 0, "es") == "45.233.756"
    assert number(-1097692.5, 1, "es") == "-1.097.692,5" and number(0.616, 2, "es") == "0,62"
    assert percent(0.9672) == "96.7%" and percent(0.9672, 1, "es") == "96,7%"
    # Prepared: Portuguese as Brazil writes it, French with a narrow space; others as English.
    assert number(1234.5, 1, "pt") == "1.234,5" and number(1234.5, 1, "fr") == "1\u202f234,5"
    assert number(1234.5, 1, "de") == "1,234.5"
    assert plain(-0.58, "es") == "-0,58" and plain(20.0) == "20" and plain(0.25, "en") == "0.25"
    assert figures([0.035, 0.06, 0.1], "es") == "0,035; 0,06; 0,1"
    assert figures([1200.0, 15077918.674], "en") == "1,200; 15,077,918.67"


def test_sizes_take_the_unit_they_reach_in_the_languages_marks():
    from bestvalue.numbers import size

    assert size(0) == "0 bytes" and size(999) == "999 bytes"
    assert size(10_400) == "10.4 kB" and size(10_400, "es") == "10,4 kB"
    assert size(200_200_000) == "200.2 MB" and size(3_003_000_000, "es") == "3,0 GB"
    assert size(2_500_000, of=27_500_000) == "2.5/27.5 MB"
    assert size(900_000, "es", of=1_200_000_000) == "0,0/1,2 GB"
