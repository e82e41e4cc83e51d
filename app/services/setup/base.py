"""What every set-up module shares: `SetupError`, the limits the forms check (docs/SETUP.md),
the event lookup and time zones.

`SetupError` carries a code and parameters; the routes turn them into French.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from app.extensions import db
from app.models import Event

MIN_SLOT_MINUTES = 5  # the database's CHECK (event_days.slot_length)


MAX_SLOT_MINUTES = 240


MAX_CAP = 500


class SetupError(Exception):
    """A set-up change refused; `code` names the rule, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    """An IANA timezone name known to this system (e.g. Europe/Paris, Indian/Reunion)."""
    return name in _timezones()


def local_to_utc(value: datetime, tz_name: str) -> datetime:
    """A naive wall-clock time in `tz_name` as a UTC instant.

    Refuses (`clock_change`) a time that does not exist (skipped when clocks go forward) or
    that happens twice (when they go back): the organiser must say which instant is meant.
    """
    tz = ZoneInfo(tz_name)
    first = value.replace(tzinfo=tz, fold=0)
    second = value.replace(tzinfo=tz, fold=1)
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != value or first.utcoffset() != second.utcoffset():
        raise SetupError("clock_change", at=value.strftime("%H:%M"))
    return first.astimezone(UTC)


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise SetupError("not_found")
    return event
