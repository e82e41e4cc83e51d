"""Selection service: ranked applications, quota-aware runs applied with audit, decisions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.extensions import db
from app.models import (
    Answer,
    ApplicationStatus,
    AuditEntry,
    CompanySize,
    Priority,
    Role,
    User,
)
from app.services.sourcing import selection
from tests.factories import make_buyer, make_company, make_event, make_request

QUOTA = selection.RunSettings(
    quota_share=Decimal("0.5"), quota_flags=frozenset({"ess", "small"}), quota_name="ESS ou PME"
)
NO_QUOTA = selection.RunSettings(quota_share=Decimal(0), quota_flags=frozenset(), quota_name="")


@pytest.fixture
def scene(app):
    """Capacity 2 meetings (1 slot × 2 tables); three companies ask the same buyer."""
    event = make_event(slots=1, tables=2)
    buyer = make_buyer(event, "Voirie")
    big = make_company(event, "Grande A", status=ApplicationStatus.SUBMITTED)
    mutual = make_company(event, "Grande B", status=ApplicationStatus.SUBMITTED)
    small = make_company(event, "Petite ESS", status=ApplicationStatus.SUBMITTED)
    big.organisation.size = CompanySize.GE
    mutual.organisation.size = CompanySize.GE
    small.organisation.size = CompanySize.MICRO
    small.organisation.is_ess = True
    make_request(big, buyer, Priority.MUST)
    make_request(mutual, buyer, Priority.MUST, answer=Answer.YES)
    make_request(small, buyer, Priority.MAYBE)
    organiser = User(email="orga@example.org", role=Role.ORGANISER)
    db.session.add(organiser)
    db.session.commit()
    return event, big, mutual, small, organiser


def test_ranked_orders_by_score_with_explanations(scene):
    event, _big, _mutual, _small, _ = scene
    rows = selection.ranked(event.id)
    assert [(r.participant.organisation.name, r.score.total, r.rank) for r in rows] == [
        ("Grande B", Decimal("2.8"), 1),
        ("Grande A", Decimal("0.5"), 2),
        ("Petite ESS", Decimal("0.4"), 3),
    ]
    assert rows[2].score.messages("fr") == [
        "L'entreprise demande à rencontrer « Voirie » (vœu\u202f: éventuel)\u202f: +0,1",
        "L'entreprise relève de l'ESS\u202f: +0,2 (priorité fixée par l'organisateur)",
        "L'entreprise est une micro-entreprise\u202f: +0,1 (priorité fixée par l'organisateur)",
    ]


def test_preview_without_quota_selects_the_two_best_and_writes_nothing(scene):
    event, big, mutual, small, _ = scene
    run = selection.preview(event.id, NO_QUOTA)
    status = {
        run.by_id[d.application_id].participant.id: d.status.value for d in run.result.decisions
    }
    assert status == {mutual.id: "selected", big.id: "selected", small.id: "waitlisted"}
    db.session.expire_all()
    assert big.application.status is ApplicationStatus.SUBMITTED
    assert db.session.execute(db.select(AuditEntry)).first() is None


def test_apply_run_with_quota_sets_status_reason_weights_and_audit(scene):
    event, big, mutual, small, organiser = scene
    run = selection.apply_run(event.id, QUOTA, actor_id=organiser.id)
    db.session.commit()
    assert run.result.quotas[0].met is True
    db.session.expire_all()
    assert (mutual.application.status, big.application.status, small.application.status) == (
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.SELECTED,
    )
    assert small.application.decision_reason == (
        "sélectionnée pour respecter le quota « ESS ou PME »\u202f: score 0,4, rang 3"
    )
    assert big.application.decision_reason == (
        "liste d'attente\u202f: place cédée pour respecter le quota « ESS ou PME » "
        "(score 0,5, rang 2)"
    )
    assert small.application.decided_by_id == organiser.id
    assert small.application.decided_at is not None
    weights = {r.company_id: (r.weight, r.is_active) for r in event_requests(event)}
    assert weights == {mutual.id: (7, True), small.id: (1, True), big.id: (None, True)}
    actions = sorted(
        (e.action, e.target_id) for e in db.session.execute(db.select(AuditEntry)).scalars()
    )
    assert actions == sorted(
        [
            ("selection.run", None),
            ("application.selected", mutual.application.id),
            ("application.selected", small.application.id),
            ("application.waitlisted", big.application.id),
        ]
    )
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.target_id == small.application.id)
    ).scalar_one()
    assert entry.actor_id == organiser.id
    assert entry.details["run"]["quota_share"] == "0.5"
    assert entry.details["rank"] == 3


def event_requests(event):
    from app.models import MeetingRequest

    return (
        db.session.execute(db.select(MeetingRequest).where(MeetingRequest.event_id == event.id))
        .scalars()
        .all()
    )


def test_apply_run_deactivates_a_request_the_buyer_refused(scene):
    event, _big, mutual, _small, organiser = scene
    other = make_buyer(event, "Logistique")
    refused = make_request(mutual, other, Priority.WANT, answer=Answer.NO)
    db.session.commit()
    run = selection.apply_run(event.id, NO_QUOTA, actor_id=organiser.id)
    assert run.result.decision(mutual.application.id).status.value == "selected"
    assert (refused.weight, refused.is_active) == (None, False)
    kept = next(
        r for r in event_requests(event) if r.company_id == mutual.id and r.id != refused.id
    )
    assert (kept.weight, kept.is_active) == (7, True)


def test_decide_records_an_individual_decision_with_reason(scene):
    event, big, _mutual, _small, organiser = scene
    selection.decide(
        big.application.id,
        ApplicationStatus.DECLINED,
        "Hors périmètre",
        event_id=event.id,
        actor_id=organiser.id,
    )
    db.session.commit()
    assert big.application.status is ApplicationStatus.DECLINED
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "application.declined")
    ).scalar_one()
    assert (entry.reason, entry.details["previous"], entry.actor_id) == (
        "Hors périmètre",
        "submitted",
        organiser.id,
    )


def test_preview_refuses_an_event_without_capacity(app):
    event = make_event(slots=1, tables=0)
    db.session.commit()
    with pytest.raises(selection.SelectionServiceError, match="no_capacity"):
        selection.preview(event.id, NO_QUOTA)


def test_preview_reports_a_quota_that_only_empty_places_could_meet(scene):
    event, _big, _mutual, small, _organiser = scene
    settings = selection.RunSettings(
        quota_share=Decimal("0.9"), quota_flags=frozenset({"ess"}), quota_name="ESS"
    )
    run = selection.preview(event.id, settings)
    selected = [d.application_id for d in run.result.decisions if d.status.value == "selected"]
    assert selected == [small.application.id]
    assert [s.message("fr") for s in run.result.shortfalls] == [
        "quota « ESS » impossible à atteindre\u202f: 90\u202f% des 2 entreprises sélectionnables = "
        "2 nécessaires, seulement 1 candidatures éligibles (il en manque 1)"
    ]
