"""The demo event's data: a metropolis' « Rendez-vous de la commande publique » afternoon.

Four buyer directions with their needs, fifteen selected companies of mixed sizes (ESS
structures among them), seventeen meeting requests, 20-minute slots from 14:00 to 17:00
Europe/Paris at eight tables, and a brainstorming workshop on LED road marking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models import (
    AmountBand,
    Answer,
    CompanySize,
    Priority,
)

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
