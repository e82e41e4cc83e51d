"""The demo event: realistic content, loadable once, from the CLI too."""

from __future__ import annotations

from collections import Counter
from datetime import time

import pytest

from app.extensions import db
from app.models import (
    ApplicationStatus,
    CompanySize,
    Event,
    InterestKind,
    MeetingRequest,
    Need,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    User,
)
from app.services import demo as demo_service


def test_demo_has_four_buyer_directions_with_needs_and_cpv_codes(demo):
    directions = db.session.query(Organisation).filter_by(kind=OrganisationKind.BUYER_DIRECTION)
    assert directions.count() == 4
    needs = db.session.query(Need).filter_by(event_id=demo.id).all()
    assert len(needs) == 6
    assert all(need.cpv_codes for need in needs)
    assert {n.buyer.name for n in needs} == set(demo_service.DIRECTIONS.values())


def test_demo_has_fifteen_selected_companies_of_mixed_sizes(demo):
    companies = [p for p in demo.participants if p.role is ParticipantRole.COMPANY]
    assert len(companies) == 15
    assert {p.application.status for p in companies} == {ApplicationStatus.SELECTED}
    sizes = Counter(p.organisation.size for p in companies)
    assert set(sizes) == set(CompanySize)
    assert sum(p.organisation.is_ess for p in companies) == 6


def test_demo_has_seventeen_requests_covering_every_company(demo):
    requests = db.session.query(MeetingRequest).filter_by(event_id=demo.id).all()
    assert len(requests) == 17
    companies = {p.id for p in demo.participants if p.role is ParticipantRole.COMPANY}
    assert {r.company_id for r in requests} == companies
    assert all(r.weight and r.weight >= 1 for r in requests)


def test_demo_grid_is_twenty_minute_slots_from_14_to_17_paris(demo):
    starts = [s.local_start().time() for s in demo.slots]
    assert starts == [
        time(14, 0),
        time(14, 20),
        time(14, 40),
        time(15, 0),
        time(15, 20),
        time(15, 40),
        time(16, 0),
        time(16, 20),
        time(16, 40),
    ]
    assert demo.slots[-1].local_end().time() == time(17, 0)
    # March 2027 is before the change to summer time: Paris is UTC+1.
    assert demo.slots[0].starts_at.isoformat() == "2027-03-16T13:00:00+00:00"
    assert sum(loc.kind.value == "table" for loc in demo.locations) == 8


def test_demo_workshop_offers_nine_company_seats(demo):
    workshop = demo.workshops[0]
    assert workshop.title == "Marquage au sol LED"
    members = [i for i in workshop.interests if i.kind is InterestKind.MEMBER]
    candidates = [i for i in workshop.interests if i.kind is InterestKind.CANDIDATE]
    assert len(members) == 1
    assert workshop.max_size - len(members) == 9
    assert len(candidates) == 10
    assert [s.local_start().time() for s in workshop.slots] == [
        time(15, 0),
        time(15, 20),
        time(15, 40),
    ]


def test_demo_accounts_log_in_with_the_documented_password(demo):
    for email in ("organisateur@example.org", "acheteur@example.org", "entreprise@example.org"):
        user = db.session.query(User).filter_by(email=email).one()
        assert user.check_password("Demo-Entremise-2026")


def test_demo_loaded_twice_is_refused(demo):
    with pytest.raises(demo_service.DemoError):
        demo_service.load_demo()


def test_cli_demo_load_if_empty_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo event" in first.output
    second = runner.invoke(args=["demo", "load", "--if-empty"])
    assert second.exit_code == 0
    assert "not loaded" in second.output
    assert db.session.query(Event).count() == 1


def test_cli_demo_load_on_a_non_empty_database_fails_clearly(demo, app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "already has events" in result.output


def test_cli_create_organiser_creates_an_account(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create-organiser",
            "Claire@Metropole.example",
            "--name",
            "Claire",
            "--password",
            "Organiser-Secret-2027",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="claire@metropole.example").one()
    assert user.is_organiser and user.check_password("Organiser-Secret-2027")
    assert user.organisation is None and "(every event)" in result.output


def test_cli_create_organiser_in_an_organisation_joins_or_creates_it(app, demo):
    def create(email: str, organisation: str):
        return app.test_cli_runner().invoke(
            args=[
                *("users", "create-organiser", email, "--organisation", organisation),
                *("--password", "Organiser-Secret-2027"),
            ]
        )

    result = create("second@metropole.example", "Métropole Méditerranée")
    assert result.exit_code == 0, result.output
    assert "for Métropole Méditerranée" in result.output
    second = db.session.query(User).filter_by(email="second@metropole.example").one()
    assert second.organisation_id == demo.organiser_organisation_id  # the existing body
    result = create("claire@cluster.example", "Cluster Écoconstruction")
    assert result.exit_code == 0, result.output
    cluster = db.session.query(User).filter_by(email="claire@cluster.example").one()
    assert cluster.organisation is not None
    assert cluster.organisation.name == "Cluster Écoconstruction"
    assert cluster.organisation_id != demo.organiser_organisation_id


def test_cli_create_organiser_weak_password_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-organiser", "a@example.org", "--password", "faible"]
    )
    assert result.exit_code == 1
    assert "password too weak" in result.output
    assert db.session.query(User).count() == 0
