"""Named domain errors of the calendar core.

They derive from ``ValueError`` so that a caller that only wants "bad input" can catch one
type; the web layer maps them to user messages, never to HTTP errors here.
"""

from __future__ import annotations


class IcalError(ValueError):
    """Base class of every error raised by ``app.ical``."""


class NaiveDatetimeError(IcalError):
    """A start, end or clock value has no timezone: it could not be placed on the UTC line."""


class InvalidEventTimesError(IcalError):
    """An event ends at or before its start."""


class InvalidUidError(IcalError):
    """A UID is empty or contains characters that have no place in an identifier."""


class InvalidSequenceError(IcalError):
    """A SEQUENCE is negative."""


class SequenceNotIncreasedError(IcalError):
    """A CANCEL (or update) would not carry a SEQUENCE above the last one sent.

    Clients drop a message whose SEQUENCE is not higher than the one they hold, so sending it
    would leave the old meeting in their calendars.
    """


class InvalidEmailError(IcalError):
    """An e-mail address is empty or contains characters that would break a calendar address."""


class InvalidUrlError(IcalError):
    """A URL is not an absolute http(s) URL without spaces or control characters."""


class OrganizerIsAttendeeError(IcalError):
    """The organising mailbox is also listed as an attendee.

    Clients treat a message whose organiser is the recipient as the recipient's own meeting
    (no update, no cancellation), so the organiser must be a mailbox of the event, never a
    participant.
    """


class NoAttendeeError(IcalError):
    """A REQUEST or CANCEL has nobody to send to (RFC 5546 requires at least one ATTENDEE)."""


class CancelledEventError(IcalError):
    """A REQUEST was asked for an event whose status is CANCELLED: send a CANCEL instead."""


class DuplicateUidError(IcalError):
    """Two events of one calendar share a UID: clients would keep only one of them."""


class UnknownTimezoneError(IcalError):
    """The event's timezone name is not in the zoneinfo database."""


class UnsupportedTimezoneError(IcalError):
    """The zone does not follow one fixed yearly rule over the years of the events.

    The core writes rule-based VTIMEZONE blocks only (see docs/ICAL.md); a zone whose rule
    changes inside the years covered cannot be written that way.
    """


class UnsupportedLanguageError(IcalError):
    """The requested language has no message table."""
