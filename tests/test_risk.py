"""Risk evidence, category profiles, saliency and prioritisation on the real samples."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ituc_files

from bestvalue import InputError, refdata
from bestvalue.categories import taxonomy
from bestvalue.risk import (
    Weights,
    category_profile,
    country_context,
    indicators,
    prioritise,
    saliency,
)
from bestvalue.risk.countries import AMERICAS, iso3_of_name
from bestvalue.risk.indicators import import_indicator
from bestvalue.risk.profiles import DIMENSIONS, CountryContext, good_name


def test_curated_mappings_refer_to_real_goods_and_categories():
    goods = set(refdata.load("risk", "ilab_goods").good)
    tax = taxonomy()
    mapping = refdata.load("risk", "category_goods")
    assert set(mapping.good) <= goods
    assert all(tax.known(code) for code in mapping.unspsc)
    assert mapping.basis.str.startswith("Assumption (bestvalue)").all()
    ratings = refdata.load("risk", "sector_ratings")
    assert set(ratings.dimension) <= set(DIMENSIONS) | {"scope_to_improve"}
    assert ratings.rating.between(0, 3).all() and ratings.basis.str.startswith("Assumption").all()
    assert all(tax.known(code) and code.endswith("000000") for code in ratings.unspsc)
    # Every basis is said in Spanish too, still labelled as an assumption, and not left English.
    assert ratings.basis_es.str.startswith("Supuesto (bestvalue): ").all()
    assert (ratings.basis_es != ratings.basis).all()


def test_every_ilab_good_has_a_spanish_name():
    goods = set(refdata.load("risk", "ilab_goods").good)
    names = refdata.load("risk", "ilab_goods_es")
    assert set(names.good) == goods and names.name_es.str.len().gt(0).all()
    assert good_name("Bricks", "es") == "Ladrillos" and good_name("Bricks", "en") == "Bricks"
    assert good_name("Something new", "es") == "Something new"  # not translated: as listed


def test_the_evidence_is_said_in_spanish():
    profile = category_profile("72100000")
    child = [e.text("es") for e in profile.dimensions["child_labour"].evidence]
    assert "Ladrillos — Paraguay (trabajo infantil)" in child
    assert not any("labor" in text for text in child)
    health = profile.dimensions["health_safety"].evidence[0]
    assert health.text("en").startswith("Assumption") and health.text("es").startswith("Supuesto")
    balls = category_profile("49160000").dimensions["forced_labour"].evidence[0]
    assert balls.text("es").startswith("Balones de fútbol: fuera de la lista de ILAB (")
    context = country_context("PRY")
    said = [e.text("es") for found in context.evidence.values() for e in found]
    assert any(t.startswith("WGI: Estado de derecho, Paraguay: ") for t in said)
    assert all("→ riesgo " in t for t in said)
    assert "WGI: Estado de derecho, Paraguay: -0,58 (2023) → riesgo 0,62" in said  # decimal comma
    english = [e.text("en") for found in context.evidence.values() for e in found]
    assert "WGI: Rule of law, Paraguay: -0.58 (2023) → risk 0.62" in english
    assert indicators()["cpi.score"].title_in("es").startswith("Índice de Percepción")


def test_every_ilab_country_has_an_iso_code():
    names = set(refdata.load("risk", "ilab_goods").country)
    assert [n for n in names if iso3_of_name(n) is None] == []


def test_profile_evidence_for_building_works():
    profile = category_profile("72100000")
    forced = profile.dimensions["forced_labour"]
    assert forced.inherent == 3 and forced.status == "evidence"
    first = forced.evidence[0].detail
    assert iso3_of_name(first.split(" — ")[1].split(" (")[0]) in AMERICAS  # the Americas first
    child = profile.dimensions["child_labour"]
    assert any("Bricks — Paraguay" in e.detail for e in child.evidence)
    assert profile.dimensions["health_safety"].status == "assumption"
    assert profile.scope_to_improve == 3


def test_missing_evidence_is_missing_not_low():
    profile = category_profile("80110000")  # human resources services: no goods, no labour list
    assert profile.dimensions["forced_labour"].inherent is None
    assert profile.dimensions["forced_labour"].status == "missing"
    office = category_profile("44120000")  # mapped to no listed good
    assert office.dimensions["child_labour"].inherent is None
    assert country_context("CAN").risks["forced_labour"] is None  # not on the list: unknown


def test_country_context_is_the_mean_of_its_indicators():
    wgi = refdata.load("risk", "wgi")
    cc = wgi[(wgi.code == "PRY") & (wgi.indicator == "cc") & wgi.estimate.notna()]
    estimate = float(cc.sort_values("year").estimate.iloc[-1])
    cpi = refdata.load("risk", "cpi").set_index("ISO3").loc["PRY", "CPI score 2023"]
    expected = ((100 - cpi) / 100 + (2.5 - estimate) / 5) / 2
    context = country_context("PRY")
    assert context.risks["corruption_ethics"] == pytest.approx(expected)
    assert {e.source for e in context.evidence["corruption_ethics"]} == {"cpi.score", "wgi.cc"}


def test_a_severe_impact_is_never_discounted_for_low_likelihood():
    profile = category_profile("72100000")
    calm = CountryContext("XXX", {d: 0.0 for d in DIMENSIONS}, {})
    salient = saliency(profile, calm)
    assert salient["health_safety"] == 3  # severity 3: stays at its inherent rating
    assert salient["working_conditions"] == pytest.approx(2 * (2 / 3) * 0.5)  # severity 2
    assert salient["discrimination"] is None


@pytest.fixture(scope="module")
def paraguay(classified):
    return prioritise(classified, "PY", draws=500)


def test_paraguay_acts_first_on_building_works(paraguay):
    top = paraguay.iloc[0]
    assert top.category_code == "72100000" and top["rank"] == 1
    assert top.rank_p5 <= 1 <= top.rank_p95
    assert "ILAB" in top.reason_en and "ILAB" in top.reason_es and "gasto" in top.reason_es
    assert {"ilab_goods", "sector_ratings", "cpi.score"} <= set(top.sources)
    ranked = paraguay[paraguay["rank"].notna()]
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert (ranked.score.diff().dropna() <= 0).all()
    thin = paraguay[paraguay["rank"].isna()]
    assert len(thin) > 0 and thin.reason_en.str.startswith("Not ranked").all()


def test_changing_a_weight_changes_the_ranking_as_expected(classified, tmp_path):
    only_risk = tmp_path / "risk.json"
    only_risk.write_text(
        json.dumps({"criteria": {"spend": 0, "risk": 1, "leverage": 0, "scope": 0}})
    )
    by_risk = prioritise(classified, "PY", weights=only_risk, draws=200)
    ranked = by_risk[by_risk["rank"].notna()]
    assert ranked.iloc[0].risk_norm == ranked.risk_norm.max()
    only_spend = tmp_path / "spend.json"
    only_spend.write_text(
        json.dumps({"criteria": {"spend": 1, "risk": 0, "leverage": 0, "scope": 0}})
    )
    by_spend = prioritise(classified, "PY", weights=only_spend, draws=200)
    assert by_spend.iloc[0].spend_quintile == 5
    assert by_risk.category_code.tolist() != by_spend.category_code.tolist()


def test_rank_bands_are_reproducible_and_narrow_with_certain_weights(classified, tmp_path):
    again = prioritise(classified, "PY", draws=500)
    certain = tmp_path / "certain.json"
    certain.write_text(json.dumps({"uncertainty": 1e9}))
    fixed = prioritise(classified, "PY", weights=certain, draws=200)
    ranked = fixed[fixed["rank"].notna()]
    assert (ranked.rank_p5 == ranked["rank"]).all() and (ranked.rank_p95 == ranked["rank"]).all()
    assert again.rank_p95.equals(prioritise(classified, "PY", draws=500).rank_p95)


def test_bad_weights_are_named(tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text(json.dumps({"criteria": {"price": 1}}))
    with pytest.raises(InputError) as err:
        Weights.read(bad)
    assert "price" in str(err.value) and "spend" in str(err.value)


def test_import_an_indicator_with_its_source(tmp_path):
    data, meta = ituc_files(tmp_path, "PY,4,2024\nCOL,5,2024\nUruguay,1,2024\n")
    registry = tmp_path / "registry"
    imported = import_indicator(data, meta, registry)
    assert imported.title_in("es") == "Índice Global de los Derechos de la CSI"
    assert imported.values["PRY"] == (4.0, 2024) and imported.risk("COL") == 1.0
    found = indicators(registry)
    assert found["ituc.rating"].imported
    assert found["ituc.rating"].edition_in("es") == "2024 (transcrito del informe publicado)"
    assert found["ituc.rating"].licence_in("es") == "ITUC terms"  # none in Spanish: as given
    context = country_context("PRY", found)
    assert any(e.source == "ituc.rating" for e in context.evidence["freedom_of_association"])
    bad = tmp_path / "bad.csv"
    bad.write_text("country,value\nAtlantis,3\n")
    with pytest.raises(InputError) as err:
        import_indicator(bad, meta, registry)
    assert "Atlantis" in str(err.value) and "line 2" in str(err.value)


def test_prioritise_from_the_command_line(tmp_path):
    from conftest import FIXTURES
    from test_cli import run

    location = tmp_path / "w.duckdb"
    run("ingest", FIXTURES / "mexico-jalisco", "--country", "MX", "--warehouse", location)
    out = run(
        "prioritise",
        "--country",
        "MX",
        "--format",
        "json",
        "--draws",
        "200",
        "--warehouse",
        location,
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 3 and rows[0]["rank"] == 1 and rows[0]["reason_es"]
    bad = run("prioritise", "--country", "ZZ", "--warehouse", location)
    assert bad.returncode == 1 and "ZZ" in bad.stderr
    profile = json.loads(run("profile", "43210000", "--country", "MX", "--format", "json").stdout)
    assert profile["dimensions"][0]["evidence"] and profile["goods"]
    said = run("profile", "72100000", "--country", "PY", "--lang", "es", "--format", "json")
    dims = {d["dimension"]: d for d in json.loads(said.stdout)["dimensions"]}
    assert (
        dims["child_labour"]["status"] == "evidencia"
        and dims["discrimination"]["status"] == "falta"
    )
    assert dims["health_safety"]["evidence"][0]["detail"].startswith("Supuesto (bestvalue): ")
    # The country's risk with its evidence too: what each indicator says of Paraguay.
    rule = [e["detail"] for e in dims["working_conditions"]["country_evidence"]]
    assert "WGI: Estado de derecho, Paraguay: -0,58 (2023) → riesgo 0,62" in rule
    assert dims["working_conditions"]["country_risk"] is not None
    listed = json.loads(run("indicators", "list", "--lang", "es", "--format", "json").stdout)
    assert {r["id"]: r["title"] for r in listed}["wgi.rl"] == "WGI: Estado de derecho"


def test_value_chain_tiers_list_goods_countries_and_risks(classified, tmp_path):
    from bestvalue.risk import supplier_countries
    from bestvalue.risk.valuechain import render, rows, value_chain

    # The building-works suppliers in the sample publish no address: tier 1 says so.
    unknown = value_chain("72100000", supplier_countries(classified, "72100000", country="PY"))
    assert unknown.tiers[3].countries == []
    assert "no supplier country" in unknown.tiers[3].note_in("en")
    assert unknown.tiers[3].note_in("es") == "ningún país de proveedor en los datos"
    suppliers = supplier_countries(classified, "43210000", country="PY")
    assert list(suppliers.iso3) == ["PRY"] and suppliers.amount.iloc[0] > 0
    chain = value_chain("72100000", suppliers)
    tiers = {t.key: t for t in chain.tiers}
    assert "Bricks" in tiers["manufacturing"].goods and "Timber" in tiers["raw_materials"].goods
    assert tiers["manufacturing"].countries[0] in AMERICAS  # the Americas first
    assert any(
        r.dimension == "child_labour" and r.kind == "evidence" for r in tiers["manufacturing"].risks
    )
    assert tiers["delivery"].countries == ["PRY"]
    assert any(
        "Paraguay: country context" in e for r in tiers["delivery"].risks for e in r.said("en")
    )
    table = rows(chain, "es")
    assert table[0]["tier"] == "Materias primas" and "Paraguay" in table[1]["countries"]
    assert "Ladrillos" in table[1]["goods"] and "Madera" in table[0]["goods"]
    assert "Trabajo infantil 3/3 (evidencia): ILAB: Ladrillos — " in table[1]["risks"]
    assert "(supuesto): Supuesto (bestvalue): " in table[2]["risks"]  # logistics, by assumption
    assert "Paraguay: contexto del país" in table[3]["risks"]
    for name in ("chain.svg", "chain.png"):
        render(chain, str(tmp_path / name), "es")
        assert (tmp_path / name).stat().st_size > 5_000
    assert "Materias primas" in (tmp_path / "chain.svg").read_text()


def test_charts_are_drawn_with_labels_in_the_language_asked(paraguay, tmp_path):
    from bestvalue.risk.charts import heat_map, risk_spend

    risk_spend(paraguay, str(tmp_path / "bubble.svg"), "es")
    heat_map(paraguay, str(tmp_path / "heat.svg"), "en")
    bubble = (tmp_path / "bubble.svg").read_text()
    assert "Riesgo frente a gasto" in bubble and "Construcción de edificios" in bubble
    assert ">0,8</text>" in bubble and ">0.8</text>" not in bubble  # the ticks, in Spanish
    heat = (tmp_path / "heat.svg").read_text()
    assert "Forced labour" in heat and "72100000" in heat
    heat_map(paraguay, str(tmp_path / "calor.svg"), "es")
    cells = re.findall(r">(\d[.,]\d)</text>", (tmp_path / "calor.svg").read_text())
    assert cells and all("," in c for c in cells)
