"""Tables and rooms: adding, renaming, reordering and deleting an event's locations."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import (
    Event,
    Location,
    LocationKind,
    Meeting,
    Participant,
    ScheduleVersion,
    Workshop,
)
from app.services import audit
from app.services.setup.base import MAX_CAP, SetupError, get_event


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
