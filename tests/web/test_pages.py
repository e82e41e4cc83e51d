"""Public pages, language switch and error pages."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.models import Event, EventStatus, Participant, ParticipantRole


def test_home_lists_the_demo_event_in_french(client, demo):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Rendez-vous de la commande publique 2027" in page
    assert "mardi 16 mars 2027" in page


def test_home_hides_draft_events(client, demo):
    demo.status = EventStatus.DRAFT
    db.session.commit()
    assert "Rendez-vous de la commande publique 2027" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/evenements/{demo.id}").status_code == 404


def test_event_page_shows_needs_workshop_and_french_times(client, demo):
    page = client.get(f"/evenements/{demo.id}").get_data(as_text=True)
    assert "Marquage au sol LED des passages piétons" in page
    assert "45233221" in page
    assert "mardi 16 mars 2027, 14\u00a0h\u00a000" in page
    assert "17\u00a0h\u00a000" in page
    assert "4 acheteurs, 15 entreprises, 9 créneaux, 8 tables" in page


def test_language_switch_sets_english_and_back(client, demo):
    response = client.get("/langue/en?next=/")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    client.get("/langue/fr")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_external_next(client):
    response = client.get("/langue/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page_gives_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n&#39;existe pas." in response.get_data(as_text=True)


def test_french_pages_put_a_narrow_no_break_space_before_double_punctuation(client):
    page = client.get("/compte/connexion").get_data(as_text=True)
    assert "Mot de passe oublié\u202f?" in page
    assert "Mot de passe oublié ?" not in page


def test_dashboard_counts_agree_in_number_in_both_languages(client, demo):
    from tests.conftest import login

    login(client, "organisateur@example.org")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "15 entreprises" in page and "4 acheteurs" in page
    client.get("/langue/en")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "15 companies" in page and "0 published meetings" in page


def _link_names(page: str) -> list[str]:
    """Each link's text with tags removed, as a screen reader reads it."""
    names = re.findall(r"<a [^>]*>(.*?)</a>", page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", n).split()) for n in names]


@pytest.mark.parametrize(
    ("email", "actions"),
    [
        ("organisateur@example.org", ("Sélection des entreprises", "Publier un besoin")),
        ("acheteur@example.org", ("Répondre aux demandes", "Publier un besoin")),
    ],
)
def test_dashboard_action_links_name_their_event_when_several_events(client, demo, email, actions):
    from tests.conftest import login

    second = Event(
        title="Rencontres de l'innovation 2028",
        timezone="Europe/Paris",
        status=EventStatus.OPEN,
        organiser_organisation_id=demo.organiser_organisation_id,
    )
    db.session.add(second)
    db.session.flush()
    buyer = next(p for p in demo.participants if p.role is ParticipantRole.BUYER)
    db.session.add(
        Participant(event_id=second.id, organisation_id=buyer.organisation_id, role=buyer.role)
    )
    db.session.commit()
    login(client, email)
    names = _link_names(html.unescape(client.get("/tableau-de-bord").get_data(as_text=True)))
    for action in actions:
        # Same words for each event: the hidden title tells them apart (as « Paramétrage »).
        assert sorted(n for n in names if n.startswith(action)) == sorted(
            [f"{action} « {demo.title} »", f"{action} « Rencontres de l'innovation 2028 »"]
        )
