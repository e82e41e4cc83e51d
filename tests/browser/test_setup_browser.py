"""An organiser sets an event up in Chromium: event, day with preview, tables; axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import assert_accessible, login

pytestmark = pytest.mark.browser


def test_organiser_sets_up_a_new_event(page):
    login(page, "organisateur@example.org")
    page.get_by_role("link", name="Créer un événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel événement")
    assert_accessible(page)

    # An unknown timezone is refused next to the field, the input kept.
    page.get_by_label("Titre").fill("Rencontres de l'innovation 2028")
    page.get_by_label("Fuseau horaire").fill("Europe/Marseille")
    page.get_by_role("button", name="Enregistrer").click()
    timezone = page.get_by_label("Fuseau horaire")
    expect(timezone).to_have_attribute("aria-invalid", "true")
    expect(timezone).to_have_value("Europe/Marseille")
    assert_accessible(page)
    timezone.fill("Europe/Paris")
    page.get_by_label("Lieu").fill("Parc Chanot, Marseille")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paramétrage de l'événement")
    assert_accessible(page)

    page.get_by_role("link", name="Journées et créneaux").click()
    page.get_by_role("link", name="Ajouter une journée").click()
    page.get_by_label("Date").fill("2028-03-21")
    page.get_by_label("Début", exact=True).fill("09:00")
    page.get_by_label("Fin", exact=True).fill("12:00")
    page.get_by_label("Durée d'un créneau (minutes)").fill("30")
    page.locator("#pauses-0-start").fill("10:30")
    page.locator("#pauses-0-end").fill("10:45")
    page.locator("#pauses-0-label").fill("Café")
    page.get_by_role("button", name="Prévisualiser les créneaux").click()
    preview = page.locator("#apercu-creneaux")
    expect(preview).to_contain_text("10\u00a0h\u00a045 – 11\u00a0h\u00a015")
    expect(page.get_by_text("5 créneaux", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer la journée").click()
    expect(page.get_by_role("alert").first).to_contain_text("5 créneaux")
    expect(
        page.get_by_role("heading", level=2, name=re.compile("mardi 21 mars 2028"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Tables et salles").click()
    page.get_by_label("Nombre de tables").fill("4")
    page.get_by_label("Salle ou hall").first.fill("Hall 1")
    page.get_by_role("button", name="Créer les tables").click()
    expect(page.get_by_role("cell", name="Table 4", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Vue d'ensemble").click()
    page.get_by_role("button", name="Ouvrir les candidatures").click()
    expect(page.locator("main")).to_contain_text("Inscriptions ouvertes")
    assert_accessible(page)


def test_participants_settings_errors_are_accessible(page):
    login(page, "organisateur@example.org")
    page.goto("/organisation/evenements/1/parametres/participants")
    first_company_max = page.locator("#rows-4-max_meetings")
    first_company_max.fill("2")
    page.locator("#rows-4-min_meetings").fill("3")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    minimum = page.locator("#rows-4-min_meetings")
    expect(minimum).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rows-4-min_meetings-erreurs")).to_have_text(
        "Le minimum ne peut dépasser le maximum."
    )
    assert_accessible(page)
