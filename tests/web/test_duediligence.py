"""Due diligence in the web app: the versioned gap analysis, its report and the model policy,
tender packages and the economic case; isolation between agencies and roles."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from django.urls import reverse

from bestvalue.duediligence import questionnaire
from bestvalue.web.agencies.models import Role
from bestvalue.web.duediligence.models import GapAssessment

from .conftest import member
from .test_web import login

SAMPLE = Path(__file__).parents[2] / "src" / "bestvalue" / "data" / "sample" / "paraguay-dncp"

QUESTIONS = [q["id"] for q in questionnaire()["questions"]]


def _answers(date: str, level: int, **overrides: int) -> dict[str, str]:
    data = {"date": date}
    for qid in QUESTIONS:
        data[f"level_{qid}"] = str(overrides.get(qid, level))
        data[f"evidence_{qid}"] = f"evidence for {qid}"
    return data


def test_gap_analysis_is_filled_kept_and_shows_progress(client, world):
    agency = world["a"]
    login(client, world["analyst_a"])
    form = client.get(reverse("gap_new", args=[agency.pk]), HTTP_ACCEPT_LANGUAGE="es")
    page = form.content.decode()
    assert "¿Pueden los trabajadores" in page and 'type="radio"' in page
    first = client.post(reverse("gap_new", args=[agency.pk]), _answers("2026-01-15", 1))
    assert first.status_code == 302
    second = client.post(reverse("gap_new", args=[agency.pk]), _answers("2026-11-20", 1, R1=3))
    latest = GapAssessment.objects.filter(agency=agency).first()
    assert second.url.endswith(f"/gap/{latest.pk}/") and latest.answers["R1"]["level"] == 3
    assert GapAssessment.objects.filter(agency=agency).count() == 2  # kept, not overwritten
    detail = client.get(second.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Remedy: R1 (weight 3) rose from 1 to 3 of a theme worth (3+2)×3 → +40.0 points.
    assert "change since 2026-01-15" in detail and "40.0" in detail
    # The next form starts from the latest answers.
    again = client.get(reverse("gap_new", args=[agency.pk])).content.decode()
    assert re.search(r'name="level_R1" value="3"[^>]*checked', again)
    assert not re.search(r'name="level_R1" value="1"[^>]*checked', again)
    report = client.get(reverse("gap_download", args=[agency.pk, latest.pk, "report", "docx"]))
    word = docx.Document(io.BytesIO(report.content))
    assert report["Content-Disposition"].endswith('.docx"')
    assert any("Roadmap" in p.text for p in word.paragraphs)
    policy = client.get(
        reverse("gap_download", args=[agency.pk, latest.pk, "policy", "md"]),
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert policy.startswith("# Derechos humanos en las compras públicas: política de Jalisco")
    listing = client.get(reverse("gap_list", args=[agency.pk])).content.decode()
    assert "2026-11-20" in listing and "2026-01-15" in listing


def test_the_policy_names_the_prioritised_categories_once_data_is_loaded(client, world):
    from bestvalue import ingest, open_warehouse

    agency = world["b"]  # Paraguay: the bundled DNCP sample has spend in several categories
    agency.folder.mkdir(parents=True)
    with open_warehouse(agency.warehouse_path) as wh:
        ingest([SAMPLE], wh, country="PY", skip_bad=True)
    login(client, world["analyst_b"])
    client.post(reverse("gap_new", args=[agency.pk]), _answers("2026-11-20", 2))
    item = GapAssessment.objects.get(agency=agency)
    policy = client.get(
        reverse("gap_download", args=[agency.pk, item.pk, "policy", "md"])
    ).content.decode()
    table = policy.split("## 5.")[1].split("## 6.")[0]
    assert "| Category | Salient risks |" in table
    assert "| 72100000 Building construction" in table and table.count("\n| ") == 4


def test_another_agency_cannot_reach_due_diligence(client, world):
    agency = world["a"]
    item = GapAssessment.objects.create(agency=agency, date="2026-11-20", answers={})
    login(client, world["analyst_b"])
    for url in (
        reverse("gap_list", args=[agency.pk]),
        reverse("gap_new", args=[agency.pk]),
        reverse("gap_detail", args=[agency.pk, item.pk]),
        reverse("gap_download", args=[agency.pk, item.pk, "policy", "docx"]),
        reverse("tender", args=[agency.pk]),
        reverse("economics", args=[agency.pk]),
        # Agency B's own URL with A's assessment id: not found either.
        reverse("gap_detail", args=[world["b"].pk, item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.logout()
    login(client, world["supplier_a"])
    for url in (
        reverse("gap_list", args=[agency.pk]),
        reverse("tender", args=[agency.pk]),
        reverse("economics", args=[agency.pk]),
    ):
        assert client.get(url).status_code == 403, url
    auditor = member(agency, "aud", Role.AUDITOR)
    client.logout()
    login(client, auditor)
    assert client.get(reverse("gap_detail", args=[agency.pk, item.pk])).status_code == 200
    assert client.get(reverse("gap_new", args=[agency.pk])).status_code == 403  # read only


def test_tender_package_and_economic_case_forms(client, world):
    agency = world["a"]
    login(client, world["analyst_a"])
    url = reverse("tender", args=[agency.pk])
    package = client.post(url, {"category": "53100000", "lang": "es", "fmt": "docx"})
    assert package.status_code == 200 and package["Content-Disposition"].endswith('.docx"')
    word = docx.Document(io.BytesIO(package.content))
    assert word.paragraphs[0].text.startswith("Paquete de licitación: 53100000")
    assert "TEX-1" in [p.text for p in word.paragraphs]
    refused = client.post(url, {"category": "banana", "lang": "es", "fmt": "docx"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    case = client.post(
        reverse("economics", args=[agency.pk]),
        {"category": "53100000", "value": "400000", "years": "3"},
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "P10" in case and "Probabilidad de que la CER ahorre dinero" in case
    assert "tasa social de descuento" in case  # the sources, in Spanish
    assert "Tasa de descuento <small>(discount_rate)</small>" in case
    assert "<td>triangular</td><td>0,035; 0,06; 0,1</td>" in case  # the figures, in Spanish
    assert "<td>fija</td>" in case


def test_gap_assessments_through_the_api(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    agency = world["a"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['analyst_a']).key}")
    url = reverse("api_gap_assessments", args=[agency.pk])
    made = api.post(
        url, {"date": "2026-11-20", "answers": {"C1": 3, "R1": {"level": 2}}}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["themes"]["commitment"] == 50.0 and "C2" in body["unanswered"]
    bad = api.post(url, {"date": "2026-11-21", "answers": {"C1": 7}}, format="json")
    assert bad.status_code == 400 and "level must be" in str(bad.json())
    assert [a["date"] for a in api.get(url).json()] == ["2026-11-20"]
    other = APIClient()
    other.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['analyst_b']).key}"
    )
    assert other.get(url).status_code == 404
    assert other.get(reverse("api_gap_assessment", args=[agency.pk, body["id"]])).status_code == 404
    supplier = APIClient()
    supplier.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['supplier_a']).key}"
    )
    assert supplier.get(url).status_code == 403


def test_bids_are_evaluated_from_the_workbook(client, world):
    from openpyxl import load_workbook

    agency = world["a"]
    login(client, world["analyst_a"])
    url = reverse("bids", args=[agency.pk])
    template = client.get(url + "?template=xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(template.content))
    wb["bids"].append(["Bidder B", 150000, 9, 9, 9, 9])
    filled = io.BytesIO()
    wb.save(filled)
    filled.name = "bids.xlsx"
    filled.seek(0)
    page = client.post(url, {"file": filled}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Clasificación" in page and "Bidder B" in page
    assert "Supply-chain transparency: 9/10 × 15 = 13,50" in page  # each score, in Spanish
    assert "(lineal)" in page  # the explanation in the page's language
    wb["bids"]["C2"] = "good"
    broken = io.BytesIO()
    wb.save(broken)
    broken.name = "bids.xlsx"
    broken.seek(0)
    refused = client.post(url, {"file": broken}).content.decode()
    assert "sheet bids, cell C2: a number, not &#x27;good&#x27;" in refused
    broken.seek(0)
    rechazado = client.post(url, {"file": broken}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "hoja bids, celda C2: se esperaba un número, no &#x27;good&#x27;" in rechazado
    client.logout()
    login(client, world["analyst_b"])
    assert client.get(url).status_code == 404
