"""The company's and the buyer's journeys in English, by mouse and by keyboard only.

Every page visited passes the axe WCAG 2.1 AA gate; focus is always visible; the skip link
leads to the main content. The language is switched once through /langue/en, as a visitor
clicking "English" would.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.models import Event, EventStatus
from tests.browser.conftest import publish_agenda, serve_demo
from tests.browser.test_accounts_browser import PASSWORD, assert_accessible

pytestmark = pytest.mark.browser

NEW_COMPANY_PASSWORD = "Velos-du-Panier-2027"
# What a focus indicator changes: outline or box-shadow, read element by element before any
# focus (RECORD_UNFOCUSED), then for the focused element after each Tab (FOCUSED).
RECORD_UNFOCUSED = """() => {
  const style = el => { const cs = getComputedStyle(el);
    return [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow].join('|'); };
  window.__style = style;
  window.__unfocused = new Map();
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
  for (const el of document.querySelectorAll(focusable)) window.__unfocused.set(el, style(el));
}"""
FOCUSED = """() => {
  const el = document.activeElement; const cs = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const name = el.getAttribute('aria-label') || el.textContent.trim() || el.value || el.name;
  return { name: (name || el.id).trim().slice(0, 60), tag: el.tagName,
           changed: window.__unfocused.has(el) && window.__style(el) !== window.__unfocused.get(el),
           outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
           shadow: cs.boxShadow !== 'none', visible: box.width > 1 && box.height > 1 };
}"""


def _published_and_open(event: Event) -> None:
    """A published agenda (participants' pages) while applications are still open."""
    publish_agenda(event)
    from app.extensions import db

    event = db.session.get(Event, event.id)
    event.status = EventStatus.OPEN
    event.application_deadline = datetime.now(UTC) + timedelta(days=7)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("english"), _published_and_open) as (url, _app):
        yield url


def to_english(page) -> None:
    page.goto("/langue/en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


def login_en(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_role("link", name="Log in").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def tab_to(page, name: str | re.Pattern[str], limit: int = 40) -> list[dict]:
    """Press Tab until the focused element's name matches; return every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        stops.append(stop)
        found = stop["name"] == name if isinstance(name, str) else name.search(stop["name"])
        if found:
            return stops
    raise AssertionError(f"{name!r} not reached by {limit} Tab presses: {stops}")


def assert_focus_visible(stops: list[dict]) -> None:
    hidden = [s for s in stops if not (s["changed"] and (s["outline"] or s["shadow"]))]
    assert hidden == []
    assert all(s["visible"] for s in stops)


def test_company_registers_completes_profile_and_applies_in_english(page):
    to_english(page)
    page.get_by_role("link", name="Register my company").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Nadia Haddad")
    page.get_by_label("Email address").fill("nadia@velos.example")
    page.get_by_label("Password", exact=True).fill(NEW_COMPANY_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_COMPANY_PASSWORD)
    page.get_by_label("Company name").fill("Vélos du Panier")
    page.get_by_label("SIRET number").fill("732 829 320 00074")
    page.get_by_label("Company size").select_option("micro")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome! Your account has been created.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Company dashboard")
    assert_accessible(page)

    page.get_by_role("link", name="Company profile").click()
    page.get_by_label("Your offer", exact=True).fill(
        "Cargo-bike deliveries and light logistics in the city centre, zero emissions."
    )
    page.get_by_label("CPV codes for your offer").fill("60161000-4")
    assert_accessible(page)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Events", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Rendez-vous de la commande publique 2027").click()
    assert_accessible(page)
    page.get_by_role("link", name="Apply to this event").click()
    wish_1 = page.get_by_role("group", name="Choice 1")
    wish_1.get_by_label("Buyer or need").select_option(
        label="Métropole Méditerranée — Direction de la logistique et des moyens généraux"
    )
    wish_1.get_by_label("Priority").select_option(label="Preferred")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my application").click()
    expect(page.get_by_text("Your application has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Company dashboard")
    expect(page.get_by_role("link", name="My application")).to_be_visible()
    assert_accessible(page)


def test_company_sees_its_agenda_and_downloads_the_calendar_in_english(page):
    to_english(page)
    login_en(page, "entreprise@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Company dashboard")
    expect(page.get_by_role("heading", name="My schedule")).to_be_visible()
    agenda = page.get_by_role("table", name="My meetings")
    expect(agenda.get_by_role("columnheader", name="Time")).to_be_visible()
    expect(agenda.locator("tbody tr").first).to_contain_text("PM")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "agenda-evenement-1.ics"
    body = Path(download.path()).read_text(encoding="utf-8")
    assert body.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in body


def test_buyer_answers_a_request_and_sees_its_agenda_in_english(page):
    to_english(page)
    login_en(page, "acheteur@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buyer dashboard")
    assert_accessible(page)
    page.get_by_role("link", name="Answer requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who wants to meet you?")
    assert_accessible(page)
    first = page.locator("section[id^=demande-]").first
    company = first.get_by_role("heading", level=2).inner_text().split("\n")[0]
    company = re.sub(r"\s*score.*$", "", company).strip()
    first.get_by_label("Maybe").check()
    first.get_by_role("button", name="Reply").click()
    expect(page.get_by_text(f"Answer saved for {company}.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("table", name="My meetings").locator("tbody tr")).not_to_have_count(0)
    assert_accessible(page)


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_main_content(page):
    to_english(page)
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    # The next Tab goes on inside the main content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_company_keyboard_only_login_dashboard_agenda_with_visible_focus(page):
    to_english(page)
    page.goto("/")
    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, "Log in")
    assert_focus_visible(stops)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/compte/connexion$"))

    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, "email")
    page.keyboard.type("entreprise@example.org")
    stops += tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    stops += tab_to(page, "Log in")
    assert_focus_visible(stops)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Company dashboard")
    assert_accessible(page)

    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, "Add to my calendar (.ics)")
    assert_focus_visible(stops)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename == "agenda-evenement-1.ics"


def test_organiser_keyboard_only_reaches_the_agenda_grid_with_visible_focus(page):
    to_english(page)
    page.goto("/compte/connexion")
    page.evaluate(RECORD_UNFOCUSED)
    tab_to(page, "email")
    page.keyboard.type("organisateur@example.org")
    tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organiser dashboard")
    assert_accessible(page)

    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, re.compile(r"^Event schedule"))
    assert_focus_visible(stops)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisation/evenements/1/planning$"))
    assert_accessible(page)

    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, re.compile(r"^Version \d+$"))
    assert_focus_visible(stops)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisation/versions/\d+$"))
    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, re.compile(r"^Meetings by slot"), limit=60)
    assert_focus_visible(stops)
    assert_accessible(page)


def test_focus_check_fails_when_a_page_hides_the_focus(page):
    """The visible-focus check has teeth: with the indicator removed, it reports every stop."""
    page.goto("/compte/connexion")
    page.add_style_tag(
        content="*:focus-visible { outline: none !important; box-shadow: none !important; }"
    )
    page.evaluate(RECORD_UNFOCUSED)
    stops = tab_to(page, "email")
    assert stops[0]["name"] in ("Skip to content", "Aller au contenu")
    with pytest.raises(AssertionError):
        assert_focus_visible(stops)
