"""Manual edits of a draft: each kind accepted, refused by the validator, or warned about."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import (
    AuditEntry,
    Booking,
    InterestKind,
    Meeting,
    MeetingStatus,
    Unavailability,
    Workshop,
    WorkshopInterest,
    WorkshopSeat,
    WorkshopSlot,
)
from app.scheduling.types import Objective
from app.scheduling.validate import Report
from app.services import agenda
from app.services.agenda import agenda_edits, schedules
from app.services.agenda.agenda_edits import Problem, Warning_
from app.services.agenda.instance import build_instance
from tests.factories import make_buyer, make_company, make_event, make_request
from tests.solvers import first_fit


def _draft(event):
    instance = build_instance(event.id)
    result = first_fit(instance, time_limit=1, workers=1, previous=None)
    version = schedules.store_result(event.id, instance, result, actor_id=None)
    db.session.commit()
    return version


@pytest.fixture
def day(app):
    """Three slots (14 h 00, 14 h 20, 14 h 40), three tables. first_fit places:

    14 h 00: Table 1 alpha-voirie, Table 2 gamma-dechets; 14 h 20: Table 1 alpha-dechets,
    Table 2 beta-voirie; 14 h 40 and Table 3 free.
    """
    event = make_event(slots=3, tables=3)
    voirie = make_buyer(event, "Voirie")
    dechets = make_buyer(event, "Déchets")
    alpha = make_company(event, "Alpha", min_meetings=2)
    beta = make_company(event, "Bêta")
    gamma = make_company(event, "Gamma")
    requests = {
        "alpha-voirie": make_request(alpha, voirie),
        "alpha-dechets": make_request(alpha, dechets),
        "beta-voirie": make_request(beta, voirie),
        "gamma-dechets": make_request(gamma, dechets),
    }
    db.session.commit()
    version = _draft(event)
    meetings = {
        name: db.session.execute(
            db.select(Meeting).where(Meeting.version_id == version.id, Meeting.request_id == r.id)
        ).scalar_one()
        for name, r in requests.items()
    }
    return {
        "event": event,
        "version": version,
        "slots": list(event.slots),
        "tables": list(event.locations),
        "people": {"voirie": voirie, "dechets": dechets, "alpha": alpha, "gamma": gamma},
        "m": meetings,
    }


def _bookings(meeting):
    return sorted(
        (b.participant_id, b.slot_id)
        for b in db.session.execute(
            db.select(Booking).where(Booking.meeting_id == meeting.id)
        ).scalars()
    )


def _refusal(call):
    with pytest.raises(agenda_edits.EditRefused) as caught:
        call()
    db.session.rollback()
    return caught.value.problems


def test_first_fit_places_the_fixture_as_documented(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    assert (m["alpha-voirie"].slot_id, m["alpha-voirie"].location_id) == (s[0].id, t[0].id)
    assert (m["gamma-dechets"].slot_id, m["gamma-dechets"].location_id) == (s[0].id, t[1].id)
    assert (m["alpha-dechets"].slot_id, m["alpha-dechets"].location_id) == (s[1].id, t[0].id)
    assert (m["beta-voirie"].slot_id, m["beta-voirie"].location_id) == (s[1].id, t[1].id)


def test_move_accepted_moves_meeting_and_bookings_and_is_audited(day):
    s, t, m, p = day["slots"], day["tables"], day["m"], day["people"]
    meeting = m["alpha-voirie"]
    outcome = agenda_edits.move(day["version"].id, meeting.id, s[2].id, t[2].id, actor_id=None)
    db.session.commit()
    assert outcome.warnings == ()
    assert (meeting.slot_id, meeting.location_id) == (s[2].id, t[2].id)
    assert _bookings(meeting) == sorted([(p["voirie"].id, s[2].id), (p["alpha"].id, s[2].id)])
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "meeting.move")
    ).scalar_one()
    assert entry.target_id == meeting.id
    assert entry.details["before"] == {
        "status": "scheduled",
        "slot_id": s[0].id,
        "location_id": t[0].id,
    }
    assert entry.details["after"] == {
        "status": "scheduled",
        "slot_id": s[2].id,
        "location_id": t[2].id,
    }
    assert entry.details["warnings"] == []


def test_move_refused_when_participant_busy(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    problems = _refusal(
        lambda: agenda_edits.move(
            day["version"].id, m["gamma-dechets"].id, s[1].id, t[2].id, actor_id=None
        )
    )
    assert problems == (
        Problem(
            "participant_conflict",
            who="Déchets",
            time="14\u00a0h\u00a020",
            message="Déchets has 2 activities in slot 14\u00a0h\u00a020: "
            f"meeting r{m['alpha-dechets'].request_id}, meeting r{m['gamma-dechets'].request_id}",
            slot_id=s[1].id,
        ),
    )
    meeting = db.session.get(Meeting, m["gamma-dechets"].id)
    assert (meeting.slot_id, meeting.location_id) == (s[0].id, t[1].id)


def test_move_refused_when_table_taken(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    problems = _refusal(
        lambda: agenda_edits.move(
            day["version"].id, m["gamma-dechets"].id, s[0].id, t[0].id, actor_id=None
        )
    )
    assert [(p.rule, p.table, p.time) for p in problems] == [
        ("location_conflict", "Table 1", "14\u00a0h\u00a000")
    ]


def test_move_refused_in_unavailable_slot(day):
    s, t, m, p = day["slots"], day["tables"], day["m"], day["people"]
    db.session.add(Unavailability(participant_id=p["gamma"].id, slot_id=s[2].id))
    db.session.commit()
    problems = _refusal(
        lambda: agenda_edits.move(
            day["version"].id, m["gamma-dechets"].id, s[2].id, t[0].id, actor_id=None
        )
    )
    assert [(p.rule, p.who, p.time) for p in problems] == [
        ("unavailable", "Gamma", "14\u00a0h\u00a040")
    ]


def test_move_refused_for_locked_meeting(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    agenda.set_locked(day["version"].id, m["alpha-voirie"].id, True, actor_id=None)
    db.session.commit()
    with pytest.raises(agenda.AgendaError, match=r"^locked$"):
        agenda_edits.move(day["version"].id, m["alpha-voirie"].id, s[2].id, t[0].id, actor_id=None)


def test_move_refused_on_published_version(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    agenda.publish(day["version"].id, actor_id=None)
    db.session.commit()
    with pytest.raises(agenda.AgendaError, match=r"^read_only$"):
        agenda_edits.move(day["version"].id, m["alpha-voirie"].id, s[2].id, t[0].id, actor_id=None)


def test_move_accepted_with_warning_when_breaks_increase(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    # Voirie would meet at 14 h 00 and 14 h 40 with nothing at 14 h 20: one more break.
    outcome = agenda_edits.move(
        day["version"].id, m["beta-voirie"].id, s[2].id, t[1].id, actor_id=None
    )
    assert outcome.warnings == (Warning_("breaks", 0, 1),)


def test_move_database_conflict_is_an_agenda_error(day, monkeypatch):
    s, t, m = day["slots"], day["tables"], day["m"]
    # With the validator blinded, the table's unique index still refuses the clash.
    monkeypatch.setattr(
        agenda_edits, "validate", lambda instance, result: Report((), Objective(0, 0, 0))
    )
    with pytest.raises(agenda.AgendaError, match=r"^database_conflict$"):
        agenda_edits.move(day["version"].id, m["gamma-dechets"].id, s[0].id, t[0].id, actor_id=None)
    db.session.rollback()
    meeting = db.session.get(Meeting, m["gamma-dechets"].id)
    assert (meeting.slot_id, meeting.location_id) == (s[0].id, t[1].id)


def test_remove_unschedules_with_reason_and_warns_of_shortfall(day):
    m = day["m"]
    meeting = m["alpha-dechets"]
    outcome = agenda_edits.remove(
        day["version"].id, meeting.id, "Alpha ne vient que le matin", actor_id=None
    )
    db.session.commit()
    assert outcome.warnings == (Warning_("shortfall", 0, 1, ("Alpha",)),)
    assert meeting.status is MeetingStatus.UNSCHEDULED
    assert (meeting.slot_id, meeting.location_id) == (None, None)
    assert meeting.reason == "Alpha ne vient que le matin"
    assert _bookings(meeting) == []
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "meeting.remove")
    ).scalar_one()
    assert entry.reason == "Alpha ne vient que le matin"
    assert entry.details["warnings"] == ["shortfall"]


def test_remove_requires_a_reason(day):
    with pytest.raises(agenda.AgendaError, match=r"^reason_required$"):
        agenda_edits.remove(day["version"].id, day["m"]["alpha-dechets"].id, "  ", actor_id=None)


def test_remove_refused_for_required_meeting(day):
    m = day["m"]
    m["alpha-dechets"].request.required = True
    db.session.commit()
    problems = _refusal(
        lambda: agenda_edits.remove(day["version"].id, m["alpha-dechets"].id, "x", actor_id=None)
    )
    assert [p.rule for p in problems] == ["required_unscheduled"]


def test_add_places_an_unscheduled_meeting(day):
    s, t, m, p = day["slots"], day["tables"], day["m"], day["people"]
    meeting = m["alpha-dechets"]
    agenda_edits.remove(day["version"].id, meeting.id, "pour essai", actor_id=None)
    outcome = agenda_edits.add(day["version"].id, meeting.id, s[2].id, t[2].id, actor_id=None)
    db.session.commit()
    # Alpha and Déchets now meet at 14 h 00 and 14 h 40: one break each.
    assert outcome.warnings == (Warning_("breaks", 0, 2),)
    assert meeting.status is MeetingStatus.SCHEDULED
    assert (meeting.slot_id, meeting.location_id, meeting.reason) == (s[2].id, t[2].id, "")
    assert _bookings(meeting) == sorted([(p["alpha"].id, s[2].id), (p["dechets"].id, s[2].id)])


def test_add_refused_when_participant_busy(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    meeting = m["alpha-dechets"]
    agenda_edits.remove(day["version"].id, meeting.id, "pour essai", actor_id=None)
    db.session.commit()
    problems = _refusal(
        lambda: agenda_edits.add(day["version"].id, meeting.id, s[0].id, t[2].id, actor_id=None)
    )
    assert [(p.rule, p.who, p.time) for p in problems] == [
        ("participant_conflict", "Déchets", "14\u00a0h\u00a000"),
        ("participant_conflict", "Alpha", "14\u00a0h\u00a000"),
    ]


def test_add_refused_for_scheduled_meeting(day):
    s, t = day["slots"], day["tables"]
    with pytest.raises(agenda.AgendaError, match=r"^not_unscheduled$"):
        agenda_edits.add(
            day["version"].id, day["m"]["alpha-dechets"].id, s[2].id, t[2].id, actor_id=None
        )


def test_swap_in_one_slot_exchanges_tables(day):
    s, t, m = day["slots"], day["tables"], day["m"]
    first, second = m["alpha-voirie"], m["gamma-dechets"]
    agenda_edits.swap(day["version"].id, first.id, second.id, actor_id=None)
    db.session.commit()
    assert (first.slot_id, first.location_id) == (s[0].id, t[1].id)
    assert (second.slot_id, second.location_id) == (s[0].id, t[0].id)
    assert len(_bookings(first)) == 2 and len(_bookings(second)) == 2


def test_swap_of_meetings_sharing_a_participant(app):
    event = make_event(slots=2, tables=1)
    buyer = make_buyer(event, "Voirie")
    one, two = make_company(event, "Un"), make_company(event, "Deux")
    make_request(one, buyer)
    make_request(two, buyer)
    db.session.commit()
    version = _draft(event)
    first, second = sorted(version.meetings, key=lambda x: x.id)
    s1, s2 = event.slots
    agenda_edits.swap(version.id, first.id, second.id, actor_id=None)
    db.session.commit()
    assert (first.slot_id, second.slot_id) == (s2.id, s1.id)
    assert _bookings(first) == sorted([(buyer.id, s2.id), (one.id, s2.id)])
    assert _bookings(second) == sorted([(buyer.id, s1.id), (two.id, s1.id)])


def test_swap_refused_when_it_double_books(day):
    m = day["m"]
    problems = _refusal(
        lambda: agenda_edits.swap(
            day["version"].id, m["gamma-dechets"].id, m["beta-voirie"].id, actor_id=None
        )
    )
    assert [(p.rule, p.who, p.time) for p in problems] == [
        ("participant_conflict", "Voirie", "14\u00a0h\u00a000"),
        ("participant_conflict", "Déchets", "14\u00a0h\u00a020"),
    ]


def test_swap_refused_with_a_locked_meeting(day):
    m = day["m"]
    agenda.set_locked(day["version"].id, m["beta-voirie"].id, True, actor_id=None)
    with pytest.raises(agenda.AgendaError, match=r"^locked$"):
        agenda_edits.swap(
            day["version"].id, m["alpha-voirie"].id, m["beta-voirie"].id, actor_id=None
        )


def test_move_refused_onto_a_workshop_of_a_participant(day):
    s, t, m, p = day["slots"], day["tables"], day["m"], day["people"]
    version = day["version"]
    workshop = Workshop(event=day["event"], title="Atelier LED")
    workshop.slot_links = [WorkshopSlot(slot=s[2])]
    workshop.interests = [WorkshopInterest(participant=p["voirie"], kind=InterestKind.MEMBER)]
    db.session.add(workshop)
    db.session.flush()
    # Voirie holds a seat in this version: the workshop books her at 14 h 40.
    db.session.add(
        WorkshopSeat(version_id=version.id, workshop_id=workshop.id, participant_id=p["voirie"].id)
    )
    db.session.flush()
    db.session.add(
        Booking(
            version_id=version.id,
            participant_id=p["voirie"].id,
            slot_id=s[2].id,
            workshop_id=workshop.id,
        )
    )
    db.session.commit()
    problems = _refusal(
        lambda: agenda_edits.move(version.id, m["beta-voirie"].id, s[2].id, t[2].id, actor_id=None)
    )
    assert [(p.rule, p.who, p.time, p.other) for p in problems] == [
        ("participant_conflict", "Voirie", "14\u00a0h\u00a040", "Atelier LED")
    ]
