"""Input types refuse what would make a wrong calendar; revise() bumps SEQUENCE, keeps UID."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.ical import (
    Attendee,
    InvalidEmailError,
    InvalidEventTimesError,
    InvalidSequenceError,
    InvalidUidError,
    InvalidUrlError,
    NaiveDatetimeError,
    Organizer,
    OrganizerIsAttendeeError,
    Status,
    UnknownTimezoneError,
    fingerprint,
    revise,
)
from tests.unit.ical.factories import ORGANIZER, meeting, utc, workshop


def test_meeting_naive_start_is_refused():
    with pytest.raises(NaiveDatetimeError):
        meeting(start=datetime(2026, 3, 29, 10, 0))


def test_meeting_end_before_start_is_refused():
    with pytest.raises(InvalidEventTimesError):
        meeting(end=utc(2026, 3, 29, 7, 59))


def test_meeting_zero_length_is_refused():
    with pytest.raises(InvalidEventTimesError):
        meeting(end=utc(2026, 3, 29, 8, 0))


@pytest.mark.parametrize("uid", ["", "a b", "a\r\nATTENDEE:x", "x" * 256])
def test_meeting_unusable_uid_is_refused(uid):
    with pytest.raises(InvalidUidError):
        meeting(uid=uid)


def test_meeting_negative_sequence_is_refused():
    with pytest.raises(InvalidSequenceError):
        meeting(sequence=-1)


@pytest.mark.parametrize(
    "email", ["", "no-at-sign", "a@b\r\nATTENDEE:mailto:evil@x", "a b@c.fr", "a@b;c", 'a"@b']
)
def test_attendee_unusable_email_is_refused(email):
    with pytest.raises(InvalidEmailError):
        Attendee("X", email)


def test_organizer_unusable_email_is_refused():
    with pytest.raises(InvalidEmailError):
        Organizer("X", "mailto:x")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x.example/a b", "/relative"])
def test_meeting_unusable_url_is_refused(url):
    with pytest.raises(InvalidUrlError):
        meeting(url=url)


def test_meeting_organizer_among_attendees_is_refused():
    with pytest.raises(OrganizerIsAttendeeError):
        meeting(attendees=(Attendee("Orga", ORGANIZER.email.upper()),))


def test_workshop_unknown_timezone_is_refused():
    with pytest.raises(UnknownTimezoneError):
        workshop(tz="Europe/Lyon")


def test_meeting_start_utc_converts_to_utc():
    m = meeting(start=datetime.fromisoformat("2026-03-29T10:00:00+02:00"))
    assert m.start_utc == utc(2026, 3, 29, 8, 0)
    assert m.start_utc.tzinfo is not None and m.start_utc.utcoffset() == timedelta(0)


def test_revise_move_keeps_uid_and_bumps_sequence():
    original = meeting(sequence=3)
    moved = revise(original, start=utc(2026, 3, 29, 9, 0), end=utc(2026, 3, 29, 9, 20))
    assert (moved.uid, moved.sequence) == (original.uid, 4)
    assert moved.start == utc(2026, 3, 29, 9, 0)


def test_revise_table_change_bumps_sequence_once():
    moved = revise(meeting(sequence=0), table="Table 3", room="Salle Saône")
    assert (moved.sequence, moved.table, moved.room) == (1, "Table 3", "Salle Saône")


def test_revise_without_change_keeps_sequence():
    original = meeting(sequence=2)
    assert revise(original, table=original.table) is original


def test_revise_cancel_bumps_sequence():
    cancelled = revise(meeting(sequence=1), status=Status.CANCELLED)
    assert (cancelled.status, cancelled.sequence) == (Status.CANCELLED, 2)


def test_revise_refuses_to_set_uid_or_sequence():
    with pytest.raises(TypeError):
        revise(meeting(), sequence=9)
    with pytest.raises(TypeError):
        revise(meeting(), uid="other")


def test_fingerprint_ignores_sequence_and_zone_of_the_same_instant():
    m = meeting(sequence=0)
    same_in_paris = meeting(sequence=5, start=datetime.fromisoformat("2026-03-29T10:00:00+02:00"))
    assert fingerprint(m) == fingerprint(same_in_paris)
    assert len(fingerprint(m)) == 64


def test_fingerprint_changes_with_time_place_status_and_attendees():
    m = meeting()
    changed = [
        revise(m, start=utc(2026, 3, 29, 8, 5)),
        revise(m, table="Table 13"),
        revise(m, status=Status.CANCELLED),
        revise(m, attendees=m.attendees[:1]),
    ]
    assert len({fingerprint(m), *(fingerprint(c) for c in changed)}) == 5


def test_fingerprint_differs_between_meeting_and_workshop():
    assert fingerprint(meeting()) != fingerprint(workshop())
