"""Every shape publishers use, built from real documents, reads to the same releases."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES

from bestvalue import InputError, ingest
from bestvalue.ocds.reader import Document, Unlinked, read
from bestvalue.ocds.sources import Source

MEXICO = FIXTURES / "mexico-jalisco" / "sample" / "releases"


def _mexico_releases() -> list[dict]:
    out = []
    for path in sorted(MEXICO.glob("*.json")):
        out += json.loads(path.read_text())["releases"]
    return out


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _shapes(tmp_path: Path) -> dict[str, Path]:
    releases = _mexico_releases()
    package = {
        "uri": "x",
        "version": "1.1",
        "publishedDate": "2018-01-01T00:00:00Z",
        "releases": releases,
    }
    lines = "\n".join(json.dumps(r) for r in releases) + "\n"
    concatenated = "".join(json.dumps(r, indent=1) for r in releases)
    shapes = {
        "release package": _write(tmp_path, "package.json", json.dumps(package)),
        "json array": _write(tmp_path, "array.json", json.dumps(releases)),
        "json lines": _write(tmp_path, "lines.jsonl", lines),
        "concatenated": _write(tmp_path, "concat.json", concatenated),
        "gzip": _write(tmp_path, "package.json.gz", gzip.compress(json.dumps(package).encode())),
        "array of packages": _write(tmp_path, "packages.json", json.dumps([package])),
    }
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, release in enumerate(releases):
            z.writestr(f"r{i}.json", json.dumps(release))
    shapes["zip of bare releases"] = archive
    return shapes


@pytest.mark.parametrize("whole", [True, False], ids=["parsed whole", "streamed"])
def test_every_shape_reads_the_same_releases(tmp_path, whole):
    expected = sorted((r["ocid"], r["id"]) for r in _mexico_releases())
    for shape, path in _shapes(tmp_path).items():
        sources = (
            [Source(path, m) for m in sorted(zipfile.ZipFile(path).namelist())]
            if shape.startswith("zip")
            else [Source(path)]
        )
        got = sorted(
            (d.data["ocid"], d.data["id"])
            for s in sources
            for d in read(s, size=s.fingerprint().size if whole else None)
            if isinstance(d, Document)
        )
        assert got == expected, shape


@pytest.mark.parametrize("folder", ["paraguay-dncp", "canada-buyandsell", "colombia-cce"])
def test_record_shapes_give_the_same_documents_both_ways(folder):
    """Record packages (Paraguay), bare records without a top-level ocid (Canada, Colombia)."""
    kinds = set()
    for path in sorted((FIXTURES / folder / "sample").rglob("*.json")):
        if not path.stat().st_size:
            continue
        source = Source(path)
        streamed = [(d.kind, d.pointer, d.data) for d in read(source) if isinstance(d, Document)]
        whole = [
            (d.kind, d.pointer, d.data)
            for d in read(source, size=path.stat().st_size)
            if isinstance(d, Document)
        ]
        assert streamed == whole, path
        kinds |= {kind for kind, _, _ in whole}
    assert "compiled" in kinds


def test_all_shapes_ingest_to_identical_tables(tmp_path, duck):
    from bestvalue import open_warehouse

    baseline = None
    for shape, path in _shapes(tmp_path).items():
        with open_warehouse(tmp_path / f"{len(shape)}-{shape[:3]}.duckdb") as warehouse:
            ingest([path], warehouse)
            rows = warehouse.sql(
                "SELECT * EXCLUDE (source, ocds_version) FROM processes ORDER BY ocid"
            ).to_pylist()
        baseline = baseline or rows
        assert rows == baseline, shape
    assert len(baseline) == 3


def test_iso_8859_1_is_detected_and_read(tmp_path, duck):
    release = _mexico_releases()[1]
    release["tender"]["title"] = "Adquisición de señalética"
    path = _write(
        tmp_path, "latin1.json", json.dumps(release, ensure_ascii=False).encode("iso-8859-1")
    )
    ingest([path], duck)
    assert duck.sql("SELECT title, FROM processes").to_pylist() == [
        {"title": "Adquisición de señalética"}
    ]
    assert duck.sql("SELECT encoding FROM sources").to_pylist() == [{"encoding": "windows-1252"}]


def test_windows_1252_dashes_quotes_and_euro_are_read_as_written(tmp_path, duck):
    """What Windows tools write in 0x80-0x9F (an en dash, curly quotes, the euro sign) was read
    as ISO-8859-1's invisible control characters; a byte windows-1252 leaves unassigned (0x81)
    still reads as its control character rather than refusing the file."""
    release = _mexico_releases()[1]
    release["tender"]["title"] = "Adquisición – “equipos” de 5.000 €"
    release["tender"]["description"] = "x"
    text = json.dumps(release, ensure_ascii=False).encode("cp1252")
    path = _write(tmp_path, "windows.json", text.replace(b'"x"', b'"x\x81"'))
    ingest([path], duck)
    assert duck.sql("SELECT title, description FROM processes").to_pylist() == [
        {"title": "Adquisición – “equipos” de 5.000 €", "description": "x\x81"}
    ]


@pytest.mark.parametrize("compress", [False, True])
def test_fingerprint_of_a_file_of_many_chunks(tmp_path, compress):
    """The pass that hashes a file checks its chunks as UTF-8 on another thread: the hash and
    size are the whole content's, a character cut by a chunk's end is still UTF-8, and one
    windows-1252 byte in a later chunk makes the file windows-1252."""
    import hashlib

    from bestvalue.ocds.sources import CHUNK, LEGACY

    release = json.dumps(_mexico_releases()[1], ensure_ascii=False).encode()
    body = b" " * (CHUNK - 1) + "ñ".encode() + b" " * (2 * CHUNK) + release  # ñ: 2 bytes, cut
    for text, encoding in ((body, "utf-8"), (body + b" \xe9 " + b" " * CHUNK, LEGACY)):
        path = _write(tmp_path, "big.json.gz" if compress else "big.json", text)
        if compress:
            path.write_bytes(gzip.compress(text, 1))
        got = Source(path).fingerprint()
        assert (got.sha256, got.size, got.encoding) == (
            hashlib.sha256(text).hexdigest(),
            len(text),
            encoding,
        )


def test_versioned_release_alone_is_compiled(tmp_path, duck):
    record = json.loads(next((FIXTURES / "colombia-cce/sample/records").glob("*.json")).read_text())
    only_versioned = {
        "ocid": record["compiledRelease"]["ocid"],
        "versionedRelease": record["versionedRelease"],
    }
    ingest([_write(tmp_path, "v.json", json.dumps(only_versioned))], duck)
    got = duck.sql("SELECT ocid, award_count, buyer_name FROM processes").to_pylist()[0]
    compiled = record["compiledRelease"]
    assert got == {
        "ocid": compiled["ocid"],
        "award_count": len(compiled.get("awards", [])),
        "buyer_name": compiled["buyer"]["name"],
    }


def test_directories_below_hidden_folders_are_read(tmp_path, duck):
    """Hidden files inside a directory are skipped, but a hidden parent is no reason to skip."""
    folder = tmp_path / ".cache" / "data"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(
        MEXICO.joinpath(
            "ocds-xs1qbl-SFIN-03-0001-00-2017-20180118T043951880Z-planning.json"
        ).read_text()
    )
    (folder / ".hidden.json").write_text("not json")
    report = ingest([folder], duck)
    assert report.files == 1 and report.processes == 1


def test_a_directory_without_ocds_files_is_an_error(tmp_path, duck):

    (tmp_path / "notes.md").write_text("nothing here")
    with pytest.raises(InputError, match="no OCDS files here"):
        ingest([tmp_path], duck)


def test_a_zip_or_folder_as_people_make_them_loads_its_data_and_nothing_else(tmp_path):
    """An archive of a folder with a gzipped package, JSON lines named .txt, a README.txt, and
    what macOS and editors leave (``__MACOSX`` forks, hidden files): the data loads as from
    the files themselves; the rest is passed over, as in a folder. (A gzipped member was read
    as JSON, and a README stopped the ingest.)"""
    from bestvalue import open_warehouse

    releases = _mexico_releases()
    package = gzip.compress(json.dumps({"version": "1.1", "releases": releases[:2]}).encode())
    lines = json.dumps(releases[2]) + "\n"
    members = {
        "data/package.json.gz": package,
        "data/lines.txt": b"\xef\xbb\xbf" + lines.encode(),  # (and a byte-order mark)
        "README.txt": b"Releases of Jalisco, 2017.\n",
        "notes.md": b"# notes",
        "__MACOSX/data/._package.json.gz": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
        "data/.package.json.swp": b"b0VIM 8.2",
    }
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    folder = tmp_path / "folder"
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    clean = tmp_path / "clean"  # the data alone, named as usual
    clean.mkdir()
    (clean / "package.json.gz").write_bytes(package)
    (clean / "lines.jsonl").write_text(lines)
    tables = {}
    for given in (archive, folder, clean):
        with open_warehouse(tmp_path / f"{given.name}.duckdb") as warehouse:
            report = ingest([given], warehouse)
            tables[given.name] = warehouse.sql(
                "SELECT * EXCLUDE (source) FROM processes ORDER BY ocid"
            ).to_pylist()
        assert report.files == 2 and report.releases == 3 and not report.rejects
    assert tables["bundle.zip"] == tables["folder"] == tables["clean"]
    assert len(tables["clean"]) == len({r["ocid"] for r in releases[:3]})


@pytest.mark.parametrize("fast", ["1", "0"], ids=["fast path", "reader"])
def test_a_utf8_byte_order_mark_is_read_past(tmp_path, monkeypatch, fast):
    """Windows tools start UTF-8 files with a byte-order mark, which JSON parsers refuse ("line
    1, byte 0: invalid JSON"): a package, JSON lines, a gzipped package and a zip member with
    one load as they do without it."""
    from bestvalue import open_warehouse

    monkeypatch.setenv("BESTVALUE_FAST_INGEST", fast)
    bom = b"\xef\xbb\xbf"
    releases = _mexico_releases()
    package = json.dumps({"version": "1.1", "releases": releases[:3]}).encode()
    gzipped = json.dumps({"version": "1.1", "releases": releases[3:5]}).encode()
    lines = "".join(json.dumps(r) + "\n" for r in releases[5:7]).encode()
    member = json.dumps({"version": "1.1", "releases": releases[7:]}).encode()
    tables = {}
    for mark in (b"", bom):
        folder = tmp_path / ("with" if mark else "without")
        folder.mkdir()
        (folder / "package.json").write_bytes(mark + package)
        (folder / "lines.jsonl").write_bytes(mark + lines)
        (folder / "package.json.gz").write_bytes(gzip.compress(mark + gzipped))
        with zipfile.ZipFile(folder / "bundle.zip", "w") as z:
            z.writestr("member.json", mark + member)
        with open_warehouse(tmp_path / f"{folder.name}.duckdb") as warehouse:
            report = ingest([folder], warehouse)
            tables[folder.name] = warehouse.sql(
                "SELECT * EXCLUDE (source) FROM processes ORDER BY ocid"
            ).to_pylist()
        assert report.files == 4 and report.releases == len(releases) and not report.rejects
    assert tables["with"] == tables["without"] and len(tables["with"]) == 3


def _unlinked_items(path: Path, whole: bool) -> list[tuple]:
    source = Source(path)
    items = read(source, size=path.stat().st_size if whole else None)
    return [
        (i.ocid, i.pointer, i.links, i.url, i.line) if isinstance(i, Unlinked) else i.kind
        for i in items
    ]


@pytest.mark.parametrize("whole", [True, False], ids=["parsed whole", "streamed"])
def test_a_record_of_links_only_is_told_in_every_shape(tmp_path, whole):
    """Paraguay's record 284453 only links to its two releases: the reader says so (the
    ingest then checks whether they are loaded), in whatever shape the record comes."""
    package = json.loads((FIXTURES / "paraguay-dncp/sample/records/284453.json").read_text())
    record = package["records"][0]
    url = record["releases"][0]["url"]
    embedded = {**record, "releases": [*record["releases"], _mexico_releases()[0]]}
    shapes = {
        "record package": (package, [("ocds-03ad3f-284453", "/records/0", 2, url, None)]),
        "bare record": (record, [("ocds-03ad3f-284453", "/", 2, url, None)]),
        "array of records": ([record], [("ocds-03ad3f-284453", "/0", 2, url, None)]),
        "no links at all": ({"ocid": "x", "releases": []}, [("x", "/", 0, None, None)]),
        "with a release of its own": (embedded, ["release"]),
        "with a compiled release": ({**record, "compiledRelease": {"id": "1"}}, ["compiled"]),
    }
    for shape, (value, expected) in shapes.items():
        path = _write(tmp_path, "r.json", json.dumps(value))
        assert _unlinked_items(path, whole) == expected, shape
    lines = _write(tmp_path, "r.jsonl", f"{json.dumps(record)}\n{json.dumps(record)}\n")
    assert [i[-1] for i in _unlinked_items(lines, whole)] == [1, 2]


@pytest.mark.parametrize("whole", [True, False], ids=["parsed whole", "streamed"])
def test_an_embedded_release_without_id_is_refused_where_it_is(tmp_path, duck, whole, monkeypatch):
    """Inside a record package as at the top of a bare record: not passed over in silence."""
    monkeypatch.setenv("BESTVALUE_WHOLE_FILE_MB", "16" if whole else "0")
    release = {k: v for k, v in _mexico_releases()[0].items() if k != "id"}
    record = {"ocid": release["ocid"], "releases": [release]}
    for name, value, place in [
        ("package.json", {"records": [record]}, "at /records/0/releases/0/id"),
        ("bare.json", record, "at /releases/0/id"),
    ]:
        path = _write(tmp_path, name, json.dumps(value))
        with pytest.raises(InputError) as error:
            ingest([path], duck)
        assert str(error.value.location) == place, name
        assert "id" in error.value.reason
    assert duck.row_count("processes") == 0
