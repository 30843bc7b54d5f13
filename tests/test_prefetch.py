"""Reading an ingest's files ahead from the start of the command (``bestvalue.ocds.prefetch``)."""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys

import click
import pytest

from bestvalue.ocds import prefetch
from bestvalue.ocds.readahead import Ahead
from bestvalue.ocds.sources import discover


def _release(ocid: str, n: int) -> dict:
    return {"ocid": ocid, "id": f"{ocid}-{n}", "date": f"2024-01-0{n + 1}T00:00:00Z"}


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for i in range(3):
        package = {"releases": [_release(f"ocds-x-{i}", n) for n in range(2)]}
        (data / f"p{i}.json").write_text(json.dumps(package))
    with gzip.open(data / "z.json.gz", "wt") as f:
        f.write(json.dumps({"releases": [_release("ocds-z", 0)]}))
    (data / "copy.json").write_bytes((data / "p0.json").read_bytes())  # the same content
    return data


@pytest.fixture(autouse=True)
def nothing_left():
    yield
    while prefetch._started:
        prefetch._started.pop().close()


@pytest.mark.parametrize(
    ("argv", "paths"),
    [
        (["ingest", "a", "b"], ["a", "b"]),
        (["--lang", "es", "ingest", "a", "--warehouse", "w", "--skip-bad", "b"], ["a", "b"]),
        (["--lang=es", "ingest", "--warehouse=w.duckdb", "a", "--engine", "duckdb"], ["a"]),
        (["ingest", "a", "--country", "PY", "--retag", "--spark-master", "local[1]"], ["a"]),
        (["ingest", "a", "--", "--skip-bad"], ["a", "--skip-bad"]),
        (["ingest", "-"], ["-"]),
    ],
)
def test_the_paths_of_an_ingest_are_read_as_click_reads_them(argv, paths):
    from bestvalue.cli.ingest import command

    assert prefetch.ingest_paths(argv) == paths
    start = argv.index("ingest")
    context = command.make_context("ingest", argv[start + 1 :])
    assert list(context.params["paths"]) == paths


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["ingest"],
        ["ingest", "--help"],
        ["ingest", "-h", "a"],
        ["ingest", "a", "--country"],  # (its value missing: click says so)
        ["ingest", "a", "--skip-bad=yes"],
        ["ingest", "a", "--unknown", "b"],
        ["sql", "SELECT 1"],
        ["--version"],
        ["--lang", "es"],
        ["tables", "ingest"],
    ],
)
def test_anything_else_starts_nothing(argv, folder):
    assert prefetch.ingest_paths(argv) is None
    prefetch.start([*argv, str(folder)] if argv[:1] == ["tables"] else argv)
    assert prefetch._started == []
    assert prefetch.take([folder]) is None


def test_the_options_it_knows_are_those_of_the_command():
    """Every option of ``bestvalue ingest`` (and of the group, before the command's name) is
    known, with or without a value as click reads it: a new option would otherwise stop the
    prefetch for every command line that uses it."""
    from bestvalue.cli import cli
    from bestvalue.cli.ingest import command

    def names(params, flags):
        return {
            name
            for p in params
            if isinstance(p, click.Option) and p.is_flag == flags and p.expose_value
            for name in p.opts
        }

    assert names(command.params, False) == set(prefetch.VALUED)
    assert names(command.params, True) == set(prefetch.FLAGS)
    assert names(cli.params, False) == set(prefetch.GROUP_VALUED)


def test_the_files_read_ahead_are_taken_by_the_ingest_of_the_same_paths(folder):
    prefetch.start(["ingest", str(folder), "--warehouse", "w.duckdb"])
    reader = prefetch.take([folder])
    assert reader is not None and prefetch.take([folder]) is None  # (taken once)
    sources = list(discover([folder]))
    assert reader.sources == sources  # (found in the thread: the ingest does not list them again)
    items = list(reader)
    assert [s for s, *_ in items] == sources
    cuts = {s.path.name: cut for s, _, cut in items}
    documents = {
        name: sum(b.num_rows for _, batches in cut.pieces for b in batches)
        for name, cut in cuts.items()
        if cut is not None
    }
    # (p0.json has the content of copy.json, first in name order: cut once)
    assert documents == {"copy.json": 2, "p1.json": 2, "p2.json": 2, "z.json.gz": 1}


def test_other_paths_get_nothing_and_stop_the_thread(folder, tmp_path):
    prefetch.start(["ingest", str(folder)])
    started = prefetch._started[0]
    assert prefetch.take([folder / "p1.json"]) is None
    assert not started._items.thread.is_alive()
    missing = tmp_path / "missing"
    prefetch.start(["ingest", str(folder), str(missing)])
    started = prefetch._started[0]
    assert prefetch.take([folder, missing]) is None  # (not found: the ingest will say so)
    assert not started._items.thread.is_alive()


def test_contents_the_warehouse_holds_are_not_cut_once_it_is_known(folder):
    sources = list(discover([folder]))
    hashes = {s.path.name: s.fingerprint().sha256 for s in sources}
    stored = {hashes["p1.json"], hashes["z.json.gz"]}
    cuts = {s.path.name: cut for s, _, cut in prefetch.ReadAhead(sources, True, stored)}
    assert {n for n, c in cuts.items() if c is None} == {"p1.json", "z.json.gz", "p0.json"}
    cuts = {s.path.name: cut for s, _, cut in prefetch.ReadAhead(sources, False)}
    assert set(cuts.values()) == {None}  # (the reader's path cuts nothing)


def test_an_ingest_from_the_command_line_takes_what_it_started(folder, tmp_path, monkeypatch):
    """As ``bestvalue.__main__`` does: start, then the command; a second run skips every file,
    whatever the thread cut before it knew the warehouse's contents."""
    from bestvalue.cli import main

    taken = []
    take = prefetch.take
    monkeypatch.setattr(prefetch, "take", lambda sources: taken.append(take(sources)) or taken[-1])
    argv = ["ingest", str(folder), "--warehouse", str(tmp_path / "w.duckdb")]
    for _ in range(2):
        prefetch.start(argv)
        main(argv)
    assert all(isinstance(r, prefetch.ReadAhead) for r in taken) and len(taken) == 2
    result = subprocess.run(
        [sys.executable, "-m", "bestvalue", *argv], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Nothing new was loaded" in result.stdout and "Skipped 5 file(s)" in result.stdout


def test_the_module_imports_nothing_heavy():
    """What it is for: starting before numpy, pyarrow, DuckDB, click and rich are imported."""
    heavy = ("numpy", "pyarrow", "duckdb", "click", "rich")
    code = f"import sys, bestvalue.ocds.prefetch; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_thread_never_iterated_stops_when_closed():
    ahead = Ahead(itertools.count(), 2)
    ahead.close()
    ahead.thread.join(1)
    assert not ahead.thread.is_alive()
