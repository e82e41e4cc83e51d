"""What each role sees first: counts, deadlines and the next thing to do (top floor: reads
every domain, imported only by the main blueprint)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Answer,
    Application,
    ApplicationStatus,
    Booking,
    Event,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Need,
    Participant,
    ParticipantRole,
    ScheduleVersion,
    User,
    VersionStatus,
)
from app.services.accounts.access import managed_events
from app.services.agenda.schedules import published_version


@dataclass(frozen=True)
class AgendaLine:
    start: object
    end: object
    timezone: str
    location: str
    other_party: str


@dataclass(frozen=True)
class EventLine:
    event: Event
    counts: dict[str, int] = field(default_factory=dict)
    agenda: tuple[AgendaLine, ...] = ()
    application_status: ApplicationStatus | None = None


def agenda_for(participant: Participant) -> tuple[AgendaLine, ...]:
    """The participant's meetings in the published agenda, in time order."""
    version = published_version(participant.event_id)
    if version is None:
        return ()
    stmt = (
        db.select(Meeting)
        .join(Booking, Booking.meeting_id == Meeting.id)
        .where(
            Booking.version_id == version.id,
            Booking.participant_id == participant.id,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
    )
    meetings = sorted(db.session.execute(stmt).scalars(), key=lambda m: m.slot.starts_at)
    lines = []
    for m in meetings:
        others = [p.name for p in m.participants if p.id != participant.id]
        lines.append(
            AgendaLine(
                start=m.slot.starts_at,
                end=m.slot.ends_at,
                timezone=participant.event.timezone,
                location=m.location.name if m.location else "",
                other_party=", ".join(others),
            )
        )
    return tuple(lines)


def _count(stmt: object) -> int:
    return int(db.session.execute(stmt).scalar_one())  # type: ignore[call-overload]


def organiser(user_id: int) -> list[EventLine]:
    """The events this organiser may manage (auth/scope.py), newest first, with their counts."""
    user = db.session.get(User, user_id)
    mine = managed_events(user.organisation_id if user is not None else None)
    events = db.session.execute(db.select(Event).where(mine).order_by(Event.id.desc())).scalars()
    lines = []
    for event in events:
        counts = {
            "companies": _count(
                db.select(func.count(Participant.id)).where(
                    Participant.event_id == event.id, Participant.role == ParticipantRole.COMPANY
                )
            ),
            "buyers": _count(
                db.select(func.count(Participant.id)).where(
                    Participant.event_id == event.id, Participant.role == ParticipantRole.BUYER
                )
            ),
            "to_review": _count(
                db.select(func.count(Application.id))
                .join(Participant)
                .where(
                    Participant.event_id == event.id,
                    Application.status == ApplicationStatus.SUBMITTED,
                )
            ),
            "requests": _count(
                db.select(func.count(MeetingRequest.id)).where(
                    MeetingRequest.event_id == event.id, MeetingRequest.is_active
                )
            ),
            "meetings": _count(
                db.select(func.count(Meeting.id))
                .join(ScheduleVersion)
                .where(
                    ScheduleVersion.event_id == event.id,
                    ScheduleVersion.status == VersionStatus.PUBLISHED,
                    Meeting.status == MeetingStatus.SCHEDULED,
                )
            ),
        }
        lines.append(EventLine(event=event, counts=counts))
    return lines


def _participations(user_id: int) -> list[Participant]:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id is None:
        return []
    stmt = (
        db.select(Participant)
        .where(Participant.organisation_id == user.organisation_id)
        .order_by(Participant.event_id.desc())
    )
    return list(db.session.execute(stmt).scalars())


def buyer(user_id: int) -> list[EventLine]:
    lines = []
    for participant in _participations(user_id):
        counts = {
            "needs": _count(
                db.select(func.count(Need.id)).where(
                    Need.event_id == participant.event_id,
                    Need.buyer_organisation_id == participant.organisation_id,
                )
            ),
            "requests": _count(
                db.select(func.count(MeetingRequest.id)).where(
                    MeetingRequest.buyer_id == participant.id, MeetingRequest.is_active
                )
            ),
            "to_answer": _count(
                db.select(func.count(MeetingRequest.id)).where(
                    MeetingRequest.buyer_id == participant.id,
                    MeetingRequest.is_active,
                    MeetingRequest.answer == Answer.PENDING,
                )
            ),
        }
        lines.append(
            EventLine(event=participant.event, counts=counts, agenda=agenda_for(participant))
        )
    return lines


def company(user_id: int) -> list[EventLine]:
    lines = []
    for participant in _participations(user_id):
        counts = {
            "requests": _count(
                db.select(func.count(MeetingRequest.id)).where(
                    MeetingRequest.company_id == participant.id, MeetingRequest.is_active
                )
            ),
        }
        status = participant.application.status if participant.application else None
        lines.append(
            EventLine(
                event=participant.event,
                counts=counts,
                agenda=agenda_for(participant),
                application_status=status,
            )
        )
    return lines
