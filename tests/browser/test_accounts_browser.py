"""People clicking through the foundation: log in per role, switch language, accessibility."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Entremise-2026"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def login(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def assert_accessible(page) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("organisateur@example.org", "Tableau de bord de l'organisateur"),
        ("acheteur@example.org", "Tableau de bord de l'acheteur"),
        ("entreprise@example.org", "Tableau de bord de l'entreprise"),
    ],
)
def test_demo_account_logs_in_and_sees_its_dashboard(page, email, heading):
    login(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("Rendez-vous de la commande publique 2027").first).to_be_visible()
    assert_accessible(page)


def test_login_with_keyboard_only(page):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse électronique").focus()
    page.keyboard.type("entreprise@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))


def test_wrong_password_error_is_tied_to_the_field(page):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse électronique").fill("acheteur@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("Pas-le-bon-2027")
    page.get_by_role("button", name="Se connecter").click()
    password = page.get_by_label("Mot de passe", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    described = password.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_have_text("Adresse ou mot de passe incorrect.")
    assert_accessible(page)


def test_language_switch_by_clicking(page):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/evenements/1",
        "/compte/connexion",
        "/compte/inscription",
        "/compte/mot-de-passe-oublie",
        "/accessibilite",
    ],
)
def test_public_pages_have_no_wcag_aa_violation(page, path):
    page.goto(path)
    assert_accessible(page)


def test_registration_errors_are_announced_and_input_kept(page):
    page.goto("/compte/inscription")
    page.get_by_label("Nom de l'entreprise").fill("Vélos du Panier")
    page.get_by_label("Numéro SIRET").fill("12345678901234")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_label("Nom de l'entreprise")).to_have_value("Vélos du Panier")
    expect(page.get_by_label("Numéro SIRET")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_footer_link_leads_to_the_accessibility_statement(page):
    page.goto("/")
    page.get_by_role("link", name="Accessibilité\u202f: non conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    expect(page.get_by_role("heading", level=2, name="Voies de recours")).to_be_visible()
    assert_accessible(page)
