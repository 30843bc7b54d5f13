"""``bestvalue ingest``: load OCDS files into the warehouse."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import (
    Progress as Bar,
)
from rich.table import Column
from rich.text import Text

from ..errors import BestValueError
from ..messages import message, pick, say, say_location
from ..numbers import number, size
from ..warehouse.ingest import IngestReport, Progress, country_code, ingest, other_countries
from .common import console, err_console, lang_option, open_from, warehouse_options

# What the command says, in English and Spanish (``--lang``).
MESSAGES: dict[str, dict[str, str]] = {
    "reading": {"en": "Reading {files} file(s)", "es": "Leyendo {files} archivo(s)"},
    "compile": {"en": "Compiling", "es": "Compilando"},
    "write": {"en": "Writing the warehouse", "es": "Escribiendo el almacén"},
    "retag": {"en": "Changing the country", "es": "Cambiando el país"},
    "processes": {"en": "{done}{total} processes", "es": "{done}{total} procesos"},
    "documents": {"en": "{count} docs{rate}", "es": "{count} docs{rate}"},
    "rate": {"en": ", {rate}/s", "es": ", {rate}/s"},
    "loaded": {
        "en": "Loaded {files} file(s), {size} in {seconds} s ({speed}): {releases} releases "
        "and {compiled} compiled releases into {processes} processes, in {location}.",
        "es": "Se cargaron {files} archivo(s), {size} en {seconds} s ({speed}): {releases} "
        "entregas y {compiled} entregas compiladas en {processes} procesos, en "
        "{location}.",
    },
    "nothing_new": {
        "en": "Nothing new was loaded into {location}.",
        "es": "No se cargó nada nuevo en {location}.",
    },
    "skipped": {
        "en": "Skipped {count} file(s) already loaded (same content).",
        "es": "Se omitieron {count} archivo(s) ya cargados (mismo contenido).",
    },
    "other_country": {
        "en": "[yellow]{count} of them were loaded {how}: --country {country} does not change "
        "their processes[/yellow] (a file's content is loaded once; add --retag to give them "
        "country {country}).",
        "es": "[yellow]{count} de ellos se cargaron {how}: --country {country} no cambia sus "
        "procesos[/yellow] (el contenido de un archivo se carga una sola vez; agregue --retag "
        "para darles el país {country}).",
    },
    "other_country_mixed": {
        "en": "[yellow]{count} of them were loaded before, {without} without a country and "
        "{tagged} {how}: --country {country} does not change their processes[/yellow] (a file's "
        "content is loaded once; add --retag to give them country {country}).",
        "es": "[yellow]{count} de ellos se cargaron antes, {without} sin país y {tagged} {how}: "
        "--country {country} no cambia sus procesos[/yellow] (el contenido de un archivo se "
        "carga una sola vez; agregue --retag para darles el país {country}).",
    },
    "retagged": {
        "en": "Gave country {country} to {count} file(s) loaded before {how}: {processes} "
        "process(es) changed country.",
        "es": "Se dio el país {country} a {count} archivo(s) cargados antes {how}: {processes} "
        "proceso(s) cambiaron de país.",
    },
    "retagged_mixed": {
        "en": "Gave country {country} to {count} file(s) loaded before, {without} without a "
        "country and {tagged} {how}: {processes} process(es) changed country.",
        "es": "Se dio el país {country} a {count} archivo(s) cargados antes, {without} sin país "
        "y {tagged} {how}: {processes} proceso(s) cambiaron de país.",
    },
    "without_country": {"en": "without a country", "es": "sin país"},
    "with_country": {"en": "with country {countries}", "es": "con el país {countries}"},
    "with_countries": {"en": "with countries {countries}", "es": "con los países {countries}"},
    "rejected": {
        "en": "[yellow]Rejected {count} document(s)[/yellow]; see them with: {command}",
        "es": "[yellow]Se rechazaron {count} documento(s)[/yellow]; véalos con: {command}",
    },
    "unlinked": {
        "en": "[yellow]{count} record(s) only link to releases that are not loaded[/yellow]: "
        "their processes are missing; see them with: {command}",
        "es": "[yellow]{count} registro(s) solo enlazan entregas que no están cargadas[/yellow]: "
        "faltan sus procesos; véalos con: {command}",
    },
}


def _say(key: str, lang: str, **values: object) -> str:
    return pick(MESSAGES[key], lang).format(**values)


def _one_line() -> Column:
    """A column of the bar that never wraps: in a terminal of 80 columns, the speed's "MB/s"
    went to a line of its own, under the bar; the bar is made shorter instead."""
    return Column(no_wrap=True)


def columns(lang: str) -> tuple[ProgressColumn, ...]:
    """The bar's columns: the phase, the bar, bytes and speed (or processes), documents and
    their rate, the time."""
    return (
        TextColumn("{task.description}", table_column=_one_line()),
        BarColumn(),
        _Amount(lang),
        TextColumn("{task.fields[docs]}", table_column=_one_line()),
        TimeElapsedColumn(),
    )


class _Amount(ProgressColumn):
    """Bytes (with speed) while reading, a count of processes while compiling."""

    def __init__(self, lang: str = "en") -> None:
        super().__init__(table_column=_one_line())
        self.lang = lang

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":  # in the language's marks, as the summary
            speed = task.finished_speed or task.speed
            rate = f" {size(speed, self.lang)}/s" if speed else ""
            return Text(f"{size(task.completed, self.lang, of=task.total)}{rate}")
        if task.fields.get("unit") != "compile":
            return Text("")
        total = "/" + number(task.total, 0, self.lang) if task.total else ""
        done = number(task.completed, 0, self.lang)
        return Text(_say("processes", self.lang, done=done, total=total))


class RichProgress(Progress):
    """Bytes read with MB/s, documents per second, then the compile, then the write."""

    def __init__(self, bar: Bar, lang: str = "en") -> None:
        self.bar, self.documents, self.lang = bar, 0, lang
        self.read: TaskID | None = None
        self.current: TaskID | None = None

    def start(self, total_bytes: int, files: int) -> None:
        self.read = self.bar.add_task(
            _say("reading", self.lang, files=files),
            total=total_bytes or None,
            docs=_say("documents", self.lang, count=0, rate=""),
            unit="bytes",
        )

    def advance(self, nbytes: int, documents: int) -> None:
        self.documents += documents
        elapsed = self.bar.tasks[self.read].elapsed or 0.0 if self.read is not None else 0.0
        per_second = number(self.documents / elapsed, 0, self.lang) if elapsed else ""
        rate = _say("rate", self.lang, rate=per_second) if elapsed else ""
        docs = _say("documents", self.lang, count=number(self.documents, 0, self.lang), rate=rate)
        if self.read is not None:
            self.bar.update(self.read, advance=nbytes, docs=docs)

    def phase(self, name: str, total: int | None = None) -> None:
        self.done()
        label = _say(name, self.lang) if name in MESSAGES else name
        self.current = self.bar.add_task(label, total=total, docs="", unit=name)

    def done(self) -> None:
        """Show the current phase as finished (one without a total, like the write, pulses)."""
        if self.current is not None:
            task = self.bar.tasks[self.current]
            self.bar.update(self.current, total=task.total or 1, completed=task.total or 1)

    def step(self, n: int = 1) -> None:
        if self.current is not None:
            self.bar.update(self.current, advance=n)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--country", metavar="ISO2", help="Country of the data (ISO 3166-1 alpha-2).")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Load the good data and record each bad document in the rejects table.",
)
@click.option(
    "--retag",
    is_flag=True,
    help="Give the files given that were loaded before with another country (or none) the "
    "country of --country too, and their processes.",
)
@lang_option
@warehouse_options
def command(
    paths: tuple[str, ...],
    country: str | None,
    skip_bad: bool,
    retag: bool,
    lang: str,
    **options: Any,
) -> None:
    """Load OCDS files, directories, .gz or .zip archives into the warehouse.

    Any shape: release or record packages, bare releases or records, JSON arrays, JSON lines,
    concatenated JSON; OCDS 1.0 or 1.1; UTF-8 or ISO-8859-1. All or nothing: without --skip-bad
    the first bad document stops the ingest and the warehouse stays as it was.
    """
    try:
        country = country_code(country)
    except BestValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--country") from exc
    if retag and country is None:
        raise click.UsageError(say(message("retag_needs_country"), lang))
    with open_from(options, create=True) as warehouse:
        with Bar(*columns(lang), console=err_console, transient=False) as bar:
            progress = RichProgress(bar, lang)
            report = ingest(
                paths,
                warehouse,
                country=country,
                skip_bad=skip_bad,
                progress=progress,
                retag=retag,
            )
            progress.done()
        _summary(report, warehouse.location, lang, country)


def _summary(report: IngestReport, location: Any, lang: str, country: str | None = None) -> None:
    speed = f"{size(report.bytes / report.seconds, lang)}/s" if report.seconds else ""
    console.print(
        _say("nothing_new", lang, location=location)
        if not report.files  # (a re-run: "Loaded 0 file(s), 0 bytes ... (0 bytes/s)" said little)
        else _say(
            "loaded",
            lang,
            files=report.files,
            size=size(report.bytes, lang),
            seconds=number(report.seconds, 1, lang),
            speed=speed,
            releases=number(report.releases, 0, lang),
            compiled=number(report.compiled_releases, 0, lang),
            processes=number(report.processes, 0, lang),
            location=location,
        )
    )
    if report.skipped:
        console.print(_say("skipped", lang, count=len(report.skipped)))
    if report.other_country:
        console.print(_other_country(report.other_country, lang, country))
    if report.retagged:
        console.print(
            _other_country(report.retagged, lang, country, report.retagged_processes),
            markup=False,
        )
    command = 'bestvalue sql "SELECT * FROM rejects"'
    if report.rejects:
        console.print(_say("rejected", lang, count=len(report.rejects), command=command))
        _listed(report.rejects, lang)
    if report.unlinked:
        console.print(_say("unlinked", lang, count=len(report.unlinked), command=command))
        _listed(report.unlinked, lang)


def _other_country(
    rows: list[dict[str, Any]], lang: str, country: str | None, retagged: int | None = None
) -> str:
    """The skipped files that keep the country they were loaded with (each group counted, as
    ``bestvalue assess`` says it), and what to do; or, ``retagged`` (how many processes changed
    country), those that were given ``country``."""
    countries, tagged, without = other_countries(rows)
    if countries:
        kind = "with_country" if len(countries) == 1 else "with_countries"
        how = _say(kind, lang, countries=", ".join(countries))
    else:
        how = _say("without_country", lang)
    key = "retagged" if retagged is not None else "other_country"
    key += "_mixed" if countries and without else ""
    count, processes = tagged + without, number(retagged or 0, 0, lang)
    return _say(
        key,
        lang,
        count=count,
        without=without,
        tagged=tagged,
        how=how,
        country=country,
        processes=processes,
    )


def _listed(rows: list[dict[str, Any]], lang: str) -> None:
    for row in rows[:5]:
        where = f" ({say_location(row['location'], lang)})" if row["location"] else ""
        console.print(f"  {row['path']}{where}: {say(row['reason'], lang)}", markup=False)
