"""A small event with user accounts on both sides, and publication of chosen placements."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import icalendar

from app.extensions import db
from app.models import (
    Event,
    MeetingRequest,
    OutboxMessage,
    Participant,
    Role,
    ScheduleVersion,
    User,
)
from app.scheduling.types import Objective, Result, ScheduledMeeting, Status, Unscheduled
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from tests.factories import make_buyer, make_company, make_event, make_request

ORGANISER_MAILBOX = "rdv@metropole.example"
# Buyer accounts first, then one account per company (the inactive one gets nothing).
BUYER_EMAILS = ("achat1@voirie.example", "achat2@voirie.example")
COMPANY_EMAILS = ("alpha@alpha.example", "beta@beta.example", "gamma@gamma.example")
INACTIVE_EMAIL = "ancien@alpha.example"


@dataclass
class Scenario:
    event: Event
    buyer: Participant
    companies: list[Participant]
    requests: list[MeetingRequest]


def _user(email: str, role: Role, participant: Participant, *, active: bool = True) -> User:
    user = User(
        email=email,
        full_name=email.split("@")[0].title(),
        role=role,
        organisation_id=participant.organisation_id,
        is_active_account=active,
    )
    db.session.add(user)
    return user


def make_scenario() -> Scenario:
    """3 slots × 2 tables; buyer « Voirie » (2 accounts) meets three companies (1 account each).

    The second company's name has a comma, a semicolon, accents and quotes.
    """
    event = make_event(slots=3, tables=2)
    event.contact_email = ORGANISER_MAILBOX
    buyer = make_buyer(event, "Voirie")
    companies = [make_company(event, n) for n in ("Alpha", "Béta, SARL; « Ouest »", "Gamma")]
    for email in BUYER_EMAILS:
        _user(email, Role.BUYER, buyer)
    for email, company in zip(COMPANY_EMAILS, companies, strict=True):
        _user(email, Role.COMPANY, company)
    _user(INACTIVE_EMAIL, Role.COMPANY, companies[0], active=False)
    requests = [make_request(c, buyer) for c in companies]
    db.session.commit()
    return Scenario(event, buyer, companies, requests)


def publish(
    scn: Scenario,
    placed: list[tuple[int, int, int]],
    unscheduled: tuple[int, ...] = (),
    *,
    commit: bool = True,
) -> tuple[ScheduleVersion, schedules.Diff]:
    """Store and publish a version: `placed` = (request index, slot index, table index)."""
    event = scn.event
    instance = build_instance(event.id)
    slots = [f"s{s.id}" for s in event.slots]
    tables = [f"t{t.id}" for t in event.locations]
    result = Result(
        instance=instance.name,
        status=Status.OPTIMAL,
        meetings=tuple(
            ScheduledMeeting(f"r{scn.requests[r].id}", slots[s], tables[t]) for r, s, t in placed
        ),
        unscheduled=tuple(Unscheduled(f"r{scn.requests[r].id}", "retiré") for r in unscheduled),
        objective=Objective(0, 0, 0),
        wall_time_s=0.1,
    )
    previous = schedules.published_version(event.id)
    version = schedules.store_result(
        event.id,
        instance,
        result,
        actor_id=None,
        based_on_id=previous.id if previous is not None else None,
    )
    changes = schedules.publish(version.id, actor_id=None)
    if commit:
        db.session.commit()
    return version, changes


def rows(**where) -> list[OutboxMessage]:
    stmt = db.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
    return list(db.session.execute(stmt).scalars())


def calendar_part(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    """The text/calendar alternative: its `method` parameter and the parsed file."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_payload(decode=True))


def vevent(calendar: icalendar.Calendar) -> icalendar.Event:
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]
