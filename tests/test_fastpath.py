"""The DuckDB path (split, staged and compiled in SQL) gives exactly what the Python path gives."""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from pathlib import Path

import pytest
from conftest import COUNTRIES, FIXTURES, fingerprint

from bestvalue import ingest, open_warehouse
from bestvalue.warehouse.ingest import Progress


def _load(tmp_path: Path, name: str, paths, monkeypatch, fast: bool, **kwargs):
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "1" if fast else "0")
    with open_warehouse(tmp_path / f"{name}.duckdb") as wh:
        reports = [ingest(p, wh, skip_bad=True, **kwargs) for p in paths]
        return fingerprint(wh), reports


def test_real_samples_compile_alike(tmp_path, monkeypatch):
    fast = python = None
    for publisher, country in COUNTRIES.items():
        paths = [[FIXTURES / publisher]]
        fast, reports = _load(tmp_path, f"f-{publisher}", paths, monkeypatch, True, country=country)
        python, _ = _load(tmp_path, f"p-{publisher}", paths, monkeypatch, False, country=country)
        assert fast == python, publisher
        print(publisher, reports[0].fast_files, reports[0].sql_processes)
    assert fast and python


def _when(rng: random.Random, day: int) -> str:
    base = f"2024-03-{day:02d}"
    return rng.choice(
        [
            f"{base}T10:00:00Z",
            f"{base}T10:00:00-04:00",
            f"{base}T10:00:00",
            f"{base}T10:00:00.25+05:30",
            base,
        ]
    )


def _org(rng: random.Random, n: int) -> dict:
    org = {"name": f"Org {n}", "identifier": {"scheme": "PY-RUC", "id": str(n)}}
    if rng.random() < 0.97:
        org["id"] = f"PY-RUC-{n}"
    if rng.random() < 0.3:
        org["address"] = {"countryName": "Paraguay", "locality": "Asunción"}
    return org


def _item(rng: random.Random, i: int, numeric: bool) -> dict:
    item = {
        "id": i if numeric else str(i),
        "description": rng.choice(["papel", "sillas", 'servicio "A" [x]', "agua\\n"]),
        "classification": {"scheme": "UNSPSC", "id": str(rng.randint(10000000, 99999999))},
        "quantity": rng.choice([1, 2.5, 10]),
        "unit": {"name": "u", "value": {"amount": rng.randint(1, 999), "currency": "PYG"}},
    }
    if rng.random() < 0.2:
        item["additionalClassifications"] = [{"scheme": "CPV", "id": "30192000-1"}]
    return item


def _variation(rng: random.Random, release: dict, stage: int) -> None:
    """Now and then, what publishers do that the SQL compile must hand back to Python (and, in
    the third file only, what sends the whole file to the Python reader)."""
    roll = rng.random()
    if roll < 0.02:
        release.setdefault("tender", {})["title"] = None
    elif roll < 0.04:
        release.setdefault("tender", {})["sustainability"] = [{"goals": ["economic"]}]
    elif roll < 0.06:
        release["awards"] = []
    elif roll < 0.08 and stage == 2:
        release.setdefault("tender", {})["value"] = {"amount": "123.5", "currency": "PYG"}
    elif roll < 0.10 and stage == 2:
        release["date"] = release["date"][:10] + " 10:00"
    elif roll < 0.11 and stage == 2:
        release["date"] = "2024-02-30T10:00:00Z"  # matches the form, but no such day


def _releases(rng: random.Random, n: int) -> list[dict]:
    ocid = f"ocds-test-{n:05d}"
    numeric = rng.random() < 0.3  # item ids as numbers, as Colombia publishes them
    items = [_item(rng, i, numeric) for i in range(rng.randint(1, 4))]
    buyer, entity, supplier = (_org(rng, rng.randint(1, 30)) for _ in range(3))
    tender = {
        "id": f"T{n}",
        "title": f"Compra {n}",
        "status": "active",
        "procurementMethod": "open",
        "items": items,
        "value": {"amount": float(rng.randint(100, 10**6)), "currency": "PYG"},
        "tenderPeriod": {"startDate": _when(rng, 2), "endDate": _when(rng, 9)},
        "procuringEntity": entity,
        "numberOfTenderers": rng.choice([1, 3, 3.0]),
        "tenderers": [supplier, _org(rng, 99)],
        "additionalProcurementCategories": ["goods"],
    }
    releases = [
        {
            "ocid": ocid,
            "id": f"{n}-1",
            "date": _when(rng, 1),
            "tag": ["planning"],
            "buyer": buyer,
            "planning": {"budget": {"amount": {"amount": 5, "currency": "PYG"}}},
        },
        {
            "ocid": ocid,
            "id": f"{n}-2",
            "date": _when(rng, 3),
            "tag": ["tender"],
            "tender": tender,
            "parties": [{**buyer, "roles": ["buyer"]}] if "id" in buyer else [],
        },
        {
            "ocid": ocid,
            "id": f"{n}-3",
            "date": _when(rng, 5),
            "tag": ["tenderUpdate"],
            "tender": {"status": "complete", "items": [{"id": items[0]["id"], "quantity": 7}]},
        },
        {
            "ocid": ocid,
            "id": f"{n}-4",
            "date": _when(rng, 7),
            "tag": ["award"],
            "awards": [
                {
                    "id": "A1",
                    "status": "active",
                    "date": _when(rng, 7),
                    "suppliers": [supplier],
                    "items": items[:2],
                    "value": {"amount": 10, "currency": "PYG"},
                },
                {"id": "A1", "status": "pending"},
            ],
            "parties": [{**supplier, "roles": ["supplier", ""]}] if "id" in supplier else [],
        },
        {
            "ocid": ocid,
            "id": f"{n}-5",
            "date": _when(rng, 8),
            "tag": ["contract"],
            "contracts": [
                {
                    "id": 1,
                    "awardID": "A1",
                    "status": "active",
                    "dateSigned": _when(rng, 8),
                    "period": {"startDate": _when(rng, 9)},
                    "items": items[1:],
                    "value": {"amount": 9, "currency": "PYG"},
                }
            ],
        },
    ]
    for stage, release in enumerate(releases):
        _variation(rng, release, stage)
    return releases


def _write(folder: Path, seed: int, processes: int) -> Path:
    """Releases of each process over several files, in three shapes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    everything = [_releases(rng, n) for n in range(processes)]
    for stage in range(5):
        chunk = [p[stage] for p in everything if rng.random() < 0.95]
        if stage % 3 == 0:
            text = json.dumps({"version": "1.1", "releases": chunk}, indent=rng.choice([None, 2]))
            (folder / f"s{stage}.json").write_text(text, encoding="utf-8")
        elif stage % 3 == 1:
            lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in chunk)
            (folder / f"s{stage}.jsonl").write_text(lines, encoding="utf-8")
        else:
            text = json.dumps({"uri": "x", "releases": chunk, "version": "1.1"})
            (folder / f"s{stage}.json.gz").write_bytes(gzip.compress(text.encode()))
    return folder


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_releases_compile_alike(tmp_path, monkeypatch, seed):
    first = _write(tmp_path / "first", seed, 300)
    later = _write(tmp_path / "later", seed + 100, 300)  # the same ocids, new releases
    for path in later.iterdir():  # new release ids, so they add to the first ingest's
        path.rename(path.with_name("b" + path.name))
    paths = [[first], [later]]
    fast, reports = _load(tmp_path, "fast", paths, monkeypatch, True)
    python, _ = _load(tmp_path, "python", paths, monkeypatch, False)
    assert fast == python
    assert reports[0].fast_files == 4  # the third file goes to the Python reader
    print(reports[0].sql_processes, reports[1].sql_processes)
    assert 100 < reports[0].sql_processes < 300  # most in SQL, the odd ones handed back
    assert len(fast["processes"]) == 300


def test_parts_reading_the_staged_files_choose_as_the_copy_by_part_does(tmp_path, monkeypatch):
    """A first ingest's parts read the staged files themselves (``Stage.staged_files``); with
    copies of release ids across files (newer and older versions, identical ones, another
    schema version) their rows are those of the parts copied out first, and the Python
    path's."""
    from bestvalue.warehouse import sqlcompile, staging

    folder = _write(tmp_path / "data", 3, 300)
    package = json.loads((folder / "s0.json").read_text(encoding="utf-8"))
    copies = []
    for n, release in enumerate(package["releases"][:120]):
        release = json.loads(json.dumps(release))
        if n % 3 == 0:  # the same release again, newer: it is the one compiled
            release["date"] = "2024-04-01T10:00:00Z"
            release.setdefault("tender", {})["title"] = f"Corrected {n}"
            release["version"] = "1.0"  # the process's stays that of the latest first seen
        elif n % 3 == 1:  # the same release again, older: skipped
            release["date"] = "2024-01-01T10:00:00Z"
            release.setdefault("tender", {})["title"] = f"Stale {n}"
        copies.append(release)  # (else an identical copy: dropped)
    text = json.dumps({"version": "1.1", "releases": copies})
    (folder / "z-copies.json").write_text(text, encoding="utf-8")
    last = [json.loads(line) for line in (folder / "s4.jsonl").read_text("utf-8").splitlines()]
    text = "\n".join(json.dumps({**release, "version": "1.1"}) for release in last)
    (folder / "s4.jsonl").write_text(text, encoding="utf-8")  # (first seen after s0's ids)
    read = []
    real = sqlcompile._read_staged
    monkeypatch.setattr(sqlcompile, "_read_staged", lambda *a: read.append(1) or real(*a))
    direct, reports = _load(tmp_path, "direct", [[folder]], monkeypatch, True)
    assert read and reports[0].sql_processes > 100  # (most: the odd ones go to Python)
    monkeypatch.setattr(staging.Stage, "staged_files", lambda self: None)
    by_part, _ = _load(tmp_path, "by-part", [[folder]], monkeypatch, True)
    python, _ = _load(tmp_path, "python", [[folder]], monkeypatch, False)
    assert direct == by_part == python
    titles = {row[0]: row for row in direct["processes"]}
    assert len(titles) == 300 and "Corrected 0" in str(titles[package["releases"][0]["ocid"]])
    assert "Stale" not in str(direct["processes"])


def test_releases_tagged_compiled_are_told_apart_alike(tmp_path, monkeypatch):
    """A release is a compiled one when its tag is "compiled" or a list holding it (as the
    Python reader says, ``ocds.reader``); the fast path reads the tag with the other fields and
    looks again only where it holds the word: near misses stay releases, on both paths."""
    tags = [
        ["compiled"],
        "compiled",
        ["tender", "compiled"],
        ["compiledx"],
        "compiled x",
        '["compiled"]',
        ["tender"],
        None,
    ]
    releases = []
    for n, tag in enumerate(tags):
        release = {"ocid": f"ocds-tag-{n}", "id": f"{n}-1", "date": "2024-03-01T10:00:00Z"}
        release |= {"tag": tag} if tag is not None else {}
        releases.append({**release, "tender": {"id": f"T{n}", "title": f"Compra {n}"}})
    path = tmp_path / "tags.json"
    path.write_text(json.dumps({"version": "1.1", "releases": releases}), encoding="utf-8")
    kinds = {}
    for fast in (True, False):
        monkeypatch.setenv("BESTVALUE_FAST_INGEST", "1" if fast else "0")
        with open_warehouse(tmp_path / f"{fast}.duckdb") as wh:
            report = ingest([path], wh)
            kinds[fast] = dict(_sorted(wh.con, "SELECT ocid, kind FROM raw_documents"))
        assert report.fast_files == (1 if fast else 0)
    assert kinds[True] == kinds[False]
    assert [kinds[True][f"ocds-tag-{n}"] for n in range(len(tags))] == [
        "compiled",
        "compiled",
        "compiled",
        "release",
        "release",
        "release",
        "release",
        "release",
    ]


# --- the SQL compile against the Python merge and normaliser, on random releases ---------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

IDS = st.sampled_from(["1", "2", "x"])
TEXT = st.sampled_from(["a", "b", "", "Ñandutí", 'x"y'])
WHEN = st.sampled_from(
    [
        "2024-01-02T10:00:00Z",
        "2024-01-02T08:00:00-04:00",
        "2024-01-03",
        "2024-01-02T10:00:00",
        "2024-02-30T10:00:00Z",
        "soon",
        "2024-01-02 10:00",
    ]
)
MONEY = st.fixed_dictionaries(
    {}, optional={"amount": st.integers(0, 9) | st.floats(0, 9), "currency": TEXT}
).filter(bool)


def _maybe(**fields):
    """Some of the fields; never an empty object, which the SQL compile leaves to Python."""
    return st.fixed_dictionaries({}, optional=fields).filter(bool)


def _with_id(ids=IDS, **fields):
    """Objects of arrays merged by id: mostly with one (SQL), now and then without (Python)."""
    return st.fixed_dictionaries({"id": ids}, optional=fields) | _maybe(**fields)


ORG = _with_id(
    name=TEXT,
    identifier=_maybe(scheme=TEXT, id=IDS),
    address=_maybe(countryName=TEXT, locality=TEXT),
)
ITEM_S = _with_id(
    st.sampled_from(["1", "2"]) | st.sampled_from([1, 2]),
    description=TEXT | st.none(),
    quantity=st.integers(0, 5) | st.floats(0, 5),
    classification=_maybe(scheme=TEXT, id=IDS),
    additionalClassifications=st.lists(_maybe(scheme=TEXT, id=IDS), min_size=1, max_size=2),
    unit=_maybe(name=TEXT, value=MONEY),
)
TENDER = _maybe(
    id=IDS,
    title=TEXT,
    status=TEXT,
    value=MONEY,
    items=st.lists(ITEM_S, min_size=1, max_size=3),
    tenderPeriod=_maybe(startDate=WHEN),
    numberOfTenderers=st.integers(0, 3) | st.floats(0, 3),
    procuringEntity=ORG,
    tenderers=st.lists(ORG, min_size=1, max_size=2),
    additionalProcurementCategories=st.lists(TEXT.filter(bool), min_size=1, max_size=2),
)
AWARD_S = _with_id(
    status=TEXT,
    date=WHEN,
    value=MONEY,
    suppliers=st.lists(ORG, min_size=1, max_size=2),
    items=st.lists(ITEM_S, min_size=1, max_size=2),
)
CONTRACT_S = _with_id(
    awardID=IDS,
    dateSigned=WHEN,
    period=_maybe(endDate=WHEN),
    value=MONEY,
    items=st.lists(ITEM_S, max_size=2),
)
BODY = _maybe(
    buyer=ORG,
    tender=TENDER,
    awards=st.lists(AWARD_S, min_size=1, max_size=2),
    contracts=st.lists(CONTRACT_S, min_size=1, max_size=2),
    parties=st.lists(
        st.builds(
            lambda o, r: {**o, "roles": r},
            ORG,
            st.lists(st.sampled_from(["buyer", "supplier", ""]), min_size=1, max_size=2),
        ),
        max_size=3,
    ),
    planning=_maybe(budget=_maybe(amount=MONEY)),
    language=TEXT,
) | st.just({})


def _sorted(con, query: str) -> list[tuple]:
    return sorted(con.execute(query).fetchall(), key=repr)


def _compile_both(
    processes: list[list[dict]], threads: int | None = None
) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """The derived tables' rows of the processes SQL compiles (compiled together, as parts are,
    and written flat), and those the Python merge's compiled rows of those same processes give
    (as the commit derives them), each table's rows sorted; with ``threads``, on a DuckDB set as
    the ingest's own (``fastload.work_connection``) with that many threads."""
    import duckdb
    import orjson
    import pyarrow as pa

    from bestvalue.ocds.compile import date_key
    from bestvalue.ocds.validate import check_release
    from bestvalue.warehouse.compiling import compile_group
    from bestvalue.warehouse.derived_sql import derived_sql
    from bestvalue.warehouse.schema import COMPILED
    from bestvalue.warehouse.sqlcompile import FLAT_TABLES, compile_plain

    rows: dict[str, list[dict]] = {}
    for p, bodies in enumerate(processes):
        ocid = f"ocds-t{p:02d}"
        for i, body in enumerate(bodies):
            release = {"ocid": ocid, "id": f"r{i}", "date": f"2024-01-0{i + 1}T00:00:00Z", **body}
            if check_release(release, "release"):
                continue  # refused before compiling, on either path
            seq = 10 * p + i
            rows.setdefault(ocid, []).append(
                {
                    "ocid": ocid,
                    "kind": "release",
                    "release_id": f"r{i}",
                    "date_key": date_key(release["date"]),
                    "source": f"f{i}",
                    "version": None,
                    "doc": orjson.dumps(release).decode(),
                    "country": "PY",
                    "ingest_id": "i",
                    "seq": seq,
                    "doc_hash": str(seq),
                }
            )
    if not rows:
        return {}, {}
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
        con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TABLE _shape_text (sh VARCHAR, shape VARCHAR)")  # as FastStage does
    con.register("docs_arrow", pa.Table.from_pylist([r for g in rows.values() for r in g]))
    con.execute(
        "CREATE TEMP TABLE docs AS SELECT *, NULL::VARCHAR AS shape, NULL::BOOLEAN AS nulls, "
        "struct_pack(i := ingest_id, s := seq) AS first_seen FROM docs_arrow"
    )
    total = sum(map(len, rows.values()))
    with tempfile.TemporaryDirectory() as scratch:
        flat = Path(scratch) / "flat"
        list(compile_plain(con, con, "SELECT * FROM docs", total, Path(scratch), flat))
        if not any(flat.glob("processes/*.parquet")):
            return {}, {}
        sql = {
            name: _sorted(con, f"SELECT * FROM read_parquet('{flat / name}/*.parquet')")
            for name in FLAT_TABLES
        }
    python = []
    for ocid, *_ in sql["processes"]:  # what SQL compiled, the Python merge compiles alike
        merged = compile_group(rows[ocid])
        assert isinstance(merged, dict), merged  # a conflict in a field SQL reads: not compiled
        python.append(merged)
    derive = duckdb.connect()
    derive.register("compiled_new", pa.Table.from_pylist(python, schema=COMPILED.arrow))
    return sql, {name: _sorted(derive, query) for name, query in derived_sql().items()}


# Two to four random processes per example, compiled together as a part is: as many processes
# compiled in SQL as 300 examples of one gave, in under half the time (each compile is a few
# dozen statements). More per example and Hypothesis runs out of room to draw them.
@settings(
    max_examples=90,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(st.lists(BODY, min_size=1, max_size=3), min_size=2, max_size=4))
def test_random_releases_compile_alike_in_sql_and_python(processes):
    sql, python = _compile_both(processes)
    assert sql == python


def test_a_part_larger_than_a_row_group_keeps_its_order_on_many_threads():
    """A part whose tender items fill two of DuckDB's row groups (122,880 rows), compiled with
    eight threads (four for each of the two parts at once) where the ingest's DuckDB lets
    results come in any order: every item stays in its process, in its place. Until
    2026-11-28, a machine of four cores or more read such a table back in scan order and hung
    items on the wrong process; two cores, one thread each, never did."""
    items = [{"id": f"i{k}", "description": f"item {k}", "quantity": k} for k in range(21_000)]
    processes = [[{"tender": {"id": f"t{p}", "items": items}}] for p in range(6)]
    sql, python = _compile_both(processes, threads=8)
    assert len(sql["processes"]) == 6 and len(sql["items"]) == 126_000
    assert sql == python


def test_large_inputs_in_batches_and_parts_and_a_late_refusal(tmp_path, monkeypatch):
    from bestvalue.warehouse import fastload

    monkeypatch.setattr(fastload, "BATCH_BYTES", 20_000)  # many batches, inside files too
    monkeypatch.setattr("bestvalue.ocds.split.CHUNK", 8_000)
    monkeypatch.setattr("bestvalue.warehouse.sqlcompile.PART", 300)  # compiled in several parts
    folder = _write(tmp_path / "data", 5, 400)
    package = json.loads((folder / "s0.json").read_text(encoding="utf-8"))
    package["releases"][-3]["tender"] = {"value": {"amount": "12.5", "currency": "PYG"}}
    (folder / "s0.json").write_text(json.dumps(package), encoding="utf-8")  # a late refusal
    fast, reports = _load(tmp_path, "fast", [[folder]], monkeypatch, True)
    python, _ = _load(tmp_path, "python", [[folder]], monkeypatch, False)
    assert fast == python
    assert reports[0].fast_files == 3  # s0 (withdrawn) and s2 went to the reader
    assert len(fast["processes"]) == 400


@given(st.integers(1, 10_000_000), st.integers(100, 200_000))
def test_parts_are_bounded_and_come_in_pairs_where_they_can(total, doc_bytes):
    """Each part holds at most a quarter over PART documents and PART_BYTES bytes; beyond the
    first WORKERS parts, their number is a multiple of WORKERS unless that would take a part
    further over, and then it is the fewest parts within the bounds."""
    from bestvalue.warehouse import sqlcompile as sc

    parts = sc.part_count(total, doc_bytes)
    share = max(total / sc.PART, total * doc_bytes / sc.PART_BYTES)
    assert parts >= 1 and share <= parts * 1.25
    if parts % sc.WORKERS:
        assert parts == max(1, min(sc.WORKERS, total // sc.MIN_PART), -(-share // 1))
        assert parts < sc.WORKERS or share > (parts - parts % sc.WORKERS) * 1.25
    assert (parts >= sc.WORKERS) == (total >= sc.WORKERS * sc.MIN_PART or share > 1)


def test_part_counts_of_the_benchmark_inputs():
    """The inputs of docs/benchmarks.md: the 200 MB package in four parts, not five."""
    from bestvalue.warehouse.sqlcompile import part_count

    assert [part_count(n, 900) for n in (40_000, 160_000, 221_965, 1_109_900)] == [2, 4, 4, 22]
    assert part_count(4_000, 900) == 1
    assert part_count(120_000, 900) == 2  # 2.4 parts' worth: two parts 20% over
    assert part_count(130_000, 900) == 3  # 2.6: two would be 30% over


def test_documents_split_into_parts_by_their_ocid(tmp_path):
    """Each document lands once, in the file of its ocid's part; a part with none has no file."""
    import duckdb

    from bestvalue.warehouse.sqlcompile import _by_part

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE docs AS SELECT 'ocds-' || (i % 97) AS ocid, i AS seq, repeat('x', i % 50) "
        "AS doc FROM range(3000) t(i)"
    )
    files = _by_part(con, "SELECT * FROM docs", 128, 100, tmp_path / "parts")  # 97 ocids
    assert len(files) == 128 and sum(f is None for f in files) >= 128 - 97
    rows = [
        (part, row)
        for part, f in enumerate(files)
        if f is not None
        for row in con.execute(f"SELECT ocid, seq, doc, part FROM '{f}'").fetchall()
    ]
    assert sorted(r[1] for _, r in rows) == list(range(3000))
    assert all(r[3] == part for part, r in rows)
    by_ocid = dict(con.execute("SELECT ocid, hash(ocid) % 128 FROM docs GROUP BY ALL").fetchall())
    assert all(by_ocid[r[0]] == part for part, r in rows)


class Recorder(Progress):
    """What an ingest showed of its reading: bytes, documents, calls, and calls going back."""

    def __init__(self) -> None:
        self.total, self.read, self.documents, self.steps, self.back = 0, 0, 0, 0, 0

    def start(self, total_bytes: int, files: int) -> None:
        self.total = total_bytes

    def advance(self, nbytes: int, documents: int) -> None:
        self.steps += 1
        self.read += nbytes
        self.documents += documents
        self.back += nbytes < 0


def test_progress_moves_as_files_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr("bestvalue.ocds.split.CHUNK", 4_000)  # several pieces per file
    folder = _write(tmp_path / "data", 9, 200)
    (folder / "s2.json.gz").unlink()  # the one file with documents the reader must take
    recorder = Recorder()
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "1")
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        report = ingest([folder], wh, progress=recorder)
    assert report.fast_files == 4
    assert recorder.read == recorder.total
    assert recorder.documents == report.releases
    assert recorder.steps > 2 * report.files  # it moved while files were read, not only after


def test_progress_ends_at_the_total_when_files_go_to_the_reader(tmp_path, monkeypatch):
    """The real samples: Paraguay's records and empty files, handed to the reader or refused
    whole, and a generated file the checks refuse after it was cut. What the fast path showed of
    a file the reader reads again is taken back, so the bar ends at the total (it ended at 4.2 of
    4.0 MB) and counts each document once."""
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "1")
    generated = _write(tmp_path / "data", 9, 200)  # its s2.json.gz goes to the reader
    recorder = Recorder()
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        report = ingest([FIXTURES, generated], wh, skip_bad=True, progress=recorder)
    assert 0 < report.fast_files < report.files  # both paths read some of them
    assert recorder.read == recorder.total
    assert recorder.documents == report.releases + report.compiled_releases
    assert recorder.back > 0  # a file cut by the fast path was read again by the reader


@pytest.mark.parametrize("fast", ["1", "0"])
def test_compiled_rows_go_to_whole_row_groups_and_flat_files_per_part(tmp_path, monkeypatch, fast):
    """The Python merge's compiled rows (batch by batch) are regrouped into row groups of one
    size, the last one excepted, and no row is lost or repeated at their edges; the SQL
    compile writes each derived table's rows flat, a file per part that compiled some, and the
    commit stores both alike."""
    import pyarrow.parquet as pq

    from bestvalue.warehouse import duckdb_engine
    from bestvalue.warehouse import ingest as ingest_module

    monkeypatch.setenv("BESTVALUE_FAST_INGEST", fast)
    generated = _write(tmp_path / "generated", 3, 300)  # plain: compiled in SQL
    sources = [FIXTURES / publisher for publisher in COUNTRIES] + [generated]
    default = tmp_path / "default.duckdb"
    with open_warehouse(default, "duckdb") as wh:
        ingest(sources, wh, skip_bad=True)
        expected = fingerprint(wh)
    groups: list[list[int]] = []
    flat: dict[str, list[int]] = {}
    close = ingest_module._RowGroups.close
    commit = duckdb_engine.DuckDBWarehouse.commit

    def record(self, flush=True):
        close(self, flush)
        # A closed writer keeps none of its rows (a slice left waiting holds its buffers).
        assert self.waiting == [] and self.rows == 0
        meta = pq.ParquetFile(self.path).metadata
        groups.append([meta.row_group(i).num_rows for i in range(meta.num_row_groups)])

    def look(self, stage, done):
        for name in ("processes", "items", "awards", "contracts", "parties"):
            flat[name] = [pq.read_metadata(f).num_rows for f in done.flat_files(name)]
        return commit(self, stage, done)

    monkeypatch.setattr(ingest_module, "ROW_GROUP", 7)
    monkeypatch.setattr(ingest_module, "MIN_ROW_GROUP", 7)
    monkeypatch.setattr("bestvalue.warehouse.compiling.CHUNK", 5)  # Python batches of 5
    monkeypatch.setattr("bestvalue.warehouse.sqlcompile.PART", 100)  # several parts
    monkeypatch.setattr(ingest_module._RowGroups, "close", record)
    monkeypatch.setattr(duckdb_engine.DuckDBWarehouse, "commit", look)
    with open_warehouse(tmp_path / "small.duckdb", "duckdb") as wh:
        report = ingest(sources, wh, skip_bad=True)
        assert fingerprint(wh) == expected
        processes = wh.row_count("processes")
        items = wh.row_count("items")
    (sizes,) = groups  # one file of the Python merge's rows
    assert set(sizes[:-1]) <= {7} and 0 < sizes[-1] <= 7
    if fast == "1":  # about 1,500 documents in parts of about 100
        assert len(flat["processes"]) > 10 and 100 < report.sql_processes < processes
        assert sum(flat["processes"]) == report.sql_processes
        assert sum(sizes) == processes - report.sql_processes
        assert 0 < sum(flat["items"]) < items and all(flat.values())
    else:
        assert report.sql_processes == 0 and not any(flat.values())
        assert sum(sizes) == processes > 7 * 3


@pytest.mark.parametrize("where", ["parties", "items", "roles"])
def test_a_null_array_element_sends_its_file_to_the_reader(tmp_path, monkeypatch, where):
    # The staging checks look for a null element in the text itself (json_structure does not
    # show one): the file goes to the reader, whose outcome both paths must then share.
    release = {
        "ocid": "ocds-n-1",
        "id": "1",
        "date": "2024-01-01T00:00:00Z",
        "tender": {"id": "t", "items": [{"id": "1", "description": "x"}]},
        "parties": [{"id": "p", "name": "P", "roles": ["buyer"]}],
    }
    plain = json.loads(json.dumps(release))
    if where == "parties":
        release["parties"].append(None)
    elif where == "items":
        release["tender"]["items"].insert(0, None)
    else:
        release["parties"][0]["roles"] = ["buyer", None]
    other = {**plain, "ocid": "ocds-n-2"}
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"version": "1.1", "releases": [other, release]}))
    fast, reports = _load(tmp_path, "f", [[path]], monkeypatch, True)
    assert reports[0].fast_files == 0  # refused by the checks, read by the reader
    python, _ = _load(tmp_path, "p", [[path]], monkeypatch, False)
    assert fast == python
    # Without the null, the same file is staged by the checks.
    path.write_text(json.dumps({"version": "1.1", "releases": [other, plain]}))
    _, reports = _load(tmp_path, "g", [[path]], monkeypatch, True)
    assert reports[0].fast_files == 1


_INGEST_TWICE = """
import json, sys
from bestvalue import ingest, open_warehouse
with open_warehouse(sys.argv[1]) as wh:
    reports = [ingest([path], wh) for path in sys.argv[2:]]
    rows = wh.row_count("processes")
print(json.dumps({
    "pandas": "pandas" in sys.modules,
    "pyarrow.parquet": "pyarrow.parquet" in sys.modules,
    "python_path": sorted(
        m for m in ("bestvalue.warehouse.pyload", "bestvalue.ocds.reader", "ijson")
        if m in sys.modules
    ),
    "files": [(r.files, r.fast_files) for r in reports],
    "processes": [(r.processes, r.sql_processes) for r in reports],
    "rows": rows,
}))
"""


def _plain_process(n: int, day: int) -> list[dict]:
    """A tender and an award release, every field of one type, nothing null or empty."""
    buyer = {"id": f"PY-RUC-{n % 7}", "name": f"Buyer {n % 7}"}
    supplier = {"id": f"PY-RUC-S{n}", "name": f"Supplier {n}"}
    item = {
        "id": "1",
        "description": "Papel",
        "quantity": 3,
        "classification": {"scheme": "UNSPSC", "id": "14111507"},
    }
    base = {"ocid": f"ocds-plain-{n:04d}", "buyer": buyer}
    return [
        {
            **base,
            "id": f"{n}-tender-{day}",
            "date": f"2024-03-{day:02d}T10:00:00Z",
            "tag": ["tender"],
            "tender": {
                "id": f"T{n}",
                "title": f"Compra {n}",
                "items": [item],
                "value": {"amount": 100.0 + n, "currency": "PYG"},
            },
        },
        {
            **base,
            "id": f"{n}-award-{day}",
            "date": f"2024-03-{day + 1:02d}T10:00:00Z",
            "tag": ["award"],
            "awards": [
                {
                    "id": "A1",
                    "status": "active",
                    "suppliers": [supplier],
                    "value": {"amount": 90.0 + n, "currency": "PYG"},
                }
            ],
        },
    ]


def test_the_fast_path_imports_neither_pandas_nor_the_python_path(tmp_path):
    """Staging, the SQL compile and the commit build their Arrow arrays without pyarrow's
    conversions, which import pandas (0.27 s of every ingest; see bestvalue.arrays), and the
    Python path (reader, checks, merge) is imported only when a file or a process needs it
    (bestvalue.warehouse.pyload), nor is pyarrow.parquet (0.011 s: DuckDB writes and reads the
    Parquet files): a first ingest, then a later one that replaces processes, in an interpreter
    of their own."""
    import subprocess
    import sys

    paths = [tmp_path / "first.json", tmp_path / "later.jsonl"]
    releases = [r for n in range(300) for r in _plain_process(n, 1)]
    paths[0].write_text(json.dumps({"version": "1.1", "releases": releases}), encoding="utf-8")
    newer = [r for n in range(0, 300, 3) for r in _plain_process(n, 5)]
    paths[1].write_text("\n".join(json.dumps(r) for r in newer), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _INGEST_TWICE, str(tmp_path / "w.duckdb"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["files"] == [[1, 1], [1, 1]]  # every file staged in SQL ...
    assert result["processes"] == [[300, 300], [100, 100]]  # ... every process compiled there
    assert result["rows"] == 300
    assert result["pandas"] is False and result["pyarrow.parquet"] is False
    assert result["python_path"] == []


def test_small_files_are_cut_ahead_once_and_files_loaded_before_not_at_all(tmp_path, monkeypatch):
    """Files of one piece are cut in the thread that hashes the files ahead (so that they are
    cut while DuckDB parses the batch before), each once, from the bytes the hash read (a
    gzipped file is not decompressed twice); a re-run cuts none of them."""
    import threading

    from bestvalue.ocds import cut as cut_module

    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "1")
    folder = _write(tmp_path / "data", 9, 200)
    (folder / "copy.jsonl").write_bytes((folder / "s1.jsonl").read_bytes())  # same content
    cut = cut_module.cut_early
    threads: list[str] = []

    def recording(index, source, fingerprint, content=None):
        threads.append(threading.current_thread().name)
        with source.open() as stream:
            assert content == stream.read()
        return cut(index, source, fingerprint, content)

    monkeypatch.setattr(cut_module, "cut_early", recording)
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        first = ingest([folder], wh)
        assert first.files == 5 and len(first.skipped) == 1  # s1.jsonl or its copy
        assert threads == ["bestvalue-scan"] * 5
        threads.clear()
        again = ingest([folder], wh)
    assert again.files == 0 and threads == []
    assert first.fast_files == 4  # s2.json.gz was cut, then refused by the checks: the reader
