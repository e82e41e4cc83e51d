"""The organiser's whole journey in Chromium, in French and in English, axe on every page.

A new event from scratch: event, day with a pause, tables, open applications; buyers and
companies imported from small CSV files (the demo's organisations); a buyer invites the
companies; the organiser pins the buyer's table and its cap, runs the selection, generates the
agenda, moves and locks a meeting, publishes by keyboard only, records a late cancellation,
re-optimises, reads what changes, publishes again and opens the mailing page.

Texts are looked up through the application's own catalogue (`t`), so the English run checks
whatever the catalogue translates; a few stable English strings are also asserted literally.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.browser.conftest import serve_with_worker
from tests.browser.test_accounts_browser import PASSWORD, assert_accessible

pytestmark = pytest.mark.browser

BUYER = "Direction de la voirie et de l'espace public"
COMPANIES = (
    ("Lumisol Marquage", "81234560100015", "entreprise@example.org"),
    ("Signalétique Provence", "81242479400012", "contact@signaletique.example"),
    ("Trafic Solutions", "81250398500010", "contact@trafic.example"),
    ("Cyclofret", "81258317700017", "contact@cyclofret.example"),
)
DRY_RUN = "Essai à blanc (vérifier sans rien enregistrer)"
# The English run checks these literally (stable strings of the catalogue).
ENGLISH = {
    "Tableau de bord de l'organisateur": "Organiser dashboard",
    "Générer le planning": "Generate the schedule",
    "Publier cette version": "Publish this version",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo app with a worker running the real engine: kept tables and locks are under
    test, and only CP-SAT honours them (the instance is tiny; the page sets a 5 s limit)."""
    from app.services.agenda import jobs

    directory = tmp_path_factory.mktemp("journey")
    with serve_with_worker(directory, solver=jobs.default_solver) as (url, app):
        yield url, app


@pytest.fixture(scope="module")
def live_server(served):
    return served[0]


def _message_ids() -> frozenset[str]:
    pot = Path(__file__).resolve().parents[2] / "app" / "translations" / "messages.pot"
    with pot.open("rb") as fh:
        return frozenset(m.id for m in read_po(fh) if isinstance(m.id, str) and m.id)


MESSAGE_IDS = _message_ids()


class Texts:
    """The page's texts in one language, from the app's catalogue."""

    def __init__(self, app, lang: str) -> None:
        self.app, self.lang = app, lang

    def __call__(self, msgid: str, **values: object) -> str:
        # A text the app does not have (a typo, or a message changed since) would silently
        # come back in French and hide an untranslated English page.
        assert msgid in MESSAGE_IDS, f"not a message of the app: {msgid!r}"
        with self.app.test_request_context(), force_locale(self.lang):
            return gettext(msgid, **values)


def published(t: Texts, n: int, added: int, moved: int, removed: int) -> str:
    """The flash message of a publication, with its counts."""
    return t(
        "Version %(n)s publiée. Par rapport à l'agenda publié précédent, rendez-vous "
        "ajoutés\u202f: %(added)s, déplacés\u202f: %(moved)s, retirés\u202f: %(removed)s.",
        n=n,
        added=added,
        moved=moved,
        removed=removed,
    )


def placed_text(t: Texts, n: int, locked: int) -> str:
    return t(
        "Rendez-vous placés\u202f: %(n)s, dont verrouillés\u202f: %(locked)s.", n=n, locked=locked
    )


def to_dashboard(page, t: Texts) -> None:
    """By the navigation bar's link (the first one: breadcrumbs repeat it)."""
    page.get_by_role("link", name=t("Tableau de bord"), exact=True).first.click()


def for_event(t: Texts, action: str, title: str) -> str:
    """A dashboard link's accessible name: the action, then the event's title."""
    return f"{t(action)} « {title} »"


def log_in(page, t: Texts, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label(t("Adresse électronique")).fill(email)
    page.get_by_label(t("Mot de passe"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Se connecter")).click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))


def log_out(page, t: Texts) -> None:
    page.get_by_role("button", name=t("Se déconnecter")).click()


def grid(page) -> dict[str, list[str]]:
    """Where each meeting of the version page's grid is: company → [slot, table]."""
    return page.locator("table.agenda-grid").evaluate(
        """table => {
            const heads = [...table.tHead.rows[0].cells].map(c => c.textContent.trim());
            const out = {};
            for (const td of table.querySelectorAll('td[data-meeting]')) {
                const company = td.querySelector('a').textContent.trim();
                const slot = td.parentElement.cells[0].textContent.trim();
                out[company] = [slot, heads[td.cellIndex]];
            }
            return out;
        }"""
    )


def tab_to(page, name: str, limit: int = 300) -> None:
    """Press Tab until the focused element is named `name` (keyboard-only navigation), and
    check that the focus is visible there (an outline or Bootstrap's focus ring)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                return [el.textContent.trim() || el.value || "",
                        style.outlineStyle !== "none" || style.boxShadow !== "none"];
            }"""
        )
        if focused[0] == name:
            assert focused[1], f"{name!r} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_organiser_journey_from_set_up_to_mailing(page, served, lang):
    _url, app = served
    t = Texts(app, lang)
    title = f"Rencontres de l'innovation 2028 ({lang})"
    if lang == "en":
        page.goto("/langue/en")
    log_in(page, t, "organisateur@example.org")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    heading = t("Tableau de bord de l'organisateur")
    if lang == "en":
        assert heading == ENGLISH["Tableau de bord de l'organisateur"]
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)

    # --- The event, its day (with a pause) and its tables.
    page.get_by_role("link", name=t("Créer un événement")).click()
    assert_accessible(page)
    page.get_by_label(t("Titre")).fill(title)
    page.get_by_label(t("Fuseau horaire")).fill("Europe/Paris")
    page.get_by_label(t("Lieu")).fill("Parc Chanot, Marseille")
    page.get_by_role("button", name=t("Enregistrer"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Paramétrage de l'événement"))
    assert_accessible(page)

    page.get_by_role("link", name=t("Journées et créneaux")).click()
    page.get_by_role("link", name=t("Ajouter une journée")).click()
    page.get_by_label(t("Date")).fill("2028-03-21")
    page.get_by_label(t("Début"), exact=True).fill("14:00")
    page.get_by_label(t("Fin"), exact=True).fill("16:00")
    page.get_by_label(t("Durée d'un créneau (minutes)")).fill("20")
    page.locator("#pauses-0-start").fill("15:00")
    page.locator("#pauses-0-end").fill("15:20")
    page.locator("#pauses-0-label").fill("Pause")
    page.get_by_role("button", name=t("Prévisualiser les créneaux")).click()
    preview = page.locator("#apercu-creneaux")
    expect(preview.locator("li")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("button", name=t("Enregistrer la journée")).click()
    expect(page.get_by_role("alert").first).to_contain_text("5")
    assert_accessible(page)

    page.get_by_role("link", name=t("Tables et salles")).click()
    page.get_by_label(t("Nombre de tables")).fill("3")
    page.get_by_label(t("Salle ou hall")).first.fill("Hall A")
    page.get_by_role("button", name=t("Créer les tables")).click()
    expect(page.get_by_role("cell", name="Table 3", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=t("Vue d'ensemble")).click()
    page.get_by_role("button", name=t("Ouvrir les candidatures")).click()
    assert_accessible(page)

    # --- Participants: the demo's buyer direction and four companies, from CSV files.
    to_dashboard(page, t)
    page.get_by_role("link", name=for_event(t, "Sélection des entreprises", title)).click()
    page.get_by_role("link", name=t("Importer des acheteurs")).click()
    assert_accessible(page)
    page.get_by_label(t("Fichier CSV ou XLSX")).set_input_files(
        files=[
            {
                "name": "acheteurs.csv",
                "mimeType": "text/csv",
                "buffer": f"Nom;E-mail\n{BUYER};acheteur@example.org\n".encode(),
            }
        ]
    )
    page.get_by_label(t(DRY_RUN)).uncheck()
    page.get_by_role("button", name=t("Importer")).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        t("Import terminé\u202f: %(c)s créées, %(u)s mises à jour.", c=0, u=1)
    )
    assert_accessible(page)

    page.get_by_role("link", name=t("Importer des entreprises")).click()
    rows = "".join(f"{name};{siret};{email}\n" for name, siret, email in COMPANIES)
    companies_csv = {
        "name": "entreprises.csv",
        "mimeType": "text/csv",
        "buffer": ("Nom;SIRET;E-mail\n" + rows).encode(),
    }
    page.get_by_label(t("Fichier CSV ou XLSX")).set_input_files(files=[companies_csv])
    # A dry run first: it says what would happen and writes nothing.
    page.get_by_label(t(DRY_RUN)).check()
    page.get_by_role("button", name=t("Importer")).click()
    dry_run_done = t("Essai à blanc réussi\u202f: rien n'a été enregistré.")
    expect(page.get_by_role("heading", name=dry_run_done)).to_be_visible()
    assert_accessible(page)
    # A browser never keeps a file input across pages: choose the file again.
    page.get_by_label(t("Fichier CSV ou XLSX")).set_input_files(files=[companies_csv])
    page.get_by_label(t(DRY_RUN)).uncheck()
    page.get_by_role("button", name=t("Importer")).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        t("Import terminé\u202f: %(c)s créées, %(u)s mises à jour.", c=0, u=4)
    )
    log_out(page, t)

    # --- The buyer invites the four companies.
    log_in(page, t, "acheteur@example.org")
    page.get_by_role("link", name=for_event(t, "Répondre aux demandes", title)).click()
    assert_accessible(page)
    for name, _siret, _email in COMPANIES:
        page.get_by_role("button", name=f"{t('Inviter')} {name}").click()
        expect(page.get_by_role("alert").first).to_contain_text(name)
    assert_accessible(page)
    log_out(page, t)

    # --- The organiser pins the buyer's table and caps it, then selects.
    log_in(page, t, "organisateur@example.org")
    page.get_by_role("link", name=for_event(t, "Paramétrage", title)).click()
    page.get_by_role("link", name=t("Participants"), exact=True).click()
    assert_accessible(page)
    buyer_row = page.get_by_role("row").filter(has_text=BUYER)
    buyer_row.get_by_label(t("Table gardée")).select_option(label="Table 2")
    buyer_row.get_by_label(t("Rendez-vous au plus")).fill("4")
    page.get_by_role("button", name=t("Enregistrer les réglages")).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        t("Réglages enregistrés (%(n)s participant(s) modifié(s)).", n=1)
    )
    expect(buyer_row.get_by_label(t("Table gardée")).locator("option:checked")).to_have_text(
        "Table 2"
    )
    expect(buyer_row.get_by_label(t("Rendez-vous au plus"))).to_have_value("4")
    assert_accessible(page)

    page.get_by_role("link", name=t("Vue d'ensemble")).click()
    page.get_by_role("button", name=t("Clore les candidatures et passer à la sélection")).click()
    to_dashboard(page, t)
    page.get_by_role("link", name=for_event(t, "Sélection des entreprises", title)).click()
    assert_accessible(page)
    page.get_by_role("button", name=t("Simuler la sélection")).click()
    assert_accessible(page)
    page.get_by_role("button", name=t("Appliquer cette sélection")).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        t(
            "Sélection appliquée\u202f: %(n)s candidatures sélectionnées, "
            "décisions enregistrées au journal.",
            n=4,
        )
    )
    assert_accessible(page)
    to_dashboard(page, t)
    page.get_by_role("link", name=for_event(t, "Paramétrage", title)).click()
    page.get_by_role("button", name=t("Passer à la préparation du planning")).click()

    # --- Generate the agenda; the page follows the job and links to the draft.
    page.get_by_role("link", name=t("Planning de l'événement"), exact=True).click()
    assert_accessible(page)
    page.get_by_label(t("Limite de temps du calcul (secondes)")).fill("5")
    generate = t("Générer le planning")
    if lang == "en":
        assert generate == ENGLISH["Générer le planning"]
    page.get_by_role("button", name=generate).click()
    page.get_by_role("link", name=t("Voir la version créée")).first.click(timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Version %(n)s du planning", n=1)
    )
    expect(page.get_by_text(placed_text(t, 4, 0))).to_be_visible()
    places = grid(page)
    assert sorted(places) == sorted(name for name, _s, _e in COMPANIES)
    assert {table for _slot, table in places.values()} == {"Table 2"}  # the kept table
    assert_accessible(page)

    # --- Move Lumisol's meeting to the free slot after the pause, then lock it.
    busy = {slot for slot, _table in places.values()}
    page.get_by_role("link", name=re.compile(rf"^{t('Modifier')} Lumisol Marquage")).click()
    assert_accessible(page)
    slot_select = page.get_by_label(t("Créneau"))
    options = slot_select.locator("option").all_inner_texts()
    free = [o for o in options if not any(slot.startswith(o.strip()) for slot in busy)]
    assert len(options) == 5 and len(free) == 1  # four meetings at one table, five slots
    target = free[0]
    slot_select.select_option(label=target)
    page.get_by_label(t("Table"), exact=True).select_option(label="Table 2")
    page.get_by_role("button", name=t("Déplacer"), exact=True).click()
    assert_accessible(page)
    moved = grid(page)
    assert moved["Lumisol Marquage"][1] == "Table 2"
    assert moved["Lumisol Marquage"][0] != places["Lumisol Marquage"][0]
    page.get_by_role("button", name=f"{t('Verrouiller')} Lumisol Marquage ↔ {BUYER}").click()
    expect(page.locator("td.cell-locked")).to_have_count(1)
    expect(page.locator("td.cell-locked")).to_contain_text("Lumisol Marquage")
    expect(page.get_by_text(placed_text(t, 4, 1))).to_be_visible()
    assert_accessible(page)

    # --- Publish with the keyboard only.
    publish = t("Publier cette version")
    if lang == "en":
        assert publish == ENGLISH["Publier cette version"]
    tab_to(page, publish)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_have_text(published(t, 1, 4, 0, 0))
    expect(page.get_by_test_id("version-status")).to_have_text(t("Publiée"))
    assert_accessible(page)

    # --- A late cancellation, re-optimised; what changes; published again.
    page.get_by_role("link", name=f"{t('Annuler…')} Trafic Solutions ↔ {BUYER}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Changements de dernière minute"))
    assert_accessible(page)
    page.locator("#annulation-reason").fill("Empêchement de dernière minute")
    page.get_by_role("button", name=t("Enregistrer l'annulation")).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        t("Annulation du rendez-vous enregistrée.")
    )
    assert_accessible(page)
    page.get_by_role("button", name=t("Réoptimiser la version publiée")).click()
    page.get_by_role("link", name=t("Voir la version créée")).first.click(timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Version %(n)s du planning", n=2)
    )
    after = grid(page)
    expect(page.get_by_text(placed_text(t, 3, 1))).to_be_visible()
    assert "Trafic Solutions" not in after
    assert after["Lumisol Marquage"] == moved["Lumisol Marquage"]  # locked: stays
    expect(page.get_by_role("heading", name=t("Ce qui change avant publication"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name=t("Voir le détail, rendez-vous par rendez-vous et participant par participant")
    ).click()
    expect(page.get_by_test_id("changes-removed")).to_contain_text("Trafic Solutions")
    expect(page.get_by_test_id("changes-removed")).to_contain_text(t("rendez-vous annulé"))
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name=publish).click()
    expect(page.get_by_role("alert").first).to_have_text(published(t, 2, 0, 0, 1))
    assert_accessible(page)

    # --- The mailing page follows the invitations of both publications.
    page.get_by_role("link", name=t("Suivre l'envoi des invitations par e-mail")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Invitations par e-mail de « %(title)s »", title=title)
    )
    # 4 meetings × 2 accounts (the direction's and the company's) first, then one
    # cancellation × 2 accounts.
    expect(page.get_by_test_id("mail-counts").locator("caption")).to_have_text(
        t("E-mails de cet événement par état (total : %(n)s)", n=10)
    )
    assert_accessible(page)
