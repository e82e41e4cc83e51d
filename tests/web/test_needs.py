"""Needs catalogue through the test client: CPV autocomplete, create/edit, public filters."""

from __future__ import annotations

from app.extensions import db
from app.models import AmountBand, AuditEntry, Need, Organisation, Participant
from tests.conftest import login, submit, text
from tests.sourcing_helpers import load_small_cpv

NEED_FORM = {
    "title": "Éclairage des parkings",
    "description": "Remplacement de 300 luminaires par des LED.",
    "cpv": "34993000-4 45233221",
    "expected_date": "2027-09-01",
    "amount_band": "90k_eu",
    "has_environmental_criterion": "y",
    "is_published": "y",
}


def test_cpv_autocomplete_returns_json_for_a_logged_in_user(client, demo):
    load_small_cpv()
    login(client, "entreprise@example.org")
    response = client.get("/cpv?q=marquage routier&lang=fr")
    assert response.status_code == 200
    assert response.get_json() == [
        {"code": "34922100", "full_code": "34922100-7", "label": "Marquage routier"},
        {"code": "45233221", "full_code": "45233221-4", "label": "Travaux de marquage routier"},
    ]
    english = client.get("/cpv?q=street&lang=en").get_json()
    assert english == [{"code": "34993000", "full_code": "34993000-4", "label": "Street lighting"}]


def test_cpv_autocomplete_requires_login(client, demo):
    response = client.get("/cpv?q=marquage")
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


def test_buyer_creates_a_need_for_their_own_organisation(client, demo):
    load_small_cpv()
    login(client, "acheteur@example.org")
    url = f"/evenements/{demo.id}/besoins/nouveau"
    response = submit(client, url, {**NEED_FORM, "buyer_organisation_id": "999"})
    assert response.status_code == 302
    need = db.session.execute(
        db.select(Need).where(Need.title == "Éclairage des parkings")
    ).scalar_one()
    assert need.buyer.name == "Direction de la voirie et de l'espace public"
    assert [c.code for c in need.cpv_codes] == ["34993000", "45233221"]
    assert need.amount_band is AmountBand.FROM_90K_TO_EU
    assert (need.has_environmental_criterion, need.has_sme_lots, need.is_published) == (
        True,
        False,
        True,
    )
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "need.create")
    ).scalar_one()
    assert entry.target_id == need.id


def test_need_with_unknown_cpv_code_is_refused_in_french_and_input_kept(client, demo):
    load_small_cpv()
    login(client, "acheteur@example.org")
    url = f"/evenements/{demo.id}/besoins/nouveau"
    response = submit(client, url, {**NEED_FORM, "cpv": "34993000, 12345678"})
    page = text(response)
    assert response.status_code == 200
    assert "Le code CPV « 12345678 » ne figure pas dans la nomenclature CPV." in page
    assert 'value="34993000, 12345678"' in page
    assert 'value="Éclairage des parkings"' in page
    assert (
        db.session.execute(db.select(Need).where(Need.title == "Éclairage des parkings")).first()
        is None
    )


def test_need_form_requires_a_title_and_a_code(client, demo):
    login(client, "acheteur@example.org")
    response = submit(client, f"/evenements/{demo.id}/besoins/nouveau", {"title": "", "cpv": ""})
    page = text(response)
    assert "Ce champ est obligatoire." in page
    assert "Indiquez au moins un code CPV." in page


def test_organiser_creates_a_need_for_a_new_buyer_who_joins_the_event(client, demo):
    load_small_cpv()
    org = Organisation(kind=demo.organiser_organisation.kind, name="Direction des sports")
    db.session.add(org)
    db.session.commit()
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"/evenements/{demo.id}/besoins/nouveau",
        {**NEED_FORM, "buyer_organisation_id": str(org.id)},
    )
    assert response.status_code == 302
    joined = db.session.execute(
        db.select(Participant).where(Participant.organisation_id == org.id)
    ).scalar_one()
    assert joined.event_id == demo.id


def test_company_cannot_create_a_need(client, demo):
    login(client, "entreprise@example.org")
    assert client.get(f"/evenements/{demo.id}/besoins/nouveau").status_code == 403


def test_buyer_cannot_edit_another_buyers_need(client, demo):
    other = next(n for n in demo.needs if n.buyer.name.startswith("Direction de la logistique"))
    login(client, "acheteur@example.org")
    assert client.get(f"/besoins/{other.id}/modifier").status_code == 403


def test_buyer_edits_own_need_and_unpublishes_it(client, demo):
    load_small_cpv()
    own = next(n for n in demo.needs if n.title.startswith("Marquage au sol LED"))
    login(client, "acheteur@example.org")
    page = text(client.get(f"/besoins/{own.id}/modifier"))
    assert 'value="34993000-4, 45233221-4"' in page
    response = submit(
        client,
        f"/besoins/{own.id}/modifier",
        {**NEED_FORM, "title": "Plots LED", "is_published": ""},
    )
    assert response.status_code == 302
    db.session.refresh(own)
    assert (own.title, own.is_published) == ("Plots LED", False)
    catalogue = text(client.get(f"/evenements/{demo.id}/besoins"))
    assert f'id="need-{own.id}"' not in catalogue
    assert "5 besoins" in catalogue


def test_catalogue_is_public_and_filters_by_division_tag_and_buyer(client, demo):
    url = f"/evenements/{demo.id}/besoins"
    page = text(client.get(url))
    assert "6 besoins" in page
    by_division = text(client.get(url + "?division=90"))
    assert "Tri et réemploi des encombrants" in by_division
    assert "Rénovation énergétique des écoles" not in by_division
    assert "1 besoin" in by_division
    assert "consultation prévue le jeudi 1 juillet 2027 · De 90 000 € HT aux seuils européens" in (
        by_division
    )
    reserved = text(client.get(url + "?tag=reserve"))
    assert "1 besoin" in reserved
    assert "Tri et réemploi des encombrants" in reserved
    buyer = next(n.buyer for n in demo.needs if n.title.startswith("Rénovation"))
    by_buyer = text(client.get(url + f"?acheteur={buyer.id}&tag=pme"))
    assert "Rénovation énergétique des écoles" in by_buyer
    assert "Centrales photovoltaïques en toiture" in by_buyer
    assert "2 besoins" in by_buyer
    assert '<label class="form-label" for="division">Division CPV</label>' in by_buyer


def test_catalogue_ignores_malformed_filters(client, demo):
    page = text(client.get(f"/evenements/{demo.id}/besoins?division=abc&tag=x&acheteur=y"))
    assert "6 besoins" in page
