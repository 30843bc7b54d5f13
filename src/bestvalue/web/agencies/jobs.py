"""Ingestion in the background, with its progress in the database.

Two ways, chosen by ``BESTVALUE_WEB_JOBS``:

- ``thread`` (the default, for one server process): a worker thread in the web process.
- ``queue`` (for several server processes, e.g. gunicorn workers): the upload row waits as
  *queued* in the database, and ``python -m bestvalue.web work`` (one or more worker processes)
  claims and runs it. The database is the queue: no broker to install.

Either way one agency's uploads are loaded one at a time, since DuckDB allows one writer.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext_noop

from ... import ingest, open_warehouse
from ...categories import ensure_classified
from ...errors import BestValueError
from ...messages import message
from ...warehouse.progress import Progress
from ...warehouse.retag import follow_country
from . import services
from .models import Upload

# The phases the core and this job report, marked for the translation catalogues: the upload
# page shows each in the reader's language.
PHASES = (
    gettext_noop("reading"),
    gettext_noop("compile"),
    gettext_noop("write"),
    gettext_noop("Recognising codes"),
    gettext_noop("Training the text classifier"),
    gettext_noop("Classifying text"),
    gettext_noop("Writing categories"),
    gettext_noop("preparing the dashboards"),
)
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bestvalue-ingest")


class UploadProgress(Progress):
    """Saves the phase and share done to the Upload row, at most every 2% of the bytes."""

    def __init__(self, upload: Upload) -> None:
        self.upload = upload
        self.total = 0
        self.done = 0
        self.saved = 0.0

    def start(self, total_bytes: int, files: int) -> None:
        self.total = max(total_bytes, 1)
        self._save(phase="reading", progress=0.0)

    def advance(self, nbytes: int, documents: int) -> None:
        self.done += nbytes
        share = min(self.done / self.total, 1.0) * 0.8
        if share - self.saved >= 0.02:
            self.saved = share
            self._save(progress=share)

    def phase(self, name: str, total: int | None = None) -> None:
        self._save(phase=name[:100], progress=max(self.saved, 0.8))

    def _save(self, **fields: object) -> None:
        for key, value in fields.items():
            setattr(self.upload, key, value)
        self.upload.save(update_fields=list(fields))


def run(upload_id: int) -> None:
    """Load one upload into its agency's warehouse; the outcome is saved on the row."""
    upload = Upload.objects.select_related("agency").get(pk=upload_id)
    upload.status = Upload.Status.RUNNING
    upload.save(update_fields=["status"])
    agency = upload.agency
    agency.folder.mkdir(parents=True, exist_ok=True)
    try:
        with open_warehouse(agency.warehouse_path) as wh:
            follow_country(wh, agency.country)  # corrected since the last upload
            report = ingest(
                [Path(upload.source)],
                wh,
                country=agency.country,
                skip_bad=True,
                progress=UploadProgress(upload),
            )
            # Classify now, in the one writer, so that pages only ever read.
            ensure_classified(wh, progress=UploadProgress(upload))
        UploadProgress(upload).phase("preparing the dashboards")
        services.warm(agency)
        upload.status = Upload.Status.DONE
        upload.processes = report.processes
        upload.releases = report.releases
        upload.skipped = len(report.skipped)
        upload.rejects = [
            {k: str(v) for k, v in r.items() if k in ("path", "location", "reason")}
            for r in report.not_loaded
        ][:500]
        upload.progress = 1.0
        upload.phase = ""
    except BestValueError as exc:
        upload.status = Upload.Status.FAILED
        upload.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - shown to the user, and the warehouse rolled back
        upload.status = Upload.Status.FAILED
        upload.error = message("unexpected_error", detail=exc)
    upload.save()


def _threaded(upload_id: int) -> None:
    close_old_connections()  # the worker thread has its own database connection
    try:
        run(upload_id)
    finally:
        close_old_connections()


def submit(upload_id: int) -> Future[None] | None:
    """Start loading the upload now (thread), or leave it queued for a worker (queue)."""
    if settings.JOBS == "queue":
        return None
    return _POOL.submit(_threaded, upload_id)


def outcome(upload_id: int) -> str:
    upload = Upload.objects.get(pk=upload_id)
    if upload.status == Upload.Status.DONE:
        return f"loaded, {upload.processes} processes, {len(upload.rejects)} documents not loaded"
    return f"{upload.status}: {upload.error}"


def claim() -> int | None:
    """Take the oldest queued upload of an agency that is not loading another one; None when
    there is none. The conditional update makes two workers never take the same upload."""
    busy = Upload.objects.filter(status=Upload.Status.RUNNING).values("agency_id")
    waiting = (
        Upload.objects.filter(status=Upload.Status.QUEUED)
        .exclude(agency_id__in=busy)
        .order_by("created", "pk")
        .values_list("pk", flat=True)
    )
    for pk in waiting[:20]:
        taken = Upload.objects.filter(pk=pk, status=Upload.Status.QUEUED).update(
            status=Upload.Status.RUNNING
        )
        if taken:
            return int(pk)
    return None
