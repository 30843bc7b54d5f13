from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from bestvalue import open_warehouse

FIXTURES = Path(__file__).parent / "fixtures" / "ocds"
PUBLISHERS = ["paraguay-dncp", "colombia-cce", "mexico-jalisco", "canada-buyandsell"]


COUNTRIES = {
    "paraguay-dncp": "PY",
    "colombia-cce": "CO",
    "mexico-jalisco": "MX",
    "canada-buyandsell": "CA",
}


# An indicator's metadata as a user types it (ITUC ratings from the published report).
ITUC_META = {
    "id": "ituc.rating",
    "title": "ITUC Global Rights Index",
    "publisher": "International Trade Union Confederation",
    "edition": "2024 (typed from the published report)",
    "address": "https://www.globalrightsindex.org",
    "licence": "ITUC terms",
    "retrieved": "2026-11-25",
    "min": 1,
    "max": 5,
    "higher_is_worse": True,
    "title_es": "Índice Global de los Derechos de la CSI",
    "edition_es": "2024 (transcrito del informe publicado)",
}


def ituc_files(folder: Path, rows: str) -> tuple[Path, Path]:
    """An ITUC CSV of ``rows`` (``country,value,year`` lines) and its metadata, in ``folder``."""
    data, meta = folder / "ituc.csv", folder / "ituc.json"
    data.write_text("country,value,year\n" + rows)
    meta.write_text(json.dumps(ITUC_META))
    return data, meta


def load_all(warehouse) -> None:
    """Every real sample, each with its country."""
    from bestvalue import ingest

    for publisher, country in COUNTRIES.items():
        ingest([FIXTURES / publisher], warehouse, country=country, skip_bad=True)


def fingerprint(wh) -> dict[str, object]:
    """Every derived table's rows, whatever their order and the time of loading."""
    out = {}
    for table in ("processes", "items", "awards", "contracts", "parties"):
        frame = wh.table(table).to_pandas()
        frame = frame.drop(columns=[c for c in frame.columns if c in ("ingest_id", "loaded_at")])
        out[table] = sorted(frame.astype(str).itertuples(index=False, name=None))
    return out


@pytest.fixture(scope="session")
def classified(tmp_path_factory):
    """The four real samples in one DuckDB warehouse, classified (shared: read it, don't write)."""
    from bestvalue import classify

    path = tmp_path_factory.mktemp("classified") / "w.duckdb"
    with open_warehouse(path, "duckdb") as warehouse:
        load_all(warehouse)
        classify(warehouse)
        yield warehouse


@pytest.fixture
def duck(tmp_path: Path):
    with open_warehouse(tmp_path / "w.duckdb", "duckdb") as warehouse:
        yield warehouse


def load_json_files(folder: Path) -> list[tuple[Path, Any]]:
    """Every non-empty JSON file under folder, parsed with the standard library."""
    out = []
    for path in sorted(folder.rglob("*.json")):
        if path.stat().st_size:
            out.append((path, json.loads(path.read_bytes())))
    return out


def documents(data: Any) -> tuple[list[dict], list[dict]]:
    """(releases, compiled releases) of one parsed file, found independently of the reader."""
    releases: list[dict] = []
    compiled: list[dict] = []
    records = data.get("records") if isinstance(data, dict) else None
    if records is not None or (isinstance(data, dict) and "compiledRelease" in data):
        for record in records or [data]:
            releases += [r for r in record.get("releases", []) if "ocid" in r]
            if "compiledRelease" in record:
                compiled.append(record["compiledRelease"])
    elif isinstance(data, dict) and "releases" in data:
        releases += data["releases"]
    else:
        releases.append(data)
    return releases, compiled


def distinct_ocids(folder: Path) -> set[str]:
    ocids: set[str] = set()
    for _, data in load_json_files(folder):
        releases, compiled = documents(data)
        ocids |= {r["ocid"] for r in releases + compiled}
    return ocids


def releases_by_ocid(folder: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for _, data in load_json_files(folder):
        for release in documents(data)[0]:
            found[release["ocid"]].append(release)
    return found
