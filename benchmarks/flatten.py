"""The ingest benchmark's baseline flatten: compiled releases (JSON lines, as ``ocdskit compile``
prints them) on standard input, to CSV files of the tables bestvalue builds, in plain Python.

    ocdskit compile ... | python benchmarks/flatten.py OUTPUT_DIR

Why a flatten that writes: the issue names the baseline "``ocdskit compile`` plus a plain-Python
flatten of the same data", which is what an analyst without bestvalue writes to get tables to
query. It writes ``processes``, ``items`` (tender, award and contract stage), ``awards``,
``contracts`` and ``parties`` with the main columns of ``docs/warehouse.md``, nested values as
JSON text, and no typing, checking or keeping of the documents (which bestvalue does). The row
counts go to standard error.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

COLUMNS = {
    "processes": "ocid date language buyer_id buyer_name procuring_entity_id "
    "procuring_entity_name tender_id title description status procurement_method "
    "procurement_method_details main_procurement_category tender_value_amount "
    "tender_value_currency budget_amount budget_currency tender_start tender_end "
    "number_of_tenderers award_criteria award_criteria_details eligibility_criteria "
    "award_count contract_count",
    "items": "ocid stage award_id contract_id item_id position description "
    "classification_scheme classification_id classification_description "
    "additional_classifications quantity unit_name unit_value_amount unit_value_currency",
    "awards": "ocid award_id status date value_amount value_currency supplier_ids supplier_names",
    "contracts": "ocid contract_id award_id status date_signed period_start period_end "
    "value_amount value_currency",
    "parties": "ocid party_id name roles",
}


def get(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]...``, or None where an object is missing."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def as_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def process_row(r: dict[str, Any]) -> dict[str, Any]:
    t = r.get("tender") or {}
    return {
        "ocid": r["ocid"],
        "date": r.get("date"),
        "language": r.get("language"),
        "buyer_id": get(r, "buyer", "id"),
        "buyer_name": get(r, "buyer", "name"),
        "procuring_entity_id": get(t, "procuringEntity", "id"),
        "procuring_entity_name": get(t, "procuringEntity", "name"),
        "tender_id": t.get("id"),
        "title": t.get("title"),
        "description": t.get("description"),
        "status": t.get("status"),
        "procurement_method": t.get("procurementMethod"),
        "procurement_method_details": t.get("procurementMethodDetails"),
        "main_procurement_category": t.get("mainProcurementCategory"),
        "tender_value_amount": get(t, "value", "amount"),
        "tender_value_currency": get(t, "value", "currency"),
        "budget_amount": get(r, "planning", "budget", "amount", "amount"),
        "budget_currency": get(r, "planning", "budget", "amount", "currency"),
        "tender_start": get(t, "tenderPeriod", "startDate"),
        "tender_end": get(t, "tenderPeriod", "endDate"),
        "number_of_tenderers": t.get("numberOfTenderers"),
        "award_criteria": t.get("awardCriteria"),
        "award_criteria_details": t.get("awardCriteriaDetails"),
        "eligibility_criteria": t.get("eligibilityCriteria"),
        "award_count": len(r.get("awards") or []),
        "contract_count": len(r.get("contracts") or []),
    }


def item_rows(
    ocid: str, stage: str, items: Any, award: Any = None, contract: Any = None
) -> Iterator[dict[str, Any]]:
    for position, i in enumerate(items or []):
        yield {
            "ocid": ocid,
            "stage": stage,
            "award_id": award,
            "contract_id": contract,
            "item_id": get(i, "id"),
            "position": position,
            "description": get(i, "description"),
            "classification_scheme": get(i, "classification", "scheme"),
            "classification_id": get(i, "classification", "id"),
            "classification_description": get(i, "classification", "description"),
            "additional_classifications": as_json(get(i, "additionalClassifications")),
            "quantity": get(i, "quantity"),
            "unit_name": get(i, "unit", "name"),
            "unit_value_amount": get(i, "unit", "value", "amount"),
            "unit_value_currency": get(i, "unit", "value", "currency"),
        }


def award_row(ocid: str, a: dict[str, Any]) -> dict[str, Any]:
    suppliers = a.get("suppliers") or []
    return {
        "ocid": ocid,
        "award_id": a.get("id"),
        "status": a.get("status"),
        "date": a.get("date"),
        "value_amount": get(a, "value", "amount"),
        "value_currency": get(a, "value", "currency"),
        "supplier_ids": as_json([get(s, "id") for s in suppliers]),
        "supplier_names": as_json([get(s, "name") for s in suppliers]),
    }


def contract_row(ocid: str, c: dict[str, Any]) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "contract_id": c.get("id"),
        "award_id": c.get("awardID"),
        "status": c.get("status"),
        "date_signed": c.get("dateSigned"),
        "period_start": get(c, "period", "startDate"),
        "period_end": get(c, "period", "endDate"),
        "value_amount": get(c, "value", "amount"),
        "value_currency": get(c, "value", "currency"),
    }


def rows(r: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) of every row one compiled release gives."""
    ocid = r["ocid"]
    yield "processes", process_row(r)
    for row in item_rows(ocid, "tender", get(r, "tender", "items")):
        yield "items", row
    for a in r.get("awards") or []:
        yield "awards", award_row(ocid, a)
        for row in item_rows(ocid, "award", a.get("items"), a.get("id")):
            yield "items", row
    for c in r.get("contracts") or []:
        yield "contracts", contract_row(ocid, c)
        for row in item_rows(ocid, "contract", c.get("items"), c.get("awardID"), c.get("id")):
            yield "items", row
    for p in r.get("parties") or []:
        roles = as_json(p.get("roles"))
        yield (
            "parties",
            {"ocid": ocid, "party_id": p.get("id"), "name": p.get("name"), "roles": roles},
        )


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    files = {t: (out / f"{t}.csv").open("w", newline="", encoding="utf-8") for t in COLUMNS}
    writers = {t: csv.DictWriter(files[t], COLUMNS[t].split()) for t in COLUMNS}
    counts = dict.fromkeys(COLUMNS, 0)
    for writer in writers.values():
        writer.writeheader()
    for line in sys.stdin:
        for table, row in rows(json.loads(line)):
            writers[table].writerow(row)
            counts[table] += 1
    for file in files.values():
        file.close()
    print(counts, file=sys.stderr)


if __name__ == "__main__":
    main()
