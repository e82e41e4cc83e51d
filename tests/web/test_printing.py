"""Print pages through the test client: content, page-break markup, links and permissions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import (
    Booking,
    JobKind,
    Meeting,
    MeetingStatus,
    Participant,
    User,
)
from app.services import agenda, calendars
from app.services.agenda import jobs
from tests.conftest import login, text
from tests.factories import make_company, make_event
from tests.solvers import first_fit

ORGANISER = "organisateur@example.org"
BUYER = "acheteur@example.org"
COMPANY = "entreprise@example.org"
MEETING_ROW = re.compile(r'<tr class="line-meeting" data-kind="meeting">(.*?)</tr>', re.S)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def _meeting_rows(page: str) -> list[tuple[str, ...]]:
    """The printed meeting rows' cells as text (the hall under a table name left out)."""
    rows = []
    for row in MEETING_ROW.findall(page):
        cells = [re.sub(r'<span class="meta">.*?</span>', "", c) for c in CELL.findall(row)]
        rows.append(tuple(re.sub(r"<[^>]+>", "", c).strip() for c in cells))
    return rows


def _draft(event_id: int):
    job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    return jobs.run_job(job.id, solver=first_fit).version


@pytest.fixture
def published(demo):
    """The demo event with version 1 (first_fit) published."""
    version = _draft(demo.id)
    agenda.publish(version.id, actor_id=None)
    db.session.commit()
    return version


def _participant(email: str, event_id: int) -> Participant:
    user = db.session.query(User).filter_by(email=email).one()
    return calendars.participation(user, event_id)


def _french(moment) -> str:
    local = moment.astimezone(ZoneInfo("Europe/Paris"))
    return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"


def _expected_rows(version, participant: Participant, *, place: bool) -> list[tuple[str, ...]]:
    """(time, other party, need[, table]) of the participant's meetings, from the database."""
    meetings = (
        db.session.execute(
            db.select(Meeting)
            .join(Booking, Booking.meeting_id == Meeting.id)
            .where(
                Booking.version_id == version.id,
                Booking.participant_id == participant.id,
                Meeting.status == MeetingStatus.SCHEDULED,
            )
        )
        .scalars()
        .all()
    )
    rows = []
    for m in sorted(meetings, key=lambda m: m.slot.starts_at):
        other = next(p for p in m.participants if p.id != participant.id)
        need = m.request.need.title if m.request.need else "—"
        when = f"{_french(m.slot.starts_at)} – {_french(m.slot.ends_at)}"
        row = (when, other.name, need)
        rows.append((*row, m.location.name) if place else row)
    return rows


def _print_url(version_id: int, what: str) -> str:
    return f"/organisation/versions/{version_id}/impression/{what}"


def test_organiser_prints_a_buyer_sheet_with_meetings_in_time_order(client, published):
    buyer = _participant(BUYER, published.event_id)
    # The voirie direction meets everyone at its own table: the sheet gives it once, above.
    expected = _expected_rows(published, buyer, place=False)
    login(client, ORGANISER)
    response = client.get(_print_url(published.id, f"participants/{buyer.id}"))
    page = text(response)
    assert response.status_code == 200
    assert len(expected) >= 2  # the voirie direction meets several companies
    assert _meeting_rows(page) == expected
    assert "<dt>Votre table</dt><dd>Table 1</dd>" in page
    assert '<th scope="col">Lieu</th>' not in page
    assert page.count('data-sheet="participant"') == 1
    assert '<link rel="stylesheet" href="/static/css/print.css">' in page
    assert "<dd>mardi 16 mars 2027</dd>" in page
    assert "<dd>Hôtel de la Métropole, salle des Calanques, Marseille</dd>" in page
    assert "<dd>Acheteur · Métropole Méditerranée</dd>" in page
    assert "<dd>Karim Benali</dd>" in page
    assert "Métropole Méditerranée · organisateur@example.org" in page
    assert "Brouillon" not in page


def test_every_participant_gets_one_sheet_in_one_document(client, published):
    login(client, ORGANISER)
    page = text(client.get(_print_url(published.id, "participants")))
    sheets = agenda.scheduled_participants(published.event_id)
    assert len(sheets) == 19  # four buyers, fifteen selected companies
    assert page.count('<section class="sheet participant-sheet"') == 19
    titles = re.findall(r'<h2 class="sheet-title" id="sheet-(\d+)">', page)
    assert titles == [str(p.id) for p in sheets]
    assert page.count('data-kind="meeting"') == 2 * 17  # each meeting on both sides' sheets


def test_print_stylesheet_fits_a4_and_breaks_pages_between_sheets(client, published):
    response = client.get("/static/css/print.css")
    css = response.get_data(as_text=True)
    response.close()  # a static file answer holds the file open until closed
    assert "@page { size: A4 portrait; margin: 12mm 12mm 14mm; }" in css
    assert "@page grid { size: A4 landscape; margin: 10mm; }" in css
    assert ".sheet + .sheet { break-before: page; }" in css
    assert ".grid-sheet { page: grid; }" in css
    assert (
        ".sheet-table tr, .sheet-facts, .sheet-foot, .sheet-draft { break-inside: avoid; }" in css
    )
    assert ".print-toolbar, .alert, .visually-hidden-focusable { display: none !important; }" in css


def test_table_sheets_one_per_table_with_every_slot(client, published):
    login(client, ORGANISER)
    page = text(client.get(_print_url(published.id, "tables")))
    sections = page.split('<section class="sheet table-sheet"')[1:]
    assert len(sections) == 8
    assert [
        re.search(r'class="sheet-title" id="[^"]+">([^<]+)<', s).group(1) for s in sections
    ] == [f"Table {n}" for n in range(1, 9)]
    assert [s.count("data-kind=") for s in sections] == [9] * 8  # 14:00 to 17:00, 20 min
    assert sum(s.count('data-kind="meeting"') for s in sections) == 17
    # Table 1 is kept by the voirie direction all afternoon.
    assert "<dt>Table de</dt><dd>Métropole Méditerranée — Direction de la voirie" in sections[0]


def test_grid_prints_eight_tables_on_two_landscape_pages(client, published):
    login(client, ORGANISER)
    page = text(client.get(_print_url(published.id, "grille")))
    assert page.count('<section class="sheet grid-sheet"') == 2
    assert "Table 1 à Table 4 (partie 1 sur 2)" in page
    assert "Table 5 à Table 8 (partie 2 sur 2)" in page
    assert page.count("<td data-meeting>") == 17
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", page, re.S)
    assert [re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', h) for h in heads] == [
        ["Créneau", "Table 1", "Table 2", "Table 3", "Table 4", "Ateliers"],
        ["Créneau", "Table 5", "Table 6", "Table 7", "Table 8", "Ateliers"],
    ]


def test_printed_draft_says_draft_on_every_sheet(client, published):
    draft = _draft(published.event_id)
    login(client, ORGANISER)
    page = text(client.get(_print_url(draft.id, "tables")))
    note = "Brouillon (version 2) : ce planning n'est pas publié, ne le distribuez pas."
    assert page.count(note) == 8


def test_version_and_participant_pages_link_to_the_print_pages(client, published):
    buyer = _participant(BUYER, published.event_id)
    login(client, ORGANISER)
    page = text(client.get(f"/organisation/versions/{published.id}"))
    for what in ("participants", "tables", "grille"):
        assert f'href="{_print_url(published.id, what)}"' in page
    page = text(client.get(f"/organisation/versions/{published.id}/participants/{buyer.id}"))
    assert f'href="{_print_url(published.id, f"participants/{buyer.id}")}"' in page


def test_company_prints_its_own_published_agenda_from_its_dashboard(client, published):
    company = _participant(COMPANY, published.event_id)
    expected = _expected_rows(published, company, place=True)
    login(client, COMPANY)
    url = f"/evenements/{published.event_id}/mon-agenda/imprimer"
    assert f'href="{url}"' in text(client.get("/tableau-de-bord"))
    response = client.get(url)
    page = text(response)
    assert response.status_code == 200
    assert page.count('data-sheet="participant"') == 1
    assert f'<h2 class="sheet-title" id="sheet-{company.id}">Lumisol Marquage</h2>' in page
    assert _meeting_rows(page) == expected
    assert "/organisation/" not in page  # no organiser links on a participant's page


def test_buyer_prints_its_own_agenda(client, published):
    buyer = _participant(BUYER, published.event_id)
    login(client, BUYER)
    page = text(client.get(f"/evenements/{published.event_id}/mon-agenda/imprimer"))
    assert _meeting_rows(page) == _expected_rows(published, buyer, place=False)


def test_participants_print_the_published_version_not_a_newer_draft(client, published):
    _draft(published.event_id)
    login(client, COMPANY)
    page = text(client.get(f"/evenements/{published.event_id}/mon-agenda/imprimer"))
    assert "planning, version 1" in page
    assert "version 2" not in page and "Brouillon" not in page


def test_participant_without_published_agenda_gets_404_and_no_link(client, demo):
    _draft(demo.id)
    login(client, COMPANY)
    url = f"/evenements/{demo.id}/mon-agenda/imprimer"
    assert url not in text(client.get("/tableau-de-bord"))
    assert client.get(url).status_code == 404


def test_company_of_another_event_gets_404(client, published):
    other = make_event()
    db.session.commit()
    login(client, COMPANY)
    assert client.get(f"/evenements/{other.id}/mon-agenda/imprimer").status_code == 404


@pytest.mark.parametrize("what", ["participants", "participants/1", "tables", "grille"])
@pytest.mark.parametrize("email", [COMPANY, BUYER])
def test_participants_cannot_open_organiser_print_pages(client, published, email, what):
    login(client, email)
    assert client.get(_print_url(published.id, what)).status_code == 403


def test_organiser_has_no_own_agenda_to_print(client, published):
    login(client, ORGANISER)
    assert client.get(f"/evenements/{published.event_id}/mon-agenda/imprimer").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/organisation/versions/1/impression/participants",
        "/organisation/versions/1/impression/tables",
        "/organisation/versions/1/impression/grille",
        "/evenements/1/mon-agenda/imprimer",
    ],
)
def test_visitors_are_sent_to_the_login_page(client, published, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


@pytest.mark.parametrize("what", ["participants", "tables", "grille", "participants/1"])
def test_unknown_version_is_404(client, published, what):
    login(client, ORGANISER)
    assert client.get(_print_url(999, what)).status_code == 404


def test_unknown_or_foreign_participant_is_404(client, published):
    other = make_event()
    stranger = make_company(other, "Ailleurs")
    db.session.commit()
    login(client, ORGANISER)
    assert client.get(_print_url(published.id, "participants/99999")).status_code == 404
    assert client.get(_print_url(published.id, f"participants/{stranger.id}")).status_code == 404
