"""Late changes to a published agenda: a company withdraws, a meeting is cancelled, a buyer
leaves early or arrives late, a company arrives late with requests.

Each action changes the event's data (applications, meeting requests, unavailabilities), never
the published version's meetings: participants keep seeing the published agenda until the
organiser re-optimises (a REOPTIMISE job from the published version, minimal change, locks
kept) and publishes the new draft. Every action is audited (`late.*`).

Like every service, functions flush and never commit; refusals are `LateChangeError` whose
`str()` is a key the route turns into a French sentence, and whose `field` says which form
field it belongs to (or "" for the whole form).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as siret_module

from app.extensions import db
from app.i18n import french_time
from app.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    CompanySize,
    Event,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantRole,
    Priority,
    RequestOrigin,
    ScheduleVersion,
    Slot,
    Unavailability,
)
from app.models.base import utcnow
from app.services import audit
from app.services.agenda import schedules, versioning

REASON_MAX = 500
LEAVE = "leave"  # unavailable from a time on (leaves early)
ARRIVE = "arrive"  # unavailable until a time (arrives late)


class LateChangeError(Exception):
    """A late change that cannot be made; `str(error)` is a key, `field` the form field."""

    def __init__(self, key: str, field: str = "") -> None:
        super().__init__(key)
        self.field = field


@dataclass(frozen=True)
class LateOutcome:
    """What an action changed: requests deactivated or created, unavailable slots added,
    locks released on published meetings (their request ids)."""

    action: str
    participant_id: int | None = None
    deactivated: tuple[int, ...] = ()
    created: tuple[int, ...] = ()
    slots: tuple[int, ...] = ()
    unlocked: tuple[int, ...] = ()


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise LateChangeError("unknown_event")
    return event


def _reason(reason: str, *, required: bool = True) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise LateChangeError("reason_required", "reason")
    if len(text) > REASON_MAX:
        raise LateChangeError("reason_too_long", "reason")
    return text


def _participant(event: Event, participant_id: int, role: ParticipantRole | None) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.event_id != event.id:
        raise LateChangeError("unknown_participant", "participant")
    if role is not None and participant.role is not role:
        raise LateChangeError("unknown_participant", "participant")
    return participant


def is_scheduled(participant: Participant) -> bool:
    """A participant the scheduler serves: buyers, and companies selected (or added without
    an application), as in `instance.build_instance`."""
    return participant.application is None or (
        participant.application.status is ApplicationStatus.SELECTED
    )


def _published_meetings(event_id: int) -> dict[int, Meeting]:
    """request id → the published version's scheduled meeting."""
    version = schedules.published_version(event_id)
    if version is None:
        return {}
    return {
        m.request_id: m
        for m in version.meetings
        if m.request_id is not None and m.status is MeetingStatus.SCHEDULED
    }


# --------------------------------------------------------------------------- (a) withdrawal


def withdraw_company(
    event_id: int, participant_id: int, reason: str, *, actor_id: int | None
) -> LateOutcome:
    """A company withdraws: its application becomes `withdrawn` and its active requests
    inactive; its published meetings disappear from the next re-optimised draft."""
    event = _event(event_id)
    company = _participant(event, participant_id, ParticipantRole.COMPANY)
    text = _reason(reason)
    if not is_scheduled(company):
        raise LateChangeError("not_selected", "participant")
    before = company.application.status.value if company.application else None
    if company.application is None:
        company.application = Application(status=ApplicationStatus.WITHDRAWN)
    application = company.application
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = utcnow()
    application.decided_by_id = actor_id
    application.decision_reason = text
    requests = db.session.execute(
        db.select(MeetingRequest)
        .where(MeetingRequest.company_id == company.id, MeetingRequest.is_active)
        .order_by(MeetingRequest.id)
    ).scalars()
    deactivated = []
    for request in requests:
        request.is_active = False
        deactivated.append(request.id)
    db.session.flush()
    published = _published_meetings(event.id)
    audit.record(
        "late.withdraw",
        actor_id=actor_id,
        event_id=event.id,
        target=company,
        reason=text,
        application_before=before,
        requests=deactivated,
        published_meetings=[r for r in deactivated if r in published],
    )
    return LateOutcome("withdraw", company.id, deactivated=tuple(deactivated))


# --------------------------------------------------------------------------- (b) cancellation


def cancel_meeting(
    event_id: int, request_id: int, reason: str, *, actor_id: int | None
) -> LateOutcome:
    """One meeting is cancelled: its request becomes inactive (kept on record)."""
    event = _event(event_id)
    request = db.session.get(MeetingRequest, request_id)
    if request is None or request.event_id != event.id:
        raise LateChangeError("unknown_request", "request")
    if not request.is_active:
        raise LateChangeError("inactive_request", "request")
    text = _reason(reason)
    request.is_active = False
    db.session.flush()
    held = _published_meetings(event.id).get(request.id)
    audit.record(
        "late.cancel_meeting",
        actor_id=actor_id,
        event_id=event.id,
        target=request,
        reason=text,
        company_id=request.company_id,
        buyer_id=request.buyer_id,
        published_slot_id=held.slot_id if held else None,
        published_location_id=held.location_id if held else None,
    )
    return LateOutcome("cancel", request.company_id, deactivated=(request.id,))


def matches_name(text: str, *names: str) -> bool:
    """Whether `text` (a filter typed by the organiser) occurs in one of `names`, ignoring
    case and surrounding spaces; an empty filter matches everything."""
    wanted = text.strip().casefold()
    return not wanted or any(wanted in name.casefold() for name in names)


def cancellable_requests(
    event_id: int, search: str = "", keep: int | None = None
) -> list[tuple[MeetingRequest, Meeting | None]]:
    """Active requests of scheduled participants with their published meeting (if any):
    placed ones first, in time then table order, then the others by name.

    `search` keeps only the requests whose company or buyer name contains it (a 300-company
    event has about 900 of them, too many for one list); the request `keep` stays listed
    whatever the filter (the one preselected or chosen)."""
    published = _published_meetings(event_id)
    rows = []
    for request in db.session.execute(
        db.select(MeetingRequest)
        .where(MeetingRequest.event_id == event_id, MeetingRequest.is_active)
        .order_by(MeetingRequest.id)
    ).scalars():
        if not is_scheduled(request.company):
            continue
        if request.id == keep or matches_name(search, request.company.name, request.buyer.name):
            rows.append((request, published.get(request.id)))

    def key(row: tuple[MeetingRequest, Meeting | None]) -> tuple[object, ...]:
        request, meeting = row
        if meeting is not None and meeting.slot is not None:
            return (0, meeting.slot.starts_at, meeting.location.name if meeting.location else "")
        return (1, schedules.request_label(request), "")

    return sorted(rows, key=key)


# --------------------------------------------------------------------------- (c) absence


def absence_slots(event: Event, day: date, at: time, kind: str) -> list[Slot]:
    """Slots of `day` a participant misses when leaving at `at` (slots not over by then) or
    arriving at `at` (slots that start before then), in the event's local time."""
    tz = event.tz
    moment = datetime.combine(day, at, tzinfo=tz)
    slots = [s for s in event.slots if s.starts_at.astimezone(tz).date() == day]
    if kind == LEAVE:
        return [s for s in slots if s.ends_at > moment]
    return [s for s in slots if s.starts_at < moment]


def add_absence(
    event_id: int,
    participant_id: int,
    day: date,
    at: time,
    kind: str,
    reason: str,
    *,
    actor_id: int | None,
) -> LateOutcome:
    """A participant leaves early or arrives late: one Unavailability row per slot missed.

    A *locked* meeting of the published agenda in those slots could never stay in place (the
    re-optimisation would be infeasible), so its lock is released and the release audited;
    the participant is unavailable, which is the fact the agenda must follow.
    """
    event = _event(event_id)
    participant = _participant(event, participant_id, None)
    if kind not in (LEAVE, ARRIVE):
        raise LateChangeError("bad_kind", "kind")
    if day not in {d.date for d in event.days}:
        raise LateChangeError("unknown_day", "day")
    text = _reason(reason, required=False)
    missed = absence_slots(event, day, at, kind)
    if not missed:
        raise LateChangeError("no_slot", "at")
    known = {u.slot_id for u in participant.unavailabilities}
    new = [s for s in missed if s.id not in known]
    if not new:
        raise LateChangeError("already_unavailable", "at")
    # A stored text, read by French-speaking organisers.
    label = ("Départ à " if kind == LEAVE else "Arrivée à ") + french_time(at)
    for slot in new:
        participant.unavailabilities.append(
            Unavailability(slot_id=slot.id, reason=f"{label}. {text}".strip()[:200])
        )
    db.session.flush()
    new_ids = {s.id for s in new}
    unlocked = []
    version = schedules.published_version(event.id)
    if version is not None:
        for meeting in version.meetings:
            if (
                meeting.locked
                and meeting.slot_id in new_ids
                and participant.id in {link.participant_id for link in meeting.participant_links}
            ):
                meeting.locked = False
                if meeting.request_id is not None:
                    unlocked.append(meeting.request_id)
        db.session.flush()
    audit.record(
        "late.absence",
        actor_id=actor_id,
        event_id=event.id,
        target=participant,
        reason=text,
        kind=kind,
        day=day.isoformat(),
        at=at.strftime("%H:%M"),
        slots=sorted(new_ids),
        unlocked_requests=unlocked,
    )
    return LateOutcome(
        "absence",
        participant.id,
        slots=tuple(s.id for s in new),
        unlocked=tuple(unlocked),
    )


# --------------------------------------------------------------------------- (d) new company


def joinable_companies(event_id: int) -> list[Organisation]:
    """Companies that can be added late: not taking part, or not (or no longer) selected."""
    taking_part = {
        p.organisation_id: p
        for p in db.session.execute(
            db.select(Participant).where(Participant.event_id == event_id)
        ).scalars()
    }
    companies = db.session.execute(
        db.select(Organisation)
        .where(Organisation.kind == OrganisationKind.COMPANY)
        .order_by(Organisation.name, Organisation.id)
    ).scalars()
    return [
        org
        for org in companies
        if org.id not in taking_part or not is_scheduled(taking_part[org.id])
    ]


def buyers(event_id: int) -> list[Participant]:
    stmt = db.select(Participant).where(
        Participant.event_id == event_id, Participant.role == ParticipantRole.BUYER
    )
    return sorted(db.session.execute(stmt).scalars(), key=lambda p: p.name)


def normalise_siret(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


def add_late_company(
    event_id: int,
    *,
    organisation_id: int | None,
    name: str,
    siret: str,
    buyer_ids: Iterable[int],
    priority: Priority,
    reason: str,
    actor_id: int | None,
) -> LateOutcome:
    """A company arrives late: an existing organisation (`organisation_id`) or a new one
    (`name`, `siret`) joins the event as selected, with one request per chosen buyer (origin
    organiser). A request it already had for a buyer is reactivated instead."""
    event = _event(event_id)
    text = _reason(reason, required=False)
    chosen = sorted(set(buyer_ids))
    if not chosen:
        raise LateChangeError("no_buyer", "buyers")
    people = [_participant(event, b, ParticipantRole.BUYER) for b in chosen]
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or organisation.id not in {
            o.id for o in joinable_companies(event.id)
        }:
            raise LateChangeError("not_joinable", "organisation")
    else:
        name = (name or "").strip()
        if not name:
            raise LateChangeError("name_required", "name")
        if len(name) > 200:
            raise LateChangeError("name_too_long", "name")
        number = normalise_siret(siret)
        try:
            siret_module.validate(number)
        except StdnumError:
            raise LateChangeError("bad_siret", "siret") from None
        taken = db.session.execute(
            db.select(Organisation.id).where(Organisation.siret == number)
        ).first()
        if taken is not None:
            raise LateChangeError("siret_taken", "siret")
        organisation = Organisation(
            kind=OrganisationKind.COMPANY, name=name, siret=number, size=CompanySize.PME
        )
        db.session.add(organisation)
        db.session.flush()

    participant = db.session.execute(
        db.select(Participant).where(
            Participant.event_id == event.id, Participant.organisation_id == organisation.id
        )
    ).scalar_one_or_none()
    created_participant = participant is None
    if participant is None:
        participant = Participant(
            event=event, organisation=organisation, role=ParticipantRole.COMPANY
        )
        db.session.add(participant)
    if participant.application is None:
        participant.application = Application(status=ApplicationStatus.SELECTED)
    application = participant.application
    before = application.status.value
    application.status = ApplicationStatus.SELECTED
    application.decided_at = utcnow()
    application.decided_by_id = actor_id
    application.decision_reason = text or "Arrivée tardive, ajoutée par l'organisateur."
    db.session.flush()

    existing = {
        r.buyer_id: r
        for r in db.session.execute(
            db.select(MeetingRequest)
            .where(MeetingRequest.company_id == participant.id)
            .order_by(MeetingRequest.id.desc())  # the first request of a pair wins below
        ).scalars()
    }
    touched = []
    for buyer in people:
        request = existing.get(buyer.id)
        if request is None:
            request = MeetingRequest(
                event_id=event.id,
                company_id=participant.id,
                buyer_id=buyer.id,
                origin=RequestOrigin.ORGANISER,
            )
            db.session.add(request)
        request.priority = priority
        request.is_active = True
        request.follow_up = False
        db.session.flush()
        touched.append(request.id)
    audit.record(
        "late.company",
        actor_id=actor_id,
        event_id=event.id,
        target=participant,
        reason=text,
        organisation_id=organisation.id,
        new_organisation=organisation_id is None,
        new_participant=created_participant,
        application_before=before if not created_participant else None,
        requests=touched,
        priority=priority.value,
    )
    return LateOutcome("company", participant.id, created=tuple(touched))


# --------------------------------------------------------------------------- journal


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    action: str
    actor: str
    target: str
    reason: str
    details: dict[str, object]


def journal(event_id: int, since: datetime | None = None) -> tuple[JournalLine, ...]:
    """The event's late changes, newest first (optionally only those after `since`)."""
    stmt = (
        db.select(AuditEntry)
        .where(AuditEntry.event_id == event_id, AuditEntry.action.like("late.%"))
        .order_by(AuditEntry.id.desc())
    )
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    lines = []
    for entry in db.session.execute(stmt).scalars():
        target = ""
        if entry.target_type == "Participant" and entry.target_id is not None:
            participant = db.session.get(Participant, entry.target_id)
            target = participant.name if participant else ""
        elif entry.target_type == "MeetingRequest" and entry.target_id is not None:
            request = db.session.get(MeetingRequest, entry.target_id)
            target = schedules.request_label(request) if request else ""
        lines.append(
            JournalLine(
                at=entry.at,
                action=entry.action,
                actor=entry.actor.full_name or entry.actor.email if entry.actor else "",
                target=target,
                reason=entry.reason,
                details=dict(entry.details or {}),
            )
        )
    return tuple(lines)


def pending_since_publication(event_id: int) -> int:
    """Late changes made since the published version was published (0 if none published)."""
    version = schedules.published_version(event_id)
    if version is None or version.published_at is None:
        return 0
    return len(journal(event_id, since=version.published_at))


def reoptimise_published(
    event_id: int, *, time_limit: float, actor_id: int | None
) -> ScheduleVersion:
    """Queue the re-optimisation of the published agenda; returns the version it starts from."""
    version = schedules.published_version(event_id)
    if version is None:
        raise LateChangeError("nothing_published")
    versioning.reoptimise(version.id, time_limit=time_limit, actor_id=actor_id)
    return version
