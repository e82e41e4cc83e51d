"""The organiser's agenda in Chromium: generate, watch progress, review, lock, publish; axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serve_with_worker
from tests.browser.test_accounts_browser import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Entremise-2026"
TIME_LIMIT = "Limite de temps du calcul (secondes)"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo app plus a scheduling worker thread using the first_fit solver."""
    with serve_with_worker(tmp_path_factory.mktemp("agenda")) as (url, _app):
        yield url


def test_organiser_generates_reviews_locks_and_publishes(page):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse électronique").fill("organisateur@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=re.compile("Planning de l'événement")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning de")
    assert_accessible(page)

    page.get_by_label(TIME_LIMIT).fill("0")
    page.get_by_role("button", name="Générer le planning").click()
    expect(page.get_by_label(TIME_LIMIT)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(TIME_LIMIT)).to_have_value("0")
    assert_accessible(page)

    page.get_by_label(TIME_LIMIT).fill("5")
    page.get_by_role("button", name="Générer le planning").click()
    # The page polls the job without reloading; its live region links to the new version.
    page.get_by_role("link", name="Voir la version créée").first.click(timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1")
    expect(page.locator("td[data-meeting]")).to_have_count(17)
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("^Verrouiller")).first.click()
    expect(page.get_by_role("alert")).to_contain_text("Rendez-vous verrouillé")
    expect(page.locator("td.cell-locked")).to_have_count(1)
    assert_accessible(page)

    page.locator("td.cell-locked a").first.click()
    expect(page.get_by_role("heading", level=2, name="Programme")).to_be_visible()
    assert_accessible(page)

    page.go_back()
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_role("alert")).to_contain_text("Version 1 publiée")
    expect(page.get_by_test_id("version-status")).to_have_text("Publiée")
    assert_accessible(page)
