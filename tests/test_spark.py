"""DuckDB and Spark give identical tables on the real samples (one Spark session for all)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from conftest import FIXTURES

from bestvalue import IngestReport, classify, ingest, open_warehouse, spend
from bestvalue.warehouse import TABLES

pytestmark = pytest.mark.spark


def _normal(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return (value.tz_convert("UTC").tz_localize(None) if value.tzinfo else value).isoformat()
    return value


def _rows(warehouse, name: str) -> list[tuple]:
    columns = [c for c in TABLES[name].arrow.names if c not in ("ingest_id", "loaded_at")]
    frame = warehouse.table(name).to_pyarrow().to_pandas()[columns]
    rows = [tuple(_normal(v) for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=repr)


FIRST: dict[str, IngestReport] = {}  # each engine's first ingest


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("engines")
    duck = open_warehouse(tmp / "w.duckdb", "duckdb")
    spark = open_warehouse(tmp / "spark", "spark", spark_master="local[2]")
    # Two ingests, so the Spark engine's incremental commit is exercised too. Paraguay's
    # records come first without the releases two of them only link to: the second ingest
    # brings those, and the notes that they were missing go.
    for warehouse in (duck, spark):
        FIRST[warehouse.engine] = ingest(
            [FIXTURES / "paraguay-dncp" / "sample" / "records", FIXTURES / "colombia-cce"],
            warehouse,
            country="PY",
            skip_bad=True,
        )
        ingest([FIXTURES], warehouse, skip_bad=True)
        classify(warehouse)
    yield duck, spark
    duck.close()


@pytest.mark.parametrize("name", list(TABLES))
def test_engines_agree(engines, name):
    duck, spark = engines
    expected = _rows(duck, name)
    assert expected, f"{name} is empty: the comparison would prove nothing"
    assert _rows(spark, name) == expected


def test_records_missing_their_releases_are_noted_until_they_load(engines):
    for warehouse in engines:
        first = FIRST[warehouse.engine]
        assert sorted(r["ocid"] for r in first.unlinked) == [
            "ocds-03ad3f-284437",
            "ocds-03ad3f-284453",
        ]
        ocids = {r["ocid"] for r in warehouse.sql("SELECT ocid FROM processes").to_pylist()}
        assert {"ocds-03ad3f-284437", "ocds-03ad3f-284453"} <= ocids  # loaded by the second
        reasons = [r["reason"] for r in warehouse.sql("SELECT reason FROM rejects").to_pylist()]
        assert len(reasons) == 3 and all("empty" in r for r in reasons)  # the notes went


def test_spark_sql_and_failed_ingest_leaves_it_unchanged(engines, tmp_path):
    _, spark = engines
    before = spark.sql("SELECT count(*) AS n FROM processes").to_pylist()
    bad = tmp_path / "bad.json"
    bad.write_text('{"releases": [')
    from bestvalue import InputError

    with pytest.raises(InputError):
        ingest([bad], spark)
    assert spark.sql("SELECT count(*) AS n FROM processes").to_pylist() == before
    assert before[0]["n"] == 54


def test_spend_cube_is_the_same_on_both_engines(engines):
    duck, spark = engines
    for by, level in ((["category", "country"], "family"), (["supplier", "year"], "segment")):
        expected = spend(duck, by, level=level).table
        got = spend(spark, by, level=level).table
        keys = [
            c for c in expected.columns if c not in ("amount", "share", "cumulative_share", "abc")
        ]
        expected = expected.sort_values(keys, ignore_index=True)
        got = got.sort_values(keys, ignore_index=True)
        assert got[keys].astype(str).equals(expected[keys].astype(str))
        assert got.amount.to_numpy() == pytest.approx(expected.amount.to_numpy())


@pytest.mark.parametrize("name", ["items", "parties"])
def test_exports_stream_the_same_rows_on_both_engines(engines, tmp_path, monkeypatch, name):
    """An export reads the table in batches (Spark's from its Parquet files, not through the
    driver) and writes the same rows on both engines."""
    import csv

    from bestvalue.warehouse import export

    monkeypatch.setattr(export, "BATCH_ROWS", 100)
    rows = {}
    for warehouse in engines:
        out = tmp_path / f"{warehouse.engine}.csv"
        count = export.export_table(warehouse, name, "csv", out)
        with out.open(newline="") as f:
            rows[warehouse.engine] = sorted(tuple(r.values()) for r in csv.DictReader(f))
        assert count == len(rows[warehouse.engine]) == warehouse.row_count(name) > 100
        assert len(list(warehouse.batches(name, 100))) >= count / 100
    assert rows["spark"] == rows["duckdb"]


def test_files_loaded_before_with_another_country_keep_it_on_both_engines(engines):
    """Colombia's files were loaded with PY: loaded again as CO, they add nothing, keep PY, and
    the report names them (``bestvalue ingest`` and ``bestvalue assess`` say so)."""
    duck, spark = engines
    manifest = (spark.location / "manifest.json").read_text()
    for warehouse in engines:
        before = warehouse.sql("SELECT count(*) AS n FROM processes WHERE country = 'PY'")
        report = ingest([FIXTURES / "colombia-cce"], warehouse, country="co")
        assert report.files == 0 and report.skipped, warehouse.engine
        assert report.other_country, warehouse.engine
        assert {r["country"] for r in report.other_country} == {"PY"}
        assert {r["path"] for r in report.other_country} <= set(report.skipped)
        after = warehouse.sql("SELECT count(*) AS n FROM processes WHERE country = 'PY'")
        assert after.to_pylist() == before.to_pylist() and before.to_pylist()[0]["n"] > 0
        assert not ingest([FIXTURES / "colombia-cce"], warehouse, country="PY").other_country
    # Nothing new: Spark publishes no version (it rewrote every table, to the same rows, and
    # added an empty file of documents), and leaves no debris.
    assert (spark.location / "manifest.json").read_text() == manifest
    assert sorted(p.name for p in spark.location.glob("v*")) == sorted(
        {rel.split("/")[0] for rel in json.loads(manifest)["tables"].values()}
    )


def test_spark_stores_no_compiled_table_and_forgets_an_earlier_one(engines, tmp_path):
    """The derived tables are rewritten from their own rows and the new compiled rows: no
    ``compiled`` table is kept, and the one a warehouse of an earlier version named goes from
    its manifest (and from disk) at the next publish."""
    from bestvalue.warehouse.spark_engine import SparkWarehouse

    _, spark = engines
    manifest = json.loads((spark.location / "manifest.json").read_text())
    assert set(manifest["tables"]) == set(TABLES)
    assert spark.table_names(internal=True) == list(TABLES)

    old = SparkWarehouse(tmp_path / "old")
    for rel in ("v000001/compiled", "v000002/processes"):
        (old.location / rel).mkdir(parents=True)
    tables = {"compiled": "v000001/compiled", "processes": "v000002/processes"}
    old._publish({"version": 2, "raw": [], "tables": tables})
    kept = json.loads((old.location / "manifest.json").read_text())
    assert kept["tables"] == {"processes": "v000002/processes"}
    assert not (old.location / "v000001").exists() and (old.location / "v000002").exists()


def test_an_ingest_keeps_the_categories_of_the_processes_it_does_not_touch(engines, tmp_path):
    """Items classified before keep their categories through a later ingest on both engines
    (Spark derived its items anew from every compiled row, categories empty, until the derived
    tables were rewritten from their own rows); the new process's items wait for classify."""
    release = {
        "ocid": "ocds-test-new-1",
        "id": "r1",
        "date": "2024-05-01T00:00:00Z",
        "tag": ["tender"],
        "tender": {"id": "t1", "items": [{"id": "1", "description": "cemento"}]},
    }
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"version": "1.1", "releases": [release]}))
    classified = "SELECT count(*) AS n FROM items WHERE category_method IS NOT NULL"
    for warehouse in engines:
        before = warehouse.sql(classified).to_pylist()[0]["n"]
        assert before > 0
        ingest([path], warehouse)
        assert warehouse.sql(classified).to_pylist()[0]["n"] == before, warehouse.engine
    assert _rows(engines[0], "items") == _rows(engines[1], "items")


def test_files_retagged_agree_on_both_engines_and_a_failed_retag_changes_nothing(
    engines, tmp_path, monkeypatch
):
    """Colombia's files loaded without a country, then given CO (--retag): the same processes
    and sources on both engines; Spark replaces the stored documents' files it changed, and a
    retag that fails publishes nothing and leaves no file behind."""
    from bestvalue.errors import WarehouseError
    from bestvalue.warehouse import spark_engine

    duck = open_warehouse(tmp_path / "w.duckdb", "duckdb")
    spark = open_warehouse(tmp_path / "spark", "spark", spark_master="local[2]")
    files = sorted((FIXTURES / "colombia-cce").rglob("*.json"))
    for warehouse in (duck, spark):
        ingest(files[:12], warehouse, skip_bad=True)  # no country
        ingest(files[12:], warehouse, country="PY", skip_bad=True)
    manifest = (spark.location / "manifest.json").read_text()
    raw = sorted(p.name for p in (spark.location / "raw").iterdir())
    monkeypatch.setattr(spark_engine, "process_countries", lambda raw: "SELECT nonsense")
    with pytest.raises(WarehouseError, match="could not change the country"):
        ingest(files, spark, country="CO", retag=True, skip_bad=True)
    monkeypatch.undo()
    assert (spark.location / "manifest.json").read_text() == manifest
    assert sorted(p.name for p in (spark.location / "raw").iterdir()) == raw
    changed = {}
    for warehouse in (duck, spark):
        report = ingest(files[:12], warehouse, country="CO", retag=True, skip_bad=True)
        assert len(report.retagged) == 12 and {r["country"] for r in report.retagged} == {None}
        changed[warehouse.engine] = report.retagged_processes
    assert changed["spark"] == changed["duckdb"] > 0
    for name in ("processes", "sources"):
        assert _rows(spark, name) == _rows(duck, name), name
    countries = spark.sql("SELECT DISTINCT country FROM processes").column(0).to_pylist()
    assert sorted(countries) == ["CO", "PY"]
    stored = json.loads((spark.location / "manifest.json").read_text())["raw"]
    assert sorted(p.name for p in (spark.location / "raw").iterdir()) == sorted(
        rel.split("/")[1] for rel in stored
    )
    assert len(stored) == 2 and stored[0].endswith(
        f"-v{json.loads(manifest)['version'] + 1:06d}.parquet"
    )
    duck.close()
    spark.close()


def test_processes_compiled_in_sql_agree_on_both_engines(engines, tmp_path):
    """Generated releases, most compiled in SQL (their rows reach the commit flat), beside a
    real sample the Python merge compiles (nested rows) in one ingest; then the releases of the
    later stages, which compile the same processes again (their rows replaced): both engines
    store the same rows."""
    from test_fastpath import _write

    generated = _write(tmp_path / "generated", 4, 200)
    first = tmp_path / "first"
    first.mkdir()
    for name in ("s0.json", "s1.jsonl"):
        (first / name).write_bytes((generated / name).read_bytes())
    pair = (
        open_warehouse(tmp_path / "w.duckdb", "duckdb"),
        open_warehouse(tmp_path / "spark", "spark", spark_master="local[2]"),
    )
    reports = {}
    for warehouse in pair:
        one = ingest([first, FIXTURES / "colombia-cce"], warehouse, skip_bad=True)
        two = ingest([generated], warehouse, skip_bad=True)
        reports[warehouse.engine] = (one, two)
    for one, two in reports.values():  # (the generated data has a few processes SQL leaves)
        assert 100 < one.sql_processes < one.processes  # both ways in the first
        assert 100 < two.sql_processes < two.processes == 200  # the same processes, again
    for name in ("processes", "items", "awards", "contracts", "parties"):
        assert _rows(pair[0], name) == _rows(pair[1], name), name
    assert len(_rows(pair[0], "processes")) == reports["duckdb"][0].processes
    pair[0].close()
