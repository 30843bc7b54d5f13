"""The requirements library and the tender packages built from a category's salient risks."""

from __future__ import annotations

import pytest

from bestvalue import InputError
from bestvalue.categories.taxonomy import taxonomy
from bestvalue.duediligence import library, model_policy, render, render_document, tender_package
from bestvalue.risk.profiles import DIMENSIONS


def test_every_requirement_is_complete_in_english_and_spanish():
    lib = library()
    for r in lib["requirements"]:
        assert r["stage"] in lib["stages"] and set(r["dimensions"]) <= set(DIMENSIONS)
        for key in ("purpose", "text", "verification", "evidence", "legal_note"):
            assert r[key]["en"] and r[key]["es"], (r["id"], key)
        assert r["source"]
        for prefix in r.get("categories", []):  # each names a real UNSPSC code or prefix
            assert taxonomy().label(prefix.ljust(8, "0"), "en") != f"UNSPSC {prefix}", r["id"]
    assert lib["basis"]["en"] and lib["basis"]["es"]


def test_building_works_in_paraguay_get_the_requirements_of_their_salient_risks():
    package = tender_package("72100000", "PY", "es")
    ids = [r["id"] for r in package["requirements"]]
    assert {"SEL-1", "CPC-1", "CPC-2", "CPC-3", "GRV-1"} <= set(ids)
    assert "SEL-2" not in ids  # corruption is not salient enough here (1.7 of 3)
    stages = list(library()["stages"])
    assert [stages.index(r["stage"]) for r in package["requirements"]] == sorted(
        stages.index(r["stage"]) for r in package["requirements"]
    )
    text = render(package, "es", "md")
    assert (
        "## Selección" in text
        and "¿Puede aportar: Mapa de la cadena" not in text.split("## Autoevaluación")[0]
    )
    questionnaire = text.split("## Autoevaluación del proveedor")[1]
    assert "PLAN-1" not in questionnaire and "SEL-1" in questionnaire
    html = render(package, "en", "html")
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html


def test_a_category_without_salient_risks_gets_only_the_general_requirements(tmp_path):
    from test_cli import run

    package = tender_package("80110000", "CA", "en")  # human resources services in Canada
    assert package["salient"] == {}
    assert {r["id"] for r in package["requirements"]} == {
        r["id"]
        for r in library()["requirements"]
        if len(r["dimensions"]) == len(DIMENSIONS) and not r.get("categories")
    }
    out = tmp_path / "package.html"
    done = run(
        "tender-package",
        "--category",
        "43210000",
        "--country",
        "MX",
        "--format",
        "html",
        "--lang",
        "es",
        "--output",
        out,
    )
    assert done.returncode == 0 and "Paquete de licitación" in out.read_text()


def test_category_specific_requirements_follow_the_category():
    garments = {r["id"] for r in tender_package("53100000", "PY", "en")["requirements"]}
    computers = {r["id"] for r in tender_package("43211500", "PY", "en")["requirements"]}
    works = {r["id"] for r in tender_package("72100000", "PY", "en")["requirements"]}
    assert {"TEX-1", "TEX-2"} <= garments and not {"ELEC-1", "MIN-1", "CON-1"} & garments
    assert {"ELEC-1", "MIN-1"} <= computers and "TEX-1" not in computers
    assert {"CON-1", "REC-1"} <= works and "ELEC-1" not in works
    gloves = {r["id"] for r in tender_package("42132203", "CO", "en")["requirements"]}
    assert "GLV-1" in gloves and "TEX-1" in gloves  # medical textiles too


def test_tender_package_as_a_word_document_states_how_each_requirement_is_verified(tmp_path):
    import docx
    from test_cli import run

    out = tmp_path / "package.docx"
    done = run(
        "tender-package",
        "--category",
        "53100000",
        "--country",
        "PY",
        "--lang",
        "es",
        "--format",
        "docx",
        "--output",
        out,
    )
    assert done.returncode == 0, done.stderr
    word = docx.Document(str(out))
    package = tender_package("53100000", "PY", "es")
    ids = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert ids == [r["id"] for r in package["requirements"]]
    verified = [p.text for p in word.paragraphs if p.text.startswith("Verificación: ")]
    assert len(verified) == len(ids) and all(len(v) > len("Verificación: ") + 10 for v in verified)
    form = word.tables[-1]
    assert form.rows[0].cells[2].text == "Sí / En parte / No"
    assert "(TEX-1)" in "".join(row.cells[1].text for row in form.rows)
    assert word.core_properties.language == "es"
    assert (
        run(
            "tender-package", "--category", "53100000", "--country", "PY", "--format", "docx"
        ).returncode
        != 0
    )  # binary: needs --output


def test_an_agency_adapts_and_extends_the_library(tmp_path):
    own = tmp_path / "ours.yaml"
    sel = next(r for r in library()["requirements"] if r["id"] == "SEL-1")
    own.write_text(
        "requirements:\n"
        "  - id: SEL-1\n"
        "    stage: selection\n"
        "    dimensions: [forced_labour, child_labour]\n"
        + "".join(
            f"    {k}: {{en: 'Ours {k}', es: 'Nuestro {k}'}}\n"
            for k in ("purpose", "text", "verification", "evidence", "legal_note")
        )
        + "    source: Ley 2051/2003\n"
        "  - id: PY-1\n"
        "    stage: award\n"
        "    dimensions: [child_labour]\n"
        "    categories: ['53']\n"
        + "".join(
            f"    {k}: {{en: 'New {k}', es: 'Nuevo {k}'}}\n"
            for k in ("purpose", "text", "verification", "evidence", "legal_note")
        )
        + "    source: Agency practice\n",
        encoding="utf-8",
    )
    package = tender_package("53100000", "PY", "es", (own,))
    by_id = {r["id"]: r for r in package["requirements"]}
    assert by_id["SEL-1"]["text"]["es"] == "Nuestro text" != sel["text"]["es"]
    assert "PY-1" in by_id and "PY-1" not in {
        r["id"] for r in tender_package("43211500", "PY", "es", (own,))["requirements"]
    }
    assert library()["requirements"][2]["text"] == sel["text"]  # the built-in is untouched
    own.write_text(own.read_text().replace("es: 'Nuevo text'", "fr: 'Nouveau'"))
    with pytest.raises(InputError) as err:
        tender_package("53100000", "PY", "es", (own,))
    message = str(err.value)
    assert "ours.yaml" in message and "PY-1" in message and "/requirements/1" in message


def test_model_policy_names_the_agency_its_categories_and_its_gaps(classified):
    from bestvalue import prioritise

    ranked = prioritise(classified, "PY", top=3)
    codes = list(ranked.dropna(subset=["rank"]).sort_values("rank").category_code.head(3))
    answers = {"agency": "DNCP", "date": "2026-11-20", "answers": {"C1": 2, "R1": 0, "D1": 3}}
    text = render_document(model_policy("DNCP", "PY", codes, answers, "es"), "md")
    assert text.startswith("# Derechos humanos en las compras públicas: política de DNCP")
    for code in codes:
        assert f"| {code} " in text
    commitments = text.split("## 9.")[1].split("## Aprobación")[0]
    numbered = [line for line in commitments.splitlines() if line[:1].isdigit()]
    # Every question below the established level (2), answered or not; C1 and D1 are not.
    assert len(numbered) == 12 - 2 and "(R1," in commitments and "(C1," not in commitments
    assert "[fecha]" in text and "Paraguay" in text
    blank = render_document(model_policy("", "CO", [], None, "en"), "md")
    assert "[Run the UNGP gap analysis" in blank and "[The agency lists" in blank
