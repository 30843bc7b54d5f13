"""``python -m bestvalue.web work``: load queued uploads (with BESTVALUE_WEB_JOBS=queue)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ... import jobs


class Command(BaseCommand):
    help = "Load the queued uploads, oldest first; with --once, stop when none is left."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds between looks.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        while True:
            upload = jobs.claim()
            if upload is None:
                if options["once"]:
                    break
                close_old_connections()
                time.sleep(options["poll"])
                continue
            jobs.run(upload)
            done += 1
            self.stdout.write(f"upload {upload}: {jobs.outcome(upload)}")
        self.stdout.write(f"{done} upload(s) loaded")
