"""Gap analyses are kept, never overwritten: each is a dated version, so the next one shows
progress (and feeds monitoring)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..agencies.models import Agency


class GapAssessment(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="gap_assessments", verbose_name=_("agency")
    )
    date = models.DateField(_("date"))
    answers = models.JSONField(_("answers"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("gap analysis")
        verbose_name_plural = _("gap analyses")
        ordering = ["-date", "-created"]

    def __str__(self) -> str:
        return f"{self.agency} {self.date}"

    def document(self) -> dict[str, Any]:
        """The answers in the form the core reads (as a YAML or JSON answers file would)."""
        return {"agency": self.agency.name, "date": self.date.isoformat(), "answers": self.answers}

    def previous(self) -> GapAssessment | None:
        return (
            GapAssessment.objects.filter(agency=self.agency, date__lt=self.date)
            .order_by("-date", "-created")
            .first()
        )
