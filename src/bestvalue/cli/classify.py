"""``bestvalue classify``: put every item in a UNSPSC category, or say it is unclassified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..categories.classify import classify
from ..categories.evaluate import evaluate
from ..categories.model import DEFAULT_THRESHOLD
from .common import PhaseProgress, console, open_from, render, warehouse_options

GOAL = 0.9


@click.command("classify")
@click.option(
    "--evaluate",
    "run_evaluation",
    is_flag=True,
    help="Cross-validate the text classifier on the coded items instead of classifying.",
)
@click.option(
    "--crosswalk",
    "crosswalks",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV mapping a local scheme to UNSPSC (columns scheme, code, unspsc, basis). Repeatable.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Share of agreeing neighbours below which the model abstains.",
)
@warehouse_options
def command(
    run_evaluation: bool, crosswalks: tuple[Path, ...], threshold: float, **options: Any
) -> None:
    """Classify every item: publisher codes, then crosswalks, then the text model."""
    with open_from(options) as warehouse:
        if run_evaluation:
            _evaluate(warehouse, crosswalks)
            return
        with PhaseProgress() as progress:
            report = classify(
                warehouse, crosswalks=crosswalks, threshold=threshold, progress=progress
            )
        items = warehouse.table("items")
        counts = (
            items.group_by("category_method")
            .aggregate(items=items.count())
            .order_by("category_method")
        )
        console.print(f"Classified {report.keys:,} distinct item keys (threshold {threshold}).")
        render(counts.to_pyarrow(), "table")


def _evaluate(warehouse: Any, crosswalks: tuple[Path, ...]) -> None:
    result = evaluate(warehouse, crosswalks)
    console.print(
        f"{result.examples:,} coded items ({result.distinct_texts:,} distinct texts), "
        f"{result.folds}-fold cross-validation grouped by text."
    )
    if not result.results:
        console.print("Not enough coded items to evaluate.")
        return
    rows = [
        {
            "threshold": r.threshold,
            "coverage": round(r.coverage, 3),
            "segment_accuracy": None
            if r.segment_accuracy is None
            else round(r.segment_accuracy, 3),
            "family_accuracy": None if r.family_accuracy is None else round(r.family_accuracy, 3),
            "answered": r.answered,
        }
        for r in result.results
    ]
    render(pa.Table.from_pylist(rows), "table")
    best = result.best_threshold(GOAL)
    if best is None:
        console.print(f"No threshold reaches {GOAL:.0%} segment accuracy on these items.")
    else:
        console.print(f"Segment accuracy reaches {GOAL:.0%} from threshold {best}.")
