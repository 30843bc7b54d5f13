"""``bestvalue profile``: a category's inherent risk on every dimension, with the evidence."""

from __future__ import annotations

import json

import click

from ..categories.taxonomy import taxonomy, unspsc_code
from ..labels import KINDS, label
from ..messages import message
from ..numbers import number
from ..risk import category_profile, country_context, saliency
from ..risk.countries import iso3
from ..risk.profiles import CategoryProfile, CountryContext, Evidence, dimensions
from .common import console, lang_option

HEADINGS = {
    "en": (
        "Dimension",
        "Inherent 0-3",
        "Status",
        "Severity",
        "Country 0-1",
        "Saliency 0-3",
        "Evidence",
        "… {n} more",
    ),
    "es": (
        "Dimensión",
        "Inherente 0-3",
        "Estado",
        "Gravedad",
        "País 0-1",
        "Saliencia 0-3",
        "Evidencia",
        "… {n} más",
    ),
}


@click.command("profile")
@click.argument("category")
@click.option("--country", help="ISO 3166 code: add the country context and saliency.")
@lang_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def command(category: str, country: str | None, lang: str, fmt: str) -> None:
    """Risk profile of a UNSPSC CATEGORY such as 72100000: the evidence for every score."""
    code = unspsc_code(category)
    if code is None:
        raise click.BadParameter(message("not_unspsc", value=repr(category)), param_hint="CATEGORY")
    profile = category_profile(code)
    context = country_context(iso3(country) or country) if country else None
    rows = _rows(profile, context, lang)
    if fmt == "json":
        doc = {
            "category": code,
            "name": taxonomy().label(code, lang),
            "country": None if context is None else context.country,
            "dimensions": rows,
            "goods": profile.goods,
            "scope_to_improve": profile.scope_to_improve,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    _show(rows, f"{code} {taxonomy().label(code, lang)}", lang)


def _said(evidence: list[Evidence], lang: str) -> list[dict[str, str]]:
    return [{"source": e.source, "detail": e.text(lang), "kind": e.kind} for e in evidence]


def _rows(profile: CategoryProfile, context: CountryContext | None, lang: str) -> list[dict]:
    """One row per dimension: the category's inherent risk and, with a country, the country's
    risk and the saliency, each with its evidence."""
    salient = saliency(profile, context) if context else {}
    dims = dimensions()
    return [
        {
            "dimension": name,
            "name": dims.loc[name, f"name_{lang}"],
            "inherent": risk.inherent,
            "status": label(KINDS, risk.status, lang),
            "severity": int(dims.loc[name, "severity"]),
            "country_risk": None if context is None else context.risks.get(name),
            "saliency": salient.get(name),
            "evidence": _said(risk.evidence, lang),
            "country_evidence": []
            if context is None
            else _said(context.evidence.get(name, []), lang),
        }
        for name, risk in profile.dimensions.items()
    ]


def _show(rows: list[dict], title: str, lang: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    *headings, more_text = HEADINGS[lang]
    table = Table(*headings, show_lines=True, title=title)
    for r in rows:
        shown = [f"[{e['source']}] {e['detail']}" for e in r["evidence"][:6]]
        if len(r["evidence"]) > 6:
            shown.append(more_text.format(n=len(r["evidence"]) - 6))
        shown += [f"[{e['source']}] {e['detail']}" for e in r["country_evidence"]]
        table.add_row(
            r["name"],
            label(KINDS, "missing", lang) if r["inherent"] is None else str(r["inherent"]),
            r["status"],
            str(r["severity"]),
            "" if r["country_risk"] is None else number(r["country_risk"], 2, lang),
            "" if r["saliency"] is None else number(r["saliency"], 1, lang),
            escape("\n".join(shown)),
        )
    console.print(table)
