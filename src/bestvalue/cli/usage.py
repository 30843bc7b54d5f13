"""Help and usage errors in the reader's language.

Click writes its help and usage errors in English. With ``--lang es`` the command line shows
each command's help in Spanish (``help_es``: a copy of the command with its texts translated,
and a formatter that says click's own words) and says usage errors again in Spanish by
recognising click's sentences (click 8's wording; a sentence it does not know stays in English,
as it was), and the subcommands' own refusals through the core's catalogue
(:mod:`bestvalue.messages`). The language is read from the arguments before click parses them,
so that a parsing error, or ``--help``, is said in it too.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

import click

from ..messages import say
from .common import LANGUAGES
from .help_es import HELP_ES, WORDS_ES

__all__ = ["in_spanish", "language_of", "show"]

# Click's sentences, in the order they are tried; {inner} is said again in turn.
CLICK_ES: tuple[tuple[str, str], ...] = (
    (r"Invalid value for (?P<hint>.+?): (?P<inner>.*)", "Valor no válido para {hint}: {inner}"),
    (r"Invalid value: (?P<inner>.*)", "Valor no válido: {inner}"),
    (r"Missing argument (?P<hint>.+?)\.(?P<rest>.*)", "Falta el argumento {hint}.{rest}"),
    (r"Missing option (?P<hint>.+?)\.(?P<rest>.*)", "Falta la opción {hint}.{rest}"),
    (r"Missing command\.", "Falta el comando."),
    (r"No such option (?P<name>'[^']*')\.(?P<rest>.*)", "No existe la opción {name}.{rest}"),
    (r"No such command (?P<name>'[^']*')\.(?P<rest>.*)", "No existe el comando {name}.{rest}"),
    (r"Option (?P<name>.+) requires an argument\.", "La opción {name} requiere un argumento."),
    (
        r"Option (?P<name>.+) requires (?P<n>\d+) arguments\.",
        "La opción {name} requiere {n} argumentos.",
    ),
    (r"Option (?P<name>.+) does not take a value\.", "La opción {name} no admite un valor."),
    (
        r"Got unexpected extra arguments? \((?P<args>.*)\)",
        "Argumentos adicionales inesperados ({args})",
    ),
    (
        r"(?P<value>.+) is not one of (?P<choices>.+)\.",
        "{value} no es una de estas opciones: {choices}.",
    ),
    (r"(?P<value>.+) is not (?P<choice>'[^']*')\.", "{value} no es {choice}."),
    (
        r"(?P<value>.+) is not a valid integer(?: range)?\.",
        "{value} no es un número entero válido.",
    ),
    (r"(?P<value>.+) is not a valid float(?: range)?\.", "{value} no es un número válido."),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", "{value} no está en el rango {range}."),
    (r"(?:file|directory|path) (?P<name>'.*') does not exist\.", "{name} no existe."),
    (r"(?:file|directory|path) (?P<name>'.*') is a directory\.", "{name} es una carpeta."),
    (r"(?:file|directory|path) (?P<name>'.*') is a file\.", "{name} es un archivo."),
    (r"(?:file|directory|path) (?P<name>'.*') is not readable\.", "{name} no se puede leer."),
    (r"(?:file|directory|path) (?P<name>'.*') is not writable\.", "{name} no se puede escribir."),
)
_PATTERNS = tuple(
    (re.compile(pattern, re.DOTALL | re.IGNORECASE), said) for pattern, said in CLICK_ES
)
# Click's suggestions after an unknown option or command.
SUGGESTIONS_ES = (
    (" (Did you mean one of: ", " (¿Quiso decir una de estas: "),
    (" Did you mean ", " ¿Quiso decir "),
)


def language_of(args: Sequence[str]) -> str:
    """The language that ``--lang`` asks for in ``args`` (English when none does, or when it
    asks for one the command line does not offer: click then refuses it, in English)."""
    asked = "en"
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            asked = args[i + 1]
            break
        if arg.startswith("--lang="):
            asked = arg.partition("=")[2]
            break
    return asked if asked in LANGUAGES else "en"


def translate(text: str, lang: str) -> str:
    """A usage error's message in ``lang``: click's sentence and the sentence inside it."""
    if lang != "es":
        return text
    for pattern, said in _PATTERNS:
        if found := pattern.fullmatch(text):
            values = found.groupdict()
            if "inner" in values:
                values["inner"] = translate(values["inner"], lang)
            said = said.format(**values)
            for english, spanish in SUGGESTIONS_ES:
                said = said.replace(english, spanish)
            return said
    return say(text, lang)


def show(exc: click.ClickException, lang: str, file: IO[str] | None = None) -> None:
    """Show ``exc`` as click does (usage, hint, ``Error: ...``), in ``lang``."""
    if lang != "es":
        exc.show(file)
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage:", WORDS_ES["Usage:"], 1)
        names = ctx.command.get_help_option_names(ctx)
        hint = WORDS_ES["Try '{command} {option}' for help."].format(
            command=ctx.command_path, option=max(names, key=len)
        )
        click.echo(f"{usage}\n{hint if names else ''}\n", file=file, err=True)
    click.echo(f"Error: {translate(exc.format_message(), lang)}", file=file, err=True)


class SpanishFormatter(click.HelpFormatter):
    """Click's help page with click's own words in Spanish."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=WORDS_ES["Usage:"] + " ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(WORDS_ES.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _spanish_text(text)) for term, text in rows], *args, **kwargs)


def _spanish_text(text: str) -> str:
    """An option's help line: its help and click's ``[default: ...]``, ``[required]``."""
    for english in ("default:", "required"):
        text = text.replace(f"[{english}", f"[{WORDS_ES[english]}")
    return HELP_ES.get(text, text)


class SpanishContext(click.Context):
    formatter_class = SpanishFormatter


def in_spanish(command: click.Command) -> click.Command:
    """A copy of ``command`` whose help, and its options' help, are in Spanish."""
    clone = copy.copy(command)
    if command.help:
        clone.help = HELP_ES.get(inspect.cleandoc(command.help), command.help)
    clone.params = [_param_in_spanish(p) for p in command.params]
    clone.context_class = SpanishContext
    if isinstance(command, click.Group) and not hasattr(command, "lazy"):
        assert isinstance(clone, click.Group)
        clone.commands = {name: in_spanish(sub) for name, sub in command.commands.items()}
    return clone


def _param_in_spanish(param: click.Parameter) -> click.Parameter:
    said = HELP_ES.get(getattr(param, "help", None) or "")
    if not said:
        return param
    clone = copy.copy(param)
    clone.help = said  # type: ignore[attr-defined]
    return clone
