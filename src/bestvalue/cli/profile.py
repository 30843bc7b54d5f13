"""``bestvalue profile``: a category's inherent risk on every dimension, with the evidence."""

from __future__ import annotations

import json

import click

from ..categories.taxonomy import taxonomy, unspsc_code
from ..messages import message
from ..numbers import number
from ..risk import category_profile, country_context, saliency
from ..risk.countries import iso3
from ..risk.profiles import KINDS, dimensions
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
    salient = saliency(profile, context) if context else {}
    dims = dimensions()
    rows = []
    for name, risk in profile.dimensions.items():
        rows.append(
            {
                "dimension": name,
                "name": dims.loc[name, f"name_{lang}"],
                "inherent": risk.inherent,
                "status": KINDS[risk.status][lang],
                "severity": int(dims.loc[name, "severity"]),
                "country_risk": None if context is None else context.risks.get(name),
                "saliency": salient.get(name),
                "evidence": [
                    {"source": e.source, "detail": e.text(lang), "kind": e.kind}
                    for e in risk.evidence
                ],
            }
        )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "category": code,
                    "name": taxonomy().label(code, lang),
                    "dimensions": rows,
                    "goods": profile.goods,
                    "scope_to_improve": profile.scope_to_improve,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    from rich.markup import escape
    from rich.table import Table

    *headings, more_text = HEADINGS[lang]
    table = Table(
        *headings,
        show_lines=True,
        title=f"{code} {taxonomy().label(code, lang)}",
    )
    for r in rows:
        shown = "\n".join(escape(f"[{e['source']}] {e['detail']}") for e in r["evidence"][:6])
        more = len(r["evidence"]) - 6
        shown += "\n" + more_text.format(n=more) if more > 0 else ""
        cr = "" if r["country_risk"] is None else number(r["country_risk"], 2, lang)
        sal = "" if r["saliency"] is None else number(r["saliency"], 1, lang)
        table.add_row(
            r["name"],
            KINDS["missing"][lang] if r["inherent"] is None else str(r["inherent"]),
            r["status"],
            str(r["severity"]),
            cr,
            sal,
            shown,
        )
    console.print(table)
