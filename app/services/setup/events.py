"""The event itself: creation, details, time zone and life cycle (`TRANSITIONS`).

Every change is validated here, written with `flush()` (the route commits) and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Event,
    EventStatus,
    Participant,
)
from app.services import audit
from app.services.setup.base import SetupError, get_event, is_valid_timezone, local_to_utc
from app.services.setup.days import plan_slots, slot_use, spec_of, sync_slots


@dataclass(frozen=True)
class EventData:
    title: str
    description: str = ""
    venue: str = ""
    timezone: str = "Europe/Paris"
    deadline_local: datetime | None = None  # naive, wall-clock time in `timezone`
    contact_email: str | None = None


def _check_event_data(data: EventData) -> datetime | None:
    if not data.title.strip():
        raise SetupError("title_required")
    if not is_valid_timezone(data.timezone):
        raise SetupError("bad_timezone", timezone=data.timezone)
    if data.deadline_local is None:
        return None
    return local_to_utc(data.deadline_local, data.timezone)


def create_event(data: EventData, *, organisation_id: int | None, actor_id: int) -> Event:
    """A new event in draft, owned by the organiser's organisation."""
    deadline = _check_event_data(data)
    event = Event(
        title=data.title.strip(),
        description=data.description.strip(),
        venue=data.venue.strip(),
        timezone=data.timezone,
        application_deadline=deadline,
        contact_email=(data.contact_email or "").strip() or None,
        status=EventStatus.DRAFT,
        organiser_organisation_id=organisation_id,
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "event.create", actor_id=actor_id, event_id=event.id, target=event, **_event_fields(event)
    )
    return event


def _event_fields(event: Event) -> dict[str, Any]:
    deadline = event.application_deadline
    return {
        "title": event.title,
        "description": event.description,
        "venue": event.venue,
        "timezone": event.timezone,
        "application_deadline": deadline.isoformat() if deadline else None,
        "contact_email": event.contact_email,
    }


def update_event(event_id: int, data: EventData, *, actor_id: int) -> Event:
    """Change the event's description. A new timezone moves every slot to the same wall-clock
    times in that zone, which is refused while anything points to a slot (`timezone_in_use`)."""
    event = get_event(event_id)
    deadline = _check_event_data(data)
    before = _event_fields(event)
    timezone_changed = data.timezone != event.timezone
    if timezone_changed and event.slots:
        use = slot_use([s.id for s in event.slots])
        if use.blocking or use.needs_confirmation:
            raise SetupError("timezone_in_use")
    specs = [(day, spec_of(day)) for day in event.days]  # read in the old timezone
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.venue = data.venue.strip()
    event.timezone = data.timezone
    event.application_deadline = deadline
    event.contact_email = (data.contact_email or "").strip() or None
    db.session.flush()
    if timezone_changed:
        for day, spec in specs:
            sync_slots(day, plan_slots(spec, event.timezone))
    after = _event_fields(event)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        audit.record("event.update", actor_id=actor_id, event_id=event.id, target=event, **changed)
    return event


# Manual transitions an organiser may make. Publishing the agenda (agenda pages) is what moves
# an event to "published"; closing and reopening after it is manual.
TRANSITIONS: dict[EventStatus, tuple[EventStatus, ...]] = {
    EventStatus.DRAFT: (EventStatus.OPEN,),
    EventStatus.OPEN: (EventStatus.SELECTION, EventStatus.DRAFT),
    EventStatus.SELECTION: (EventStatus.SCHEDULING, EventStatus.OPEN),
    EventStatus.SCHEDULING: (EventStatus.SELECTION,),
    EventStatus.PUBLISHED: (EventStatus.CLOSED,),
    EventStatus.CLOSED: (EventStatus.PUBLISHED,),
}


def change_status(event_id: int, target: EventStatus, *, actor_id: int) -> Event:
    """Move the event along its life cycle (`TRANSITIONS`), with the checks each step needs."""
    event = get_event(event_id)
    if target not in TRANSITIONS[event.status]:
        raise SetupError("bad_transition", before=event.status.value, after=target.value)
    if target is EventStatus.OPEN and event.status is EventStatus.DRAFT and not event.slots:
        raise SetupError("no_slots")  # companies give their unavailabilities per slot
    if target is EventStatus.DRAFT:
        participants = db.session.execute(
            db.select(func.count(Participant.id)).where(Participant.event_id == event.id)
        ).scalar_one()
        if participants:
            raise SetupError("has_participants", n=participants)
    before = event.status
    event.status = target
    db.session.flush()
    audit.record(
        "event.status",
        actor_id=actor_id,
        event_id=event.id,
        target=event,
        before=before.value,
        after=target.value,
    )
    return event
