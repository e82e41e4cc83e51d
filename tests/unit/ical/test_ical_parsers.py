"""Acceptance: ical.js and libical, which read the file's own VTIMEZONE, agree with the input.

Each parser runs as a subprocess under two local timezones (New York, Tokyo); a parser that
ignored the VTIMEZONE, or a wrong VTIMEZONE, would put meetings hours off. Every start and end
is compared with the UTC instants the builders were given.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.ical import (
    Party,
    Side,
    Status,
    build_agenda,
    build_cancel,
    build_event_calendar,
    build_request,
    build_vtimezone,
    revise,
)
from app.ical.vtimezone import transitions
from tests.unit.ical.factories import LOCAL_ZONES, NOW, meeting, season_meetings, utc, workshop

PARIS = ZoneInfo("Europe/Paris")
FIFTEEN = timedelta(minutes=15)


def _unix(instant: datetime) -> int:
    return int(instant.timestamp())


def _files():
    """Every kind of file, with the events each one was built from."""
    seasons = season_meetings()
    original = meeting(sequence=0)
    moved = revise(original, start=utc(2026, 3, 29, 13, 0), end=utc(2026, 3, 29, 13, 20))
    cancelled = revise(moved, status=Status.CANCELLED)
    return [
        ("request", build_request(original, now=NOW, reminder=FIFTEEN), [original]),
        ("update", build_request(moved, now=NOW), [moved]),
        (
            "cancel",
            build_cancel(cancelled, last_sent_sequence=moved.sequence, now=NOW),
            [cancelled],
        ),
        (
            "agenda",
            build_agenda(
                [*seasons, workshop()],
                calendar_name="Mon agenda",
                now=NOW,
                viewer=Side.BUYER,
                reminder=FIFTEEN,
            ),
            [seasons[0], workshop(), *seasons[1:]],  # in start order: 15 Jan 08:00 then 13:00
        ),
        ("event", build_event_calendar(seasons, calendar_name="RDV", now=NOW), seasons),
        ("workshop-request", build_request(workshop(), now=NOW, lang="en"), [workshop()]),
    ]


@pytest.fixture(scope="module")
def files():
    return _files()


@pytest.mark.parametrize("local_tz", LOCAL_ZONES)
def test_parsers_read_every_start_and_end_as_the_input_utc_instants(parser, local_tz, files):
    answer = parser({"files": [data.decode() for _, data, _ in files]}, local_tz)
    for (kind, _, events), parsed in zip(files, answer["files"], strict=True):
        got = [(e["uid"], e["sequence"], e["start"], e["end"]) for e in parsed["events"]]
        want = [(e.uid, e.sequence, _unix(e.start_utc), _unix(e.end_utc)) for e in events]
        assert got == want, kind


@pytest.mark.parametrize("local_tz", LOCAL_ZONES)
def test_parsers_resolve_tzid_with_the_files_own_vtimezone(parser, local_tz, files):
    answer = parser({"files": [files[0][1].decode()]}, local_tz)
    event = answer["files"][0]["events"][0]
    assert (event["start_tzid"], event["end_tzid"], event["zone_from_file"]) == (
        "Europe/Paris",
        "Europe/Paris",
        True,
    )


def test_parsers_follow_a_wrong_vtimezone_so_they_would_catch_one(parser):
    # Move the block's spring change to April: 10:00 on 29 March then reads as CET (UTC+1).
    m = meeting()
    wrong = (
        build_request(m, now=NOW)
        .replace(b"BYMONTH=3", b"BYMONTH=4")
        .replace(b"19700329T020000", b"19700426T020000")
    )
    event = parser({"files": [wrong.decode()]}, "Asia/Tokyo")["files"][0]["events"][0]
    assert (event["start"], event["end"]) == (
        _unix(m.start_utc + timedelta(hours=1)),
        _unix(m.end_utc + timedelta(hours=1)),
    )


def test_parsers_read_a_repeated_wall_time_as_its_second_pass(parser):
    # Why the builders write instants of the repeated autumn hour in UTC: RFC 5545 says
    # 02:30 on 25 Oct 2026 means the first pass (00:30 UTC), these parsers take the second.
    # (the end, 03:10 CET, is not ambiguous: it keeps the VTIMEZONE in the file)
    m = meeting(start=utc(2026, 10, 25, 0, 30), end=utc(2026, 10, 25, 2, 10))
    data = build_request(m, now=NOW)
    assert b"BEGIN:VTIMEZONE" in data
    data = data.replace(b"DTSTART:20261025T003000Z", b"DTSTART;TZID=Europe/Paris:20261025T023000")
    event = parser({"files": [data.decode()]}, "Asia/Tokyo")["files"][0]["events"][0]
    assert event["start"] == _unix(utc(2026, 10, 25, 1, 30))


def _wall_times_2024_2032() -> list[tuple[int, ...]]:
    """00:30 and 12:00 of each day of 2024–2032, and every half hour of the change days.

    Wall times that do not exist (spring gap) or occur twice (autumn) are left out: they have
    no single UTC instant to compare with.
    """
    times = []
    day = datetime(2024, 1, 1)
    while day.year <= 2032:
        times += [day.replace(minute=30), day.replace(hour=12)]
        day += timedelta(days=1)
    for year in range(2024, 2033):
        for change in transitions(PARIS, year):
            base = change.local_onset.replace(hour=0, minute=30)
            times += [base + timedelta(minutes=30 * i) for i in range(48)]
    wanted = []
    for wall in sorted(set(times)):
        first = wall.replace(tzinfo=PARIS, fold=0)
        second = wall.replace(tzinfo=PARIS, fold=1)
        if first.utcoffset() == second.utcoffset():
            wanted.append((wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second))
    return wanted


@pytest.mark.parametrize("local_tz", LOCAL_ZONES)
def test_parsers_vtimezone_matches_zoneinfo_every_day_2024_2032(parser, local_tz):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//FR")
    cal.add("version", "2.0")
    cal.add_component(build_vtimezone("Europe/Paris", 2024, 2032))
    walls = _wall_times_2024_2032()
    ics = cal.to_ical().decode()
    request = {"wall_times": {"ics": ics, "tzid": "Europe/Paris", "times": walls}}
    got = parser(request, local_tz)["unix"]
    want = [_unix(datetime(*w, tzinfo=PARIS)) for w in walls]
    mismatches = [(w, g, x) for w, g, x in zip(walls, got, want, strict=True) if g != x]
    assert (len(got), mismatches) == (len(walls), [])


def test_parsers_text_with_hostile_company_name_reads_back(parser):
    hostile = 'Dupont, Fils; & Cie\\Ltd — Société "Générale"\nSite 2\r\nATTENDEE:mailto:evil@x'
    m = meeting(company=Party(hostile))
    event = parser({"files": [build_request(m, now=NOW).decode()]}, "America/New_York")
    read = event["files"][0]["events"][0]
    assert read["summary"] == (
        "Rendez-vous\u00a0: Ville de Lyon ↔ " + hostile.replace("\r\n", "\n")
    )
    assert [a["value"] for a in read["attendees"]] == [
        "mailto:marie.durand@lyon.example",
        "mailto:jean@dupont.example",
    ]


def test_parsers_move_keeps_uid_and_cancel_matches_original(parser, files):
    by_kind = {kind: data for kind, data, _ in files}
    answer = parser(
        {"files": [by_kind[k].decode() for k in ("request", "update", "cancel")]}, "Asia/Tokyo"
    )
    request, update, cancel = answer["files"]
    first, moved, cancelled = (f["events"][0] for f in (request, update, cancel))
    assert (request["method"], update["method"], cancel["method"]) == (
        "REQUEST",
        "REQUEST",
        "CANCEL",
    )
    assert first["uid"] == moved["uid"] == cancelled["uid"]
    assert (first["sequence"], moved["sequence"], cancelled["sequence"]) == (0, 1, 2)
    assert (first["status"], moved["status"], cancelled["status"]) == (
        "CONFIRMED",
        "CONFIRMED",
        "CANCELLED",
    )
    assert moved["start"] - first["start"] == 5 * 3600


def test_libical_restriction_check_passes_every_kind(libical, files):
    answer = libical({"files": [data.decode() for _, data, _ in files]}, "America/New_York")
    assert [
        (kind, f["parse_errors"], f["restriction_ok"], f["restriction_errors"])
        for (kind, _, _), f in zip(files, answer["files"], strict=True)
    ] == [(kind, [], True, []) for kind, _, _ in files]


def test_libical_restriction_check_catches_attendee_in_publish(libical):
    data = build_request(meeting(), now=NOW).replace(b"METHOD:REQUEST", b"METHOD:PUBLISH")
    answer = libical({"files": [data.decode()]}, "Asia/Tokyo")["files"][0]
    assert (answer["restriction_ok"], answer["restriction_errors"]) == (
        False,
        [
            "Failed iTIP restrictions for ATTENDEE property. "
            "Expected 0 instances of the property and got 2"
        ],
    )


def test_icaljs_reads_feed_properties_and_alarm(icaljs, files):
    agenda = {kind: data for kind, data, _ in files}["agenda"]
    answer = icaljs({"files": [agenda.decode()]}, "America/New_York")["files"][0]
    assert (answer["method"], answer["calname"], answer["refresh"]) == (
        "PUBLISH",
        "Mon agenda",
        "PT4H",
    )
    assert {tuple(e["alarms"]) for e in answer["events"]} == {("-PT15M",)}
    assert all(e["attendees"] == [] for e in answer["events"])


def _without_vtimezone(data: bytes) -> str:
    text = data.decode()
    start = text.index("BEGIN:VTIMEZONE")
    end = text.index("END:VTIMEZONE\r\n") + len("END:VTIMEZONE\r\n")
    return text[:start] + text[end:]


def test_parsers_report_a_zone_not_from_the_file_when_vtimezone_is_missing(parser):
    # The zone_from_file flag the other tests rely on is false when the block is absent.
    data = _without_vtimezone(build_request(meeting(), now=NOW))
    event = parser({"files": [data]}, "Asia/Tokyo")["files"][0]["events"][0]
    assert event["zone_from_file"] is False


def test_icaljs_without_vtimezone_reads_floating_time_hours_off(icaljs):
    # Why every file carries its VTIMEZONE: Thunderbird's parser then reads 10:00 as floating.
    m = meeting()
    data = _without_vtimezone(build_request(m, now=NOW))
    event = icaljs({"files": [data]}, "Asia/Tokyo")["files"][0]["events"][0]
    assert (event["start_tzid"], event["start"]) == (
        "floating",
        _unix(m.start_utc + timedelta(hours=2)),
    )
