"""Imports with a dry run (all or nothing, every bad line and column) and CSV/XLSX exports."""

from __future__ import annotations

import io
import re

import openpyxl

from app.extensions import db
from app.models import AuditEntry, Organisation, Participant, User
from tests.conftest import csrf_token, login, text
from tests.sourcing_helpers import load_small_cpv

GOOD = (
    "Nom;SIRET;E-mail;Taille;ESS;SIAE;Département;CPV;Offre\n"
    "Lumières du Sud;73282932000074;contact@lumieres.example;PME;oui;non;13;"
    "34993000 45233221;Éclairage public LED\n"
    "Lumisol Marquage;81234560100015;entreprise@example.org;PME;non;non;13;;\n"
)
BAD = (
    "Nom;SIRET;E-mail;Taille;ESS;SIAE;Département;CPV;Offre\n"
    "Lumières du Sud;73282932000075;contact@lumieres.example;PME;oui;non;13;34993000;x\n"
    "Sans CPV;81242479400012;autre@example.org;énorme;non;non;13;99999999;y\n"
)


def _upload(client, demo, kind, content: bytes, filename: str, dry_run: bool):
    url = f"/evenements/{demo.id}/import/{kind}"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "file": (io.BytesIO(content), filename)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post(url, data=data, content_type="multipart/form-data")


def _org(name):
    return db.session.execute(
        db.select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()


def test_company_import_dry_run_reports_and_writes_nothing(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    response = _upload(client, demo, "entreprises", GOOD.encode(), "entreprises.csv", True)
    page = text(response)
    assert response.status_code == 200
    assert "Essai à blanc réussi\u202f: rien n'a été enregistré." in page
    assert "À créer\u202f: Lumières du Sud" in page
    assert "À mettre à jour\u202f: Lumisol Marquage" in page
    assert _org("Lumières du Sud") is None


def test_company_import_malformed_lines_list_every_error_and_commit_nothing(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    response = _upload(client, demo, "entreprises", BAD.encode(), "entreprises.csv", False)
    page = text(response)
    assert response.status_code == 400
    assert "3 erreurs\u202f: rien n'a été enregistré." in page
    assert "ligne 2, colonne SIRET\u202f: numéro SIRET invalide" in page
    assert "ligne 3, colonne Taille\u202f: catégorie d'entreprise inconnue « énorme »" in page
    assert "ligne 3, colonne CPV\u202f: code CPV inconnu « 99999999 »" in page
    assert _org("Lumières du Sud") is None
    assert _org("Sans CPV") is None


def test_company_import_commits_companies_accounts_and_applications(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    response = _upload(client, demo, "entreprises", GOOD.encode(), "entreprises.csv", False)
    assert response.status_code == 302
    org = _org("Lumières du Sud")
    assert (org.is_ess, org.departement, [c.code for c in org.cpv_codes]) == (
        True,
        "13",
        ["34993000", "45233221"],
    )
    user = db.session.execute(
        db.select(User).where(User.email == "contact@lumieres.example")
    ).scalar_one()
    assert (user.role.value, user.password_hash, user.organisation_id) == ("company", None, org.id)
    participant = db.session.execute(
        db.select(Participant).where(Participant.organisation_id == org.id)
    ).scalar_one()
    assert participant.application.status.value == "submitted"
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "import.entreprises")
    ).scalar_one()
    assert (entry.details["created"], entry.details["updated"]) == (1, 1)


def test_company_import_email_of_another_organisation_is_a_line_error(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    content = b"Nom;SIRET;E-mail\nNouvelle;73282932000074;acheteur@example.org\n"
    page = text(_upload(client, demo, "entreprises", content, "e.csv", False))
    assert "ligne 2, colonne E-mail\u202f: adresse électronique déjà utilisée" in page
    assert _org("Nouvelle") is None


def test_buyer_import_from_xlsx_creates_directions(client, demo):
    login(client, "organisateur@example.org")
    book = openpyxl.Workbook()
    book.active.append(["Nom", "E-mail", "Département"])
    book.active.append(["Direction des sports", "sports@metropole.example", 13])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, demo, "acheteurs", out.getvalue(), "acheteurs.xlsx", False)
    assert response.status_code == 302
    org = _org("Direction des sports")
    assert (org.kind.value, org.parent.name, org.departement) == (
        "buyer_direction",
        "Métropole Méditerranée",
        "13",
    )


def test_import_without_file_or_with_wrong_type_shows_french_errors(client, demo):
    login(client, "organisateur@example.org")
    url = f"/evenements/{demo.id}/import/entreprises"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    assert "Choisissez un fichier." in text(response)
    response = _upload(client, demo, "entreprises", b"x", "liste.pdf", False)
    assert "Le fichier doit être au format CSV ou XLSX." in text(response)


def test_export_applications_csv_and_requests_xlsx(client, demo):
    login(client, "organisateur@example.org")
    response = client.get(f"/evenements/{demo.id}/export/candidatures.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Rang;Entreprise;SIRET;Taille;ESS;SIAE")
    assert len(lines) == 16
    response = client.get(f"/evenements/{demo.id}/export/demandes.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Entreprise", "Acheteur", "Besoin")
    assert len(rows) == 18
    assert client.get(f"/evenements/{demo.id}/export/autre.csv").status_code == 404
    assert client.get(f"/evenements/{demo.id}/export/candidatures.pdf").status_code == 404


def test_csv_export_quotes_cells_that_spreadsheets_would_run_as_formulas():
    from app.services.transfers.exports import to_csv

    body = to_csv(("Nom", "Score"), [["=HYPERLINK(1)", 2.5], ["-1+1", "ok"]]).decode("utf-8")
    assert body == "\ufeffNom;Score\r\n'=HYPERLINK(1);2,5\r\n'-1+1;ok\r\n"


def _summary(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="lines-(\w+)">(\d+)</dd>', page))


def test_import_errors_show_a_summary_keep_the_dry_run_choice_and_name_the_file(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    content = BAD + "Lumisol Marquage;81234560100015;entreprise@example.org;PME;non;non;13;;\n"
    response = _upload(client, demo, "entreprises", content.encode(), "liste-mars.csv", True)
    page = text(response)
    assert response.status_code == 400
    assert _summary(page) == {"read": "3", "created": "0", "updated": "0", "rejected": "2"}
    assert "Fichier lu\u202f: liste-mars.csv" in page
    assert re.search(r'<input checked[^>]*id="dry_run"|<input[^>]*id="dry_run"[^>]*checked', page)
    assert "Corrigez le fichier puis choisissez-le à nouveau" in page


def test_import_dry_run_summary_counts_lines_to_create_and_update(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    page = text(_upload(client, demo, "entreprises", GOOD.encode(), "entreprises.csv", True))
    assert _summary(page) == {"read": "2", "created": "1", "updated": "1", "rejected": "0"}
    assert "Lignes à créer" in page and "Lignes créées" not in page


def test_import_header_problem_rejects_the_file_but_no_line(client, demo):
    login(client, "organisateur@example.org")
    content = b"Nom;Adresse\nDirection des sports;sports@metropole.example\n"
    page = text(_upload(client, demo, "acheteurs", content, "acheteurs.csv", False))
    assert _summary(page) == {"read": "1", "created": "0", "updated": "0", "rejected": "0"}
    assert "ligne 1, colonne E-mail\u202f: colonne obligatoire absente de l'en-tête" in page


def test_import_success_flashes_the_lines_read(client, demo):
    load_small_cpv()
    login(client, "organisateur@example.org")
    response = _upload(client, demo, "entreprises", GOOD.encode(), "entreprises.csv", False)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Import terminé\u202f: 1 créées, 1 mises à jour." in page
    assert "Fichier entreprises.csv\u202f: 2 lignes lues, aucune rejetée." in page
