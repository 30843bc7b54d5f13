"""From a compiled release (a JSON dict) to one typed row of the ``compiled`` table.

Lenient by design: the reader has already refused documents whose types are wrong, so here a
missing field is simply null. OCDS 1.0 data (no ``parties``, organisations referenced by
identifier) is brought to the 1.1 shape the tables expect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["normalise"]


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _json(value: Any) -> str | None:
    return None if value in (None, [], {}) else orjson.dumps(value).decode()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [t for t in (_text(v) for v in value) if t] if isinstance(value, list) else []


def _money(value: Any) -> tuple[float | None, str | None]:
    value = _obj(value)
    return _number(value.get("amount")), _text(value.get("currency"))


def _org_id(org: dict[str, Any]) -> str | None:
    """An organisation reference's id; OCDS 1.0 had none, so use its identifier as 1.1 does."""
    if org.get("id") is not None:
        return _text(org["id"])
    ident = _obj(org.get("identifier"))
    if ident.get("id") is None:
        return _text(org.get("name"))
    scheme = _text(ident.get("scheme"))
    return f"{scheme}-{_text(ident['id'])}" if scheme else _text(ident["id"])


def _item(item: dict[str, Any], position: int) -> dict[str, Any]:
    classification = _obj(item.get("classification"))
    unit = _obj(item.get("unit"))
    amount, currency = _money(unit.get("value"))
    return {
        "item_id": _text(item.get("id")),
        "position": position,
        "description": _text(item.get("description")),
        "classification_scheme": _text(classification.get("scheme", classification.get("schema"))),
        "classification_id": _text(classification.get("id")),
        "classification_description": _text(classification.get("description")),
        "additional_classifications": _json(item.get("additionalClassifications")),
        "quantity": _number(item.get("quantity")),
        "unit_name": _text(unit.get("name")),
        "unit_value_amount": amount,
        "unit_value_currency": currency,
    }


def _items(block: dict[str, Any]) -> list[dict[str, Any]]:
    return [_item(item, i) for i, item in enumerate(_list(block.get("items")))]


def _award(award: dict[str, Any]) -> dict[str, Any]:
    amount, currency = _money(award.get("value"))
    suppliers = _list(award.get("suppliers"))
    return {
        "award_id": _text(award.get("id")),
        "status": _text(award.get("status")),
        "date": _date(award.get("date")),
        "value_amount": amount,
        "value_currency": currency,
        "supplier_ids": [i for i in (_org_id(s) for s in suppliers) if i],
        "supplier_names": [n for n in (_text(s.get("name")) for s in suppliers) if n],
        "items": _items(award),
    }


def _contract(contract: dict[str, Any]) -> dict[str, Any]:
    amount, currency = _money(contract.get("value"))
    period = _obj(contract.get("period"))
    return {
        "contract_id": _text(contract.get("id")),
        "award_id": _text(contract.get("awardID")),
        "status": _text(contract.get("status")),
        "date_signed": _date(contract.get("dateSigned")),
        "period_start": _date(period.get("startDate")),
        "period_end": _date(period.get("endDate")),
        "value_amount": amount,
        "value_currency": currency,
        "items": _items(contract),
    }


def _party(party: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    ident = _obj(party.get("identifier"))
    address = _obj(party.get("address"))
    return {
        "party_id": _org_id(party),
        "name": _text(party.get("name")),
        "roles": roles,
        "identifier_scheme": _text(ident.get("scheme")),
        "identifier_id": _text(ident.get("id")),
        "country_name": _text(address.get("countryName")),
        "locality": _text(address.get("locality")),
        "region": _text(address.get("region")),
    }


def _parties(release: dict[str, Any]) -> list[dict[str, Any]]:
    """Parties as published, plus any buyer, procuring entity or supplier they leave out."""
    out = {}
    for party in _list(release.get("parties")):
        row = _party(party, _strings(party.get("roles")))
        out[row["party_id"]] = row
    tender = _obj(release.get("tender"))
    referenced = [
        (_obj(release.get("buyer")), "buyer"),
        (_obj(tender.get("procuringEntity")), "procuringEntity"),
    ]
    referenced += [(t, "tenderer") for t in _list(tender.get("tenderers"))]
    for award in _list(release.get("awards")):
        referenced += [(s, "supplier") for s in _list(award.get("suppliers"))]
    for org, role in referenced:
        key = _org_id(org)
        if not key:
            continue
        row = out.setdefault(key, _party(org, []))
        if role not in row["roles"]:
            row["roles"].append(role)
    return list(out.values())


def _sustainability(tender: dict[str, Any]) -> Any:
    found = {}
    if tender.get("sustainability"):
        found["tender"] = tender["sustainability"]
    lots = {
        _text(lot.get("id")) or str(i): lot["sustainability"]
        for i, lot in enumerate(_list(tender.get("lots")))
        if lot.get("sustainability")
    }
    if lots:
        found["lots"] = lots
    return found


def normalise(release: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """One row of ``compiled``; ``meta`` carries source, country, version and compile method."""
    tender = _obj(release.get("tender"))
    buyer = _obj(release.get("buyer"))
    entity = _obj(tender.get("procuringEntity"))
    tender_amount, tender_currency = _money(tender.get("value"))
    budget_amount, budget_currency = _money(
        _obj(_obj(release.get("planning")).get("budget")).get("amount")
    )
    period = _obj(tender.get("tenderPeriod"))
    awards = [_award(a) for a in _list(release.get("awards"))]
    contracts = [_contract(c) for c in _list(release.get("contracts"))]
    sustainability = _sustainability(tender)
    return {
        **meta,
        "date": _date(release.get("date")),
        "language": _text(release.get("language")),
        "buyer_id": _org_id(buyer) if buyer else None,
        "buyer_name": _text(buyer.get("name")),
        "procuring_entity_id": _org_id(entity) if entity else None,
        "procuring_entity_name": _text(entity.get("name")),
        "tender_id": _text(tender.get("id")),
        "title": _text(tender.get("title")),
        "description": _text(tender.get("description")),
        "status": _text(tender.get("status")),
        "procurement_method": _text(tender.get("procurementMethod")),
        "procurement_method_details": _text(tender.get("procurementMethodDetails")),
        "main_procurement_category": _text(tender.get("mainProcurementCategory")),
        "additional_procurement_categories": _strings(
            tender.get("additionalProcurementCategories")
        ),
        "tender_value_amount": tender_amount,
        "tender_value_currency": tender_currency,
        "budget_amount": budget_amount,
        "budget_currency": budget_currency,
        "tender_start": _date(period.get("startDate")),
        "tender_end": _date(period.get("endDate")),
        "number_of_tenderers": _integer(tender.get("numberOfTenderers")),
        "award_criteria": _text(tender.get("awardCriteria")),
        "award_criteria_details": _text(tender.get("awardCriteriaDetails")),
        "eligibility_criteria": _text(tender.get("eligibilityCriteria")),
        "selection_criteria": _json(tender.get("selectionCriteria")),
        "award_criteria_extension": _json(
            {
                k: v
                for k, v in tender.items()
                if k.startswith("awardCriteria") and isinstance(v, dict | list)
            }
        ),
        "other_requirements": _json(tender.get("otherRequirements")),
        "has_sustainability": bool(sustainability),
        "sustainability": _json(sustainability),
        "award_count": len(awards),
        "contract_count": len(contracts),
        "tender_items": _items(tender),
        "awards": awards,
        "contracts": contracts,
        "parties": _parties(release),
    }
