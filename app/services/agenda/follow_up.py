"""Follow-up after the event: requests that did not fit in the agenda, marked by the organiser
so that the company and the buyer meet later.

A request marked `follow_up` leaves the scheduler's instance (`instance.active_requests`), so
later runs do not try to place it again; unmarking it puts it back. Marks are audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Meeting, MeetingRequest, MeetingStatus, ScheduleVersion
from app.services import audit
from app.services.agenda import schedules, versioning
from app.services.agenda.names import humanise_reason, key_names
from app.services.sourcing.applications import PRIORITY_FR


def set_follow_up(
    version_id: int, meeting_id: int, follow_up: bool, *, actor_id: int | None
) -> MeetingRequest:
    """Mark (or unmark) the request of an unscheduled meeting of a version for a follow-up."""
    version = db.session.get(ScheduleVersion, version_id)
    if version is None:
        raise versioning.AgendaError("unknown_version")
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id or meeting.request is None:
        raise versioning.AgendaError("unknown_meeting")
    if follow_up and meeting.status is not MeetingStatus.UNSCHEDULED:
        raise versioning.AgendaError("not_unscheduled")
    request = meeting.request
    if request.follow_up == follow_up:
        return request
    request.follow_up = follow_up
    db.session.flush()
    audit.record(
        "request.follow_up" if follow_up else "request.follow_up_cancel",
        actor_id=actor_id,
        event_id=version.event_id,
        target=request,
        version_id=version.id,
        reason=meeting.reason,
    )
    return request


@dataclass(frozen=True)
class FollowUpLine:
    request_id: int
    company: str
    siret: str
    buyer: str
    need: str
    priority: str  # must / want / maybe
    reason: str  # why it did not fit, with names ("" if no version has it unscheduled)


def _reasons(event_id: int) -> dict[int, str]:
    """request id → the reason it was not placed, from the most relevant version: the
    published one first, then the newest versions."""
    versions = list(
        db.session.execute(
            db.select(ScheduleVersion)
            .where(ScheduleVersion.event_id == event_id)
            .order_by(ScheduleVersion.number.desc())
        ).scalars()
    )
    published = schedules.published_version(event_id)
    if published is not None:
        versions.remove(published)
        versions.insert(0, published)
    reasons: dict[int, str] = {}
    for version in versions:
        rows = db.session.execute(
            db.select(Meeting.request_id, Meeting.reason).where(
                Meeting.version_id == version.id,
                Meeting.status == MeetingStatus.UNSCHEDULED,
                Meeting.request_id.is_not(None),
            )
        )
        for request_id, reason in rows:
            reasons.setdefault(request_id, reason)
    return reasons


def lines(event_id: int) -> tuple[FollowUpLine, ...]:
    """The event's requests marked for a follow-up, by company then buyer."""
    requests = db.session.execute(
        db.select(MeetingRequest).where(
            MeetingRequest.event_id == event_id, MeetingRequest.follow_up.is_(True)
        )
    ).scalars()
    names = key_names(event_id)
    reasons = _reasons(event_id)
    out = [
        FollowUpLine(
            request_id=r.id,
            company=r.company.name,
            siret=r.company.organisation.siret or "",
            buyer=r.buyer.name,
            need=r.need.title if r.need else "",
            priority=r.priority.value,
            reason=humanise_reason(reasons.get(r.id, ""), names),
        )
        for r in requests
    ]
    return tuple(sorted(out, key=lambda line: (line.company, line.buyer, line.request_id)))


HEADER = ("Entreprise", "SIRET", "Acheteur", "Besoin", "Priorité", "Raison (non placé)")


def rows(event_id: int) -> tuple[tuple[str, ...], list[list[object]]]:
    """The follow-up list for `transfers.to_csv` / `to_xlsx` (formula-safe writers)."""
    return HEADER, [
        [line.company, line.siret, line.buyer, line.need, PRIORITY_FR[line.priority], line.reason]
        for line in lines(event_id)
    ]
