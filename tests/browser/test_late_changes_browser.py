"""Late changes in Chromium: publish, cancel a meeting, re-optimise, read what changes; axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serve_with_worker
from tests.browser.test_accounts_browser import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Entremise-2026"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo app plus a scheduling worker thread using the first_fit solver."""
    with serve_with_worker(tmp_path_factory.mktemp("late")) as (url, _app):
        yield url


def test_organiser_cancels_a_meeting_reoptimises_and_reads_what_changes(page):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse électronique").fill("organisateur@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=re.compile("Planning de l'événement")).click()
    page.get_by_label("Limite de temps du calcul (secondes)").fill("5")
    page.get_by_role("button", name="Générer le planning").click()
    page.get_by_role("link", name="Voir la version créée").first.click(timeout=20_000)
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_test_id("version-status")).to_have_text("Publiée")

    page.get_by_role(
        "link", name=re.compile("Enregistrer un changement de dernière minute")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changements de dernière minute")
    assert_accessible(page)

    # No reason: the field says so, nothing is recorded.
    page.get_by_role("button", name="Enregistrer l'annulation").click()
    expect(page.locator("#annulation-reason-erreurs")).to_contain_text("Indiquez la raison.")
    assert_accessible(page)

    page.get_by_label("Rendez-vous annulé").select_option(index=0)
    page.locator("#annulation-reason").fill("Empêchement de dernière minute")
    page.get_by_role("button", name="Enregistrer l'annulation").click()
    expect(page.get_by_role("alert").first).to_contain_text("Annulation du rendez-vous enregistrée")
    expect(page.get_by_test_id("pending")).to_contain_text("depuis sa publication\u202f: 1.")

    page.get_by_role("button", name="Réoptimiser la version publiée").click()
    page.get_by_role("link", name="Voir la version créée").first.click(timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 2")
    expect(page.get_by_role("heading", name="Ce qui change avant publication")).to_be_visible()
    expect(page.get_by_test_id("locked-kept")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Voir le détail")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce qui change")
    expect(page.get_by_test_id("changes-removed")).to_contain_text("rendez-vous annulé")
    assert_accessible(page)

    page.get_by_role("link", name="Planning", exact=True).click()
    page.get_by_role("link", name="Suivis après l'événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivis après l'événement")
    assert_accessible(page)
