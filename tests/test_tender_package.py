"""The requirements library and the tender packages built from a category's salient risks."""

from __future__ import annotations

from bestvalue.duediligence import library, render, tender_package
from bestvalue.risk.profiles import DIMENSIONS


def test_every_requirement_is_complete_in_english_and_spanish():
    lib = library()
    for r in lib["requirements"]:
        assert r["stage"] in lib["stages"] and set(r["dimensions"]) <= set(DIMENSIONS)
        for key in ("purpose", "text", "verification", "evidence", "legal_note"):
            assert r[key]["en"] and r[key]["es"], (r["id"], key)
        assert r["source"]


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
        r["id"] for r in library()["requirements"] if len(r["dimensions"]) == len(DIMENSIONS)
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
