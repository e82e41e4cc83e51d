"""The organiser's schedule versions: listing, jobs' state, re-optimisation, locks and publication.

Like every service, functions flush and never commit; error messages are keys (`AgendaError`)
that the routes turn into French sentences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from app.extensions import db
from app.models import (
    Event,
    EventStatus,
    JobKind,
    JobStatus,
    Meeting,
    MeetingStatus,
    ScheduleVersion,
    SchedulingJob,
    VersionStatus,
)
from app.services import audit
from app.services.agenda import jobs, schedules
from app.services.agenda.names import humanise_reason, key_names

EDITABLE = (VersionStatus.DRAFT,)


# A new draft may start from the draft under review or from the agenda participants see.
REOPTIMISABLE = (VersionStatus.DRAFT, VersionStatus.PUBLISHED)


class AgendaError(Exception):
    """An agenda action that cannot be done; `str(error)` is a key the route translates."""


@dataclass(frozen=True)
class VersionLine:
    """One schedule version in the event's list."""

    id: int
    number: int
    status: VersionStatus
    created_at: datetime
    solver_status: str | None
    objective: dict[str, int | None] | None
    wall_time_s: float | None
    scheduled: int
    unscheduled: int
    note: str
    based_on_number: int | None


def get_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def get_version(version_id: int) -> ScheduleVersion | None:
    return db.session.get(ScheduleVersion, version_id)


def versions(event_id: int) -> tuple[VersionLine, ...]:
    """The event's versions, newest first, with their meeting counts."""
    counts: Counter[tuple[int, MeetingStatus]] = Counter()
    stmt = (
        db.select(Meeting.version_id, Meeting.status, db.func.count(Meeting.id))
        .join(ScheduleVersion)
        .where(ScheduleVersion.event_id == event_id)
        .group_by(Meeting.version_id, Meeting.status)
    )
    for version_id, status, n in db.session.execute(stmt):
        counts[(version_id, status)] = n
    rows = db.session.execute(
        db.select(ScheduleVersion)
        .where(ScheduleVersion.event_id == event_id)
        .order_by(ScheduleVersion.number.desc())
    ).scalars()
    return tuple(
        VersionLine(
            id=v.id,
            number=v.number,
            status=v.status,
            created_at=v.created_at,
            solver_status=v.solver_status,
            objective=v.objective,
            wall_time_s=v.wall_time_s,
            scheduled=counts[(v.id, MeetingStatus.SCHEDULED)],
            unscheduled=counts[(v.id, MeetingStatus.UNSCHEDULED)],
            note=v.note,
            based_on_number=v.based_on.number if v.based_on is not None else None,
        )
        for v in rows
    )


def latest_job(event_id: int) -> SchedulingJob | None:
    """The event's running job if any, else its most recent one."""
    stmt = (
        db.select(SchedulingJob)
        .where(SchedulingJob.event_id == event_id)
        .order_by(SchedulingJob.id.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def is_active(job: SchedulingJob) -> bool:
    return job.status in (JobStatus.QUEUED, JobStatus.RUNNING)


def failure_kind(job: SchedulingJob) -> str | None:
    """Why a job failed, as a key: infeasible, unknown, crash, worker_stopped or other.

    The job service writes messages such as "INFEASIBLE: <reason>" or "crash: <error>"; the
    page explains the kind in French words and shows the raw message beside it.
    """
    if job.status is not JobStatus.FAILED:
        return None
    message = job.message or ""
    for prefix, kind in (
        ("INFEASIBLE", "infeasible"),
        ("UNKNOWN", "unknown"),
        ("crash:", "crash"),
        ("worker stopped", "worker_stopped"),
    ):
        if message.startswith(prefix):
            return kind
    return "other"


def job_reason(job: SchedulingJob) -> str:
    """The job's message with participant and table names instead of the engine's ids."""
    return humanise_reason(job.message or "", key_names(job.event_id))


def reoptimise(version_id: int, *, time_limit: float, actor_id: int | None) -> SchedulingJob:
    """Queue a re-optimisation starting from `version_id` (minimal change, locks kept)."""
    version = get_version(version_id)
    if version is None:
        raise AgendaError("unknown_version")
    if version.status not in REOPTIMISABLE:
        raise AgendaError("read_only")
    return jobs.enqueue(
        version.event_id,
        JobKind.REOPTIMISE,
        time_limit=time_limit,
        actor_id=actor_id,
        base_version_id=version.id,
    )


def reference_version(version: ScheduleVersion) -> ScheduleVersion | None:
    """What a version is compared with: for a draft, the published agenda; for a published or
    superseded version, the published version it replaced (the latest superseded before it)."""
    if version.status in (VersionStatus.DRAFT, VersionStatus.DISCARDED):
        published = schedules.published_version(version.event_id)
        return published if published is not None and published.id != version.id else None
    stmt = (
        db.select(ScheduleVersion)
        .where(
            ScheduleVersion.event_id == version.event_id,
            ScheduleVersion.status == VersionStatus.SUPERSEDED,
            ScheduleVersion.number < version.number,
        )
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def editable(version_id: int) -> ScheduleVersion:
    version = get_version(version_id)
    if version is None:
        raise AgendaError("unknown_version")
    if version.status not in EDITABLE:
        raise AgendaError("read_only")
    return version


def set_locked(version_id: int, meeting_id: int, locked: bool, *, actor_id: int | None) -> Meeting:
    """Lock (keep in place through re-optimisations) or unlock one meeting of a draft; audited."""
    version = editable(version_id)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        raise AgendaError("unknown_meeting")
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise AgendaError("not_scheduled")
    if meeting.locked == locked:
        return meeting
    meeting.locked = locked
    db.session.flush()
    audit.record(
        "meeting.lock" if locked else "meeting.unlock",
        actor_id=actor_id,
        event_id=version.event_id,
        target=meeting,
        version_id=version.id,
        request_id=meeting.request_id,
        slot_id=meeting.slot_id,
        location_id=meeting.location_id,
    )
    return meeting


def publish(version_id: int, *, actor_id: int | None) -> schedules.Diff:
    """Publish a draft (participants see it; the previous agenda is superseded)."""
    version = editable(version_id)
    changes = schedules.publish(version.id, actor_id=actor_id)
    event = version.event
    if event.status is not EventStatus.PUBLISHED:
        audit.record(
            "event.status",
            actor_id=actor_id,
            event_id=event.id,
            target=event,
            before=event.status.value,
            after=EventStatus.PUBLISHED.value,
        )
        event.status = EventStatus.PUBLISHED
        db.session.flush()
    return changes
