"""Ingest benchmark (not a test): bestvalue ingest against ocdskit compile + a plain flatten.

A deterministic generator writes realistic synthetic OCDS (release packages, JSON lines of bare
releases and gzipped packages; each process's planning, tender, amendment, award and contract
releases scattered over different files), then both pipelines load the same files, one after the
other, in one run. Throughput and the peak RSS of each pipeline (the largest process in it) are
measured with ``os.wait4``, and the results are written to ``docs/benchmarks.md``. Packages
too large for the baseline (``--scale-sizes``) are loaded by bestvalue alone, followed by a small
package into the warehouse they leave (new and updated processes, as a daily update would be).

    python benchmarks/ingest.py --sizes 25,100 --single-sizes 200,1000 --scale-sizes 3000,6000

Each input of ``--sizes`` and ``--single-sizes`` is loaded ``--repeat`` times (3) by both
pipelines, alternating, and each pipeline's fastest run is kept (the machine is shared: a run's
time varies by up to a third).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "src/bestvalue/data/ocds-schema/release-schema.json"
CACHE = ROOT / "benchmarks/.cache"
LAST = CACHE / "last-run.json"  # the last run's measures, to write the results again
RESULTS = ROOT / "docs/benchmarks.md"
BUYERS = [
    "Ministerio de Salud",
    "Compañía Paraguaya de Comunicaciones",
    "Municipalidad de Asunción",
    "Instituto de Previsión Social",
    "Ministerio de Obras Públicas",
]
WORDS = [
    "computadoras",
    "papel",
    "servicio de limpieza",
    "medicamentos",
    "uniformes",
    "cemento",
    "mantenimiento",
    "transformadores",
    "combustible",
    "alimentos",
]


def _process(rng: random.Random, n: int) -> list[dict]:
    """The releases of one contracting process, in date order."""
    ocid = f"ocds-bench-{n:09d}"
    base = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
    items = [
        {
            "id": str(i),
            "description": rng.choice(WORDS),
            "quantity": rng.randint(1, 500),
            "classification": {"scheme": "UNSPSC", "id": str(rng.randint(10000000, 95999999))},
            "unit": {
                "name": "Unidad",
                "value": {"amount": rng.randint(1, 10**6), "currency": "PYG"},
            },
        }
        for i in range(rng.randint(1, 8))
    ]
    buyer = {"id": f"PY-RUC-{n % 97}", "name": rng.choice(BUYERS)}
    amount = float(sum(i["quantity"] * i["unit"]["value"]["amount"] for i in items))
    supplier = {
        "id": f"PY-RUC-S{rng.randint(1, 5000)}",
        "name": f"Proveedor {rng.randint(1, 5000)}",
    }

    def release(tag: str, day: int, **fields) -> dict:
        return {
            "ocid": ocid,
            "id": f"{ocid}-{tag}",
            "date": base.replace("T10", f"T{day + 10}"),
            "tag": [tag],
            "initiationType": "tender",
            **fields,
        }

    tender = {
        "id": ocid,
        "title": f"Adquisición de {items[0]['description']}",
        "items": items,
        "value": {"amount": amount, "currency": "PYG"},
        "procurementMethod": "open",
        "status": "active",
        "mainProcurementCategory": "goods",
    }
    return [
        release(
            "planning",
            0,
            buyer=buyer,
            planning={"budget": {"amount": {"amount": amount, "currency": "PYG"}}},
        ),
        release("tender", 1, buyer=buyer, tender=tender, parties=[{**buyer, "roles": ["buyer"]}]),
        release(
            "tenderAmendment",
            2,
            tender={
                "id": ocid,
                "status": "complete",
                "value": {"amount": amount * 1.1, "currency": "PYG"},
            },
        ),
        release(
            "award",
            3,
            awards=[
                {
                    "id": f"{ocid}-a1",
                    "status": "active",
                    "suppliers": [supplier],
                    "value": {"amount": amount, "currency": "PYG"},
                    "items": items,
                }
            ],
            parties=[{**supplier, "roles": ["supplier"]}],
        ),
        release(
            "contract",
            4,
            contracts=[
                {
                    "id": f"{ocid}-c1",
                    "awardID": f"{ocid}-a1",
                    "status": "active",
                    "items": items,
                    "value": {"amount": amount, "currency": "PYG"},
                }
            ],
        ),
    ]


def _cached(folder: Path) -> bool:
    """True when the data set was generated before; otherwise start it afresh."""
    if (folder / "DONE").exists():
        return True
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return False


def generate(folder: Path, megabytes: int, seed: int = 7) -> Path:
    """Write about ``megabytes`` of OCDS in three shapes; the same seed gives the same bytes."""
    if _cached(folder):
        return folder
    rng = random.Random(seed)
    written, n, part = 0, 0, 0
    while written < megabytes * 1_000_000:
        processes = [_process(rng, n + i) for i in range(2000)]
        n += len(processes)
        # Stage by stage into different files: a process's releases span several files.
        for stage in range(5):
            releases = [p[stage] for p in processes]
            shape = part % 3
            path = folder / (f"part-{part:05d}" + (".json", ".jsonl", ".json.gz")[shape])
            if shape == 1:
                data = "\n".join(json.dumps(r, ensure_ascii=False) for r in releases).encode()
            else:
                data = json.dumps(
                    {
                        "uri": "bench",
                        "version": "1.1",
                        "releases": releases,
                        "publishedDate": "2024-01-01T00:00:00Z",
                    },
                    ensure_ascii=False,
                ).encode()
            if shape == 2:
                data = gzip.compress(data, 1)
            Path(path).write_bytes(data)
            written += len(data)
            part += 1
    (folder / "DONE").write_text(str(n))
    return folder


def generate_single(folder: Path, megabytes: int, seed: int = 7) -> Path:
    """One release package of about ``megabytes``, written as a stream (memory stays small)."""
    if _cached(folder):
        return folder
    rng = random.Random(seed)
    written, n = 0, 0
    with (folder / "part-00000.json").open("w", encoding="utf-8") as out:
        out.write('{"uri": "bench", "version": "1.1", "releases": [')
        while written < megabytes * 1_000_000:
            for release in _process(rng, n):
                text = ("," if written else "") + json.dumps(release, ensure_ascii=False)
                out.write(text)
                written += len(text)
            n += 1
        out.write("]}")
    (folder / "DONE").write_text(str(n))
    return folder


def generate_increment(folder: Path, processes: int, seed: int = 11) -> Path:
    """A later, small release package for a warehouse holding ``processes`` processes: 2,000
    new processes (all their releases) and a newer release of 2,000 stored ones."""
    if _cached(folder):
        return folder
    rng = random.Random(seed)
    releases = [r for n in range(processes, processes + 2000) for r in _process(rng, n)]
    for n in rng.sample(range(processes), min(2000, processes)):
        release = _process(rng, n)[-1]
        release.update(id=f"{release['ocid']}-update", date="2025-06-01T00:00:00Z")
        releases.append(release)
    package = {"uri": "bench", "version": "1.1", "releases": releases}
    (folder / "part-00000.json").write_text(json.dumps(package, ensure_ascii=False))
    (folder / "DONE").write_text(str(len(releases)))
    return folder


def _measure(command: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of the largest process the shell command ran."""
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "-o", "pipefail", "-c", command])
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {command}")
    return seconds, usage.ru_maxrss / 1024


FLATTEN = r"""
import json, sys
rows = {"processes": 0, "items": 0, "awards": 0, "contracts": 0}
for line in sys.stdin:
    r = json.loads(line)
    rows["processes"] += 1
    t = r.get("tender") or {}
    rows["items"] += len(t.get("items") or [])
    for a in r.get("awards") or []:
        rows["awards"] += 1
        rows["items"] += len(a.get("items") or [])
    for c in r.get("contracts") or []:
        rows["contracts"] += 1
        rows["items"] += len(c.get("items") or [])
print(rows, file=sys.stderr)
"""


def _as_packages(folder: Path) -> str:
    """Shell that prints every input file as release packages, one per line, for ocdskit."""
    return (
        f"for f in {folder}/part-*; do case $f in *.gz) zcat $f; echo;; "
        f"*.jsonl) {sys.executable} -c 'import sys,json; "
        'print(json.dumps({"version": "1.1", "releases": '
        "[json.loads(l) for l in open(sys.argv[1])]}))' $f;; "
        "*) cat $f; echo;; esac; done"
    )


def run(sizes: list[int], single: bool = False, repeat: int = 1) -> list[dict]:
    """Each input loaded by both pipelines ``repeat`` times, alternating (bestvalue, baseline,
    bestvalue, ...), each pipeline's fastest run kept with the highest peak RSS of its runs (on
    a shared machine, the fastest run is the one least slowed by its neighbours); the Python
    path once."""
    results = []
    bestvalue = Path(sys.executable).with_name("bestvalue")
    ocdskit = Path(sys.executable).with_name("ocdskit")
    for size in sizes:
        folder = (
            generate_single(CACHE / f"one-{size}mb", size)
            if single
            else generate(CACHE / f"ocds-{size}mb", size)
        )
        data_mb = sum(p.stat().st_size for p in folder.glob("part-*")) / 1e6
        raw_mb = (
            sum(
                len(gzip.decompress(p.read_bytes())) if p.suffix == ".gz" else p.stat().st_size
                for p in folder.glob("part-*")
            )
            / 1e6
        )
        releases = int((folder / "DONE").read_text()) * 5
        warehouse = CACHE / f"w-{size}.duckdb"
        ours_runs, base_runs = [], []
        for _ in range(repeat):
            warehouse.unlink(missing_ok=True)
            command = f"{bestvalue} ingest {folder} --warehouse {warehouse} > /dev/null 2>&1"
            ours_runs.append(_measure(command))
            base_runs.append(
                _measure(
                    f"{_as_packages(folder)} | {ocdskit} compile --schema {SCHEMA} "
                    f"| {sys.executable} -c '{FLATTEN}' 2>/dev/null"
                )
            )
        ours, base = _best(ours_runs), _best(base_runs)
        warehouse.unlink(missing_ok=True)
        python = _measure(
            f"BESTVALUE_FAST_INGEST=0 {bestvalue} ingest {folder} --warehouse {warehouse} "
            "> /dev/null 2>&1"
        )
        warehouse.unlink(missing_ok=True)
        results.append(
            {
                "shape": "one package" if single else "mixed files",
                "size_mb": data_mb,
                "raw_mb": raw_mb,
                "releases": releases,
                "ours": ours,
                "python": python,
                "base": base,
                "ours_runs": ours_runs,
                "base_runs": base_runs,
            }
        )
        print(
            f"{raw_mb:.0f} MB: bestvalue {ours[0]:.1f} s {ours[1]:.0f} MB RSS; "
            f"Python path {python[0]:.1f} s; "
            f"baseline {base[0]:.1f} s {base[1]:.0f} MB RSS; "
            f"ratio {base[0] / ours[0]:.2f}x",
            flush=True,
        )
    return results


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest run's seconds, and the highest peak RSS of all the runs (MB)."""
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def run_scale(sizes: list[int]) -> list[dict]:
    """bestvalue alone on single packages too large for the baseline (ocdskit holds the
    whole input in memory: about 9 GB of RSS for 1 GB), to show its memory stays flat."""
    results = []
    bestvalue = Path(sys.executable).with_name("bestvalue")
    for size in sizes:
        folder = generate_single(CACHE / f"one-{size}mb", size)
        raw_mb = sum(p.stat().st_size for p in folder.glob("part-*")) / 1e6
        releases = int((folder / "DONE").read_text()) * 5
        warehouse = CACHE / f"w-{size}.duckdb"
        warehouse.unlink(missing_ok=True)
        ours = _measure(f"{bestvalue} ingest {folder} --warehouse {warehouse} > /dev/null 2>&1")
        # Then a small ingest into that warehouse, as a daily update would be.
        more = generate_increment(CACHE / f"increment-{size}mb", int((folder / "DONE").read_text()))
        later = _measure(f"{bestvalue} ingest {more} --warehouse {warehouse} > /dev/null 2>&1")
        warehouse.unlink(missing_ok=True)
        results.append(
            {
                "raw_mb": raw_mb,
                "releases": releases,
                "ours": ours,
                "increment_mb": (more / "part-00000.json").stat().st_size / 1e6,
                "increment_releases": int((more / "DONE").read_text()),
                "increment": later,
            }
        )
        print(
            f"{raw_mb:.0f} MB: bestvalue {ours[0]:.1f} s {ours[1]:.0f} MB RSS; "
            f"then {results[-1]['increment_mb']:.0f} MB more: {later[0]:.1f} s {later[1]:.0f} MB",
            flush=True,
        )
    return results


def _scale_lines(scale: list[dict]) -> list[str]:
    if not scale:
        return []
    lines = [
        "",
        "### Memory at scale: bestvalue alone",
        "",
        "One release package each, too large for the baseline to run here (its peak RSS grows "
        "with the input: see above).",
        "",
        "| input | JSON MB | releases | bestvalue s | MB/s | releases/s | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in scale:
        ts, tm = r["ours"]
        lines.append(
            f"| one package | {r['raw_mb']:.0f} | {r['releases']:,} | {ts:.1f} | "
            f"{r['raw_mb'] / ts:.1f} | {r['releases'] / ts:,.0f} | {tm:.0f} |"
        )
        ts, tm = r["increment"]
        lines.append(
            f"| then, into that {r['raw_mb']:.0f} MB warehouse, a package of 2,000 new and "
            f"2,000 updated processes | {r['increment_mb']:.0f} | {r['increment_releases']:,} | "
            f"{ts:.1f} | {r['increment_mb'] / ts:.1f} | {r['increment_releases'] / ts:,.0f} | "
            f"{tm:.0f} |"
        )
    return lines


def machine() -> str:
    """The machine measured and the day: saved with the measures, so that ``--rewrite`` on
    another machine or day still names the run's."""
    cpu = platform.processor() or platform.machine()
    return (
        f"Machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.release()}, {cpu}, Python {platform.python_version()}. "
        f"Run: {time.strftime('%Y-%m-%d')}."
    )


def _repeats(results: list[dict]) -> tuple[str, str]:
    """What the intro says of the repeated runs, and the paired runs' ratios, if any."""
    runs = max((len(r.get("ours_runs", [])) for r in results), default=0)
    if runs < 2:
        return "", ""
    intro = (
        f" Each time is the fastest of {runs} runs of its pipeline, the pipelines alternating "
        "(the machine is shared), and each peak the highest of those runs."
    )
    spans = []
    for r in results:
        pairs = [b[0] / o[0] for o, b in zip(r["ours_runs"], r["base_runs"], strict=True)]
        spans.append(f"{r['raw_mb']:.0f} MB {min(pairs):.2f}-{max(pairs):.2f}×")
    paired = (
        "- The ratios of the paired runs (each bestvalue run against the baseline run after "
        f"it): {'; '.join(spans)}."
    )
    return intro, paired


def write(results: list[dict], scale: list[dict], measured: str) -> None:
    intro, paired = _repeats(results)
    lines = [
        "# Benchmarks",
        "",
        "## Ingest (`benchmarks/ingest.py`)",
        "",
        measured,
        "",
        "Synthetic OCDS from the benchmark's deterministic generator (seed 7): release packages, "
        "JSON lines and gzipped packages in equal parts; every process has planning, tender, "
        "amendment, award and contract releases, each in a different file. *bestvalue* is "
        "`bestvalue ingest DIR` into a new DuckDB file (read, validate, stage, compile, "
        "normalise, write every table); *Python path* is the same with "
        "`BESTVALUE_FAST_INGEST=0` (the reader, checks and merge in Python, as before the DuckDB "
        "path existed). The *baseline* is `ocdskit compile` (ocdsmerge, "
        "in Python) on the same files, piped to a plain-Python flatten that only counts rows, "
        "so it does less work than bestvalue. Peak RSS is that of the largest process of each "
        f"pipeline.{intro} Throughput is over the uncompressed JSON.",
        "",
        "| input | JSON MB | releases | bestvalue s | MB/s | releases/s | peak RSS MB |"
        " Python path s | peak RSS MB | baseline s | MB/s | peak RSS MB | speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        (ts, tm), (ps, pm), (bs, bm) = r["ours"], r["python"], r["base"]
        lines.append(
            f"| {r['shape']} | {r['raw_mb']:.0f} | {r['releases']:,} | {ts:.1f} | "
            f"{r['raw_mb'] / ts:.1f} | {r['releases'] / ts:,.0f} | {tm:.0f} | {ps:.1f} | "
            f"{pm:.0f} | {bs:.1f} | {r['raw_mb'] / bs:.1f} | {bm:.0f} | {bs / ts:.2f}× |"
        )
    lines += _scale_lines(scale)
    ratios = [r["base"][0] / r["ours"][0] for r in results]
    paths = [r["python"][0] / r["ours"][0] for r in results]
    peaks = [r["ours"][1] for r in results + scale] + [r["increment"][1] for r in scale]
    met = "met" if min(ratios) >= 5 else "not met"
    sizes = sorted((r["raw_mb"], r["base"][0] / r["ours"][0]) for r in results)
    from_mb = next(
        (mb for i, (mb, _) in enumerate(sizes) if all(x >= 5 for _, x in sizes[i:])), None
    )
    where = (
        f" (it is met from {from_mb:.0f} MB of JSON up: below that, start-up and, over many "
        "files, per-file work weigh more)"
        if from_mb is not None and met == "not met"
        else ""
    )
    largest = max(r["raw_mb"] for r in results + scale)
    under = "under" if max(peaks) < 900 else "just under" if max(peaks) < 1000 else "not under"
    lines += [
        "",
        "### Reading the numbers",
        "",
        f"- The goal set in issue 2 is at least 5× the baseline's throughput with flat memory. "
        f"This run: {min(ratios):.2f}× to {max(ratios):.2f}× the baseline, so the goal is {met}"
        f"{where}; "
        f"the DuckDB path is {min(paths):.2f}× to {max(paths):.2f}× the Python path. Peak RSS "
        f"is between {min(peaks):.0f} and {max(peaks):.0f} MB for inputs up to {largest:.0f} MB "
        f"of JSON, {under} 1,000 MB.",
        *([paired] if paired else []),
        "- How the DuckDB path works (README, *Two paths, one result*): the documents are cut "
        "out of the bytes by a structural scan in C (`bestvalue.ocds._scan`; numpy where it "
        "is not built), which also gives each document a key of its structure, for a file "
        "larger than one piece (8 MB) by a thread that reads ahead while DuckDB parses and "
        "checks the batch before (32 MB), from Arrow batches so that it runs on both cores; "
        "DuckDB computes the structure of one document per key, and the checks run once per "
        "structure; the staged documents go to Parquet, DuckDB's partitioned COPY splits them "
        "by process into parts of up to 50,000 documents (two at least from 10,000), and the "
        "plain processes are merged and typed in SQL, two parts at once, one DuckDB thread "
        "each, nested rows assembled in Arrow. Whatever the SQL cannot vouch for goes to the "
        "Python reader and merge (none of the synthetic data does).",
        "- Memory: the parsing and compiling run in a DuckDB of their own, outside the "
        "warehouse's transaction, capped by `BESTVALUE_DUCKDB_MEMORY_LIMIT` (512MB by default); "
        "the warehouse's DuckDB, whose steps over every document of the run are narrow "
        "(duplicates, the latest document per release id, the commit), has half of it during "
        "an ingest, and the whole of it back for the deletes of updated processes and the "
        "COMMIT. Both spill to disk beyond their cap. Batches, parts, the split of the "
        "documents into parts and Parquet row groups are bounded in rows and in bytes; the "
        "compiled rows reach the commit in row groups of up to 16,384 rows, because each scan "
        "of that file holds the metadata of all its row groups and the commit scans it several "
        "times at once (at 2,048 rows, the 6 GB commit peaked near 975 MB). The rest "
        "of the peak is outside DuckDB's buffers: the process itself (about 180 MB with its "
        "libraries and an open warehouse), Arrow batches, and what DuckDB's operators allocate "
        "beside their buffers.",
        "- A small ingest into a large warehouse (the last row, when the run has one) reads "
        "only the stored documents of the processes it touches for its duplicates, but "
        "choosing the latest documents still scans the stored documents once: that part of "
        "its time grows with the warehouse.",
        "- Where the time goes (measured separately, on the 200 MB package, with both cores "
        "busy most of the time): about 1 s of start-up (imports, opening the warehouse), 35% "
        "staging (scan, parse, checks, Parquet), 45% the SQL compile (choosing the latest "
        "documents, the typed releases, the merge, the Arrow assembly), 20% writing the "
        "warehouse (raw documents, the nested `compiled` table, the derived tables). The "
        "baseline writes nothing and keeps nothing for a later ingest. The small inputs are "
        "furthest from the goal: start-up and the per-file work weigh most there.",
        "- The same on the mixed files of 144 MB (py-spy at 200 Hz, 2026-11-27, 10.1 s in "
        "all): 0.55 s of imports, 0.4 s opening a new warehouse (0.3 s of it importing "
        "pandas, which pyarrow does on building its first table; the ingest no longer does: "
        "see the session of 2026-11-27, night, below), "
        "3.8 s staging, 2.4 s compiling, 3.0 s writing the warehouse, then 0.3 s of exit. "
        "Timed statement by statement again (2026-11-27, later, 9.5 s in all), the commit "
        "took 2.3 s: the raw documents 0.26 s, the compiled rows 0.28 s, the items 0.33 s, the "
        "other tables 0.15 s, and the COMMIT 1.08 s, which is DuckDB's checkpoint (run at the "
        "COMMIT once the write-ahead log would pass `checkpoint_threshold`, 16 MB): it "
        "compresses and writes the strings (FSST and dictionary analysis are a third of it). "
        "With the threshold raised, the COMMIT took 0.38 s and the CHECKPOINT after it 1.08 s. "
        "Forced at the checkpoint, zstd saved 0.17 s for a file 20% larger, no compression "
        "0.3 s for one 2.8 times larger: neither kept. An earlier session's timing (0.04 s "
        "for the COMMIT) did not hold in this run (the cause: the next point). Writing the "
        "compiled rows to Parquet "
        "during the compile takes about 0.5 s; the scratch Parquet files' compression "
        "(snappy, lz4 or none) changed nothing measurable.",
        "- The COMMIT's second second (2026-11-27, later): the raw documents' text is "
        "written in zstd as it is inserted, but each thread's last row group is part full, "
        "and the checkpoint at the COMMIT vacuumed them: merged and wrote them again, in the "
        "default compression (FSST), leaving the first copy as free blocks. On the 144 MB of "
        "mixed files, 3 of the 5 row groups of the text were written twice. An ingest that "
        "replaced no rows (nothing to reclaim) now commits with `max_vacuum_tasks = 0`: the "
        "COMMIT took 0.43 s instead of 0.9, the whole ingest 6.3-6.5 s instead of 7.5-8.7 s, "
        "and the warehouse file 55 MB instead of 86 MB. An ingest that replaces rows vacuums "
        "as before. Inserting the text on one thread (one part-full row group, not two) saved "
        "0.2 s there but cost 0.2 s on the 200 MB package: not kept. "
        "Measured after it on the 1 GB package (2026-11-27): staging 12.4 s (parse 6.5 s, the"
        " checks 1.4 s, writing Parquet 1.6 s), the SQL compile 14 s (typing the releases "
        "with `json_transform` is about a third of its SQL; 17 merge steps of 0.02 to 0.27 "
        "s), the commit 6 s (the nested `compiled` rows 2.3 s, the items 1.5 s, the "
        "documents' text 1.1 s). Tried and not kept: the per-document checks computed while "
        "parsing, rather than on the parsed table (the time moved from one to the other: 34.1"
        " s against 34.2-34.4 s); reading the compiled rows from Arrow IPC rather than "
        "Parquet for the commit (1.74 s against 1.57 s to insert them); forcing a compression"
        " on the compiled rows (uncompressed: 1.29 s against 1.61 s, for a file 7 times "
        "larger).",
        "- Many small files (2026-11-27): each file had a read-ahead thread of its own, and "
        "each staged file's name went to DuckDB by an INSERT of its own. A file of one piece "
        "is now cut in turn, and the names go as one Arrow table: 2,000 files of one release "
        "each, 2.6 to 1.7 s of ingest (the same 2,000 releases in one file: 0.6 s); the 144 MB "
        "of mixed files, 9.1-9.4 to 8.5-8.7 s.",
        "- The memory limit: at 384 MB or 256 MB instead of 512 MB, the 1 GB package ran out "
        "of it (a clear error; nothing was loaded) while its peak RSS fell by only 50 to 95 "
        "MB: most of the peak is not DuckDB's buffers, and 512 MB stays the default.",
        "- Tried and not kept (2026-11-27): on a first ingest, inserting the SQL compile's rows "
        "straight into the warehouse's `compiled` table as they come, rather than writing them "
        "to Parquet for the commit to read. About 5% faster (200 MB: 9.5 to 9.0 s; 3 GB: 136 "
        "to 130 s), but its peak grew with the input (3 GB: 804 to 969 MB; 857 MB with the "
        "warehouse's DuckDB held to a quarter of the limit during the compile), against the "
        "flat memory issue 2 asks for. On the way: an `INSERT ... SELECT` from a registered "
        "Arrow table keeps every table it read until the COMMIT; a relation's `insert_into` "
        "does not.",
        "- The SQL compile of the 200 MB package step by step (2026-11-27, one part at a time, "
        "3.7 s in all): typing the releases (`json_transform`, a second parse of each document "
        "after staging's) 1.2 s, assembling the nested rows in Arrow 0.3 s, and 17 merge steps "
        "of 0.02 to 0.23 s each. No step dominates: what remains between this and the goal is "
        "spread over the whole pipeline. DuckDB reads each document's JSON several times "
        "(`json_valid`, `json()`, `json_structure` and `json_extract_string` while staging, "
        "`json_transform` in the compile), but each read is cheap: on the 200 MB of documents "
        "alone, on both cores, 0.12 to 0.17 s for a parse, 0.38 s for the typed releases, 0.56 "
        "s for the shapes' hashes (`md5(json_structure())`); parsing once would save less than a "
        "second of the 9.",
        "- Session of 2026-11-27, later (a run before this table's): the machine was about "
        "2.3 times slower than the earlier runs' (the same 200 MB ingest took 18 s against 8 "
        "s, the baseline 66 s against 24 s), so its times do not compare with theirs; ratios "
        "compare better, not exactly (the baseline is all Python, bestvalue mostly DuckDB, which a "
        "machine may slow differently: each change below was measured against the code "
        "before it, on this machine). A "
        "perf profile of the 200 MB ingest found no hot spot: DuckDB 58% of the CPU (its JSON "
        "parser under 5%), libc 17% (copies and allocation), the kernel 12% (page faults), "
        "Python 5%. Kept, each measured against the code before it in alternating runs: the "
        "cut documents reach Arrow as one buffer with offsets, not a bytes object each "
        "(cutting the 200 MB package into Arrow: 2.3 to 1.9 s); an input of 10,000 documents "
        "or more is compiled in two parts at least (the 36 MB input was one part, on one "
        "core: 6.6-7.1 s to 5.8-6.4 s); the split into parts is DuckDB's partitioned COPY with "
        "its flush threshold lowered, instead of numpy and pyarrow (1 GB: 5.9 to 3.3 s); on a "
        "first ingest the derived tables read the compiled rows from the warehouse, not the "
        "nested Parquet (the items of the 200 MB package: 0.73 to 0.6 s); the release ids "
        "with copies are found by an aggregate before the window ranks them (0.84 to 0.31 s "
        "over 1.1 M documents). The 1 GB ingest after them (77 s on this machine): staging "
        "35% (the shapes' `json_structure` is about half of the parse: a regular expression "
        "making a skeleton of each document was slower), the SQL compile 45% (typing the "
        "releases a third of each part), the commit 17% (the nested `compiled` rows 5.4 s and "
        "the 3 M items 3.7 s: DuckDB's insert; for the items, zstd forced took a quarter less "
        "time for a file 3.6 times larger, no compression took longer). Tried and not kept: "
        "glibc's malloc thresholds raised, or two arenas (no gain, or slower).",
        "- Session of 2026-11-27, after it (its run, on that slower machine: 3.03× on the 36 MB "
        "of mixed files to 5.30× on the 1 GB package): the 1 GB package took 77.9 s on "
        "that machine at the start, 66.4 s after four changes, each measured against the code "
        "before it: (1) a native scanner in C gives each document a 128-bit key of its "
        "structure (the sequence of distinct paths and JSON types, in order of first "
        "appearance), so DuckDB computes `json_structure` once per key instead of once per "
        "document (it was about 45% of staging's parse; staging 26.2 to 21.1 s), and invalid "
        "JSON is found by `TRY(json())` in the same pass instead of a `json_valid` pass of its "
        "own; (2) the check for a null array element runs its regular expression only on "
        "documents that hold `null` (a CASE: under a NOT, DuckDB evaluated the AND's both "
        "sides on every row; the check query 0.19 to 0.05 s per 100 MB); (3) DuckDB's "
        "threads are divided among the compile's two workers (four threads on two cores had "
        "made the 200 MB compile 7.3-8.0 s against 6.5-7.3 s); (4) the structural scan that "
        "cuts the documents is done by the same C scanner instead of a dozen numpy passes "
        "(cutting the 200 MB package into Arrow 2.4 to 1.6 s). The scanner promises that "
        "documents with one key have one structure; `tests/test_scan.py` checks that on every "
        "real document and on generated ones, and that its brackets are the numpy scan's on "
        "any text; what it does not follow exactly (NaN, trailing commas, integers beyond 64 "
        "bits) gets no key and DuckDB computes that document's structure. Measured and not "
        "kept: reading two pieces further ahead (no gain), parts of 100,000 documents (no "
        "gain). Inserting the nested `compiled` rows is slow whatever their source (Arrow "
        "0.6 s, Parquet 0.73 s for the 44,000 rows of the 200 MB package): DuckDB building "
        "nested vectors.",
        "- Session of 2026-11-27, evening (the run before this table's): another machine, "
        "faster for both pipelines but much faster for the baseline, which is all Python (the "
        "200 MB package: baseline 41.8 s against 72.5 s, bestvalue 10.4 s against 15.1 s), so "
        "the ratios fell although bestvalue's times did (200 MB: 4.79 to 4.01×; 1 GB: 5.30 to "
        "4.45×). On this machine the goal is met at no size. Two changes, each measured "
        "against the code before it: (1) the pass that hashes a file checks its chunks as "
        "UTF-8 on a thread of its own while it hashes them (the 200 MB package's pass: 0.29 to "
        "0.20 s; the other way round overlapped nothing, since the check holds the GIL that "
        "the hashing thread then waits for); (2) the warehouse's row groups are 16,384 rows, "
        "not 32,768: the 44,000 nested `compiled` rows of the 200 MB package filled about one "
        "row group, written on one core (their insert took 1.1-1.5 s, at 16,384 rows 0.56-0.73 "
        "s; the commit of the 200 MB package 2.6-2.9 to 2.0-2.2 s, of the 144 MB of mixed "
        "files 2.0-2.9 to 1.6-1.9 s; the 1 GB warehouse file 347 to 373 MB; the 3 GB package's "
        "peak RSS 821 to 814 MB). Where the 200 MB ingest's time goes now (wall / CPU seconds, "
        "both cores counted, two runs): staging 2.5-3.0 / 4.2-4.8, the compile 4.5-4.8 / "
        "7.7-8.7, the commit 1.7-2.1 / 3.1-3.9, imports 0.4 and the rest about 0.3. The "
        "compile keeps both cores busy; the whole ingest needs 17 to 18 CPU seconds, so even "
        "with both cores busy throughout it would take 8.5 to 9 s, 4.6 to 4.9× this machine's "
        "baseline: the goal at this size needs less work, not only more overlap. The peaks at "
        "3 and 6 GB are 60 MB above the last run's on the other machine; the 3 GB package, run "
        "again with the row groups of before, peaked as high (821 MB). After that run, staging "
        "cuts four pieces ahead, not two, so that the next batch is cut while DuckDB parses "
        "this one (alternating runs: staging of the 200 MB package 2.8-3.3 to 2.5-3.1 s, of "
        "the 1 GB package 14.7-15.3 to 13.1-13.4 s; the 1 GB peak 725-740 to 760-770 MB, the 3 "
        "GB peak unchanged, 811 MB). Tried and not kept: cutting a large plain file while it "
        "is still hashed (nothing staged before its hash is known; the gain was within the "
        "noise: 1 GB staging 9.7-10.9 s against 11.0 s, 200 MB 2.3-2.5 s against 2.2-2.7 s); "
        "forcing `dict_fsst` on the commit (no change) or `dictionary` (a file six times "
        "larger); the compile's parts as uncompressed Parquet, or the staged documents in lz4 "
        "(no gain: snappy writes fastest and the reads are cheap either way).",
        "- Session of 2026-11-27, night (the run before this table's): each pipeline now runs "
        "three times "
        "per input, alternating, and its fastest run is kept (`--repeat`), because single "
        "runs on this machine wandered too far: a single run just before this one, of the same "
        "code, gave 9.3 s against 37.3 s for the 200 MB package (4.04×) where the three "
        "pairs here give 4.68-4.97× (see the paired ratios above). Three changes, measured "
        "against the code before them in alternating runs (medians): (1) the fast path no "
        "longer imports pandas, which pyarrow's conversions (`pa.array`, `to_numpy`, "
        "`from_pylist`, even `combine_chunks` of a column of no chunks) do the first time they "
        "run, at 0.27 s: staging, the SQL compile and the commit build their Arrow arrays from "
        "buffers (`bestvalue.arrays`) and the warehouse's tables are created by DDL, and a test"
        " runs two ingests in a fresh interpreter and requires that pandas was not loaded; (2) "
        "the commit's COMMIT checkpoints whatever its size: below DuckDB's 16 MB threshold a "
        "small ingest's rows went to the write-ahead log, then the CHECKPOINT after it wrote "
        "them again (36 MB of mixed files: COMMIT 0.12 s and CHECKPOINT 0.11 s, against 0.16 s "
        "for a COMMIT that checkpoints; larger ingests write their row groups as they fill and "
        "were not affected); (3) the split counts newlines only in JSON lines, where they "
        "number the documents (a package made a bool array of each 8 MB piece for nothing: "
        "not timed apart; its page faults were about 1% of a profile's samples). (1) and (2) "
        "together: 36 MB of mixed files 2.56 to 2.22 s (six runs each), the 200 MB package "
        "7.46 to 7.26 s (four runs each, within the noise) and its peak RSS 719 to 655 MB; the "
        "peaks at 3 and 6 GB are 65-75 MB below the last run's (748 and 801 MB). Where the 200 "
        "MB ingest's time went on this machine, before them (wall / CPU seconds, both cores "
        "counted): imports 0.25-0.35, staging 1.8-2.1 / 3.0-3.5, the compile 2.9-3.3 / 5.1-5.6,"
        " the commit 1.2-1.3 / 2.2-2.4. A quarter of the CPU is outside DuckDB and Python's "
        "work: the kernel (15%: about 450,000 page faults on fresh memory, 2 s of system time) "
        "and copies. Measured and not kept (no difference beyond the noise, or worse): Arrow's "
        "memory pool as the system allocator or jemalloc instead of mimalloc, mimalloc's purge "
        "delay raised, numpy's huge pages off, DuckDB's allocator flush threshold raised or a "
        "block allocator of 512 MB (the page faults did not fall), a thread importing pandas "
        "at start-up (slower), the compiled rows written uncompressed (0.04 CPU s less), the "
        "typed releases of a part kept in Arrow rather than a DuckDB table (the merge steps "
        "then took longer), row groups of 8,192 rows in the warehouse (the 144 MB commit's "
        "nested rows 0.55 to 0.34 s, but not the 200 MB package's, for files 9-15% larger), "
        "the compiled rows' Parquet in row groups of 16,384 whatever the input's size, so that "
        "a thread fills a warehouse row group (the 144 MB commit's nested rows 0.55 to 0.48 s, "
        "the 200 MB package's 0.43 to 0.55 s).",
        "- Session of 2026-11-27, late (this table's run, on a machine about 1.8 times slower "
        "than the last run's for both pipelines: the 200 MB package 14.2 s against 7.2 s, its "
        "baseline 73.4 s against 34.9 s): the `bestvalue` process (`bestvalue.__main__`) ends "
        "without the interpreter's teardown, once its threads are done, `atexit` has run and "
        "its output is flushed. Freeing every module of pyarrow, DuckDB and numpy one by one "
        "took 0.17-0.21 s after each ingest, whatever its size (timed from `atexit` to the "
        "process's end: 0.02-0.04 s now). It also imports its libraries with the garbage "
        "collector off (the imports: medians of ten alternating runs 0.65 to 0.59 s), and "
        "gives OpenBLAS one "
        "thread (the thread per core it starts spins for work that never comes: importing "
        "numpy took 0.24-0.30 CPU s, then 0.16-0.18). Together, against the code before them "
        "in alternating runs (medians): an ingest of five releases 1.35 to 1.20 s (eight runs "
        "each), 36 MB of mixed files 4.33 to 4.15 s (eight each), the 200 MB package 13.7 to "
        "13.0 s (four each). An ingest of five releases still takes 1.2 s (imports 0.55 s, "
        "opening the warehouse 0.1 s, the ingest 0.5 s, of which 0.2 s is the compile of its "
        "one part): fixed costs, which the small inputs pay in full. Found and not "
        "changed: the steps of one part cost about 0.14 s of planning whatever its size (on "
        "five documents, planning them alone took 0.17 s, running them 0.14 s; turning off "
        "DuckDB's optimizers one at a time changed nothing beyond the noise); inserting the "
        "nested `compiled` rows runs on little more than one core whatever the Parquet's row "
        "groups (the 32,000 rows of the 144 MB input: 0.9-1.1 s and 1.2-1.4 CPU s, with row "
        "groups of 1,000 to 32,000 rows; from a table in memory 0.7-0.9 s, on one core); the "
        "COMMIT of the 36 MB input (0.3-0.38 s) is mostly the 8,000 nested rows of "
        "`compiled` (0.22 s, alone in a warehouse), not compression (uncompressed: 0.29-0.34 "
        "s, for a file twice as large) nor the disk (its `fdatasync` calls: 0.06 s).",
        "- Times on this shared virtual machine differ from run to run, by up to a third; the "
        "ratios of runs made one after the other vary less, but they do (most on the smallest "
        "input, where a second either way counts), hence the fastest of several runs per "
        "pipeline, and the paired ratios beside: compare several runs before reading much "
        "into a small change.",
        "- Both pipelines run with their bytecode compiled beforehand (this machine sets "
        "`PYTHONDONTWRITEBYTECODE`; ocdskit is compiled at install, bestvalue's sources are "
        "compiled by the benchmark first).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100", help="sizes in MB, comma-separated")
    parser.add_argument(
        "--single-sizes", default="", help="sizes in MB of single-package inputs, comma-separated"
    )
    parser.add_argument(
        "--scale-sizes",
        default="",
        help="sizes in MB of single packages loaded by bestvalue alone (memory at scale)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each pipeline per input (--sizes, --single-sizes), alternating; the "
        "fastest is kept",
    )
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help=f"only write {RESULTS.name} again from the last run's measures ({LAST.name})",
    )
    args = parser.parse_args()
    if args.rewrite:
        saved = json.loads(LAST.read_text())
        write(saved["results"], saved["scale"], saved["machine"])
        print(f"Results in {RESULTS}")
        return
    # As an installed package has it: compiled bytecode (else each run compiles its modules).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    results = run([int(s) for s in args.sizes.split(",") if s], repeat=args.repeat)
    results += run(
        [int(s) for s in args.single_sizes.split(",") if s], single=True, repeat=args.repeat
    )
    scale = run_scale([int(s) for s in args.scale_sizes.split(",") if s])
    measured = machine()
    LAST.write_text(json.dumps({"results": results, "scale": scale, "machine": measured}))
    write(results, scale, measured)
    print(f"Results in {RESULTS}")


if __name__ == "__main__":
    main()
