"""The core's answers for one agency: spend, priorities and the assessment files."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.utils.translation import gettext as _

from ... import open_warehouse, spend
from ...errors import BestValueError
from ...reports import assess
from ...risk import prioritise
from .models import Agency

__all__ = [
    "NoData",
    "assessment_file",
    "chart_svg",
    "priorities",
    "spend_table",
    "value_chain_svg",
]

FORMATS = {"html": "report.html", "pdf": "report.pdf", "xlsx": "assessment.xlsx"}
CACHE_SECONDS = 3600


class NoData(Exception):
    """The agency has no warehouse yet, or it is being written."""


def _open(agency: Agency) -> Any:
    if not agency.warehouse_path.exists():
        raise NoData(_("No data loaded yet."))
    try:
        return open_warehouse(agency.warehouse_path)
    except BestValueError as exc:
        raise NoData(_("The data is being loaded; try again in a moment.")) from exc


def _cached(agency: Agency, name: str, compute: Callable[[], Any]) -> Any:
    """What the core computed from this agency's warehouse, kept until the warehouse changes
    (its file's modification time is in the key), so a page and its charts compute it once."""
    if not agency.warehouse_path.exists():
        raise NoData(_("No data loaded yet."))
    key = f"bestvalue:{agency.pk}:{agency.warehouse_path.stat().st_mtime_ns}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def spend_table(agency: Agency, level: str = "segment", prefix: str = "") -> pd.DataFrame:
    """Spend by category at ``level``, only the categories under ``prefix`` (drill-down)."""

    def compute() -> pd.DataFrame:
        with _open(agency) as wh:
            return spend(wh, ["category"], level=level).table

    table = _cached(agency, f"spend:{level}", compute)
    if prefix:
        table = table[table.category_code.fillna("").str.startswith(prefix)]
    return table.reset_index(drop=True)


def priorities(agency: Agency, top: int = 3) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with _open(agency) as wh:
            return prioritise(wh, agency.country, top=top, draws=500)

    return _cached(agency, f"priorities:{top}", compute)  # type: ignore[no-any-return]


def chart_svg(agency: Agency, kind: str, lang: str) -> bytes:
    """The risk-versus-spend chart or the heat map of the agency's categories, as SVG."""
    from ...risk.charts import heat_map, risk_spend

    draw = {"risk-spend": risk_spend, "heatmap": heat_map}[kind]
    ranked = priorities(agency)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "chart.svg"
        draw(ranked, str(target), lang)
        return target.read_bytes()


def value_chain_svg(agency: Agency, code: str, lang: str) -> bytes:
    from ...risk import supplier_countries
    from ...risk.valuechain import render, value_chain

    with _open(agency) as wh:
        suppliers = supplier_countries(wh, code, country=agency.country)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "chain.svg"
        render(value_chain(code, suppliers), str(target), lang)
        return target.read_bytes()


def assessment_file(agency: Agency, lang: str, fmt: str) -> Path:
    """The assessment in ``lang``, written again when the data changed since the last one."""
    out = agency.folder / f"assessment-{lang}"
    target = out / FORMATS[fmt]
    if target.exists() and target.stat().st_mtime >= agency.warehouse_path.stat().st_mtime:
        return target
    with _open(agency) as wh:
        assess([], agency.country, wh, out=out, lang=lang, draws=500)
    return target
