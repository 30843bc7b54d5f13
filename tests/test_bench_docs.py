"""``docs/benchmarks.md`` and its tuning log are what ``benchmarks/ingest.py`` writes from the last
run's measures (``benchmarks/last-run.json``) and the notes beside it: a note edited by hand in the
document, or a note file changed without ``--rewrite``, would leave the two apart."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import ingest  # noqa: E402


def test_the_benchmark_documents_are_what_the_benchmark_writes():
    saved = json.loads(ingest.LAST.read_text(encoding="utf-8"))
    rendered = ingest.render(saved["results"], saved["scale"], saved["machine"], saved.get("fixed"))
    assert set(rendered) == {ROOT / "docs/benchmarks.md", ROOT / "docs/benchmarks-log.md"}
    for path, text in rendered.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} differs: run python benchmarks/ingest.py --rewrite"
        )


def test_the_results_link_the_tuning_log_and_say_where_the_goal_stands():
    results = (ROOT / "docs/benchmarks.md").read_text(encoding="utf-8")
    assert "[the tuning log](benchmarks-log.md)" in results
    assert "the goal is not met" in results or "the goal is met" in results
    log = (ROOT / "docs/benchmarks-log.md").read_text(encoding="utf-8")
    assert log.startswith("# Ingest benchmark: the tuning log")
    assert "Measured and not kept" in log
