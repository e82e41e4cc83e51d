"""Accounts through the test client: login per role, registration, reset, invitation, CSRF."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Organisation, OrganisationKind, Role, User
from app.services import mail
from tests.conftest import csrf_token, login, submit, text

DEMO_PASSWORD = "Demo-Entremise-2026"
VALID_SIRET = "81345426100013"  # used by the demo's last company
NEW_SIRET = "73282932000074"


def _text(response) -> str:
    return text(response)


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("organisateur@example.org", "Tableau de bord de l'organisateur"),
        ("acheteur@example.org", "Tableau de bord de l'acheteur"),
        ("entreprise@example.org", "Tableau de bord de l'entreprise"),
    ],
)
def test_login_each_demo_account_sees_its_role_dashboard(client, demo, email, heading):
    response = login(client, email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tableau-de-bord")
    page = _text(client.get("/tableau-de-bord"))
    assert heading in page
    assert "Rendez-vous de la commande publique 2027" in page


def test_login_wrong_password_shows_a_french_error_and_keeps_the_email(client, demo):
    response = login(client, "acheteur@example.org", "Mauvais-mot-de-passe-1")
    page = _text(response)
    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect." in page
    assert 'value="acheteur@example.org"' in page


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post(
        "/compte/connexion", data={"email": "acheteur@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 400
    assert "Le formulaire a expiré" in _text(response)


def test_login_next_parameter_rejects_external_urls(client, demo):
    page = client.get("/compte/connexion").get_data(as_text=True)
    response = client.post(
        "/compte/connexion?next=https://evil.example/",
        data={
            "email": "acheteur@example.org",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    assert response.headers["Location"].endswith("/tableau-de-bord")


def test_dashboard_anonymous_is_redirected_to_login(client, demo):
    response = client.get("/tableau-de-bord")
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


def test_logout_requires_post_and_ends_the_session(client, demo):
    login(client, "entreprise@example.org")
    assert client.get("/compte/deconnexion").status_code == 405
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    response = client.post("/compte/deconnexion", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/tableau-de-bord").status_code == 302


REGISTRATION = {
    "full_name": "Nadia Haddad",
    "email": "Nadia@Example.org",
    "password": "Un-Mot-De-Passe-2027",
    "confirm": "Un-Mot-De-Passe-2027",
    "company_name": "Vélos du Panier",
    "siret": "732 829 320 00074",
    "size": "micro",
    "departement": "13",
    "is_ess": "y",
}


def test_register_company_creates_account_and_logs_in(client, app):
    response = submit(client, "/compte/inscription", REGISTRATION)
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="nadia@example.org").one()
    assert user.role is Role.COMPANY
    assert user.organisation.siret == NEW_SIRET
    assert user.organisation.is_ess is True
    assert user.check_password("Un-Mot-De-Passe-2027")
    assert "Tableau de bord de l'entreprise" in _text(client.get("/tableau-de-bord"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "12345678901234", "Ce numéro SIRET n'est pas valide"),
        ("siret", "1234", "Un numéro SIRET compte 14 chiffres."),
        ("password", "court", "au moins 12 caractères"),
        ("password", "toutenminuscules", "Le mot de passe doit mêler"),
        ("departement", "99", "Indiquez un numéro de département"),
        ("email", "pas-une-adresse", "Indiquez une adresse électronique valide."),
    ],
)
def test_register_bad_input_rerenders_with_a_french_field_error(client, app, field, value, message):
    data = {**REGISTRATION, field: value}
    if field == "password":
        data["confirm"] = value
    response = submit(client, "/compte/inscription", data)
    page = _text(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="Vélos du Panier"' in page  # the user's input is kept
    assert 'aria-invalid="true"' in page
    assert db.session.query(User).count() == 0


def test_register_existing_siret_is_refused(client, demo):
    response = submit(client, "/compte/inscription", {**REGISTRATION, "siret": VALID_SIRET})
    assert "Cette entreprise (SIRET) a déjà un compte." in _text(response)
    assert db.session.query(User).filter_by(email="nadia@example.org").count() == 0


def _link(message, path: str) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(" + path + r"[^\s]+)", body)
    assert match, body
    return match.group(1)


def test_password_reset_link_changes_the_password_once(client, demo, app):
    submit(client, "/compte/mot-de-passe-oublie", {"email": "entreprise@example.org"})
    [message] = mail.outbox()
    assert message["To"] == "entreprise@example.org"
    link = _link(message, "/compte/mot-de-passe/")
    response = submit(
        client, link, {"password": "Nouveau-Secret-2027", "confirm": "Nouveau-Secret-2027"}
    )
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="entreprise@example.org").one()
    assert user.check_password("Nouveau-Secret-2027")
    reused = client.get(link, follow_redirects=True)
    assert "Ce lien n'est pas valide ou a déjà servi." in _text(reused)


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(client, demo):
    response = submit(
        client, "/compte/mot-de-passe-oublie", {"email": "inconnu@example.org"}, follow=True
    )
    assert "Si un compte existe pour cette adresse" in _text(response)
    assert mail.outbox() == []


def test_password_change_logs_out_other_sessions(client, demo, app):
    login(client, "entreprise@example.org")
    user = db.session.query(User).filter_by(email="entreprise@example.org").one()
    user.set_password("Encore-Un-Secret-2027")
    db.session.commit()
    assert client.get("/tableau-de-bord").status_code == 302


def test_invite_buyer_is_forbidden_to_companies_and_buyers(client, demo):
    login(client, "entreprise@example.org")
    assert client.get("/compte/inviter-un-acheteur").status_code == 403
    client.post(
        "/compte/deconnexion",
        data={"csrf_token": csrf_token(_text(client.get("/tableau-de-bord")))},
    )
    login(client, "acheteur@example.org")
    assert client.get("/compte/inviter-un-acheteur").status_code == 403


def test_invite_buyer_sends_a_link_that_activates_the_account(client, demo, app):
    login(client, "organisateur@example.org")
    direction = (
        db.session.query(Organisation).filter_by(kind=OrganisationKind.BUYER_DIRECTION).first()
    )
    response = submit(
        client,
        "/compte/inviter-un-acheteur",
        {
            "full_name": "Louis Roux",
            "email": "louis.roux@example.org",
            "organisation_id": str(direction.id),
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox()
    link = _link(message, "/compte/invitation/")
    invited = db.session.query(User).filter_by(email="louis.roux@example.org").one()
    assert invited.role is Role.BUYER and invited.password_hash is None
    other = app.test_client()
    response = submit(
        other, link, {"password": "Acheteur-Public-2027", "confirm": "Acheteur-Public-2027"}
    )
    assert response.status_code == 302
    assert "Tableau de bord de l'acheteur" in _text(other.get("/tableau-de-bord"))


def test_invite_buyer_to_a_company_organisation_is_refused(client, demo):
    login(client, "organisateur@example.org")
    company = db.session.query(Organisation).filter_by(kind=OrganisationKind.COMPANY).first()
    response = submit(
        client,
        "/compte/inviter-un-acheteur",
        {"full_name": "X", "email": "x@example.org", "organisation_id": str(company.id)},
    )
    assert response.status_code == 200
    assert db.session.query(User).filter_by(email="x@example.org").count() == 0


def test_login_required_message_is_french(client, demo):
    page = text(client.get("/tableau-de-bord", follow_redirects=True))
    assert "Connectez-vous pour accéder à cette page." in page
    assert "Please log in" not in page


def test_password_reset_mail_follows_the_page_language(client, demo):
    client.get("/langue/en")
    submit(client, "/compte/mot-de-passe-oublie", {"email": "entreprise@example.org"})
    [message] = mail.outbox()
    assert message["Subject"] == "Entremise: new password"


def test_invitation_mail_is_french_whatever_the_organiser_language(client, demo):
    login(client, "organisateur@example.org")
    client.get("/langue/en")
    direction = (
        db.session.query(Organisation).filter_by(kind=OrganisationKind.BUYER_DIRECTION).first()
    )
    submit(
        client,
        "/compte/inviter-un-acheteur",
        {
            "full_name": "Louis Roux",
            "email": "louis.roux@example.org",
            "organisation_id": str(direction.id),
        },
    )
    [message] = mail.outbox()
    assert message["Subject"] == "Invitation sur Entremise"
    assert "vous invite à rejoindre Entremise" in message.get_body(("plain",)).get_content()
