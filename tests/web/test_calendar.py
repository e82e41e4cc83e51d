"""Calendar downloads, subscription feeds and the CLI export, read back with icalendar."""

from __future__ import annotations

import icalendar
import pytest

from app.extensions import db
from app.models import MeetingStatus, ScheduleVersion, User
from tests.conftest import csrf_token, login


@pytest.fixture
def published(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db.session.query(ScheduleVersion).one()


def _company_meetings(version, email):
    user = db.session.query(User).filter_by(email=email).one()
    return user, [
        m
        for m in version.meetings
        if m.status is MeetingStatus.SCHEDULED
        and user.organisation_id in {p.organisation_id for p in m.participants}
    ]


def test_download_agenda_has_the_stored_uids_and_utc_instants(client, published):
    _user, meetings = _company_meetings(published, "entreprise@example.org")
    login(client, "entreprise@example.org")
    response = client.get(f"/evenements/{published.event_id}/mon-agenda.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert len(calendar.walk("VTIMEZONE")) == 1
    vevents = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    for meeting in meetings:
        vevent = vevents[meeting.uid]
        assert vevent.decoded("DTSTART") == meeting.slot.starts_at
        assert vevent.decoded("DTEND") == meeting.slot.ends_at
        assert int(vevent["SEQUENCE"]) == meeting.sequence
        assert "ATTENDEE" not in vevent
    # Lumisol also sits in the LED workshop: one more event
    assert len(vevents) == len(meetings) + 1


def test_download_for_a_non_participant_is_404(client, published):
    login(client, "organisateur@example.org")
    assert client.get(f"/evenements/{published.event_id}/mon-agenda.ics").status_code == 404


def test_feed_works_with_the_token_and_stops_after_rotation(client, published):
    user = db.session.query(User).filter_by(email="acheteur@example.org").one()
    url = f"/calendrier/{user.calendar_token}/{published.event_id}.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    assert b"REFRESH-INTERVAL" in response.get_data()
    login(client, "acheteur@example.org")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert f"webcal://localhost/calendrier/{user.calendar_token}/" in page
    client.post("/compte/calendrier/nouveau-lien", data={"csrf_token": csrf_token(page)})
    assert client.get(url).status_code == 404


def test_feed_with_an_unknown_token_is_404(client, published):
    assert client.get(f"/calendrier/nope/{published.event_id}.ics").status_code == 404


def test_cli_calendar_export_writes_one_file_per_account(app, published, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["calendar", "export", str(published.event_id), str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["acheteur@example.org.ics", "entreprise@example.org.ics"]
    calendar = icalendar.Calendar.from_ical((tmp_path / names[0]).read_bytes())
    assert calendar.walk("VEVENT")


def test_cli_calendar_export_without_published_agenda_fails(app, demo, tmp_path):
    result = app.test_cli_runner().invoke(args=["calendar", "export", str(demo.id), str(tmp_path)])
    assert result.exit_code == 1
    assert "no published agenda" in result.output
