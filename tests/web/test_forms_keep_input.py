"""Every form keeps what the user typed when it is refused (the forms not covered elsewhere:
login, registration, profile, needs, answers, selection, workshops, agenda runs and edits,
imports have their own tests)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import EventStatus, Organisation, OrganisationKind
from tests.conftest import login, submit, text
from tests.web.test_applications import register, three_wishes


@pytest.fixture
def open_event(demo):
    demo.status = EventStatus.OPEN
    demo.application_deadline = datetime.now(UTC) + timedelta(days=10)
    db.session.commit()
    return demo


def selected_value(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    option = re.search(r'<option selected value="([^"]*)"', select.group(1))
    return option.group(1) if option else None


def test_application_refused_keeps_wishes_pitches_and_presentation(client, open_event):
    register(client)
    wishes = three_wishes(open_event)
    data = {**wishes, "attendees": "9", "pitch": "Une PME du Vaucluse, 12 salariés."}
    response = submit(client, f"/evenements/{open_event.id}/candidature", data)
    page = text(response)
    assert "Entre 1 et 5 personnes." in page
    assert 'value="9"' in page
    assert "Une PME du Vaucluse, 12 salariés." in page
    assert "Plots LED solaires posés en une nuit." in page
    assert selected_value(page, "wish_1-target") == wishes["wish_1-target"]
    assert selected_value(page, "wish_2-priority") == "want"
    assert selected_value(page, "wish_3-priority") == "maybe"


def test_buyer_invitation_refused_keeps_name_and_direction(client, demo):
    login(client, "organisateur@example.org")
    direction = (
        db.session.query(Organisation).filter_by(kind=OrganisationKind.BUYER_DIRECTION).first()
    )
    response = submit(
        client,
        "/compte/inviter-un-acheteur",
        {"full_name": "Louis Roux", "email": "louis.roux@", "organisation_id": str(direction.id)},
    )
    page = text(response)
    assert 'aria-invalid="true"' in page
    assert 'value="Louis Roux"' in page
    assert 'value="louis.roux@"' in page
    assert selected_value(page, "organisation_id") == str(direction.id)


def test_forgotten_password_refused_keeps_the_address(client):
    response = submit(client, "/compte/mot-de-passe-oublie", {"email": "claire.martin@"})
    page = text(response)
    assert 'aria-invalid="true"' in page
    assert 'value="claire.martin@"' in page
