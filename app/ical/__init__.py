"""Flask-free iCalendar builders: agendas, invitations, cancellations (see docs/ICAL.md).

The web layer reads meetings and workshops from the database into the frozen dataclasses of
``app.ical.types``, calls one builder with an explicit ``now`` and wraps the returned bytes
(``text/calendar; charset=utf-8; method=…``).
"""

from app.ical.build import (
    DEFAULT_REFRESH,
    PRODID,
    build_agenda,
    build_cancel,
    build_event_calendar,
    build_request,
    description_text,
    location_text,
    summary_text,
)
from app.ical.errors import (
    CancelledEventError,
    DuplicateUidError,
    IcalError,
    InvalidEmailError,
    InvalidEventTimesError,
    InvalidSequenceError,
    InvalidUidError,
    InvalidUrlError,
    NaiveDatetimeError,
    NoAttendeeError,
    OrganizerIsAttendeeError,
    SequenceNotIncreasedError,
    UnknownTimezoneError,
    UnsupportedLanguageError,
    UnsupportedTimezoneError,
)
from app.ical.itip import itip_violations
from app.ical.messages import DEFAULT_LANG, MESSAGES, Lang
from app.ical.types import (
    DEFAULT_TZ,
    Attendee,
    CalendarEvent,
    MeetingEvent,
    Organizer,
    PartStat,
    Party,
    Role,
    Side,
    Status,
    WorkshopEvent,
    fingerprint,
    revise,
)
from app.ical.vtimezone import build_vtimezone, yearly_rules

__all__ = [
    "DEFAULT_LANG",
    "DEFAULT_REFRESH",
    "DEFAULT_TZ",
    "MESSAGES",
    "PRODID",
    "Attendee",
    "CalendarEvent",
    "CancelledEventError",
    "DuplicateUidError",
    "IcalError",
    "InvalidEmailError",
    "InvalidEventTimesError",
    "InvalidSequenceError",
    "InvalidUidError",
    "InvalidUrlError",
    "Lang",
    "MeetingEvent",
    "NaiveDatetimeError",
    "NoAttendeeError",
    "Organizer",
    "OrganizerIsAttendeeError",
    "PartStat",
    "Party",
    "Role",
    "SequenceNotIncreasedError",
    "Side",
    "Status",
    "UnknownTimezoneError",
    "UnsupportedLanguageError",
    "UnsupportedTimezoneError",
    "WorkshopEvent",
    "build_agenda",
    "build_cancel",
    "build_event_calendar",
    "build_request",
    "build_vtimezone",
    "description_text",
    "fingerprint",
    "itip_violations",
    "location_text",
    "revise",
    "summary_text",
    "yearly_rules",
]
