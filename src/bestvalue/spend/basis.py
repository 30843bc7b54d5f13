"""The spend basis: what counts as money spent, allocated to items, suppliers and categories.

Rules (the ones spend analysts expect, and documented in the README):

- **Actual spend** is the value of contracts that are not ``pending`` or ``cancelled``; a process
  with no such contract counts its awards that are not ``pending``, ``cancelled`` or
  ``unsuccessful``. A process is never counted twice. Null statuses count (many publishers omit
  them).
- **Planned spend** (``basis="planned"``) is the tender's estimated value, reported apart.
- Each contract (or award, or tender) value is split over its own items: the contract's items,
  else its award's items, else the tender's items. When every item has a line value
  (quantity × unit price) the split follows the line values; otherwise it is equal per item
  (``allocation = "equal"``). A value with no items at all stays whole and unclassified.
- An award to several suppliers is split equally among them.

So the allocated amounts of a contract always add up to its value: totals per category add up
to the total spend. Everything is an Ibis expression, so it runs on DuckDB and Spark alike.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..money import convert
from ..warehouse.base import Warehouse

__all__ = ["BASES", "spend_lines"]

BASES = ("actual", "planned")


def _contracts(wh: Warehouse) -> ir.Table:
    c, a = wh.table("contracts"), wh.table("awards")
    c = c.filter(c.status.isnull() | ~c.status.isin(["pending", "cancelled"]))
    a2 = a.select(
        _ocid=a.ocid,
        _aid=a.award_id,
        _adate=a.date,
        supplier_ids=a.supplier_ids,
        supplier_names=a.supplier_names,
    )
    j = c.left_join(a2, [c.ocid == a2._ocid, c.award_id == a2._aid])
    return j.select(
        "ocid",
        basis=ibis.literal("contract"),
        award_id=j.award_id,
        contract_id=j.contract_id,
        amount=j.value_amount,
        currency=j.value_currency,
        date=ibis.coalesce(j.date_signed, j.period_start, j._adate),
        supplier_ids=j.supplier_ids,
        supplier_names=j.supplier_names,
    )


def _awards(wh: Warehouse, contracted: ir.Table) -> ir.Table:
    a = wh.table("awards")
    a = a.filter(a.status.isnull() | ~a.status.isin(["pending", "cancelled", "unsuccessful"]))
    a = a.anti_join(contracted, a.ocid == contracted.ocid)
    return a.select(
        "ocid",
        basis=ibis.literal("award"),
        award_id=a.award_id,
        contract_id=ibis.null(str),
        amount=a.value_amount,
        currency=a.value_currency,
        date=a.date,
        supplier_ids=a.supplier_ids,
        supplier_names=a.supplier_names,
    )


def _planned(wh: Warehouse) -> ir.Table:
    p = wh.table("processes")
    p = p.filter(p.tender_value_amount.notnull())
    return p.select(
        "ocid",
        basis=ibis.literal("tender"),
        award_id=ibis.null(str),
        contract_id=ibis.null(str),
        amount=p.tender_value_amount,
        currency=p.tender_value_currency,
        date=ibis.coalesce(p.tender_start, p.date),
        supplier_ids=ibis.null("array<string>"),
        supplier_names=ibis.null("array<string>"),
    )


def _values(wh: Warehouse, basis: str) -> ir.Table:
    if basis == "planned":
        return _planned(wh)
    contracts = _contracts(wh)
    return contracts.union(_awards(wh, contracts.select("ocid").distinct()))


_ITEM_COLS = (
    "stage",
    "item_id",
    "position",
    "description",
    "category_code",
    "category_method",
    "category_confidence",
)


def _join_key(t: ir.Table, stage: ir.StringValue) -> ir.StringValue:
    """Which items a value owns: its contract's, its award's, or the tender's."""
    return ibis.cases(
        (stage == "contract", "c|" + t.contract_id.fill_null("")),
        (stage == "award", "a|" + t.award_id.fill_null("")),
        else_="t|",
    )


def _item_groups(items: ir.Table) -> ir.Table:
    """Per (ocid, join key): how many items, and whether every one has a line value."""
    line = items.quantity * items.unit_value_amount
    keyed = items.mutate(_jk=_join_key(items, items.stage), _line=line)
    return keyed.group_by(["ocid", "_jk"]).aggregate(
        _n=keyed.count(),
        _ok=(keyed._line.notnull() & (keyed._line > 0)).cast("int32").min(),
        _sum=keyed._line.sum(),
    )


def _choose_items(values: ir.Table, groups: ir.Table) -> ir.Table:
    """Each value's join key: the first of contract, award, tender stage that has items."""
    out = values
    for stage in ("contract", "award", "tender"):
        key = _join_key(out, ibis.literal(stage))
        g = groups.select(_o=groups.ocid, **{f"_{stage}": groups._jk})
        out = out.mutate(**{f"_k_{stage}": key})
        out = out.left_join(g, [out.ocid == g._o, out[f"_k_{stage}"] == g[f"_{stage}"]]).drop("_o")
    chosen = ibis.coalesce(out._contract, out._award, out._tender)
    return out.mutate(_jk=chosen).drop(
        "_k_contract", "_k_award", "_k_tender", "_contract", "_award", "_tender"
    )


def _suppliers(values: ir.Table) -> ir.Table:
    """One row per supplier of each value, with an equal share of it (a value has few)."""
    n = values.supplier_ids.length().fill_null(0)
    idx = ibis.ifelse(n > 0, ibis.range(0, n), ibis.array([ibis.literal(-1)]))
    values = values.mutate(_n=n, _i=idx.unnest())
    has = values._i >= 0
    return values.mutate(
        supplier_id=ibis.ifelse(has, values.supplier_ids[values._i], ibis.null(str)),
        supplier_name=ibis.ifelse(has, values.supplier_names[values._i], ibis.null(str)),
        amount=ibis.ifelse(has, values.amount / values._n, values.amount),
    ).drop("_n", "_i", "supplier_ids", "supplier_names")


def _allocate(values: ir.Table, items: ir.Table, groups: ir.Table) -> ir.Table:
    """Split each value over its items (by line value, else equally); keep item-less ones whole."""
    v = _choose_items(values, groups)
    g = groups.rename(_go="ocid", _gk="_jk")
    v = v.left_join(g, [v.ocid == g._go, v._jk == g._gk]).drop("_go", "_gk")
    its = items.mutate(
        _jk=_join_key(items, items.stage), _line=items.quantity * items.unit_value_amount
    )
    its = its.select(_io=its.ocid, _ik=its._jk, _line=its._line, **{c: its[c] for c in _ITEM_COLS})
    joined = v.inner_join(its, [v.ocid == its._io, v._jk == its._ik])
    by_line = (joined._ok == 1) & (joined._sum > 0)
    share = ibis.ifelse(by_line, joined._line / joined._sum, 1.0 / joined._n)
    money = {c: joined[c] * share for c in ("amount", "amount_usd", "amount_usd_const")}
    split = joined.mutate(allocation=ibis.ifelse(by_line, "line_value", "equal"), **money)
    bare = v.filter(v._jk.isnull()).mutate(
        stage=ibis.null(str),
        item_id=ibis.null(str),
        position=ibis.null("int32"),
        description=ibis.null(str),
        category_code=ibis.null(str),
        category_method=ibis.literal("none"),
        category_confidence=ibis.literal(0.0),
        allocation=ibis.literal("whole"),
    )
    columns = [c for c in bare.columns if not c.startswith("_")]
    return split.select(*columns).union(bare.select(*columns))


def spend_lines(
    wh: Warehouse,
    *,
    basis: str = "actual",
    rates: pa.Table | None = None,
    base_year: int | None = None,
) -> ir.Table:
    """One row per (value, item, supplier) with its allocated amount in its currency and in USD.

    Columns: ocid, basis, award_id, contract_id, currency, date, year, stage, item_id,
    position, description, category_code, category_method, category_confidence, allocation,
    supplier_id, supplier_name, amount, amount_usd, amount_usd_const, fx_status, and the
    process's country, buyer_id, buyer_name, procurement_method, main_procurement_category.
    """
    values = _suppliers(_values(wh, basis))
    p = wh.table("processes")
    proc = p.select(
        _ocid=p.ocid,
        country=p.country,
        buyer_id=p.buyer_id,
        buyer_name=p.buyer_name,
        procurement_method=p.procurement_method,
        main_procurement_category=p.main_procurement_category,
    )
    values = values.left_join(proc, values.ocid == proc._ocid).drop("_ocid")
    values = convert(values.mutate(year=values.date.year()), rates=rates, base_year=base_year)
    items = wh.table("items")
    return _allocate(values, items, _item_groups(items))
