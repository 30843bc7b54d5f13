from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def check_server_path(path: str) -> str:
    """The resolved path, if it lies in a folder the administrator allowed; else a form error."""
    resolved = Path(path).resolve()
    allowed = [Path(p).resolve() for p in settings.UPLOAD_ROOTS]
    if not any(resolved.is_relative_to(root) for root in allowed):
        raise forms.ValidationError(_("That path is not in a folder the administrator allowed."))
    if not resolved.exists():
        raise forms.ValidationError(_("No such file or folder on the server."))
    return str(resolved)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("OCDS file (.json, .jsonl, .gz or .zip)"), required=False)
    server_path = forms.CharField(
        label=_("Or a path on the server (for large files)"),
        required=False,
        help_text=_("Only inside the folders the administrator allowed."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("server_path"):
            raise forms.ValidationError(_("Choose a file or give a path on the server."))
        if data.get("server_path"):
            data["server_path"] = check_server_path(str(data["server_path"]))
        return data
