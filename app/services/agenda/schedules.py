"""Schedule versions: store an engine result, compare versions, publish.

A result is written as a new draft `ScheduleVersion` with its meetings, workshop seats and
bookings, in one flush: the database constraints (see docs/DATA-MODEL.md) are the last line of
defence, so a result that would double-book anyone fails as a whole and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blinker import Namespace

from app.extensions import db
from app.models import (
    Booking,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingStatus,
    ScheduleVersion,
    VersionStatus,
    Workshop,
    WorkshopSeat,
)
from app.models.base import utcnow
from app.scheduling.types import Instance, Result
from app.services import audit
from app.services.agenda.instance import parse_key

_signals = Namespace()
version_published = _signals.signal("version-published")
"""Sent by `publish` inside the publication's transaction, the version as sender, with
`previous` (the version it supersedes, or None) and `changes` (their `Diff`). A receiver
returns how many messages it queued (counted in the audit entry); `app.services.mail`
connects the invitations. The agenda never imports the mail: publication says what changed,
and whoever cares listens."""


class ScheduleError(Exception):
    """A schedule operation that cannot be done (message for the organiser)."""


def published_version(event_id: int) -> ScheduleVersion | None:
    stmt = db.select(ScheduleVersion).where(
        ScheduleVersion.event_id == event_id, ScheduleVersion.status == VersionStatus.PUBLISHED
    )
    return db.session.execute(stmt).scalar_one_or_none()


def next_number(event_id: int) -> int:
    stmt = db.select(db.func.max(ScheduleVersion.number)).where(
        ScheduleVersion.event_id == event_id
    )
    return int(db.session.execute(stmt).scalar_one() or 0) + 1


def _identities(event_id: int) -> dict[int, tuple[str, int]]:
    """request id → (uid, sequence) from the published version, so UIDs stay stable."""
    version = published_version(event_id)
    if version is None:
        return {}
    return {m.request_id: (m.uid, m.sequence) for m in version.meetings if m.request_id}


def _book_meeting(version: ScheduleVersion, meeting: Meeting, participant_ids: list[int]) -> None:
    for pid in participant_ids:
        db.session.add(
            Booking(
                version_id=version.id,
                participant_id=pid,
                slot_id=meeting.slot_id,
                meeting_id=meeting.id,
                meeting_status=MeetingStatus.SCHEDULED.value,
            )
        )


def store_result(
    event_id: int,
    instance: Instance,
    result: Result,
    *,
    actor_id: int | None,
    based_on_id: int | None = None,
    locked_requests: frozenset[int] = frozenset(),
    note: str = "",
) -> ScheduleVersion:
    """Write `result` as a new draft version of the event's agenda."""
    version = ScheduleVersion(
        event_id=event_id,
        number=next_number(event_id),
        based_on_id=based_on_id,
        created_by_id=actor_id,
        solver_status=result.status.value,
        objective=_asdict(result.objective),
        bound=_asdict(result.bound),
        wall_time_s=result.wall_time_s,
        stats=dict(result.stats),
        note=note,
    )
    db.session.add(version)
    db.session.flush()

    people = {m.id: [parse_key(p) for p in m.participants] for m in instance.meetings}
    identities = _identities(event_id)
    meetings: list[tuple[Meeting, list[int]]] = []
    for placed in result.meetings:
        request_id = parse_key(placed.id)
        uid, sequence = identities.get(request_id, (None, 0))
        meeting = Meeting(
            version=version,
            request_id=request_id,
            status=MeetingStatus.SCHEDULED,
            slot_id=parse_key(placed.slot),
            location_id=parse_key(placed.location),
            sequence=sequence,
            locked=request_id in locked_requests,
        )
        if uid is not None:
            meeting.uid = uid
        meetings.append((meeting, people[placed.id]))
    for missing in result.unscheduled:
        request_id = parse_key(missing.id)
        uid, sequence = identities.get(request_id, (None, 0))
        meeting = Meeting(
            version=version,
            request_id=request_id,
            status=MeetingStatus.UNSCHEDULED,
            sequence=sequence,
            reason=missing.reason,
        )
        if uid is not None:
            meeting.uid = uid
        meetings.append((meeting, people[missing.id]))
    for meeting, pids in meetings:
        meeting.participant_links = [MeetingParticipant(participant_id=p) for p in pids]
        db.session.add(meeting)
    db.session.flush()
    for meeting, pids in meetings:
        if meeting.status is MeetingStatus.SCHEDULED:
            _book_meeting(version, meeting, pids)

    workshop_slots = {w.id: w.slots for w in instance.workshops}
    for placement in result.workshops:
        workshop_id = parse_key(placement.id)
        for key in placement.participants:
            pid = parse_key(key)
            db.session.add(
                WorkshopSeat(version_id=version.id, workshop_id=workshop_id, participant_id=pid)
            )
        db.session.flush()
        for key in placement.participants:
            for slot in workshop_slots[placement.id]:
                db.session.add(
                    Booking(
                        version_id=version.id,
                        participant_id=parse_key(key),
                        slot_id=parse_key(slot),
                        workshop_id=workshop_id,
                    )
                )
    db.session.flush()
    audit.record(
        "schedule.store",
        actor_id=actor_id,
        event_id=event_id,
        target=version,
        status=result.status.value,
        objective=version.objective,
        scheduled=len(result.meetings),
        unscheduled=len(result.unscheduled),
    )
    return version


def _asdict(value: object) -> dict[str, int | None] | None:
    if value is None:
        return None
    return {k: getattr(value, k) for k in ("shortfall", "weight", "breaks")}


@dataclass(frozen=True)
class Change:
    request_id: int
    kind: str  # "added", "removed", "moved"
    before: tuple[int | None, int | None] = (None, None)  # (slot id, location id)
    after: tuple[int | None, int | None] = (None, None)


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _places(version: ScheduleVersion | None) -> dict[int, tuple[int | None, int | None]]:
    if version is None:
        return {}
    return {
        m.request_id: (m.slot_id, m.location_id)
        for m in version.meetings
        if m.request_id is not None and m.status is MeetingStatus.SCHEDULED
    }


def diff(before: ScheduleVersion | None, after: ScheduleVersion) -> Diff:
    """Meetings added, removed or moved (slot or table) between two versions."""
    old, new = _places(before), _places(after)
    changes = []
    for rid in sorted(old.keys() | new.keys()):
        if rid not in old:
            changes.append(Change(rid, "added", after=new[rid]))
        elif rid not in new:
            changes.append(Change(rid, "removed", before=old[rid]))
        elif old[rid] != new[rid]:
            changes.append(Change(rid, "moved", before=old[rid], after=new[rid]))
    return Diff(tuple(changes))


def publish(version_id: int, *, actor_id: int | None) -> Diff:
    """Publish a draft: it becomes the agenda participants see; the previous one is superseded.

    SEQUENCE goes up on every meeting whose time, place or status changed since the previous
    published version, so calendar clients replace their copy instead of duplicating it; each
    such change queues one invitation or cancellation e-mail per participant account
    (through `version_published`).
    """
    version = db.session.get(ScheduleVersion, version_id)
    if version is None:
        raise ScheduleError("unknown version")
    if version.status is not VersionStatus.DRAFT:
        raise ScheduleError("only a draft can be published")
    previous = published_version(version.event_id)
    changes = diff(previous, version)
    changed = {c.request_id for c in changes.changes}
    if previous is not None:
        old_uids = {m.request_id: m for m in previous.meetings if m.request_id}
        for meeting in version.meetings:
            before = old_uids.get(meeting.request_id) if meeting.request_id else None
            if before is None:
                continue
            status_changed = before.status is not meeting.status
            if meeting.request_id in changed or status_changed:
                meeting.sequence = before.sequence + 1
        previous.status = VersionStatus.SUPERSEDED
        db.session.flush()
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = actor_id
    db.session.flush()
    # Whoever must hear of the change (the mail's invitations) is told in this same
    # transaction, so what it queues commits or rolls back with the publication (docs/MAIL.md).
    replies = version_published.send(version, previous=previous, changes=changes)
    queued = sum(count for _, count in replies if isinstance(count, int))
    audit.record(
        "schedule.publish",
        actor_id=actor_id,
        event_id=version.event_id,
        target=version,
        added=changes.count("added"),
        moved=changes.count("moved"),
        removed=changes.count("removed"),
        mails_queued=queued,
    )
    return changes


def request_label(request: MeetingRequest) -> str:
    return f"{request.company.name} ↔ {request.buyer.name}"


def workshop_title(workshop_id: int) -> str:
    workshop = db.session.get(Workshop, workshop_id)
    return workshop.title if workshop else ""
