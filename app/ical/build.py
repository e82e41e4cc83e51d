"""Builders of the three kinds of calendar file (see docs/ICAL.md for the METHOD table).

Each builder is a pure function of its inputs and of the injected ``now`` (DTSTAMP): the same
data and clock give the same bytes. Every user-typed value reaches the file through
icalendar's property API, which escapes TEXT values, quotes parameters and folds lines; the
only work done here is to drop characters RFC 5545 forbids (see ``_text`` and ``_param``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from app.ical.errors import (
    CancelledEventError,
    DuplicateUidError,
    NaiveDatetimeError,
    NoAttendeeError,
    SequenceNotIncreasedError,
)
from app.ical.messages import DEFAULT_LANG, check_lang, message
from app.ical.types import (
    Attendee,
    CalendarEvent,
    MeetingEvent,
    Organizer,
    Party,
    Side,
    Status,
)
from app.ical.vtimezone import build_vtimezone

PRODID = "-//Entremise//Entremise calendar//FR"
# How often subscription clients should re-read a feed (RFC 7986 REFRESH-INTERVAL and the
# older X-PUBLISHED-TTL that Outlook reads).
DEFAULT_REFRESH = timedelta(hours=4)

# RFC 5545 TEXT may hold no control character but HTAB; line breaks travel as "\n".
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A parameter value (CN) can hold no control character at all; a double quote would end it.
_PARAM_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class _Text(icalendar.vText):
    """TEXT escaped exactly as RFC 5545 §3.3.11 says: backslash, semicolon, comma, line break.

    icalendar's own escaping first reads a literal backslash-N in the value as an already
    escaped line break, so a name typed with ``\\N`` in it would come back with a line break.
    """

    def to_ical(self) -> bytes:
        value = str(self)
        escaped = (
            value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )
        return escaped.encode("utf-8")  # RFC 5545 content is UTF-8 (icalendar's default too)


def _text(value: str) -> _Text:
    """TEXT as RFC 5545 allows it: CR LF and lone CR become LF, other controls are dropped.

    The LF is kept (written as the escape ``\\n``), so a user's line break stays a line break
    and can never start a new content line.
    """
    return _Text(_TEXT_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")))


def _param(value: str) -> str:
    """A CN parameter value: one line, no double quote, no backslash.

    Clients rarely read RFC 6868's ``^'`` for a quote; and although RFC 5545 does not escape
    parameters, parsers (icalendar among them) read ``CN=a\\;ROLE=…`` as an escaped ``;`` and
    swallow the next parameter, so a backslash becomes a slash.
    """
    cleaned = _PARAM_CONTROL.sub(" ", value).replace('"', "'").replace("\\", "/")
    return " ".join(cleaned.split())


def _aware_utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveDatetimeError(f"now must be timezone-aware, got {now!r}")
    return now.astimezone(UTC).replace(microsecond=0)


def _wall_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """``instant`` in ``zone``, or in UTC when its wall time there is ambiguous.

    A wall time that occurs twice (the hour repeated when clocks go back) cannot be trusted
    with a TZID: RFC 5545 (§3.3.5) says it means the first occurrence, but ical.js and libical
    both read it as the second (our acceptance tests show it). Such an instant is written in
    UTC instead, which every client reads exactly.
    """
    local = instant.astimezone(zone)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return instant.astimezone(UTC)
    return local


def _address(email: str, name: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    cn = _param(name)
    if cn:
        address.params["CN"] = cn
    for key, value in params.items():
        address.params[key] = value
    return address


def _party(party: Party) -> str:
    if party.representative:
        return f"{party.name} ({party.representative})"
    return party.name


def _contact(organizer: Organizer) -> str:
    parts = [organizer.name, organizer.email]
    if organizer.phone:
        parts.append(organizer.phone)
    return " — ".join(p for p in parts if p)


def location_text(event: CalendarEvent) -> str | None:
    """LOCATION of an event: the table and the room, as stored ("Table 12 — Salle Rhône")."""
    parts = [event.table, event.room] if isinstance(event, MeetingEvent) else [event.room]
    text = " — ".join(p for p in parts if p)
    return text or None


def summary_text(event: CalendarEvent, lang: str = DEFAULT_LANG) -> str:
    """SUMMARY of an event in ``lang`` (prefixed "Annulé" when the event is cancelled)."""
    if isinstance(event, MeetingEvent):
        text = message(lang, "meeting_summary", buyer=event.buyer.name, company=event.company.name)
    else:
        text = message(lang, "workshop_summary", title=event.title)
    if event.status is Status.CANCELLED:
        text = message(lang, "cancelled", summary=text)
    return text


def description_text(
    event: CalendarEvent, lang: str = DEFAULT_LANG, viewer: Side | None = None
) -> str:
    """DESCRIPTION of an event: the other party (or both), the need, the place, the contact.

    ``viewer`` is the side of the reader of a personal file; with ``None`` (organisers' file)
    both parties are listed.
    """
    lines: list[str] = []
    if isinstance(event, MeetingEvent):
        if viewer is Side.BUYER:
            lines.append(message(lang, "with", party=_party(event.company)))
        elif viewer is Side.COMPANY:
            lines.append(message(lang, "with", party=_party(event.buyer)))
        else:
            lines.append(message(lang, "buyer", party=_party(event.buyer)))
            lines.append(message(lang, "company", party=_party(event.company)))
        if event.need_title:
            lines.append(message(lang, "need", need=event.need_title))
    elif event.description:
        lines.append(event.description)
    place = location_text(event)
    if place:
        lines.append(message(lang, "place", place=place))
    lines.append(message(lang, "contact", contact=_contact(event.organizer)))
    if isinstance(event, MeetingEvent) and event.notes:
        lines.append(event.notes)
    if event.url:
        lines.append(message(lang, "link", url=event.url))
    return "\n".join(lines)


def _vevent(
    event: CalendarEvent,
    *,
    method: str,
    stamp: datetime,
    lang: str,
    viewer: Side | None,
    reminder: timedelta | None,
) -> icalendar.Event:
    if method == "CANCEL" and event.status is not Status.CANCELLED:
        # the texts of a CANCEL say "cancelled" whatever status the caller stored
        event = dataclasses.replace(event, status=Status.CANCELLED)
    zone = ZoneInfo(event.tz)
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", event.sequence)
    # Written in the event's zone with TZID; the calendar carries the matching VTIMEZONE.
    vevent.add("dtstart", _wall_time(event.start, zone))
    vevent.add("dtend", _wall_time(event.end, zone))
    summary = _text(summary_text(event, lang))
    vevent.add("summary", summary)
    vevent.add("description", _text(description_text(event, lang, viewer)))
    place = location_text(event)
    if place:
        vevent.add("location", _text(place))
    vevent.add("status", event.status.value)
    vevent.add("transp", "OPAQUE")
    vevent.add("organizer", _address(event.organizer.email, event.organizer.name))
    if method != "PUBLISH":  # RFC 5546 §3.2.1: no ATTENDEE in PUBLISH
        for attendee in event.attendees:
            vevent.add("attendee", _attendee(attendee))
    if event.url:
        vevent.add("url", event.url)
    if reminder is not None and method != "CANCEL":  # RFC 5546 §3.2.5: no VALARM in CANCEL
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -abs(reminder))
        alarm.add("description", _text(message(lang, "reminder", summary=summary)))
        vevent.add_component(alarm)
    return vevent


def _attendee(attendee: Attendee) -> icalendar.vCalAddress:
    return _address(
        attendee.email,
        attendee.name,
        CUTYPE="INDIVIDUAL",
        ROLE=attendee.role.value,
        PARTSTAT=attendee.partstat.value,
        RSVP="TRUE" if attendee.rsvp else "FALSE",
    )


def _calendar(method: str, vevents: list[icalendar.Event]) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    # One rule-based VTIMEZONE per TZID actually written, valid over the years it is used in.
    years: dict[str, list[int]] = {}
    for vevent in vevents:
        for name in ("DTSTART", "DTEND"):
            value = vevent.decoded(name)
            tzid = vevent[name].params.get("TZID")
            if tzid:
                years.setdefault(str(tzid), []).append(value.year)
    for tzid in sorted(years):
        cal.add_component(build_vtimezone(tzid, min(years[tzid]), max(years[tzid])))
    for vevent in vevents:
        cal.add_component(vevent)
    return cal


def _bytes(cal: icalendar.Calendar) -> bytes:
    data: bytes = cal.to_ical()  # UTF-8, CRLF line ends, lines folded at 75 octets
    return data


def _sorted_unique(events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
    seen: set[str] = set()
    ordered = sorted(events, key=lambda e: (e.start_utc, e.uid))
    for event in ordered:
        if event.uid in seen:
            raise DuplicateUidError(f"UID {event.uid} appears twice in one calendar")
        seen.add(event.uid)
    return ordered


def _publish(
    events: Iterable[CalendarEvent],
    *,
    calendar_name: str,
    now: datetime,
    lang: str,
    viewer: Side | None,
    reminder: timedelta | None,
    refresh: timedelta,
    include_cancelled: bool,
) -> bytes:
    check_lang(lang)
    stamp = _aware_utc(now)
    ordered = _sorted_unique(events)
    chosen = [e for e in ordered if include_cancelled or e.status is Status.CONFIRMED]
    vevents = [
        _vevent(e, method="PUBLISH", stamp=stamp, lang=lang, viewer=viewer, reminder=reminder)
        for e in chosen
    ]
    cal = _calendar("PUBLISH", vevents)
    name = _param(calendar_name)  # a one-line title
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(refresh))
    return _bytes(cal)


def build_agenda(
    events: Iterable[CalendarEvent],
    *,
    calendar_name: str,
    now: datetime,
    viewer: Side | None = None,
    lang: str = DEFAULT_LANG,
    reminder: timedelta | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    include_cancelled: bool = False,
) -> bytes:
    """One participant's agenda (download or ``webcal://`` feed): METHOD:PUBLISH.

    ``events`` are the participant's meetings and workshops; ``viewer`` is the participant's
    side, so that each description names the other party. ORGANIZER is the organising
    mailbox; no ATTENDEE is written (RFC 5546 forbids them in PUBLISH, and a feed must not
    leak other people's addresses). Cancelled events are left out unless
    ``include_cancelled``: a feed client deletes what disappears from the feed.
    ``reminder`` adds a DISPLAY alarm that long before each start. Returns the file's bytes
    (UTF-8, CRLF, folded lines).
    """
    return _publish(
        events,
        calendar_name=calendar_name,
        now=now,
        lang=lang,
        viewer=viewer,
        reminder=reminder,
        refresh=refresh,
        include_cancelled=include_cancelled,
    )


def build_event_calendar(
    events: Iterable[CalendarEvent],
    *,
    calendar_name: str,
    now: datetime,
    lang: str = DEFAULT_LANG,
    reminder: timedelta | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    include_cancelled: bool = False,
) -> bytes:
    """The whole event for its organisers: every meeting and workshop, METHOD:PUBLISH.

    Descriptions list both parties of each meeting. Same rules as ``build_agenda``.
    """
    return _publish(
        events,
        calendar_name=calendar_name,
        now=now,
        lang=lang,
        viewer=None,
        reminder=reminder,
        refresh=refresh,
        include_cancelled=include_cancelled,
    )


def build_request(
    event: CalendarEvent,
    *,
    now: datetime,
    viewer: Side | None = None,
    lang: str = DEFAULT_LANG,
    reminder: timedelta | None = None,
) -> bytes:
    """Invitation or update of one event, sent by e-mail: METHOD:REQUEST.

    ORGANIZER is the organising mailbox and every attendee is listed with ROLE, PARTSTAT,
    RSVP and CN. An update is the same call with the revised event (same UID, higher
    SEQUENCE, see ``revise``). Raises ``NoAttendeeError`` without attendees and
    ``CancelledEventError`` for a cancelled event (send ``build_cancel`` instead).
    """
    check_lang(lang)
    if not event.attendees:
        raise NoAttendeeError(f"REQUEST for {event.uid} has no attendee")
    if event.status is Status.CANCELLED:
        raise CancelledEventError(f"{event.uid} is cancelled: send a CANCEL")
    stamp = _aware_utc(now)
    vevent = _vevent(
        event, method="REQUEST", stamp=stamp, lang=lang, viewer=viewer, reminder=reminder
    )
    return _bytes(_calendar("REQUEST", [vevent]))


def build_cancel(
    event: CalendarEvent,
    *,
    last_sent_sequence: int,
    now: datetime,
    viewer: Side | None = None,
    lang: str = DEFAULT_LANG,
) -> bytes:
    """Cancellation of one event: METHOD:CANCEL with STATUS:CANCELLED and the same UID.

    ``event`` carries the stored, already bumped SEQUENCE (``revise(event,
    status=Status.CANCELLED)``); it must be above ``last_sent_sequence``, the SEQUENCE of the
    last REQUEST sent, or clients would ignore the cancellation
    (``SequenceNotIncreasedError``). Every attendee is listed, as RFC 5546 requires when a
    whole event is cancelled.
    """
    check_lang(lang)
    if event.sequence <= last_sent_sequence:
        raise SequenceNotIncreasedError(
            f"CANCEL of {event.uid} has SEQUENCE {event.sequence}, not above the"
            f" {last_sent_sequence} already sent"
        )
    if not event.attendees:
        raise NoAttendeeError(f"CANCEL for {event.uid} has no attendee")
    stamp = _aware_utc(now)
    vevent = _vevent(event, method="CANCEL", stamp=stamp, lang=lang, viewer=viewer, reminder=None)
    return _bytes(_calendar("CANCEL", [vevent]))


__all__ = [
    "DEFAULT_REFRESH",
    "PRODID",
    "build_agenda",
    "build_cancel",
    "build_event_calendar",
    "build_request",
    "description_text",
    "location_text",
    "summary_text",
]
