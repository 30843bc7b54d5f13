"""The derived tables as Ibis expressions over ``compiled``: one definition, every engine.

Each function takes the ``compiled`` table (bound to DuckDB or PySpark, or unbound to be compiled
to SQL) and returns the expression of one table. Column order and types follow ``schema.TABLES``.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from .schema import CATEGORY_COLUMNS, COMPILED, ITEM_COLUMNS, PROCESS_COLUMNS, TABLES

__all__ = ["DERIVED", "category_key", "compiled_table", "derive", "with_categories"]

ITEM_FIELDS = [c.name for c in ITEM_COLUMNS]


def compiled_table(name: str = "compiled") -> ir.Table:
    """An unbound ``compiled`` table, to compile the expressions to an engine's SQL."""
    return ibis.table(ibis.Schema.from_pyarrow(COMPILED.arrow), name=name)


def _cast(expr: ir.Table, table: str) -> ir.Table:
    """Select the table's columns in order with their declared types (nulls need a type)."""
    schema = ibis.Schema.from_pyarrow(TABLES[table].arrow)
    return expr.select(*[expr[name].cast(dtype).name(name) for name, dtype in schema.items()])


def processes(c: ir.Table) -> ir.Table:
    return c.select(*[c[col.name] for col in PROCESS_COLUMNS])


def _items_of(rows: ir.Table, struct: str, stage: str, award: ir.Value, contract: ir.Value):
    it = rows[struct]
    return rows.select(
        ocid=rows.ocid,
        stage=ibis.literal(stage),
        award_id=award,
        contract_id=contract,
        **{name: it[name] for name in ITEM_FIELDS},
        **{c.name: ibis.null() for c in CATEGORY_COLUMNS},
    )


def items(c: ir.Table) -> ir.Table:
    null = ibis.null(str)
    tender = c.select(c.ocid, it=c.tender_items.unnest())
    tender_items = _items_of(tender, "it", "tender", null, null)
    award_rows = c.select(c.ocid, a=c.awards.unnest())
    award_rows = award_rows.select(
        award_rows.ocid, award_id=award_rows.a["award_id"], it=award_rows.a["items"].unnest()
    )
    award_items = _items_of(award_rows, "it", "award", award_rows.award_id, null)
    contract_rows = c.select(c.ocid, k=c.contracts.unnest())
    contract_rows = contract_rows.select(
        contract_rows.ocid,
        award_id=contract_rows.k["award_id"],
        contract_id=contract_rows.k["contract_id"],
        it=contract_rows.k["items"].unnest(),
    )
    contract_items = _items_of(
        contract_rows, "it", "contract", contract_rows.award_id, contract_rows.contract_id
    )
    return _cast(tender_items.union(award_items).union(contract_items), "items")


def _unnest_struct(c: ir.Table, column: str, table: str) -> ir.Table:
    rows = c.select(c.ocid, s=c[column].unnest())
    names = [n for n in TABLES[table].arrow.names if n != "ocid"]
    return _cast(rows.select(rows.ocid, **{n: rows.s[n] for n in names}), table)


def awards(c: ir.Table) -> ir.Table:
    return _unnest_struct(c, "awards", "awards")


def contracts(c: ir.Table) -> ir.Table:
    return _unnest_struct(c, "contracts", "contracts")


def parties(c: ir.Table) -> ir.Table:
    return _unnest_struct(c, "parties", "parties")


KEY_SEPARATOR = "\x1f"


def category_key(t: ir.Table) -> ir.StringValue:
    """The fields that decide an item's category, joined: items sharing them share a category.

    The item id counts only when the classification id is missing (Colombia puts the UNSPSC class
    there); otherwise ids are unique per item and would defeat classifying each key once.
    """
    item = ibis.ifelse(t.classification_id.isnull(), t.item_id, ibis.null(str))
    fields = [
        t.classification_scheme,
        t.classification_id,
        item,
        t.description,
        t.classification_description,
        t.additional_classifications,
    ]
    return ibis.literal(KEY_SEPARATOR).join([f.fill_null("") for f in fields])


def with_categories(items: ir.Table, lookup: ir.Table) -> ir.Table:
    """``items`` with its category columns taken from ``item_categories``."""
    names = [c.name for c in CATEGORY_COLUMNS]
    base = items.drop(*names).mutate(_key=category_key(items))
    joined = base.left_join(lookup.select("category_key", *names), base._key == lookup.category_key)
    return _cast(joined, "items")


DERIVED: dict[str, Callable[[ir.Table], ir.Table]] = {
    "processes": processes,
    "items": items,
    "awards": awards,
    "contracts": contracts,
    "parties": parties,
}


def derive(compiled: ir.Table) -> dict[str, ir.Table]:
    """Every derived table's expression over ``compiled``."""
    return {name: build(compiled) for name, build in DERIVED.items()}
