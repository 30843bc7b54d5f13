"""Compiling in SQL: the OCDS merge and the typed rows of ``compiled``, inside DuckDB.

Why: merging releases and normalising them in Python cost several milliseconds per process. For
the fields the warehouse reads, the OCDS merge is simple to state in SQL: a field's merged value
is its value in the latest release that sets it (``arg_max(value, release order)``), and an
array of objects with ids merges object by object, in order of first appearance. This module
does that for every process whose documents are all *plain*:

- releases only (no record's compiled release), with no ``null`` anywhere (a null removes a
  value in the merge, which the rule above does not do) and nothing empty;
- every field read has one plain JSON type (text a string, an amount a number; see
  :data:`bestvalue.warehouse.fastload.READ`), no extension field rendered as JSON text;
- after merging, every object of a merged array has an id and every date has the ISO form.

Every other process is handed back to the Python merge (:mod:`bestvalue.ocds.merge`) and
normaliser (:mod:`bestvalue.warehouse.normalise`), which stay the reference:
``tests/test_fastpath.py`` checks both give the same rows (real samples, generated releases,
random processes). One difference by design: fields the
warehouse does not read are not merged here, so a type change in such a field (which makes the
Python merge refuse the process) does not stop a plain process from loading.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..arrays import strings
from .fastload import (
    DATE_PATTERN,
    ID,
    ITEM,
    NUM,
    ORG,
    READ,
    TEXT,
    fill,
    instant_sql,
    shape_is_plain,
)
from .schema import CATEGORY_COLUMNS, TABLES, sql_type
from .staging import StagedFiles, sql_string

__all__ = ["FLAT_TABLES", "compile_plain", "part_count"]

WHOLE = "whole"
PART = 50_000  # documents compiled together: bounds DuckDB's memory whatever the input size
PART_BYTES = 64 << 20  # ... and at most about this many bytes of them
WORKERS = 2  # parts compiled at once (see compile_plain)
# Documents enough for a part of their own: below WORKERS parts, a worker would sit idle (a
# 36 MB input, one part, compiled on one core while the other waited).
MIN_PART = 5_000
# The flat rows are read once, by the commit, then deleted: uncompressed, as the Python merge's
# (ingest._RowGroups; here Snappy took as long: a 36 MB part's items 0.059 s against 0.061 s).
_UNCOMPRESSED = "COMPRESSION uncompressed"
FLUSH_ROWS = 2_048  # documents a part holds before they are written (see _by_part) ...
FLUSH_BYTES = 32 << 20  # ... and at most about this many bytes of them, all parts together
ORDER = "ord * 1000000000000 + outer_pos * 1000000 + pos"  # release, then parent, then place


def _type(spec: Any) -> Any:
    if isinstance(spec, dict):
        return {k: _type(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_type(spec[0])]
    return {TEXT: "VARCHAR", ID: "VARCHAR", NUM: "DOUBLE", WHOLE: "JSON"}[spec]


def _leaves(spec: dict[str, Any], expr: str, name: str = "") -> list[tuple[str, str]]:
    """(SQL expression, alias) of every leaf under ``spec`` that is not an array of objects."""
    out: list[tuple[str, str]] = []
    for key, sub in spec.items():
        here, alias = f"{expr}['{key}']", f"{name}{key}"
        if isinstance(sub, dict):
            out += _leaves(sub, here, alias + "__")
        elif not isinstance(sub, list) or not isinstance(sub[0], dict):
            out.append((here, alias))
    return out


def _merged(spec: dict[str, Any], expr: str, order: str) -> str:
    """Each leaf's value in the latest object that sets it (arg_max skips nulls)."""
    return ", ".join(
        f"arg_max({e}, {order}) AS {a}" for e, a in _leaves(spec, expr) if a not in ("id", "ocid")
    )


def _date(value: str) -> str:
    return f"CASE WHEN regexp_full_match({value}, '{DATE_PATTERN}') THEN {instant_sql(value)} END"


def _dates_ok(*values: str) -> str:
    return " AND ".join(
        f"bool_and({v} IS NULL OR regexp_full_match({v}, '{DATE_PATTERN}'))" for v in values
    )


def _org_id(p: str) -> str:
    return (
        f"CASE WHEN {p}id IS NOT NULL THEN {p}id WHEN {p}identifier__id IS NULL THEN {p}name "
        f"WHEN coalesce({p}identifier__scheme, '') <> '' THEN {p}identifier__scheme || '-' || "
        f"{p}identifier__id ELSE {p}identifier__id END"
    )


def _party_fields(p: str) -> str:
    return (
        f"{p}name AS name, {p}identifier__scheme AS identifier_scheme, "
        f"{p}identifier__id AS identifier_id, {p}address__countryName AS country_name, "
        f"{p}address__locality AS locality, {p}address__region AS region"
    )


def compile_plain(
    con: duckdb.DuckDBPyConnection,
    work: duckdb.DuckDBPyConnection,
    latest: str,
    total: int,
    scratch: Path,
    flat: Path,
    doc_bytes: int = 1024,
    staged: Callable[[], StagedFiles | None] | None = None,
    rows_kept: dict[str, list[pa.Table]] | None = None,
) -> Iterator[int]:
    """Compile the plain processes: the rows of each derived table (``FLAT_TABLES``) of each
    part go to ``flat / table / part-NNNNN.parquet``, written on the thread that compiles the
    part (only for a part that compiled some); yields how many processes each part compiled, in
    part order.

    ``latest`` is the SQL (on ``con``, the warehouse's) of the newest document per release id
    of every touched process (as ``pyload.latest_per_id`` chooses, with the ``shape`` staging
    found, if any), ``total`` their number.
    They are written once to Parquet in parts of whole processes (about ``PART`` documents
    each) and compiled part by part on ``work`` (a DuckDB outside the warehouse's transaction,
    holding ``_shape_text`` from staging), so memory stays flat whatever the input's size.
    Leaves ``_sql_done`` on ``con``: the processes compiled here; and ``work`` with fewer
    threads (see below).

    Why flat rows, not the nested rows of ``compiled`` the Python merge makes: the merge in SQL
    gives flat tables, and the commit stores flat tables. Nested in Arrow and written to Parquet
    (for the commit to unnest them again), the 36 MB input's rows took 0.35 s of the two
    threads' time against 0.2 s flat, and its whole ingest 1.24 s against 1.18 s (medians of
    eight alternating runs); the commit's insert of the items fell from 0.06 s to 0.04 s.

    ``WORKERS`` parts are compiled at once, each on a cursor of its own (its scratch tables are
    temporary, so the cursor's alone): the steps of one part are small, their tables a row group
    or two, which DuckDB runs on one thread.

    ``staged`` (``Stage.staged_files``, asked only then; into an empty warehouse): when the
    parts are compiled in one round, each reads the staged files itself, keeping its own
    processes' documents of ``latest``, instead of a copy of them written by part first (see
    ``_read_staged``).

    ``rows_kept`` (where the commit takes rows in memory: the DuckDB warehouse's): when the
    parts are compiled in one round, their rows are kept there as Arrow tables, a list per
    table, not written to ``flat``. For the 36 MB input, the five tables' rows took 0.123 s of
    a part's 0.4 s that way, against 0.142 s to Parquet; one round bounds what is held.

    ``doc_bytes`` (a document's average size, roughly) keeps the parts, and what they hold
    while they are written, to a bounded size in bytes too: a real release can be 100 times
    our 1 KB.
    """
    parts = part_count(total, doc_bytes)
    keep = rows_kept is not None and parts <= WORKERS
    rows = max(64, min(FLUSH_ROWS, FLUSH_BYTES // (parts * max(doc_bytes, 1))))
    for name in FLAT_TABLES:
        (flat / name).mkdir(parents=True, exist_ok=True)
    done: list[pa.Table] = []
    listed: list[str | None]
    if staged is not None and parts <= WORKERS and (files := staged()) is not None:
        listed = list(_read_staged(work, files, parts))
    else:
        listed = [_read(path) for path in _by_part(con, latest, parts, rows, scratch / "latest")]
    # The parts share the cores: DuckDB's threads are divided among them while they run. With
    # every part free to use them all, four threads contended for two cores and the compile
    # took longer (200 MB package, alternating runs: 7.3-8.0 s against 6.5-7.3 s). They stay
    # divided: the ingest closes ``work`` next, and restoring them took 0.01 s (DuckDB waits
    # for its idle threads to stop; 36 MB of mixed files, medians of eight alternating runs
    # 1.16 s against 1.20 s).
    threads = work.execute("SELECT current_setting('threads')").fetchall()[0][0]
    work.execute(f"SET threads = {max(1, int(threads) // WORKERS)}")
    with ThreadPoolExecutor(WORKERS) as pool:
        compiled = pool.map(
            lambda part: _compile_part(work, part[1], part[0], flat, keep), enumerate(listed)
        )
        for ocids, tables in compiled:
            done.append(ocids)
            for name, table in tables.items():
                assert rows_kept is not None
                rows_kept.setdefault(name, []).append(table)
            yield ocids.num_rows
    con.register("_sql_done_rows", pa.concat_tables(done))  # a table per part, at least one
    con.execute("CREATE OR REPLACE TEMP TABLE _sql_done AS SELECT ocid FROM _sql_done_rows")
    con.unregister("_sql_done_rows")


def part_count(total: int, doc_bytes: int) -> int:
    """How many parts ``total`` documents of about ``doc_bytes`` each are compiled in.

    About ``PART`` documents and ``PART_BYTES`` bytes each, at least ``WORKERS`` from
    ``WORKERS * MIN_PART`` documents, and a multiple of ``WORKERS`` beyond that when the parts
    stay within a quarter over those bounds: the parts are compiled ``WORKERS`` at a time, and a
    last part alone ran on one core while the other waited (the 200 MB package, 222,000
    documents: five parts, the fifth 0.8 s alone; in four, the compile 2.7-3.4 s against
    3.0-3.3 s, the ingest 6.0-6.8 s against 6.3-7.4 s, three alternating runs each)."""
    share = max(total / PART, total * doc_bytes / PART_BYTES)
    parts = max(1, min(WORKERS, total // MIN_PART), math.ceil(share))
    fewer = parts - parts % WORKERS
    return fewer if fewer >= WORKERS and share <= fewer * 1.25 else parts


def _by_part(
    con: duckdb.DuckDBPyConnection, latest: str, parts: int, rows: int, folder: Path
) -> list[Path | None]:
    """Write the documents of ``latest`` to Parquet by part (a hash of the ocid): the files of
    each part (a glob), or None for a part with none.

    DuckDB's partitioned COPY, told to write a part's documents out every ``rows`` documents:
    by default it holds up to 524,288 rows per part in memory, which cannot spill (a multi-GB
    input ran out of memory). The numpy split by batches it replaces took twice as long
    (5.2 s against 2.5 s for the 1 GB package)."""
    con.execute(f"SET partitioned_write_flush_threshold = {rows}")
    try:
        con.execute(
            f"COPY (SELECT d.*, hash(d.ocid) % {parts} AS part FROM ({latest}) d) "
            f"TO {sql_string(folder)} (FORMAT parquet, PARTITION_BY (part), ROW_GROUP_SIZE {rows})"
        )
    finally:
        con.execute("RESET partitioned_write_flush_threshold")
    return [
        folder / f"part={p}" / "*.parquet" if (folder / f"part={p}").is_dir() else None
        for p in range(parts)
    ]


def _read(path: Path | None) -> str | None:
    return None if path is None else f"SELECT * FROM read_parquet({sql_string(path)})"


def _read_staged(work: duckdb.DuckDBPyConnection, staged: StagedFiles, parts: int) -> list[str]:
    """The SQL of each part's documents of ``latest``, read from the staged files on ``work``:
    the choice ``staged`` describes (the documents skipped, the first sight of the others'
    release ids; in an empty warehouse, every document is of this ingest, number 1), applied
    as they are read. Every part reads every file: only for one round of parts."""
    for name, rows in (("_skipped", staged.skipped), ("_firsts", staged.firsts)):
        work.register(f"{name}_rows", rows)
        work.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_rows")
        work.unregister(f"{name}_rows")
    return [
        f"""
        SELECT d.ocid, d.kind, d.release_id, d.date_key, d.source, d.version, d.doc,
               CAST(d.country AS VARCHAR) AS country, d.ingest_id, d.seq, d.doc_hash, d.shape,
               d.nulls,
               coalesce(f.first_seen, struct_pack(i := 1, s := d.seq)) AS first_seen
        FROM {staged.files} d LEFT JOIN _firsts f ON f.seq = d.seq
        WHERE hash(d.ocid) % {parts} = {part} AND d.seq NOT IN (SELECT seq FROM _skipped)
        """
        for part in range(parts)
    ]


def _compile_part(
    work: duckdb.DuckDBPyConnection, documents: str | None, part: int, flat: Path, keep: bool
) -> tuple[pa.Table, dict[str, pa.Table]]:
    """The ocids compiled from one part's documents (the SQL of them, on ``work``); their
    derived tables' rows go to ``flat``, or with ``keep`` come back as Arrow tables (see
    compile_plain)."""
    tables: dict[str, pa.Table] = {}
    if documents is None:  # no process hashed to this part
        return pa.table({"ocid": strings([])}), tables
    cursor = work.cursor()  # closing it drops its temporary tables
    try:
        cursor.execute(f"CREATE OR REPLACE TEMP VIEW _latest AS {documents}")
        _plain_releases(cursor, "_latest")
        for sql in _STEPS:
            cursor.execute(sql)
        ocids = cursor.sql("SELECT ocid FROM _sql_ocids").to_arrow_table()
        for name, sql in _FLAT.items() if ocids.num_rows else ():
            if keep:
                tables[name] = cursor.sql(sql).to_arrow_table()
                continue
            target = sql_string(flat / name / f"part-{part:05d}.parquet")
            cursor.execute(f"COPY ({sql}) TO {target} (FORMAT parquet, {_UNCOMPRESSED})")
        return ocids, tables
    finally:
        cursor.close()


def _plain_releases(con: duckdb.DuckDBPyConnection, docs: str) -> None:
    """``_rel``: the releases of plain processes, typed by ``json_transform``, in merge order.

    Shapes are known by their hash: staging recorded those of this ingest's documents (their
    ``shape``, and ``_shape_text``); documents stored before get theirs here, and a document is
    read for its structure only when its shape is new. Likewise whether a document's text holds
    "null" (``nulls``): the text is read only for the documents whose staging did not say, in
    row groups of their own (a first ingest's parts: 0.03 s each of the 36 MB input's 0.4 s,
    where reading the text of every document took 0.045 s)."""
    # Staging knows both or neither (both come from the parsed text, which is never null in a
    # staged row): one column's test, which the Parquet reader applies to each row group's
    # statistics (a test of both was applied to every row, after reading the text).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _shapes AS
        SELECT d.ocid, d.seq, d.ingest_id, d.shape AS sh, d.nulls OR d.kind <> 'release' AS odd
        FROM {docs} d WHERE d.nulls IS NOT NULL
        UNION ALL
        SELECT d.ocid, d.seq, d.ingest_id, coalesce(d.shape, md5(json_structure(d.doc))),
               contains(d.doc, 'null') OR d.kind <> 'release'
        FROM {docs} d WHERE d.nulls IS NULL
        """
    )
    new = "SELECT * FROM _shapes WHERE sh NOT IN (SELECT sh FROM _shape_text)"
    if con.execute(f"SELECT count(*) FROM ({new})").fetchall()[0][0]:  # else: not read again
        con.execute(
            f"""
            INSERT INTO _shape_text
            SELECT s.sh, json_structure(arg_min(d.doc, d.seq)) FROM {docs} d
            JOIN ({new}) s USING (ingest_id, seq) GROUP BY s.sh
            """
        )
    plain = [
        [h]
        for h, text in con.execute("SELECT sh, shape FROM _shape_text").fetchall()
        if shape_is_plain(text)
    ]
    fill(con, "_plain_shapes", "sh VARCHAR", plain, temp=True)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rel AS
        SELECT ocid, row_number() OVER (PARTITION BY ocid ORDER BY date_key, release_id) AS ord,
               json_transform(doc, '{json.dumps(_type(READ))}') AS t, source, version, country,
               ingest_id, seq, first_seen
        FROM {docs} WHERE ocid NOT IN (
          SELECT ocid FROM _shapes WHERE odd OR sh NOT IN (SELECT sh FROM _plain_shapes))
        """
    )


def _unnest(field: str, keys: str = "") -> str:
    """Rows (ocid, keys, ord, outer_pos, pos, e): each object of ``field`` of every release."""
    return (
        f"SELECT ocid, {keys} ord, 0 AS outer_pos, unnest({field}) AS e, "
        f"generate_subscripts({field}, 1) AS pos FROM _rel"
    )


def _nested(parent: str, child: str) -> str:
    """Rows (ocid, parent_id, ord, outer_pos, pos, e): each ``child`` of each ``parent``."""
    return f"""
        SELECT ocid, p['id'] AS parent_id, ord, ppos AS outer_pos, unnest(p['{child}']) AS e,
               generate_subscripts(p['{child}'], 1) AS pos
        FROM (SELECT ocid, ord, unnest({parent}) AS p, generate_subscripts({parent}, 1) AS ppos
              FROM _rel)
    """


def _array(name: str, rows: str, spec: dict[str, Any], keys: str = "") -> str:
    """Merge the objects of ``rows`` by id (within ``keys``): order of first appearance."""
    return f"""
    CREATE OR REPLACE TEMP TABLE {name} AS
    SELECT ocid, {keys + "," if keys else ""} e['id'] AS id, min({ORDER}) AS first,
           bool_or(e['id'] IS NULL) AS no_id, {_merged(spec, "e", ORDER)}
    FROM ({rows}) GROUP BY ALL
    """


def _k(group: int, a: str, b: str) -> str:
    return f"struct_pack(g := {group}, a := CAST({a} AS BIGINT), b := CAST({b} AS BIGINT))"


def _steps() -> list[str]:
    award, contract, party = (
        READ["awards"][0],
        READ["contracts"][0],
        READ["parties"][0],
    )
    process = {k: v for k, v in READ.items() if not isinstance(v, list)}
    return [
        f"""
        CREATE OR REPLACE TEMP TABLE _process AS
        SELECT ocid, {_merged(process, "t", "ord")},
               arg_max(source, struct_pack(i := ingest_id, s := seq)) AS source_,
               arg_max(country, first_seen) AS country_, arg_max(version, first_seen) AS version_,
               count(*) AS release_count
        FROM _rel GROUP BY ocid
        """,
        _array("_titems", _unnest("t['tender']['items']"), ITEM),
        _array("_tenderers", _unnest("t['tender']['tenderers']"), ORG),
        _array("_awards", _unnest("t['awards']"), award),
        _array("_contracts", _unnest("t['contracts']"), contract),
        _array("_parties", _unnest("t['parties']"), party),
        _array("_aitems", _nested("t['awards']", "items"), ITEM, "parent_id"),
        _array("_suppliers", _nested("t['awards']", "suppliers"), ORG, "parent_id"),
        _array("_citems", _nested("t['contracts']", "items"), ITEM, "parent_id"),
        f"""
        CREATE OR REPLACE TEMP TABLE _sql_ocids AS
        SELECT ocid FROM _process WHERE ocid NOT IN (
          SELECT ocid FROM _titems WHERE no_id UNION SELECT ocid FROM _tenderers WHERE no_id
          UNION SELECT ocid FROM _awards WHERE no_id UNION SELECT ocid FROM _contracts WHERE no_id
          UNION SELECT ocid FROM _parties WHERE no_id UNION SELECT ocid FROM _aitems WHERE no_id
          UNION SELECT ocid FROM _suppliers WHERE no_id UNION SELECT ocid FROM _citems WHERE no_id
          UNION SELECT ocid FROM _process GROUP BY ocid HAVING NOT ({
            _dates_ok("date", "tender__tenderPeriod__startDate", "tender__tenderPeriod__endDate")
        })
          UNION SELECT ocid FROM _awards GROUP BY ocid HAVING NOT ({_dates_ok("date")})
          UNION SELECT ocid FROM _contracts GROUP BY ocid HAVING NOT ({
            _dates_ok("dateSigned", "period__startDate", "period__endDate")
        }))
        """,
        f"""
        CREATE OR REPLACE TEMP TABLE _o_awards AS
        SELECT ocid, first, id AS award_id, status, {_date("date")} AS date,
               value__amount AS value_amount, value__currency AS value_currency
        FROM _awards JOIN _sql_ocids USING (ocid)
        """,
        f"""
        CREATE OR REPLACE TEMP TABLE _o_contracts AS
        SELECT ocid, id AS contract_id, awardID AS award_id, status,
               {_date("dateSigned")} AS date_signed, {_date("period__startDate")} AS period_start,
               {_date("period__endDate")} AS period_end, value__amount AS value_amount,
               value__currency AS value_currency
        FROM _contracts JOIN _sql_ocids USING (ocid)
        """,
    ]


# Parties as published (merged by id), then the buyer, procuring entity, tenderers and suppliers
# they leave out, each with the roles its references give (as normalise._parties does).
_PARTIES = f"""
WITH refs AS (
  SELECT ocid, {_org_id("buyer__")} AS key, 'buyer' AS role, {_k(0, "0", "0")} AS k,
         {_party_fields("buyer__")}
  FROM _process
  UNION ALL
  SELECT ocid, {_org_id("tender__procuringEntity__")}, 'procuringEntity', {_k(1, "0", "0")},
         {_party_fields("tender__procuringEntity__")} FROM _process
  UNION ALL
  SELECT ocid, {_org_id("")}, 'tenderer', {_k(2, "0", "first")}, {_party_fields("")}
  FROM _tenderers
  UNION ALL
  SELECT a.ocid, {_org_id("s.")}, 'supplier', {_k(3, "a.first", "s.first")}, {_party_fields("s.")}
  FROM _suppliers s JOIN _o_awards a ON a.ocid = s.ocid AND a.award_id = s.parent_id
),
published AS (
  SELECT ocid, id AS key, {_k(0, "0", "first")} AS k, {_party_fields("")},
         list_filter(coalesce(roles, []), lambda r: r <> '') AS roles FROM _parties
),
ref_roles AS (
  SELECT ocid, key, list_transform(list_sort(list(struct_pack(k := k, v := role))),
                                   lambda x: x.v) AS roles
  FROM (SELECT ocid, key, role, min(k) AS k FROM refs WHERE key <> '' GROUP BY ALL)
  GROUP BY ALL
),
everyone AS (
  SELECT ocid, key, 0 AS src, k, name, identifier_scheme, identifier_id, country_name, locality,
         region FROM published
  UNION ALL
  SELECT ocid, key, 1, k, name, identifier_scheme, identifier_id, country_name, locality, region
  FROM refs WHERE key <> ''
),
firsts AS (
  SELECT ocid, key, arg_min(struct_pack(name, identifier_scheme, identifier_id, country_name,
           locality, region), struct_pack(src, k)) AS data
  FROM everyone GROUP BY ALL
)
SELECT f.ocid, f.key AS party_id, f.data.name AS name,
       list_concat(coalesce(p.roles, []), list_filter(coalesce(r.roles, []),
         lambda y: NOT list_contains(coalesce(p.roles, []), y))) AS roles,
       f.data.identifier_scheme AS identifier_scheme, f.data.identifier_id AS identifier_id,
       f.data.country_name AS country_name, f.data.locality AS locality,
       f.data.region AS region
FROM firsts f SEMI JOIN _sql_ocids o ON o.ocid = f.ocid
LEFT JOIN published p ON p.ocid = f.ocid AND p.key = f.key
LEFT JOIN ref_roles r ON r.ocid = f.ocid AND r.key = f.key
"""

_PROCESS = f"""
SELECT p.ocid, p.source_ AS source, p.country_ AS country, 'merge' AS compiled_by,
       CAST(p.release_count AS INTEGER) AS release_count, p.version_ AS ocds_version,
       {_date("p.date")} AS date, p.language, {_org_id("p.buyer__")} AS buyer_id,
       p.buyer__name AS buyer_name,
       {_org_id("p.tender__procuringEntity__")} AS procuring_entity_id,
       p.tender__procuringEntity__name AS procuring_entity_name, p.tender__id AS tender_id,
       p.tender__title AS title, p.tender__description AS description,
       p.tender__status AS status, p.tender__procurementMethod AS procurement_method,
       p.tender__procurementMethodDetails AS procurement_method_details,
       p.tender__mainProcurementCategory AS main_procurement_category,
       list_filter(coalesce(p.tender__additionalProcurementCategories, []), lambda x: x <> '')
         AS additional_procurement_categories,
       p.tender__value__amount AS tender_value_amount,
       p.tender__value__currency AS tender_value_currency,
       p.planning__budget__amount__amount AS budget_amount,
       p.planning__budget__amount__currency AS budget_currency,
       {_date("p.tender__tenderPeriod__startDate")} AS tender_start,
       {_date("p.tender__tenderPeriod__endDate")} AS tender_end,
       CASE WHEN p.tender__numberOfTenderers = floor(p.tender__numberOfTenderers)
            THEN TRY_CAST(p.tender__numberOfTenderers AS INTEGER) END AS number_of_tenderers,
       p.tender__awardCriteria AS award_criteria,
       p.tender__awardCriteriaDetails AS award_criteria_details,
       p.tender__eligibilityCriteria AS eligibility_criteria,
       NULL::VARCHAR AS selection_criteria, NULL::VARCHAR AS award_criteria_extension,
       NULL::VARCHAR AS other_requirements, false AS has_sustainability,
       NULL::VARCHAR AS sustainability, coalesce(na.n, 0) AS award_count,
       coalesce(nc.n, 0) AS contract_count
FROM _process p SEMI JOIN _sql_ocids o ON o.ocid = p.ocid
LEFT JOIN (SELECT ocid, count(*) AS n FROM _awards GROUP BY ocid) na ON na.ocid = p.ocid
LEFT JOIN (SELECT ocid, count(*) AS n FROM _contracts GROUP BY ocid) nc ON nc.ocid = p.ocid
"""


def _item_columns(owner: str, i: str = "") -> str:
    """An item's columns (``schema.ITEM_COLUMNS``) from a merged item table aliased ``i``
    (with its dot), its position counted within ``owner`` in order of first appearance."""
    return (
        f"{i}id AS item_id, row_number() OVER (PARTITION BY {owner} ORDER BY {i}first) - 1 AS "
        f"position, {i}description, coalesce({i}classification__scheme, "
        f"{i}classification__schema) AS classification_scheme, {i}classification__id AS "
        f"classification_id, {i}classification__description AS classification_description, "
        f"{i}additionalClassifications::VARCHAR AS additional_classifications, {i}quantity, "
        f"{i}unit__name AS unit_name, {i}unit__value__amount AS unit_value_amount, "
        f"{i}unit__value__currency AS unit_value_currency"
    )


_ITEMS = f"""
SELECT ocid, 'tender' AS stage, NULL AS award_id, NULL AS contract_id, {_item_columns("ocid")}
FROM _titems SEMI JOIN _sql_ocids USING (ocid)
UNION ALL
SELECT i.ocid, 'award', a.award_id, NULL, {_item_columns("i.ocid, i.parent_id", "i.")}
FROM _aitems i JOIN _o_awards a ON a.ocid = i.ocid AND a.award_id = i.parent_id
UNION ALL
SELECT i.ocid, 'contract', c.award_id, c.contract_id, {_item_columns("i.ocid, i.parent_id", "i.")}
FROM _citems i JOIN _o_contracts c ON c.ocid = i.ocid AND c.contract_id = i.parent_id
"""

# An award's suppliers: their ids and their names, each without the missing ones, in order.
_AWARDS = """
SELECT a.ocid, a.award_id, a.status, a.date, a.value_amount, a.value_currency,
       coalesce(s.ids, []) AS supplier_ids, coalesce(s.names, []) AS supplier_names
FROM _o_awards a LEFT JOIN (
  SELECT ocid, parent_id,
         list_filter(list(nullif(id, '') ORDER BY first), lambda x: x IS NOT NULL) AS ids,
         list_filter(list(nullif(name, '') ORDER BY first), lambda x: x IS NOT NULL) AS names
  FROM _suppliers GROUP BY ocid, parent_id
) s ON s.ocid = a.ocid AND s.parent_id = a.award_id
"""


def _flat(table: str, rows: str) -> str:
    """``rows`` as the columns of the derived table ``table``, in order and in its types (a
    column ``rows`` lacks is null)."""
    columns = (
        f'CAST({"NULL" if f.name in _UNSET else f.name} AS {sql_type(f.type)}) AS "{f.name}"'
        for f in TABLES[table].arrow
    )
    return f"SELECT {', '.join(columns)} FROM ({rows})"


_UNSET = {c.name for c in CATEGORY_COLUMNS}  # (an item's category: set by bestvalue classify)

# Each derived table's rows of the processes compiled here, as the commit stores them: what
# transform.derive makes of the compiled rows, made from the merged tables without nesting them.
_FLAT = {
    "processes": _flat("processes", _PROCESS),
    "items": _flat("items", _ITEMS),
    "awards": _flat("awards", _AWARDS),
    "contracts": _flat("contracts", "SELECT * FROM _o_contracts"),
    "parties": _flat("parties", _PARTIES),
}
_STEPS = _steps()
FLAT_TABLES = tuple(_FLAT)
