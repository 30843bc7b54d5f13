"""Gap analysis, model policy, tender packages and the economic case for one agency; the same
access rules as the rest of the app (another agency's objects are not found, roles are checked).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ...duediligence import (
    FORMATS,
    compare,
    gap_analysis,
    gap_document,
    model_policy,
    render_document,
    tender_package,
)
from ...duediligence import render as render_package
from ...economics import economic_case, evaluate_bids, read_tender
from ...economics.bids_xlsx import write_template
from ...errors import InputError
from ...messages import say, say_location
from ...risk import top_ranked
from ..agencies import services
from ..agencies.access import agency_for, require
from ..agencies.models import CAN
from ..agencies.views import _language
from .forms import BidsForm, EconomicsForm, GapForm, TenderForm
from .models import GapAssessment

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _download(content: str | bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _priority_codes(agency: Any) -> list[str]:
    """The agency's top prioritised categories, or none before its data is loaded."""
    try:
        ranked = services.priorities(agency)
    except services.NoData:
        return []
    return [str(c) for c in top_ranked(ranked, 3).category_code]


@login_required
def gap_list(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "gap_view")
    lang = _language(request)
    rows = [(item, gap_analysis(item.document(), lang)) for item in agency.gap_assessments.all()]
    themes = rows[0][1].theme_names if rows else {}
    context = {
        "agency": agency,
        "rows": rows,
        "themes": themes,
        "can_edit": role in CAN["gap_edit"],
    }
    return render(request, "duediligence/gap_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def gap_new(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "gap_edit")
    latest = agency.gap_assessments.first()
    form = GapForm(
        request.POST or None,
        lang=_language(request),
        initial_answers=latest.answers if latest else None,
    )
    if request.method == "POST" and form.is_valid():
        item = GapAssessment.objects.create(
            agency=agency,
            date=form.cleaned_data["date"],
            answers=form.answers(),
            created_by=request.user,
        )
        return redirect("gap_detail", pk=agency.pk, gap=item.pk)
    return render(request, "duediligence/gap_form.html", {"agency": agency, "form": form})


@login_required
def gap_detail(request: HttpRequest, pk: int, gap: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "gap_view")
    item = get_object_or_404(GapAssessment, pk=gap, agency=agency)
    lang = _language(request)
    report = gap_analysis(item.document(), lang)
    previous = item.previous()
    deltas = compare(gap_analysis(previous.document(), lang), report) if previous else {}
    scores = [
        (name, report.themes[key], deltas.get(key)) for key, name in report.theme_names.items()
    ]
    context = {
        "agency": agency,
        "item": item,
        "report": report,
        "scores": scores,
        "overall_delta": deltas.get("overall"),
        "previous": previous,
        "formats": FORMATS,
    }
    return render(request, "duediligence/gap_detail.html", context)


@login_required
def gap_download(request: HttpRequest, pk: int, gap: int, kind: str, fmt: str) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "gap_view")
    item = get_object_or_404(GapAssessment, pk=gap, agency=agency)
    if fmt not in FORMATS or kind not in ("report", "policy"):
        raise Http404("no such document")
    lang = _language(request)
    if kind == "report":
        previous = item.previous()
        before = gap_analysis(previous.document(), lang) if previous else None
        doc = gap_document(gap_analysis(item.document(), lang), lang, before)
    else:
        codes = _priority_codes(agency)
        doc = model_policy(agency.name, agency.country, codes, item.document(), lang)
    return _download(render_document(doc, fmt), f"{kind}-{agency.country}-{item.date}", fmt)


@login_required
@require_http_methods(["GET", "POST"])
def tender(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "tender")
    codes = _priority_codes(agency)
    initial = {"lang": _language(request), "fmt": "docx", "category": codes[0] if codes else ""}
    form = TenderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        code, lang, fmt = (form.cleaned_data[k] for k in ("category", "lang", "fmt"))
        content = render_package(tender_package(code, agency.country, lang), lang, fmt)
        return _download(content, f"tender-package-{code}-{agency.country}-{lang}", fmt)
    context = {"agency": agency, "form": form, "codes": codes}
    return render(request, "duediligence/tender.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def economics(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "economics")
    codes = _priority_codes(agency)
    form = EconomicsForm(request.POST or None, initial={"category": codes[0] if codes else ""})
    context: dict[str, Any] = {"agency": agency, "form": form, "codes": codes}
    if request.method == "POST" and form.is_valid():
        context["result"] = _economic_case(agency, form.cleaned_data, _language(request))
    return render(request, "duediligence/economics.html", context)


def _economic_case(agency: Any, data: dict[str, Any], lang: str) -> dict[str, Any]:
    doc = {
        "category": data["category"],
        "country": agency.country,
        "parameters": {
            "annual_value": {
                "distribution": "fixed",
                "value": float(data["value"]),
                "source": _("entered in the web form"),
            },
            "years": {
                "distribution": "fixed",
                "value": data["years"],
                "source": _("entered in the web form"),
            },
        },
    }
    __, summary, meta = economic_case(doc, draws=20_000, seed=0, where="form")
    labels = {}
    for p in meta["parameters"]:
        p["shown_source"] = p["source_es"] if lang == "es" else p["source"]
        p["label"] = p[f"label_{lang}"]
        labels[p["name"]] = p["label"]
    tornado = [r | {"label": labels[str(r["parameter"])]} for r in summary.tornado[:5]]
    return {"summary": summary, "meta": meta, "tornado": tornado}


@login_required
@require_http_methods(["GET", "POST"])
def bids(request: HttpRequest, pk: int) -> HttpResponse:
    agency, role = agency_for(request.user, pk)
    require(role, "tender")
    if request.GET.get("template") == "xlsx":
        response = HttpResponse(
            write_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="bids-template.xlsx"'
        return response
    form = BidsForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"agency": agency, "form": form}
    if request.method == "POST" and form.is_valid():
        lang = _language(request)
        try:
            context["result"] = _evaluate(form.cleaned_data["file"], lang)
        except InputError as exc:  # the place in the file and what is wrong, in the language
            where = say_location(str(exc.location), lang)
            reason = say(exc.reason, lang)
            form.add_error("file", f"{where}: {reason}" if where else reason)
    return render(request, "duediligence/bids.html", context)


def _evaluate(uploaded: Any, lang: str) -> Any:
    """Read the uploaded file through the core's reader (it picks the format by its suffix)."""
    import tempfile
    from pathlib import Path

    suffix = Path(uploaded.name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bids{suffix}"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        try:
            return evaluate_bids(read_tender(path), lang)
        except InputError as exc:
            raise InputError(uploaded.name, exc.reason, exc.location) from None
