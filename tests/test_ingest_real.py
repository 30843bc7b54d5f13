"""Ingest of the real samples: counts, compile, idempotence, publisher quirks."""

from __future__ import annotations

import json
from pathlib import Path

import ocdsmerge
import pytest
from conftest import FIXTURES, PUBLISHERS, distinct_ocids, fingerprint, releases_by_ocid

from bestvalue import BestValueError, InputError, WarehouseError, ingest, open_warehouse
from bestvalue.warehouse import pyload

SCHEMA = Path(__file__).parents[1] / "src/bestvalue/data/ocds-schema/release-schema.json"


@pytest.mark.parametrize("whole_file_mb", ["16", "0"], ids=["parsed whole", "streamed"])
@pytest.mark.parametrize("publisher", PUBLISHERS)
def test_one_process_per_distinct_ocid(duck, publisher, whole_file_mb, monkeypatch):
    monkeypatch.setenv("BESTVALUE_WHOLE_FILE_MB", whole_file_mb)
    report = ingest([FIXTURES / publisher], duck, skip_bad=True)
    expected = distinct_ocids(FIXTURES / publisher)
    got = {r["ocid"] for r in duck.sql("SELECT ocid FROM processes").to_pylist()}
    assert got == expected
    assert report.processes == len(expected)
    assert duck.row_count("processes") == len(expected)


def _latest_per_id(releases: list[dict]) -> list[dict]:
    """The documented policy for a release id republished with new content: newer date wins."""
    chosen: dict[str, dict] = {}
    for release in releases:
        key = str(release["id"])
        if key not in chosen or release["date"] >= chosen[key]["date"]:
            chosen[key] = release
    return sorted(chosen.values(), key=lambda r: r["date"])


@pytest.mark.parametrize("publisher", PUBLISHERS)
def test_awards_match_an_independent_compile(duck, publisher):
    """Compile the releases with the Python ocdsmerge and compare every award."""
    folder = FIXTURES / publisher / "sample" / "releases"
    ingest([folder], duck)
    merger = ocdsmerge.Merger(schema=json.loads(SCHEMA.read_text()))
    expected = set()
    for ocid, releases in releases_by_ocid(folder).items():
        compiled = merger.create_compiled_release(_latest_per_id(releases))
        for award in compiled.get("awards", []):
            amount = (award.get("value") or {}).get("amount")
            expected.add(
                (
                    ocid,
                    str(award["id"]),
                    award.get("status"),
                    None if amount is None else float(amount),
                )
            )
    got = {
        (r["ocid"], r["award_id"], r["status"], r["value_amount"])
        for r in duck.sql("SELECT * FROM awards").to_pylist()
    }
    assert got == expected


def test_empty_paraguay_files_are_named(duck):
    folder = FIXTURES / "paraguay-dncp" / "sample" / "records"
    with pytest.raises(InputError) as error:
        ingest([folder], duck)
    assert error.value.path.endswith("283826.json")
    assert "empty" in error.value.reason
    assert duck.row_count("processes") == 0 and duck.row_count("sources") == 0
    report = ingest([folder], duck, skip_bad=True)
    rejected = sorted(Path(r["path"]).name for r in report.rejects)
    assert rejected == ["283826.json", "283906.json", "284456.json"]
    assert duck.row_count("rejects") == 3 + len(report.unlinked)  # (see the next test)


@pytest.mark.parametrize(
    ("skip_bad", "batch"), [(False, 10_000), (True, 10_000), (False, 1)], ids=str
)
def test_records_that_only_link_to_releases_not_loaded_are_told(duck, skip_bad, batch, monkeypatch):
    """Two of Paraguay's records only link to their releases. Loaded without them, their
    processes are missing, which the ingest says (not a refusal: the rest loads either way);
    once the releases are loaded, the processes are there and the notes go. (``batch``: the
    notes held in memory before they go to DuckDB, as many of them would.)"""
    monkeypatch.setattr(pyload, "UNLINKED_BATCH", batch)
    folder = FIXTURES / "paraguay-dncp" / "sample"
    records = [p for p in sorted((folder / "records").glob("*.json")) if p.stat().st_size]
    report = ingest(records, duck, skip_bad=skip_bad)
    assert report.rejects == [] and report.processes == duck.row_count("processes") == 10
    missing = {r["ocid"]: r for r in report.unlinked}
    assert sorted(missing) == ["ocds-03ad3f-284437", "ocds-03ad3f-284453"]
    note = missing["ocds-03ad3f-284453"]
    assert Path(note["path"]).name == "284453.json" and note["location"] == "at /records/0"
    assert (
        "(2, the first at https://www.contrataciones.gov.py/datos/id/planning/284453-"
        in (note["reason"])
    )
    stored = duck.sql("SELECT ocid, reason FROM rejects ORDER BY ocid").to_pylist()
    assert [(r["ocid"], r["reason"]) for r in stored] == sorted(
        (r["ocid"], r["reason"]) for r in report.unlinked
    )
    ingest(sorted((folder / "releases").glob("284453-*.json")), duck)
    assert duck.row_count("processes") == 11
    left = duck.sql("SELECT ocid FROM rejects").to_pylist()
    assert left == [{"ocid": "ocds-03ad3f-284437"}]


def test_the_waiting_notes_are_known_by_words_that_warehouses_keep():
    """The notes above are deleted once their releases load, found by how their reason begins
    (stored in English): each message's wording begins with one of ``UNTIL_LOADED``, which a
    new wording must extend (warehouses keep the old), and no other message does."""
    from bestvalue.messages import CATALOGUE
    from bestvalue.warehouse.base import UNTIL_LOADED

    waiting = ("record_links_only", "record_without_data")
    for key in waiting:
        assert CATALOGUE[key]["en"].startswith(UNTIL_LOADED), key
    others = [key for key, text in CATALOGUE.items() if key not in waiting]
    assert others and not [k for k in others if CATALOGUE[k]["en"].startswith(UNTIL_LOADED)]


def test_records_whose_linked_releases_come_in_the_same_ingest_are_not_told(duck):
    report = ingest([FIXTURES / "paraguay-dncp"], duck, skip_bad=True)
    assert report.unlinked == [] and len(report.rejects) == 3
    ocids = duck.sql("SELECT ocid FROM processes").to_pylist()
    assert {"ocid": "ocds-03ad3f-284437"} in ocids and {"ocid": "ocds-03ad3f-284453"} in ocids


def test_colombia_codes_in_item_id_are_kept_as_text(duck):
    ingest([FIXTURES / "colombia-cce" / "sample" / "releases"], duck)
    rows = duck.sql(
        "SELECT item_id, classification_scheme, classification_id FROM items "
        "WHERE ocid = 'ocds-k50g02-11-11-452228' AND stage = 'tender'"
    ).to_pylist()
    assert rows == [
        {"item_id": "78000000", "classification_scheme": "UNSPSC", "classification_id": None}
    ]


def test_reingesting_adds_nothing(duck):
    first = ingest([FIXTURES], duck, skip_bad=True)
    counts = {t: duck.row_count(t) for t in duck.table_names()}
    second = ingest([FIXTURES], duck, skip_bad=True)
    assert second.files == 0 and len(second.skipped) == first.files
    assert {t: duck.row_count(t) for t in duck.table_names()} == counts


@pytest.mark.parametrize("fast", ["1", "0"], ids=["DuckDB path", "Python path"])
def test_the_same_releases_in_another_file_are_stored_once(duck, tmp_path, fast, monkeypatch):
    """A publisher's next dump repeats what it published before, laid out anew: only the one
    changed release is stored again, and the processes are the same (one of them updated)."""
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", fast)
    folder = FIXTURES / "mexico-jalisco" / "sample" / "releases"
    ingest([folder], duck)
    count = "SELECT count(*) AS n FROM raw_documents"
    stored = duck.sql(count).to_pylist()[0]["n"]
    releases = [
        r for f in sorted(folder.glob("*.json")) for r in json.loads(f.read_text())["releases"]
    ]
    releases[-1] = {**releases[-1], "date": "2030-01-01T00:00:00Z"}  # the one change
    again = tmp_path / "again.jsonl"  # JSON lines, keys and spacing as json.dumps writes them
    again.write_text(
        "\n".join(json.dumps(r, indent=None, separators=(", ", ": ")) for r in releases)
    )
    processes = duck.row_count("processes")
    report = ingest([again], duck)
    assert report.releases == len(releases)
    assert report.fast_files == int(fast)  # (the DuckDB path took the file, or not)
    assert duck.sql(count).to_pylist()[0]["n"] == stored + 1
    assert duck.row_count("processes") == processes
    dates = duck.sql(
        f"SELECT date FROM processes WHERE ocid = '{releases[-1]['ocid']}'"
    ).to_pylist()
    assert str(dates[0]["date"]).startswith("2030-01-01")


def test_releases_of_one_process_across_ingests_compile_together(duck, tmp_path):
    """Mexico's planning, tender, award and contract releases loaded in two separate runs."""
    folder = FIXTURES / "mexico-jalisco" / "sample" / "releases"
    files = sorted(folder.glob("ocds-xs1qbl-SFIN-03-0001-00-2017-*"))
    ingest(files[:2], duck)  # planning, tender
    assert duck.sql("SELECT award_count FROM processes").to_pylist() == [{"award_count": 0}]
    ingest(files[2:], duck)  # award, contract
    row = duck.sql(
        "SELECT release_count, award_count, contract_count, compiled_by FROM processes"
    ).to_pylist()
    assert row == [
        {"release_count": 4, "award_count": 1, "contract_count": 1, "compiled_by": "merge"}
    ]


def test_ocds_10_suppliers_become_parties(duck):
    """Paraguay's OCDS 1.0 contract releases name suppliers by identifier, without parties."""
    ingest([FIXTURES / "paraguay-dncp" / "sample" / "releases"], duck)
    suppliers = duck.sql(
        "SELECT count(*) AS n FROM parties WHERE list_contains(roles, 'supplier')"
    ).to_pylist()[0]["n"]
    awarded = duck.sql(
        "SELECT count(DISTINCT (ocid, s)) AS n FROM (SELECT ocid, unnest(supplier_ids) AS s "
        "FROM awards)"
    ).to_pylist()[0]["n"]
    assert suppliers >= awarded > 0


def test_a_country_that_is_none_is_refused_before_anything_is_read(duck):
    for code in ("XX", "PRY", "1"):
        with pytest.raises(BestValueError, match="is not an ISO 3166 country code"):
            ingest([FIXTURES / "mexico-jalisco"], duck, country=code)
    assert duck.row_count("sources") == 0


def test_country_and_sources_are_recorded(duck):
    ingest([FIXTURES / "mexico-jalisco"], duck, country="mx")
    assert duck.sql("SELECT DISTINCT country FROM processes").to_pylist() == [{"country": "MX"}]
    sources = duck.sql("SELECT * FROM sources").to_pylist()
    assert len(sources) == 20
    assert all(len(s["sha256"]) == 64 and s["encoding"] == "utf-8" for s in sources)


def test_worker_processes_compile_exactly_what_one_process_does(tmp_path, monkeypatch):
    from conftest import COUNTRIES, FIXTURES

    from bestvalue import ingest, open_warehouse
    from bestvalue.warehouse import compiling

    def load(name: str) -> dict[str, object]:
        with open_warehouse(tmp_path / f"{name}.duckdb") as wh:
            for publisher, country in COUNTRIES.items():
                ingest([FIXTURES / publisher], wh, country=country, skip_bad=True)
            return fingerprint(wh)

    monkeypatch.setenv("BESTVALUE_INGEST_WORKERS", "1")
    alone = load("alone")
    monkeypatch.setenv("BESTVALUE_INGEST_WORKERS", "2")
    monkeypatch.setattr(compiling, "PARALLEL_FROM", 1)  # the samples are small: force the pool
    monkeypatch.setattr(compiling, "CHUNK", 7)  # and many chunks, to test their order
    assert compiling.workers_for(10) == 2
    assert load("pool") == alone
    assert len(alone["processes"]) > 50


@pytest.mark.parametrize("first", ["1", "0"])
def test_a_release_read_by_either_path_is_stored_once(duck, tmp_path, first, monkeypatch):
    """The DuckDB path and the Python reader know a document by the same hash: the same
    releases read by one path, then by the other (another file, laid out anew), are stored
    once. Fails if either path hashes its own way."""
    folder = FIXTURES / "mexico-jalisco" / "sample" / "releases"
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", first)
    assert ingest([folder], duck).fast_files == (len(list(folder.glob("*.json"))) * int(first))
    count = "SELECT count(*) AS n FROM raw_documents"
    stored = duck.sql(count).to_pylist()[0]["n"]
    releases = [
        r for f in sorted(folder.glob("*.json")) for r in json.loads(f.read_text())["releases"]
    ]
    again = tmp_path / "again.jsonl"
    again.write_text("\n".join(json.dumps(r, separators=(", ", ": ")) for r in releases))
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "0" if first == "1" else "1")
    report = ingest([again], duck)
    assert report.releases == len(releases) == stored
    assert report.fast_files == 1 - int(first)
    assert duck.sql(count).to_pylist()[0]["n"] == stored


def test_no_compiled_table_is_stored_and_an_earlier_one_is_dropped(tmp_path):
    """The nested compiled rows are not stored (the derived tables hold them); a warehouse of an
    earlier version, which stored them in ``compiled``, loses that table when next opened to
    write, and nothing else."""
    import duckdb

    path = tmp_path / "w.duckdb"
    with open_warehouse(path, "duckdb") as wh:
        ingest([FIXTURES / "mexico-jalisco"], wh)
        processes = wh.row_count("processes")
        assert "compiled" not in wh.table_names(internal=True)
    with duckdb.connect(str(path)) as con:  # as earlier versions left it
        con.execute("CREATE TABLE compiled AS SELECT ocid FROM processes")
    with open_warehouse(path, "duckdb", read_only=True) as wh:  # reading changes nothing
        assert "compiled" in wh.table_names(internal=True)
    with open_warehouse(path, "duckdb") as wh:
        assert "compiled" not in wh.table_names(internal=True)
        assert wh.row_count("processes") == processes
    with open_warehouse(path, "duckdb") as wh, pytest.raises(WarehouseError, match="compiled"):
        wh.sql("SELECT * FROM compiled")
