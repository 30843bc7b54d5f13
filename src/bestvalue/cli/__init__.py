"""The ``bestvalue`` command line: one module per subcommand, thin over the Python API.

Domain errors become one-line messages and a non-zero exit status here, at the edge, and nowhere
else (as in ocdskit).
"""

from __future__ import annotations

import importlib
import sys
from typing import NoReturn

import click

from .. import __version__
from ..errors import BestValueError
from ..messages import message, say
from .common import LANG, lang_option
from .usage import in_spanish, language_of, show

__all__ = ["cli", "main"]

# Each subcommand's module is imported when that command runs (or help lists them all): the
# modules behind ``assess`` or ``chart`` load pandas and matplotlib, which ``ingest`` never needs.
COMMANDS = (
    "ingest",
    "assess",
    "classify",
    "spend",
    "prioritise",
    "profile",
    "valuechain",
    "chart",
    "economics",
    "evaluate-bids",
    "gap",
    "tender-package",
    "indicators",
    "sources",
    "tables",
    "sql",
    "export",
)  # each in the module of its name, with _ for -


class _LazyGroup(click.Group):
    lazy = True  # its subcommands are imported, and said in Spanish, as they are asked for

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{cmd_name.replace('-', '_')}")
        command: click.Command = module.command
        return in_spanish(command) if LANG["current"] == "es" else command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bestvalue")
@lang_option
def cli(lang: str) -> None:
    """bestvalue: best value for money in public procurement, with human-rights due diligence.

    Load OCDS data into a warehouse, classify its items, see where the money goes, assess and
    rank the human-rights risks of its categories, write the country report, query and export.
    """


def main(argv: list[str] | None = None) -> None:
    # Read before click parses, so that --help and a parsing error are said in it too; each
    # --lang option's callback keeps it after that.
    LANG["current"] = language_of(sys.argv[1:] if argv is None else argv)
    group = in_spanish(cli) if LANG["current"] == "es" else cli
    try:
        group.main(args=argv, prog_name="bestvalue", standalone_mode=False)
    except click.exceptions.Abort as exc:  # click's word for Ctrl-C (or a prompt refused)
        if isinstance(exc.__context__, KeyboardInterrupt):
            _interrupted()
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except RuntimeError as exc:  # DuckDB's word for Ctrl-C during a query
        if str(exc) != "Query interrupted":
            raise
        _interrupted()
    except click.ClickException as exc:
        show(exc, LANG["current"])
        sys.exit(exc.exit_code)
    except BestValueError as exc:
        click.echo(f"Error: {say(exc, LANG['current'])}", err=True)
        sys.exit(1)
    except OSError as exc:  # a file to read or write that the system refused: named, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        said = say(message("file_refused", detail=exc.strerror or exc), LANG["current"])
        click.echo(f"Error: {where}{said}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        _interrupted()


def _interrupted() -> NoReturn:
    click.echo(say(message("interrupted"), LANG["current"]), err=True)
    sys.exit(130)
