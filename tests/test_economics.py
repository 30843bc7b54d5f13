"""Life-cycle cost, the Monte Carlo of the RBC case, and bid evaluation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bestvalue import InputError
from bestvalue.economics import (
    LifeCycle,
    Param,
    economic_case,
    evaluate_bids,
    lcc,
    parts,
    preset,
    risk_tier,
    simulate,
)

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_lcc_matches_a_hand_computed_case_to_the_cent():
    # A 1000; E+M+O 150 a year, escalating 2%, discounted 5%, 3 years:
    #   150 × (1/1.05 + 1.02/1.05² + 1.02²/1.05³) = 416.44
    # end of life 200 less residual 50 at year 3: 150/1.05³ = 129.58
    # 2 t CO2e a year at 10: 20 × (1/1.05 + 1/1.05² + 1/1.05³) = 54.46
    parts = lcc(
        LifeCycle(
            1000,
            3,
            0.05,
            energy=100,
            maintenance=50,
            escalation=0.02,
            end_of_life=200,
            residual_value=50,
            emissions=2,
            shadow_price=10,
        )
    )
    assert round(parts["operation"], 2) == 416.44
    assert round(parts["end_of_life"], 2) == 129.58
    assert round(parts["externalities"], 2) == 54.46
    assert round(parts["total"], 2) == 1600.48


def test_lcc_without_discounting_is_the_plain_sum():
    parts = lcc(LifeCycle(500, 4, 0.0, maintenance=25, end_of_life=40, residual_value=10))
    assert parts["total"] == pytest.approx(500 + 4 * 25 + 30)


def test_monte_carlo_is_reproducible_and_stable():
    path = EXAMPLES / "economics-uniforms.yaml"
    first, summary, meta = economic_case(path, draws=100_000, seed=7)
    again, _, _ = economic_case(path, draws=100_000, seed=7)
    assert np.array_equal(first, again)
    _, other, _ = economic_case(path, draws=100_000, seed=8)
    spread = summary.p90 - summary.p10
    for a, b in ((summary.p10, other.p10), (summary.p50, other.p50), (summary.p90, other.p90)):
        assert abs(a - b) < 0.01 * spread  # within 1% of the distribution's width
    assert abs(summary.probability_positive - other.probability_positive) < 0.01
    swings = [r["swing"] for r in summary.tornado]
    assert swings == sorted(swings, reverse=True)
    varying = {p["name"] for p in meta["parameters"] if p["distribution"] != "fixed"}
    assert set(summary.sobol) == varying and {r["parameter"] for r in summary.tornado} == varying
    assert all(
        p["source"] and p["kind"] in ("evidence", "assumption", "given") for p in meta["parameters"]
    )
    given = {p["name"] for p in meta["parameters"] if p["kind"] == "given"}
    assert given == {"annual_value", "years", "audits_per_year"}  # what the file replaced


def test_rbc_case_matches_a_hand_computed_case():
    # 3 years at 5%: annuity a = 1/1.05 + 1/1.05² + 1/1.05³ = 2.723248
    # due diligence: (2 audits × 1000 + 1% of 100000 + 3000) × a + 500 training = 16839.49
    # incident: 20% of 100000 + 5000 + 10000 + 5000 + 0 = 40000; avoided 0.1 × 0.5 × 40000 × a
    #   = 5446.50
    # social: 10 × 1000 × 0.8 × 0.9 × 0.75 × (1/1.05 + 0.5/1.05² + 0.25/1.05³) = 8758.02
    x = {
        k: np.array([v])
        for k, v in {
            "years": 3,
            "discount_rate": 0.05,
            "annual_value": 100_000,
            "audits_per_year": 2,
            "audit_cost": 1000,
            "certification_premium": 0.01,
            "administration_cost": 3000,
            "training_cost": 500,
            "incident_probability": 0.1,
            "effectiveness": 0.5,
            "disruption_cost": 0.2,
            "retender_cost": 5000,
            "litigation_cost": 10_000,
            "remediation_cost": 5000,
            "reputation_cost": 0,
            "social_quantity": 10,
            "social_proxy": 1000,
            "deadweight": 0.2,
            "displacement": 0.1,
            "attribution": 0.25,
            "drop_off": 0.5,
        }.items()
    }
    got = {k: round(float(v[0]), 2) for k, v in parts(x).items()}
    assert got == {
        "due_diligence": 16839.49,
        "incidents_avoided": 5446.50,
        "social_value": 8758.02,
        "saving": -2634.97,
    }


def test_presets_follow_the_risk_tier_and_cite_their_sources():
    assert risk_tier("53100000", "PY")[0] == "high"  # garments: forced and child labour
    assert risk_tier("80110000", "CA")[0] == "low"
    high = preset("53100000", "PY")["incident_probability"]
    low = preset("80110000", "CA")["incident_probability"]
    assert high["values"][1] > low["values"][1]
    assert "tier high" in high["source"] and "arXiv 2311.15971" in high["source"]
    for name, spec in preset().items():
        assert spec["source"] and spec["source_es"] and spec["kind"] in ("evidence", "assumption")
        assert spec.get("unit") and spec.get("unit_es") and spec["unit_es"] != spec["unit"], name
    assert "incident_probability" not in preset()  # without a category the file must give it


def test_distributions_hit_their_anchors():
    rng = np.random.default_rng(0)
    lognormal = Param("x", "lognormal", (100.0, 300.0), "test").draw(rng, 200_000)
    assert np.median(lognormal) == pytest.approx(100, rel=0.02)
    assert np.percentile(lognormal, 90) == pytest.approx(300, rel=0.02)
    pert = Param("y", "pert", (0.0, 2.0, 10.0), "test").draw(rng, 200_000)
    assert pert.mean() == pytest.approx((0 + 4 * 2 + 10) / 6, rel=0.01) and pert.min() >= 0


def test_simulate_a_known_model():
    params = [
        Param("a", "triangular", (0.0, 1.0, 2.0), "test"),
        Param("b", "fixed", (3.0,), "test"),
    ]
    _, summary = simulate(lambda x: x["a"] + x["b"], params, 100_000, 1)
    assert summary.p50 == pytest.approx(4.0, abs=0.01) and summary.probability_positive == 1.0


def test_bad_parameters_are_named(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(
        "category: '53100000'\ncountry: PY\nparameters:\n  annual_value: 1000\n"
        "  audit_cost: {distribution: pert, values: [1, 2, 3], source: ''}\n"
    )
    with pytest.raises(InputError) as err:
        economic_case(bad, draws=100)
    assert "audit_cost" in str(err.value) and "source" in str(err.value)
    bad.write_text("parameters:\n  annual_value: 1000\n")
    with pytest.raises(InputError) as err:
        economic_case(bad, draws=100)
    assert "incident_probability" in str(err.value) and "category and country" in str(err.value)
    bad.write_text("category: '53100000'\ncountry: PY\nparameters:\n  anual_value: 1000\n")
    with pytest.raises(InputError) as err:
        economic_case(bad, draws=100)
    assert "unknown parameter 'anual_value'" in str(err.value)
    bad.write_text(
        "category: '53100000'\ncountry: PY\nparameters:\n  annual_value: 1000\n  social_proxy: 50\n"
    )
    with pytest.raises(InputError) as err:
        economic_case(bad, draws=100)
    assert "social value needs all" in str(err.value) and "deadweight" in str(err.value)


def test_a_value_given_without_a_unit_keeps_the_parameters_unit(tmp_path):
    case = tmp_path / "caso.yaml"
    case.write_text(
        "category: '53100000'\ncountry: PY\ncurrency: PYG\nparameters:\n  annual_value: 1000\n"
        "  years: {distribution: fixed, value: 5, source: our contracts}\n"
        "  audits_per_year: {distribution: fixed, value: 2, unit: visits, source: our plan}\n"
    )
    _, _, meta = economic_case(case, draws=100)
    given = {p["name"]: p for p in meta["parameters"]}
    assert (given["annual_value"]["unit"], given["annual_value"]["unit_es"]) == (
        "PYG per year",
        "PYG por año",
    )
    assert given["annual_value"]["source_es"] == "indicado en caso.yaml"
    default = preset()["years"]
    assert (given["years"]["unit"], given["years"]["unit_es"]) == (
        default["unit"],
        default["unit_es"],
    )
    assert given["years"]["kind"] == "given" and given["years"]["values"] == [5]
    assert given["audits_per_year"]["unit"] == given["audits_per_year"]["unit_es"] == "visits"


def _tender(formula: str, bids: list[tuple[str, float, float]]) -> dict:
    return {
        "price_formula": formula,
        "price_bounds": [50, 150],
        "price_weight": 0.5,
        "criteria": [{"id": "q", "name": "Quality incl. RBC", "weight": 0.5, "max": 100}],
        "bids": [{"bidder": b, "price": p, "scores": {"q": q}} for b, p, q in bids],
    }


BIDS = [("X", 100, 70), ("Y", 125, 88), ("Z", 50, 20)]


def test_relative_scoring_reverses_ranks_and_is_flagged():
    with_z = evaluate_bids(_tender("relative_to_lowest", BIDS))
    assert [b["bidder"] for b in with_z.ranking][:2] == ["Y", "X"]  # 64 and 60 points
    without_z = evaluate_bids(_tender("relative_to_lowest", BIDS[:2]))
    assert [b["bidder"] for b in without_z.ranking] == ["X", "Y"]  # 85 and 84 points
    assert any("without Z's bid" in w for w in with_z.warnings)
    spanish = evaluate_bids(_tender("relative_to_lowest", BIDS), "es")
    assert any("sin la oferta de Z" in w for w in spanish.warnings)
    assert spanish.ranking[0]["explanation"][0].endswith("(relativa al más bajo)")
    x = next(b for b in spanish.ranking if b["bidder"] == "X")
    assert x["explanation"][0] == "precio 100,00: 50 × 0,5000 = 25,00 (relativa al más bajo)"


def test_linear_scoring_keeps_ranks_and_explains_each_score():
    result = evaluate_bids(_tender("linear", BIDS))
    assert not [w for w in result.warnings if w.startswith("rank reversal")]
    x = next(b for b in result.ranking if b["bidder"] == "X")
    assert x["price_points"] == pytest.approx(25.0) and x["quality"] == pytest.approx(35.0)
    assert x["explanation"][0].startswith("price 100.00: 50 × 0.5000 = 25.00")


def test_thresholds_exclude_with_reasons():
    tender = json.loads((EXAMPLES / "bids-uniforms.json").read_text())
    result = evaluate_bids(tender)
    assert [b["bidder"] for b in result.excluded] == ["C"]
    assert any(
        "Supply-chain transparency 2 is below the minimum 3" in r
        for r in result.excluded[0]["reasons"]
    )
    assert result.ranking[0]["bidder"] == "B"  # the best RBC offer wins despite a higher price


def test_economics_and_bids_from_the_command_line(tmp_path):
    from test_cli import run

    garments = ("economics", "53100000", "--country", "PY", "--value", "400000")
    case = json.loads(run(*garments, "--draws", "20000", "--format", "json").stdout)
    assert case["summary"]["p10"] < case["summary"]["p50"] < case["summary"]["p90"]
    value = next(p for p in case["inputs"]["parameters"] if p["name"] == "annual_value")
    assert value["values"] == [400000.0] and value["source"] == "command line"
    # The template round-trips: edit it and run it back.
    template = tmp_path / "case.yaml"
    done = run(*garments, "--template", "--output", template)
    assert done.returncode == 0 and "kind: assumption" in template.read_text()
    template.write_text(template.read_text().replace("value: 400000", "value: 800000"))
    edited = json.loads(
        run("economics", "--params", template, "--draws", "20000", "--format", "json").stdout
    )
    assert edited["summary"]["mean"] < case["summary"]["mean"]  # more value, more premium
    contract = json.loads(
        run(
            "economics",
            "--contract",
            EXAMPLES / "contract-laptops.yaml",
            "--draws",
            "20000",
            "--format",
            "json",
        ).stdout
    )
    cost = contract["inputs"]["lcc"]
    assert cost["acquisition"] == 650000 and cost["total"] > cost["acquisition"]
    assert cost["total_with_rbc"] == pytest.approx(cost["total"] - contract["summary"]["mean"])
    refused = run("economics", "53100000", "--value", "1")
    assert refused.returncode != 0 and "--country" in refused.stderr
    bids = json.loads(
        run("evaluate-bids", EXAMPLES / "bids-uniforms.json", "--format", "json").stdout
    )
    assert bids["ranking"][0]["bidder"] == "B" and bids["excluded"][0]["bidder"] == "C"
    said = run("evaluate-bids", EXAMPLES / "bids-uniforms.json", "--lang", "es").stdout
    assert "Oferente" in said and "120.000,00" in said and "Excluida la oferta de C: " in said
    assert "la calidad 31% está por debajo del umbral 50%" in said and "Aviso: " in said
    book = tmp_path / "bids.xlsx"
    assert (
        run(
            "evaluate-bids", EXAMPLES / "bids-uniforms.json", "--format", "xlsx", "--output", book
        ).returncode
        == 0
    )
    assert book.stat().st_size > 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"price_formula": "cheapest", "price_weight": 0.5, "criteria": [], "bids": []})
    )
    refused = run("evaluate-bids", bad)
    assert refused.returncode == 1 and "price_formula must be one of" in refused.stderr


def test_bids_from_a_filled_workbook_template(tmp_path):
    from openpyxl import load_workbook
    from test_cli import run

    book = tmp_path / "bids.xlsx"
    assert run("evaluate-bids", "--template", "xlsx", "--output", book).returncode == 0
    wb = load_workbook(book)
    criteria = [row[0].value for row in wb["criteria"].iter_rows(min_row=2)]
    assert criteria == ["technical", "transparency", "due_diligence", "remediation"]
    wb["bids"].append(["Bidder B", 150000, 9, 9, 9, 9])  # dearer, better on RBC
    wb["bids"].append(["Bidder C", 82000, 5, 2, 2, 1])  # cheap, below the transparency minimum
    wb.save(book)
    result = json.loads(run("evaluate-bids", book, "--format", "json").stdout)
    assert [b["bidder"] for b in result["ranking"]] == ["Bidder A", "Bidder B"]
    assert result["excluded"][0]["bidder"] == "Bidder C"
    assert any(
        "Supply-chain transparency 2 is below the minimum" in r
        for r in result["excluded"][0]["reasons"]
    )
    # linear (the template's formula): 50 × (160000 − 150000) / 80000 = 6.25 price points
    b = next(b for b in result["ranking"] if b["bidder"] == "Bidder B")
    assert b["price_points"] == pytest.approx(6.25) and b["quality"] == pytest.approx(45.0)
    wb["bids"]["D3"] = "lots"
    wb.save(book)
    refused = run("evaluate-bids", book)
    assert refused.returncode == 1 and "sheet bids, cell D3" in refused.stderr


def test_bids_from_yaml():
    from bestvalue.economics import read_tender

    tender = read_tender(EXAMPLES / "bids-uniforms.yaml")
    assert evaluate_bids(tender).ranking[0]["bidder"] == "B"


def test_the_economic_case_in_spanish_from_the_command_line(tmp_path):
    from test_cli import run

    garments = ("economics", "53100000", "--country", "PY", "--value", "400000", "--draws", "2000")
    es = run(*garments, "--lang", "es")
    assert es.returncode == 0, es.stderr
    assert "Caso económico de la CER: 53100000 en PY" in es.stdout
    assert "Ahorro neto de la CER (USD, valor presente, 2.000 simulaciones" in es.stdout
    assert "Valores esperados: debida diligencia" in es.stdout
    assert "Sobreprecio de certificación" in es.stdout and "supuesto" in es.stdout
    assert "Net saving" not in es.stdout and "Certification premium" not in es.stdout
    en = run(*garments)
    assert "Net saving of RBC (USD, present value, 2,000 draws" in en.stdout
    assert "Certification premium" in en.stdout and "Sobreprecio" not in en.stdout
    assert "proporción por año" in es.stdout and "share per year" not in es.stdout  # units
    assert "0,035; 0,06; 0,1" in es.stdout and "0.035; 0.06; 0.1" in en.stdout  # values
    assert "│ fija " in es.stdout and "│ fixed " in en.stdout
    # The yearly value given on the command line: its kind, its unit and its source, in Spanish.
    given = next(line for line in es.stdout.splitlines() if "annual_value" in line)
    assert "400.000" in given and "USD por año" in given
    assert "│ dado " in given and "línea de comandos" in given
    given = next(line for line in en.stdout.splitlines() if "annual_value" in line)
    assert "USD per year" in given and "│ given " in given and "command line" in given
    # The Sobol indices: decimals with a comma in Spanish, a point in English.
    sobol = [line for line in es.stdout.splitlines() if "reputation_cost" in line]
    assert any(re.search(r"│ -?\d+,\d+ +│$", line) for line in sobol)
    sobol = [line for line in en.stdout.splitlines() if "reputation_cost" in line]
    assert any(re.search(r"│ -?\d+\.\d+ +│$", line) for line in sobol)
    # The same P50 in both: only the words and the marks in the numbers change.
    p50 = [line.split("P50 ")[1].split(" ")[0] for line in (es.stdout, en.stdout)]
    assert p50[0] == p50[1].translate(str.maketrans(",.", ".,"))
    template = tmp_path / "caso.yaml"
    assert run(*garments, "--template", "--lang", "es", "--output", template).returncode == 0
    text = template.read_text()
    assert text.startswith("# caso económico de bestvalue") and "kind: assumption" in text
    again = run("economics", "--params", template, "--draws", "2000", "--lang", "es")
    assert again.returncode == 0 and "Caso económico de la CER: 53100000 en PY" in again.stdout
