"""The issue's "done when", tried as new users would through the test client: a company
registers, completes its profile, applies with three wishes; a buyer answers; the organiser sees
the ranked applications with explanations, selects under an ESS/SME quota, and the requests
appear ready for scheduling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import ApplicationStatus, EventStatus, MeetingRequest, Participant
from app.services.agenda.instance import build_instance, participant_key
from tests.conftest import csrf_token, login, submit, text

PASSWORD = "Nouvelle-Entreprise-2027"


def test_company_applies_buyer_answers_organiser_selects_requests_ready(app, demo):
    demo.status = EventStatus.OPEN
    demo.application_deadline = datetime.now(UTC) + timedelta(days=7)
    db.session.commit()
    company, buyer, organiser = app.test_client(), app.test_client(), app.test_client()

    # 1. A company registers and completes its profile.
    submit(
        company,
        "/compte/inscription",
        {
            "full_name": "Lina Morel",
            "email": "lina@eclairsud.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "company_name": "Éclair Sud",
            "siret": "73282932000074",
            "size": "micro",
            "departement": "13",
        },
    )
    response = submit(
        company,
        "/entreprise/profil",
        {
            "name": "Éclair Sud",
            "siret": "73282932000074",
            "size": "micro",
            "departement": "13",
            "is_ess": "y",
            "cpv": "45233221-4",
            "offer": "Plots LED solaires pour passages piétons.",
        },
    )
    assert response.status_code == 302

    # 2. It applies with three wishes.
    needs = {n.title: n for n in demo.needs}
    buyers = {p.organisation.name: p for p in demo.participants if p.role.value == "buyer"}
    response = submit(
        company,
        f"/evenements/{demo.id}/candidature",
        {
            "wish_1-target": f"n{needs['Marquage au sol LED des passages piétons'].id}",
            "wish_1-priority": "must",
            "wish_1-pitch": "Nous équipons déjà trois communes.",
            "wish_2-target": f"b{buyers['Direction du patrimoine bâti'].id}",
            "wish_2-priority": "want",
            "wish_3-target": f"b{buyers['Direction de la logistique et des moyens généraux'].id}",
            "wish_3-priority": "maybe",
            "attendees": "1",
        },
    )
    assert response.status_code == 302
    assert "Candidature déposée" in text(company.get("/tableau-de-bord"))
    participant = (
        db.session.execute(
            db.select(Participant)
            .join(Participant.organisation)
            .where(
                Participant.event_id == demo.id,
                Participant.role == "company",
            )
            .order_by(Participant.id.desc())
        )
        .scalars()
        .first()
    )
    assert participant.organisation.name == "Éclair Sud"

    # 3. The buyer (voirie) sees the request with its explanation and answers yes.
    login(buyer, "acheteur@example.org")
    page = buyer.get(f"/evenements/{demo.id}/demandes-recues").get_data(as_text=True)
    assert "Éclair Sud" in text(buyer.get(f"/evenements/{demo.id}/demandes-recues"))
    request = db.session.execute(
        db.select(MeetingRequest).where(
            MeetingRequest.company_id == participant.id,
            MeetingRequest.buyer_id == buyers["Direction de la voirie et de l'espace public"].id,
        )
    ).scalar_one()
    response = buyer.post(
        f"/demandes/{request.id}/reponse",
        data={f"r{request.id}-answer": "yes", f"r{request.id}-csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302

    # 4. The organiser sees the ranked applications with explanations.
    login(organiser, "organisateur@example.org")
    ranking = text(organiser.get(f"/evenements/{demo.id}/selection"))
    assert "Éclair Sud" in ranking
    assert "Intérêt réciproque avec « Métropole Méditerranée — Direction de la voirie" in ranking
    assert "L'entreprise relève de l'ESS\u202f: +0,2 (priorité fixée par l'organisateur)" in ranking

    # 5. Selection under a 30 % ESS / small-firm quota: simulate, then apply.
    url = f"/evenements/{demo.id}/selection/run"
    settings = {"quota_percent": "30", "quota_ess": "y", "quota_small": "y"}
    preview = submit(
        organiser, url, {**settings, "simulate": "1"}, page=f"/evenements/{demo.id}/selection"
    )
    assert "Quota « ESS ou petites entreprises »" in text(preview)
    response = organiser.post(
        url,
        data={**settings, "confirm": "1", "csrf_token": csrf_token(preview.get_data(as_text=True))},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert participant.application.status is ApplicationStatus.SELECTED
    assert participant.application.decision_reason.startswith("sélectionnée\u202f: score")

    # 6. The requests are ready for scheduling: must (5) + mutual (2) for the voirie.
    instance = build_instance(demo.id)
    ours = {
        m.participants: m.weight
        for m in instance.meetings
        if participant_key(participant.id) in m.participants
    }
    voirie = participant_key(buyers["Direction de la voirie et de l'espace public"].id)
    assert ours == {
        (voirie, participant_key(participant.id)): 7,
        (
            participant_key(buyers["Direction du patrimoine bâti"].id),
            participant_key(participant.id),
        ): 3,
        (
            participant_key(buyers["Direction de la logistique et des moyens généraux"].id),
            participant_key(participant.id),
        ): 1,
    }
