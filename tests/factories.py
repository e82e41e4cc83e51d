"""Small builders for test data (no fixtures hidden behind them)."""

from __future__ import annotations

from datetime import date, time
from itertools import count

from stdnum import luhn

from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    CompanySize,
    Event,
    EventStatus,
    Location,
    LocationKind,
    MeetingRequest,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantRole,
    Priority,
)
from app.services.setup.listing import add_day

_sirets = count()


def new_siret() -> str:
    """A valid, unique SIRET (Luhn on SIREN and on the 14 digits), outside the demo's range."""
    base = f"{52000000 + next(_sirets):08d}"
    siren = base + luhn.calc_check_digit(base)
    head = siren + "0001"
    return head + luhn.calc_check_digit(head)


def make_event(*, slots: int = 4, tables: int = 2, day: date = date(2027, 3, 16)) -> Event:
    event = Event(title="Test event", status=EventStatus.SCHEDULING)
    db.session.add(event)
    db.session.flush()
    end_minutes = 14 * 60 + 20 * slots
    add_day(event, day, time(14, 0), time(end_minutes // 60, end_minutes % 60), 20)
    for n in range(1, tables + 1):
        db.session.add(
            Location(event=event, name=f"Table {n}", kind=LocationKind.TABLE, position=n)
        )
    db.session.flush()
    return event


def make_buyer(event: Event, name: str = "Direction", **kwargs) -> Participant:
    org = Organisation(kind=OrganisationKind.BUYER_DIRECTION, name=name)
    participant = Participant(event=event, organisation=org, role=ParticipantRole.BUYER, **kwargs)
    db.session.add(participant)
    db.session.flush()
    return participant


def make_company(
    event: Event,
    name: str = "Entreprise",
    status: ApplicationStatus = ApplicationStatus.SELECTED,
    **kwargs,
) -> Participant:
    org = Organisation(
        kind=OrganisationKind.COMPANY, name=name, siret=new_siret(), size=CompanySize.PME
    )
    participant = Participant(event=event, organisation=org, role=ParticipantRole.COMPANY, **kwargs)
    participant.application = Application(status=status)
    db.session.add(participant)
    db.session.flush()
    return participant


def make_request(
    company: Participant, buyer: Participant, priority: Priority = Priority.WANT, **kwargs
) -> MeetingRequest:
    request = MeetingRequest(
        event_id=company.event_id, company=company, buyer=buyer, priority=priority, **kwargs
    )
    db.session.add(request)
    db.session.flush()
    return request
