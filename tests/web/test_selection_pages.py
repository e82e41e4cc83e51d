"""Organiser selection page, selection run (simulate, apply) and individual decisions."""

from __future__ import annotations

from app.extensions import db
from app.models import ApplicationStatus, AuditEntry, MeetingRequest, Workshop
from tests.conftest import csrf_token, login, submit, text


def test_selection_page_ranks_applications_with_explanations(client, demo):
    login(client, "organisateur@example.org")
    page = text(client.get(f"/evenements/{demo.id}/selection"))
    assert "capacité\u202f: 9 créneaux × 8 tables = 72 rendez-vous" in page
    assert "1. " in page
    assert "Intérêt réciproque avec « Métropole Méditerranée — Direction" in page
    assert "(priorité fixée par l'organisateur)" in page
    # Mutual interest ranks first: the first ranked company has a "oui" answer.
    marker = '<section class="card mb-3" id="candidature-'
    first = page.index(marker)
    assert "(oui)" in page[first : page.index(marker, first + 1)]


def test_selection_run_simulates_then_applies_with_audit(client, demo):
    login(client, "organisateur@example.org")
    url = f"/evenements/{demo.id}/selection/run"
    settings = {"quota_percent": "30", "quota_ess": "y", "quota_small": "y"}
    response = submit(
        client, url, {**settings, "simulate": "1"}, page=f"/evenements/{demo.id}/selection"
    )
    preview = text(response)
    assert response.status_code == 200
    assert "Simulation de la sélection" in preview
    assert "Rendez-vous utilisés\u202f: 17 sur 72" in preview
    assert (
        "Quota « ESS ou petites entreprises »\u202f: 12 sur 15 sélectionnées (minimum 30\u202f%)"
        in preview
    )
    assert "sélectionnée\u202f: score" in preview
    assert (
        db.session.execute(
            db.select(AuditEntry).where(AuditEntry.action == "selection.run")
        ).first()
        is None
    )
    response = client.post(
        url, data={**settings, "confirm": "1", "csrf_token": csrf_token(preview)}
    )
    assert response.status_code == 302
    entries = (
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action.like("application.%")))
        .scalars()
        .all()
    )
    assert len(entries) == 15
    assert all(e.reason.startswith("sélectionnée") for e in entries)
    weighted = (
        db.session.execute(db.select(MeetingRequest).where(MeetingRequest.weight.is_not(None)))
        .scalars()
        .all()
    )
    assert len(weighted) == 17
    lumisol = next(r for r in weighted if r.company.organisation.name == "Lumisol Marquage")
    assert lumisol.weight == 7


def test_selection_run_bad_settings_rerender_with_french_errors(client, demo):
    login(client, "organisateur@example.org")
    url = f"/evenements/{demo.id}/selection/run"
    response = submit(
        client,
        url,
        {"quota_percent": "150", "per_buyer": "0", "simulate": "1"},
        page=f"/evenements/{demo.id}/selection",
    )
    page = text(response)
    assert response.status_code == 400
    assert "Indiquez un pourcentage entre 0 et 100." in page
    assert "Indiquez un nombre entre 1 et 1 000." in page
    assert 'value="150"' in page
    response = submit(
        client,
        url,
        {"quota_percent": "30", "simulate": "1"},
        page=f"/evenements/{demo.id}/selection",
    )
    assert "Choisissez au moins une catégorie pour le quota." in text(response)


def test_individual_decision_requires_a_reason_and_is_audited(client, demo):
    login(client, "organisateur@example.org")
    application = demo.participants[5].application
    url = f"/evenements/{demo.id}/candidatures/{application.id}/decision"
    prefix = f"a{application.id}"
    page = client.get(f"/evenements/{demo.id}/selection").get_data(as_text=True)
    response = client.post(
        url,
        data={
            f"{prefix}-status": "waitlisted",
            f"{prefix}-reason": "",
            f"{prefix}-csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 400
    assert "Indiquez le motif de la décision." in text(response)
    response = client.post(
        url,
        data={
            f"{prefix}-status": "waitlisted",
            f"{prefix}-reason": "Trop de demandes sur ce lot",
            f"{prefix}-csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.WAITLISTED
    assert application.decision_reason == "Trop de demandes sur ce lot"
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "application.waitlisted")
    ).scalar_one()
    assert entry.reason == "Trop de demandes sur ce lot"


def test_company_and_buyer_cannot_see_the_selection_or_scores(client, demo):
    for email in ("entreprise@example.org", "acheteur@example.org"):
        login(client, email)
        assert client.get(f"/evenements/{demo.id}/selection").status_code == 403
        assert client.get(f"/evenements/{demo.id}/export/candidatures.csv").status_code == 403
        assert client.get(f"/evenements/{demo.id}/export/demandes.xlsx").status_code == 403
        assert client.get(f"/evenements/{demo.id}/import/entreprises").status_code == 403
        page = client.get("/tableau-de-bord").get_data(as_text=True)
        client.post("/compte/deconnexion", data={"csrf_token": csrf_token(page)})


def test_selection_page_lists_workshop_candidates_by_score(client, demo):
    login(client, "organisateur@example.org")
    page = text(client.get(f"/evenements/{demo.id}/selection"))
    section = page[page.index("Ateliers\u202f: candidats par intérêt et score") :]
    assert "Marquage au sol LED — 10 places" in section
    assert "Membres\u202f: Métropole Méditerranée — Direction de la voirie" in section
    names = [
        "Lumisol Marquage",
        "Signalétique Provence",
        "Trafic Solutions",
        "Lumière & Routes",
        "Solaire Citoyen",
        "Rénov'Éco Bâtiment",
        "Chantier Insertion BTP",
        "Thermique Conseil",
        "Isolation Sud Habitat",
        "Cyclo-Fret Marseille",
    ]
    positions = [section.index(n + " — score") for n in names]
    assert len(positions) == 10
    ranked_page = page[: page.index("Ateliers\u202f: candidats")]
    ranks = sorted(names, key=lambda n: ranked_page.index(". " + n))
    assert sorted(names, key=lambda n: section.index(n + " — score")) == ranks


def test_organiser_creates_a_workshop_in_chosen_slots_and_room(client, demo):
    login(client, "organisateur@example.org")
    room = next(loc for loc in demo.locations if loc.name == "Salle Frioul")
    slots = demo.slots[6:8]
    response = submit(
        client,
        f"/evenements/{demo.id}/ateliers/nouveau",
        {
            "title": "Logistique urbaine décarbonée",
            "theme": "Cyclologistique",
            "min_size": "3",
            "max_size": "9",
            "location_id": str(room.id),
            "slots": [str(s.id) for s in slots],
        },
    )
    assert response.status_code == 302
    workshop = db.session.execute(
        db.select(Workshop).where(Workshop.title == "Logistique urbaine décarbonée")
    ).scalar_one()
    assert (workshop.min_size, workshop.max_size, workshop.location_id) == (3, 9, room.id)
    assert [s.id for s in workshop.slots] == [s.id for s in slots]
    assert (
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "workshop.create"))
        .scalar_one()
        .target_id
        == workshop.id
    )


def test_workshop_form_errors_are_french_and_keep_the_input(client, demo):
    login(client, "organisateur@example.org")
    response = submit(
        client,
        f"/evenements/{demo.id}/ateliers/nouveau",
        {"title": "Atelier LED", "min_size": "5", "max_size": "2", "location_id": "0"},
    )
    page = text(response)
    assert "Le nombre de places ne peut être inférieur au minimum." in page
    assert "Choisissez au moins un créneau." in page
    assert 'value="Atelier LED"' in page
    assert len(demo.workshops) == 1


def test_only_organisers_create_workshops(client, demo):
    login(client, "acheteur@example.org")
    assert client.get(f"/evenements/{demo.id}/ateliers/nouveau").status_code == 403
