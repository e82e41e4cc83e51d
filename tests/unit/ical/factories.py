"""Small builders of calendar data shared by the ical tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.ical import Attendee, MeetingEvent, Organizer, Party, WorkshopEvent

# Two local zones far from Paris and from each other: a parser that fell back to local or
# floating time would be hours off under both.
LOCAL_ZONES = ("America/New_York", "Asia/Tokyo")

NOW = datetime(2026, 3, 2, 9, 15, 42, tzinfo=UTC)
ORGANIZER = Organizer("RDV de la commande publique", "rdv@entremise.example", "+33 4 72 00 00 00")
BUYER_ATTENDEE = Attendee("Marie Durand", "marie.durand@lyon.example")
COMPANY_ATTENDEE = Attendee("Jean Dupont", "jean@dupont.example")


def utc(*args: int) -> datetime:
    """A UTC instant."""
    return datetime(*args, tzinfo=UTC)


def meeting(**changes: Any) -> MeetingEvent:
    """A meeting on the morning of the spring DST change in Paris (29 March 2026)."""
    base = MeetingEvent(
        uid="0b6c1b1e-2f4e-4a9b-9d51-5b3f2b1f7a10@entremise.example",
        sequence=0,
        start=utc(2026, 3, 29, 8, 0),
        end=utc(2026, 3, 29, 8, 20),
        organizer=ORGANIZER,
        buyer=Party("Ville de Lyon", "Marie Durand"),
        company=Party("Dupont & Fils", "Jean Dupont"),
        attendees=(BUYER_ATTENDEE, COMPANY_ATTENDEE),
        need_title="Nettoyage des locaux",
        table="Table 12",
        room="Salle Rhône",
    )
    return replace(base, **changes)


def workshop(**changes: Any) -> WorkshopEvent:
    """A workshop in winter time (CET)."""
    base = WorkshopEvent(
        uid="7d1e5c0a-9a52-4e8e-8f0e-1c2d3e4f5a6b@entremise.example",
        sequence=0,
        start=utc(2026, 1, 15, 13, 0),
        end=utc(2026, 1, 15, 14, 30),
        organizer=ORGANIZER,
        title="Répondre à un marché public",
        attendees=(BUYER_ATTENDEE, COMPANY_ATTENDEE, Attendee("Ana", "ana@x.example")),
        description="Atelier pratique.",
        room="Amphi A",
    )
    return replace(base, **changes)


def season_meetings() -> list[MeetingEvent]:
    """Meetings around both DST changes of 2026 and in plain winter and summer time."""
    instants = [
        utc(2026, 1, 15, 8, 0),  # CET
        utc(2026, 3, 29, 0, 30),  # 01:30 CET, just before the spring change
        utc(2026, 3, 29, 1, 30),  # 03:30 CEST, just after it
        utc(2026, 7, 1, 12, 0),  # CEST
        utc(2026, 10, 25, 0, 30),  # 02:30 CEST, first pass of the repeated hour
        utc(2026, 10, 25, 1, 30),  # 02:30 CET, second pass (written in UTC)
        utc(2026, 10, 25, 2, 30),  # 03:30 CET
        utc(2027, 12, 31, 23, 30),  # across the year end in Paris
    ]
    return [
        meeting(uid=f"m{i}@entremise.example", start=start, end=start + timedelta(minutes=20))
        for i, start in enumerate(instants)
    ]
