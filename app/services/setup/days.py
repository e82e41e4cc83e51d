"""Days and their slot grid: planning slots from a day's spec, and the guard rails on a grid change.

A grid change keeps every slot whose start and end are unchanged (same id, so whatever points to
it survives), adds the new ones and removes the rest. Removing a slot is

- *refused* (nothing changes) when any schedule version, whatever its status, has a meeting or
  a booking in it: agendas are part of the procurement record and are never rewritten by a
  grid change;
- *allowed only after confirmation* when participants' unavailabilities or workshops point to
  it: those links are deleted with the slot, and the audit entry lists them.

See docs/SETUP.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Booking,
    Event,
    EventDay,
    Meeting,
    Pause,
    ScheduleVersion,
    Slot,
    Unavailability,
    WorkshopSlot,
)
from app.services import audit
from app.services.setup.base import (
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    SetupError,
    get_event,
    local_to_utc,
)

# A pause starting in this window is a lunch candidate: the longest one splits am / pm.
LUNCH_WINDOW = (time(11, 0), time(14, 30))


# Without a lunch pause or an explicit boundary, slots starting before 13:00 are "am".
DEFAULT_BOUNDARY = time(13, 0)


@dataclass(frozen=True)
class PauseSpec:
    start: time
    end: time
    label: str = ""


@dataclass(frozen=True)
class DaySpec:
    """A day's grid as the organiser enters it, in the event's local wall-clock time."""

    date: date
    start: time
    end: time
    slot_minutes: int
    pauses: tuple[PauseSpec, ...] = ()
    session_boundary: time | None = None  # first "pm" time; None: lunch pause or 13:00


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    session: str  # "am" or "pm"


def lunch_pause(pauses: Sequence[PauseSpec]) -> PauseSpec | None:
    """The longest pause starting between 11:00 and 14:30 (the earliest of equals)."""
    low, high = LUNCH_WINDOW
    candidates = [p for p in pauses if low <= p.start <= high]
    if not candidates:
        return None

    def length(p: PauseSpec) -> int:
        return (p.end.hour * 60 + p.end.minute) - (p.start.hour * 60 + p.start.minute)

    return max(candidates, key=lambda p: (length(p), -(p.start.hour * 60 + p.start.minute)))


def session_boundary(spec: DaySpec) -> time:
    """Where the afternoon starts: the explicit boundary, else the lunch pause, else 13:00."""
    if spec.session_boundary is not None:
        return spec.session_boundary
    lunch = lunch_pause(spec.pauses)
    return lunch.start if lunch is not None else DEFAULT_BOUNDARY


def check_spec(spec: DaySpec) -> None:
    """The grid's own rules; raises `SetupError` with the first one broken."""
    if spec.end <= spec.start:
        raise SetupError("grid_order")
    if not MIN_SLOT_MINUTES <= spec.slot_minutes <= MAX_SLOT_MINUTES:
        raise SetupError("slot_length")
    ordered = sorted(spec.pauses, key=lambda p: p.start)
    for p in ordered:
        if p.end <= p.start:
            raise SetupError("pause_order", start=p.start.strftime("%H:%M"))
        if p.start < spec.start or p.end > spec.end:
            raise SetupError("pause_outside", start=p.start.strftime("%H:%M"))
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise SetupError("pause_overlap", start=b.start.strftime("%H:%M"))


def plan_slots(spec: DaySpec, tz_name: str) -> list[PlannedSlot]:
    """The slots of a day's grid, in UTC: consecutive slots of `slot_minutes` from the start,
    a pause pushing the next slot to its end, none past the day's end.

    Wall-clock arithmetic first, then conversion, so a day after a clock change keeps its
    local times; a slot starting or ending at a skipped or repeated local time is refused.
    """
    check_spec(spec)
    boundary = session_boundary(spec)
    step = timedelta(minutes=spec.slot_minutes)
    current = datetime.combine(spec.date, spec.start)
    limit = datetime.combine(spec.date, spec.end)
    planned: list[PlannedSlot] = []
    while current + step <= limit:
        end = current + step
        clash = next(
            (p for p in spec.pauses if current.time() < p.end and p.start < end.time()), None
        )
        if clash is not None:
            current = datetime.combine(spec.date, clash.end)
            continue
        planned.append(
            PlannedSlot(
                starts_at=local_to_utc(current, tz_name),
                ends_at=local_to_utc(end, tz_name),
                session="am" if current.time() < boundary else "pm",
            )
        )
        current = end
    if not planned:
        raise SetupError("no_slot")
    return planned


@dataclass(frozen=True)
class SlotUse:
    """What points to slots about to be removed."""

    versions: tuple[tuple[int, str, int], ...] = ()  # (version number, status, activities)
    unavailabilities: tuple[tuple[str, datetime], ...] = ()  # (participant, slot start)
    workshop_slots: tuple[tuple[str, datetime], ...] = ()  # (workshop title, slot start)

    @property
    def blocking(self) -> bool:
        return bool(self.versions)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.unavailabilities or self.workshop_slots)


def slot_use(slot_ids: Sequence[int]) -> SlotUse:
    """Schedule versions, unavailabilities and workshops using any of `slot_ids`."""
    if not slot_ids:
        return SlotUse()
    ids = list(slot_ids)
    per_version: dict[int, int] = {}
    meeting_rows = db.session.execute(
        db.select(Meeting.version_id, func.count(Meeting.id))
        .where(Meeting.slot_id.in_(ids))
        .group_by(Meeting.version_id)
    ).all()
    for version_id, n in meeting_rows:
        per_version[version_id] = per_version.get(version_id, 0) + int(n)
    # Workshop bookings (meeting bookings are counted through their meeting).
    booking_rows = db.session.execute(
        db.select(Booking.version_id, func.count(Booking.id))
        .where(Booking.slot_id.in_(ids), Booking.meeting_id.is_(None))
        .group_by(Booking.version_id)
    ).all()
    for version_id, n in booking_rows:
        per_version[version_id] = per_version.get(version_id, 0) + int(n)
    versions = []
    for version_id, n in sorted(per_version.items()):
        version = db.session.get(ScheduleVersion, version_id)
        assert version is not None
        versions.append((version.number, version.status.value, n))
    unavailable = db.session.execute(
        db.select(Unavailability).where(Unavailability.slot_id.in_(ids))
    ).scalars()
    links = db.session.execute(
        db.select(WorkshopSlot).where(WorkshopSlot.slot_id.in_(ids))
    ).scalars()
    return SlotUse(
        versions=tuple(sorted(versions)),
        unavailabilities=tuple(sorted((u.participant.name, u.slot.starts_at) for u in unavailable)),
        workshop_slots=tuple(sorted((link.workshop.title, link.slot.starts_at) for link in links)),
    )


@dataclass(frozen=True)
class GridPreview:
    """A day's grid before it is saved: its slots and what saving changes."""

    slots: tuple[PlannedSlot, ...]
    kept: int
    added: int
    removed: tuple[Slot, ...]
    use: SlotUse = field(default_factory=SlotUse)


def _existing_day(event: Event, day_id: int | None) -> EventDay | None:
    if day_id is None:
        return None
    day = db.session.get(EventDay, day_id)
    if day is None or day.event_id != event.id:
        raise SetupError("not_found")
    return day


def _diff(existing: Sequence[Slot], planned: Sequence[PlannedSlot]) -> tuple[int, int, list[Slot]]:
    wanted = {(p.starts_at, p.ends_at) for p in planned}
    have = {(s.starts_at, s.ends_at) for s in existing}
    removed = [s for s in existing if (s.starts_at, s.ends_at) not in wanted]
    return len(wanted & have), len(wanted - have), removed


def preview_day(event_id: int, spec: DaySpec, *, day_id: int | None = None) -> GridPreview:
    """The slots `spec` would generate and what saving it would keep, add and remove.

    Changes nothing. Raises `SetupError` when the grid itself is invalid or its date is taken.
    """
    event = get_event(event_id)
    day = _existing_day(event, day_id)
    other = next((d for d in event.days if d.date == spec.date and d is not day), None)
    if other is not None:
        raise SetupError("day_exists", date=spec.date.isoformat())
    planned = plan_slots(spec, event.timezone)
    existing = list(day.slots) if day is not None else []
    kept, added, removed = _diff(existing, planned)
    return GridPreview(
        slots=tuple(planned),
        kept=kept,
        added=added,
        removed=tuple(removed),
        use=slot_use([s.id for s in removed]),
    )


def _guard(use: SlotUse, confirm_losses: bool) -> None:
    if use.blocking:
        raise SetupError("slots_booked", use=use)
    if use.needs_confirmation and not confirm_losses:
        raise SetupError("confirm_losses", use=use)


def _remove_slots(slots: Sequence[Slot]) -> None:
    """Delete slots and, explicitly, the unavailabilities and workshop links pointing to them."""
    ids = [s.id for s in slots]
    if not ids:
        return
    for model in (Unavailability, WorkshopSlot):
        for row in db.session.execute(db.select(model).where(model.slot_id.in_(ids))).scalars():
            db.session.delete(row)
    for slot in slots:
        db.session.delete(slot)
    db.session.flush()


def sync_slots(day: EventDay, planned: Sequence[PlannedSlot]) -> None:
    """Make the day's slots equal `planned`, keeping the rows whose times are unchanged."""
    existing = list(day.slots)
    _, _, removed = _diff(existing, planned)
    _remove_slots(removed)
    by_times = {(s.starts_at, s.ends_at): s for s in existing if s not in removed}
    for p in planned:
        slot = by_times.get((p.starts_at, p.ends_at))
        if slot is None:
            db.session.add(
                Slot(
                    event=day.event,
                    day=day,
                    starts_at=p.starts_at,
                    ends_at=p.ends_at,
                    session=p.session,
                )
            )
        else:
            slot.session = p.session
    db.session.flush()
    db.session.expire(day, ["slots"])
    db.session.expire(day.event, ["slots"])


def spec_of(day: EventDay) -> DaySpec:
    """The stored grid of a day; the session boundary is read back from its slots."""
    pauses = tuple(PauseSpec(p.start_time, p.end_time, p.label) for p in day.pauses)
    spec = DaySpec(day.date, day.start_time, day.end_time, day.slot_minutes, pauses)
    return replace(spec, session_boundary=stored_boundary(day, spec))


def stored_boundary(day: EventDay, spec: DaySpec | None = None) -> time | None:
    """The explicit am/pm boundary of a saved day, or None when its slots follow the default
    rule (lunch pause, else 13:00). Only the slots' sessions store it (no column needed)."""
    slots = list(day.slots)
    if not slots:
        return None
    tz = ZoneInfo(day.event.timezone)
    if spec is None:
        pauses = tuple(PauseSpec(p.start_time, p.end_time, p.label) for p in day.pauses)
        spec = DaySpec(day.date, day.start_time, day.end_time, day.slot_minutes, pauses)
    default = session_boundary(spec)
    if all((s.session == "am") == (s.local_start().time() < default) for s in slots):
        return None
    first_pm = next((s for s in slots if s.session == "pm"), None)
    if first_pm is None:
        return time(23, 59)  # every slot in the morning
    return first_pm.starts_at.astimezone(tz).time()


def _day_fields(spec: DaySpec) -> dict[str, Any]:
    return {
        "date": spec.date.isoformat(),
        "start": spec.start.strftime("%H:%M"),
        "end": spec.end.strftime("%H:%M"),
        "slot_minutes": spec.slot_minutes,
        "pauses": [
            [p.start.strftime("%H:%M"), p.end.strftime("%H:%M"), p.label] for p in spec.pauses
        ],
        "session_boundary": spec.session_boundary.strftime("%H:%M")
        if spec.session_boundary
        else None,
    }


def _lost(use: SlotUse) -> dict[str, Any]:
    return {
        "lost_unavailabilities": [[name, at.isoformat()] for name, at in use.unavailabilities],
        "lost_workshop_slots": [[title, at.isoformat()] for title, at in use.workshop_slots],
    }


def save_day(
    event_id: int,
    spec: DaySpec,
    *,
    actor_id: int,
    day_id: int | None = None,
    confirm_losses: bool = False,
) -> EventDay:
    """Create (`day_id` None) or change a day's grid and regenerate its slots.

    Slots whose times do not change keep their ids. Refuses `slots_booked` when a slot to
    remove is used by a schedule version, and `confirm_losses` when it is used by
    unavailabilities or workshops and the organiser has not confirmed losing them.
    """
    event = get_event(event_id)
    preview = preview_day(event_id, spec, day_id=day_id)
    _guard(preview.use, confirm_losses)
    day = _existing_day(event, day_id)
    before = _day_fields(spec_of(day)) if day is not None else None
    if day is None:
        day = EventDay(event=event, date=spec.date)
        db.session.add(day)
    day.date = spec.date
    day.start_time = spec.start
    day.end_time = spec.end
    day.slot_minutes = spec.slot_minutes
    for pause in list(day.pauses):
        day.pauses.remove(pause)
    for p in sorted(spec.pauses, key=lambda p: p.start):
        day.pauses.append(Pause(start_time=p.start, end_time=p.end, label=p.label.strip()))
    db.session.flush()
    sync_slots(day, preview.slots)
    audit.record(
        "event_day.create" if before is None else "event_day.update",
        actor_id=actor_id,
        event_id=event.id,
        target=day,
        before=before,
        after=_day_fields(spec),
        slots_kept=preview.kept,
        slots_added=preview.added,
        slots_removed=len(preview.removed),
        **_lost(preview.use),
    )
    return day


def day_use(event_id: int, day_id: int) -> SlotUse:
    """What deleting the day would take with it (see `delete_day`)."""
    day = _existing_day(get_event(event_id), day_id)
    assert day is not None
    return slot_use([s.id for s in day.slots])


def delete_day(event_id: int, day_id: int, *, actor_id: int, confirm_losses: bool = False) -> None:
    """Delete a day, its pauses and slots, with the guard rails of `save_day`."""
    event = get_event(event_id)
    day = _existing_day(event, day_id)
    assert day is not None
    use = slot_use([s.id for s in day.slots])
    _guard(use, confirm_losses)
    fields = _day_fields(spec_of(day))
    _remove_slots(list(day.slots))
    db.session.expire(day, ["slots"])
    db.session.delete(day)
    db.session.flush()
    db.session.expire(event, ["days", "slots"])
    audit.record(
        "event_day.delete",
        actor_id=actor_id,
        event_id=event.id,
        target=None,
        day_id=day_id,
        before=fields,
        **_lost(use),
    )
