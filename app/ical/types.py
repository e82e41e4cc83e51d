"""Input types of the calendar core: what the web layer reads from the database.

Every value is a frozen dataclass, checked when it is built, so that a builder never has to
guess: instants are timezone-aware, UIDs and SEQUENCE numbers are the stored ones (a UID is
never derived from a slot or a table: it must survive a move), and the organising mailbox is
never one of the attendees.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.ical.errors import (
    InvalidEmailError,
    InvalidEventTimesError,
    InvalidSequenceError,
    InvalidUidError,
    InvalidUrlError,
    NaiveDatetimeError,
    OrganizerIsAttendeeError,
    UnknownTimezoneError,
)

DEFAULT_TZ = "Europe/Paris"

# A deliberately plain check: the web layer validates addresses properly (email-validator);
# here we only refuse what would break a `mailto:` calendar address.
_EMAIL = re.compile(r"^[^\s@:;,\"<>()\[\]\\]+@[^\s@:;,\"<>()\[\]\\]+$")
_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$")
_UID = re.compile(r"^[^\s\x00-\x1f\x7f]{1,255}$")


class Status(StrEnum):
    """Status of an event as written in STATUS."""

    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


class Role(StrEnum):
    """ATTENDEE;ROLE= values of RFC 5545 §3.2.16."""

    CHAIR = "CHAIR"
    REQUIRED = "REQ-PARTICIPANT"
    OPTIONAL = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


class PartStat(StrEnum):
    """ATTENDEE;PARTSTAT= values that make sense for an event (RFC 5545 §3.2.12)."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"


class Side(StrEnum):
    """Which side of a meeting the reader of a file is on, to name "the other party"."""

    BUYER = "buyer"
    COMPANY = "company"


def _check_email(email: str) -> None:
    if not _EMAIL.fullmatch(email):
        raise InvalidEmailError(f"not a usable e-mail address: {email!r}")


def _check_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{what} must be timezone-aware, got {value!r}")


def check_timezone(name: str) -> ZoneInfo:
    """Return the zoneinfo zone called ``name``; raise ``UnknownTimezoneError`` otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezoneError(f"unknown timezone: {name!r}") from exc


@dataclass(frozen=True)
class Organizer:
    """The organising mailbox of the event (ORGANIZER): never a participant."""

    name: str
    email: str
    phone: str | None = None

    def __post_init__(self) -> None:
        _check_email(self.email)


@dataclass(frozen=True)
class Attendee:
    """One participant of an event, as written in ATTENDEE of a REQUEST or CANCEL."""

    name: str
    email: str
    role: Role = Role.REQUIRED
    partstat: PartStat = PartStat.NEEDS_ACTION
    # False by default: meetings are assigned by the organisers, and replies would land in a
    # mailbox nobody reads; the web layer may ask for replies.
    rsvp: bool = False

    def __post_init__(self) -> None:
        _check_email(self.email)


@dataclass(frozen=True)
class Party:
    """One side of a meeting: an organisation and, optionally, the person who comes."""

    name: str
    representative: str | None = None


@dataclass(frozen=True)
class _Scheduled:
    """Fields and checks shared by meetings and workshops."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    organizer: Organizer

    def _check_common(self, attendees: tuple[Attendee, ...], url: str | None, tz: str) -> None:
        if not _UID.fullmatch(self.uid):
            raise InvalidUidError(f"not a usable UID: {self.uid!r}")
        if self.sequence < 0:
            raise InvalidSequenceError(f"SEQUENCE must be >= 0, got {self.sequence}")
        _check_aware(self.start, "start")
        _check_aware(self.end, "end")
        if self.end <= self.start:
            raise InvalidEventTimesError(f"event {self.uid} ends at or before its start")
        check_timezone(tz)
        if url is not None and not _URL.fullmatch(url):
            raise InvalidUrlError(f"not an absolute http(s) URL: {url!r}")
        organizer = self.organizer.email.casefold()
        if any(a.email.casefold() == organizer for a in attendees):
            raise OrganizerIsAttendeeError(
                f"organiser {self.organizer.email} is also an attendee of {self.uid}"
            )

    @property
    def start_utc(self) -> datetime:
        """The start as a UTC instant."""
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """The end as a UTC instant."""
        return self.end.astimezone(UTC)


@dataclass(frozen=True)
class MeetingEvent(_Scheduled):
    """One buyer–company meeting of the published agenda.

    ``table`` and ``room`` are display labels as stored ("Table 12", "Salle Rhône"); ``tz`` is
    the event's zone, in which DTSTART/DTEND are written with a VTIMEZONE.
    """

    buyer: Party
    company: Party
    attendees: tuple[Attendee, ...] = ()
    need_title: str | None = None
    table: str | None = None
    room: str | None = None
    status: Status = Status.CONFIRMED
    tz: str = DEFAULT_TZ
    url: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        self._check_common(self.attendees, self.url, self.tz)


@dataclass(frozen=True)
class WorkshopEvent(_Scheduled):
    """A workshop or plenary session: one room, several attendees."""

    title: str
    attendees: tuple[Attendee, ...] = ()
    description: str | None = None
    room: str | None = None
    status: Status = Status.CONFIRMED
    tz: str = DEFAULT_TZ
    url: str | None = None

    def __post_init__(self) -> None:
        self._check_common(self.attendees, self.url, self.tz)


CalendarEvent = MeetingEvent | WorkshopEvent

E = TypeVar("E", MeetingEvent, WorkshopEvent)


def revise(event: E, **changes: Any) -> E:
    """Return ``event`` with ``changes`` applied and its SEQUENCE bumped if anything changed.

    Every change that reaches a calendar (time, place, status, text, attendees) raises the
    SEQUENCE by one, so that clients replace the copy they hold; the UID never changes.
    Passing ``sequence`` or ``uid`` is refused: they are the stored identity of the event.
    """
    if "sequence" in changes or "uid" in changes:
        raise TypeError("revise() keeps uid and bumps sequence itself")
    updated = dataclasses.replace(event, **changes)
    if updated == event:
        return event
    return dataclasses.replace(updated, sequence=event.sequence + 1)


def fingerprint(event: CalendarEvent) -> str:
    """A stable digest of everything a calendar shows of ``event``, SEQUENCE excluded.

    The web layer stores it with the last message sent for the event ("last sent state"):
    when a later edit gives another fingerprint, the event changed for its attendees and
    needs a bumped SEQUENCE and a new REQUEST (or CANCEL); when it gives the same one,
    nothing is to be sent. Instants are compared in UTC, so re-reading the same time in
    another zone changes nothing.
    """
    fields = dataclasses.asdict(event)
    fields.pop("sequence")
    fields["start"] = event.start_utc.isoformat()
    fields["end"] = event.end_utc.isoformat()
    fields["kind"] = type(event).__name__
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
