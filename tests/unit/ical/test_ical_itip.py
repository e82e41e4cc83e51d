"""The RFC 5546 checker passes every builder's output and names each broken rule."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from app.ical import (
    Side,
    Status,
    build_agenda,
    build_cancel,
    build_event_calendar,
    build_request,
    itip_violations,
    revise,
)
from tests.unit.ical.factories import NOW, meeting, season_meetings, workshop

UID = meeting().uid
FIFTEEN = timedelta(minutes=15)


def _all_kinds() -> dict[str, bytes]:
    return {
        "request": build_request(meeting(), now=NOW, reminder=FIFTEEN),
        "request-workshop": build_request(workshop(), now=NOW, lang="en"),
        "cancel": build_cancel(
            revise(meeting(), status=Status.CANCELLED), last_sent_sequence=0, now=NOW
        ),
        "agenda": build_agenda(
            [meeting(), workshop()],
            calendar_name="A",
            now=NOW,
            viewer=Side.COMPANY,
            reminder=FIFTEEN,
        ),
        "agenda-with-cancelled": build_agenda(
            [meeting(status=Status.CANCELLED)],
            calendar_name="A",
            now=NOW,
            include_cancelled=True,
        ),
        "event": build_event_calendar(season_meetings(), calendar_name="E", now=NOW),
    }


@pytest.mark.parametrize("kind", sorted(_all_kinds()))
def test_itip_builder_output_has_no_violation(kind):
    assert itip_violations(_all_kinds()[kind]) == ()


def _mutate(data: bytes, change) -> bytes:
    cal = icalendar.Calendar.from_ical(data)
    change(cal, next(iter(cal.walk("VEVENT"))))
    return cal.to_ical()


def test_itip_request_without_attendee_is_reported():
    data = _mutate(build_request(meeting(), now=NOW), lambda cal, ev: ev.pop("ATTENDEE"))
    assert itip_violations(data) == (
        f"REQUEST VEVENT {UID}: ATTENDEE occurs 0 time(s), allowed 1...n",
    )


def test_itip_publish_with_attendee_is_reported():
    data = build_request(meeting(), now=NOW).replace(b"METHOD:REQUEST", b"METHOD:PUBLISH")
    assert itip_violations(data) == (
        f"PUBLISH VEVENT {UID}: ATTENDEE occurs 2 time(s), allowed 0...0",
    )


def test_itip_cancel_with_alarm_and_confirmed_status_is_reported():
    request = build_request(meeting(sequence=1), now=NOW, reminder=FIFTEEN)
    data = request.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    assert itip_violations(data) == (
        f"CANCEL VEVENT {UID}: STATUS CONFIRMED not allowed",
        f"CANCEL VEVENT {UID}: VALARM not allowed",
    )


def test_itip_cancel_without_sequence_is_reported():
    cancel = build_cancel(meeting(sequence=1), last_sent_sequence=0, now=NOW)
    data = _mutate(cancel, lambda cal, ev: ev.pop("SEQUENCE"))
    assert itip_violations(data) == (
        f"CANCEL VEVENT {UID}: SEQUENCE occurs 0 time(s), allowed 1...1",
    )


def test_itip_missing_vtimezone_is_reported():
    def drop_zones(cal, _ev):
        cal.subcomponents[:] = [c for c in cal.subcomponents if c.name != "VTIMEZONE"]

    data = _mutate(build_request(meeting(), now=NOW), drop_zones)
    assert itip_violations(data) == (
        f"REQUEST VEVENT {UID}: TZID Europe/Paris has no VTIMEZONE",
        f"REQUEST VEVENT {UID}: TZID Europe/Paris has no VTIMEZONE",
    )


def test_itip_organizer_as_attendee_is_reported():
    def add_organizer(_cal, ev):
        ev.add("attendee", icalendar.vCalAddress(str(ev["ORGANIZER"]).upper()))

    data = _mutate(build_request(meeting(), now=NOW), add_organizer)
    assert itip_violations(data) == (f"REQUEST VEVENT {UID}: the organiser is also an attendee",)


def test_itip_request_with_two_uids_is_reported():
    two = build_agenda([meeting(), workshop()], calendar_name="A", now=NOW)
    data = two.replace(b"METHOD:PUBLISH", b"METHOD:REQUEST")
    problems = itip_violations(data)
    assert problems[0] == "a REQUEST must describe exactly one UID"
    assert len(problems) == 3  # and each VEVENT lacks its ATTENDEE


def test_itip_unknown_method_is_reported():
    data = build_request(meeting(), now=NOW).replace(b"METHOD:REQUEST", b"METHOD:COUNTER")
    assert itip_violations(data) == ("METHOD 'COUNTER' is not PUBLISH, REQUEST or CANCEL",)


def test_itip_missing_method_is_reported():
    data = build_request(meeting(), now=NOW).replace(b"METHOD:REQUEST\r\n", b"")
    assert itip_violations(data) == (
        "VCALENDAR needs exactly one METHOD",
        "METHOD '' is not PUBLISH, REQUEST or CANCEL",
    )
