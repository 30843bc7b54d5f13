from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from .models import Role


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


class MemberForm(forms.Form):
    """Add a person to the agency: an existing account by its user name, or a new one."""

    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Password (only for a new account)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters. Leave empty to add an existing account."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        exists = get_user_model().objects.filter(username=data.get("username")).exists()
        password = str(data.get("password") or "")
        if not exists and not password:
            raise forms.ValidationError(_("No account has that user name: give a password."))
        if not exists:
            password_validation.validate_password(password)
        return data
