"""``bestvalue sources``: what every figure rests on, with its edition, licence and address."""

from __future__ import annotations

import click

from ..provenance import datasets
from .common import format_option, lang_option, render_listing


@click.command("sources")
@format_option("table", "json", "csv")
@lang_option
def command(fmt: str, lang: str) -> None:
    """The reference tables bestvalue ships: edition, licence, address; * an assumption."""
    rows = datasets(lang)
    if fmt == "table":  # an assumption marked in its title
        rows = [r | {"title": r["title"] + " *"} if r["assumption"] else r for r in rows]
    render_listing(rows, fmt, lang, ("id", "title", "edition", "licence"))
    if fmt == "table":
        click.echo(NOTE[lang])


NOTE = {
    "en": "* curated by bestvalue, labelled an assumption: review it and replace it with your own"
    " file. Risk indicators: bestvalue indicators list.",
    "es": "* curado por bestvalue y etiquetado como supuesto: revíselo y reemplácelo por su propio"
    " archivo. Indicadores de riesgo: bestvalue indicators list.",
}
