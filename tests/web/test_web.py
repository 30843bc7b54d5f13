"""The web platform: isolation between agencies, roles, upload to dashboard, API, security, i18n.

Runs on SQLite, and again on PostgreSQL (`make test` sets DATABASE_URL for the second run).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bestvalue.web.agencies.models import Membership, Role, Upload

from .conftest import PASSWORD, REAL_SUBMIT, member

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ocds"
JALISCO = (
    FIXTURES / "mexico-jalisco" / "sample" / "records" / "ocds-xs1qbl-SFIN-03-0001-00-2017.json"
)
WEB = Path(__file__).parents[2] / "src" / "bestvalue" / "web"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload_real_file(client, agency):
    with JALISCO.open("rb") as handle:
        response = client.post(reverse("upload_new", args=[agency.pk]), {"file": handle})
    assert response.status_code == 302, response.content[:500]
    return Upload.objects.filter(agency=agency).latest("created")


def test_upload_then_dashboard_then_api(client, world):
    login(client, world["analyst_a"])
    upload = upload_real_file(client, world["a"])
    assert upload.status == "done" and upload.processes == 1, upload.error
    page = client.get(reverse("agency_detail", args=[world["a"].pk])).content.decode()
    assert "Spend by category" in page and "Categories to act on first" in page
    status = client.get(
        reverse("upload_detail", args=[world["a"].pk, upload.pk]), HTTP_HX_REQUEST="true"
    )
    assert b'id="status"' in status.content and b"<html" not in status.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['analyst_a']).key}")
    rows = api.get(f"/api/agencies/{world['a'].pk}/spend/?level=family").json()
    assert rows and {"category_code", "category_name_es", "amount", "share"} <= set(rows[0])
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    chart = client.get(
        reverse("chart", args=[world["a"].pk, "risk-spend"]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    code = rows[0]["category_code"] or "43230000"
    chain = client.get(
        reverse("value_chain", args=[world["a"].pk, code]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert chain.status_code == 200 and "Materias primas" in chain.content.decode()
    xlsx = client.get(reverse("assessment", args=[world["a"].pk, "es", "xlsx"]))
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_another_agency_is_not_found_anywhere(client, world):
    login(client, world["analyst_b"])
    upload = upload_real_file(client, world["b"])
    client.logout()
    login(client, world["analyst_a"])
    b = world["b"].pk
    for url in (
        reverse("agency_detail", args=[b]),
        reverse("upload_new", args=[b]),
        reverse("upload_detail", args=[b, upload.pk]),
        reverse("assessment", args=[b, "en", "html"]),
        reverse("chart", args=[b, "heatmap"]),
        reverse("value_chain", args=[b, "72100000"]),
        reverse("upload_detail", args=[world["a"].pk, upload.pk]),  # B's upload through A
    ):
        assert client.get(url).status_code == 404, url
    api = APIClient()
    api.force_authenticate(world["analyst_a"])
    assert [x["id"] for x in api.get("/api/agencies/").json()] == [world["a"].pk]
    for url in (
        f"/api/agencies/{b}/",
        f"/api/agencies/{b}/spend/",
        f"/api/agencies/{b}/priorities/",
        f"/api/agencies/{b}/uploads/",
        f"/api/agencies/{b}/uploads/{upload.pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/agencies/{b}/uploads/", {"source": "x"}).status_code == 404


def test_roles_are_enforced(client, world):
    login(client, world["supplier_a"])
    a = world["a"].pk
    assert client.get(reverse("upload_new", args=[a])).status_code == 403
    assert client.get(reverse("assessment", args=[a, "en", "pdf"])).status_code == 403
    assert client.get(reverse("chart", args=[a, "heatmap"])).status_code == 403
    api = APIClient()
    api.force_authenticate(world["supplier_a"])
    assert api.get(f"/api/agencies/{a}/spend/").status_code == 403
    assert api.post(f"/api/agencies/{a}/uploads/", {"source": "x"}).status_code == 403
    assert api.get("/api/agencies/").status_code == 200  # may see the agency itself
    anonymous = APIClient()
    assert anonymous.get("/api/agencies/").status_code in (401, 403)


def test_server_paths_only_from_allowed_folders(client, world, data_dir):
    login(client, world["analyst_a"])
    form = client.post(reverse("upload_new", args=[world["a"].pk]), {"server_path": "/etc"})
    assert (
        form.status_code == 200
        and "not in a folder the administrator allowed" in form.content.decode()
    )
    allowed = data_dir / "server" / "jalisco.json"
    shutil.copy(JALISCO, allowed)
    api = APIClient()
    api.force_authenticate(world["analyst_a"])
    refused = api.post(f"/api/agencies/{world['a'].pk}/uploads/", {"source": "/etc/passwd"})
    assert refused.status_code == 400
    done = api.post(f"/api/agencies/{world['a'].pk}/uploads/", {"source": str(allowed)})
    assert done.status_code == 201
    assert Upload.objects.get(pk=done.json()["id"]).status == "done"


def test_bad_file_is_reported_and_loses_nothing(client, world):
    login(client, world["analyst_a"])
    good = upload_real_file(client, world["a"])
    before = client.get(f"/api/agencies/{world['a'].pk}/spend/").json()
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("broken.json", b'{"releases": [')
    client.post(reverse("upload_new", args=[world["a"].pk]), {"file": bad})
    latest = Upload.objects.filter(agency=world["a"]).latest("created")
    assert latest.pk != good.pk and (latest.status == "failed" or latest.rejects)
    assert client.get(f"/api/agencies/{world['a'].pk}/spend/").json() == before
    # The reason is stored in English and shown in the reader's language.
    stored = latest.error + " ".join(r["reason"] for r in latest.rejects)
    assert "invalid JSON: the JSON ends before it is complete" in stored
    url = reverse("upload_detail", args=[world["a"].pk, latest.pk])
    es = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "JSON no válido: el JSON termina antes de estar completo" in es
    assert "invalid JSON" not in es and "invalid JSON: the JSON ends" in en


def test_an_upload_says_which_records_only_link_to_releases_not_loaded(client, world):
    """Paraguay's record 284453 only links to its releases: the upload loads, and its page
    says the process is missing and why, in the reader's language."""
    login(client, world["analyst_b"])
    record = FIXTURES / "paraguay-dncp" / "sample" / "records" / "284453.json"
    with record.open("rb") as handle:
        client.post(reverse("upload_new", args=[world["b"].pk]), {"file": handle})
    upload = Upload.objects.filter(agency=world["b"]).latest("created")
    assert upload.status == "done" and upload.processes == 0, upload.error
    assert [r["location"] for r in upload.rejects] == ["at /records/0"]
    url = reverse("upload_detail", args=[world["b"].pk, upload.pk])
    es = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Documentos no cargados" in es and "el registro solo enlaza sus entregas (2" in es
    assert "Documents not loaded" in en and "the record only links to its releases (2" in en
    api = APIClient()  # the API keeps the English, and says it again in the request's language
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['analyst_b']).key}")
    url = f"/api/agencies/{world['b'].pk}/uploads/{upload.pk}/"
    got = api.get(url, HTTP_ACCEPT_LANGUAGE="es").json()
    assert got["rejects"][0]["reason"].startswith("the record only links to its releases (2")
    said = got["rejects_localized"][0]
    assert said["reason"].startswith("el registro solo enlaza sus entregas (2")
    assert said["location"] == "en /records/0" and got["error_localized"] == ""


def test_login_throttling_and_argon2(client, world):
    user = world["analyst_a"]
    assert user.password.startswith("argon2")
    url = reverse("login")
    for _ in range(5):
        assert client.post(url, {"username": user.username, "password": "wrong"}).status_code == 200
    locked = client.post(url, {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content


def test_security_headers_and_schema(client, world):
    login(client, world["analyst_a"])
    page = client.get(reverse("dashboard"))
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    schema = client.get("/api/schema/").content.decode()
    assert "/api/agencies/{id}/spend/" in schema and "/api/agencies/{agency_pk}/uploads/" in schema


def test_spanish_pages(client, world):
    login(client, world["analyst_a"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Sus agencias" in page and '<html lang="es">' in page


def test_the_sources_page_names_every_table_and_indicator_in_the_pages_language(client, world):
    from bestvalue import provenance, refdata
    from bestvalue.provenance import indicator_rows

    assert client.get(reverse("sources")).status_code == 302  # signed-in users only
    login(client, world["analyst_a"])
    es = client.get(reverse("sources"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    en = client.get(reverse("sources"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fx = refdata.resource("money", "fx")
    assert "Fuentes de datos" in es and "Data sources" in en
    assert escape(fx.licence_in("es")) in es and escape(fx.licence) in en
    assert escape(fx.edition_in("es")) in es and escape(fx.licence) not in es
    assert "WGI: Voz y rendición de cuentas" in es and "WGI: Voice and accountability" in en
    shown = indicator_rows("en")  # the nine shipped, and any imported here
    assert len(shown) >= 9 and all(f"({row['id']})" in es for row in shown)
    assert es.count("<tr>") == en.count("<tr>") == 2 + len(refdata.catalogue()) + len(shown)
    assert es.count(" * <small>(") == sum(
        1 for r in refdata.catalogue() if r.meta.get("assumption")
    )
    home = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert reverse("sources") in home
    api = APIClient()
    assert api.get("/api/sources/").status_code in (401, 403)
    api.force_authenticate(world["supplier_a"])  # any signed-in user: nothing of an agency's
    listed = api.get("/api/sources/", {"lang": "es"}).json()
    assert listed["datasets"] == provenance.datasets("es") and len(listed["indicators"]) >= 9
    money = next(d for d in listed["datasets"] if d["id"] == "money/fx")
    assert money["licence"] == fx.licence_in("es")
    assert api.get("/api/sources/").json()["datasets"][0]["title"] == refdata.catalogue()[0].title
    refused = api.get("/api/sources/", {"lang": "xx"})
    assert refused.status_code == 400 and refused.json()["lang"] == "choose from en, es"
    refused = api.get("/api/sources/", {"lang": "xx"}, HTTP_ACCEPT_LANGUAGE="es")
    assert refused.json()["lang"] == "elija entre en, es"  # as DRF's own messages are


CATALOGUES = [WEB / "locale", *sorted(WEB.glob("*/locale"))]  # the project's, then each app's


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_spanish_string_is_translated_and_compiled(locale):
    po = polib.pofile(str(locale / "es" / "LC_MESSAGES" / "django.po"))
    assert po.percent_translated() == 100 and not po.fuzzy_entries()
    mo = polib.mofile(str(locale / "es" / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: e.msgstr for e in mo} == {e.msgid: e.msgstr for e in po.translated_entries()}
    for lang in ("pt", "fr"):  # prepared: the catalogues exist, with every message to translate
        assert {
            e.msgid for e in polib.pofile(str(locale / lang / "LC_MESSAGES" / "django.po"))
        } == {e.msgid for e in po}


def test_every_app_with_templates_has_its_catalogue():
    assert WEB / "duediligence" / "locale" in CATALOGUES


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = os.environ | {
        "BESTVALUE_WEB_DEBUG": "0",
        "BESTVALUE_WEB_SECRET_KEY": "x" * 30 + "-production-secret-key-0123456789-abcdef",
        "BESTVALUE_WEB_ALLOWED_HOSTS": "bestvalue.example.org",
        "BESTVALUE_WEB_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bestvalue.web", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_load_prepares_the_dashboard_and_pages_share_it(client, world, monkeypatch):
    from bestvalue.web.agencies import services

    login(client, world["analyst_a"])
    upload_real_file(client, world["a"])  # the job ranks the categories before it reports done
    calls = []
    real = services.prioritise
    monkeypatch.setattr(services, "prioritise", lambda *a, **k: calls.append(1) or real(*a, **k))
    services.forget()  # as another server process would be: only the disk copy is there
    pk = world["a"].pk
    for url in (
        reverse("agency_detail", args=[pk]),
        reverse("chart", args=[pk, "risk-spend"]),
        reverse("chart", args=[pk, "heatmap"]),
        reverse("agency_detail", args=[pk]),
    ):
        assert client.get(url).status_code == 200
    assert calls == []
    assert list((world["a"].folder / "computed").glob("*.pickle"))
    world["a"].warehouse_path.touch()  # new data: computed again, once, and the old copy gone
    client.get(reverse("agency_detail", args=[pk]))
    client.get(reverse("chart", args=[pk, "heatmap"]))
    assert len(calls) == 1
    stamp = world["a"].warehouse_path.stat().st_mtime_ns
    assert all(p.name.startswith(f"{stamp}-") for p in (world["a"].folder / "computed").glob("*"))


def test_queued_uploads_are_loaded_by_the_worker(client, world, settings, monkeypatch):
    from django.core.management import call_command

    from bestvalue.web.agencies import jobs

    settings.JOBS = "queue"
    monkeypatch.setattr(jobs, "submit", REAL_SUBMIT)
    login(client, world["analyst_a"])
    first = upload_real_file(client, world["a"])
    second = upload_real_file(client, world["a"])
    assert {first.status, second.status} == {"queued"}  # nothing ran in the web process
    assert jobs.claim() == first.pk  # oldest first, claimed once
    assert jobs.claim() is None  # its agency is busy: the second waits
    Upload.objects.filter(pk=first.pk).update(status="queued")
    call_command("work", "--once", stdout=io.StringIO())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "done" and first.processes == 1
    assert second.status == "done" and second.processes == 0  # the same file adds nothing


def test_agency_administrators_manage_their_members(client, world):
    agency = world["a"]
    admin = member(agency, "root-a", Role.ADMINISTRATOR)
    login(client, admin)
    url = reverse("members", args=[agency.pk])
    short = client.post(
        url, {"action": "add", "username": "newbie", "role": "procurer", "password": "short"}
    )
    assert "too short" in short.content.decode()  # Django's password rules apply
    added = client.post(
        url,
        {
            "action": "add",
            "username": "newbie",
            "role": "procurer",
            "password": "a-fine-long-password-9",
        },
    )
    assert added.status_code == 302
    newbie = Membership.objects.get(agency=agency, user__username="newbie")
    assert newbie.role == "procurer"
    client.post(url, {"action": "role", "membership": newbie.pk, "role": "auditor"})
    newbie.refresh_from_db()
    assert newbie.role == "auditor"
    own = Membership.objects.get(agency=agency, user=admin)
    kept = client.post(url, {"action": "remove", "membership": own.pk}, follow=True)
    assert Membership.objects.filter(pk=own.pk).exists()  # the last administrator stays
    assert "at least one administrator" in kept.content.decode()
    # Another agency's membership cannot be touched from here.
    other = Membership.objects.get(user=world["analyst_b"])
    assert client.post(url, {"action": "remove", "membership": other.pk}).status_code == 404
    client.logout()
    login(client, world["analyst_a"])
    assert client.get(url).status_code == 403  # analysts do not manage members
    client.logout()
    login(client, world["analyst_b"])
    assert client.get(url).status_code == 404


def test_the_load_phase_is_shown_in_the_readers_language(client, world):
    running = Upload.objects.create(
        agency=world["a"], source="x.json", status=Upload.Status.RUNNING, phase="compile"
    )
    login(client, world["analyst_a"])
    page = client.get(
        reverse("upload_detail", args=[world["a"].pk, running.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "(compilación)" in page


def test_every_phase_of_an_ingest_is_shown_in_spanish(tmp_path):
    """The phases an ingest reports reach the upload page by name: each must be translated."""
    from django.utils import translation

    from bestvalue import ingest, open_warehouse
    from bestvalue.warehouse.ingest import Progress
    from bestvalue.web.agencies.jobs import PHASES

    names: list[str] = []

    class Record(Progress):
        def phase(self, name: str, total: int | None = None) -> None:
            names.append(name)

    with open_warehouse(tmp_path / "w.duckdb") as warehouse:
        ingest([JALISCO], warehouse, progress=Record())
    assert names == ["compile", "write"]
    assert set(names) <= set(PHASES)
    with translation.override("es"):
        assert [translation.gettext(n) for n in names] == [
            "compilación",
            "escritura en el almacén de datos",
        ]


def test_the_web_and_the_command_line_say_a_phase_alike_in_spanish():
    """The phases are translated twice, by the web's catalogue and the command line's table (it
    does not load Django's): the same words, a page writing them after a colon in lower case."""
    from django.utils import translation

    from bestvalue.cli.common import PHASES_ES
    from bestvalue.web.agencies.jobs import PHASES

    shared = [name for name in PHASES if name in PHASES_ES]
    assert len(shared) >= 4
    with translation.override("es"):
        for name in shared:
            said = PHASES_ES[name]
            assert translation.gettext(name) == said[0].lower() + said[1:], name


@pytest.mark.django_db
def test_an_agency_must_name_a_country_it_can_be_tagged_with(admin_client):
    """Every upload tags the agency's data with its country, which the ingest checks: a code
    that names no country is refused when the agency is made (the admin's form), in Spanish
    too, not at its first upload."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from bestvalue.web.agencies.models import Agency

    Agency(name="DNCP", country="PY").full_clean()
    for lang, said in [
        ("en", "XX is not an ISO 3166 alpha-2 country code, e.g. PY."),
        ("es", "XX no es un código de país ISO 3166 alfa-2, p. ej. PY."),
    ]:
        with translation.override(lang):  # (the message is said when read)
            with pytest.raises(ValidationError) as error:
                Agency(name="Nowhere", country="XX").full_clean()
            assert error.value.message_dict["country"] == [said]
    page = admin_client.post(reverse("admin:agencies_agency_add"), {"name": "N", "country": "XX"})
    assert page.status_code == 200 and "is not an ISO 3166 alpha-2" in page.content.decode()
    assert not Agency.objects.filter(name="N").exists()


def test_a_file_uploaded_again_is_said_to_add_nothing(client, world):
    """The second upload of one file loads nothing new: its page and the API say why, rather
    than a bare "0 processes compiled from 0 releases"."""
    login(client, world["analyst_a"])
    first = upload_real_file(client, world["a"])
    again = upload_real_file(client, world["a"])
    assert (first.skipped, again.skipped) == (0, 1) and again.status == "done", again.error
    assert (again.processes, again.releases) == (0, 0)
    url = reverse("upload_detail", args=[world["a"].pk, again.pk])
    said = {"en": "1 file was already loaded (the same content): it adds nothing.",
            "es": "1 archivo ya estaba cargado (el mismo contenido): no añade nada."}  # fmt: skip
    for lang, text in said.items():
        assert text in client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode(), lang
    assert (
        "already loaded"
        not in client.get(reverse("upload_detail", args=[world["a"].pk, first.pk])).content.decode()
    )
    api = APIClient()
    api.force_authenticate(world["analyst_a"])
    shown = api.get(f"/api/agencies/{world['a'].pk}/uploads/{again.pk}/").json()
    assert shown["skipped"] == 1 and shown["processes"] == 0


def test_an_agency_whose_country_is_corrected_sees_its_data_under_it(client, world):
    """The data was loaded with the agency's country, which an administrator then corrected:
    the pages give the warehouse the new country (as they classify a warehouse that needs it)
    and show its spend, not what was computed under the old one; the next upload too."""
    from bestvalue import open_warehouse

    agency = world["a"]
    login(client, world["analyst_a"])
    assert upload_real_file(client, agency).status == "done"
    api = APIClient()
    api.force_authenticate(world["analyst_a"])
    url = f"/api/agencies/{agency.pk}/spend/?level=family"
    before = api.get(url).json()
    assert "Mexico" in _report(client, agency)
    agency.country = "GT"
    agency.save()

    def countries() -> list:
        with open_warehouse(agency.warehouse_path, read_only=True) as wh:
            query = "SELECT country FROM processes UNION ALL SELECT country FROM sources"
            return sorted(set(wh.sql(query).column(0).to_pylist()))

    assert countries() == ["MX"]
    # The report first: the one written for MX is newer than the warehouse, yet not shown.
    assert "Guatemala" in _report(client, agency) and "Mexico" not in _report(client, agency)
    after = api.get(url).json()
    assert countries() == ["GT"]
    assert after and {r["category_code"] for r in after} == {r["category_code"] for r in before}
    page = client.get(reverse("agency_detail", args=[agency.pk])).content.decode()
    assert "Spend by category" in page
    agency.country = "MX"
    agency.save()
    other = JALISCO.with_name("ocds-xs1qbl-02-0070-00-2017.json")
    with other.open("rb") as handle:
        client.post(reverse("upload_new", args=[agency.pk]), {"file": handle})
    second = Upload.objects.filter(agency=agency).latest("created")
    assert second.status == "done" and second.processes == 1, second.error
    assert countries() == ["MX"]  # the job gave the first upload's data the corrected country


def _report(client, agency) -> str:
    response = client.get(reverse("assessment", args=[agency.pk, "en", "html"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()
