"""A long, full day in print: 23 slots × 8 tables, long names; every sheet still fits A4."""

from __future__ import annotations

import io
from datetime import date, time

import pytest

from app.extensions import db
from app.models import Event, EventStatus, Location
from app.scheduling.types import Objective, Result, ScheduledMeeting, Status
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from app.services.setup.listing import add_day
from tests.browser.conftest import serve_demo
from tests.browser.test_accounts_browser import login
from tests.browser.test_printing_browser import A4_LANDSCAPE, A4_PORTRAIT, _pdf_pages
from tests.factories import make_buyer, make_company, make_request

pytestmark = pytest.mark.browser

TABLES = 8
IDS: dict[str, int] = {}


def _long_day(_demo: Event) -> None:
    """A second event, 9:00–18:00 with a lunch break, every table busy every slot.

    Names are long on purpose (a body, directions and cooperatives of 60 to 70 characters):
    the sheets must still fit their pages.
    """
    # The logged-in demo organiser's own body (organisers print their own events only:
    # app/auth/scope.py), given a long name for this server.
    body = _demo.organiser_organisation
    assert body is not None
    body.name = "Communauté d'agglomération du Grand Territoire"
    event = Event(
        title="Journée des achats publics responsables 2027",
        venue="Palais des congrès, grande halle, Montpellier",
        status=EventStatus.SCHEDULING,
        organiser_organisation=body,
        contact_email="contact@example.org",
    )
    db.session.add(event)
    db.session.flush()
    add_day(
        event,
        date(2027, 3, 17),
        time(9, 0),
        time(18, 0),
        20,
        [(time(12, 20), time(13, 40), "Déjeuner")],
    )
    tables = [
        Location(event=event, name=f"Table {n}", room="Grande halle", position=n)
        for n in range(1, TABLES + 1)
    ]
    db.session.add_all(tables)
    db.session.flush()
    placed = []
    for t, table in enumerate(tables):
        buyer = make_buyer(
            event, f"Direction de l'aménagement, de la voirie et des mobilités {t}", location=table
        )
        buyer.organisation.parent = body
        for s, slot in enumerate(event.slots):
            company = make_company(
                event, f"Société coopérative d'intérêt collectif Lumière et Routes {t}-{s}"
            )
            placed.append((make_request(company, buyer), slot, table))
        IDS.setdefault("buyer", buyer.id)
    db.session.commit()
    instance = build_instance(event.id)
    result = Result(
        instance=instance.name,
        status=Status.OPTIMAL,
        meetings=tuple(
            ScheduledMeeting(f"r{r.id}", f"s{slot.id}", f"t{table.id}") for r, slot, table in placed
        ),
        objective=Objective(0, len(placed), 0),
    )
    IDS["version"] = schedules.store_result(event.id, instance, result, actor_id=None).id
    IDS["slots"] = len(event.slots)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("long-day"), _long_day) as (url, _app):
        yield url


def _print(page, path: str) -> bytes:
    page.goto(path)
    page.emulate_media(media="print")
    return page.pdf(format="A4", prefer_css_page_size=True)


def test_long_day_sheets_fit_their_pages(page):
    from pypdf import PdfReader

    assert IDS["slots"] == 23  # 9:00–12:20 and 13:40–18:00 in 20-minute slots
    login(page, "organisateur@example.org")
    version = IDS["version"]
    tables = _print(page, f"/organisation/versions/{version}/impression/tables")
    assert _pdf_pages(tables) == [A4_PORTRAIT] * TABLES
    buyer = _print(page, f"/organisation/versions/{version}/impression/participants/{IDS['buyer']}")
    assert _pdf_pages(buyer) == [A4_PORTRAIT]

    # The grid is too long for one page per group of tables: it flows on, all landscape, and
    # every page repeats the header row.
    grid = _print(page, f"/organisation/versions/{version}/impression/grille")
    pages = _pdf_pages(grid)
    assert len(pages) > 2 and set(pages) == {A4_LANDSCAPE}
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(grid)).pages]
    assert all("Créneau" in text for text in texts)
