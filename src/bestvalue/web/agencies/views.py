"""Server-rendered pages (HTMX polls the upload progress); thin over the core."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ... import __version__, provenance
from ...categories.taxonomy import LEVELS
from ..security import client_address, is_locked, record_failure
from . import jobs, services
from .access import agencies_of, agency_for, require
from .forms import MemberForm, UploadForm
from .models import CAN, Agency, Membership, Role, Upload

LEVEL_NAMES = {
    "segment": gettext_lazy("segment"),
    "family": gettext_lazy("family"),
    "class": gettext_lazy("class"),
    "commodity": gettext_lazy("commodity"),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agencies/dashboard.html",
        {"agencies": agencies_of(request.user), "version": __version__},
    )


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    """What every figure rests on: the shipped tables and the risk indicators, with their
    editions, licences and addresses, in the page's language."""
    lang = _language(request)
    return render(
        request,
        "agencies/sources.html",
        {"datasets": provenance.datasets(lang), "indicators": provenance.indicator_rows(lang)},
    )


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    context: dict[str, object] = {
        "agency": agency,
        "role": role,
        "can": {a: role in r for a, r in CAN.items()},
    }
    if role in CAN["view_data"]:
        level = request.GET.get("level", "segment")
        level = level if level in LEVELS else "segment"
        prefix = "".join(c for c in request.GET.get("prefix", "") if c.isdigit())[:8]
        try:
            table = services.spend_table(agency, level, prefix)
            ranked = services.priorities(agency)
            context |= {
                "spend": table.to_dict("records"),
                "priorities": ranked.head(3).to_dict("records"),
                "level": LEVEL_NAMES[level],
                "prefix": prefix,
                "next_level": _deeper(level),
            }
        except services.NoData as exc:
            context["no_data"] = str(exc)
    context["uploads"] = agency.uploads.all()[:10]
    return render(request, "agencies/agency.html", context)


def _deeper(level: str) -> str | None:
    order = list(LEVELS)
    return order[order.index(level) + 1] if level != order[-1] else None


@login_required
@require_http_methods(["GET", "POST"])
def upload_new(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "upload")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data.get("server_path") or _save(agency, form.cleaned_data["file"])
        upload = Upload.objects.create(agency=agency, created_by=request.user, source=source)
        jobs.submit(upload.pk)
        return redirect("upload_detail", pk=agency.pk, upload=upload.pk)
    return render(request, "agencies/upload_new.html", {"agency": agency, "form": form})


def _save(agency, uploaded) -> str:  # type: ignore[no-untyped-def]
    folder = agency.folder / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(c for c in uploaded.name[-12:] if c.isalnum() or c in "._-")
    target = folder / f"{uuid.uuid4().hex}-{suffix}"
    with target.open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return str(target)


@login_required
def upload_detail(request: HttpRequest, pk: int, upload: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "view_data")
    item = get_object_or_404(Upload, pk=upload, agency=agency)
    template = (
        "agencies/upload_status.html"
        if request.headers.get("HX-Request")
        else "agencies/upload_detail.html"
    )
    return render(request, template, {"agency": agency, "upload": item})


@login_required
def assessment(request: HttpRequest, pk: int, lang: str, fmt: str) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "assess")
    if lang not in ("en", "es") or fmt not in services.FORMATS:
        return HttpResponse(status=404)
    try:
        path = services.assessment_file(agency, lang, fmt)
    except services.NoData as exc:
        messages.error(request, str(exc))
        return redirect("agency_detail", pk=agency.pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=fmt != "html",
        filename=f"{agency.country}-{lang}-{path.name}",
    )


def _language(request: HttpRequest) -> str:
    return "es" if (request.LANGUAGE_CODE or "en").startswith("es") else "en"


def _svg(
    request: HttpRequest, pk: int, valid: bool, draw: Callable[[Agency, str], bytes]
) -> HttpResponse:
    """An SVG of the agency's data in the page's language: same access rules as the pages."""
    agency, role = agency_for(request.user, pk)
    require(role, "view_data")
    if not valid:
        return HttpResponse(status=404)
    try:
        svg = draw(agency, _language(request))
    except services.NoData:
        return HttpResponse(status=404)
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def chart(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    valid = kind in ("risk-spend", "heatmap")
    return _svg(request, pk, valid, lambda agency, lang: services.chart_svg(agency, kind, lang))


@login_required
def value_chain(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    valid = code.isdigit() and len(code) == 8
    return _svg(
        request, pk, valid, lambda agency, lang: services.value_chain_svg(agency, code, lang)
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency's administrators add people, change roles and remove them; the agency always
    keeps at least one administrator."""
    agency, role = agency_for(request.user, pk)
    require(role, "manage_members")
    form = MemberForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            _add_member(request, agency, form.cleaned_data)
            return redirect("members", pk=agency.pk)
        if action in ("role", "remove"):
            _change_member(request, agency, action)
            return redirect("members", pk=agency.pk)
    people = agency.memberships.select_related("user").order_by("user__username")
    context = {"agency": agency, "form": form, "people": people, "roles": Role.choices}
    return render(request, "agencies/members.html", context)


def _add_member(request: HttpRequest, agency: Agency, data: dict[str, object]) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    user = users.filter(username=data["username"]).first()
    if user is None:
        user = users.create_user(str(data["username"]), password=str(data["password"]))
    Membership.objects.update_or_create(
        user=user, agency=agency, defaults={"role": str(data["role"])}
    )
    messages.success(request, _("%(name)s is a member now.") % {"name": user.get_username()})


def _change_member(request: HttpRequest, agency: Agency, action: str) -> None:
    membership = get_object_or_404(
        Membership, pk=request.POST.get("membership", "0"), agency=agency
    )
    new_role = request.POST.get("role", "")
    leaves_admin = membership.role == Role.ADMINISTRATOR and (
        action == "remove" or new_role != Role.ADMINISTRATOR
    )
    admins = agency.memberships.filter(role=Role.ADMINISTRATOR).count()
    if leaves_admin and admins == 1:
        messages.error(request, _("The agency must keep at least one administrator."))
        return
    if action == "remove":
        membership.delete()
    elif new_role in Role.values:
        membership.role = new_role
        membership.save(update_fields=["role"])


class LoginView(auth_views.LoginView):
    """Django's login, refusing further tries for a while after repeated failures."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")
        address = client_address(request)
        if is_locked(username, address):
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Try again in 15 minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            record_failure(username, address)
        return response
