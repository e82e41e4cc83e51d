"""The demo event: a metropolis' « Rendez-vous de la commande publique » afternoon.

Loaded by `flask demo load` (and by `make run` on an empty database) so that a newcomer sees a
realistic day at once: four buyer directions with their needs, fifteen selected companies of
mixed sizes (ESS structures among them), seventeen meeting requests, 20-minute slots from 14:00
to 17:00 Europe/Paris at eight tables, and a brainstorming workshop on LED road marking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func

from app.extensions import db
from app.models import (
    AmountBand,
    Answer,
    Application,
    ApplicationStatus,
    CompanySize,
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
    Priority,
    RequestOrigin,
    Role,
    Unavailability,
    User,
    Workshop,
    WorkshopInterest,
    WorkshopSlot,
)
from app.services import audit
from app.services.events import add_day

DEMO_PASSWORD = "Demo-Entremise-2026"
ORGANISER_EMAIL = "organisateur@example.org"
BUYER_EMAIL = "acheteur@example.org"
COMPANY_EMAIL = "entreprise@example.org"
EVENT_DAY = date(2027, 3, 16)  # a Tuesday

PRIORITY_WEIGHT = {Priority.MUST: 5, Priority.WANT: 3, Priority.MAYBE: 1}

# CPV 2008 codes used by the demo (labels from the official list), so the demo works
# without importing the full vocabulary.
CPV = {
    "45233221": ("4", "Travaux de marquage routier", "Road-surface painting work"),
    "34993000": ("4", "Éclairage public", "Road lights"),
    "34928470": ("3", "Fléchage", "Signage"),
    "60100000": ("9", "Services de transport routier", "Road transport services"),
    "60161000": ("4", "Services de transport de colis", "Parcel transport services"),
    "34431000": ("7", "Bicyclettes sans moteur", "Non-motorised bicycles"),
    "90500000": (
        "2",
        "Services liés aux déchets et aux ordures",
        "Refuse and waste related services",
    ),
    "90511000": ("2", "Services de collecte des ordures", "Refuse collection services"),
    "90514000": ("3", "Services de recyclage des ordures ménagères", "Refuse recycling services"),
    "45321000": ("3", "Travaux d'isolation thermique", "Thermal insulation work"),
    "45331000": (
        "6",
        "Travaux d'installation de matériel de chauffage, de ventilation et de climatisation",
        "Heating, ventilation and air-conditioning installation work",
    ),
    "71314300": (
        "5",
        "Services de conseil en rendement énergétique",
        "Energy-efficiency consultancy services",
    ),
    "09331200": ("0", "Modules solaires photovoltaïques", "Solar photovoltaic modules"),
    "45261410": ("1", "Travaux d'isolation de toiture", "Roof insulation work"),
    "45453100": ("8", "Travaux de remise en état", "Refurbishment work"),
}


@dataclass(frozen=True)
class DemoCompany:
    key: str
    name: str
    siret: str
    size: CompanySize
    departement: str
    offer: str
    cpv: tuple[str, ...]
    ess: bool = False
    siae: bool = False
    ea_esat: bool = False
    mission: bool = False
    first_time: bool = False


COMPANIES = (
    DemoCompany(
        "lumisol",
        "Lumisol Marquage",
        "81234560100015",
        CompanySize.PME,
        "13",
        "Plots et bandes LED encastrés pour passages piétons et pistes cyclables, "
        "alimentation solaire, pose et maintenance.",
        ("45233221", "34993000"),
    ),
    DemoCompany(
        "signaletique",
        "Signalétique Provence",
        "81242479400012",
        CompanySize.MICRO,
        "13",
        "Marquage routier à la résine, signalisation horizontale et fléchage.",
        ("45233221", "34928470"),
        first_time=True,
    ),
    DemoCompany(
        "trafic",
        "Trafic Solutions",
        "81250398500010",
        CompanySize.ETI,
        "69",
        "Signalisation lumineuse, feux tricolores et marquage au sol dynamique.",
        ("34993000", "45233221"),
    ),
    DemoCompany(
        "cyclofret",
        "Cyclo-Fret Marseille",
        "81258317700017",
        CompanySize.MICRO,
        "13",
        "Coopérative de livraison en vélo-cargo : navettes inter-sites, colis, "
        "fournitures de bureau.",
        ("60161000", "60100000"),
        ess=True,
        first_time=True,
    ),
    DemoCompany(
        "velologistique",
        "Vélo Logistique Urbaine",
        "81266236900014",
        CompanySize.PME,
        "13",
        "Logistique urbaine du dernier kilomètre en vélo-cargo à assistance électrique.",
        ("60161000", "34431000"),
    ),
    DemoCompany(
        "coursiers",
        "Coursiers Solidaires",
        "81274155100012",
        CompanySize.MICRO,
        "13",
        "Chantier d'insertion : coursiers à vélo, tournées de courrier interne.",
        ("60161000",),
        ess=True,
        siae=True,
    ),
    DemoCompany(
        "ressourcerie",
        "Ressourcerie du Vieux-Port",
        "81282074400017",
        CompanySize.PME,
        "13",
        "Collecte, tri et réemploi des encombrants, valorisation du mobilier.",
        ("90514000", "90511000"),
        ess=True,
        siae=True,
    ),
    DemoCompany(
        "trimed",
        "Tri Méditerranée",
        "81289993800011",
        CompanySize.ETI,
        "84",
        "Centre de tri des déchets d'encombrants et de déchèterie.",
        ("90500000", "90514000"),
    ),
    DemoCompany(
        "reemploi",
        "Atelier Réemploi",
        "81297912800012",
        CompanySize.MICRO,
        "13",
        "Entreprise adaptée : démantèlement et remise en état de mobilier.",
        ("90514000", "45453100"),
        ess=True,
        ea_esat=True,
        first_time=True,
    ),
    DemoCompany(
        "renoveco",
        "Rénov'Éco Bâtiment",
        "81305831000018",
        CompanySize.PME,
        "13",
        "Rénovation énergétique de bâtiments publics : isolation, ventilation, pompes à chaleur.",
        ("45321000", "45331000"),
    ),
    DemoCompany(
        "isolationsud",
        "Isolation Sud Habitat",
        "81313750200015",
        CompanySize.PME,
        "83",
        "Isolation thermique par l'extérieur et des toitures.",
        ("45321000", "45261410"),
    ),
    DemoCompany(
        "solairecitoyen",
        "Solaire Citoyen",
        "81321669400014",
        CompanySize.MICRO,
        "04",
        "SCIC de production d'électricité photovoltaïque sur toitures publiques.",
        ("09331200", "45261410"),
        ess=True,
    ),
    DemoCompany(
        "thermique",
        "Thermique Conseil",
        "81329588800016",
        CompanySize.MICRO,
        "13",
        "Audits énergétiques, contrats de performance énergétique.",
        ("71314300",),
        mission=True,
    ),
    DemoCompany(
        "lumiereroutes",
        "Lumière & Routes",
        "81337507800017",
        CompanySize.GE,
        "92",
        "Éclairage public, signalisation et marquage routier à grande échelle.",
        ("34993000", "45233221"),
    ),
    DemoCompany(
        "chantierbtp",
        "Chantier Insertion BTP",
        "81345426100013",
        CompanySize.PME,
        "13",
        "Travaux de second œuvre et remise en état par des salariés en insertion.",
        ("45453100", "45321000"),
        ess=True,
        siae=True,
    ),
)

DIRECTIONS = {
    "voirie": "Direction de la voirie et de l'espace public",
    "logistique": "Direction de la logistique et des moyens généraux",
    "dechets": "Direction de la propreté et des déchets",
    "batiment": "Direction du patrimoine bâti",
}

# (direction, title, description, cpv codes, expected date, band, insertion, reserved, env, sme)
NEEDS = (
    (
        "voirie",
        "Marquage au sol LED des passages piétons",
        "Équiper 120 passages piétons de plots LED autonomes pour la sécurité nocturne.",
        ("45233221", "34993000"),
        date(2027, 6, 1),
        AmountBand.FROM_90K_TO_EU,
        False,
        False,
        True,
        True,
    ),
    (
        "voirie",
        "Signalisation horizontale des pistes cyclables",
        "Marquage et fléchage de 40 km de pistes cyclables.",
        ("45233221", "34928470"),
        date(2027, 9, 1),
        AmountBand.EU_TO_5M,
        True,
        False,
        True,
        True,
    ),
    (
        "logistique",
        "Transport de fournitures entre sites par vélo-cargo",
        "Navettes quotidiennes entre 25 sites municipaux (courrier, fournitures, petits colis).",
        ("60161000", "60100000"),
        date(2027, 5, 1),
        AmountBand.FROM_40K_TO_90K,
        True,
        False,
        True,
        True,
    ),
    (
        "dechets",
        "Tri et réemploi des encombrants",
        "Tri des encombrants collectés en porte-à-porte et réemploi du mobilier.",
        ("90514000", "90511000"),
        date(2027, 7, 1),
        AmountBand.FROM_90K_TO_EU,
        True,
        True,
        True,
        False,
    ),
    (
        "batiment",
        "Rénovation énergétique des écoles",
        "Isolation, ventilation et chauffage de 12 groupes scolaires.",
        ("45321000", "45331000", "71314300"),
        date(2027, 10, 1),
        AmountBand.EU_TO_5M,
        True,
        False,
        True,
        True,
    ),
    (
        "batiment",
        "Centrales photovoltaïques en toiture",
        "Installation de panneaux solaires sur 8 gymnases.",
        ("09331200", "45261410"),
        date(2028, 1, 15),
        AmountBand.FROM_90K_TO_EU,
        False,
        False,
        True,
        True,
    ),
)

# (company, direction, priority, buyer's answer): 17 one-to-one meeting requests.
REQUESTS = (
    ("lumisol", "voirie", Priority.MUST, Answer.YES),
    ("signaletique", "voirie", Priority.MUST, Answer.YES),
    ("trafic", "voirie", Priority.WANT, Answer.MAYBE),
    ("lumiereroutes", "voirie", Priority.WANT, Answer.YES),
    ("cyclofret", "logistique", Priority.MUST, Answer.YES),
    ("velologistique", "logistique", Priority.MUST, Answer.YES),
    ("coursiers", "logistique", Priority.WANT, Answer.YES),
    ("ressourcerie", "dechets", Priority.MUST, Answer.YES),
    ("trimed", "dechets", Priority.WANT, Answer.MAYBE),
    ("reemploi", "dechets", Priority.MUST, Answer.YES),
    ("renoveco", "batiment", Priority.MUST, Answer.YES),
    ("isolationsud", "batiment", Priority.WANT, Answer.YES),
    ("solairecitoyen", "batiment", Priority.MUST, Answer.MAYBE),
    ("thermique", "batiment", Priority.WANT, Answer.YES),
    ("chantierbtp", "batiment", Priority.MAYBE, Answer.YES),
    ("chantierbtp", "dechets", Priority.WANT, Answer.PENDING),
    ("reemploi", "batiment", Priority.MAYBE, Answer.PENDING),
)

WORKSHOP_CANDIDATES = (
    "lumisol",
    "signaletique",
    "trafic",
    "lumiereroutes",
    "solairecitoyen",
    "renoveco",
    "chantierbtp",
    "thermique",
    "isolationsud",
    "cyclofret",
)


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
