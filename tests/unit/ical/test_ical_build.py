"""What each builder writes, read back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from app.ical import (
    Attendee,
    CancelledEventError,
    DuplicateUidError,
    NaiveDatetimeError,
    NoAttendeeError,
    PartStat,
    Party,
    Role,
    SequenceNotIncreasedError,
    Side,
    Status,
    UnsupportedLanguageError,
    build_agenda,
    build_cancel,
    build_event_calendar,
    build_request,
    revise,
)
from tests.unit.ical.factories import NOW, ORGANIZER, meeting, season_meetings, utc, workshop

NBSP = "\u00a0"


def _parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def _events(data: bytes) -> list[icalendar.Event]:
    return list(_parse(data).walk("VEVENT"))


def _lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def test_request_header_and_identity_lines():
    data = build_request(meeting(sequence=2), now=NOW)
    lines = _lines(data)
    assert lines[:5] == [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:-//Entremise//Entremise calendar//FR",
        b"CALSCALE:GREGORIAN",
        b"METHOD:REQUEST",
    ]
    assert b"UID:0b6c1b1e-2f4e-4a9b-9d51-5b3f2b1f7a10@entremise.example" in lines
    assert b"SEQUENCE:2" in lines
    assert b"DTSTAMP:20260302T091542Z" in lines
    assert b"DTSTART;TZID=Europe/Paris:20260329T100000" in lines
    assert b"DTEND;TZID=Europe/Paris:20260329T102000" in lines
    assert b"STATUS:CONFIRMED" in lines
    assert lines.count(b"BEGIN:VTIMEZONE") == 1
    assert lines.index(b"BEGIN:VTIMEZONE") < lines.index(b"BEGIN:VEVENT")


def test_request_lines_are_crlf_and_folded_to_75_octets():
    long_need = "Fourniture de matériel électrique et d'éclairage public " * 6
    data = build_request(meeting(need_title=long_need), now=NOW)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in _lines(data)) <= 75
    description = str(_events(data)[0]["DESCRIPTION"])
    assert f"Besoin{NBSP}: {long_need}" in description.split("\n")


def test_request_organizer_and_every_attendee_with_parameters():
    event = _events(build_request(meeting(), now=NOW))[0]
    organizer = event["ORGANIZER"]
    assert (str(organizer), organizer.params["CN"]) == (
        "mailto:rdv@entremise.example",
        "RDV de la commande publique",
    )
    assert [
        (str(a), a.params["CN"], a.params["ROLE"], a.params["PARTSTAT"], a.params["RSVP"])
        for a in event["ATTENDEE"]
    ] == [
        (
            "mailto:marie.durand@lyon.example",
            "Marie Durand",
            "REQ-PARTICIPANT",
            "NEEDS-ACTION",
            "FALSE",
        ),
        ("mailto:jean@dupont.example", "Jean Dupont", "REQ-PARTICIPANT", "NEEDS-ACTION", "FALSE"),
    ]


def test_request_attendee_role_partstat_rsvp_are_written_as_given():
    attendee = Attendee("Chair", "chair@x.example", Role.CHAIR, PartStat.ACCEPTED, rsvp=True)
    event = _events(build_request(workshop(attendees=(attendee,)), now=NOW))[0]
    params = event["ATTENDEE"].params
    assert (params["ROLE"], params["PARTSTAT"], params["RSVP"]) == ("CHAIR", "ACCEPTED", "TRUE")


def test_request_times_parse_back_to_the_utc_instants():
    m = meeting()
    event = _events(build_request(m, now=NOW))[0]
    assert event.decoded("DTSTART").astimezone(UTC) == m.start_utc
    assert event.decoded("DTEND").astimezone(UTC) == m.end_utc
    assert event.decoded("DTSTAMP") == NOW


def test_request_french_summary_description_location():
    event = _events(build_request(meeting(url="https://rdv.example/m/1"), now=NOW))[0]
    assert str(event["SUMMARY"]) == f"Rendez-vous{NBSP}: Ville de Lyon ↔ Dupont & Fils"
    assert str(event["LOCATION"]) == "Table 12 — Salle Rhône"
    assert str(event["URL"]) == "https://rdv.example/m/1"
    assert str(event["DESCRIPTION"]).split("\n") == [
        f"Acheteur{NBSP}: Ville de Lyon (Marie Durand)",
        f"Entreprise{NBSP}: Dupont & Fils (Jean Dupont)",
        f"Besoin{NBSP}: Nettoyage des locaux",
        f"Lieu{NBSP}: Table 12 — Salle Rhône",
        f"Contact organisateur{NBSP}: RDV de la commande publique — rdv@entremise.example"
        " — +33 4 72 00 00 00",
        f"Détails{NBSP}: https://rdv.example/m/1",
    ]


def test_request_company_viewer_sees_the_buyer_as_other_party():
    event = _events(build_request(meeting(), now=NOW, viewer=Side.COMPANY))[0]
    assert str(event["DESCRIPTION"]).split("\n")[0] == f"Avec{NBSP}: Ville de Lyon (Marie Durand)"


def test_request_english_text():
    event = _events(build_request(meeting(), now=NOW, lang="en", viewer=Side.BUYER))[0]
    assert str(event["SUMMARY"]) == "Meeting: Ville de Lyon ↔ Dupont & Fils"
    assert str(event["DESCRIPTION"]).split("\n")[:3] == [
        "With: Dupont & Fils (Jean Dupont)",
        "Need: Nettoyage des locaux",
        "Place: Table 12 — Salle Rhône",
    ]


def test_request_reminder_adds_one_display_alarm():
    event = _events(build_request(meeting(), now=NOW, reminder=timedelta(minutes=15)))[0]
    alarms = list(event.walk("VALARM"))
    assert [(str(a["ACTION"]), a.decoded("TRIGGER"), str(a["DESCRIPTION"])) for a in alarms] == [
        (
            "DISPLAY",
            timedelta(minutes=-15),
            f"Rappel{NBSP}: Rendez-vous{NBSP}: Ville de Lyon ↔ Dupont & Fils",
        ),
    ]


def test_request_without_reminder_has_no_alarm():
    assert b"VALARM" not in build_request(meeting(), now=NOW)


def test_request_without_attendee_is_refused():
    with pytest.raises(NoAttendeeError):
        build_request(meeting(attendees=()), now=NOW)


def test_request_of_cancelled_meeting_is_refused():
    with pytest.raises(CancelledEventError):
        build_request(meeting(status=Status.CANCELLED), now=NOW)


def test_request_naive_clock_is_refused():
    with pytest.raises(NaiveDatetimeError):
        build_request(meeting(), now=datetime(2026, 3, 2, 9, 0))


def test_request_unknown_language_is_refused():
    with pytest.raises(UnsupportedLanguageError):
        build_request(meeting(), now=NOW, lang="de")


def test_request_same_input_same_bytes():
    assert build_request(meeting(), now=NOW) == build_request(meeting(), now=NOW)


def test_request_clock_sets_dtstamp_in_utc():
    paris_clock = datetime.fromisoformat("2026-07-01T10:00:00.123456+02:00")
    assert b"DTSTAMP:20260701T080000Z" in build_request(meeting(), now=paris_clock)


def test_request_moved_meeting_keeps_uid_with_higher_sequence():
    original = meeting()
    moved = revise(original, start=utc(2026, 3, 29, 9, 0), end=utc(2026, 3, 29, 9, 20))
    before = _events(build_request(original, now=NOW))[0]
    after = _events(build_request(moved, now=NOW + timedelta(days=1)))[0]
    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART").astimezone(UTC) == utc(2026, 3, 29, 9, 0)


def test_request_ambiguous_autumn_hour_written_in_utc():
    # 01:30 UTC on 25 Oct 2026 is the second 02:30 in Paris; a TZID wall time would be read
    # as the first one by RFC 5545 (§3.3.5), one hour early.
    second_pass = meeting(start=utc(2026, 10, 25, 1, 30), end=utc(2026, 10, 25, 2, 10))
    lines = _lines(build_request(second_pass, now=NOW))
    assert b"DTSTART:20261025T013000Z" in lines
    assert b"DTEND;TZID=Europe/Paris:20261025T031000" in lines


def test_request_first_pass_of_repeated_hour_also_written_in_utc():
    # 00:30 UTC is the first 02:30: ical.js and libical read a TZID 02:30 as the second one.
    first_pass = meeting(start=utc(2026, 10, 25, 0, 30), end=utc(2026, 10, 25, 0, 50))
    lines = _lines(build_request(first_pass, now=NOW))
    assert b"DTSTART:20261025T003000Z" in lines
    assert b"DTEND:20261025T005000Z" in lines


def test_cancel_same_uid_higher_sequence_status_cancelled():
    sent = meeting(sequence=1)
    cancelled = revise(sent, status=Status.CANCELLED)
    data = build_cancel(cancelled, last_sent_sequence=sent.sequence, now=NOW)
    cal = _parse(data)
    event = _events(data)[0]
    assert str(cal["METHOD"]) == "CANCEL"
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        sent.uid,
        2,
        "CANCELLED",
    )
    assert str(event["SUMMARY"]) == (
        f"Annulé{NBSP}: Rendez-vous{NBSP}: Ville de Lyon ↔ Dupont & Fils"
    )
    assert [str(a) for a in event["ATTENDEE"]] == [
        "mailto:marie.durand@lyon.example",
        "mailto:jean@dupont.example",
    ]


def test_cancel_sequence_not_above_last_sent_is_refused():
    with pytest.raises(SequenceNotIncreasedError):
        build_cancel(meeting(sequence=3), last_sent_sequence=3, now=NOW)


def test_cancel_without_attendee_is_refused():
    with pytest.raises(NoAttendeeError):
        build_cancel(meeting(sequence=1, attendees=()), last_sent_sequence=0, now=NOW)


def test_agenda_is_publish_without_attendees_with_feed_properties():
    data = build_agenda(
        [meeting(), workshop()],
        calendar_name="Mon agenda — RDV 2026",
        now=NOW,
        viewer=Side.BUYER,
    )
    lines = _lines(data)
    assert b"METHOD:PUBLISH" in lines
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H" in lines
    assert b"X-PUBLISHED-TTL:PT4H" in lines
    cal = _parse(data)
    assert (str(cal["X-WR-CALNAME"]), str(cal["NAME"])) == ("Mon agenda — RDV 2026",) * 2
    assert not any(line.startswith(b"ATTENDEE") for line in lines)
    events = _events(data)
    assert [str(e["SUMMARY"]) for e in events] == [
        f"Atelier{NBSP}: Répondre à un marché public",  # 15 January, first
        f"Rendez-vous{NBSP}: Ville de Lyon ↔ Dupont & Fils",
    ]
    assert [str(e["ORGANIZER"]) for e in events] == ["mailto:rdv@entremise.example"] * 2
    assert str(events[1]["DESCRIPTION"]).split("\n")[0] == (
        f"Avec{NBSP}: Dupont & Fils (Jean Dupont)"
    )


def test_agenda_leaves_cancelled_events_out_by_default():
    events = [meeting(), meeting(uid="gone@x", status=Status.CANCELLED)]
    data = build_agenda(events, calendar_name="A", now=NOW)
    assert [str(e["UID"]) for e in _events(data)] == [meeting().uid]


def test_agenda_include_cancelled_marks_them_cancelled():
    events = [meeting(), meeting(uid="gone@x", status=Status.CANCELLED)]
    data = build_agenda(events, calendar_name="A", now=NOW, include_cancelled=True)
    assert sorted((str(e["UID"]), str(e["STATUS"])) for e in _events(data)) == [
        (meeting().uid, "CONFIRMED"),
        ("gone@x", "CANCELLED"),
    ]


def test_agenda_duplicate_uid_is_refused():
    with pytest.raises(DuplicateUidError):
        build_agenda([meeting(), meeting(table="Table 2")], calendar_name="A", now=NOW)


def test_agenda_custom_refresh_interval():
    data = build_agenda([meeting()], calendar_name="A", now=NOW, refresh=timedelta(hours=1))
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data


def test_agenda_empty_has_no_vtimezone_and_no_event():
    data = build_agenda([], calendar_name="A", now=NOW)
    assert b"VTIMEZONE" not in data
    assert b"VEVENT" not in data


def test_agenda_two_zones_get_two_vtimezones():
    data = build_agenda([meeting(), workshop(tz="America/New_York")], calendar_name="A", now=NOW)
    cal = _parse(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [
        "America/New_York",
        "Europe/Paris",
    ]
    assert b"DTSTART;TZID=America/New_York:20260115T080000" in data


def test_event_calendar_lists_both_parties_and_every_event():
    events = season_meetings()
    data = build_event_calendar(events, calendar_name="RDV 2026", now=NOW)
    parsed = _events(data)
    assert [
        (e.decoded("DTSTART").astimezone(UTC), e.decoded("DTEND").astimezone(UTC)) for e in parsed
    ] == [(m.start_utc, m.end_utc) for m in events]
    assert str(parsed[0]["DESCRIPTION"]).split("\n")[:2] == [
        f"Acheteur{NBSP}: Ville de Lyon (Marie Durand)",
        f"Entreprise{NBSP}: Dupont & Fils (Jean Dupont)",
    ]
    assert not any(line.startswith(b"ATTENDEE") for line in _lines(data))


def test_event_calendar_vtimezone_covers_every_year_used():
    data = build_event_calendar(season_meetings(), calendar_name="RDV", now=NOW)
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert b"RDATE" not in data


# --- user text: escaped by the library, and it parses back to the same text -------------

HOSTILE = 'Dupont, Fils; & Cie\\Ltd — Société "Générale"\nSite 2\r\nATTENDEE:mailto:evil@x'
# CR LF and lone CR are stored as LF: RFC 5545 TEXT has one kind of line break.
HOSTILE_READ_BACK = HOSTILE.replace("\r\n", "\n")


def _hostile_meeting():
    return meeting(
        company=Party(HOSTILE, "Zoë\r\nX-EVIL:1"),
        need_title="Lot 1; lot 2, lot 3\\4",
        attendees=(Attendee(HOSTILE, "jean@dupont.example"),),
        table='Table 7, "fond"',
    )


def test_escaping_hostile_company_name_parses_back_to_same_text():
    data = build_request(_hostile_meeting(), now=NOW)
    event = _events(data)[0]
    assert str(event["SUMMARY"]) == f"Rendez-vous{NBSP}: Ville de Lyon ↔ {HOSTILE_READ_BACK}"
    assert str(event["DESCRIPTION"]).split("\n")[1:5] == [
        f'Entreprise{NBSP}: Dupont, Fils; & Cie\\Ltd — Société "Générale"',
        "Site 2",
        "ATTENDEE:mailto:evil@x (Zoë",
        "X-EVIL:1)",
    ]
    assert str(event["LOCATION"]) == 'Table 7, "fond" — Salle Rhône'


def test_escaping_hostile_text_is_backslash_escaped_on_the_wire():
    unfolded = build_request(_hostile_meeting(), now=NOW).replace(b"\r\n ", b"")
    summary = next(line for line in _lines(unfolded) if line.startswith(b"SUMMARY:"))
    assert (
        summary
        == (
            "SUMMARY:Rendez-vous\u00a0: Ville de Lyon ↔ Dupont\\, Fils\\; & Cie\\\\Ltd — Société"
            ' "Générale"\\nSite 2\\nATTENDEE:mailto:evil@x'
        ).encode()
    )


def test_escaping_injection_adds_no_property():
    data = build_request(_hostile_meeting(), now=NOW)
    unfolded = data.replace(b"\r\n ", b"")
    assert [line for line in _lines(unfolded) if line.startswith(b"ATTENDEE")] == [
        b"ATTENDEE;CN=\"Dupont, Fils; & Cie/Ltd \xe2\x80\x94 Soci\xc3\xa9t\xc3\xa9 'G\xc3\xa9n"
        b"\xc3\xa9rale' Site 2 ATTENDEE:mailto:evil@x\";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;"
        b"ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:jean@dupont.example",
    ]
    assert not any(line.startswith((b"X-EVIL", b"ATTENDEE:")) for line in _lines(unfolded))
    event = _events(data)[0]
    assert event["ATTENDEE"].params["CN"] == (
        "Dupont, Fils; & Cie/Ltd — Société 'Générale' Site 2 ATTENDEE:mailto:evil@x"
    )


def test_escaping_calendar_name_is_one_line():
    data = build_agenda([meeting()], calendar_name="Mon\r\nMETHOD:CANCEL", now=NOW)
    assert str(_parse(data)["X-WR-CALNAME"]) == "Mon METHOD:CANCEL"
    assert _lines(data).count(b"METHOD:PUBLISH") == 1
    assert b"METHOD:CANCEL" not in _lines(data)


def test_escaping_organizer_name_is_quoted():
    organizer = ORGANIZER.__class__('Orga; "RDV", Lyon', ORGANIZER.email)
    event = _events(build_request(meeting(organizer=organizer), now=NOW))[0]
    assert event["ORGANIZER"].params["CN"] == "Orga; 'RDV', Lyon"


def test_cancel_of_event_stored_confirmed_still_says_cancelled():
    data = build_cancel(meeting(sequence=1), last_sent_sequence=0, now=NOW)
    event = _events(data)[0]
    assert (str(event["STATUS"]), str(event["SUMMARY"])) == (
        "CANCELLED",
        f"Annulé{NBSP}: Rendez-vous{NBSP}: Ville de Lyon ↔ Dupont & Fils",
    )
