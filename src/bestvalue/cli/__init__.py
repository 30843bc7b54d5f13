"""The ``bestvalue`` command line: one module per subcommand, thin over the Python API.

Domain errors become one-line messages and a non-zero exit status here, at the edge, and nowhere
else (as in ocdskit).
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import BestValueError
from . import (
    assess,
    chart,
    classify,
    economics,
    evaluate_bids,
    export,
    gap,
    indicators,
    ingest,
    prioritise,
    profile,
    spend,
    sql,
    tables,
    tender_package,
    valuechain,
)

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bestvalue")
def cli() -> None:
    """bestvalue: best value for money in public procurement, with human-rights due diligence.

    Load OCDS data into a warehouse, classify its items, see where the money goes, assess and
    rank the human-rights risks of its categories, write the country report, query and export.
    """


for module in (
    ingest,
    assess,
    classify,
    spend,
    prioritise,
    profile,
    valuechain,
    chart,
    economics,
    evaluate_bids,
    gap,
    tender_package,
    indicators,
    tables,
    sql,
    export,
):
    cli.add_command(module.command)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="bestvalue", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BestValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted: nothing was committed.", err=True)
        sys.exit(130)
