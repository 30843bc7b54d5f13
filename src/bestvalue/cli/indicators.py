"""``bestvalue indicators``: the evidence loaded, with its source and coverage; add your own."""

from __future__ import annotations

from pathlib import Path

import click

from ..numbers import number
from ..provenance import indicator_rows
from ..risk.indicators import import_indicator
from .common import console, format_option, lang_option, render_listing


@click.group("indicators")
def command() -> None:
    """List the risk indicators, or import your own (such as ITUC ratings from the report)."""


@command.command("list")
@format_option("table", "json", "csv")
@lang_option
def list_(fmt: str, lang: str) -> None:
    """Every indicator: publisher, edition, licence and coverage (countries, Americas)."""
    brief = ("id", "title", "countries", "americas", "imported")
    render_listing(indicator_rows(lang), fmt, lang, brief)


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--meta",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON: id, title, publisher, edition, address, licence, retrieved, min, max, "
    "higher_is_worse; optionally title_es, edition_es and licence_es (in Spanish).",
)
@lang_option
def import_(file: Path, meta: Path, lang: str) -> None:
    """Import FILE (CSV: country, value[, year]) with its metadata."""
    ind = import_indicator(file, meta)
    console.print(
        IMPORTED[lang].format(
            id=ind.id,
            title=ind.title_in(lang),
            countries=number(len(ind.values), 0, lang),
            americas=ind.coverage()["americas"],
        )
    )


IMPORTED = {
    "en": "Imported {id} ({title}): {countries} countries ({americas} in the Americas).",
    "es": "Se importó {id} ({title}): {countries} países ({americas} en las Américas).",
}
