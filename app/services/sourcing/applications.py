"""Company profile and applications: wishes (meeting requests), workshops, unavailability."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    CompanySize,
    CpvCode,
    Event,
    InterestKind,
    MeetingRequest,
    Need,
    Organisation,
    Participant,
    ParticipantRole,
    Priority,
    RequestOrigin,
    Slot,
    Unavailability,
    Workshop,
    WorkshopInterest,
)
from app.services import audit


class ApplicationError(Exception):
    """The application cannot be saved (code in args[0]: closed, siret_taken, bad_target…)."""


@dataclass(frozen=True)
class ProfileData:
    name: str
    siret: str
    size: CompanySize
    departement: str
    is_ess: bool
    is_siae: bool
    is_ea_esat: bool
    is_mission_company: bool
    cpv_codes: tuple[CpvCode, ...]
    offer: str
    website: str


def update_profile(organisation_id: int, data: ProfileData, *, actor_id: int) -> Organisation:
    """Save a company's profile; a SIRET already used by another organisation is refused."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.is_company:
        raise ApplicationError("not_a_company")
    taken = db.session.execute(
        db.select(Organisation.id).where(
            Organisation.siret == data.siret, Organisation.id != organisation.id
        )
    ).first()
    if taken is not None:
        raise ApplicationError("siret_taken")
    organisation.name = data.name.strip()
    organisation.siret = data.siret
    organisation.size = data.size
    organisation.departement = data.departement or None
    organisation.is_ess = data.is_ess
    organisation.is_siae = data.is_siae
    organisation.is_ea_esat = data.is_ea_esat
    organisation.is_mission_company = data.is_mission_company
    organisation.cpv_codes = list(data.cpv_codes)
    organisation.offer_description = data.offer.strip()
    organisation.website = data.website.strip() or None
    db.session.flush()
    audit.record("profile.update", actor_id=actor_id, target=organisation)
    return organisation


@dataclass(frozen=True)
class WishTarget:
    """What a company may ask to meet: a buyer participant, or one of its published needs."""

    value: str  # "b<participant id>" or "n<need id>"
    buyer_id: int
    need_id: int | None
    label: str


def wish_targets(event_id: int) -> list[WishTarget]:
    """Every buyer of the event, each followed by its published needs."""
    buyers = db.session.execute(
        db.select(Participant).where(
            Participant.event_id == event_id, Participant.role == ParticipantRole.BUYER
        )
    ).scalars()
    buyers = sorted(buyers, key=lambda p: p.name)
    needs = db.session.execute(
        db.select(Need).where(Need.event_id == event_id, Need.is_published).order_by(Need.id)
    ).scalars()
    by_org: dict[int, list[Need]] = {}
    for need in needs:
        by_org.setdefault(need.buyer_organisation_id, []).append(need)
    targets = []
    for buyer in buyers:
        targets.append(WishTarget(f"b{buyer.id}", buyer.id, None, buyer.name))
        for need in by_org.get(buyer.organisation_id, []):
            targets.append(
                WishTarget(f"n{need.id}", buyer.id, need.id, f"{buyer.name} — {need.title}")
            )
    return targets


@dataclass(frozen=True)
class Wish:
    buyer_id: int  # participant id of the buyer
    need_id: int | None
    priority: Priority
    pitch: str


@dataclass(frozen=True)
class ApplicationData:
    pitch: str
    attendees: int
    is_first_time: bool
    wishes: tuple[Wish, ...]
    workshop_ids: frozenset[int] = frozenset()
    unavailable_slot_ids: frozenset[int] = frozenset()


def company_participant(event_id: int, organisation_id: int) -> Participant | None:
    stmt = db.select(Participant).where(
        Participant.event_id == event_id,
        Participant.organisation_id == organisation_id,
        Participant.role == ParticipantRole.COMPANY,
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _check_targets(event: Event, data: ApplicationData) -> None:
    allowed = {(t.buyer_id, t.need_id) for t in wish_targets(event.id)}
    keys = [(w.buyer_id, w.need_id) for w in data.wishes]
    if any(k not in allowed for k in keys) or len(set(keys)) != len(keys):
        raise ApplicationError("bad_target")
    workshops = {w.id for w in event.workshops}
    slots = {s.id for s in event.slots}
    if not data.workshop_ids <= workshops or not data.unavailable_slot_ids <= slots:
        raise ApplicationError("bad_target")


def submit_application(
    *, event_id: int, organisation_id: int, data: ApplicationData, actor_id: int
) -> Application:
    """Create or update a company's application while the event accepts applications.

    Wishes become meeting requests of origin `company`; a wish for a pair the buyer already
    invited becomes that request (the buyer's answer stays, so interest is mutual). Wishes
    removed since the last save are deleted. A decided application keeps its status.
    """
    event = db.session.get(Event, event_id)
    organisation = db.session.get(Organisation, organisation_id)
    if event is None or organisation is None or not organisation.is_company:
        raise ApplicationError("not_a_company")
    if not event.is_open_for_applications:
        raise ApplicationError("closed")
    _check_targets(event, data)
    participant = company_participant(event.id, organisation.id)
    created = participant is None
    if participant is None:
        participant = Participant(
            event=event, organisation=organisation, role=ParticipantRole.COMPANY
        )
        db.session.add(participant)
    participant.attendees = data.attendees
    participant.is_first_time = data.is_first_time
    if participant.application is None:
        participant.application = Application(status=ApplicationStatus.SUBMITTED)
    application = participant.application
    application.pitch = data.pitch.strip()
    db.session.flush()

    existing = {
        (r.buyer_id, r.need_id): r
        for r in db.session.execute(
            db.select(MeetingRequest).where(MeetingRequest.company_id == participant.id)
        ).scalars()
    }
    wanted = {(w.buyer_id, w.need_id): w for w in data.wishes}
    for key, request in existing.items():
        if key not in wanted and request.origin is not RequestOrigin.BUYER:
            db.session.delete(request)
    for key, wish in wanted.items():
        request = existing.get(key)
        if request is None:
            request = MeetingRequest(
                event_id=event.id,
                company_id=participant.id,
                buyer_id=wish.buyer_id,
                need_id=wish.need_id,
            )
            db.session.add(request)
        request.origin = RequestOrigin.COMPANY
        request.priority = wish.priority
        request.pitch = wish.pitch.strip()
        request.is_active = True

    interests = {
        i.workshop_id: i
        for i in db.session.execute(
            db.select(WorkshopInterest).where(WorkshopInterest.participant_id == participant.id)
        ).scalars()
    }
    for workshop_id, interest in interests.items():
        if workshop_id not in data.workshop_ids and interest.kind is InterestKind.CANDIDATE:
            db.session.delete(interest)
    for workshop_id in sorted(data.workshop_ids - interests.keys()):
        db.session.add(
            WorkshopInterest(
                workshop_id=workshop_id,
                participant_id=participant.id,
                kind=InterestKind.CANDIDATE,
                weight=1,
            )
        )

    for unavailability in list(participant.unavailabilities):
        if unavailability.slot_id not in data.unavailable_slot_ids:
            participant.unavailabilities.remove(unavailability)
    kept = {u.slot_id for u in participant.unavailabilities}
    for slot_id in sorted(data.unavailable_slot_ids - kept):
        participant.unavailabilities.append(Unavailability(slot_id=slot_id))
    db.session.flush()
    audit.record(
        "application.submit" if created else "application.update",
        actor_id=actor_id,
        event_id=event.id,
        target=application,
        wishes=len(data.wishes),
    )
    return application


def application_view(event_id: int, organisation_id: int) -> Participant | None:
    """The company's own participation in the event (None when it has not applied)."""
    return company_participant(event_id, organisation_id)


def workshops_and_slots(event_id: int) -> tuple[list[Workshop], list[Slot]]:
    event = db.session.get(Event, event_id)
    if event is None:
        return [], []
    return list(event.workshops), list(event.slots)


# Wishes' priorities as French words, in exports and the follow-up list.
PRIORITY_FR = {"must": "indispensable", "want": "souhaité", "maybe": "éventuel"}
