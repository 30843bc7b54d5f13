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
from ..economics.montecarlo import DISTRIBUTIONS
from ..labels import KINDS, label
from ..messages import message, pick
from ..numbers import figures, number, percent
from ..userfiles import dump_yaml, read_mapping
from .common import console, emit, format_option, lang_option, render

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

# What the table output says, in English and Spanish (``--lang``); the JSON keeps the keys.
TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "en": "Economic case for RBC",
        "es": "Caso económico de la conducta empresarial responsable (CER)",
    },
    "title_category": {
        "en": "Economic case for RBC: {category} in {country}",
        "es": "Caso económico de la CER: {category} en {country}",
    },
    "headline": {
        "en": "Net saving of RBC ({currency}, present value, {draws} draws, seed {seed}): "
        "P10 {p10} · P50 {p50} · P90 {p90}; probability that RBC saves money {chance}. "
        "Expected: due diligence {cost}, incidents avoided {avoided}, social value {social}",
        "es": "Ahorro neto de la CER ({currency}, valor presente, {draws} simulaciones, semilla "
        "{seed}): P10 {p10} · P50 {p50} · P90 {p90}; probabilidad de que la CER ahorre dinero "
        "{chance}. Valores esperados: debida diligencia {cost}, incidentes evitados {avoided}, "
        "valor social {social}",
    },
    "parameter": {"en": "parameter", "es": "parámetro"},
    "label": {"en": "label", "es": "nombre"},
    "at_p10": {"en": "at_p10", "es": "en P10"},
    "at_p90": {"en": "at_p90", "es": "en P90"},
    "swing": {"en": "swing", "es": "amplitud"},
    "first_order_sobol": {"en": "first_order_sobol", "es": "índice de Sobol de primer orden"},
    "distribution": {"en": "distribution", "es": "distribución"},
    "values": {"en": "values", "es": "valores"},
    "unit": {"en": "unit", "es": "unidad"},
    "kind": {"en": "kind", "es": "tipo"},
    "source": {"en": "source", "es": "fuente"},
    "template": {
        "en": "# bestvalue economic case: edit any parameter (value, distribution, source) and "
        "run\n#   bestvalue economics --params THIS_FILE\n# distributions: fixed (value), "
        "triangular or pert (values: low, mode, high),\n# lognormal (values: median, 90th "
        "percentile). kind: evidence or assumption.\n",
        "es": "# caso económico de bestvalue: cambie cualquier parámetro (value, distribution, "
        "source) y ejecute\n#   bestvalue economics --params ESTE_ARCHIVO\n# distribuciones: "
        "fixed (value), triangular o pert (values: mínimo, moda, máximo),\n# lognormal (values: "
        "mediana, percentil 90). kind: evidence (evidencia) o assumption (supuesto).\n",
    },
}


def _t(key: str, lang: str, **values: object) -> str:
    return pick(TEXTS[key], lang).format(**values)


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
@lang_option
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
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Monte Carlo of the net saving of RBC for a CATEGORY or a contract: P10/P50/P90, the
    chance that RBC saves money, what drives it, and every input with its source.

    Example: bestvalue economics 53100000 --country PY --value 500000
    """
    doc = _document(category, country, value, years, params or contract, lang)
    if template:
        emit(_template(doc, lang), output)
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
    _table(summary, meta, draws, seed, lang)


def _document(
    category: str | None,
    country: str | None,
    value: float | None,
    years: int | None,
    path: Path | None,
    lang: str = "en",
) -> dict[str, Any]:
    """The parameters file (if any) with the command line on top of it."""
    doc = dict(read_mapping(path)) if path else {}
    if category:
        code = unspsc_code(category)
        if code is None:
            raise click.BadParameter(
                message("not_unspsc", value=repr(category)), param_hint="CATEGORY"
            )
        doc["category"] = code
    if country:
        doc["country"] = country.upper()
    if doc.get("category") and not doc.get("country"):
        raise click.UsageError(message("category_needs_country"))
    given = dict(doc.get("parameters") or {})
    for name, figure in (("annual_value", value), ("years", years)):
        if figure is not None:
            given[name] = {
                "distribution": "fixed",
                "value": figure,
                "source": "command line",
                "source_es": "línea de comandos",
            }
    doc["parameters"] = given
    doc.setdefault("title", _title(doc, lang))
    return doc


def _title(doc: dict[str, Any], lang: str) -> str:
    if doc.get("category"):
        return _t("title_category", lang, category=doc["category"], country=doc["country"])
    return _t("title", lang)


def _template(doc: dict[str, Any], lang: str) -> str:
    specs = preset(doc.get("category"), doc.get("country")) | doc["parameters"]
    specs.setdefault(
        "annual_value",
        {"distribution": "fixed", "value": 0, "unit": "USD per year", "source": "FILL IN"},
    )
    out = {k: v for k, v in doc.items() if k != "parameters"} | {"parameters": specs}
    return _t("template", lang) + dump_yaml(out)


def _table(summary: Any, meta: dict[str, Any], draws: int, seed: int, lang: str = "en") -> None:
    console.print(meta.get("title", ""))
    if "lcc" in meta:
        lcc = [{k: round(v, 2) for k, v in meta["lcc"].items()}]
        render(pa.Table.from_pylist(lcc), "table", lang=lang)
    e = meta["expected"]
    console.print(
        _t(
            "headline",
            lang,
            currency=meta.get("currency", ""),
            draws=number(draws, 0, lang),
            seed=seed,
            p10=number(summary.p10, 0, lang),
            p50=number(summary.p50, 0, lang),
            p90=number(summary.p90, 0, lang),
            chance=percent(summary.probability_positive, 0, lang),
            cost=number(e["due_diligence"], 0, lang),
            avoided=number(e["incidents_avoided"], 0, lang),
            social=number(e["social_value"], 0, lang),
        )
    )
    labels = {p["name"]: p.get(f"label_{lang}") or p["label_en"] for p in meta["parameters"]}
    for rows in (_tornado(summary, labels, lang), _sobol(summary, labels, lang)):
        render(pa.Table.from_pylist(rows), "table", lang=lang)
    render(pa.Table.from_pylist(_inputs(meta["parameters"], labels, lang)), "table", lang=lang)


def _tornado(summary: Any, labels: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """The eight parameters that move the result most: its value at their P10 and P90."""
    return [
        {
            _t("parameter", lang): row["parameter"],
            _t("label", lang): labels.get(str(row["parameter"]), ""),
            **{_t(k, lang): round(row[k]) for k in ("at_p10", "at_p90", "swing")},
        }
        for row in summary.tornado[:8]
    ]


def _sobol(summary: Any, labels: dict[str, str], lang: str) -> list[dict[str, Any]]:
    return [
        {
            _t("parameter", lang): name,
            _t("label", lang): labels.get(name, ""),
            _t("first_order_sobol", lang): round(value, 3),
        }
        for name, value in summary.sobol.items()
    ]


def _inputs(
    parameters: list[dict[str, Any]], labels: dict[str, str], lang: str
) -> list[dict[str, str]]:
    """Every input with its distribution and its source, in ``lang``."""
    source = "source_es" if lang == "es" else "source"
    return [
        {
            _t("parameter", lang): p["name"],
            _t("label", lang): labels[p["name"]],
            _t("distribution", lang): DISTRIBUTIONS[p["distribution"]][1][lang],
            _t("values", lang): figures(p["values"], lang),
            _t("unit", lang): p["unit_es"] if lang == "es" else p["unit"],
            _t("kind", lang): label(KINDS, p["kind"], lang),
            _t("source", lang): p.get(source) or p["source"],
        }
        for p in parameters
    ]
