"""Buyers answer requests with the explained score, and invite companies."""

from __future__ import annotations

from app.extensions import db
from app.models import Answer, AuditEntry, MeetingRequest, RequestOrigin
from tests.conftest import csrf_token, login, text


def _request_of(company_name):
    return next(
        r
        for r in db.session.execute(db.select(MeetingRequest)).scalars()
        if r.company.organisation.name == company_name
    )


def test_buyer_sees_requests_with_profile_and_explained_score(client, demo):
    login(client, "acheteur@example.org")
    page = text(client.get(f"/evenements/{demo.id}/demandes-recues"))
    assert "Lumisol Marquage" in page
    assert "Plots et bandes LED encastrés" in page
    assert "Intérêt réciproque avec « Métropole Méditerranée — Direction de la voirie" in page
    assert (
        "Le code CPV 45233221 correspond au besoin « Marquage au sol LED des passages piétons » "
        "au niveau de la sous-catégorie\u202f: +0,6" in page
    )
    # Only the voirie's requests: a logistics company is not listed as asking.
    assert "Cyclo-Fret Marseille souhaite" not in page


def test_buyer_answers_no_and_the_answer_is_audited(client, demo):
    login(client, "acheteur@example.org")
    request = _request_of("Trafic Solutions")
    page = client.get(f"/evenements/{demo.id}/demandes-recues").get_data(as_text=True)
    response = client.post(
        f"/demandes/{request.id}/reponse",
        data={
            f"r{request.id}-answer": "no",
            f"r{request.id}-reason": "Hors périmètre",
            f"r{request.id}-csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.answer is Answer.NO
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "request.answer")
    ).scalar_one()
    assert (entry.target_id, entry.reason, entry.details["answer"], entry.details["previous"]) == (
        request.id,
        "Hors périmètre",
        "no",
        "maybe",
    )


def test_buyer_answer_without_choice_rerenders_with_a_french_error(client, demo):
    login(client, "acheteur@example.org")
    request = _request_of("Trafic Solutions")
    page = client.get(f"/evenements/{demo.id}/demandes-recues").get_data(as_text=True)
    response = client.post(
        f"/demandes/{request.id}/reponse",
        data={f"r{request.id}-reason": "à voir", f"r{request.id}-csrf_token": csrf_token(page)},
    )
    assert response.status_code == 400
    body = text(response)
    assert "Choisissez oui, peut-être ou non." in body
    assert 'value="à voir"' in body
    db.session.refresh(request)
    assert request.answer is Answer.MAYBE


def test_buyer_cannot_answer_another_buyers_request(client, demo):
    login(client, "acheteur@example.org")
    request = _request_of("Cyclo-Fret Marseille")
    page = client.get(f"/evenements/{demo.id}/demandes-recues").get_data(as_text=True)
    response = client.post(
        f"/demandes/{request.id}/reponse",
        data={f"r{request.id}-answer": "no", f"r{request.id}-csrf_token": csrf_token(page)},
    )
    assert response.status_code == 403
    db.session.refresh(request)
    assert request.answer is Answer.YES


def test_buyer_invites_a_company_that_did_not_ask(client, demo):
    login(client, "acheteur@example.org")
    page = client.get(f"/evenements/{demo.id}/demandes-recues").get_data(as_text=True)
    assert "Inviter une entreprise" in page
    cyclofret = _request_of("Cyclo-Fret Marseille").company
    response = client.post(
        f"/evenements/{demo.id}/inviter",
        data={"company_id": str(cyclofret.id), "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    invitation = db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.origin == RequestOrigin.BUYER)
    ).scalar_one()
    assert (invitation.company_id, invitation.answer) == (cyclofret.id, Answer.YES)
    assert invitation.buyer.organisation.name == "Direction de la voirie et de l'espace public"
    again = client.post(
        f"/evenements/{demo.id}/inviter",
        data={"company_id": str(cyclofret.id), "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Une demande existe déjà avec cette entreprise." in text(again)
    assert (
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "request.invite"))
        .scalar_one()
        .target_id
        == invitation.id
    )


def test_companies_and_organisers_cannot_open_the_buyer_page(client, demo):
    login(client, "entreprise@example.org")
    assert client.get(f"/evenements/{demo.id}/demandes-recues").status_code == 403
    request = _request_of("Lumisol Marquage")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    response = client.post(
        f"/demandes/{request.id}/reponse",
        data={f"r{request.id}-answer": "yes", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 403
