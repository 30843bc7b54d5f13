"""The core's answers for one agency: spend, priorities and the assessment files."""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from ... import open_warehouse, spend
from ...categories import ensure_classified, needs_classifying
from ...errors import BestValueError
from ...frames import records
from ...reports import assess
from ...risk import prioritise
from ...warehouse.retag import follow_country, other_country_files
from .models import Agency

__all__ = [
    "NoData",
    "assessment_file",
    "chart_svg",
    "forget",
    "warm",
    "priorities",
    "priority_records",
    "spend_table",
    "value_chain_svg",
]

FORMATS = {"html": "report.html", "pdf": "report.pdf", "xlsx": "assessment.xlsx"}
MEMO_SIZE = 256  # computed results kept per process (tables, rankings, SVGs), newest first


class NoData(Exception):
    """The agency has no warehouse yet, or it is being written."""


def _open(agency: Agency) -> Any:
    """The agency's warehouse, read-only so that several server processes can read it at once
    (the ingest job classifies what it loads; a warehouse loaded before that is classified
    here once, and one loaded before the agency's country was corrected is given it here)."""
    if not agency.warehouse_path.exists():
        raise NoData(_("No data loaded yet."))
    try:
        wh = open_warehouse(agency.warehouse_path, read_only=True)
        if needs_classifying(wh) or other_country_files(wh, agency.country):
            wh.close()
            with open_warehouse(agency.warehouse_path) as writable:
                follow_country(writable, agency.country)
                ensure_classified(writable)
            wh = open_warehouse(agency.warehouse_path, read_only=True)
        return wh
    except BestValueError as exc:
        raise NoData(_("The data is being loaded; try again in a moment.")) from exc


_MEMO: OrderedDict[str, Any] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def forget() -> None:
    """Drop everything computed (tests; an administrator after changing reference data)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def _cached(agency: Agency, name: str, compute: Callable[[], Any]) -> Any:
    """What the core computed from this agency's warehouse, kept until the warehouse changes
    (its file's modification time is in the key): in this process as objects (reading it is the
    hot path), and on disk beside the warehouse, so every server process and worker shares what
    one computed (the ingest job computes the dashboards' share before it reports done)."""
    if not agency.warehouse_path.exists():
        raise NoData(_("No data loaded yet."))
    stamp = agency.warehouse_path.stat().st_mtime_ns
    name = f"{agency.country}-{name}"  # what was computed for the country it had is not shown
    key = f"{agency.pk}:{stamp}:{name}"
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    value = _from_disk(agency, stamp, name)
    if value is None:
        try:
            value = compute()
        except BestValueError as exc:  # e.g. no spend for the agency's country in its data
            raise NoData(str(exc)) from exc
        _to_disk(agency, stamp, name, value)
    with _MEMO_LOCK:
        _MEMO[key] = value
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def _disk_path(agency: Agency, stamp: int, name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    return agency.folder / "computed" / f"{stamp}-{safe}.pickle"


def _from_disk(agency: Agency, stamp: int, name: str) -> Any:
    """Only files this application wrote, in the agency's own data folder, are read back."""
    path = _disk_path(agency, stamp, name)
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, see above
    except (OSError, pickle.UnpicklingError, EOFError):
        return None


def _to_disk(agency: Agency, stamp: int, name: str, value: Any) -> None:
    path = _disk_path(agency, stamp, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("*.pickle"):  # results of an older warehouse
        if not old.name.startswith(f"{stamp}-"):
            old.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
    with partial.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def warm(agency: Agency) -> None:
    """Compute what the dashboard shows first, so no visitor waits for it."""
    for compute in (lambda: spend_table(agency), lambda: priorities(agency)):
        try:
            compute()
        except NoData:
            return


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


PRIORITY_COLUMNS = [
    "rank",
    "category_code",
    "category_name_en",
    "category_name_es",
    "amount",
    "score",
    "rank_p5",
    "rank_p95",
    "reason_en",
    "reason_es",
]


def priority_records(agency: Agency) -> list[dict[str, Any]]:
    """The ranking as the API returns it (converted once per warehouse version)."""
    return _cached(  # type: ignore[no-any-return]
        agency, "priorities:records", lambda: records(priorities(agency), PRIORITY_COLUMNS)
    )


def chart_svg(agency: Agency, kind: str, lang: str) -> bytes:
    """The risk-versus-spend chart or the heat map of the agency's categories, as SVG."""
    from ...risk.charts import heat_map, risk_spend

    draw = {"risk-spend": risk_spend, "heatmap": heat_map}[kind]

    def compute() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "chart.svg"
            draw(priorities(agency), str(target), lang)
            return target.read_bytes()

    return _cached(agency, f"chart:{kind}:{lang}", compute)  # type: ignore[no-any-return]


def value_chain_svg(agency: Agency, code: str, lang: str) -> bytes:
    from ...risk import supplier_countries
    from ...risk.valuechain import render, value_chain

    def compute() -> bytes:
        with _open(agency) as wh:
            suppliers = supplier_countries(wh, code, country=agency.country)
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "chain.svg"
            render(value_chain(code, suppliers), str(target), lang)
            return target.read_bytes()

    return _cached(agency, f"chain:{code}:{lang}", compute)  # type: ignore[no-any-return]


def assessment_file(agency: Agency, lang: str, fmt: str) -> Path:
    """The assessment in ``lang``, written again when the data changed since the last one (or
    the agency's country, corrected: each country's in a folder of its own)."""
    out = agency.folder / f"assessment-{agency.country}-{lang}"
    target = out / FORMATS[fmt]
    if target.exists() and target.stat().st_mtime >= agency.warehouse_path.stat().st_mtime:
        return target
    with _open(agency) as wh:
        assess([], agency.country, wh, out=out, lang=lang, draws=500)
    return target
