"""Rule-based VTIMEZONE blocks derived from zoneinfo.

Why not ``icalendar.Calendar.add_missing_timezones()``: it writes each observance as a list of
explicit dates (``RDATE:d1,d2,…``), and Mozilla's ical.js reads only the first date of such a
list, getting the UTC offset wrong for whole years (see shared/ICAL.md). A block with one
STANDARD and one DAYLIGHT observance, each with a yearly RRULE starting in 1970, is what
Thunderbird, Outlook and Apple ship themselves and is read correctly everywhere.

The rule is not hard-coded: it is read from zoneinfo's transitions over the years the
calendar covers, and the zone is refused (``UnsupportedTimezoneError``) unless those
transitions follow one fixed rule ("the last / n-th <weekday> of <month> at <local time>").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from app.ical.errors import UnsupportedTimezoneError
from app.ical.types import check_timezone

# RFC 5545 wants DTSTART of an observance to be its first onset; 1970 is the customary start
# of rule-based blocks (Thunderbird's and Outlook's zone tables use it too).
RULE_START_YEAR = 1970
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of UTC offset of a zone."""

    at: datetime  # UTC instant of the change
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool  # whether the offset after the change is daylight-saving time
    name: str  # abbreviation after the change (CET, CEST…)

    @property
    def local_onset(self) -> datetime:
        """Wall-clock time of the change, read with the offset in force before it (RFC 5545)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    """One observance: every year, the ``ordinal``-th ``weekday`` of ``month`` at ``time``."""

    month: int
    weekday: int  # 0 = Monday, as datetime.weekday()
    ordinal: int  # 1..4, or -1 for the last one of the month
    hour: int
    minute: int
    second: int
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    def onset(self, year: int) -> datetime:
        """Local wall-clock onset of this observance in ``year``."""
        return datetime.combine(
            nth_weekday(year, self.month, self.weekday, self.ordinal),
            datetime.min.time(),
        ).replace(hour=self.hour, minute=self.minute, second=self.second)

    @property
    def rrule(self) -> dict[str, object]:
        """The RRULE value, in icalendar's dict form."""
        return {
            "FREQ": "YEARLY",
            "BYMONTH": self.month,
            "BYDAY": f"{self.ordinal}{_WEEKDAYS[self.weekday]}",
        }


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    """The ``ordinal``-th ``weekday`` (0 = Monday) of a month; ``ordinal == -1`` is the last."""
    days = calendar.monthrange(year, month)[1]
    if ordinal == -1:
        last = date(year, month, days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always answers for an aware instant
    return offset


def transitions(zone: ZoneInfo, year: int) -> list[Transition]:
    """Every change of UTC offset of ``zone`` during the UTC calendar year ``year``.

    Days are scanned first, then each change is pinned to the second by bisection: zoneinfo
    does not expose its transition table, and this costs a few thousand look-ups per year.
    """
    found: list[Transition] = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = _offset(zone, day)
    while day < end:
        nxt = day + timedelta(days=1)
        after = _offset(zone, nxt)
        if after != before:
            low, high = day, nxt  # offset(low) == before, offset(high) != before
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                mid = mid.replace(microsecond=0)
                if _offset(zone, mid) == before:
                    low = mid
                else:
                    high = mid
            local = high.astimezone(zone)
            dst = local.dst()
            found.append(
                Transition(
                    at=high,
                    offset_from=before,
                    offset_to=_offset(zone, high),
                    is_dst=bool(dst),
                    name=local.tzname() or "",
                )
            )
            before = _offset(zone, high)
            # a second change on the same day is caught on the next pass over this day
            if _offset(zone, nxt) != before:
                day = high
                continue
        before = after
        day = nxt
    return found


def _ordinal_of(onset: date) -> tuple[int, int]:
    """Return (last-week ordinal or 0, n-th ordinal) describing ``onset`` in its month."""
    days = calendar.monthrange(onset.year, onset.month)[1]
    last = -1 if onset.day + 7 > days else 0
    return last, (onset.day - 1) // 7 + 1


def _rule_for(changes: list[Transition], tz_name: str) -> YearlyRule:
    """The one yearly rule that ``changes`` (one per year) follow, or an error."""
    first = changes[0]
    onset = first.local_onset
    weeks = [_ordinal_of(t.local_onset.date()) for t in changes]
    # "last Sunday" (EU) is preferred to "4th Sunday": it stays right in 5-Sunday months.
    if all(last == -1 for last, _ in weeks):
        ordinal = -1
    elif len({nth for _, nth in weeks}) == 1:
        ordinal = weeks[0][1]
    else:
        raise UnsupportedTimezoneError(f"{tz_name}: changes fall on different weeks")
    rule = YearlyRule(
        month=onset.month,
        weekday=onset.weekday(),
        ordinal=ordinal,
        hour=onset.hour,
        minute=onset.minute,
        second=onset.second,
        offset_from=first.offset_from,
        offset_to=first.offset_to,
        is_dst=first.is_dst,
        name=first.name,
    )
    for change in changes:
        same = (
            change.local_onset == rule.onset(change.local_onset.year)
            and change.offset_from == rule.offset_from
            and change.offset_to == rule.offset_to
            and change.is_dst == rule.is_dst
        )
        if not same:
            raise UnsupportedTimezoneError(
                f"{tz_name}: the change of {change.at:%Y-%m-%d} does not follow the rule of"
                f" {first.at:%Y}"
            )
    return rule


def yearly_rules(tz_name: str, first_year: int, last_year: int) -> tuple[YearlyRule, ...]:
    """The observances of ``tz_name`` over ``first_year``..``last_year``, as yearly rules.

    Returns two rules (STANDARD and DAYLIGHT) for a zone with daylight-saving time, and an
    empty tuple for a zone with one fixed offset over those years. Raises
    ``UnsupportedTimezoneError`` if the changes do not follow one fixed rule.
    """
    zone = check_timezone(tz_name)
    by_kind: dict[bool, list[Transition]] = {True: [], False: []}
    for year in range(first_year, last_year + 1):
        changes = transitions(zone, year)
        if not changes:
            continue
        kinds = sorted(t.is_dst for t in changes)
        if kinds != [False, True]:
            raise UnsupportedTimezoneError(
                f"{tz_name}: {len(changes)} offset change(s) in {year}, expected one pair"
            )
        for change in changes:
            by_kind[change.is_dst].append(change)
    if not by_kind[True]:
        return ()
    if len(by_kind[True]) != last_year - first_year + 1:
        raise UnsupportedTimezoneError(f"{tz_name}: daylight-saving time starts or stops")
    return (_rule_for(by_kind[False], tz_name), _rule_for(by_kind[True], tz_name))


def _fmt_offset(offset: timedelta) -> str:
    """For error messages only: +HHMM."""
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def build_vtimezone(tz_name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """A rule-based VTIMEZONE for ``tz_name``, valid (checked) for the years given.

    A zone with daylight-saving time gets one STANDARD and one DAYLIGHT observance with
    ``RRULE:FREQ=YEARLY``; a fixed-offset zone gets one STANDARD observance. DTSTART of each
    observance is its first onset in 1970, in the local time in force before it.
    """
    if last_year < first_year:
        raise ValueError("last_year must not precede first_year")
    zone = check_timezone(tz_name)
    vtz = icalendar.Timezone()
    vtz.add("tzid", tz_name)
    rules = yearly_rules(tz_name, first_year, last_year)
    if not rules:
        instant = datetime(first_year, 7, 1, tzinfo=UTC).astimezone(zone)
        offset = instant.utcoffset()
        assert offset is not None
        std = icalendar.TimezoneStandard()
        std.add("dtstart", datetime(RULE_START_YEAR, 1, 1))
        std.add("tzoffsetfrom", offset)
        std.add("tzoffsetto", offset)
        std.add("tzname", instant.tzname() or _fmt_offset(offset))
        vtz.add_component(std)
        return vtz
    for rule in rules:
        observance = icalendar.TimezoneDaylight() if rule.is_dst else icalendar.TimezoneStandard()
        observance.add("dtstart", rule.onset(RULE_START_YEAR))
        observance.add("rrule", rule.rrule)
        observance.add("tzoffsetfrom", rule.offset_from)
        observance.add("tzoffsetto", rule.offset_to)
        observance.add("tzname", rule.name or _fmt_offset(rule.offset_to))
        vtz.add_component(observance)
    return vtz
