"""Files loaded before with another country (or none) given a country: their sources, their stored
documents and their processes, and nothing else; all or nothing (DuckDB here, Spark in
test_spark.py)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from bestvalue import ingest, open_warehouse
from bestvalue.errors import WarehouseError
from bestvalue.warehouse import duckdb_engine

COLOMBIA = FIXTURES / "colombia-cce"
OTHER = ("items", "awards", "contracts", "parties", "rejects")


def _countries(wh, table: str) -> dict:
    rows = wh.sql(f"SELECT country, count(*) AS n FROM {table} GROUP BY ALL").to_pylist()
    return {r["country"]: r["n"] for r in rows}


def _snapshot(wh) -> dict:
    return {name: sorted(map(repr, wh.sql(f"SELECT * FROM {name}").to_pylist())) for name in OTHER}


def _by_ocid(wh) -> dict:
    return {
        r["ocid"]: r["country"] for r in wh.sql("SELECT ocid, country FROM processes").to_pylist()
    }


def test_files_loaded_without_a_country_are_given_it_and_nothing_else_changes(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        first = ingest([COLOMBIA], wh, skip_bad=True)  # no country
        before = _snapshot(wh)
        kept = ingest([COLOMBIA], wh, country="CO", skip_bad=True)
        assert len(kept.other_country) == first.files and not kept.retagged
        assert _countries(wh, "processes") == {None: first.processes}
        again = ingest([COLOMBIA], wh, country="co", skip_bad=True, retag=True)
        assert again.files == 0 and not again.other_country
        assert len(again.retagged) == first.files > 20
        assert {r["country"] for r in again.retagged} == {None}
        assert again.retagged_processes == first.processes > 20
        assert _countries(wh, "processes") == {"CO": first.processes}
        assert _countries(wh, "sources") == {"CO": first.files}
        assert list(_countries(wh, "raw_documents")) == ["CO"]
        assert _snapshot(wh) == before  # the compiled releases do not depend on the country
        third = ingest([COLOMBIA], wh, country="CO", skip_bad=True, retag=True)
        assert not third.other_country and not third.retagged and third.retagged_processes == 0


def test_some_files_retagged_change_only_their_processes(tmp_path):
    """The files of seven processes: those processes change, the others keep their country. A
    process with documents in files of two countries has its most recently loaded document's."""
    files = sorted(COLOMBIA.rglob("*.json"))  # a process's record file before its releases'
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        ingest(files, wh, country="PY", skip_bad=True)  # the wrong country
        chosen = wh.sql("SELECT ocid FROM processes ORDER BY ocid LIMIT 7").column(0).to_pylist()
        listed = ", ".join(f"'{o}'" for o in chosen)
        some = (
            wh.sql(f"SELECT DISTINCT source FROM raw_documents WHERE ocid IN ({listed})")
            .column(0)
            .to_pylist()
        )
        report = ingest(some, wh, country="CO", skip_bad=True, retag=True)
        assert len(report.retagged) == len(some) and report.retagged_processes == 7
        countries = _by_ocid(wh)
        assert {o for o, c in countries.items() if c == "CO"} == set(chosen)
        assert len(countries) > 7
        stored = wh.sql("SELECT path, country FROM sources").to_pylist()
        assert all((r["country"] == "CO") == (r["path"] in some) for r in stored)
        # A record's file alone: its releases' file, loaded after it, keeps PY, and so the process.
        record = next(p for p in files if "records" in str(p) and p.stem not in chosen)
        alone = ingest([record], wh, country="CO", skip_bad=True, retag=True)
        assert len(alone.retagged) == 1 and alone.retagged_processes == 0
        assert countries[record.stem] == _by_ocid(wh)[record.stem] == "PY"
        back = ingest(
            [p for p in files if p.name.startswith(record.stem)], wh, country="CO", retag=True
        )
        assert len(back.retagged) == 1 and back.retagged_processes == 1  # its releases' file


def test_a_failed_retag_leaves_the_warehouse_as_it_was(tmp_path, monkeypatch):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        ingest([COLOMBIA], wh, skip_bad=True)
        tables = ("sources", "raw_documents", "processes")
        before = {t: _countries(wh, t) for t in tables}
        monkeypatch.setattr(duckdb_engine, "process_countries", lambda raw: "SELECT nonsense")
        with pytest.raises(WarehouseError, match="could not change the country.*as it was"):
            ingest([COLOMBIA], wh, country="CO", skip_bad=True, retag=True)
        assert {t: _countries(wh, t) for t in tables} == before
        monkeypatch.undo()
        assert ingest([COLOMBIA], wh, country="CO", skip_bad=True, retag=True).retagged
        assert _countries(wh, "processes") == {"CO": sum(before["processes"].values())}
