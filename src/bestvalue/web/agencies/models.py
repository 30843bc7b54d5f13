"""An agency owns a warehouse of its own; users belong to agencies with a role."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ...errors import BestValueError


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    ANALYST = "analyst", _("Analyst")
    PROCURER = "procurer", _("Procurer")
    SUPPLIER = "supplier", _("Supplier")
    AUDITOR = "auditor", _("Auditor")


# What each role may do; a role not listed for an action is refused (403).
CAN = {
    "view_data": {Role.ADMINISTRATOR, Role.ANALYST, Role.PROCURER, Role.AUDITOR},
    "upload": {Role.ADMINISTRATOR, Role.ANALYST},
    "assess": {Role.ADMINISTRATOR, Role.ANALYST, Role.PROCURER, Role.AUDITOR},
    "gap_view": {Role.ADMINISTRATOR, Role.ANALYST, Role.PROCURER, Role.AUDITOR},
    "gap_edit": {Role.ADMINISTRATOR, Role.ANALYST},
    "tender": {Role.ADMINISTRATOR, Role.ANALYST, Role.PROCURER},
    "economics": {Role.ADMINISTRATOR, Role.ANALYST, Role.PROCURER, Role.AUDITOR},
    "manage_members": {Role.ADMINISTRATOR},
}


def validate_country(value: str) -> None:
    """An agency's data is tagged with its country at every upload: refuse a code that names
    none when the agency is made, not at its first upload."""
    from ...warehouse.ingest import country_code  # (here: the warehouse loads DuckDB)

    try:
        country_code(value)
    except BestValueError as exc:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 alpha-2 country code, e.g. PY."),
            params={"value": value},
        ) from exc


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("ISO 3166 alpha-2 code, e.g. PY."),
        validators=[validate_country],
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def folder(self) -> Path:
        return Path(settings.DATA_DIR) / f"agency-{self.pk}"

    @property
    def warehouse_path(self) -> Path:
        return self.folder / "bestvalue.duckdb"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency")
        ]


class Upload(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Loading")
        DONE = "done", _("Loaded")
        FAILED = "failed", _("Failed")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("agency")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    source = models.CharField(
        _("source"), max_length=500, help_text=_("The uploaded file, or a path on the server.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    processes = models.IntegerField(_("processes"), default=0)
    releases = models.IntegerField(_("releases"), default=0)
    skipped = models.IntegerField(
        _("files already loaded"),
        default=0,
        help_text=_("Files whose content was loaded before: they add nothing."),
    )
    rejects = models.JSONField(_("rejects"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created"]
