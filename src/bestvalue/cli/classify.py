"""``bestvalue classify``: put every item in a UNSPSC category, or say it is unclassified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..categories.classify import classify
from ..categories.evaluate import evaluate
from ..categories.model import DEFAULT_THRESHOLD
from ..labels import CATEGORY_METHODS, label
from ..numbers import number, percent, plain
from .common import PhaseProgress, console, lang_option, open_from, render, warehouse_options

GOAL = 0.9
TEXT = {
    "en": {
        "done": "Classified {keys} distinct item keys (threshold {threshold}).",
        "examples": "{examples} coded items ({texts} distinct texts), {folds}-fold "
        "cross-validation grouped by text.",
        "too_few": "Not enough coded items to evaluate.",
        "no_threshold": "No threshold reaches {goal} segment accuracy on these items.",
        "threshold": "Segment accuracy reaches {goal} from threshold {best}.",
        "method": "method",
        "items": "items",
    },
    "es": {
        "done": "Clasificadas {keys} claves de ítem distintas (umbral {threshold}).",
        "examples": "{examples} ítems codificados ({texts} textos distintos), validación "
        "cruzada en {folds} particiones agrupadas por texto.",
        "too_few": "No hay suficientes ítems codificados para evaluar.",
        "no_threshold": "Ningún umbral alcanza un {goal} de acierto por segmento en estos ítems.",
        "threshold": "El acierto por segmento alcanza el {goal} desde el umbral {best}.",
        "method": "método",
        "items": "ítems",
    },
}


# The evaluation's columns, as its table shows them.
COLUMNS = {
    "en": ("threshold", "coverage", "segment_accuracy", "family_accuracy", "answered"),
    "es": ("umbral", "cobertura", "acierto_segmento", "acierto_familia", "respondidos"),
}


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
@lang_option
@warehouse_options
def command(
    run_evaluation: bool,
    crosswalks: tuple[Path, ...],
    threshold: float,
    lang: str,
    **options: Any,
) -> None:
    """Classify every item: publisher codes, then crosswalks, then the text model."""
    with open_from(options) as warehouse:
        if run_evaluation:
            _evaluate(warehouse, crosswalks, lang)
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
            .to_pyarrow()
            .to_pylist()
        )
    t = TEXT[lang]
    console.print(
        t["done"].format(keys=number(report.keys, 0, lang), threshold=plain(threshold, lang))
    )
    rows = [
        {
            t["method"]: label(CATEGORY_METHODS, r["category_method"], lang),
            t["items"]: r["items"],
        }
        for r in counts
    ]
    render(pa.Table.from_pylist(rows), "table", lang=lang)


def _evaluate(warehouse: Any, crosswalks: tuple[Path, ...], lang: str) -> None:
    t = TEXT[lang]
    result = evaluate(warehouse, crosswalks)
    console.print(
        t["examples"].format(
            examples=number(result.examples, 0, lang),
            texts=number(result.distinct_texts, 0, lang),
            folds=result.folds,
        )
    )
    if not result.results:
        console.print(t["too_few"])
        return
    rows = [
        dict(
            zip(
                COLUMNS[lang],
                (
                    r.threshold,
                    _rounded(r.coverage),
                    _rounded(r.segment_accuracy),
                    _rounded(r.family_accuracy),
                    r.answered,
                ),
                strict=True,
            )
        )
        for r in result.results
    ]
    render(pa.Table.from_pylist(rows), "table", lang=lang)
    best = result.best_threshold(GOAL)
    goal = percent(GOAL, 0, lang)
    if best is None:
        console.print(t["no_threshold"].format(goal=goal))
    else:
        console.print(t["threshold"].format(goal=goal, best=plain(best, lang)))


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 3)
