"""Classify every item of a warehouse: codes first, then crosswalks, then the text model.

Runs once per distinct classification key (``transform.category_key``), so a warehouse of
millions of items with thousands of distinct descriptions is classified in seconds, then writes
``item_categories`` and rebuilds ``items`` with its four category columns in one replacement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..warehouse.base import Warehouse
from ..warehouse.progress import Progress
from ..warehouse.schema import TABLES
from ..warehouse.transform import KEY_SEPARATOR, category_key, with_categories
from .model import DEFAULT_THRESHOLD, TextClassifier
from .recognise import Crosswalk, ItemKey, Recognition, recognise
from .taxonomy import at_level, level_of, taxonomy

__all__ = ["ClassifyReport", "classify", "coded_examples", "ensure_classified", "needs_classifying"]


Row = tuple[str | None, str | None, float]


@dataclass
class ClassifyReport:
    keys: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    schemes: Counter[str] = field(default_factory=Counter)
    threshold: float = DEFAULT_THRESHOLD


def _keys(wh: Warehouse) -> list[str]:
    items = wh.table("items")
    table = items.select(category_key=category_key(items)).distinct().to_pyarrow()
    return sorted(table.column("category_key").to_pylist())


def _item_key(key: str) -> ItemKey:
    return ItemKey(*key.split(KEY_SEPARATOR))


def coded_examples(recognitions: Sequence[Recognition]) -> tuple[list[str], list[str]]:
    """Texts and family codes of the items placed by their code, to teach the model."""
    texts, families = [], []
    for r in recognitions:
        if r.code and r.text and level_of(r.code) != "segment":
            texts.append(r.text)
            families.append(at_level(r.code, "family"))
    return texts, families


def classify(
    wh: Warehouse,
    *,
    crosswalks: Sequence[str | Path] = (),
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
) -> ClassifyReport:
    """Classify every item of ``wh`` and store the result; safe to run again at any time."""
    progress = progress or Progress()
    walk = Crosswalk.read(crosswalks)
    tax = taxonomy()
    progress.phase("Recognising codes")
    keys = _keys(wh)
    found = [recognise(_item_key(k), walk, tax) for k in keys]
    report = ClassifyReport(keys=len(keys), threshold=threshold)
    pending = [i for i, r in enumerate(found) if r.code is None and r.text]
    rows: dict[int, Row] = {i: (r.code, r.method, 1.0) for i, r in enumerate(found) if r.code}
    if pending:
        progress.phase("Training the text classifier")
        model = TextClassifier(threshold=threshold).fit(*coded_examples(found), tax=tax)
        progress.phase("Classifying text", total=len(pending))
        for i, prediction in zip(
            pending, model.predict([found[i].text for i in pending]), strict=True
        ):
            method = "model" if prediction.code else "none"
            rows[i] = (prediction.code, method, prediction.confidence)
    progress.phase("Writing categories")
    lookup = _lookup(keys, found, rows)
    report.methods.update(lookup.column("category_method").to_pylist())
    report.schemes.update(lookup.column("source_scheme").to_pylist())
    wh.replace(
        {
            "item_categories": lookup,
            "items": with_categories(wh.table("items"), wh.table("item_categories")),
        }
    )
    return report


def _lookup(keys: list[str], found: list[Recognition], rows: dict[int, Row]) -> pa.Table:
    columns: dict[str, list[object]] = {name: [] for name in TABLES["item_categories"].arrow.names}
    for i, (key, r) in enumerate(zip(keys, found, strict=True)):
        code, method, confidence = rows.get(i, (None, "none", 0.0))
        columns["category_key"].append(key)
        columns["category_scheme"].append("UNSPSC" if code else None)
        columns["category_code"].append(str(code) if code else None)
        columns["category_method"].append(method or "none")
        columns["category_confidence"].append(float(confidence))
        columns["source_scheme"].append(r.source_scheme)
        columns["category_note"].append(
            r.note or ("no text to classify" if not r.text and not code else "")
        )
    return pa.table(columns, schema=TABLES["item_categories"].arrow)


def needs_classifying(wh: Warehouse) -> bool:
    """True when some item has not been through ``classify`` (e.g. after an ingest)."""
    items = wh.table("items")
    return bool(items.filter(items.category_method.isnull()).count().to_pyarrow().as_py())


def ensure_classified(
    wh: Warehouse, progress: Progress | None = None, **options: object
) -> ClassifyReport | None:
    """Classify when the warehouse has items not yet classified; otherwise do nothing."""
    return classify(wh, progress=progress, **options) if needs_classifying(wh) else None  # type: ignore[arg-type]
