"""Build the scheduling engine's instance from the database (ORM → Flask-free core).

Ids in the instance are prefixed database ids: slots `s<id>`, tables `t<id>`, participants
`p<id>`, meetings `r<request id>` (one meeting per active meeting request), workshops `w<id>`.
`IdMap` turns them back into database ids when a result is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import (
    Event,
    InterestKind,
    LocationKind,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Participant,
    Priority,
    ScheduleVersion,
    Unavailability,
)
from app.scheduling.types import (
    Candidate,
    Instance,
    Location,
    Rules,
    Slot,
)
from app.scheduling.types import Meeting as CoreMeeting
from app.scheduling.types import (
    Participant as CoreParticipant,
)
from app.scheduling.types import Workshop as CoreWorkshop

# Default weights when selection has not set one: must > want > maybe, mutual interest counts.
PRIORITY_WEIGHT = {Priority.MUST: 5, Priority.WANT: 3, Priority.MAYBE: 1}


def slot_key(slot_id: int) -> str:
    return f"s{slot_id}"


def table_key(location_id: int) -> str:
    return f"t{location_id}"


def participant_key(participant_id: int) -> str:
    return f"p{participant_id}"


def meeting_key(request_id: int) -> str:
    return f"r{request_id}"


def workshop_key(workshop_id: int) -> str:
    return f"w{workshop_id}"


def parse_key(key: str) -> int:
    """`s12` → 12."""
    return int(key[1:])


def request_weight(request: MeetingRequest) -> int:
    return request.weight or PRIORITY_WEIGHT[request.priority]


@dataclass(frozen=True)
class BuildOptions:
    """What to fix in the instance: locked meetings of a base version keep slot and table."""

    base_version_id: int | None = None
    fix_all_of_base: bool = False  # fix every scheduled meeting of the base (manual edits)


def active_requests(event_id: int) -> list[MeetingRequest]:
    stmt = (
        db.select(MeetingRequest)
        .where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.is_active,
            MeetingRequest.follow_up.is_(False),
        )
        .order_by(MeetingRequest.id)
    )
    return list(db.session.execute(stmt).scalars())


def _fixed_places(options: BuildOptions) -> dict[int, tuple[int, int]]:
    """request id → (slot id, location id) for the base version's meetings to keep in place."""
    if options.base_version_id is None:
        return {}
    stmt = db.select(Meeting).where(
        Meeting.version_id == options.base_version_id,
        Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.request_id.is_not(None),
    )
    if not options.fix_all_of_base:
        stmt = stmt.where(Meeting.locked)
    return {
        m.request_id: (m.slot_id, m.location_id)
        for m in db.session.execute(stmt).scalars()
        if m.request_id is not None and m.slot_id is not None and m.location_id is not None
    }


def build_instance(event_id: int, options: BuildOptions | None = None) -> Instance:
    """The engine's instance for an event's active requests, workshops and constraints."""
    options = options or BuildOptions()
    event = db.session.get(Event, event_id)
    if event is None:
        raise LookupError(f"event {event_id} does not exist")
    slots = tuple(
        Slot(
            id=slot_key(s.id),
            day=s.local_start().date().isoformat(),
            session=s.session or None,
            start=s.local_start().isoformat(),
            end=s.local_end().isoformat(),
        )
        for s in event.slots
    )
    tables = [loc for loc in event.locations if loc.kind is LocationKind.TABLE]
    locations = tuple(Location(id=table_key(t.id), name=t.name) for t in tables)

    unavailable: dict[int, set[str]] = {}
    stmt = db.select(Unavailability).join(Participant).where(Participant.event_id == event_id)
    for u in db.session.execute(stmt).scalars():
        unavailable.setdefault(u.participant_id, set()).add(slot_key(u.slot_id))

    participants = tuple(
        CoreParticipant(
            id=participant_key(p.id),
            role=p.role.value,
            name=p.name,
            unavailable=frozenset(unavailable.get(p.id, ())),
            max_meetings=p.max_meetings,
            min_meetings=p.min_meetings,
            location=table_key(p.location_id)
            if p.location_id is not None and p.location.kind is LocationKind.TABLE
            else None,
        )
        for p in sorted(event.participants, key=lambda p: p.id)
        if p.application is None or p.application.status.value == "selected"
    )
    present = {p.id for p in participants}

    fixed = _fixed_places(options)
    meetings = []
    for r in active_requests(event_id):
        people = (participant_key(r.buyer_id), participant_key(r.company_id))
        if not set(people) <= present:
            continue  # a company not (or no longer) selected
        slot_id, location_id = fixed.get(r.id, (None, None))
        meetings.append(
            CoreMeeting(
                id=meeting_key(r.id),
                participants=people,
                required=r.required,
                weight=request_weight(r),
                slot=slot_key(slot_id) if slot_id is not None else None,
                location=table_key(location_id) if location_id is not None else None,
            )
        )

    workshops = []
    for w in sorted(event.workshops, key=lambda w: w.id):
        members = tuple(
            participant_key(i.participant_id)
            for i in sorted(w.interests, key=lambda i: i.participant_id)
            if i.kind is InterestKind.MEMBER and participant_key(i.participant_id) in present
        )
        candidates = tuple(
            Candidate(participant=participant_key(i.participant_id), weight=i.weight)
            for i in sorted(w.interests, key=lambda i: i.participant_id)
            if i.kind is InterestKind.CANDIDATE and participant_key(i.participant_id) in present
        )
        workshops.append(
            CoreWorkshop(
                id=workshop_key(w.id),
                name=w.title,
                slots=tuple(slot_key(s.id) for s in w.slots),
                location=w.location.name if w.location else None,
                min_size=w.min_size,
                max_size=w.max_size,
                members=members,
                candidates=candidates,
            )
        )
    return Instance(
        name=f"event-{event.id}",
        slots=slots,
        locations=locations,
        participants=participants,
        meetings=tuple(meetings),
        workshops=tuple(workshops),
        rules=Rules(),
    )


def latest_version(event_id: int) -> ScheduleVersion | None:
    stmt = (
        db.select(ScheduleVersion)
        .where(ScheduleVersion.event_id == event_id)
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()
