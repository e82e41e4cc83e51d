"""Organisers manage their own organisation's events only (app/auth/scope.py)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import (
    Event,
    JobKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from app.services.accounts.access import may_manage
from app.services.agenda import jobs
from tests.conftest import csrf_token, login, text
from tests.solvers import first_fit

PASSWORD = "Autre-Organisation-2026"
SCOPED = ("event_id", "version_id", "job_id", "need_id")


def _organiser(email: str, organisation: Organisation | None) -> User:
    user = User(email=email, full_name="Autre", role=Role.ORGANISER, organisation=organisation)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def other_region(app):
    return Organisation(kind=OrganisationKind.BUYER_BODY, name="Région Sud")


def _ids(event: Event) -> dict[str, object]:
    """A value for every URL argument of the organiser's routes, taken from `event`."""
    job = jobs.enqueue(event.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    version = jobs.run_job(job.id, solver=first_fit).version
    return {
        "event_id": event.id,
        "version_id": version.id,
        "meeting_id": version.meetings[0].id,
        "participant_id": event.participants[0].id,
        "job_id": job.id,
        "need_id": event.needs[0].id,
        "location_id": event.locations[0].id,
        "day_id": event.days[0].id,
        "workshop_id": event.workshops[0].id,
        "application_id": 1,
        "kind": "x",
        "fmt": "csv",
        "way": "monter",
    }


def _organiser_route(app, rule) -> bool:
    return Role.ORGANISER in getattr(app.view_functions[rule.endpoint], "roles", ())


def _scoped_urls(app, event: Event) -> list[tuple[str, str, str]]:
    """(rule, method, url) of every organiser route whose URL names an object of `event`."""
    ids = _ids(event)
    found = []
    for rule in app.url_map.iter_rules():
        if not _organiser_route(app, rule) or not any(arg in rule.arguments for arg in SCOPED):
            continue
        url = rule.build({arg: ids[arg] for arg in rule.arguments}, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.rule, method, url))
    return found


def test_an_organiser_of_another_organisation_gets_403_on_every_route_of_the_event(
    app, client, demo, other_region
):
    _organiser("autre@region.example", other_region)
    login(client, "autre@region.example", PASSWORD)
    token = csrf_token(client.get("/organisation/evenements/nouveau").get_data(as_text=True))
    urls = _scoped_urls(app, demo)
    # Every organiser page, form and download of an event: set-up, selection, needs,
    # planning versions, jobs, printing, exports, mailing.
    assert len(urls) > 40
    refused = {}
    for rule, method, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        refused[rule, method] = response.status_code
    assert {key: code for key, code in refused.items() if code != 403} == {}
    # Nothing of the other event is listed either.
    assert demo.title not in text(client.get("/tableau-de-bord"))
    # Its public pages stay public.
    assert client.get(f"/evenements/{demo.id}").status_code == 200
    assert client.get(f"/evenements/{demo.id}/besoins").status_code == 200


def test_every_route_naming_an_event_is_public_a_participants_or_scoped(app):
    # A new route naming an event must be reserved to organisers (then scoped by
    # role_required) or be one of the known public or participant routes.
    others = {
        "main.event_detail",
        "needs.catalogue",
        "calendar.download",
        "calendar.feed",
        "applications.apply",
        "answers.incoming",
        "answers.invite",
        "printing.my_agenda",
    }
    unscoped = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(arg in rule.arguments for arg in SCOPED) and not _organiser_route(app, rule)
    }
    assert unscoped == others


def test_the_owning_organisation_and_an_installation_organiser_keep_access(
    app, client, demo, other_region
):
    setup_page = f"/organisation/evenements/{demo.id}/parametres"
    login(client, "organisateur@example.org")  # the demo's organiser, Métropole Méditerranée
    assert client.get(setup_page).status_code == 200
    assert demo.title in text(client.get("/tableau-de-bord"))
    client.post(
        "/compte/deconnexion",
        data={"csrf_token": csrf_token(client.get("/tableau-de-bord").get_data(as_text=True))},
    )
    _organiser("plateforme@entremise.example", None)  # no organisation: the installation's
    login(client, "plateforme@entremise.example", PASSWORD)
    assert client.get(setup_page).status_code == 200
    assert demo.title in text(client.get("/tableau-de-bord"))


def test_an_event_created_by_an_organiser_belongs_to_its_organisation(
    app, client, demo, other_region
):
    _organiser("autre@region.example", other_region)
    login(client, "autre@region.example", PASSWORD)
    page = client.get("/organisation/evenements/nouveau").get_data(as_text=True)
    response = client.post(
        "/organisation/evenements/nouveau",
        data={
            "csrf_token": csrf_token(page),
            "title": "Rencontres acheteurs de la Région",
            "timezone": "Europe/Paris",
        },
    )
    assert response.status_code == 302, text(response)
    event = db.session.execute(
        db.select(Event).where(Event.title == "Rencontres acheteurs de la Région")
    ).scalar_one()
    assert event.organiser_organisation_id == other_region.id
    assert client.get(f"/organisation/evenements/{event.id}/parametres").status_code == 200
    dashboard = text(client.get("/tableau-de-bord"))
    assert "Rencontres acheteurs de la Région" in dashboard
    assert demo.title not in dashboard


def test_an_unknown_object_is_still_a_404_for_any_organiser(app, client, demo, other_region):
    _organiser("autre@region.example", other_region)
    login(client, "autre@region.example", PASSWORD)
    assert client.get("/organisation/evenements/99999/parametres").status_code == 404


@pytest.mark.parametrize(
    ("organisation", "owner", "allowed"),
    [(1, 1, True), (1, 2, False), (None, 2, True), (1, None, True), (None, None, True)],
)
def test_may_manage(organisation, owner, allowed):
    assert may_manage(organisation, owner) is allowed
