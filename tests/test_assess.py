"""The country assessment end to end on the bundled real sample, in English and Spanish."""

from __future__ import annotations

import html
import importlib
import json
import string
from pathlib import Path

import pytest

from bestvalue import InputError, open_warehouse, refdata
from bestvalue.numbers import number, percent
from bestvalue.reports import assess
from bestvalue.reports.i18n import MESSAGES

assess_module = importlib.import_module("bestvalue.reports.assess")
SAMPLE = Path(__file__).parents[1] / "src/bestvalue/data/sample/paraguay-dncp"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("assess")
    with open_warehouse(root / "w.duckdb") as wh:
        es = assess([SAMPLE], "PY", wh, out=root / "es", lang="es", draws=300, attribution="DNCP")
        economics = [Path(__file__).parents[1] / "examples" / "economics-uniforms.yaml"]
        en = assess([], "PY", wh, out=root / "en", lang="en", draws=300, economics=economics)
    return root, es, en


def test_every_output_is_written(reports):
    root, es, _ = reports
    names = {p.name for p in (root / "es").iterdir()}
    assert {"report.html", "report.pdf", "assessment.xlsx", "assessment.json"} <= names
    assert {
        "spend_by_category.csv",
        "priorities.csv",
        "coverage_by_method.csv",
        "sources.csv",
    } <= names
    pdf = (root / "es" / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_the_result_names_the_categories_and_their_sources(reports):
    root, _, _ = reports
    data = json.loads((root / "es" / "assessment.json").read_text())
    first = data["priorities"][0]
    assert first["category_code"] == "72100000" and first["rank"] == 1
    assert "ILAB" in first["reason_es"] and first["sources"]
    assert (root / "es" / first["value_chain_svg"]).exists()
    assert data["data_quality"]["processes"] == 12
    assert len(data["data_quality"]["rejects"]) == 3  # the sample's three empty files
    assert {s["id"] for s in data["sources"]} >= {
        "risk/ilab_goods",
        "money/fx",
        "classifications/unspsc",
    }


def test_spanish_is_spanish_throughout(reports):
    root, _, _ = reports
    es = (root / "es" / "report.html").read_text()
    en = (root / "en" / "report.html").read_text()
    assert '<html lang="es">' in es and '<html lang="en">' in en
    for key in ("summary", "coverage", "spend", "risk", "priorities", "methods", "next_steps"):
        assert MESSAGES[key]["es"] in es, key
        assert MESSAGES[key]["en"] not in es, key
        assert MESSAGES[key]["en"] in en, key
    # The refusal is listed with its reason, in the report's language (stored in English).
    assert "el archivo está vacío: no contiene datos OCDS" in es and "the file is empty" not in es
    assert "the file is empty: no OCDS data in it" in en
    assert "data:image/svg+xml;base64," in es  # charts travel inside the file
    # The annex's editions and licences too (a version number stays as it is).
    fx = refdata.resource("money", "fx")
    assert html.escape(fx.licence_in("es")) in es and html.escape(fx.licence) not in es
    assert html.escape(fx.edition_in("es")) in es and html.escape(fx.edition) in en
    # The evidence and the numbers as a Spanish reader writes them (the web pages do the same).
    assert "(trabajo infantil)" in es and "(child labor)" not in es
    assert "Supuesto (bestvalue): " in es and "Assumption (bestvalue): " not in es
    # The reference data's titles too (editions and licences stay as their publishers wrote them).
    assert "Índice de Percepción de la Corrupción 2023" in es
    assert "Departamento de Trabajo de EE. UU. (ILAB)" in es
    first = json.loads((root / "es" / "assessment.json").read_text())["spend_by_category"][0]
    shown = number(first["amount"], 0, "es")
    assert "." in shown and f">{shown}<" in es and f">{number(first['amount'])}<" in en
    assert f">{percent(first['share'], 1, 'es')}<" in es and "," in percent(first["share"], 1, "es")


def test_the_economic_case_section(reports):
    root, _, en = reports
    case = en.data["economics"][0]
    assert case["p10"] < case["p50"] < case["p90"] and case["category"] == "53100000"
    html = (root / "en" / "report.html").read_text()
    assert "The economic case" in html and "illustration: contract length" in html
    assert (root / "en" / case["chart"]).exists()
    assert case["expected"]["due_diligence"] > 0


def test_each_prioritised_category_gets_an_economic_case_by_default(reports):
    root, es, _ = reports
    cases = es.data["economics"]
    codes = [p["category_code"] for p in es.data["priorities"]]
    assert [c["category"] for c in cases] == codes
    first, priority = cases[0], es.data["priorities"][0]
    value = next(p for p in first["parameters"] if p["name"] == "annual_value")
    assert value["values"][0] == pytest.approx(priority["amount_usd"] / 3, rel=1e-6)
    assert value["kind"] == "assumption" and "gasto de la categoría" in value["source"]
    html = (root / "es" / "report.html").read_text()
    assert "El caso económico" in html and "Valores presentes esperados" in html
    assert "nivel alto" in html  # the incident probability's tier, in Spanish
    assert "Sobreprecio de certificación" in html and ">fija<" in html  # labels, not identifiers
    assert f"{number(first['draws'], 0, 'es')} extracciones" in html  # 100.000


def test_every_message_has_english_and_spanish_with_the_same_placeholders():
    fields = string.Formatter()
    for key, texts in MESSAGES.items():
        assert texts.get("en") and texts.get("es"), key
        en = {f for _, f, _, _ in fields.parse(texts["en"]) if f}
        es = {f for _, f, _, _ in fields.parse(texts["es"]) if f}
        assert en == es, key


def test_a_failure_leaves_the_previous_report(reports, monkeypatch, tmp_path):
    root, _, _ = reports
    before = (root / "en" / "report.html").read_text()
    with open_warehouse(root / "w.duckdb") as wh:

        def broken(*args, **kwargs):
            raise RuntimeError("the PDF engine failed")

        monkeypatch.setattr(assess_module, "render_pdf", broken)
        with pytest.raises(RuntimeError):
            assess([], "PY", wh, out=root / "en", lang="en", draws=100)
        bad = tmp_path / "weights.json"
        bad.write_text('{"criteria": {"price": 1}}')
        with pytest.raises(InputError):
            assess([], "PY", wh, out=root / "en", weights=bad)
    assert (root / "en" / "report.html").read_text() == before
    assert not [p for p in root.iterdir() if p.name.startswith(".")]


def test_assess_from_the_command_line(tmp_path):
    from test_cli import run

    done = run(
        "assess", SAMPLE, "--country", "PY", "--lang", "es", "--out", tmp_path / "r",
        "--warehouse", tmp_path / "w.duckdb",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "report.html" in done.stdout and "72100000" in done.stdout
    assert (tmp_path / "r" / "report.pdf").exists()


def test_files_loaded_before_with_another_country_are_named_as_the_cause(reports, tmp_path):
    """No spend for CO because the files given were loaded with PY: said, not just "load it"."""
    from bestvalue import BestValueError, ingest
    from bestvalue.messages import say

    root, _, _ = reports
    with open_warehouse(root / "w.duckdb") as wh, pytest.raises(BestValueError) as raised:
        assess([SAMPLE], "CO", wh, out=tmp_path / "co", draws=100)
    said = str(raised.value)
    assert "loaded before with country PY" in said and "--country CO --retag" in said
    assert "se cargaron antes con el país PY" in say(said, "es")
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        ingest([SAMPLE], wh, skip_bad=True)  # no country
        with pytest.raises(BestValueError, match="loaded before without a country"):
            assess([SAMPLE], "PY", wh, out=tmp_path / "py", draws=100)
        retagged = assess([SAMPLE], "PY", wh, out=tmp_path / "retagged", draws=100, retag=True)
        assert retagged.data["priorities"] and (tmp_path / "retagged" / "report.html").exists()
    files = sorted(SAMPLE.rglob("*.json"))
    with open_warehouse(tmp_path / "mixed.duckdb") as wh, pytest.raises(BestValueError) as mixed:
        untagged = ingest(files[:3], wh, skip_bad=True).files  # no country
        tagged = ingest(files[3:], wh, country="CO", skip_bad=True).files
        assess([SAMPLE], "PY", wh, out=tmp_path / "py", draws=100)
    said = str(mixed.value)
    assert f"{untagged} were loaded before without a country and" in said and untagged > 0
    assert f"and {tagged} with country CO" in said and tagged > 3
    assert f"{untagged} se cargaron antes sin país y {tagged} con el país CO" in say(said, "es")
    assert not (tmp_path / "co").exists() and not (tmp_path / "py").exists()
