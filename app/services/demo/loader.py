"""Loading the demo event (`flask demo load`, and `make run` on an empty database)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func

from app.extensions import db
from app.models import (
    Answer,
    Application,
    ApplicationStatus,
    CpvCode,
    Event,
    EventStatus,
    InterestKind,
    Location,
    LocationKind,
    MeetingRequest,
    Need,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantRole,
    RequestOrigin,
    Role,
    Unavailability,
    User,
    Workshop,
    WorkshopInterest,
    WorkshopSlot,
)
from app.services import audit
from app.services.demo.data import (
    BUYER_EMAIL,
    COMPANIES,
    COMPANY_EMAIL,
    CPV,
    DEMO_PASSWORD,
    DIRECTIONS,
    EVENT_DAY,
    NEEDS,
    ORGANISER_EMAIL,
    PRIORITY_WEIGHT,
    REQUESTS,
    WORKSHOP_CANDIDATES,
)
from app.services.setup.listing import add_day


class DemoError(Exception):
    pass


def database_is_empty() -> bool:
    return db.session.execute(db.select(func.count(Event.id))).scalar_one() == 0


def _ensure_cpv_codes() -> dict[str, CpvCode]:
    codes = {}
    for code, (check, fr, en) in CPV.items():
        row = db.session.get(CpvCode, code)
        if row is None:
            row = CpvCode(code=code, check_digit=check, label_fr=fr, label_en=en)
            db.session.add(row)
        codes[code] = row
    db.session.flush()
    return codes


def load_demo() -> Event:
    """Create the demo organisations, accounts and event. Refuses if demo accounts exist."""
    existing = db.session.execute(
        db.select(User).where(User.email.in_([ORGANISER_EMAIL, BUYER_EMAIL, COMPANY_EMAIL]))
    ).first()
    if existing is not None:
        raise DemoError("the demo accounts already exist")
    cpv = _ensure_cpv_codes()

    metropole = Organisation(kind=OrganisationKind.BUYER_BODY, name="Métropole Méditerranée")
    directions = {
        key: Organisation(kind=OrganisationKind.BUYER_DIRECTION, name=name, parent=metropole)
        for key, name in DIRECTIONS.items()
    }
    companies = {}
    for c in COMPANIES:
        org = Organisation(
            kind=OrganisationKind.COMPANY,
            name=c.name,
            siret=c.siret,
            size=c.size,
            departement=c.departement,
            offer_description=c.offer,
            is_ess=c.ess,
            is_siae=c.siae,
            is_ea_esat=c.ea_esat,
            is_mission_company=c.mission,
        )
        org.cpv_codes = [cpv[code] for code in c.cpv]
        companies[c.key] = org
    db.session.add_all([metropole, *directions.values(), *companies.values()])

    organiser = User(
        email=ORGANISER_EMAIL,
        full_name="Claire Martin",
        role=Role.ORGANISER,
        organisation=metropole,
    )
    buyer = User(
        email=BUYER_EMAIL,
        full_name="Karim Benali",
        role=Role.BUYER,
        organisation=directions["voirie"],
    )
    company = User(
        email=COMPANY_EMAIL,
        full_name="Sophie Durand",
        role=Role.COMPANY,
        organisation=companies["lumisol"],
    )
    for user in (organiser, buyer, company):
        user.set_password(DEMO_PASSWORD)
    db.session.add_all([organiser, buyer, company])
    db.session.flush()

    event = Event(
        title="Rendez-vous de la commande publique 2027",
        description=(
            "Un après-midi pour rencontrer les directions achats de la Métropole avant leurs "
            "consultations de 2027 : rendez-vous individuels de 20 minutes et atelier de "
            "co-conception sur le marquage au sol LED."
        ),
        venue="Hôtel de la Métropole, salle des Calanques, Marseille",
        timezone="Europe/Paris",
        application_deadline=datetime(2027, 2, 26, 22, 59, tzinfo=UTC),
        status=EventStatus.SCHEDULING,
        organiser_organisation=metropole,
        contact_email=ORGANISER_EMAIL,
    )
    db.session.add(event)
    db.session.flush()
    day = add_day(event, EVENT_DAY, time(14, 0), time(17, 0), 20)
    slots = day.slots
    tables = [
        Location(
            event=event,
            name=f"Table {n}",
            kind=LocationKind.TABLE,
            room="Salle des Calanques",
            position=n,
        )
        for n in range(1, 9)
    ]
    room = Location(
        event=event, name="Salle Frioul", kind=LocationKind.ROOM, room="Salle Frioul", position=100
    )
    db.session.add_all([*tables, room])
    db.session.flush()

    buyers = {}
    for n, (key, org) in enumerate(directions.items()):
        buyers[key] = Participant(
            event=event,
            organisation=org,
            role=ParticipantRole.BUYER,
            location=tables[n],
            max_meetings=7,
            attendees=2,
        )
    participants = {}
    for c in COMPANIES:
        participant = Participant(
            event=event,
            organisation=companies[c.key],
            role=ParticipantRole.COMPANY,
            min_meetings=1,
            is_first_time=c.first_time,
        )
        participant.application = Application(
            status=ApplicationStatus.SELECTED,
            pitch=c.offer,
            decided_at=datetime(2027, 3, 2, 9, 0, tzinfo=UTC),
            decided_by_id=organiser.id,
            decision_reason="Sélection du comité du 2 mars 2027",
        )
        participants[c.key] = participant
    db.session.add_all([*buyers.values(), *participants.values()])
    db.session.flush()

    needs = {}
    for direction, title, desc, codes, when, band, ins, res, env, sme in NEEDS:
        need = Need(
            event=event,
            buyer=directions[direction],
            title=title,
            description=desc,
            expected_date=when,
            amount_band=band,
            has_insertion_clause=ins,
            is_reserved_market=res,
            has_environmental_criterion=env,
            has_sme_lots=sme,
        )
        need.cpv_codes = [cpv[code] for code in codes]
        needs.setdefault(direction, need)  # the first need of a direction is the one asked about
        db.session.add(need)

    for company_key, direction, priority, answer in REQUESTS:
        db.session.add(
            MeetingRequest(
                event=event,
                company=participants[company_key],
                buyer=buyers[direction],
                need=needs[direction],
                origin=RequestOrigin.COMPANY,
                priority=priority,
                answer=answer,
                weight=PRIORITY_WEIGHT[priority] + (2 if answer is Answer.YES else 0),
                pitch=f"{companies[company_key].name} souhaite présenter son offre.",
            )
        )

    # Late arrival and early departure.
    db.session.add(
        Unavailability(
            participant=participants["trimed"], slot=slots[0], reason="Arrivée à 14 h 20"
        )
    )
    db.session.add(
        Unavailability(participant=buyers["dechets"], slot=slots[-1], reason="Départ à 16 h 40")
    )

    workshop = Workshop(
        event=event,
        title="Marquage au sol LED",
        theme="Atelier de co-conception : quelles solutions de marquage lumineux pour la "
        "sécurité des piétons et des cyclistes ?",
        location=room,
        min_size=4,
        max_size=10,
    )
    workshop.slot_links = [WorkshopSlot(slot=s) for s in slots[3:6]]  # 15:00–16:00
    workshop.interests = [WorkshopInterest(participant=buyers["voirie"], kind=InterestKind.MEMBER)]
    workshop.interests += [
        WorkshopInterest(
            participant=participants[key], kind=InterestKind.CANDIDATE, weight=3 if n < 4 else 1
        )
        for n, key in enumerate(WORKSHOP_CANDIDATES)
    ]
    db.session.add(workshop)
    db.session.flush()
    audit.record("demo.load", actor_id=None, event_id=event.id, target=event)
    return event
