"""The spend basis, allocation, cube and coverage on the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES

from bestvalue import classify, ingest, open_warehouse, spend
from bestvalue.spend import cube

MX_RECORD = FIXTURES / "mexico-jalisco/sample/records/ocds-xs1qbl-SFIN-03-0001-00-2017.json"


def _expected_actual(wh) -> dict[tuple[str, str], float]:
    """Counted contract values, else award values, per (country, currency): written in SQL."""
    rows = wh.sql(
        """
        WITH c AS (SELECT * FROM contracts
                   WHERE status IS NULL OR status NOT IN ('pending', 'cancelled')),
        a AS (SELECT * FROM awards
              WHERE (status IS NULL OR status NOT IN ('pending', 'cancelled', 'unsuccessful'))
              AND ocid NOT IN (SELECT ocid FROM c)),
        v AS (SELECT ocid, value_amount, value_currency FROM c
              UNION ALL SELECT ocid, value_amount, value_currency FROM a)
        SELECT p.country, v.value_currency AS currency, sum(v.value_amount) AS amount
        FROM v JOIN processes p USING (ocid) WHERE v.value_amount IS NOT NULL GROUP BY ALL
        """
    ).to_pylist()
    return {(r["country"], r["currency"]): r["amount"] for r in rows}


def test_totals_by_category_add_up_to_the_spend(classified):
    result = spend(classified, ["category", "country"], currency="original")
    got = result.table.groupby(["country", "currency"]).amount.sum().to_dict()
    expected = _expected_actual(classified)
    assert set(got) == set(expected)
    for key, amount in expected.items():
        assert got[key] == pytest.approx(amount, rel=1e-9), key
    usd = spend(classified, ["category"])
    assert usd.table.amount.sum() == pytest.approx(usd.coverage.total_usd)
    assert usd.table.share.sum() == pytest.approx(1.0)
    assert usd.coverage.by_method.share.sum() == pytest.approx(1.0)


def test_no_process_is_counted_twice(classified):
    lines = spend(classified).lines.to_pandas()
    bases = lines.groupby("ocid").basis.nunique()
    assert (bases == 1).all()
    assert set(lines.basis) == {"contract"}  # every sample process with awards has contracts


def test_contract_values_split_over_items_by_line_value(classified):
    lines = spend(classified).lines.to_pandas()
    mx = lines[(lines.country == "MX") & (lines.allocation == "line_value")]
    assert len(mx) == 151
    contracts = classified.table("contracts").to_pandas().set_index(["ocid", "contract_id"])
    items = classified.table("items").to_pandas()
    items = items[items.stage == "contract"]
    for (ocid, contract_id), group in mx.groupby(["ocid", "contract_id"]):
        value = contracts.loc[(ocid, contract_id), "value_amount"]
        assert group.amount.sum() == pytest.approx(value)
        own = items[(items.ocid == ocid) & (items.contract_id == contract_id)]
        line = (own.quantity * own.unit_value_amount).to_numpy()
        assert sorted(group.amount) == pytest.approx(sorted(value * line / line.sum()))


def test_unclassified_spend_is_shown_not_dropped(classified):
    table = spend(classified, ["category", "country"]).table
    canada = table[table.country == "CA"]
    assert len(canada) == 1 and canada.category_code.isna().all()
    assert canada.category_name_es.iloc[0] == "Sin clasificar"
    assert canada.amount.iloc[0] > 0


def test_rows_carry_names_in_english_and_spanish_and_pareto_classes(classified):
    table = spend(classified, ["category"], level="family").table
    top = table.iloc[0]
    assert top.category_code == "72100000"  # Paraguay's building works dominate the sample
    assert top.category_name_en.startswith("Building construction")
    assert top.category_name_es.startswith("Construcción de edificios")
    assert top.abc == "A" and list(table.amount) == sorted(table.amount, reverse=True)
    assert {"processes", "suppliers", "share", "cumulative_share"} <= set(table.columns)


def test_planned_spend_is_the_tender_estimates(classified):
    planned = spend(classified, ["country"], basis="planned", currency="original").table
    expected = classified.sql(
        "SELECT country, tender_value_currency AS currency, sum(tender_value_amount) AS amount "
        "FROM processes WHERE tender_value_amount IS NOT NULL GROUP BY ALL"
    ).to_pylist()
    got = planned.set_index(["country", "currency"]).amount.to_dict()
    assert got == pytest.approx({(r["country"], r["currency"]): r["amount"] for r in expected})


def test_top_and_other_dimensions(classified):
    lines = spend(classified).lines
    by_supplier = cube(lines, ["supplier"], top=3)
    assert len(by_supplier) == 3 and by_supplier.supplier_name.notna().any()
    years = cube(lines, ["year", "method"])
    assert set(years.year) >= {2011, 2015, 2016, 2017}


def _retagged(tmp_path: Path) -> Path:
    """A real Jalisco record, its currency changed to one with no shipped rate (VES)."""

    def walk(node):
        if isinstance(node, dict):
            return {
                k: "VES" if k == "currency" else ("ves-" + v if k == "ocid" else walk(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = tmp_path / "ves.json"
    out.write_text(json.dumps(walk(json.loads(MX_RECORD.read_text()))))
    return out


def test_a_currency_without_a_rate_is_visible_in_the_coverage(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        ingest([FIXTURES / "mexico-jalisco", _retagged(tmp_path)], wh, country="MX", skip_bad=True)
        classify(wh)
        result = spend(wh, ["category"])
        bad = result.coverage.unconverted
        ves = bad[bad.currency == "VES"]
        assert len(ves) == 1 and ves.fx_status.iloc[0] == "no_rate"
        original = spend(wh, ["country"], currency="original").table.set_index("currency")
        assert ves.amount.iloc[0] == pytest.approx(original.loc["VES", "amount"])
        assert result.table.amount.sum() == pytest.approx(result.coverage.total_usd)


def test_workbook_and_json_from_the_command_line(tmp_path):
    """The CLI classifies on first use, then answers in each format."""
    from test_cli import run

    location = tmp_path / "w.duckdb"
    loaded = run("ingest", FIXTURES / "mexico-jalisco", "--country", "MX", "--warehouse", location)
    assert loaded.returncode == 0, loaded.stderr
    out = tmp_path / "spend.xlsx"
    done = run(
        "spend",
        "--by",
        "category,country",
        "--format",
        "xlsx",
        "--output",
        out,
        "--warehouse",
        location,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["spend", "coverage_by_method", "unconverted", "allocation"]
    doc = json.loads(run("spend", "--format", "json", "--top", "3", "--warehouse", location).stdout)
    row = doc["rows"][0]
    assert {
        "category_code",
        "category_name_en",
        "category_name_es",
        "amount",
        "share",
        "processes",
        "suppliers",
    } <= set(row)
    assert len(doc["rows"]) == 3
    assert {m["category_method"] for m in doc["coverage"]["by_method"]} == {"model", "none"}
    table = run("spend", "--lang", "es", "--warehouse", location).stdout
    assert "Sin clasificar" in table and "Proporción clasificada del gasto (USD " in table
    assert "Clasificador de texto " in table and "Montos en USD." in table
    english = run("spend", "--warehouse", location).stdout
    assert "Classified share of spend (USD " in english and "Text classifier " in english
    bad = run("spend", "--by", "colour", "--warehouse", location)
    assert bad.returncode == 2 and "colour" in bad.stderr and "category" in bad.stderr
