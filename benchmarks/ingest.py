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
LAST = ROOT / "benchmarks/last-run.json"  # the last run's measures, kept to write the results again
RESULTS = ROOT / "docs/benchmarks.md"
LOG = ROOT / "docs/benchmarks-log.md"  # the tuning log: each session's measures, kept or not
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


def generate_one_process(folder: Path, seed: int = 7) -> Path:
    """A release package of one process's five releases: what both pipelines cost whatever the
    input (starting, importing, setting up), measured apart (see run_fixed)."""
    if _cached(folder):
        return folder
    package = {"uri": "bench", "version": "1.1", "releases": _process(random.Random(seed), 0)}
    (folder / "part-00000.json").write_text(json.dumps(package, ensure_ascii=False))
    (folder / "DONE").write_text("1")
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


# The baseline's flatten (plain Python, to CSV files of the tables; see its docstring), and where
# it writes them (emptied after each run).
FLATTEN = Path(__file__).with_name("flatten.py")
FLAT = CACHE / "flat"


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
        ours_runs, base_runs = _pairs(folder, warehouse, repeat)
        ours, base = _best(ours_runs), _best(base_runs)
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


def _pairs(
    folder: Path, warehouse: Path, repeat: int
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """``repeat`` runs of each pipeline on ``folder``, alternating: bestvalue's, the baseline's
    (each a time and a peak RSS)."""
    bestvalue = Path(sys.executable).with_name("bestvalue")
    ocdskit = Path(sys.executable).with_name("ocdskit")
    ours_runs, base_runs = [], []
    for _ in range(repeat):
        warehouse.unlink(missing_ok=True)
        command = f"{bestvalue} ingest {folder} --warehouse {warehouse} > /dev/null 2>&1"
        ours_runs.append(_measure(command))
        base_runs.append(
            _measure(
                f"{_as_packages(folder)} | {ocdskit} compile --schema {SCHEMA} "
                f"| {sys.executable} {FLATTEN} {FLAT} 2>/dev/null"
            )
        )
        shutil.rmtree(FLAT, ignore_errors=True)
    warehouse.unlink(missing_ok=True)
    return ours_runs, base_runs


def run_fixed(repeat: int) -> dict:
    """Both pipelines on one process's five releases: the time each takes whatever its input
    (the interpreter, its imports, setting up and closing), which weighs most on the smallest
    inputs. Fastest of ``repeat`` runs each, alternating."""
    ours_runs, base_runs = _pairs(
        generate_one_process(CACHE / "one-process"), CACHE / "w-fixed.duckdb", max(repeat, 3)
    )
    ours, base = _best(ours_runs), _best(base_runs)
    print(f"fixed cost: bestvalue {ours[0]:.2f} s, baseline {base[0]:.2f} s", flush=True)
    return {"ours": ours, "base": base}


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


def _by_shape(results: list[dict]) -> str:
    """Where the goal is met and where not, shape by shape (their sizes differ: a ratio depends
    on both)."""
    said = []
    for shape in dict.fromkeys(r["shape"] for r in results):
        runs = sorted(
            (r["raw_mb"], r["base"][0] / r["ours"][0]) for r in results if r["shape"] == shape
        )
        label = "the single packages" if shape == "one package" else f"the {shape}"
        met = ", ".join(f"{mb:.0f} MB ({x:.2f}×)" for mb, x in runs if x >= 5)
        missed = ", ".join(f"{mb:.0f} MB ({x:.2f}×)" for mb, x in runs if x < 5)
        if met and missed:
            said.append(f"on {label}, met at {met}, not at {missed}")
        else:
            said.append(f"{'met' if met else 'not met'} on {label}: {met or missed}")
    return "; ".join(said)


NOTES = Path(__file__).with_name("ingest-notes.md")  # what holds now, under the results
LOG_NOTES = Path(__file__).with_name("ingest-log.md")  # the tuning log's bullets


def notes(path: Path = NOTES) -> list[str]:
    """The bullets of a notes file (less its comment), one line each."""
    text = path.read_text(encoding="utf-8").split("-->", 1)[-1]
    return [" ".join(p.split()) for p in text.strip().split("\n\n")]


def log() -> str:
    """``docs/benchmarks-log.md``: the tuning log, oldest first."""
    lines = [
        "# Ingest benchmark: the tuning log",
        "",
        "What each session that tuned `bestvalue ingest` measured, what it kept and what it "
        "measured and did not keep, with the numbers, oldest first. Each change was measured "
        "against the code before it, in alternating runs on the same machine; times from "
        "different sessions do not compare (the machines differed by up to 2.3 times), ratios "
        "to the baseline compare better. The results and what holds now: "
        "[benchmarks.md](benchmarks.md).",
        "",
        *notes(LOG_NOTES),
        "",
    ]
    return "\n".join(lines)


def _fixed_line(results: list[dict], fixed: dict | None) -> list[str]:
    """What both pipelines cost whatever the input, and the ratios of the time beyond it."""
    if not fixed:
        return []
    ours, base = fixed["ours"][0], fixed["base"][0]
    beyond = "; ".join(
        f"{r['raw_mb']:.0f} MB {(r['base'][0] - base) / (r['ours'][0] - ours):.2f}×"
        for r in results
    )
    return [
        "- What each pipeline costs whatever its input, measured in this run on one process's "
        "five releases (starting Python, importing its libraries, setting up and closing; the "
        f"fastest of three runs): bestvalue {ours:.2f} s, the baseline {base:.2f} s, a ratio "
        f"of {base / ours:.2f}×. It weighs most on the smallest input. Less that cost on both "
        f"sides, the ratios would be: {beyond} (for reading only: the goal is judged on the "
        "whole runs above)."
    ]


def write(results: list[dict], scale: list[dict], measured: str, fixed: dict | None = None) -> None:
    for path, text in render(results, scale, measured, fixed).items():
        path.write_text(text, encoding="utf-8")


def render(
    results: list[dict], scale: list[dict], measured: str, fixed: dict | None = None
) -> dict[Path, str]:
    """The text of ``docs/benchmarks.md`` and of the tuning log, from a run's measures (and the
    pipelines' fixed cost, when the run measured it)."""
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
        "in Python) on the same files, piped to a plain-Python flatten "
        "(`benchmarks/flatten.py`) that writes the rows of `processes`, `items`, `awards`, "
        "`contracts` and `parties` to CSV files (the same rows as bestvalue's tables: "
        "`tests/test_bench_flatten.py`), but keeps no documents, types and checks nothing and "
        "builds no warehouse. Peak RSS is that of the largest process of each "
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
    where = f" ({_by_shape(results)})" if met == "not met" else ""
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
        *_fixed_line(results, fixed),
        *notes(),
        "- What each session that tuned the ingest measured, kept and did not keep: "
        "[the tuning log](benchmarks-log.md).",
        "",
    ]
    return {RESULTS: "\n".join(lines), LOG: log()}


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
        help=f"only write {RESULTS.name} and {LOG.name} again from the last run's measures "
        f"({LAST.name}) and the notes",
    )
    args = parser.parse_args()
    if args.rewrite:
        if not LAST.exists():  # (kept in the cache until 2026-11-28, which a new clone lacks)
            raise SystemExit(f"{LAST} is not there: run the benchmark once to make it")
        saved = json.loads(LAST.read_text())
        write(saved["results"], saved["scale"], saved["machine"], saved.get("fixed"))
        print(f"Results in {RESULTS}, the tuning log in {LOG}")
        return
    # As an installed package has it: compiled bytecode (else each run compiles its modules).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    fixed = run_fixed(args.repeat)
    results = run([int(s) for s in args.sizes.split(",") if s], repeat=args.repeat)
    results += run(
        [int(s) for s in args.single_sizes.split(",") if s], single=True, repeat=args.repeat
    )
    scale = run_scale([int(s) for s in args.scale_sizes.split(",") if s])
    measured = machine()
    saved = {"results": results, "scale": scale, "machine": measured, "fixed": fixed}
    LAST.write_text(json.dumps(saved, indent=1) + "\n")
    write(results, scale, measured, fixed)
    print(f"Results in {RESULTS}, the tuning log in {LOG}")


if __name__ == "__main__":
    main()
