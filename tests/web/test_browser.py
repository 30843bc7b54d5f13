"""A real browser (Debian's Chromium, driven by Playwright) through what a new user does: log
in, load the sample, watch the load finish, open the dashboards, switch to Spanish, fill the gap
analysis, download the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from bestvalue.web.agencies.models import Agency, Membership, Role

from .conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SAMPLE = Path(__file__).parents[2] / "src/bestvalue/data/sample/paraguay-dncp/sample/records"
RECORD = SAMPLE / "277004.json"  # IT equipment and supplies: awards, contracts, UNSPSC codes

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is missing: `make test` installs it"
)


WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page) -> None:
    """No WCAG 2.1 A or AA violation that axe-core can detect on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG | {"resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def agency(transactional_db):
    """Made before the browser starts: Playwright's event loop would stop the ORM after."""
    agency = Agency.objects.create(name="DNCP", country="PY")
    user = get_user_model().objects.create_user("ana", password=PASSWORD)
    Membership.objects.create(user=user, agency=agency, role=Role.ANALYST)
    return agency


@pytest.fixture
def browser(agency):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_a_new_user_from_login_to_report(live_server, agency, browser, tmp_path):
    page = browser.new_page(accept_downloads=True, locale="en-GB")
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="DNCP").click()
    page.get_by_role("link", name="Load OCDS data").click()
    assert_accessible(page)
    page.locator("#id_file").set_input_files(str(RECORD))
    page.get_by_role("button", name="Load").click()
    page.get_by_text("Loaded", exact=False).first.wait_for(timeout=60_000)
    assert "processes" in page.content()
    page.goto(f"{live_server.url}/agencies/{agency.pk}/")
    assert page.get_by_role("heading", name="Spend by category").is_visible()
    assert page.locator("table tbody tr").count() >= 1
    assert_accessible(page)
    page.keyboard.press("Tab")  # keyboard users reach the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    chart = page.locator("img[alt='Risk versus spend of each category']")
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle(), timeout=30_000
    )  # the chart was drawn and decoded, not a broken image
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    assert page.get_by_role("heading", name="Gasto por categoría").is_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role(
        "link", name="Análisis de brechas frente a los Principios Rectores y política"
    ).click()
    page.get_by_role("link", name="Nueva evaluación").click()
    assert_accessible(page)
    page.locator("input[name='level_C1'][value='2']").check()
    page.locator("input[name='level_R1'][value='1']").check()
    page.get_by_role("button", name="Guardar la evaluación").click()
    assert page.get_by_role(
        "heading", name="Hoja de ruta: las brechas que cerrar primero"
    ).is_visible()
    assert_accessible(page)
    for task in ("tender-package", "economics", "bids"):
        page.goto(f"{live_server.url}/agencies/{agency.pk}/{task}/")
        assert_accessible(page)
    page.goto(f"{live_server.url}/agencies/{agency.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    target = tmp_path / "assessment.xlsx"
    info.value.save_as(target)
    assert target.read_bytes()[:2] == b"PK"
