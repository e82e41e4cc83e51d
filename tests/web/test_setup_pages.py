"""Set-up pages through the test client: access, French errors, guard rails, a whole set-up."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import (
    AuditEntry,
    Event,
    EventStatus,
    LocationKind,
    Participant,
    ParticipantRole,
    Unavailability,
    Workshop,
)
from app.services.agenda.instance import build_instance
from tests.conftest import csrf_token, login, submit, text
from tests.factories import make_buyer, make_company

BASE = "/organisation/evenements"


def _pages(event: Event) -> list[str]:
    day = event.days[0].id
    location = event.locations[0].id
    workshop = event.workshops[0].id
    return [
        f"{BASE}/nouveau",
        f"{BASE}/{event.id}/parametres",
        f"{BASE}/{event.id}/parametres/evenement",
        f"{BASE}/{event.id}/parametres/journees",
        f"{BASE}/{event.id}/parametres/journees/nouvelle",
        f"{BASE}/{event.id}/parametres/journees/{day}",
        f"{BASE}/{event.id}/parametres/lieux",
        f"{BASE}/{event.id}/parametres/lieux/{location}",
        f"{BASE}/{event.id}/parametres/participants",
        f"{BASE}/{event.id}/parametres/ateliers/{workshop}",
    ]


def test_setup_pages_open_to_organisers(client, demo):
    login(client, "organisateur@example.org")
    assert {url: client.get(url).status_code for url in _pages(demo)} == dict.fromkeys(
        _pages(demo), 200
    )


@pytest.mark.parametrize("email", ["acheteur@example.org", "entreprise@example.org"])
def test_setup_pages_forbidden_to_buyers_and_companies(client, demo, email):
    login(client, email)
    assert {url: client.get(url).status_code for url in _pages(demo)} == dict.fromkeys(
        _pages(demo), 403
    )
    token = csrf_token(client.get("/tableau-de-bord").get_data(as_text=True))
    response = client.post(
        f"{BASE}/{demo.id}/parametres/lieux/tables",
        data={"csrf_token": token, "prefix": "Table", "first": "9", "count": "2"},
    )
    assert response.status_code == 403
    assert len(demo.locations) == 9


def test_setup_pages_send_visitors_to_login(client, demo):
    for url in _pages(demo):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/compte/connexion")


def test_dashboard_and_event_page_link_to_setup(client, demo):
    login(client, "organisateur@example.org")
    dashboard = text(client.get("/tableau-de-bord"))
    assert f'href="{BASE}/nouveau"' in dashboard
    assert f'href="{BASE}/{demo.id}/parametres"' in dashboard
    assert f'href="{BASE}/{demo.id}/parametres"' in text(client.get(f"/evenements/{demo.id}"))


def test_create_event_invalid_form_rerenders_french_errors_and_keeps_input(client, demo):
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"{BASE}/nouveau",
        {
            "title": "",
            "venue": "Hôtel de la Métropole",
            "timezone": "Europe/Pariss",
            "application_deadline": "demain",
            "contact_email": "pas-une-adresse",
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in page
    assert "Fuseau horaire inconnu : indiquez un nom IANA comme Europe/Paris." in page
    assert "Indiquez une date et une heure." in page
    assert "Indiquez une adresse électronique valide." in page
    assert 'value="Europe/Pariss"' in page
    assert 'value="Hôtel de la Métropole"' in page
    assert db.session.execute(db.select(Event).where(Event.id != demo.id)).first() is None


def test_create_event_stores_deadline_in_utc_and_audits(client, demo):
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"{BASE}/nouveau",
        {
            "title": "Rencontres de Cayenne",
            "timezone": "America/Cayenne",
            "application_deadline": "2027-05-01T18:00",
            "contact_email": "achats@example.org",
        },
    )
    event = db.session.execute(db.select(Event).where(Event.id != demo.id)).scalar_one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/{event.id}/parametres"
    assert event.status is EventStatus.DRAFT
    assert event.application_deadline == datetime(2027, 5, 1, 21, 0, tzinfo=UTC)
    assert event.organiser_organisation.name == "Métropole Méditerranée"
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "event.create")
    ).scalar_one()
    assert (entry.event_id, entry.details["timezone"]) == (event.id, "America/Cayenne")
    # The edit form shows the deadline back in the event's local time.
    assert 'value="2027-05-01T18:00"' in text(client.get(f"{BASE}/{event.id}/parametres/evenement"))


def test_day_form_errors_are_french_and_keep_input(client, demo):
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"{BASE}/{demo.id}/parametres/journees/nouvelle",
        {
            "date": "2027-03-17",
            "start_time": "17:00",
            "end_time": "9h",
            "slot_minutes": "300",
            "pauses-0-start": "12:00",
            "pauses-0-end": "",
            "submit": "1",
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert "Indiquez une heure au format hh:mm, par exemple 14:20." in page
    assert "Entre 5 et 240 minutes." in page
    assert "Indiquez le début et la fin de la pause." in page
    assert 'value="9h"' in page and 'value="2027-03-17"' in page
    assert len(demo.days) == 1


def test_day_preview_shows_french_times_and_saves_nothing(client, demo):
    login(client, "organisateur@example.org")
    data = {
        "date": "2027-03-17",
        "start_time": "09:00",
        "end_time": "12:00",
        "slot_minutes": "30",
        "pauses-0-start": "10:00",
        "pauses-0-end": "10:20",
        "pauses-0-label": "Café",
        "session_boundary": "11:00",
    }
    response = submit(
        client, f"{BASE}/{demo.id}/parametres/journees/nouvelle", {**data, "preview": "1"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "Aperçu des créneaux" in page
    assert "5 créneaux" in page
    assert "9\u00a0h\u00a000 – 9\u00a0h\u00a030" in page
    assert "10\u00a0h\u00a020 – 10\u00a0h\u00a050" in page
    assert "Matin (4 créneaux)" in page and "Après-midi (1 créneau)" in page
    assert len(demo.days) == 1
    response = client.post(
        f"{BASE}/{demo.id}/parametres/journees/nouvelle",
        data={**data, "submit": "1", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [len(d.slots) for d in demo.days] == [9, 5]


def test_day_edit_form_shows_the_saved_grid(client, demo):
    login(client, "organisateur@example.org")
    url = f"{BASE}/{demo.id}/parametres/journees/nouvelle"
    data = {
        "date": "2027-03-17",
        "start_time": "09:00",
        "end_time": "17:00",
        "slot_minutes": "30",
        "pauses-0-start": "12:30",
        "pauses-0-end": "14:00",
        "pauses-0-label": "Déjeuner",
        "session_boundary": "11:00",
        "submit": "1",
    }
    assert submit(client, url, data).status_code == 302
    day = demo.days[1]
    page = text(client.get(f"{BASE}/{demo.id}/parametres/journees/{day.id}"))
    for name, value in [
        ("start_time", "09:00"),
        ("end_time", "17:00"),
        ("slot_minutes", "30"),
        ("pauses-0-start", "12:30"),
        ("pauses-0-end", "14:00"),
        ("pauses-0-label", "Déjeuner"),
        ("session_boundary", "11:00"),
    ]:
        assert re.search(rf'<input[^>]*id="{name}"[^>]*value="{value}"', page), name
    assert 'id="pauses-2-start"' in page
    listing = text(client.get(f"{BASE}/{demo.id}/parametres/journees"))
    assert "Après-midi à partir de 11\u00a0h\u00a000." in listing
    assert "Pauses : 12\u00a0h\u00a030 – 14\u00a0h\u00a000 (Déjeuner)" in listing


def test_day_across_the_clock_change_is_refused_in_french(client, demo):
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"{BASE}/{demo.id}/parametres/journees/nouvelle",
        {
            "date": "2027-03-28",
            "start_time": "01:00",
            "end_time": "04:00",
            "slot_minutes": "30",
            "preview": "1",
        },
    )
    assert response.status_code == 400
    assert (
        "L'heure 2\u00a0h\u00a000 n'existe pas ou existe deux fois ce jour-là (changement "
        "d'heure) : choisissez une autre heure." in text(response)
    )


def _demo_agenda(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db.session.execute(db.select(Event)).scalar_one()


def test_day_change_removing_booked_slots_is_refused_in_french(app, client):
    event = _demo_agenda(app)
    login(client, "organisateur@example.org")
    day = event.days[0]
    ids = [s.id for s in day.slots]
    url = f"{BASE}/{event.id}/parametres/journees/{day.id}"
    response = submit(
        client,
        url,
        {
            "date": "2027-03-16",
            "start_time": "14:00",
            "end_time": "17:00",
            "slot_minutes": "30",
            "submit": "1",
        },
    )
    page = text(response)
    assert response.status_code == 409
    assert (
        "Refusé, rien n'a changé : des créneaux à supprimer sont utilisés par un planning" in page
    )
    assert "version 1 publiée" in page
    db.session.expire_all()
    assert [s.id for s in event.days[0].slots] == ids
    assert event.days[0].slot_minutes == 20


def test_day_change_losing_unavailabilities_asks_for_confirmation(client, demo):
    login(client, "organisateur@example.org")
    day = demo.days[0]
    url = f"{BASE}/{demo.id}/parametres/journees/{day.id}"
    data = {"date": "2027-03-16", "start_time": "14:20", "end_time": "17:00", "slot_minutes": "20"}
    response = submit(client, url, {**data, "submit": "1"})
    page = text(response)
    assert response.status_code == 400
    assert "cochez la confirmation" in page
    assert "indisponibilité de Tri Méditerranée à 14\u00a0h\u00a000" in page
    assert len(db.session.execute(db.select(Unavailability)).all()) == 2
    response = client.post(
        url, data={**data, "submit": "1", "confirm": "y", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert len(demo.days[0].slots) == 8
    assert len(db.session.execute(db.select(Unavailability)).all()) == 1


def test_delete_day_lists_losses_then_deletes_after_confirmation(client, demo):
    login(client, "organisateur@example.org")
    day = demo.days[0]
    listing = f"{BASE}/{demo.id}/parametres/journees"
    url = f"{listing}/{day.id}/supprimer"
    response = submit(client, url, {}, page=listing)
    page = text(response)
    assert response.status_code == 400
    assert "indisponibilité de Tri Méditerranée à 14\u00a0h\u00a000" in page
    assert "de l'atelier « Marquage au sol LED »" in page
    assert len(demo.slots) == 9
    response = submit(client, url, {"confirm": "y"}, page=listing)
    assert response.status_code == 302
    db.session.expire_all()
    assert (demo.days, demo.slots) == ([], [])
    assert db.session.execute(db.select(Unavailability)).first() is None


def test_participants_duplicate_pin_and_min_above_max_rerender_with_field_errors(client, demo):
    login(client, "organisateur@example.org")
    url = f"{BASE}/{demo.id}/parametres/participants"
    page = text(client.get(url))
    buyers = sorted(
        (p for p in demo.participants if p.role is ParticipantRole.BUYER),
        key=lambda p: p.name.casefold(),
    )
    people = sorted(
        (p for p in demo.participants if p.role is ParticipantRole.COMPANY),
        key=lambda p: p.name.casefold(),
    )
    data = {"csrf_token": csrf_token(page), "submit": "1"}
    for n, p in enumerate(buyers + people):
        data[f"rows-{n}-participant_id"] = str(p.id)
        data[f"rows-{n}-location_id"] = str(p.location_id or 0)
        data[f"rows-{n}-max_meetings"] = "" if p.max_meetings is None else str(p.max_meetings)
        data[f"rows-{n}-min_meetings"] = str(p.min_meetings)
    table_of_first = buyers[0].location.name
    data["rows-1-location_id"] = str(buyers[0].location_id)
    response = client.post(url, data=data)
    page = text(response)
    assert response.status_code == 400
    assert f"{table_of_first} est déjà gardée par {buyers[0].name}." in page
    assert "Rien n'a été enregistré." in page
    data["rows-1-location_id"] = "0"
    data[f"rows-{len(buyers)}-max_meetings"] = "2"
    data[f"rows-{len(buyers)}-min_meetings"] = "3"
    response = client.post(url, data=data)
    page = text(response)
    assert response.status_code == 400
    assert "Le minimum ne peut dépasser le maximum." in page
    assert re.search(rf'<input[^>]*id="rows-{len(buyers)}-max_meetings"[^>]*value="2"', page)
    assert re.search(rf'<input[^>]*id="rows-{len(buyers)}-min_meetings"[^>]*value="3"', page)
    db.session.expire_all()
    assert buyers[1].location_id != buyers[0].location_id
    assert people[0].max_meetings is None

    data["rows-1-location_id"] = "0"
    data[f"rows-{len(buyers)}-min_meetings"] = "1"
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert (buyers[1].location_id, people[0].max_meetings, people[0].min_meetings) == (None, 2, 1)
    make_company(demo, "Nouvelle venue")
    db.session.commit()
    response = client.post(url, data=data, follow_redirects=True)
    assert "La liste des participants a changé depuis l'affichage de la page" in text(response)


def test_locations_bulk_tables_and_refused_delete_of_a_kept_table(client, demo):
    login(client, "organisateur@example.org")
    url = f"{BASE}/{demo.id}/parametres/lieux"
    page = text(client.get(url))
    assert 'name="first" required type="number" value="9"' in page  # after « Table 8 »
    response = submit(
        client, f"{url}/tables", {"prefix": "Table", "first": "8", "count": "2"}, page=url
    )
    assert response.status_code == 400
    assert "Ce nom est déjà pris : Table 8." in text(response)
    response = submit(
        client,
        f"{url}/tables",
        {"prefix": "Table", "first": "9", "count": "2", "room": "Hall B"},
        page=url,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [loc.name for loc in demo.locations][-2:] == ["Table 9", "Table 10"]
    kept = demo.locations[0]
    response = submit(client, f"{url}/{kept.id}/supprimer", {}, page=url, follow=True)
    assert "« Table 1 » est utilisé (table gardée par" in text(response)
    assert db.session.get(type(kept), kept.id) is not None


def test_workshop_edit_changes_slots_room_and_sizes(client, demo):
    login(client, "organisateur@example.org")
    workshop = demo.workshops[0]
    slots = [s.id for s in demo.slots]
    url = f"{BASE}/{demo.id}/parametres/ateliers/{workshop.id}"
    response = submit(
        client,
        url,
        {
            "title": "Marquage au sol LED",
            "theme": "Co-conception",
            "min_size": "3",
            "max_size": "6",
            "location_id": str(workshop.location_id),
            "slots": [str(slots[0]), str(slots[1])],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    workshop = db.session.get(Workshop, workshop.id)
    assert ([s.id for s in workshop.slots], workshop.min_size, workshop.max_size) == (
        slots[:2],
        3,
        6,
    )
    response = submit(
        client, url, {"title": "Marquage", "min_size": "5", "max_size": "2", "slots": []}
    )
    page = text(response)
    assert response.status_code == 400
    assert "Le nombre de places ne peut être inférieur au minimum." in page
    assert "Choisissez au moins un créneau." in page


def test_status_change_is_checked_and_audited(client, demo):
    from app.services.setup.events import TRANSITIONS
    from app.setup.routes import STATUS_ACTIONS

    assert set(STATUS_ACTIONS) == {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    login(client, "organisateur@example.org")
    url = f"{BASE}/{demo.id}/parametres"
    page = text(client.get(url))
    assert "Revenir à la sélection" in page
    assert "Clore les candidatures" not in page
    response = submit(client, f"{url}/etape", {"status": "closed"}, page=url, follow=True)
    assert "Ce changement d'étape n'est pas possible." in text(response)
    response = submit(client, f"{url}/etape", {"status": "selection"}, page=url)
    assert response.status_code == 302
    assert demo.status is EventStatus.SELECTION


def test_whole_setup_from_scratch_gives_the_expected_instance(client, demo):
    login(client, "organisateur@example.org")
    submit(client, f"{BASE}/nouveau", {"title": "Rencontres 2028", "timezone": "Europe/Paris"})
    event = db.session.execute(db.select(Event).where(Event.id != demo.id)).scalar_one()
    base = f"{BASE}/{event.id}/parametres"
    response = submit(
        client,
        f"{base}/journees/nouvelle",
        {
            "date": "2028-03-28",
            "start_time": "10:00",
            "end_time": "15:00",
            "slot_minutes": "30",
            "pauses-0-start": "12:00",
            "pauses-0-end": "13:30",
            "pauses-0-label": "Déjeuner",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    response = submit(
        client,
        f"{base}/lieux/tables",
        {"prefix": "Table", "first": "1", "count": "3", "room": "Hall"},
        page=f"{base}/lieux",
    )
    assert response.status_code == 302
    response = submit(
        client,
        f"{base}/lieux",
        {"name": "Salle Frioul", "kind": "room", "room": "Étage 1"},
    )
    assert response.status_code == 302
    buyer = make_buyer(event, "Direction de la voirie")
    company = make_company(event, "Lumisol")
    db.session.commit()
    tables = [loc for loc in event.locations if loc.kind is LocationKind.TABLE]
    response = submit(
        client,
        f"{base}/participants",
        {
            "rows-0-participant_id": str(buyer.id),
            "rows-0-location_id": str(tables[1].id),
            "rows-0-max_meetings": "5",
            "rows-0-min_meetings": "0",
            "rows-1-participant_id": str(company.id),
            "rows-1-max_meetings": "3",
            "rows-1-min_meetings": "1",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    response = submit(client, f"{base}/etape", {"status": "open"}, page=base)
    assert response.status_code == 302

    db.session.expire_all()
    instance = build_instance(event.id)
    assert [(s.start, s.end, s.session) for s in instance.slots] == [
        ("2028-03-28T10:00:00+02:00", "2028-03-28T10:30:00+02:00", "am"),
        ("2028-03-28T10:30:00+02:00", "2028-03-28T11:00:00+02:00", "am"),
        ("2028-03-28T11:00:00+02:00", "2028-03-28T11:30:00+02:00", "am"),
        ("2028-03-28T11:30:00+02:00", "2028-03-28T12:00:00+02:00", "am"),
        ("2028-03-28T13:30:00+02:00", "2028-03-28T14:00:00+02:00", "pm"),
        ("2028-03-28T14:00:00+02:00", "2028-03-28T14:30:00+02:00", "pm"),
        ("2028-03-28T14:30:00+02:00", "2028-03-28T15:00:00+02:00", "pm"),
    ]
    assert [loc.name for loc in instance.locations] == ["Table 1", "Table 2", "Table 3"]
    by_id = {p.id: p for p in instance.participants}
    assert (
        by_id[f"p{buyer.id}"].location,
        by_id[f"p{buyer.id}"].max_meetings,
        by_id[f"p{buyer.id}"].min_meetings,
    ) == (f"t{tables[1].id}", 5, 0)
    assert (by_id[f"p{company.id}"].max_meetings, by_id[f"p{company.id}"].min_meetings) == (3, 1)
    assert event.status is EventStatus.OPEN
    actions = db.session.execute(
        db.select(AuditEntry.action).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    ).scalars()
    assert list(actions) == [
        "event.create",
        "event_day.create",
        "location.create_tables",
        "location.create",
        "participant.settings",
        "participant.settings",
        "event.status",
    ]
    assert db.session.get(Participant, buyer.id).location_id == tables[1].id
