"""Printed agendas in Chromium: print media, A4 PDFs with one page per sheet, axe on screen."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import JobKind
from app.services import agenda
from app.services.agenda import jobs
from tests.browser.conftest import serve_demo
from tests.browser.test_accounts_browser import assert_accessible, login
from tests.solvers import first_fit

pytestmark = pytest.mark.browser

# A4 in PDF points (1/72 inch): 210 mm × 297 mm.
A4_PORTRAIT = (595, 842)
A4_LANDSCAPE = (842, 595)
# The width of an A4 portrait page inside its 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = round((210 - 2 * 12) / 25.4 * 96)


def _publish_first_version(event) -> None:
    """Schedule the demo event with the first_fit solver and publish version 1."""
    db.session.commit()
    job = jobs.enqueue(event.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    version = jobs.run_job(job.id, solver=first_fit).version
    agenda.publish(version.id, actor_id=None)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo event with a published agenda (the harness' server has none)."""
    with serve_demo(tmp_path_factory.mktemp("printing"), _publish_first_version) as (url, _app):
        yield url


def _pdf_pages(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's (width, height) in points, rounded."""
    from pypdf import PdfReader

    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def _overflowing_sheets(page) -> int:
    """How many sheets are wider than the page (content cut off at the right edge)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.sheet')]"
        ".filter(s => s.scrollWidth > s.clientWidth + 1"
        " || s.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"
    )


def test_table_sheets_print_one_a4_page_per_table(page):
    login(page, "organisateur@example.org")
    page.goto("/organisation/versions/1")
    page.get_by_role("link", name="Fiches de table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches de table, version 1")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()  # shown by print.js
    expect(page.locator("section.table-sheet")).to_have_count(8)
    assert_accessible(page)

    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    assert _overflowing_sheets(page) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_PX

    pages = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert pages == [A4_PORTRAIT] * 8


def test_every_participant_sheet_is_one_a4_page(page):
    login(page, "organisateur@example.org")
    page.goto("/organisation/versions/1/impression/participants")
    expect(page.locator("section.participant-sheet")).to_have_count(19)
    assert_accessible(page)
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    assert _overflowing_sheets(page) == 0
    assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == [A4_PORTRAIT] * 19


def test_whole_grid_prints_on_two_landscape_pages(page):
    login(page, "organisateur@example.org")
    page.goto("/organisation/versions/1/impression/grille")
    expect(page.locator("section.grid-sheet")).to_have_count(2)
    assert_accessible(page)
    # Landscape A4 inside 10 mm margins, in CSS pixels.
    page.set_viewport_size({"width": round((297 - 20) / 25.4 * 96), "height": 700})
    page.emulate_media(media="print")
    assert _overflowing_sheets(page) == 0
    assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == [A4_LANDSCAPE] * 2


def test_company_prints_its_own_agenda_from_the_dashboard(page):
    login(page, "entreprise@example.org")
    page.get_by_role("link", name="Imprimer mon planning").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Lumisol Marquage")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})  # on a phone, on the day
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == [A4_PORTRAIT]
