"""What the agenda pages show: review grid, comparison with the reference version, unscheduled
requests, fairness, and each participant's agenda.

Everything is computed here and handed to the templates as frozen dataclasses, so routes stay
thin and the figures are tested without a browser.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Location,
    LocationKind,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    ScheduleVersion,
    WorkshopSeat,
)
from app.services.agenda import schedules
from app.services.agenda.names import (
    humanise_reason,
    key_names,
    meeting_sides,
    participant_name,
    short_name,
)
from app.services.agenda.versioning import reference_version


def _meetings(version_id: int, participant_id: int | None = None) -> list[Meeting]:
    """The version's meetings (only those of `participant_id` when given: a 300-company
    version holds about 900, too many to load for one participant's page) with their
    participants' organisations loaded in a few queries."""
    stmt = (
        db.select(Meeting)
        .where(Meeting.version_id == version_id)
        .options(
            selectinload(Meeting.participant_links)
            .selectinload(MeetingParticipant.participant)
            .selectinload(Participant.organisation)
            .selectinload(Organisation.parent)
        )
        .order_by(Meeting.id)
    )
    if participant_id is not None:
        stmt = stmt.join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
            MeetingParticipant.participant_id == participant_id
        )
    return list(db.session.execute(stmt).scalars())


@dataclass(frozen=True)
class Place:
    starts_at: datetime
    table: str


@dataclass(frozen=True)
class ChangeLine:
    request_id: int
    kind: str  # added, moved, removed
    label: str  # company ↔ buyer
    before: Place | None
    after: Place | None


@dataclass(frozen=True)
class Comparison:
    """A version against its reference: counts and the changed meetings."""

    reference_id: int | None
    reference_number: int | None
    added: int
    moved: int
    removed: int
    lines: tuple[ChangeLine, ...]

    @property
    def kinds(self) -> dict[int, str]:
        """request id → added / moved (what the grid marks)."""
        return {c.request_id: c.kind for c in self.lines if c.kind != "removed"}


def compare(version: ScheduleVersion) -> Comparison:
    reference = reference_version(version)
    changes = schedules.diff(reference, version) if reference is not None else schedules.Diff()
    slots = {s.id: s for s in version.event.slots}
    tables = {loc.id: loc.name for loc in version.event.locations}

    def place(where: tuple[int | None, int | None]) -> Place | None:
        slot_id, location_id = where
        if slot_id is None or slot_id not in slots:
            return None
        return Place(slots[slot_id].starts_at, tables.get(location_id or 0, ""))

    lines = []
    for change in changes.changes:
        request = db.session.get(MeetingRequest, change.request_id)
        label = schedules.request_label(request) if request else f"#{change.request_id}"
        lines.append(
            ChangeLine(
                change.request_id, change.kind, label, place(change.before), place(change.after)
            )
        )
    return Comparison(
        reference_id=reference.id if reference else None,
        reference_number=reference.number if reference else None,
        added=changes.count("added"),
        moved=changes.count("moved"),
        removed=changes.count("removed"),
        lines=tuple(lines),
    )


@dataclass(frozen=True)
class Cell:
    meeting_id: int
    request_id: int | None
    company_id: int | None
    company: str
    buyer_id: int | None
    buyer: str
    locked: bool
    change: str | None  # "moved" / "added" against the reference version, else None


@dataclass(frozen=True)
class WorkshopNote:
    workshop_id: int
    title: str
    seats: int


@dataclass(frozen=True)
class Row:
    slot_id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    cells: tuple[Cell | None, ...]  # one per table, in the grid's column order
    workshops: tuple[WorkshopNote, ...]


@dataclass(frozen=True)
class Column:
    location_id: int
    name: str


@dataclass(frozen=True)
class Grid:
    """Slots (rows) × tables (columns) of one version."""

    timezone: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    scheduled: int
    locked: int


def build_grid(version: ScheduleVersion, comparison: Comparison | None = None) -> Grid:
    """The review grid; cells say which meetings are locked and which changed."""
    event = version.event
    kinds = (comparison or compare(version)).kinds
    tables = [loc for loc in event.locations if loc.kind is LocationKind.TABLE]
    placed: dict[tuple[int, int], Meeting] = {}
    for m in _meetings(version.id):
        if m.status is MeetingStatus.SCHEDULED and m.slot_id and m.location_id:
            placed[(m.slot_id, m.location_id)] = m
    # A meeting at a location that is no longer a table still shows in its own column.
    known = {t.id for t in tables}
    extra = sorted({loc for _slot, loc in placed if loc not in known})
    columns = [Column(t.id, t.name) for t in tables]
    columns += [
        Column(loc, (db.session.get(Location, loc) or Location(name="?")).name) for loc in extra
    ]

    seats = Counter(
        workshop_id
        for (workshop_id,) in db.session.execute(
            db.select(WorkshopSeat.workshop_id).where(WorkshopSeat.version_id == version.id)
        )
    )
    notes: dict[int, list[WorkshopNote]] = {}
    for workshop in sorted(event.workshops, key=lambda w: w.id):
        for slot in workshop.slots:
            notes.setdefault(slot.id, []).append(
                WorkshopNote(workshop.id, workshop.title, seats[workshop.id])
            )

    rows = []
    for slot in event.slots:
        cells: list[Cell | None] = []
        for column in columns:
            held = placed.get((slot.id, column.location_id))
            if held is None:
                cells.append(None)
                continue
            company, buyer = meeting_sides(held)
            cells.append(
                Cell(
                    meeting_id=held.id,
                    request_id=held.request_id,
                    company_id=company.id if company else None,
                    company=short_name(company),
                    buyer_id=buyer.id if buyer else None,
                    buyer=short_name(buyer),
                    locked=held.locked,
                    change=kinds.get(held.request_id) if held.request_id is not None else None,
                )
            )
        rows.append(
            Row(
                slot_id=slot.id,
                day=slot.local_start().date(),
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                cells=tuple(cells),
                workshops=tuple(notes.get(slot.id, ())),
            )
        )
    return Grid(
        timezone=event.timezone,
        columns=tuple(columns),
        rows=tuple(rows),
        scheduled=len(placed),
        locked=sum(1 for m in placed.values() if m.locked),
    )


@dataclass(frozen=True)
class UnscheduledLine:
    meeting_id: int
    company_id: int | None
    company: str
    buyer_id: int | None
    buyer: str
    reason: str  # with names instead of the engine's ids
    raw_reason: str
    request_id: int | None = None
    follow_up: bool = False  # the request is marked for a follow-up after the event


def unscheduled(
    version: ScheduleVersion, participant_id: int | None = None
) -> tuple[UnscheduledLine, ...]:
    """Requests the version could not place, with the engine's reason."""
    names = key_names(version.event_id)
    lines = []
    for m in _meetings(version.id, participant_id):
        if m.status is not MeetingStatus.UNSCHEDULED:
            continue
        company, buyer = meeting_sides(m)
        if participant_id is not None and participant_id not in {
            getattr(company, "id", None),
            getattr(buyer, "id", None),
        }:
            continue
        lines.append(
            UnscheduledLine(
                meeting_id=m.id,
                company_id=company.id if company else None,
                company=participant_name(company),
                buyer_id=buyer.id if buyer else None,
                buyer=participant_name(buyer),
                reason=humanise_reason(m.reason, names),
                raw_reason=m.reason,
                request_id=m.request_id,
                follow_up=bool(m.request is not None and m.request.follow_up),
            )
        )
    return tuple(sorted(lines, key=lambda line: (line.company, line.buyer)))


@dataclass(frozen=True)
class Fairness:
    """Meetings per selected company in one version."""

    companies: int
    minimum: int
    median: float
    maximum: int
    without: tuple[str, ...]  # selected companies with no meeting, by name
    per_company: tuple[tuple[str, int], ...]  # (name, meetings), fewest first


def selected_companies(event_id: int) -> list[Participant]:
    """Companies the scheduler serves: selected ones (or added without an application)."""
    stmt = (
        db.select(Participant)
        .where(Participant.event_id == event_id, Participant.role == ParticipantRole.COMPANY)
        .order_by(Participant.id)
    )
    return [
        p
        for p in db.session.execute(stmt).scalars()
        if p.application is None or p.application.status.value == "selected"
    ]


def fairness(version: ScheduleVersion) -> Fairness:
    companies = selected_companies(version.event_id)
    held: Counter[int] = Counter()
    stmt = (
        db.select(MeetingParticipant.participant_id)
        .join(Meeting)
        .where(Meeting.version_id == version.id, Meeting.status == MeetingStatus.SCHEDULED)
    )
    for (pid,) in db.session.execute(stmt):
        held[pid] += 1
    counts = [held[c.id] for c in companies]
    per_company = tuple(
        sorted(((c.name, held[c.id]) for c in companies), key=lambda x: (x[1], x[0]))
    )
    return Fairness(
        companies=len(companies),
        minimum=min(counts, default=0),
        median=float(statistics.median(counts)) if counts else 0.0,
        maximum=max(counts, default=0),
        without=tuple(sorted(c.name for c in companies if held[c.id] == 0)),
        per_company=per_company,
    )


@dataclass(frozen=True)
class ParticipantLink:
    id: int
    name: str
    role: ParticipantRole


def scheduled_participants(event_id: int) -> tuple[ParticipantLink, ...]:
    """Buyers, then the companies the scheduler serves, by name: the per-participant index."""
    buyers = db.session.execute(
        db.select(Participant).where(
            Participant.event_id == event_id, Participant.role == ParticipantRole.BUYER
        )
    ).scalars()
    people = [*buyers, *selected_companies(event_id)]
    return tuple(
        sorted(
            (ParticipantLink(p.id, p.name, p.role) for p in people),
            key=lambda link: (link.role is ParticipantRole.COMPANY, link.name),
        )
    )


@dataclass(frozen=True)
class AgendaSlot:
    starts_at: datetime
    ends_at: datetime
    kind: str  # meeting, workshop, free
    meeting_id: int | None = None
    table: str = ""
    other_id: int | None = None
    other: str = ""
    locked: bool = False
    change: str | None = None


@dataclass(frozen=True)
class ParticipantAgenda:
    participant_id: int
    name: str
    role: ParticipantRole
    timezone: str
    slots: tuple[AgendaSlot, ...]
    unscheduled: tuple[UnscheduledLine, ...]

    @property
    def meetings(self) -> int:
        return sum(1 for s in self.slots if s.kind == "meeting")


def participant_agenda(
    version: ScheduleVersion, participant_id: int, comparison: Comparison | None = None
) -> ParticipantAgenda | None:
    """One participant's day in a version; None if they do not take part in its event."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.event_id != version.event_id:
        return None
    kinds = (comparison or compare(version)).kinds
    by_slot: dict[int, AgendaSlot] = {}
    for m in _meetings(version.id, participant_id):
        # Test membership before touching `m.slot`, which would load every meeting's slot.
        if participant_id not in {link.participant_id for link in m.participant_links}:
            continue
        if m.status is not MeetingStatus.SCHEDULED or m.slot is None:
            continue
        others = [
            link.participant
            for link in m.participant_links
            if link.participant_id != participant_id
        ]
        by_slot[m.slot.id] = AgendaSlot(
            starts_at=m.slot.starts_at,
            ends_at=m.slot.ends_at,
            kind="meeting",
            meeting_id=m.id,
            table=m.location.name if m.location else "",
            other_id=others[0].id if others else None,
            other=", ".join(o.name for o in others),
            locked=m.locked,
            change=kinds.get(m.request_id) if m.request_id is not None else None,
        )
    seats = db.session.execute(
        db.select(WorkshopSeat).where(
            WorkshopSeat.version_id == version.id, WorkshopSeat.participant_id == participant_id
        )
    ).scalars()
    for seat in seats:
        for slot in seat.workshop.slots:
            by_slot.setdefault(
                slot.id,
                AgendaSlot(
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    kind="workshop",
                    table=seat.workshop.location.name if seat.workshop.location else "",
                    other=seat.workshop.title,
                ),
            )
    slots: list[AgendaSlot] = [
        by_slot.get(s.id, AgendaSlot(starts_at=s.starts_at, ends_at=s.ends_at, kind="free"))
        for s in version.event.slots
    ]
    return ParticipantAgenda(
        participant_id=participant.id,
        name=participant.name,
        role=participant.role,
        timezone=version.event.timezone,
        slots=tuple(slots),
        unscheduled=unscheduled(version, participant_id),
    )
