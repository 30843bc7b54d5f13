"""``bestvalue economics``: what responsible business conduct costs or saves, with uncertainty."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from ..categories.taxonomy import unspsc_code
from ..economics import contract_case, economic_case, preset
from ..userfiles import dump_yaml, read_mapping
from .common import console, emit, format_option, render

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("economics")
@click.argument("category", required=False)
@click.option("--country", help="ISO 3166 code: with CATEGORY, sets the risk tier.")
@click.option("--value", type=click.FloatRange(0), help="The contract's yearly value (USD).")
@click.option("--years", type=click.IntRange(1), help="The contract's length in years.")
@click.option("--params", type=FILE, help="JSON or YAML: parameters that replace the defaults.")
@click.option(
    "--contract",
    type=FILE,
    help="JSON or YAML: a contract's life-cycle costs (lcc) "
    "and parameters; adds the life-cycle cost to the case.",
)
@click.option("--draws", type=click.IntRange(1000), default=100_000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--template",
    is_flag=True,
    help="Write every parameter, with its default and "
    "source, as a YAML file to edit and pass back with --params.",
)
@format_option("table", "json")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
def command(
    category: str | None,
    country: str | None,
    value: float | None,
    years: int | None,
    params: Path | None,
    contract: Path | None,
    draws: int,
    seed: int,
    template: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Monte Carlo of the net saving of RBC for a CATEGORY or a contract: P10/P50/P90, the
    chance that RBC saves money, what drives it, and every input with its source.

    Example: bestvalue economics 53100000 --country PY --value 500000
    """
    doc = _document(category, country, value, years, params or contract)
    if template:
        emit(_template(doc), output)
        return
    if contract:
        values, summary, meta = contract_case(doc, str(contract), draws=draws, seed=seed)
    else:
        where = str(params) if params else "command line"
        values, summary, meta = economic_case(doc, draws=draws, seed=seed, where=where)
    if fmt == "json":
        text = json.dumps(
            {"summary": asdict(summary), "inputs": meta}, ensure_ascii=False, indent=2
        )
        emit(text + "\n", output)
        return
    _table(summary, meta, draws, seed)


def _document(
    category: str | None,
    country: str | None,
    value: float | None,
    years: int | None,
    path: Path | None,
) -> dict[str, Any]:
    """The parameters file (if any) with the command line on top of it."""
    doc = dict(read_mapping(path)) if path else {}
    if category:
        code = unspsc_code(category)
        if code is None:
            raise click.BadParameter(f"{category!r} is not a UNSPSC code", param_hint="CATEGORY")
        doc["category"] = code
    if country:
        doc["country"] = country.upper()
    if doc.get("category") and not doc.get("country"):
        raise click.UsageError("a category needs --country (its risk tier depends on it)")
    given = dict(doc.get("parameters") or {})
    for name, number in (("annual_value", value), ("years", years)):
        if number is not None:
            given[name] = {"distribution": "fixed", "value": number, "source": "command line"}
    doc["parameters"] = given
    doc.setdefault("title", _title(doc))
    return doc


def _title(doc: dict[str, Any]) -> str:
    if doc.get("category"):
        return f"Economic case for RBC: {doc['category']} in {doc['country']}"
    return "Economic case for RBC"


def _template(doc: dict[str, Any]) -> str:
    specs = preset(doc.get("category"), doc.get("country")) | doc["parameters"]
    specs.setdefault(
        "annual_value",
        {"distribution": "fixed", "value": 0, "unit": "USD per year", "source": "FILL IN"},
    )
    out = {k: v for k, v in doc.items() if k != "parameters"} | {"parameters": specs}
    header = (
        "# bestvalue economic case: edit any parameter (value, distribution, source) and run\n"
        "#   bestvalue economics --params THIS_FILE\n"
        "# distributions: fixed (value), triangular or pert (values: low, mode, high),\n"
        "# lognormal (values: median, 90th percentile). kind: evidence or assumption.\n"
    )
    return header + dump_yaml(out)


def _table(summary: Any, meta: dict[str, Any], draws: int, seed: int) -> None:
    currency = meta.get("currency", "")
    console.print(meta.get("title", ""))
    if "lcc" in meta:
        render(pa.Table.from_pylist([{k: round(v, 2) for k, v in meta["lcc"].items()}]), "table")
    e = meta["expected"]
    console.print(
        f"Net saving of RBC ({currency}, present value, {draws:,} draws, seed {seed}): "
        f"P10 {summary.p10:,.0f} · P50 {summary.p50:,.0f} · P90 {summary.p90:,.0f}; "
        f"probability that RBC saves money {summary.probability_positive:.0%}. Expected: "
        f"due diligence {e['due_diligence']:,.0f}, incidents avoided "
        f"{e['incidents_avoided']:,.0f}, social value {e['social_value']:,.0f}"
    )
    tornado = [
        {k: v if isinstance(v, str) else round(v) for k, v in row.items()}
        for row in summary.tornado[:8]
    ]
    render(pa.Table.from_pylist(tornado), "table")
    sobol = [{"parameter": k, "first_order_sobol": round(v, 3)} for k, v in summary.sobol.items()]
    render(pa.Table.from_pylist(sobol), "table")
    rows = [{k: str(v) for k, v in p.items()} for p in meta["parameters"]]
    render(pa.Table.from_pylist(rows), "table")
