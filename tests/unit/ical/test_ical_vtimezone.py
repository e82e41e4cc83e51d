"""The rule-based VTIMEZONE agrees with zoneinfo, and is written in the shape clients expect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.ical import UnknownTimezoneError, UnsupportedTimezoneError, build_vtimezone
from app.ical.vtimezone import nth_weekday, transitions

PARIS_BLOCK = (
    b"BEGIN:VTIMEZONE\r\n"
    b"TZID:Europe/Paris\r\n"
    b"BEGIN:STANDARD\r\n"
    b"DTSTART:19701025T030000\r\n"
    b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    b"TZNAME:CET\r\n"
    b"TZOFFSETFROM:+0200\r\n"
    b"TZOFFSETTO:+0100\r\n"
    b"END:STANDARD\r\n"
    b"BEGIN:DAYLIGHT\r\n"
    b"DTSTART:19700329T020000\r\n"
    b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    b"TZNAME:CEST\r\n"
    b"TZOFFSETFROM:+0100\r\n"
    b"TZOFFSETTO:+0200\r\n"
    b"END:DAYLIGHT\r\n"
    b"END:VTIMEZONE\r\n"
)


def _instants_2024_2032(zone: ZoneInfo) -> list[datetime]:
    """Midnight and noon UTC of each day of 2024–2032, and either side of each change."""
    found = []
    day = datetime(2024, 1, 1, tzinfo=UTC)
    while day.year <= 2032:
        found += [day, day + timedelta(hours=12)]
        day += timedelta(days=1)
    for year in range(2024, 2033):
        for change in transitions(zone, year):
            found += [change.at - timedelta(seconds=1), change.at]
    return sorted(found)


def test_vtimezone_paris_is_the_eu_rule_block():
    assert build_vtimezone("Europe/Paris", 2024, 2032).to_ical() == PARIS_BLOCK


def test_vtimezone_paris_has_no_rdate_list():
    block = build_vtimezone("Europe/Paris", 2024, 2032).to_ical()
    assert b"RDATE" not in block
    assert block.count(b"RRULE:") == 2


@pytest.mark.parametrize(
    "tz_name",
    ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Europe/London"],
)
def test_vtimezone_rules_match_zoneinfo_every_day_2024_2032(tz_name):
    zone = ZoneInfo(tz_name)
    vtimezone = build_vtimezone(tz_name, 2024, 2032)
    # icalendar turns the block's own rules (not its TZID) into a tzinfo through dateutil's
    # rrule: an evaluator independent of the code that wrote the rules.
    parsed = icalendar.Timezone.from_ical(vtimezone.to_ical())
    from_rules = parsed.to_tz(lookup_tzid=False)
    mismatches = [
        instant
        for instant in _instants_2024_2032(zone)
        if instant.astimezone(from_rules).utcoffset() != instant.astimezone(zone).utcoffset()
    ]
    assert mismatches == []


def test_transitions_paris_2026_are_the_two_eu_changes():
    changes = transitions(ZoneInfo("Europe/Paris"), 2026)
    assert [(c.at, c.offset_from, c.offset_to, c.is_dst, c.name) for c in changes] == [
        (
            datetime(2026, 3, 29, 1, tzinfo=UTC),
            timedelta(hours=1),
            timedelta(hours=2),
            True,
            "CEST",
        ),
        (
            datetime(2026, 10, 25, 1, tzinfo=UTC),
            timedelta(hours=2),
            timedelta(hours=1),
            False,
            "CET",
        ),
    ]


def test_vtimezone_new_york_uses_nth_sunday_rules():
    block = build_vtimezone("America/New_York", 2025, 2027).to_ical()
    assert b"DTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in block
    assert b"DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in block


def test_vtimezone_fixed_offset_zone_has_one_standard_observance():
    assert build_vtimezone("Asia/Tokyo", 2026, 2026).to_ical() == (
        b"BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        b"TZNAME:JST\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n"
        b"END:VTIMEZONE\r\n"
    )


def test_vtimezone_zone_that_dropped_dst_in_range_is_refused():
    # Brazil stopped daylight-saving time in 2019: no single yearly rule covers 2018–2020.
    with pytest.raises(UnsupportedTimezoneError):
        build_vtimezone("America/Sao_Paulo", 2018, 2020)


def test_vtimezone_unknown_zone_is_refused():
    with pytest.raises(UnknownTimezoneError):
        build_vtimezone("Mars/Olympus_Mons", 2026, 2026)


def test_nth_weekday_last_and_second_sunday():
    assert nth_weekday(2026, 3, 6, -1) == date(2026, 3, 29)
    assert nth_weekday(2026, 10, 6, -1) == date(2026, 10, 25)
    assert nth_weekday(2026, 3, 6, 2) == date(2026, 3, 8)
    assert nth_weekday(1970, 3, 6, -1) == date(1970, 3, 29)


def test_vtimezone_check_catches_a_block_with_the_wrong_month():
    wrong = PARIS_BLOCK.replace(b"BYMONTH=3", b"BYMONTH=4").replace(b"19700329", b"19700426")
    from_rules = icalendar.Timezone.from_ical(wrong).to_tz(lookup_tzid=False)
    zone = ZoneInfo("Europe/Paris")
    mismatches = [
        instant
        for instant in _instants_2024_2032(zone)
        if instant.astimezone(from_rules).utcoffset() != instant.astimezone(zone).utcoffset()
    ]
    # from the last Sunday of March (01:00 UTC) to the last Sunday of April 2024, every year
    assert mismatches[0] == datetime(2024, 3, 31, 1, tzinfo=UTC)
    assert mismatches[-1] == datetime(2032, 4, 25, 0, tzinfo=UTC)
