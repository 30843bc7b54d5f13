"""``bestvalue tender-package``: requirements for a category's salient risks, ready to paste."""

from __future__ import annotations

from pathlib import Path

import click

from ..categories.taxonomy import unspsc_code
from ..duediligence import FORMATS, render, tender_package
from ..messages import message
from .common import emit, format_option, lang_option


@click.command("tender-package")
@click.option("--category", required=True, help="UNSPSC code, e.g. 72100000.")
@click.option("--country", required=True, help="ISO 3166 code of the buyer's country.")
@click.option(
    "--library",
    "extra",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The agency's own requirements (JSON or YAML), added to the library; an id already in "
    "the library replaces it. Repeatable.",
)
@lang_option
@format_option(*FORMATS)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
def command(
    category: str,
    country: str,
    extra: tuple[Path, ...],
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Requirements stage by stage, and a supplier self-assessment, for a CATEGORY."""
    code = unspsc_code(category)
    if code is None:
        raise click.BadParameter(
            message("not_unspsc", value=repr(category)), param_hint="--category"
        )
    emit(render(tender_package(code, country, lang, extra), lang, fmt), output)
