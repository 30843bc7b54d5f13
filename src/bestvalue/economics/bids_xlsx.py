"""Bids as a workbook a procurer fills: the tender's rules, its criteria, and one row per bid.

Why fixed sheets: an evaluation committee keeps its scores in a spreadsheet; with three named
sheets (``tender``, ``criteria``, ``bids``) the file reads back exactly, and a wrong cell is
named by sheet and cell.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..messages import message
from ..userfiles import open_workbook

__all__ = ["TEMPLATE", "read_workbook", "write_template"]

# An illustrative tender: the weights and bounds are the buyer's to set (they are not advice).
TEMPLATE: dict[str, Any] = {
    "title": "Bid evaluation with responsible-business-conduct criteria",
    "price_formula": "linear",
    "price_bounds": [80000, 160000],
    "price_weight": 0.5,
    "minimum_quality": 0.5,
    "criteria": [
        {"id": "technical", "name": "Technical quality", "weight": 0.2, "max": 10, "minimum": 4},
        {
            "id": "transparency",
            "name": "Supply-chain transparency",
            "weight": 0.15,
            "max": 10,
            "minimum": 3,
            "rbc": True,
        },
        {
            "id": "due_diligence",
            "name": "Human-rights due diligence plan",
            "weight": 0.1,
            "max": 10,
            "rbc": True,
        },
        {
            "id": "remediation",
            "name": "Worker remediation commitments",
            "weight": 0.05,
            "max": 10,
            "rbc": True,
        },
    ],
    "bids": [
        {
            "bidder": "Bidder A",
            "price": 100000,
            "scores": {"technical": 8, "transparency": 6, "due_diligence": 5, "remediation": 4},
        },
    ],
}
SETTINGS = {
    "title": "A name for this evaluation.",
    "price_formula": "linear (between the bounds below; cannot reverse ranks) or "
    "relative_to_lowest (lowest price / this price; can).",
    "price_low": "linear: the price that earns all the price points.",
    "price_high": "linear: the price that earns none.",
    "price_weight": "Share of the total for price (price weight + criteria weights = 1).",
    "minimum_quality": "Share of the quality points a bid needs to stay in (0 to 1).",
}
CRITERIA = ["id", "name", "weight", "max", "minimum", "rbc"]


def write_template(tender: dict[str, Any] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = tender or TEMPLATE
    wb = Workbook()
    rules = wb.active
    rules.title = "tender"
    rules.append(["setting", "value", "what it means"])
    low, high = (t.get("price_bounds") or [None, None])[:2]
    values = t | {"price_low": low, "price_high": high}
    for key, meaning in SETTINGS.items():
        rules.append([key, values.get(key), meaning])
    criteria = wb.create_sheet("criteria")
    criteria.append(CRITERIA)
    for c in t["criteria"]:
        criteria.append([c.get(k, "" if k != "rbc" else False) for k in CRITERIA])
    bids = wb.create_sheet("bids")
    ids = [c["id"] for c in t["criteria"]]
    bids.append(["bidder", "price", *ids])
    for b in t["bids"]:
        bids.append([b["bidder"], b["price"], *(b["scores"].get(i) for i in ids)])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_workbook(path: Path) -> dict[str, Any]:
    wb = open_workbook(path)
    missing = {"tender", "criteria", "bids"} - set(wb.sheetnames)
    if missing:
        raise InputError(
            str(path),
            message("sheets_missing", sheets=", ".join(sorted(missing))),
        )
    tender = _settings(path, wb["tender"])
    tender["criteria"] = _criteria(path, wb["criteria"])
    tender["bids"] = _bids(path, wb["bids"], [c["id"] for c in tender["criteria"]])
    return tender


def _rows(sheet: Any) -> list[tuple[int, dict[str, Any]]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    head = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [
        (n, dict(zip(head, row, strict=False)))
        for n, row in enumerate(rows[1:], start=2)
        if any(v not in (None, "") for v in row)
    ]


def _number(path: Path, sheet: str, cell: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(
            str(path), message("cell_not_number", sheet=sheet, cell=cell, value=repr(value))
        ) from None


def _settings(path: Path, sheet: Any) -> dict[str, Any]:
    found = {str(r["setting"]): (n, r["value"]) for n, r in _rows(sheet) if r.get("setting")}
    out: dict[str, Any] = {"title": found.get("title", (0, ""))[1] or ""}
    out["price_formula"] = str(found.get("price_formula", (0, ""))[1] or "")
    for key in ("price_weight", "minimum_quality"):
        n, value = found.get(key, (0, 0))
        out[key] = _number(path, "tender", f"B{n}", value) if value not in (None, "") else 0.0
    bounds = [found.get(k, (0, None)) for k in ("price_low", "price_high")]
    if all(v not in (None, "") for _, v in bounds):
        out["price_bounds"] = [_number(path, "tender", f"B{n}", v) for n, v in bounds]
    return out


def _criteria(path: Path, sheet: Any) -> list[dict[str, Any]]:
    out = []
    for n, r in _rows(sheet):
        out.append(
            {
                "id": str(r.get("id") or "").strip(),
                "name": str(r.get("name") or r.get("id") or ""),
                "weight": _number(path, "criteria", f"C{n}", r.get("weight")),
                "max": _number(path, "criteria", f"D{n}", r.get("max")),
                "minimum": _number(path, "criteria", f"E{n}", r.get("minimum") or 0),
                "rbc": str(r.get("rbc")).strip().lower() in ("true", "1", "yes", "sí", "si"),
            }
        )
    return out


def _bids(path: Path, sheet: Any, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    columns = "CDEFGHIJKLMNOPQRSTUVWXYZ"
    for n, r in _rows(sheet):
        scores = {}
        for i, cid in enumerate(ids):
            value = r.get(cid)
            if value in (None, ""):
                raise InputError(
                    str(path), message("no_score", cell=f"{columns[i]}{n}", criterion=cid)
                )
            scores[cid] = _number(path, "bids", f"{columns[i]}{n}", value)
        price = _number(path, "bids", f"B{n}", r.get("price"))
        out.append({"bidder": str(r.get("bidder") or f"row {n}"), "price": price, "scores": scores})
    return out
