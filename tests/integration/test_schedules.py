"""Storing engine results as versions, diffs and publication (SEQUENCE, stable UIDs)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEntry, Booking, MeetingStatus, VersionStatus
from app.scheduling.types import (
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from tests.factories import make_buyer, make_company, make_event, make_request


@pytest.fixture
def small(app):
    event = make_event(slots=3, tables=2)
    buyer = make_buyer(event, "Voirie")
    a, b, c = (make_company(event, n) for n in "ABC")
    requests = [make_request(x, buyer) for x in (a, b, c)]
    db.session.commit()
    return event, requests


def _result(instance, placed, unscheduled=(), workshops=()):
    return Result(
        instance=instance.name,
        status=Status.OPTIMAL,
        meetings=tuple(ScheduledMeeting(m, s, t) for m, s, t in placed),
        unscheduled=tuple(Unscheduled(m, why) for m, why in unscheduled),
        workshops=tuple(WorkshopPlacement(w, tuple(p)) for w, p in workshops),
        objective=Objective(0, 6, 0),
        wall_time_s=0.5,
    )


def test_store_result_writes_meetings_bookings_and_reasons(small):
    event, (r1, r2, r3) = small
    instance = build_instance(event.id)
    s1, s2, _ = (f"s{s.id}" for s in event.slots)
    t1 = f"t{event.locations[0].id}"
    result = _result(
        instance,
        [(f"r{r1.id}", s1, t1), (f"r{r2.id}", s2, t1)],
        [(f"r{r3.id}", "the buyer reached its cap")],
    )
    version = schedules.store_result(event.id, instance, result, actor_id=None)
    db.session.commit()
    assert version.number == 1 and version.status is VersionStatus.DRAFT
    assert version.objective == {"shortfall": 0, "weight": 6, "breaks": 0}
    statuses = sorted((m.request_id, m.status.value, m.reason) for m in version.meetings)
    assert statuses == [
        (r1.id, "scheduled", ""),
        (r2.id, "scheduled", ""),
        (r3.id, "unscheduled", "the buyer reached its cap"),
    ]
    assert db.session.query(Booking).filter_by(version_id=version.id).count() == 4
    assert db.session.query(AuditEntry).filter_by(action="schedule.store").count() == 1


def test_store_result_double_booking_fails_and_writes_nothing(small):
    event, (r1, r2, r3) = small
    instance = build_instance(event.id)
    s1 = f"s{event.slots[0].id}"
    t1, t2 = (f"t{t.id}" for t in event.locations)
    bad = _result(instance, [(f"r{r1.id}", s1, t1), (f"r{r2.id}", s1, t2)], [(f"r{r3.id}", "")])
    with pytest.raises(IntegrityError):
        schedules.store_result(event.id, instance, bad, actor_id=None)
    db.session.rollback()
    assert schedules.next_number(event.id) == 1


def test_publish_bumps_sequence_of_moved_and_removed_meetings_only(small):
    event, (r1, r2, r3) = small
    instance = build_instance(event.id)
    s1, s2, s3 = (f"s{s.id}" for s in event.slots)
    t1 = f"t{event.locations[0].id}"
    first = schedules.store_result(
        event.id,
        instance,
        _result(instance, [(f"r{r1.id}", s1, t1), (f"r{r2.id}", s2, t1), (f"r{r3.id}", s3, t1)]),
        actor_id=None,
    )
    schedules.publish(first.id, actor_id=None)
    db.session.commit()
    uids = {m.request_id: m.uid for m in first.meetings}

    # r2 moves, r3 is dropped, r1 stays.
    second = schedules.store_result(
        event.id,
        instance,
        _result(
            instance,
            [(f"r{r1.id}", s1, t1), (f"r{r2.id}", s3, t1)],
            [(f"r{r3.id}", "cancelled by the company")],
        ),
        actor_id=None,
        based_on_id=first.id,
    )
    changes = schedules.publish(second.id, actor_id=None)
    db.session.commit()

    assert [(c.request_id, c.kind) for c in changes.changes] == [
        (r2.id, "moved"),
        (r3.id, "removed"),
    ]
    assert first.status is VersionStatus.SUPERSEDED
    assert second.status is VersionStatus.PUBLISHED
    got = {m.request_id: (m.uid, m.sequence, m.status) for m in second.meetings}
    assert got == {
        r1.id: (uids[r1.id], 0, MeetingStatus.SCHEDULED),
        r2.id: (uids[r2.id], 1, MeetingStatus.SCHEDULED),
        r3.id: (uids[r3.id], 1, MeetingStatus.UNSCHEDULED),
    }


def test_publish_a_non_draft_is_refused(small):
    event, (r1, r2, r3) = small
    instance = build_instance(event.id)
    version = schedules.store_result(
        event.id,
        instance,
        _result(instance, [], [(f"r{r.id}", "") for r in (r1, r2, r3)]),
        actor_id=None,
    )
    schedules.publish(version.id, actor_id=None)
    with pytest.raises(schedules.ScheduleError, match="only a draft"):
        schedules.publish(version.id, actor_id=None)


def test_store_result_places_workshop_seats_with_bookings(demo):
    instance = build_instance(demo.id)
    workshop = instance.workshops[0]
    seated = [workshop.members[0], workshop.candidates[0].participant]
    result = _result(instance, [], [(m.id, "") for m in instance.meetings], [(workshop.id, seated)])
    version = schedules.store_result(demo.id, instance, result, actor_id=None)
    db.session.commit()
    assert len(version.workshop_seats) == 2
    assert db.session.query(Booking).filter_by(version_id=version.id).count() == 2 * 3
