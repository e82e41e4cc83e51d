"""Events: public listing, summaries and the slot grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Event,
    EventDay,
    EventStatus,
    LocationKind,
    Need,
    Participant,
    ParticipantRole,
    Pause,
    Slot,
)
from app.services.setup import days

PUBLIC_STATUSES = [s for s in EventStatus if s is not EventStatus.DRAFT]


def public_events() -> list[Event]:
    """Events visible to everyone (all but drafts), soonest first."""
    first_day = (
        db.select(EventDay.event_id, func.min(EventDay.date).label("first"))
        .group_by(EventDay.event_id)
        .subquery()
    )
    stmt = (
        db.select(Event)
        .outerjoin(first_day, first_day.c.event_id == Event.id)
        .where(Event.status.in_(PUBLIC_STATUSES))
        .order_by(first_day.c.first.desc(), Event.id.desc())
    )
    return list(db.session.execute(stmt).scalars())


def get_public_event(event_id: int) -> Event | None:
    event = db.session.get(Event, event_id)
    if event is None or event.status is EventStatus.DRAFT:
        return None
    return event


@dataclass(frozen=True)
class EventSummary:
    buyers: int
    companies: int
    needs: int
    slots: int
    tables: int
    first_start: datetime | None
    last_end: datetime | None


def summary(event: Event) -> EventSummary:
    def count_role(role: ParticipantRole) -> int:
        stmt = db.select(func.count(Participant.id)).where(
            Participant.event_id == event.id, Participant.role == role
        )
        return int(db.session.execute(stmt).scalar_one())

    needs = db.session.execute(
        db.select(func.count(Need.id)).where(Need.event_id == event.id, Need.is_published)
    ).scalar_one()
    slots = event.slots
    return EventSummary(
        buyers=count_role(ParticipantRole.BUYER),
        companies=count_role(ParticipantRole.COMPANY),
        needs=int(needs),
        slots=len(slots),
        tables=sum(loc.kind is LocationKind.TABLE for loc in event.locations),
        first_start=slots[0].starts_at if slots else None,
        last_end=slots[-1].ends_at if slots else None,
    )


def add_day(
    event: Event,
    day: date,
    start: time,
    end: time,
    slot_minutes: int,
    pauses: Sequence[tuple[time, time, str]] = (),
) -> EventDay:
    """Add a day with its grid and generate its slots (a pause pushes the next slot after it)."""
    event_day = EventDay(
        event=event, date=day, start_time=start, end_time=end, slot_minutes=slot_minutes
    )
    for p_start, p_end, label in pauses:
        event_day.pauses.append(Pause(start_time=p_start, end_time=p_end, label=label))
    db.session.add(event_day)
    db.session.flush()
    generate_slots(event_day)
    return event_day


def generate_slots(day: EventDay) -> list[Slot]:
    """(Re)build the slots of one day from its grid, in UTC, skipping pauses.

    The grid is planned by `days.plan_slots`, the same rule as the set-up pages (morning and
    afternoon split at the lunch pause, else 13:00; clock-change times refused).
    """
    for slot in list(day.slots):
        db.session.delete(slot)
    db.session.flush()
    spec = days.DaySpec(
        date=day.date,
        start=day.start_time,
        end=day.end_time,
        slot_minutes=day.slot_minutes,
        pauses=tuple(days.PauseSpec(p.start_time, p.end_time, p.label) for p in day.pauses),
    )
    created = [
        Slot(event=day.event, day=day, starts_at=p.starts_at, ends_at=p.ends_at, session=p.session)
        for p in days.plan_slots(spec, day.event.timezone)
    ]
    db.session.add_all(created)
    db.session.flush()
    return created
