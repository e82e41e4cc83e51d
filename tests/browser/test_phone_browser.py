"""Phones: no page scrolls sideways at 375 × 667 or 320 × 568; agendas stay readable.

Participants check their agenda on the day, on a phone: their agenda turns into one block per
meeting; the organiser's wide grid scrolls inside its own labelled, focusable region.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import publish_agenda, serve_demo
from tests.browser.test_accounts_browser import PASSWORD, assert_accessible

pytestmark = pytest.mark.browser

PHONES = [
    pytest.param({"width": 375, "height": 667}, id="375"),
    pytest.param({"width": 320, "height": 568}, id="320"),
]
PAGES = {
    None: ["/", "/evenements/1", "/evenements/1/besoins", "/accessibilite", "/compte/inscription"],
    "entreprise@example.org": ["/tableau-de-bord", "/entreprise/profil"],
    "acheteur@example.org": ["/tableau-de-bord", "/evenements/1/demandes-recues"],
    "organisateur@example.org": [
        "/tableau-de-bord",
        "/organisation/evenements/1/planning",
        "/organisation/versions/1",
        "/organisation/versions/1/participants/2",
    ],
}
OVERFLOW = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo event with a published agenda (overrides conftest's server)."""
    with serve_demo(tmp_path_factory.mktemp("phone"), publish_agenda) as (url, _app):
        yield url


@pytest.fixture
def phone(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server,
        locale="fr-FR",
        viewport=request.param,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def phone_login(page, email: str) -> None:
    # On a phone the navigation bar is collapsed: go to the form directly.
    page.goto("/compte/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")


@pytest.mark.parametrize("phone", PHONES, indirect=True)
@pytest.mark.parametrize("email", list(PAGES), ids=["visitor", "company", "buyer", "organiser"])
def test_pages_do_not_scroll_sideways_on_a_phone(phone, email):
    if email:
        phone_login(phone, email)
    widths = {}
    for path in PAGES[email]:
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        widths[path] = phone.evaluate(OVERFLOW)
    assert {path: w for path, w in widths.items() if w[0] > w[1]} == {}


@pytest.mark.parametrize("phone", PHONES, indirect=True)
def test_company_agenda_is_one_block_per_meeting_on_a_phone(phone):
    phone_login(phone, "entreprise@example.org")
    agenda = phone.get_by_test_id("my-agenda")
    expect(agenda).to_be_visible()
    rows = agenda.locator("tbody tr")
    assert rows.count() >= 1
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    box = agenda.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= phone.viewport_size["width"]
    # Still a table for assistive technology, with its column names.
    expect(phone.get_by_role("table", name="Mes rendez-vous")).to_be_visible()
    expect(phone.get_by_role("columnheader", name="Heure")).to_have_count(1)
    assert_accessible(phone)


@pytest.mark.parametrize("phone", PHONES, indirect=True)
def test_participant_agenda_page_is_readable_on_a_phone(phone):
    phone_login(phone, "organisateur@example.org")
    phone.goto("/organisation/versions/1/participants/2")
    agenda = phone.get_by_test_id("participant-agenda")
    first_row = agenda.locator("tbody tr").first
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
    box = agenda.bounding_box()
    assert box is not None and box["x"] + box["width"] <= phone.viewport_size["width"]
    assert_accessible(phone)


@pytest.mark.parametrize("phone", PHONES, indirect=True)
def test_organiser_grid_scrolls_inside_its_labelled_region(phone):
    phone_login(phone, "organisateur@example.org")
    phone.goto("/organisation/versions/1")
    region = phone.get_by_role("region", name="Rendez-vous par créneau (lignes) et par table")
    expect(region).to_have_attribute("tabindex", "0")
    scroll, client = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert scroll > client
    assert phone.evaluate(OVERFLOW)[0] == phone.viewport_size["width"]
    # The keyboard scrolls it: focus the region, press the right arrow.
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=grid-region]').scrollLeft > 0"
    )
    assert_accessible(phone)
