"""Event set-up by organisers: the event itself, its days and slot grid, tables and rooms,
participants' scheduling settings (kept table, caps).

Every change is validated here, written with `flush()` (the route commits) and audited.
Errors are `SetupError`s carrying a code and parameters; the routes turn them into French.

Guard rails on the slot grid (see docs/SETUP.md). A grid change keeps every slot whose
start and end are unchanged (same id, so whatever points to it survives), adds the new ones
and removes the rest. Removing a slot is

- *refused* (nothing changes) when any schedule version, whatever its status, has a meeting or
  a booking in it: agendas are part of the procurement record and are never rewritten by a
  grid change;
- *allowed only after confirmation* when participants' unavailabilities or workshops point to
  it: those links are deleted with the slot, and the audit entry lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Booking,
    Event,
    EventDay,
    EventStatus,
    Location,
    LocationKind,
    Meeting,
    Participant,
    ParticipantRole,
    Pause,
    ScheduleVersion,
    Slot,
    Unavailability,
    Workshop,
    WorkshopSlot,
)
from app.services import audit

MIN_SLOT_MINUTES = 5  # the database's CHECK (event_days.slot_length)
MAX_SLOT_MINUTES = 240
MAX_CAP = 500
# A pause starting in this window is a lunch candidate: the longest one splits am / pm.
LUNCH_WINDOW = (time(11, 0), time(14, 30))
# Without a lunch pause or an explicit boundary, slots starting before 13:00 are "am".
DEFAULT_BOUNDARY = time(13, 0)


class SetupError(Exception):
    """A set-up change refused; `code` names the rule, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --------------------------------------------------------------------------- the event


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


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise SetupError("not_found")
    return event


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
    specs = [(day, _spec_of(day)) for day in event.days]  # read in the old timezone
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.venue = data.venue.strip()
    event.timezone = data.timezone
    event.application_deadline = deadline
    event.contact_email = (data.contact_email or "").strip() or None
    db.session.flush()
    if timezone_changed:
        for day, spec in specs:
            _sync_slots(day, plan_slots(spec, event.timezone))
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


# --------------------------------------------------------------------------- the slot grid


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


def _sync_slots(day: EventDay, planned: Sequence[PlannedSlot]) -> None:
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


def _spec_of(day: EventDay) -> DaySpec:
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
    before = _day_fields(_spec_of(day)) if day is not None else None
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
    _sync_slots(day, preview.slots)
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
    fields = _day_fields(_spec_of(day))
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


# --------------------------------------------------------------------------- tables and rooms


@dataclass(frozen=True)
class LocationUse:
    versions: tuple[int, ...] = ()  # numbers of schedule versions with meetings there
    pinned_by: tuple[str, ...] = ()  # participants keeping it
    workshops: tuple[str, ...] = ()  # workshops held there

    @property
    def any(self) -> bool:
        return bool(self.versions or self.pinned_by or self.workshops)


def location_use(location: Location) -> LocationUse:
    numbers = db.session.execute(
        db.select(ScheduleVersion.number)
        .join(Meeting, Meeting.version_id == ScheduleVersion.id)
        .where(Meeting.location_id == location.id)
        .distinct()
        .order_by(ScheduleVersion.number)
    ).scalars()
    pinned = db.session.execute(
        db.select(Participant).where(Participant.location_id == location.id)
    ).scalars()
    workshops = db.session.execute(
        db.select(Workshop.title).where(Workshop.location_id == location.id).order_by(Workshop.id)
    ).scalars()
    return LocationUse(
        versions=tuple(numbers),
        pinned_by=tuple(sorted(p.name for p in pinned)),
        workshops=tuple(workshops),
    )


def _location(event: Event, location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None or location.event_id != event.id:
        raise SetupError("not_found")
    return location


def _check_name(event: Event, name: str, location: Location | None = None) -> str:
    name = name.strip()
    if not name:
        raise SetupError("name_required")
    if any(loc.name == name and loc is not location for loc in event.locations):
        raise SetupError("name_taken", name=name)
    return name


def _renumber(event: Event) -> list[Location]:
    """Positions 1..n in the current order (ties by id): reordering stays simple."""
    ordered = sorted(event.locations, key=lambda loc: (loc.position, loc.id))
    for n, loc in enumerate(ordered, start=1):
        loc.position = n
    return ordered


def add_location(
    event_id: int, name: str, kind: LocationKind, room: str = "", *, actor_id: int
) -> Location:
    """A table or room placed after the others."""
    event = get_event(event_id)
    name = _check_name(event, name)
    ordered = _renumber(event)
    location = Location(
        event=event, name=name, kind=kind, room=room.strip(), position=len(ordered) + 1
    )
    db.session.add(location)
    db.session.flush()
    audit.record(
        "location.create",
        actor_id=actor_id,
        event_id=event.id,
        target=location,
        name=name,
        kind=kind.value,
        room=location.room,
    )
    return location


def add_tables(
    event_id: int,
    count: int,
    *,
    prefix: str = "Table",
    first: int = 1,
    room: str = "",
    actor_id: int,
) -> list[Location]:
    """Tables « prefix first » … « prefix first+count-1 »; refused if one name exists."""
    event = get_event(event_id)
    if not 1 <= count <= MAX_CAP:
        raise SetupError("bad_count")
    if first < 0:
        raise SetupError("bad_count")
    names = [f"{prefix.strip()} {n}" for n in range(first, first + count)]
    taken = sorted({loc.name for loc in event.locations} & set(names))
    if taken:
        raise SetupError("name_taken", name=", ".join(taken))
    ordered = _renumber(event)
    created = [
        Location(
            event=event,
            name=name,
            kind=LocationKind.TABLE,
            room=room.strip(),
            position=len(ordered) + n,
        )
        for n, name in enumerate(names, start=1)
    ]
    db.session.add_all(created)
    db.session.flush()
    audit.record(
        "location.create_tables",
        actor_id=actor_id,
        event_id=event.id,
        names=names,
        room=room.strip(),
        ids=[loc.id for loc in created],
    )
    return created


def update_location(
    event_id: int,
    location_id: int,
    name: str,
    kind: LocationKind,
    room: str = "",
    *,
    actor_id: int,
) -> Location:
    """Rename a location or change its hall; changing its kind is refused while it is used."""
    event = get_event(event_id)
    location = _location(event, location_id)
    name = _check_name(event, name, location)
    if kind is not location.kind and location_use(location).any:
        raise SetupError("location_in_use", name=location.name)
    before = {"name": location.name, "kind": location.kind.value, "room": location.room}
    location.name = name
    location.kind = kind
    location.room = room.strip()
    db.session.flush()
    after = {"name": location.name, "kind": location.kind.value, "room": location.room}
    if before != after:
        audit.record(
            "location.update",
            actor_id=actor_id,
            event_id=event.id,
            target=location,
            before=before,
            after=after,
        )
    return location


def move_location(event_id: int, location_id: int, offset: int, *, actor_id: int) -> Location:
    """Move a location one place up (-1) or down (+1) in the list (a no-op at either end)."""
    event = get_event(event_id)
    location = _location(event, location_id)
    ordered = _renumber(event)
    index = ordered.index(location)
    other_index = index + (1 if offset > 0 else -1)
    if 0 <= other_index < len(ordered):
        other = ordered[other_index]
        location.position, other.position = other.position, location.position
        db.session.flush()
        audit.record(
            "location.move",
            actor_id=actor_id,
            event_id=event.id,
            target=location,
            position=location.position,
        )
    db.session.expire(event, ["locations"])
    return location


def delete_location(event_id: int, location_id: int, *, actor_id: int) -> None:
    """Delete a table or room that nothing uses (no meeting in any version, no pin, no
    workshop); otherwise `location_in_use` with what uses it."""
    event = get_event(event_id)
    location = _location(event, location_id)
    use = location_use(location)
    if use.any:
        raise SetupError("location_in_use", name=location.name, use=use)
    audit.record(
        "location.delete",
        actor_id=actor_id,
        event_id=event.id,
        target=location,
        name=location.name,
        kind=location.kind.value,
    )
    db.session.delete(location)
    db.session.flush()
    db.session.expire(event, ["locations"])
    _renumber(event)
    db.session.flush()


# --------------------------------------------------------------------------- participants


@dataclass(frozen=True)
class ParticipantSettings:
    participant_id: int
    location_id: int | None  # kept table (buyers only)
    max_meetings: int | None
    min_meetings: int = 0


class SettingsInvalid(SetupError):
    """Field errors: participant id → field name → (code, params)."""

    def __init__(self, errors: dict[int, dict[str, tuple[str, dict[str, Any]]]]) -> None:
        super().__init__("settings_invalid")
        self.errors = errors


def scheduling_participants(event_id: int) -> list[Participant]:
    """Buyers then companies, by name: those whose settings the organiser sets."""
    participants = db.session.execute(
        db.select(Participant).where(Participant.event_id == event_id)
    ).scalars()
    order = {ParticipantRole.BUYER: 0, ParticipantRole.COMPANY: 1}
    return sorted(participants, key=lambda p: (order[p.role], p.name.casefold(), p.id))


PARTICIPANTS_PER_PAGE = 50


@dataclass(frozen=True)
class ParticipantPage:
    """One page of the participants' settings: those matching the filter, `per_page` at most."""

    participants: list[Participant]
    total: int  # participants matching the filter, on all pages
    page: int  # 1-based, clamped to the pages that exist
    pages: int  # at least 1


def participants_page(
    event_id: int,
    *,
    role: ParticipantRole | None = None,
    search: str = "",
    page: int = 1,
    per_page: int = PARTICIPANTS_PER_PAGE,
) -> ParticipantPage:
    """The participants whose settings the page shows: of `role` (None: all), whose name
    contains `search` (case ignored), in `scheduling_participants` order, page `page`.

    A 300-company event has 375 participants: one form of 1,000 fields is slow to load and
    to read, so the page shows them by pages and lets the organiser filter."""
    wanted = search.strip().casefold()
    matching = [
        p
        for p in scheduling_participants(event_id)
        if (role is None or p.role is role) and wanted in p.name.casefold()
    ]
    pages = max(1, -(-len(matching) // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return ParticipantPage(matching[start : start + per_page], len(matching), page, pages)


def update_participant_settings(
    event_id: int, rows: Sequence[ParticipantSettings], *, actor_id: int
) -> int:
    """Set kept tables and caps; all rows are checked before any is written.

    Rules: a kept table is one of the event's tables, only buyers keep one, no table is kept
    by two participants (rows and participants not in `rows` alike), caps are ≥ 0 and at most
    `MAX_CAP`, the minimum is at most the maximum. Returns how many participants changed.
    """
    event = get_event(event_id)
    participants = {p.id: p for p in event.participants}
    tables = {loc.id: loc for loc in event.locations if loc.kind is LocationKind.TABLE}
    errors: dict[int, dict[str, tuple[str, dict[str, Any]]]] = {}

    def fail(pid: int, name: str, code: str, **params: Any) -> None:
        errors.setdefault(pid, {}).setdefault(name, (code, params))

    new_pin = {row.participant_id: row.location_id for row in rows}
    holders: dict[int, list[int]] = {}
    for pid, p in participants.items():
        pin = new_pin.get(pid, p.location_id)
        if pin is not None:
            holders.setdefault(pin, []).append(pid)
    for row in rows:
        p = participants.get(row.participant_id)
        if p is None:
            raise SetupError("not_found")
        if row.location_id is not None:
            if row.location_id not in tables:
                fail(p.id, "location_id", "pin_not_table")
            elif p.role is not ParticipantRole.BUYER:
                fail(p.id, "location_id", "pin_company")
            else:
                others = [q for q in holders[row.location_id] if q != p.id]
                if others:
                    fail(
                        p.id,
                        "location_id",
                        "pin_taken",
                        table=tables[row.location_id].name,
                        other=participants[others[0]].name,
                    )
        for name, value in (("max_meetings", row.max_meetings), ("min_meetings", row.min_meetings)):
            if value is not None and not 0 <= value <= MAX_CAP:
                fail(p.id, name, "cap_range", max=MAX_CAP)
        if (
            row.max_meetings is not None
            and row.min_meetings > row.max_meetings
            and not {"min_meetings", "max_meetings"} & set(errors.get(p.id, {}))
        ):
            fail(p.id, "min_meetings", "min_above_max")
    if errors:
        raise SettingsInvalid(errors)

    original = {row.participant_id: _settings_of(participants[row.participant_id]) for row in rows}
    # Clear moved pins first so two buyers can swap tables in one save.
    for row in rows:
        p = participants[row.participant_id]
        if p.location_id != row.location_id:
            p.location_id = None
    db.session.flush()
    changed = 0
    for row in rows:
        p = participants[row.participant_id]
        p.location_id = row.location_id
        p.max_meetings = row.max_meetings
        p.min_meetings = row.min_meetings
        after = (row.location_id, row.max_meetings, row.min_meetings)
        if after != original[p.id]:
            changed += 1
            audit.record(
                "participant.settings",
                actor_id=actor_id,
                event_id=event.id,
                target=p,
                name=p.name,
                before=dict(zip(SETTING_NAMES, original[p.id], strict=True)),
                after=dict(zip(SETTING_NAMES, after, strict=True)),
            )
    db.session.flush()
    return changed


SETTING_NAMES = ("location_id", "max_meetings", "min_meetings")


def _settings_of(p: Participant) -> tuple[int | None, int | None, int]:
    return (p.location_id, p.max_meetings, p.min_meetings)
