"""``python -m bestvalue.web demo``: a demo agency with the bundled Paraguay sample loaded."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ... import jobs
from ...models import Agency, Membership, Role, Upload


class Command(BaseCommand):
    help = (
        "Create the demo agency and user, and load the bundled sample (DNCP Paraguay, CC BY 4.0)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        agency, created = Agency.objects.get_or_create(name="DNCP Paraguay (demo)", country="PY")
        password = os.environ.get("BESTVALUE_DEMO_PASSWORD", "demo-password-change-me")
        user, _ = get_user_model().objects.get_or_create(username="demo")
        user.set_password(password)
        user.save()
        Membership.objects.get_or_create(
            user=user, agency=agency, defaults={"role": Role.ADMINISTRATOR}
        )
        if created or not agency.uploads.filter(status=Upload.Status.DONE).exists():
            sample = Path(str(resources.files("bestvalue") / "data" / "sample" / "paraguay-dncp"))
            upload = Upload.objects.create(agency=agency, created_by=user, source=str(sample))
            jobs.run(upload.pk)
            upload.refresh_from_db()
            self.stdout.write(f"Loaded the sample: {upload.status}, {upload.processes} processes.")
        self.stdout.write(f"Demo agency ready. Log in as 'demo' with the password '{password}'.")
