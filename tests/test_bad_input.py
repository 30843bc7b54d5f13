"""Bad input: a clear message naming the file and place, and the warehouse left untouched."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import FIXTURES, fingerprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bestvalue import InputError, ingest, open_warehouse
from bestvalue.errors import WarehouseError
from bestvalue.warehouse import duckdb_engine, pyload
from bestvalue.warehouse.ingest import Progress

GOOD = FIXTURES / "mexico-jalisco" / "sample" / "releases"
GOOD_FILE = sorted(GOOD.glob("*.json"))[0]


def _snapshot(warehouse) -> dict[str, list]:
    return {
        t: warehouse.sql(f"SELECT * FROM {t} ORDER BY ALL").to_pylist()
        for t in warehouse.table_names()
    }


@pytest.fixture
def loaded(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as warehouse:
        ingest([FIXTURES / "canada-buyandsell"], warehouse)
        yield warehouse


def _bad(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _release(**changes) -> dict:
    release = json.loads(GOOD_FILE.read_text())["releases"][0]
    release.update(changes)
    return release


CASES = {
    "malformed": (b'{"releases": [{"ocid": "a", "id": "1",, }]}', "invalid JSON", "byte"),
    "truncated": (GOOD_FILE.read_bytes()[:5000], "ends before it is complete", "byte"),
    "truncated gzip": (_half(gzip.compress(GOOD_FILE.read_bytes())), "truncated", "byte"),
    "empty": (b"", "empty", "byte 0"),
    "not ocds": (b'{"name": "a spreadsheet", "rows": [1, 2]}', "not OCDS", "/"),
    "missing ocid": (
        json.dumps({"releases": [{"id": "1", "date": "2020-01-01"}]}).encode(),
        "must have an ocid",
        "/releases/0",
    ),
    "wrong type": (
        json.dumps(_release(awards={"id": "1"})).encode(),
        "expected an array",
        "/awards",
    ),
    "amount not a number": (
        json.dumps(
            _release(tender={"id": "t", "value": {"amount": "lots", "currency": "MXN"}})
        ).encode(),
        "expected a number",
        "/tender/value/amount",
    ),
    "duplicate id": (
        json.dumps({"releases": [_release(), _release(tag=["tenderUpdate"])]}).encode(),
        "duplicate release id",
        "/releases/1",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_its_place(loaded, tmp_path, case):
    content, reason, where = CASES[case]
    path = _bad(tmp_path, f"bad-{case.replace(' ', '-')}.json", content)
    before = _snapshot(loaded)
    with pytest.raises(InputError) as error:
        ingest([GOOD, path], loaded)
    message = str(error.value)
    assert str(path) in message and reason in message and where in message, message
    assert _snapshot(loaded) == before


@pytest.mark.parametrize("case", CASES)
def test_skip_bad_loads_the_rest_and_records_why(loaded, tmp_path, case):
    content, reason, _ = CASES[case]
    path = _bad(tmp_path, f"bad-{case.replace(' ', '-')}.json", content)
    report = ingest([GOOD, path], loaded, skip_bad=True)
    assert any(reason in r["reason"] for r in report.rejects)
    stored = loaded.sql(f"SELECT path, reason FROM rejects WHERE path = '{path}'").to_pylist()
    assert stored and all(reason in r["reason"] or "duplicate" in r["reason"] for r in stored)
    assert (
        loaded.sql(
            "SELECT count(*) AS n FROM processes WHERE ocid LIKE 'ocds-xs1qbl%'"
        ).to_pylist()[0]["n"]
        >= 3
    )


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    cut=st.integers(0, len(GOOD_FILE.read_bytes())), junk=st.binary(max_size=8), keep=st.booleans()
)
def test_corrupted_real_files_never_half_load(tmp_path_factory, cut, junk, keep):
    """Any corruption of a real file is loaded whole or refused with an InputError."""
    tmp = tmp_path_factory.mktemp("fuzz")
    data = GOOD_FILE.read_bytes()
    corrupted = data[:cut] + junk + (data[cut:] if keep else b"")
    path = _bad(tmp, "fuzz.json", corrupted)
    with open_warehouse(tmp / "w.duckdb") as warehouse:
        try:
            ingest([path], warehouse)
        except InputError as error:
            assert str(path) in str(error)
            assert warehouse.row_count("processes") == 0
            assert warehouse.row_count("sources") == 0
        else:
            assert warehouse.row_count("sources") == 1


LARGE_FILE = FIXTURES / "paraguay-dncp" / "sample" / "records" / "284182.json"  # 237 kB


@pytest.mark.parametrize("after", [0, 300, 70_000, 200_000])
@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_a_syntax_error_is_placed_to_the_byte_and_line(duck, tmp_path, after, suffix):
    """A colon of a real file turned into a semicolon, early, past the first block of the
    search and deep in the file: the message names that byte (of the decompressed text) and
    its line. (The search used to drop its first 256 bytes, and named a block's start.)"""
    data = LARGE_FILE.read_bytes()
    at = data.index(b":", after)
    broken = data[:at] + b";" + data[at + 1 :]
    path = _bad(tmp_path, f"broken{suffix}", gzip.compress(broken) if "gz" in suffix else broken)
    with pytest.raises(InputError) as error:
        ingest([path], duck)
    line = data[:at].count(b"\n") + 1
    assert f"line {line}, byte {at}: invalid JSON" in str(error.value), str(error.value)


@pytest.mark.parametrize(
    ("content", "where"),
    [(b"hello\n", "line 1, byte 0"), (LARGE_FILE.read_bytes()[:150_001], "byte 150001")],
)
def test_not_json_and_a_cut_file_are_placed_where_the_parser_stops(duck, tmp_path, content, where):
    path = _bad(tmp_path, "bad.json", content)
    with pytest.raises(InputError, match=where):
        ingest([path], duck)


def test_a_bad_json_line_is_placed_to_the_byte(duck, tmp_path):
    """Real releases as JSON lines, one broken after its accented text: the line and the byte
    in the file (orjson counts characters, the message counts bytes)."""
    releases = [
        json.dumps(r, ensure_ascii=False).encode()
        for f in sorted(GOOD.glob("*.json"))
        for r in json.loads(f.read_bytes())["releases"]
    ]
    accent = next(i for i, c in enumerate(releases[2]) if c > 127)
    at = releases[2].index(b":", accent)
    releases[2] = releases[2][:at] + b";" + releases[2][at + 1 :]
    path = _bad(tmp_path, "broken.jsonl", b"\n".join(releases))
    with pytest.raises(InputError) as error:
        ingest([path], duck)
    byte = len(releases[0]) + len(releases[1]) + 2 + at
    assert f"line 3, byte {byte}: invalid JSON" in str(error.value), str(error.value)
    assert "column" not in str(error.value)  # orjson's own place, within the line, is not given


def test_missing_path_is_named(duck, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest([tmp_path / "nope.json"], duck)


@pytest.mark.parametrize("fast", ["1", "0"])
def test_a_file_name_that_is_not_utf8_is_shown_with_its_bytes_escaped(tmp_path, monkeypatch, fast):
    """Python keeps such a name's bytes as lone surrogates, which no text column or message can
    hold (the ingest stopped with a traceback): the file loads, named with ``\\xff``; an
    empty one is refused by that name."""
    import os

    monkeypatch.setenv("BESTVALUE_FAST_INGEST", fast)
    folder = os.fsencode(tmp_path)
    good = Path(os.fsdecode(folder + b"/caf\xe9-\xff.json"))
    good.write_bytes(GOOD_FILE.read_bytes())
    with open_warehouse(tmp_path / "w.duckdb") as warehouse:
        report = ingest([good], warehouse)
        stored = warehouse.sql("SELECT path FROM sources").to_pylist()
        assert report.files == 1 and report.processes == warehouse.row_count("processes") > 0
        assert [Path(r["path"]).name for r in stored] == ["caf\\xe9-\\xff.json"]
        empty = Path(os.fsdecode(folder + b"/vac\xedo.json"))
        empty.write_bytes(b"")
        with pytest.raises(InputError, match=r"vac\\xedo\.json.*empty"):
            ingest([empty], warehouse)


def _memory_limit(warehouse) -> float:
    # On a cursor of its own (the setting is the database's): the ingest's may be reading.
    row = warehouse.con.cursor().execute("SELECT current_setting('memory_limit')").fetchall()
    return float(row[0][0].split()[0])  # e.g. "488.2 MiB"


class Watch(Progress):
    """The warehouse's memory limit when the compile starts."""

    def __init__(self, warehouse) -> None:
        self.warehouse, self.compile = warehouse, []

    def phase(self, name: str, total: int | None = None) -> None:
        self.compile.append(_memory_limit(self.warehouse))


def test_an_ingest_narrows_the_warehouse_memory_and_gives_it_back(loaded, tmp_path, monkeypatch):
    """During an ingest the warehouse's DuckDB has half its memory limit (the work DuckDB
    beside it has the rest) but for the Python merge's sort; after it, failed or not, the whole
    limit again."""
    full = _memory_limit(loaded)
    with pytest.raises(InputError):
        ingest([GOOD, _bad(tmp_path, "bad.json", b"{")], loaded, progress=Watch(loaded))
    assert _memory_limit(loaded) == full
    fast = Watch(loaded)
    ingest([GOOD], loaded, progress=fast)
    assert _memory_limit(loaded) == full
    assert fast.compile and all(abs(m - full / 2) < 1 for m in fast.compile), (fast, full)
    merge: list[float] = []  # the limit as the Python merge reads the documents, sorted
    chosen = pyload.latest_per_id

    def watched(group):
        merge.append(_memory_limit(loaded))
        return chosen(group)

    monkeypatch.setattr(pyload, "latest_per_id", watched)
    monkeypatch.setenv("BESTVALUE_FAST_INGEST", "0")
    ingest([FIXTURES / "paraguay-dncp"], loaded, skip_bad=True)
    # (the last group comes once the sorted documents are all read, and the limit lent again)
    assert merge[:-1] and all(abs(m - full) < 1 for m in merge[:-1]), (merge, full)
    assert _memory_limit(loaded) == full


class _Commits:
    """The warehouse's connection, noting the memory limit each DELETE and COMMIT run under."""

    def __init__(self, warehouse) -> None:
        self.con, self.warehouse, self.limits = warehouse.con, warehouse, []

    def execute(self, sql: str, *args):
        if sql == "COMMIT" or sql.startswith("DELETE"):
            self.limits.append((sql.split()[0], _memory_limit(self.warehouse)))
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def test_the_commit_has_the_whole_memory_limit(loaded, monkeypatch):
    """The parsing DuckDB is closed before the commit, whose deletes and COMMIT get the whole
    limit back: with half, 2,000 updated processes in the warehouse of a 6 GB input ran out of
    memory at the COMMIT (benchmark), 8,000 at the deletes."""
    import duckdb

    from bestvalue import settings

    configured = duckdb.connect()  # the limit as set, read as DuckDB shows it
    configured.execute(f"SET memory_limit = '{settings.get('duckdb_memory_limit')}'")
    full = float(
        configured.execute("SELECT current_setting('memory_limit')").fetchall()[0][0].split()[0]
    )
    commits = _Commits(loaded)
    monkeypatch.setattr(loaded, "con", commits)
    ingest([GOOD], loaded)  # all through SQL: the limit stays halved until the commit
    statements = [statement for statement, _ in commits.limits]
    assert statements.count("DELETE") >= 5 and statements[-1] == "COMMIT"  # per stored table
    assert all(abs(m - full) < 1 for _, m in commits.limits), (commits.limits, full)


def test_running_out_of_memory_loads_nothing_and_says_what_to_do(loaded, monkeypatch):
    before = _snapshot(loaded)
    monkeypatch.setenv("BESTVALUE_DUCKDB_MEMORY_LIMIT", "4MB")
    with pytest.raises(WarehouseError, match="ran out of memory, so nothing was loaded") as e:
        ingest([FIXTURES / "colombia-cce"], loaded, skip_bad=True)
    assert "BESTVALUE_DUCKDB_MEMORY_LIMIT (now 4MB)" in str(e.value)
    assert "\n" not in str(e.value)  # DuckDB's own advice (threads, ...) is left out
    assert _snapshot(loaded) == before
    monkeypatch.delenv("BESTVALUE_DUCKDB_MEMORY_LIMIT")
    ingest([FIXTURES / "colombia-cce"], loaded, skip_bad=True)  # then, with enough, it loads
    assert _snapshot(loaded)["processes"] != before["processes"]


@pytest.mark.parametrize(
    ("limit", "half"), [("512MB", "256MB"), ("1GB", "0.5GB"), ("3GiB", "1.5GiB"), ("80%", "80%")]
)
def test_half_a_memory_limit(limit, half):
    assert duckdb_engine.half(limit) == half


def test_an_export_that_cannot_be_written_is_named_and_leaves_nothing(duck, tmp_path):
    """The export's target is a folder (the system refuses to put a file there): the message
    names it and says why, and the scratch file written beside it is gone."""
    from bestvalue.errors import BestValueError
    from bestvalue.warehouse.export import export_table

    ingest([GOOD], duck)
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(BestValueError, match=f"{target}: cannot write this file: "):
        export_table(duck, "awards", "csv", target)
    assert target.is_dir() and not list(tmp_path.glob(".*.part"))
    with pytest.raises(BestValueError, match="there is no folder"):
        export_table(duck, "awards", "csv", tmp_path / "none" / "a.csv")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_an_export_streams_and_a_sheet_too_long_for_excel_leaves_nothing(
    loaded, tmp_path, monkeypatch, fmt
):
    """Written a batch at a time (here of 4 rows) with every row there; a table longer than
    an Excel sheet holds (here 8 rows) is refused before anything is written."""
    import csv

    import openpyxl
    import pyarrow.parquet as pq

    from bestvalue.errors import BestValueError
    from bestvalue.warehouse import export

    monkeypatch.setattr(export, "BATCH_ROWS", 4)
    out = tmp_path / f"parties.{fmt}"
    count = export.export_table(loaded, "parties", fmt, out)
    if fmt == "csv":
        ids = [r["party_id"] for r in csv.DictReader(out.open(newline=""))]
    elif fmt == "parquet":
        ids = pq.read_table(out).column("party_id").to_pylist()
        assert pq.ParquetFile(out).num_row_groups > 1
    else:
        sheet = openpyxl.load_workbook(out).active
        header, *rest = list(sheet.iter_rows(values_only=True))
        ids = [row[header.index("party_id")] for row in rest]
    stored = loaded.sql("SELECT party_id FROM parties").column(0).to_pylist()
    assert count == len(ids) == loaded.row_count("parties") > 8
    assert sorted(ids) == sorted(stored)
    if fmt == "xlsx":
        monkeypatch.setattr(export, "XLSX_MAX_ROWS", 8)
        with pytest.raises(BestValueError, match="11 rows do not fit in one Excel sheet"):
            export.export_table(loaded, "parties", fmt, tmp_path / "long.xlsx")
        assert not list(tmp_path.glob("*long*"))


def _decompressible(data: bytes) -> int:
    """Bytes of gzip ``data`` that decompress, by zlib directly: the first member, as far as
    it goes (an independent count of what the message must name)."""
    return len(zlib.decompressobj(wbits=31).decompress(data))


@pytest.mark.parametrize("damage", ["cut", "trailing garbage"])
def test_damaged_gzip_is_placed_where_its_text_stops(duck, tmp_path, damage):
    """The place used to be the start of the 1 MB read that failed (byte 0 for a small file):
    it is now where the decompressed text stops."""
    packed = gzip.compress(LARGE_FILE.read_bytes())
    data = packed[: len(packed) * 2 // 3] if damage == "cut" else packed + b"garbage"
    path = _bad(tmp_path, "bad.json.gz", data)
    with pytest.raises(InputError) as error:
        ingest([path], duck)
    where = _decompressible(data)
    assert where > 0 and (damage == "cut") == (where < len(LARGE_FILE.read_bytes()))
    assert f"byte {where}: the compressed data is damaged" in str(error.value)


def _before_damage(raw: bytes, wbits: int) -> int:
    """Bytes zlib gives from ``raw`` before it finds it damaged, fed a byte and asked for a byte
    at a time: an independent count of the place the message must name."""
    decompressor, done, tail, fed = zlib.decompressobj(wbits), 0, b"", 0
    with contextlib.suppress(zlib.error):
        while tail or fed < len(raw):
            if not tail:
                tail, fed = raw[fed : fed + 1], fed + 1
            done += len(decompressor.decompress(tail, 1))
            tail = decompressor.unconsumed_tail
    return done


def _damaged(raw: bytes, wbits: int, length: int) -> bytes:
    """``raw`` with the first byte past its first eighth whose change zlib notices before the end
    of the ``length`` bytes it decompresses to (a changed byte can decode to other text, which
    zlib notices later, or only a CRC does)."""
    for at in range(len(raw) // 8, len(raw)):
        broken = raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :]
        decompressor, done = zlib.decompressobj(wbits), 0
        try:
            for piece in range(0, len(broken), 512):
                done += len(decompressor.decompress(broken[piece : piece + 512]))
        except zlib.error:
            if done < length - 1024:
                return broken
    raise AssertionError("no change zlib notices")


@pytest.mark.parametrize("packing", ["zip", "gzip"])
def test_damage_inside_compressed_data_is_placed_to_the_byte(duck, tmp_path, packing):
    """A byte changed inside a deflated zip member, or inside the second member of a gzipped
    file: the place named is where the decompressed text stops. (Both used to be placed only to
    within the 4,096 bytes their readers decompress at a time.)"""
    text = LARGE_FILE.read_bytes()
    before = 0  # decompressed bytes before the damaged stream
    if packing == "gzip":
        raw, wbits, name = _damaged(gzip.compress(text), 31, len(text)), 31, "bad.json.gz"
        data, before = gzip.compress(text) + raw, len(text)
    else:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = compressor.compress(text) + compressor.flush()  # as zipfile deflates
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("releases.json", text)
        packed = archive.getvalue()
        at = packed.index(deflated)
        raw = _damaged(deflated, -15, len(text))
        data, wbits, name = packed[:at] + raw + packed[at + len(deflated) :], -15, "bad.zip"
    where = before + _before_damage(raw, wbits)
    assert before < where < before + len(text) and where % 4096
    path = _bad(tmp_path, name, data)
    with pytest.raises(InputError) as error:
        ingest([path], duck)
    assert f"byte {where}: the compressed data is damaged" in str(error.value)
    assert duck.row_count("sources") == 0


def _plain_package(path: Path, processes: int) -> Path:
    """Tender releases the SQL compile takes whole (every field of one type, nothing null)."""
    item = {"id": "1", "description": "Papel", "quantity": 3}
    releases = [
        {
            "ocid": f"ocds-plain-{n:04d}",
            "id": f"{n}-tender",
            "date": "2024-03-01T10:00:00Z",
            "tag": ["tender"],
            "buyer": {"id": "PY-RUC-1", "name": "Buyer"},
            "tender": {"id": f"T{n}", "title": f"Compra {n}", "items": [item]},
        }
        for n in range(processes)
    ]
    path.write_text(json.dumps({"version": "1.1", "releases": releases}), encoding="utf-8")
    return path


def test_a_commit_that_fails_after_taking_rows_in_memory_loads_nothing(duck, monkeypatch):
    """A first ingest's compile hands its rows to the commit in memory (one round of parts);
    when the COMMIT fails, nothing is loaded, the rows are let go, and the same ingest run
    again loads what a clean one does."""
    plain = _plain_package(duck.location.with_name("plain.json"), 40)
    with open_warehouse(duck.location.with_name("clean.duckdb")) as clean:
        assert ingest([plain], clean).sql_processes == 40
        expected = fingerprint(clean)  # (less the ingest's id and time)
    before = _snapshot(duck)
    held: list[list[str]] = []

    def fail(self):
        held.append(list(self._registered))
        raise WarehouseError("the disk is full (simulated)")

    monkeypatch.setattr(duckdb_engine.DuckDBWarehouse, "_commit_and_checkpoint", fail)
    with pytest.raises(WarehouseError, match="simulated"):
        ingest([plain], duck)
    assert held and "_flat_items" in held[0]  # the rows came in memory ...
    assert duck._registered == []  # ... and are let go
    views = duck.con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()
    assert not [v for (v,) in views if v.startswith("_flat_")]
    assert _snapshot(duck) == before
    monkeypatch.undo()
    ingest([plain], duck)
    assert fingerprint(duck) == expected and duck.row_count("raw_documents") == 40
