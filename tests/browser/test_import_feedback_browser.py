"""An organiser's import refused in Chromium: the result summary, the line/column errors and
the kept dry-run choice, on a page that passes the axe WCAG 2.1 AA gate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import assert_accessible, login

pytestmark = pytest.mark.browser

DRY_RUN = "Essai à blanc (vérifier sans rien enregistrer)"
BAD_BUYERS = (
    "Nom;E-mail;Département\n"
    "Direction des sports;sports@metropole.example;13\n"
    "Direction de la culture;pas-une-adresse;13\n"
    "Direction des sports;sports2@metropole.example;99\n"
).encode()


def test_refused_import_shows_summary_and_errors_and_keeps_the_dry_run(page):
    login(page, "organisateur@example.org")
    page.goto("/evenements/1/import/acheteurs")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(
        {"name": "acheteurs.csv", "mimeType": "text/csv", "buffer": BAD_BUYERS}
    )
    page.get_by_label(DRY_RUN).check()
    page.get_by_role("button", name="Importer").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary.get_by_role("heading")).to_have_text("Résultat de l'import")
    expect(page.get_by_test_id("lines-read")).to_have_text("3")
    expect(page.get_by_test_id("lines-rejected")).to_have_text("2")
    expect(page.get_by_test_id("lines-created")).to_have_text("0")
    expect(page.get_by_role("alert")).to_contain_text("ligne 3, colonne E-mail")
    expect(page.get_by_label(DRY_RUN)).to_be_checked()
    assert_accessible(page)
