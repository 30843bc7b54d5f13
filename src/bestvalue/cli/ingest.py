"""``bestvalue ingest``: load OCDS files into the warehouse."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import (
    BarColumn,
    DownloadColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.progress import (
    Progress as Bar,
)
from rich.text import Text

from ..warehouse.ingest import IngestReport, Progress, ingest
from .common import console, err_console, open_from, warehouse_options


class _Amount(ProgressColumn):
    """Bytes (with speed) while reading, a count of processes while compiling."""

    def __init__(self) -> None:
        super().__init__()
        self._bytes, self._speed = DownloadColumn(), TransferSpeedColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":
            return Text.assemble(self._bytes.render(task), " ", self._speed.render(task))
        if task.fields.get("unit") != "compile":
            return Text("")
        total = f"/{task.total:,.0f}" if task.total else ""
        return Text(f"{task.completed:,.0f}{total} processes")


class RichProgress(Progress):
    """Bytes read with MB/s, documents per second, then the compile, then the write."""

    LABELS = {"compile": "Compiling", "write": "Writing the warehouse"}

    def __init__(self, bar: Bar) -> None:
        self.bar, self.documents = bar, 0
        self.read: TaskID | None = None
        self.current: TaskID | None = None

    def start(self, total_bytes: int, files: int) -> None:
        self.read = self.bar.add_task(
            f"Reading {files} file(s)", total=total_bytes or None, docs="0 docs", unit="bytes"
        )

    def advance(self, nbytes: int, documents: int) -> None:
        self.documents += documents
        elapsed = self.bar.tasks[self.read].elapsed or 0.0 if self.read is not None else 0.0
        rate = f"{self.documents / elapsed:,.0f} docs/s" if elapsed else ""
        if self.read is not None:
            self.bar.update(self.read, advance=nbytes, docs=f"{self.documents:,} docs {rate}")

    def phase(self, name: str, total: int | None = None) -> None:
        self.done()
        label = self.LABELS.get(name, name)
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
@warehouse_options
def command(paths: tuple[str, ...], country: str | None, skip_bad: bool, **options: Any) -> None:
    """Load OCDS files, directories, .gz or .zip archives into the warehouse.

    Any shape: release or record packages, bare releases or records, JSON arrays, JSON lines,
    concatenated JSON; OCDS 1.0 or 1.1; UTF-8 or ISO-8859-1. All or nothing: without --skip-bad
    the first bad document stops the ingest and the warehouse stays as it was.
    """
    if country and (len(country) != 2 or not country.isalpha()):
        raise click.BadParameter(
            "use a two-letter ISO 3166-1 code, e.g. PY", param_hint="--country"
        )
    with open_from(options) as warehouse:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            _Amount(),
            TextColumn("{task.fields[docs]}"),
            TimeElapsedColumn(),
        )
        with Bar(*columns, console=err_console, transient=False) as bar:
            progress = RichProgress(bar)
            report = ingest(paths, warehouse, country=country, skip_bad=skip_bad, progress=progress)
            progress.done()
        _summary(report, warehouse.location)


def _summary(report: IngestReport, location: Any) -> None:
    mb = report.bytes / 1e6
    speed = f"{mb / report.seconds:.1f} MB/s" if report.seconds else ""
    console.print(
        f"Loaded {report.files} file(s), {mb:.1f} MB in {report.seconds:.1f} s ({speed}): "
        f"{report.releases:,} releases and {report.compiled_releases:,} compiled releases "
        f"into {report.processes:,} processes, in {location}."
    )
    if report.skipped:
        console.print(f"Skipped {len(report.skipped)} file(s) already loaded (same content).")
    if report.rejects:
        console.print(
            f"[yellow]Rejected {len(report.rejects)} document(s)[/yellow]; "
            'see them with: bestvalue sql "SELECT * FROM rejects"'
        )
        for reject in report.rejects[:5]:
            where = f" ({reject['location']})" if reject["location"] else ""
            console.print(f"  {reject['path']}{where}: {reject['reason']}", markup=False)
