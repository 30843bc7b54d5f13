"""The warehouse's tables, declared as data: every column with its type and meaning.

``docs/warehouse.md`` is generated from this module (``python -m bestvalue.warehouse.schema``) and a
test checks that it is current, so the documentation cannot drift from the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = [
    "COMPILED",
    "DOC_ES",
    "TABLES",
    "Column",
    "Table",
    "columns_sql",
    "describe",
    "empty_sql",
    "render_markdown",
    "sql_type",
]

TS = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def arrow(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])


def _cols(*specs: tuple[str, pa.DataType, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


ITEM_COLUMNS = _cols(
    ("item_id", pa.string(), "The item's id (as a string, whatever the publisher's JSON type)."),
    ("position", pa.int32(), "Position of the item in its array (0-based), to keep order."),
    ("description", pa.string(), "Item description."),
    ("classification_scheme", pa.string(), "`classification.scheme` as published (or `schema`)."),
    ("classification_id", pa.string(), "`classification.id` as published."),
    ("classification_description", pa.string(), "`classification.description`."),
    ("additional_classifications", pa.string(), "`additionalClassifications` as JSON text."),
    ("quantity", pa.float64(), "Quantity."),
    ("unit_name", pa.string(), "Unit of measure name."),
    ("unit_value_amount", pa.float64(), "Unit price amount."),
    ("unit_value_currency", pa.string(), "Unit price currency (ISO 4217)."),
)
ITEM = pa.struct([pa.field(c.name, c.type) for c in ITEM_COLUMNS])
ITEMS = pa.list_(ITEM)

AWARD = pa.struct(
    [
        ("award_id", pa.string()),
        ("status", pa.string()),
        ("date", TS),
        ("value_amount", pa.float64()),
        ("value_currency", pa.string()),
        ("supplier_ids", STRINGS),
        ("supplier_names", STRINGS),
        ("items", ITEMS),
    ]
)
CONTRACT = pa.struct(
    [
        ("contract_id", pa.string()),
        ("award_id", pa.string()),
        ("status", pa.string()),
        ("date_signed", TS),
        ("period_start", TS),
        ("period_end", TS),
        ("value_amount", pa.float64()),
        ("value_currency", pa.string()),
        ("items", ITEMS),
    ]
)
CATEGORY_COLUMNS = _cols(
    ("category_scheme", pa.string(), "UNSPSC when the item is classified, else null."),
    (
        "category_code",
        pa.string(),
        "8-digit UNSPSC code (segment, family, class or commodity; trailing zeros mark the level).",
    ),
    (
        "category_method",
        pa.string(),
        "code (the publisher's code), crosswalk, model (text classifier) or none (unclassified); "
        "null until `bestvalue classify` has run.",
    ),
    ("category_confidence", pa.float64(), "1 for code and crosswalk; the model's vote share."),
)
PARTY_COLUMNS = _cols(
    ("party_id", pa.string(), "The party's id (OCDS 1.0 data: built from its identifier)."),
    ("name", pa.string(), "Name."),
    ("roles", STRINGS, "Roles (buyer, procuringEntity, supplier, tenderer, payer …)."),
    ("identifier_scheme", pa.string(), "Main identifier scheme (e.g. PY-RUC, CO-NIT)."),
    ("identifier_id", pa.string(), "Main identifier id."),
    ("country_name", pa.string(), "`address.countryName` as published."),
    ("locality", pa.string(), "`address.locality`."),
    ("region", pa.string(), "`address.region`."),
)
PARTY = pa.struct([pa.field(c.name, c.type) for c in PARTY_COLUMNS])

PROCESS_COLUMNS = _cols(
    ("ocid", pa.string(), "Open Contracting ID: one row per process."),
    ("source", pa.string(), "The newest input file that contributed to this process."),
    (
        "country",
        pa.string(),
        "ISO 3166-1 alpha-2 country given at ingest (`--country`, or later with `--retag`): its "
        "most recently loaded document's.",
    ),
    ("compiled_by", pa.string(), "How the compiled release was made: publisher, merge, both."),
    ("release_count", pa.int32(), "Number of distinct releases stored for this ocid."),
    ("ocds_version", pa.string(), "OCDS version the package declared (null: not declared, 1.0)."),
    ("date", TS, "Date of the compiled release (the latest release)."),
    ("language", pa.string(), "Default language of the text fields."),
    ("buyer_id", pa.string(), "Buyer's party id."),
    ("buyer_name", pa.string(), "Buyer's name."),
    ("procuring_entity_id", pa.string(), "Procuring entity's party id."),
    ("procuring_entity_name", pa.string(), "Procuring entity's name."),
    ("tender_id", pa.string(), "Tender id."),
    ("title", pa.string(), "Tender title."),
    ("description", pa.string(), "Tender description."),
    ("status", pa.string(), "Tender status."),
    ("procurement_method", pa.string(), "open, selective, limited, direct."),
    ("procurement_method_details", pa.string(), "The method in the publisher's own words."),
    ("main_procurement_category", pa.string(), "goods, works, services."),
    ("additional_procurement_categories", STRINGS, "Additional procurement categories."),
    ("tender_value_amount", pa.float64(), "Tender estimated value (planned spend)."),
    ("tender_value_currency", pa.string(), "Currency of the tender value."),
    ("budget_amount", pa.float64(), "`planning.budget.amount.amount`."),
    ("budget_currency", pa.string(), "`planning.budget.amount.currency`."),
    ("tender_start", TS, "Tender period start."),
    ("tender_end", TS, "Tender period end."),
    ("number_of_tenderers", pa.int32(), "`tender.numberOfTenderers`."),
    ("award_criteria", pa.string(), "`tender.awardCriteria` (e.g. priceOnly, ratedCriteria)."),
    ("award_criteria_details", pa.string(), "`tender.awardCriteriaDetails`."),
    ("eligibility_criteria", pa.string(), "`tender.eligibilityCriteria`."),
    ("selection_criteria", pa.string(), "Selection criteria extension, as JSON text."),
    (
        "award_criteria_extension",
        pa.string(),
        "Award criteria extension (`tender.awardCriteria*` objects, per lot), as JSON text.",
    ),
    ("other_requirements", pa.string(), "Other requirements extension, as JSON text."),
    ("has_sustainability", pa.bool_(), "True when the sustainability extension is used anywhere."),
    ("sustainability", pa.string(), "Sustainability extension fields (tender and lots), JSON."),
    ("award_count", pa.int32(), "Number of awards."),
    ("contract_count", pa.int32(), "Number of contracts."),
)

COMPILED = Table(
    "compiled",
    "One compiled release per ocid, typed and nested: what the Python merge compiles, and the "
    "other tables are derived from. Not stored: the derived tables hold its rows.",
    PROCESS_COLUMNS
    + _cols(
        ("tender_items", ITEMS, "Tender items."),
        ("awards", pa.list_(AWARD), "Awards, with their items and suppliers."),
        ("contracts", pa.list_(CONTRACT), "Contracts, with their items."),
        ("parties", pa.list_(PARTY), "Parties (OCDS 1.0: built from buyer and suppliers)."),
    ),
)

SQL_TYPES = {
    "bool": "BOOLEAN",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "timestamp[us, tz=UTC]": "TIMESTAMPTZ",
}


def columns_sql(schema: pa.Schema | pa.StructType) -> str:
    """The columns of ``schema`` as DuckDB declares them (``CREATE TABLE``)."""
    return ", ".join(f'"{f.name}" {sql_type(f.type)}' for f in schema)


def empty_sql(schema: pa.Schema) -> str:
    """A query of no rows with the columns of ``schema`` (where no Parquet file was written)."""
    columns = ", ".join(f'NULL::{sql_type(f.type)} AS "{f.name}"' for f in schema)
    return f"(SELECT {columns} WHERE false)"


def sql_type(kind: pa.DataType) -> str:
    """DuckDB's name of an Arrow type of the warehouse's tables."""
    if isinstance(kind, pa.ListType):
        return f"{sql_type(kind.value_type)}[]"
    if isinstance(kind, pa.StructType):
        return f"STRUCT({columns_sql(kind)})"
    return SQL_TYPES[str(kind)]


TABLES: dict[str, Table] = {
    "processes": Table(
        "processes",
        "One row per contracting process (ocid): its compiled release.",
        PROCESS_COLUMNS,
    ),
    "items": Table(
        "items",
        "Every item at every stage: tender items, award items, contract items.",
        _cols(
            ("ocid", pa.string(), "Process."),
            ("stage", pa.string(), "tender, award or contract."),
            ("award_id", pa.string(), "The award the item belongs to (award and contract stage)."),
            ("contract_id", pa.string(), "The contract the item belongs to (contract stage)."),
        )
        + ITEM_COLUMNS
        + CATEGORY_COLUMNS,
    ),
    "item_categories": Table(
        "item_categories",
        "The category of every distinct classification key of `items` (written by `bestvalue "
        "classify`; `items` carries the same four columns).",
        (Column("category_key", pa.string(), "The item's classification fields, joined."),)
        + CATEGORY_COLUMNS
        + _cols(
            ("source_scheme", pa.string(), "The scheme recognised in the publisher's data."),
            (
                "category_note",
                pa.string(),
                "Why: which field held the code, the crosswalk's basis.",
            ),
        ),
    ),
    "awards": Table(
        "awards",
        "One row per award.",
        _cols(
            ("ocid", pa.string(), "Process."),
            ("award_id", pa.string(), "Award id."),
            ("status", pa.string(), "pending, active, cancelled, unsuccessful."),
            ("date", TS, "Award date."),
            ("value_amount", pa.float64(), "Awarded value."),
            ("value_currency", pa.string(), "Currency of the awarded value."),
            ("supplier_ids", STRINGS, "Party ids of the suppliers."),
            ("supplier_names", STRINGS, "Names of the suppliers."),
        ),
    ),
    "contracts": Table(
        "contracts",
        "One row per contract.",
        _cols(
            ("ocid", pa.string(), "Process."),
            ("contract_id", pa.string(), "Contract id."),
            ("award_id", pa.string(), "The award this contract implements."),
            ("status", pa.string(), "pending, active, cancelled, terminated."),
            ("date_signed", TS, "Date signed."),
            ("period_start", TS, "Contract period start."),
            ("period_end", TS, "Contract period end."),
            ("value_amount", pa.float64(), "Contract value."),
            ("value_currency", pa.string(), "Currency of the contract value."),
        ),
    ),
    "parties": Table(
        "parties",
        "One row per party of each process.",
        (Column("ocid", pa.string(), "Process."),) + PARTY_COLUMNS,
    ),
    "sources": Table(
        "sources",
        "Every ingested file: its content hash, what it held and what was refused.",
        _cols(
            ("ingest_id", pa.string(), "The ingest run (UTC timestamp) that loaded the file."),
            ("path", pa.string(), "The file (and zip member) as given."),
            (
                "sha256",
                pa.string(),
                "SHA-256 of the (decompressed) content: a re-ingest is a no-op.",
            ),
            ("bytes", pa.int64(), "Size of the (decompressed) content."),
            (
                "encoding",
                pa.string(),
                "Detected text encoding: utf-8, or windows-1252 (ISO-8859-1 as browsers read it; "
                "iso-8859-1 in warehouses loaded before 2026-11-27).",
            ),
            ("country", pa.string(), "Country given at ingest (or later with `--retag`)."),
            ("releases", pa.int64(), "Releases read."),
            ("compiled_releases", pa.int64(), "Compiled (or versioned) releases of records read."),
            ("rejected", pa.int64(), "Documents refused (see rejects)."),
            ("loaded_at", TS, "When it was loaded."),
        ),
    ),
    "rejects": Table(
        "rejects",
        "What was not loaded, where, and why: documents refused with --skip-bad, and "
        "records that only link to releases not loaded.",
        _cols(
            ("ingest_id", pa.string(), "The ingest run."),
            ("path", pa.string(), "The file."),
            ("location", pa.string(), "Line, byte offset and/or JSON pointer in the file."),
            ("ocid", pa.string(), "The document's ocid, when it had one."),
            (
                "reason",
                pa.string(),
                "What is wrong, in English; `bestvalue.messages.say` says it in Spanish.",
            ),
            ("snippet", pa.string(), "The start of the refused document."),
        ),
    ),
}

# What each table holds, in Spanish (`bestvalue tables --lang es`).
DOC_ES = {
    "processes": "Una fila por proceso de contratación (ocid): su entrega compilada.",
    "items": "Cada ítem en cada etapa: ítems de la licitación, de la adjudicación y del contrato.",
    "item_categories": "La categoría de cada clave de clasificación distinta de `items` (la "
    "escribe `bestvalue classify`; `items` lleva las mismas cuatro columnas).",
    "awards": "Una fila por adjudicación.",
    "contracts": "Una fila por contrato.",
    "parties": "Una fila por parte de cada proceso.",
    "sources": "Cada archivo cargado: el hash de su contenido, lo que contenía y lo que se "
    "rechazó.",
    "rejects": "Lo que no se cargó, dónde y por qué: documentos rechazados con --skip-bad, "
    "y registros que solo enlazan entregas no cargadas.",
    "compiled": "Una entrega compilada por ocid, tipada y anidada: lo que compila la fusión en "
    "Python, y de lo que se derivan las demás tablas. No se guarda: las tablas derivadas tienen "
    "sus filas.",
}


def describe(name: str, lang: str = "en") -> str:
    """What table ``name`` holds, in ``lang``."""
    table = COMPILED if name == "compiled" else TABLES[name]
    return DOC_ES[name] if lang == "es" else table.doc


def render_markdown() -> str:
    lines = [
        "# The warehouse",
        "",
        "Generated from `src/bestvalue/warehouse/schema.py` by "
        "`python -m bestvalue.warehouse.schema`; a test keeps it current.",
        "",
        "The same tables exist in both engines: a DuckDB file (default) or, with "
        "`--engine spark`, a directory of Parquet tables. Amounts are in their original "
        "currency; dates are UTC. An ingest compiles one typed release per ocid. The Python "
        "merge makes it a nested row (`compiled`, last below), from which the data tables are "
        "derived by one set of Ibis expressions (`bestvalue.warehouse.transform`) that run "
        "unchanged on both engines; the SQL compile of plain processes (README, *Two paths, "
        "one result*) gives the data tables' rows directly, and tests require both to give the "
        "same rows. The compiled rows themselves are not stored. Beside these tables, each "
        "warehouse keeps the documents it loaded, for later compiles.",
        "",
    ]
    for table in (*TABLES.values(), COMPILED):
        lines += [
            f"## `{table.name}`" + (" (not stored)" if table is COMPILED else ""),
            "",
            table.doc,
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | `{c.type}` | {c.doc} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
