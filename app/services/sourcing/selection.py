"""Organisers' selection: ranked applications with explanations, individual decisions and
selection runs (app.matching.selection) applied with an audit entry per decision."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.extensions import db
from app.matching import score as core_score
from app.matching import selection as core
from app.models import (
    Application,
    ApplicationStatus,
    Booking,
    Event,
    InterestKind,
    LocationKind,
    MeetingRequest,
    Participant,
    Workshop,
    WorkshopSlot,
)
from app.models.base import utcnow
from app.services import audit
from app.services.sourcing.scoring import EventScoring, event_scoring, to_company, to_interest

STATUS = {
    core.Status.SELECTED: ApplicationStatus.SELECTED,
    core.Status.WAITLISTED: ApplicationStatus.WAITLISTED,
    core.Status.DECLINED: ApplicationStatus.DECLINED,
}


# The core's errors, for the routes: the run cannot honour the settings (quotas, forced choices).
SelectionError = core.SelectionError


class SelectionServiceError(Exception):
    """Code in args[0]: no_capacity, not_found, bad_status."""


@dataclass(frozen=True)
class RankedApplication:
    application: Application
    participant: Participant
    score: core_score.Score
    requests: tuple[MeetingRequest, ...]
    flags: frozenset[str]
    rank: int


def ranked(event_id: int, scoring: EventScoring | None = None) -> list[RankedApplication]:
    """Applications of the event, best score first (ties by id), with their explained score."""
    scoring = scoring or event_scoring(event_id)
    rows = []
    for participant in scoring.companies.values():
        if participant.application is None:
            continue
        rows.append(
            (
                participant.application,
                participant,
                scoring.application_score(participant.id),
                tuple(scoring.requests_of(participant.id)),
                core_score.company_flags(to_company(participant)),
            )
        )
    rows.sort(key=lambda r: (-r[2].total, r[0].id))
    return [RankedApplication(*row, rank=n) for n, row in enumerate(rows, start=1)]


def capacity(event: Event, per_buyer: int | None = None) -> core.Capacity:
    tables = sum(1 for loc in event.locations if loc.kind is LocationKind.TABLE)
    return core.Capacity(slots=len(event.slots), tables=tables, per_buyer=per_buyer)


@dataclass(frozen=True)
class RunSettings:
    quota_share: Decimal  # 0..1; 0 = no quota
    quota_flags: frozenset[str]  # e.g. {"ess", "small"}
    quota_name: str
    per_buyer: int | None = None


@dataclass(frozen=True)
class RunPreview:
    result: core.SelectionResult
    by_id: dict[int, RankedApplication]
    config: core.SelectionConfig


def preview(event_id: int, settings: RunSettings) -> RunPreview:
    """Run the selection without writing anything."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise SelectionServiceError("not_found")
    cap = capacity(event, settings.per_buyer)
    if cap.meetings == 0:
        raise SelectionServiceError("no_capacity")
    rows = ranked(event_id)
    quotas = (
        (core.Quota(settings.quota_name, settings.quota_flags, settings.quota_share),)
        if settings.quota_share > 0 and settings.quota_flags
        else ()
    )
    config = core.SelectionConfig(capacity=cap, quotas=quotas, on_quota_shortfall="report")
    apps = [
        core.Application(
            id=row.application.id,
            company_id=row.participant.id,
            score=row.score,
            interests=tuple(to_interest(r) for r in row.requests),
            flags=row.flags,
        )
        for row in rows
    ]
    result = core.run_selection(apps, config)
    return RunPreview(result, {row.application.id: row for row in rows}, config)


def _settings_details(settings: RunSettings, cap: core.Capacity) -> dict[str, object]:
    return {
        "quota_share": str(settings.quota_share),
        "quota_flags": sorted(settings.quota_flags),
        "quota_name": settings.quota_name,
        "per_buyer": settings.per_buyer,
        "slots": cap.slots,
        "tables": cap.tables,
    }


def apply_run(event_id: int, settings: RunSettings, *, actor_id: int) -> RunPreview:
    """Run the selection again (it is deterministic) and apply it: application statuses with
    their reasons, request weights for the scheduler, one audit entry per decision."""
    run = preview(event_id, settings)
    result = run.result
    now = utcnow()
    details = _settings_details(settings, run.config.capacity)
    audit.record(
        "selection.run",
        actor_id=actor_id,
        event_id=event_id,
        reason="",
        **details,
        total_score=str(result.total_score),
        meetings_used=result.meetings_used,
        meetings_capacity=result.meetings_capacity,
        optimal=result.optimal,
        quotas=[
            {"name": q.name, "flagged": q.flagged_selected, "selected": q.selected, "met": q.met}
            for q in result.quotas
        ],
        shortfalls=[s.message("fr") for s in result.shortfalls],
    )
    weights = {(r.company_id, r.buyer_id): r.weight for r in result.requests}
    for decision in result.decisions:
        row = run.by_id[decision.application_id]
        application = row.application
        application.status = STATUS[decision.status]
        application.decided_at = now
        application.decided_by_id = actor_id
        application.decision_reason = decision.message("fr")
        # One meeting per company–buyer pair: the first request of the pair carries the
        # weight; further requests of the pair (several needs of one buyer) are merged in it.
        # A request the buyer said no to is not scheduled (inactive) but stays on record.
        seen: set[int] = set()
        for request in sorted(row.requests, key=lambda r: r.id):
            weight = weights.get((request.company_id, request.buyer_id))
            request.weight = weight
            if decision.status is core.Status.SELECTED:
                request.is_active = weight is not None and request.buyer_id not in seen
            seen.add(request.buyer_id)
        audit.record(
            f"application.{decision.status.value}",
            actor_id=actor_id,
            event_id=event_id,
            target=application,
            reason=decision.message("fr"),
            score=str(decision.score),
            rank=decision.rank,
            parts=row.score.messages("fr"),
            run=details,
        )
    db.session.flush()
    return run


def decide(
    application_id: int, status: ApplicationStatus, reason: str, *, event_id: int, actor_id: int
) -> Application:
    """An organiser's individual decision (select, waitlist or decline) with its reason."""
    application = db.session.get(Application, application_id)
    if application is None or application.participant.event_id != event_id:
        raise SelectionServiceError("not_found")
    if status not in STATUS.values():
        raise SelectionServiceError("bad_status")
    previous = application.status
    application.status = status
    application.decided_at = utcnow()
    application.decided_by_id = actor_id
    application.decision_reason = reason.strip()
    db.session.flush()
    audit.record(
        f"application.{status.value}",
        actor_id=actor_id,
        event_id=event_id,
        target=application,
        reason=reason.strip(),
        previous=previous.value,
        manual=True,
    )
    return application


@dataclass(frozen=True)
class WorkshopCandidates:
    workshop: Workshop
    members: list[Participant]
    candidates: list[RankedApplication]  # by application score, best first


def workshop_candidates(event_id: int, rows: list[RankedApplication]) -> list[WorkshopCandidates]:
    """Each workshop of the event with its members and the companies interested in it,
    ranked by the score of their application."""
    by_participant = {row.participant.id: row for row in rows}
    workshops = db.session.execute(
        db.select(Workshop).where(Workshop.event_id == event_id).order_by(Workshop.id)
    ).scalars()
    result = []
    for workshop in workshops:
        members = [i.participant for i in workshop.interests if i.kind is InterestKind.MEMBER]
        candidates = [
            by_participant[i.participant_id]
            for i in workshop.interests
            if i.kind is InterestKind.CANDIDATE and i.participant_id in by_participant
        ]
        candidates.sort(key=lambda row: row.rank)
        result.append(WorkshopCandidates(workshop, members, candidates))
    return result


@dataclass(frozen=True)
class WorkshopData:
    title: str
    theme: str
    min_size: int
    max_size: int | None
    location_id: int | None
    slot_ids: frozenset[int]


def create_workshop(event_id: int, data: WorkshopData, *, actor_id: int) -> Workshop:
    """A themed workshop in some of the event's slots (and optionally one of its rooms)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise SelectionServiceError("not_found")
    slots = {s.id for s in event.slots}
    rooms = {loc.id for loc in event.locations}
    if not data.slot_ids or not data.slot_ids <= slots:
        raise SelectionServiceError("bad_slots")
    if data.location_id is not None and data.location_id not in rooms:
        raise SelectionServiceError("bad_location")
    workshop = Workshop(
        event=event,
        title=data.title.strip(),
        theme=data.theme.strip(),
        min_size=data.min_size,
        max_size=data.max_size,
        location_id=data.location_id,
    )
    workshop.slot_links = [WorkshopSlot(slot_id=s) for s in sorted(data.slot_ids)]
    db.session.add(workshop)
    db.session.flush()
    audit.record(
        "workshop.create",
        actor_id=actor_id,
        event_id=event_id,
        target=workshop,
        title=workshop.title,
        slots=sorted(data.slot_ids),
    )
    return workshop


def update_workshop(
    event_id: int, workshop_id: int, data: WorkshopData, *, actor_id: int
) -> Workshop:
    """Change a workshop's title, size, room and slots (the checks of `create_workshop`).

    Taking a slot away from the workshop is refused (`slots_booked`) while a schedule
    version, whatever its status, seats someone in that slot: the booking would vanish
    with the link (ON DELETE CASCADE) and the agenda record with it.
    """
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or workshop.event_id != event_id:
        raise SelectionServiceError("not_found")
    event = workshop.event
    if not data.slot_ids or not data.slot_ids <= {s.id for s in event.slots}:
        raise SelectionServiceError("bad_slots")
    if data.location_id is not None and data.location_id not in {loc.id for loc in event.locations}:
        raise SelectionServiceError("bad_location")
    current = {link.slot_id for link in workshop.slot_links}
    dropped = current - data.slot_ids
    if dropped:
        booked = db.session.execute(
            db.select(Booking.id).where(
                Booking.workshop_id == workshop.id, Booking.slot_id.in_(dropped)
            )
        ).first()
        if booked is not None:
            raise SelectionServiceError("slots_booked")
    before = _workshop_fields(workshop)
    workshop.title = data.title.strip()
    workshop.theme = data.theme.strip()
    workshop.min_size = data.min_size
    workshop.max_size = data.max_size
    workshop.location_id = data.location_id
    for link in list(workshop.slot_links):
        if link.slot_id in dropped:
            workshop.slot_links.remove(link)
    for slot_id in sorted(data.slot_ids - current):
        workshop.slot_links.append(WorkshopSlot(slot_id=slot_id))
    db.session.flush()
    after = _workshop_fields(workshop)
    if before != after:
        audit.record(
            "workshop.update",
            actor_id=actor_id,
            event_id=event_id,
            target=workshop,
            before=before,
            after=after,
        )
    return workshop


def _workshop_fields(workshop: Workshop) -> dict[str, object]:
    return {
        "title": workshop.title,
        "theme": workshop.theme,
        "min_size": workshop.min_size,
        "max_size": workshop.max_size,
        "location_id": workshop.location_id,
        "slots": sorted(link.slot_id for link in workshop.slot_links),
    }
