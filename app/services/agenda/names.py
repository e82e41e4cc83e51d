"""Names in messages: participants and tables instead of the engine's ids (`p12`, `t3`)."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Location, Meeting, Participant, ParticipantRole


def meeting_sides(meeting: Meeting) -> tuple[Participant | None, Participant | None]:
    """(company, buyer) of a meeting."""
    company = buyer = None
    for link in meeting.participant_links:
        if link.participant.role is ParticipantRole.COMPANY:
            company = link.participant
        else:
            buyer = link.participant
    return company, buyer


def participant_name(participant: Participant | None) -> str:
    return participant.name if participant is not None else "?"


def short_name(participant: Participant | None) -> str:
    """The organisation's own name (a direction without its parent body): grid cells are narrow."""
    return participant.organisation.name if participant is not None else "?"


_KEY = re.compile(r"\b([pt])(\d+)\b")


def humanise_reason(reason: str, names: dict[str, str]) -> str:
    """Replace the engine's ids (`p12`, `t3`) by participant and table names."""

    def swap(match: re.Match[str]) -> str:
        return names.get(match.group(0), match.group(0))

    return _KEY.sub(swap, reason)


def key_names(event_id: int) -> dict[str, str]:
    """The engine's ids of the event's participants and locations (`p12`, `t3`) → names."""
    names = {
        f"p{p.id}": p.name
        for p in db.session.execute(
            db.select(Participant).where(Participant.event_id == event_id)
        ).scalars()
    }
    names.update(
        {
            f"t{loc.id}": loc.name
            for loc in db.session.execute(
                db.select(Location).where(Location.event_id == event_id)
            ).scalars()
        }
    )
    return names
