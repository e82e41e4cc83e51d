"""Company profile and application through the test client, with permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    ApplicationStatus,
    AuditEntry,
    EventStatus,
    InterestKind,
    MeetingRequest,
    Organisation,
    Participant,
    Priority,
    RequestOrigin,
    WorkshopInterest,
)
from tests.conftest import login, submit, text
from tests.sourcing_helpers import load_small_cpv

NEW_SIRET = "73282932000074"
PASSWORD = "Nouvelle-Entreprise-2027"


@pytest.fixture
def open_event(demo):
    demo.status = EventStatus.OPEN
    demo.application_deadline = datetime.now(UTC) + timedelta(days=10)
    db.session.commit()
    return demo


def register(client, email="contact@eclairsud.example", siret=NEW_SIRET, name="Éclair Sud"):
    response = submit(
        client,
        "/compte/inscription",
        {
            "full_name": "Lina Morel",
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "company_name": name,
            "siret": siret,
            "size": "micro",
            "departement": "13",
        },
    )
    assert response.status_code == 302
    return db.session.execute(
        db.select(Organisation).where(Organisation.siret == siret)
    ).scalar_one()


def buyer_participant(event, prefix):
    return next(
        p
        for p in event.participants
        if p.role.value == "buyer" and p.organisation.name.startswith(prefix)
    )


def need_titled(event, prefix):
    return next(n for n in event.needs if n.title.startswith(prefix))


def three_wishes(event):
    voirie = buyer_participant(event, "Direction de la voirie")
    logistique = buyer_participant(event, "Direction de la logistique")
    led = need_titled(event, "Marquage au sol LED")
    return {
        "wish_1-target": f"n{led.id}",
        "wish_1-priority": "must",
        "wish_1-pitch": "Plots LED solaires posés en une nuit.",
        "wish_2-target": f"b{logistique.id}",
        "wish_2-priority": "want",
        "wish_2-pitch": "Signalisation des aires de livraison.",
        "wish_3-target": f"b{voirie.id}",
        "wish_3-priority": "maybe",
        "wish_3-pitch": "",
    }


def test_profile_saves_flags_codes_and_offer(client, demo):
    load_small_cpv()
    organisation = register(client)
    response = submit(
        client,
        "/entreprise/profil",
        {
            "name": "Éclair Sud",
            "siret": "732 829 320 00074",
            "size": "pme",
            "departement": "2a",
            "is_ess": "y",
            "is_mission_company": "y",
            "cpv": "45233221-4, 34993000",
            "offer": "Éclairage public et marquage lumineux.",
            "website": "https://eclairsud.example",
        },
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.siret == NEW_SIRET
    assert organisation.departement == "2A"
    assert (organisation.is_ess, organisation.is_siae, organisation.is_mission_company) == (
        True,
        False,
        True,
    )
    assert [c.code for c in organisation.cpv_codes] == ["34993000", "45233221"]
    assert organisation.website == "https://eclairsud.example"


def test_profile_invalid_siret_and_unknown_cpv_are_refused_in_french(client, demo):
    load_small_cpv()
    organisation = register(client)
    response = submit(
        client,
        "/entreprise/profil",
        {
            "name": "Éclair Sud",
            "siret": "73282932000075",
            "size": "pme",
            "cpv": "45233221 99999999",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Ce numéro SIRET n'est pas valide (vérifiez les chiffres)." in page
    assert "Le code CPV « 99999999 » ne figure pas dans la nomenclature CPV." in page
    assert 'value="45233221 99999999"' in page
    db.session.refresh(organisation)
    assert organisation.cpv_codes == []


def test_profile_siret_of_another_company_is_refused(client, demo):
    register(client)
    response = submit(
        client, "/entreprise/profil", {"name": "X", "siret": "81234560100015", "size": "pme"}
    )
    assert "Cette entreprise (SIRET) a déjà un compte." in text(response)


def test_company_applies_with_three_wishes_workshop_and_unavailability(client, open_event):
    organisation = register(client)
    workshop = open_event.workshops[0]
    slot = open_event.slots[0]
    data = {
        **three_wishes(open_event),
        "pitch": "Nous équipons déjà trois communes.",
        "workshops": str(workshop.id),
        "unavailable": str(slot.id),
        "attendees": "2",
        "is_first_time": "y",
    }
    response = submit(client, f"/evenements/{open_event.id}/candidature", data)
    assert response.status_code == 302
    participant = db.session.execute(
        db.select(Participant).where(Participant.organisation_id == organisation.id)
    ).scalar_one()
    assert participant.application.status is ApplicationStatus.SUBMITTED
    assert (participant.attendees, participant.is_first_time) == (2, True)
    requests = (
        db.session.execute(
            db.select(MeetingRequest)
            .where(MeetingRequest.company_id == participant.id)
            .order_by(MeetingRequest.id)
        )
        .scalars()
        .all()
    )
    assert [(r.priority, r.origin, r.need_id is not None) for r in requests] == [
        (Priority.MUST, RequestOrigin.COMPANY, True),
        (Priority.WANT, RequestOrigin.COMPANY, False),
        (Priority.MAYBE, RequestOrigin.COMPANY, False),
    ]
    assert requests[0].pitch == "Plots LED solaires posés en une nuit."
    interest = db.session.get(WorkshopInterest, (workshop.id, participant.id))
    assert interest.kind is InterestKind.CANDIDATE
    assert [u.slot_id for u in participant.unavailabilities] == [slot.id]
    assert (
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "application.submit"))
        .scalar_one()
        .target_id
        == participant.application.id
    )
    dashboard = text(client.get("/tableau-de-bord"))
    assert "Candidature déposée" in dashboard


def test_company_edits_application_until_the_deadline(client, open_event):
    organisation = register(client)
    url = f"/evenements/{open_event.id}/candidature"
    submit(client, url, {**three_wishes(open_event), "attendees": "1"})
    page = text(client.get(url))
    assert "Plots LED solaires posés en une nuit." in page
    wishes = three_wishes(open_event)
    del wishes["wish_3-target"]
    response = submit(client, url, {**wishes, "attendees": "1"})
    assert response.status_code == 302
    assert db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "application.update")
    ).scalar_one()
    count = (
        db.session.execute(db.select(MeetingRequest).where(MeetingRequest.pitch.like("Plots LED%")))
        .scalars()
        .all()
    )
    assert len(count) == 1
    open_event.application_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    closed = text(client.get(url))
    assert "votre candidature n'est plus modifiable" in closed
    response = submit(client, url, {**three_wishes(open_event), "attendees": "3"}, follow=True)
    assert "Les candidatures sont closes pour cet événement." in text(response)
    participant = db.session.execute(
        db.select(Participant).where(Participant.organisation_id == organisation.id)
    ).scalar_one()
    db.session.refresh(participant)
    assert participant.attendees == 1


def test_application_without_wish_or_with_duplicates_shows_french_errors(client, open_event):
    register(client)
    url = f"/evenements/{open_event.id}/candidature"
    page = text(submit(client, url, {"attendees": "1", "pitch": "Bonjour"}))
    assert "Indiquez au moins un acheteur ou un besoin à rencontrer." in page
    assert "Bonjour" in page
    wishes = three_wishes(open_event)
    wishes["wish_2-target"] = wishes["wish_1-target"]
    page = text(submit(client, url, {**wishes, "attendees": "9"}))
    assert "Ce rendez-vous est déjà demandé dans un autre vœu." in page
    assert "Entre 1 et 5 personnes." in page
    wishes = {**three_wishes(open_event), "wish_2-priority": "urgent"}
    page = text(submit(client, url, {**wishes, "attendees": "1"}))
    assert "N'est pas un choix valide." in page
    wishes = three_wishes(open_event)
    wishes["wish_1-target"] = "n999999"
    page = text(submit(client, url, {**wishes, "attendees": "1"}))
    assert "Choisissez un acheteur ou un besoin de la liste." in page
    assert (
        db.session.execute(
            db.select(AuditEntry).where(AuditEntry.action == "application.submit")
        ).first()
        is None
    )


def test_buyer_and_organiser_cannot_use_the_company_application_page(client, open_event):
    login(client, "acheteur@example.org")
    assert client.get(f"/evenements/{open_event.id}/candidature").status_code == 403
    assert client.get("/entreprise/profil").status_code == 403


def test_company_sees_only_its_own_application(client, open_event):
    """Lumisol (demo company) opens the application page: it sees its own wish, never another
    company's pitch, and no score."""
    login(client, "entreprise@example.org")
    page = text(client.get(f"/evenements/{open_event.id}/candidature"))
    assert "Lumisol Marquage souhaite présenter son offre." in page
    assert "Signalétique Provence souhaite présenter son offre." not in page
    assert "score" not in page.lower()


def test_application_page_suggests_buyers_from_the_profile(client, open_event):
    login(client, "entreprise@example.org")
    page = text(client.get(f"/evenements/{open_event.id}/candidature"))
    assert "Acheteurs que vous pourriez rencontrer" in page
    assert (
        "Le code CPV 45233221 correspond au besoin « Marquage au sol LED des passages piétons »"
        in page
    )
