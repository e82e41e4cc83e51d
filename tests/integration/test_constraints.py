"""The database itself refuses invalid states: double bookings, two meetings at one table."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from app.extensions import db
from app.models import (
    Booking,
    Event,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    Participant,
    ScheduleVersion,
    VersionStatus,
    WorkshopSeat,
)


@pytest.fixture
def version(demo):
    version = ScheduleVersion(event=demo, number=1)
    db.session.add(version)
    db.session.commit()
    return version


def _participants(event: Event) -> tuple[Participant, Participant, Participant]:
    buyers = [p for p in event.participants if p.role.value == "buyer"]
    companies = [p for p in event.participants if p.role.value == "company"]
    return buyers[0], companies[0], companies[1]


def _meeting(version, slot, location, *people) -> Meeting:
    """A scheduled meeting with its bookings, as the services create them."""
    meeting = Meeting(version=version, slot=slot, location=location)
    meeting.participant_links = [MeetingParticipant(participant=p) for p in people]
    db.session.add(meeting)
    db.session.flush()
    for p in people:
        db.session.add(
            Booking(
                version_id=version.id,
                participant_id=p.id,
                slot_id=slot.id,
                meeting_id=meeting.id,
                meeting_status="scheduled",
            )
        )
    db.session.flush()
    return meeting


def _workshop_booking(version, participant, slot_id, workshop) -> Booking:
    return Booking(
        version_id=version.id,
        participant_id=participant.id,
        slot_id=slot_id,
        workshop_id=workshop.id,
    )


def test_booking_double_booked_participant_is_rejected(demo, version):
    buyer, company_a, company_b = _participants(demo)
    slot = demo.slots[0]
    _meeting(version, slot, demo.locations[0], buyer, company_a)
    with pytest.raises(IntegrityError):
        _meeting(version, slot, demo.locations[1], buyer, company_b)


def test_meeting_two_at_one_table_and_slot_is_rejected(demo, version):
    buyer, company_a, company_b = _participants(demo)
    other_buyer = [p for p in demo.participants if p.role.value == "buyer"][1]
    _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    with pytest.raises(IntegrityError):
        _meeting(version, demo.slots[0], demo.locations[0], other_buyer, company_b)


def test_meeting_same_table_in_two_versions_is_allowed(demo, version):
    buyer, company_a, _ = _participants(demo)
    second = ScheduleVersion(event=demo, number=2)
    db.session.add(second)
    db.session.flush()
    _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    _meeting(second, demo.slots[0], demo.locations[0], buyer, company_a)
    db.session.commit()
    assert db.session.query(Booking).count() == 4


def test_meeting_moved_onto_a_busy_slot_is_rejected_through_its_bookings(demo, version):
    buyer, company_a, company_b = _participants(demo)
    _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    second = _meeting(version, demo.slots[1], demo.locations[0], buyer, company_b)
    db.session.commit()
    busy_slot, free_table = demo.slots[0], demo.locations[1]
    second.slot = busy_slot
    second.location = free_table
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_meeting_moved_to_a_free_slot_moves_its_bookings(demo, version):
    buyer, company_a, _ = _participants(demo)
    meeting = _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    db.session.commit()
    meeting.slot = demo.slots[4]
    db.session.commit()
    slots = {b.slot_id for b in db.session.query(Booking).filter_by(meeting_id=meeting.id)}
    assert slots == {demo.slots[4].id}


def test_meeting_cancelled_while_still_booked_is_rejected(demo, version):
    buyer, company_a, _ = _participants(demo)
    meeting = _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    db.session.commit()
    meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_meeting_cancelled_frees_its_table(demo, version):
    buyer, company_a, company_b = _participants(demo)
    meeting = _meeting(version, demo.slots[0], demo.locations[0], buyer, company_a)
    db.session.commit()
    db.session.query(Booking).filter_by(meeting_id=meeting.id).delete()
    meeting.status = MeetingStatus.CANCELLED
    db.session.flush()
    _meeting(version, demo.slots[0], demo.locations[0], buyer, company_b)
    db.session.commit()
    assert db.session.query(Meeting).filter_by(status=MeetingStatus.SCHEDULED).count() == 1


def test_booking_for_a_meeting_and_a_workshop_at_once_is_rejected(demo, version):
    buyer, company_a, _ = _participants(demo)
    meeting = _meeting(version, demo.slots[3], demo.locations[0], buyer, company_a)
    workshop = demo.workshops[0]
    db.session.add(WorkshopSeat(version=version, workshop=workshop, participant=company_a))
    db.session.flush()
    db.session.add(_workshop_booking(version, company_a, demo.slots[3].id, workshop))
    with pytest.raises(IntegrityError):
        db.session.flush()
    assert meeting.id is not None


def test_booking_in_a_slot_outside_the_workshop_is_rejected(demo, version):
    _, company_a, _ = _participants(demo)
    workshop = demo.workshops[0]  # held in slots 4 to 6
    db.session.add(WorkshopSeat(version=version, workshop=workshop, participant=company_a))
    db.session.flush()
    db.session.add(_workshop_booking(version, company_a, demo.slots[0].id, workshop))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_booking_in_a_workshop_without_a_seat_is_rejected(demo, version):
    _, company_a, _ = _participants(demo)
    workshop = demo.workshops[0]
    db.session.add(_workshop_booking(version, company_a, workshop.slots[0].id, workshop))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_version_two_published_for_one_event_is_rejected(demo, version):
    version.status = VersionStatus.PUBLISHED
    db.session.add(ScheduleVersion(event=demo, number=2, status=VersionStatus.PUBLISHED))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_organisation_buyer_with_a_siret_is_rejected(app):
    db.session.add(
        Organisation(kind=OrganisationKind.BUYER_BODY, name="Région", siret="81234560100015")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_enum_column_unknown_value_is_rejected_by_the_database(demo):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE events SET status = 'bogus' WHERE id = :id"), {"id": demo.id}
        )


def test_datetime_naive_value_is_refused(demo):
    demo.application_deadline = datetime(2027, 1, 1, 12, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()


def test_datetime_value_comes_back_aware_utc(demo):
    db.session.expire_all()
    event = db.session.get(Event, demo.id)
    assert event.application_deadline.utcoffset().total_seconds() == 0
    assert event.application_deadline.isoformat() == "2027-02-26T22:59:00+00:00"
