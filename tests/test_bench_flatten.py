"""The ingest benchmark's baseline (ocdsmerge, then ``benchmarks/flatten.py``) builds the same
tables as bestvalue from the benchmark's own data: the same rows, so the two pipelines do
comparable work and the ratio in ``docs/benchmarks.md`` compares like with like."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from test_merge import reference

import bestvalue

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from flatten import COLUMNS  # noqa: E402
from ingest import _process  # noqa: E402


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_flatten_gives_the_warehouse_rows(tmp_path, duck):
    rng = random.Random(5)
    processes = [_process(rng, n) for n in range(60)]
    package = {"version": "1.1", "releases": [r for p in processes for r in p]}
    (tmp_path / "package.json").write_text(json.dumps(package), encoding="utf-8")
    bestvalue.ingest([tmp_path / "package.json"], duck)
    compiled = "".join(json.dumps(reference(p)) + "\n" for p in processes)
    out = tmp_path / "flat"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/flatten.py"), str(out)],
        input=compiled,
        text=True,
        check=True,
        capture_output=True,
    )
    for table in COLUMNS:
        rows = _csv(out / f"{table}.csv")
        assert len(rows) == duck.row_count(table), table
    ours = duck.sql("SELECT ocid, award_id, value_amount, supplier_ids FROM awards").to_pylist()
    assert {
        (r["ocid"], r["award_id"], float(r["value_amount"]), tuple(json.loads(r["supplier_ids"])))
        for r in _csv(out / "awards.csv")
    } == {(r["ocid"], r["award_id"], r["value_amount"], tuple(r["supplier_ids"])) for r in ours}
    key = ("ocid", "stage", "award_id", "item_id", "classification_id")
    stored = duck.sql(f"SELECT {', '.join(key)} FROM items").to_pylist()
    flat = [tuple(r[k] or None for k in key) for r in _csv(out / "items.csv")]
    assert Counter(flat) == Counter(tuple(r[k] for k in key) for r in stored)
