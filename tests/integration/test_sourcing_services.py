"""Services of the sourcing half: needs, applications and answers, on a small event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    Answer,
    ApplicationStatus,
    EventStatus,
    InterestKind,
    MeetingRequest,
    Organisation,
    OrganisationKind,
    Priority,
    RequestOrigin,
    Role,
    User,
    Workshop,
    WorkshopInterest,
)
from app.services.sourcing import answers, applications, needs
from app.services.sourcing.cpv import resolve_codes
from tests.factories import make_buyer, make_company, make_event, new_siret
from tests.sourcing_helpers import load_small_cpv


@pytest.fixture
def event(app):
    event = make_event(slots=3, tables=2)
    event.status = EventStatus.OPEN
    event.application_deadline = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    return event


@pytest.fixture
def actor(app):
    user = User(email="orga@example.org", role=Role.ORGANISER)
    db.session.add(user)
    db.session.commit()
    return user.id


def _company_org(name="Éclair Sud"):
    org = Organisation(kind=OrganisationKind.COMPANY, name=name, siret=new_siret())
    db.session.add(org)
    db.session.flush()
    return org


def _data(*wishes, workshops=frozenset(), slots=frozenset()):
    return applications.ApplicationData(
        pitch="",
        attendees=1,
        is_first_time=False,
        wishes=tuple(wishes),
        workshop_ids=frozenset(workshops),
        unavailable_slot_ids=frozenset(slots),
    )


def test_create_need_adds_the_buyer_to_the_event_and_catalogue_filters(event, actor):
    load_small_cpv()
    org = Organisation(kind=OrganisationKind.BUYER_DIRECTION, name="Voirie")
    db.session.add(org)
    db.session.flush()
    data = needs.NeedData(
        title="Plots LED",
        description="",
        cpv_codes=resolve_codes("45233221 34993000").codes,
        expected_date=None,
        amount_band=None,
        has_sme_lots=True,
    )
    need = needs.create_need(
        event_id=event.id, buyer_organisation_id=org.id, data=data, actor_id=actor
    )
    assert needs.buyer_participant(event.id, org.id) is not None
    found = needs.catalogue(event.id, needs.NeedFilter(division="45", tag="pme"))
    assert [n.id for n in found.needs] == [need.id]
    assert found.divisions == [("34", ""), ("45", "Travaux de construction")]
    assert needs.catalogue(event.id, needs.NeedFilter(tag="insertion")).needs == []


def test_create_need_refuses_a_company_as_buyer(event, actor):
    org = _company_org()
    data = needs.NeedData("x", "", (), None, None)
    with pytest.raises(needs.NeedError):
        needs.create_need(
            event_id=event.id, buyer_organisation_id=org.id, data=data, actor_id=actor
        )


def test_wish_for_an_invited_pair_keeps_the_buyers_yes(event, actor):
    buyer = make_buyer(event, "Voirie")
    org = _company_org()
    first = applications.submit_application(
        event_id=event.id,
        organisation_id=org.id,
        data=_data(applications.Wish(buyer.id, None, Priority.MAYBE, "")),
        actor_id=actor,
    )
    company = first.participant
    # The buyer answers yes; the company then raises its wish to "must".
    request = db.session.execute(db.select(MeetingRequest)).scalar_one()
    answers.answer_request(request.id, Answer.YES, buyer_id=buyer.id, actor_id=actor)
    applications.submit_application(
        event_id=event.id,
        organisation_id=org.id,
        data=_data(applications.Wish(buyer.id, None, Priority.MUST, "Enfin")),
        actor_id=actor,
    )
    rows = db.session.execute(db.select(MeetingRequest)).scalars().all()
    assert [(r.company_id, r.priority, r.answer, r.pitch) for r in rows] == [
        (company.id, Priority.MUST, Answer.YES, "Enfin")
    ]
    assert first.status is ApplicationStatus.SUBMITTED


def test_invitation_then_wish_becomes_a_company_request(event, actor):
    buyer = make_buyer(event, "Voirie")
    company = make_company(event, "Éclair Sud", status=ApplicationStatus.SUBMITTED)
    answers.invite_company(
        event_id=event.id, buyer_id=buyer.id, company_id=company.id, actor_id=actor
    )
    with pytest.raises(answers.AnswerError, match="already_requested"):
        answers.invite_company(
            event_id=event.id, buyer_id=buyer.id, company_id=company.id, actor_id=actor
        )
    event.status = EventStatus.OPEN
    applications.submit_application(
        event_id=event.id,
        organisation_id=company.organisation_id,
        data=_data(applications.Wish(buyer.id, None, Priority.WANT, "")),
        actor_id=actor,
    )
    request = db.session.execute(db.select(MeetingRequest)).scalar_one()
    assert (request.origin, request.answer) == (RequestOrigin.COMPANY, Answer.YES)


def test_application_refused_when_closed_or_for_a_foreign_target(event, actor):
    other_event = make_event()
    foreign = make_buyer(other_event, "Ailleurs")
    org = _company_org()
    with pytest.raises(applications.ApplicationError, match="bad_target"):
        applications.submit_application(
            event_id=event.id,
            organisation_id=org.id,
            data=_data(applications.Wish(foreign.id, None, Priority.MUST, "")),
            actor_id=actor,
        )
    event.application_deadline = datetime.now(UTC) - timedelta(seconds=1)
    buyer = make_buyer(event, "Voirie")
    with pytest.raises(applications.ApplicationError, match="closed"):
        applications.submit_application(
            event_id=event.id,
            organisation_id=org.id,
            data=_data(applications.Wish(buyer.id, None, Priority.MUST, "")),
            actor_id=actor,
        )


def test_workshop_candidacy_is_replaced_but_members_stay(event, actor):
    buyer = make_buyer(event, "Voirie")
    first, second = Workshop(event=event, title="LED"), Workshop(event=event, title="Vélo")
    db.session.add_all([first, second])
    db.session.flush()
    org = _company_org()
    wish = applications.Wish(buyer.id, None, Priority.MUST, "")
    application = applications.submit_application(
        event_id=event.id,
        organisation_id=org.id,
        data=_data(wish, workshops={first.id}, slots={event.slots[0].id}),
        actor_id=actor,
    )
    participant = application.participant
    db.session.add(
        WorkshopInterest(workshop=second, participant=participant, kind=InterestKind.MEMBER)
    )
    db.session.flush()
    applications.submit_application(
        event_id=event.id,
        organisation_id=org.id,
        data=_data(wish, workshops=set(), slots={event.slots[1].id}),
        actor_id=actor,
    )
    kinds = sorted(
        (i.workshop.title, i.kind.value)
        for i in db.session.execute(db.select(WorkshopInterest)).scalars()
    )
    assert kinds == [("Vélo", "member")]
    assert [u.slot_id for u in participant.unavailabilities] == [event.slots[1].id]


def test_buyer_page_orders_requests_by_score_and_lists_others_to_invite(event, actor):
    buyer = make_buyer(event, "Voirie")
    keen = make_company(event, "Keen", status=ApplicationStatus.SUBMITTED)
    lukewarm = make_company(event, "Lukewarm", status=ApplicationStatus.SUBMITTED)
    silent = make_company(event, "Silent", status=ApplicationStatus.SUBMITTED)
    for company, priority in ((lukewarm, Priority.MAYBE), (keen, Priority.MUST)):
        db.session.add(
            MeetingRequest(event_id=event.id, company=company, buyer=buyer, priority=priority)
        )
    db.session.flush()
    page = answers.buyer_page(event.id, buyer.id)
    assert [(i.company.id, str(i.score.total)) for i in page.incoming] == [
        (keen.id, "0.6"),
        (lukewarm.id, "0.2"),
    ]
    assert [c.company.id for c in page.candidates] == [silent.id]
    with pytest.raises(answers.AnswerError, match="not_yours"):
        answers.answer_request(page.incoming[0].request.id, Answer.NO, buyer_id=0, actor_id=actor)
