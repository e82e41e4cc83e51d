"""The accessibility statement (RGAA 4.1 model) and the footer link every page carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.main.routes import TEST_ENVIRONMENT
from tests.conftest import login, text

NNBSP = "\u202f"


def test_statement_has_every_section_of_the_rgaa_model_in_french(client):
    response = client.get("/accessibilite")
    assert response.status_code == 200
    page = text(response)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
    assert headings == [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Technologies utilisées",
        "Environnement de test",
        "Établissement de cette déclaration",
        "Retour d'information et contact",
        "Voies de recours",
    ]
    assert '<h1 class="h3">Déclaration d\'accessibilité</h1>' in page
    assert "article 47 de la loi n° 2005-102 du 11 février 2005" in page
    assert "Cette déclaration a été établie le lundi 23 novembre 2026." in page
    assert "Défenseur des droits" in page
    assert 'href="mailto:accessibilite@entremise.localhost"' in page


def test_statement_without_an_audit_says_non_conforme(client):
    page = text(client.get("/accessibilite"))
    assert (
        "Entremise est non conforme avec le référentiel général d'amélioration de "
        f"l'accessibilité (RGAA), version 4.1{NNBSP}: aucun audit de conformité" in page
    )
    assert "partiellement conforme" not in page


def test_statement_names_the_test_environment(client):
    page = text(client.get("/accessibilite"))
    assert f"navigateur{NNBSP}: Chromium 156 (Debian 12)" in page
    assert "axe-core 4.12.1" in page


def test_statement_names_the_axe_core_version_the_browser_tests_run():
    axe_playwright = pytest.importorskip("axe_playwright_python")
    bundled = Path(axe_playwright.__file__).parent / "axe.min.js"
    first_line = bundled.read_text(encoding="utf-8").splitlines()[0]
    version = re.search(r"axe v(\d+\.\d+\.\d+)", first_line)
    assert version is not None
    assert TEST_ENVIRONMENT["axe"] == f"axe-core {version.group(1)}"


def test_statement_with_an_audit_shows_partial_compliance_and_the_audit(app, client):
    app.config["ACCESSIBILITY_COMPLIANCE"] = "partial"
    app.config["ACCESSIBILITY_AUDIT"] = "Audit RGAA du 2 mars 2027 par Access42, 78 % des critères"
    page = text(client.get("/accessibilite"))
    assert "Entremise est partiellement conforme avec le référentiel" in page
    assert (
        f"Audit de conformité{NNBSP}: Audit RGAA du 2 mars 2027 par Access42, 78 % des critères"
        in page
    )
    assert f"Accessibilité{NNBSP}: partiellement conforme</a>" in page


def test_statement_unknown_compliance_setting_counts_as_non_conforme(app, client):
    app.config["ACCESSIBILITY_COMPLIANCE"] = "yes"
    page = text(client.get("/accessibilite"))
    assert "Entremise est non conforme avec" in page


def test_statement_in_english_keeps_the_page_language(client):
    client.get("/langue/en")
    response = client.get("/accessibilite")
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


FOOTER_LINK = re.compile(
    r'<a href="/accessibilite" data-testid="accessibility-link">'
    f"Accessibilité{NNBSP}: non conforme</a>"
)


@pytest.mark.parametrize(
    "path", ["/", "/compte/connexion", "/compte/inscription", "/accessibilite", "/nulle-part"]
)
def test_footer_links_to_the_statement_on_public_pages(client, demo, path):
    assert FOOTER_LINK.search(text(client.get(path)))


@pytest.mark.parametrize(
    "email", ["organisateur@example.org", "acheteur@example.org", "entreprise@example.org"]
)
def test_footer_links_to_the_statement_on_dashboards(client, demo, email):
    login(client, email)
    assert FOOTER_LINK.search(text(client.get("/tableau-de-bord")))
