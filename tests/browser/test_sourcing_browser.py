"""A company applies in Chromium: catalogue filter, profile with CPV autocomplete, application
with three wishes; every page passes the axe WCAG 2.1 AA gate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.models import EventStatus
from tests.browser.conftest import serve_demo
from tests.browser.test_accounts_browser import assert_accessible, login

pytestmark = pytest.mark.browser


def _open_for_applications(event) -> None:
    event.status = EventStatus.OPEN
    event.application_deadline = datetime.now(UTC) + timedelta(days=7)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo event, open for applications, served on loopback (overrides conftest's)."""
    with serve_demo(tmp_path_factory.mktemp("sourcing"), _open_for_applications) as (url, _app):
        yield url


def test_public_catalogue_filters_by_cpv_division(page):
    page.goto("/evenements/1/besoins")
    expect(page.get_by_text("6 besoins")).to_be_visible()
    page.get_by_label("Division CPV").select_option("90")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 besoin", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Tri et réemploi des encombrants")).to_be_visible()
    assert_accessible(page)


def test_company_completes_profile_with_autocomplete_and_applies(page):
    login(page, "entreprise@example.org")
    page.get_by_role("link", name="Profil de l'entreprise").click()
    page.get_by_label("Chercher un code CPV (mots ou chiffres)").fill("fléchage")
    page.get_by_role("button", name=re.compile("^34928470-3")).click()
    expect(page.get_by_label("Codes CPV de votre offre")).to_have_value(
        "34993000-4, 45233221-4, 34928470-3"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_text("Profil enregistré.")).to_be_visible()

    page.get_by_role("link", name="Ma candidature").click()
    expect(page.get_by_role("heading", name="Ma candidature")).to_be_visible()
    wish_2 = page.get_by_role("group", name="Vœu 2")
    wish_2.get_by_label("Acheteur ou besoin").select_option(
        label="Métropole Méditerranée — Direction du patrimoine bâti"
    )
    wish_2.get_by_label("Priorité").select_option(label="Souhaité")
    wish_3 = page.get_by_role("group", name="Vœu 3")
    wish_3.get_by_label("Acheteur ou besoin").select_option(
        label="Métropole Méditerranée — Direction de la logistique et des moyens généraux"
    )
    wish_3.get_by_label("Priorité").select_option(label="Éventuel")
    page.get_by_label("Marquage au sol LED").check()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Votre candidature est enregistrée.")).to_be_visible()
    page.get_by_role("link", name="Ma candidature").click()
    expect(wish_3.get_by_label("Acheteur ou besoin")).to_have_value(re.compile(r"^b\d+$"))


@pytest.mark.parametrize(
    ("email", "path", "heading"),
    [
        (
            "acheteur@example.org",
            "/evenements/1/demandes-recues",
            "Qui souhaite vous rencontrer\u202f?",
        ),
        ("acheteur@example.org", "/evenements/1/besoins/nouveau", "Publier un besoin"),
        ("organisateur@example.org", "/evenements/1/selection", "Sélection des entreprises"),
        ("organisateur@example.org", "/evenements/1/ateliers/nouveau", "Créer un atelier"),
        (
            "organisateur@example.org",
            "/evenements/1/import/entreprises",
            "Importer des entreprises",
        ),
    ],
)
def test_buyer_and_organiser_pages_pass_the_accessibility_gate(page, email, path, heading):
    login(page, email)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_organiser_simulates_a_selection_run(page):
    login(page, "organisateur@example.org")
    page.goto("/evenements/1/selection")
    page.get_by_label("Part minimale de la sélection (en %)").fill("30")
    page.get_by_role("button", name="Simuler la sélection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulation de la sélection")
    expect(page.get_by_role("button", name="Appliquer cette sélection")).to_be_visible()
    assert_accessible(page)
