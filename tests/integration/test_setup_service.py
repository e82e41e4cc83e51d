"""Event set-up service: grid generation, guard rails, locations, participants' settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.extensions import db
from app.models import (
    AuditEntry,
    Booking,
    EventStatus,
    LocationKind,
    Meeting,
    MeetingParticipant,
    Participant,
    ScheduleVersion,
    Slot,
    Unavailability,
    Workshop,
    WorkshopSlot,
)
from app.services import setup
from app.services.agenda.instance import build_instance
from app.services.setup.base import SetupError
from app.services.setup.days import DaySpec, PauseSpec
from app.services.setup.events import EventData
from tests.factories import make_buyer, make_company

ACTOR = None  # audit entries from the system in service tests


def _event(tz: str = "Europe/Paris"):
    return setup.create_event(
        EventData(title="Rencontres 2027", timezone=tz), organisation_id=None, actor_id=ACTOR
    )


def _local(slot_or_planned, tz: str = "Europe/Paris") -> str:
    from zoneinfo import ZoneInfo

    start = slot_or_planned.starts_at.astimezone(ZoneInfo(tz))
    return start.strftime("%H:%M")


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)).scalars()
    )


def test_plan_slots_pauses_push_slots_and_lunch_splits_sessions(app):
    spec = DaySpec(
        date(2027, 3, 16),
        time(9, 0),
        time(17, 0),
        30,
        (PauseSpec(time(10, 30), time(10, 45), "Café"), PauseSpec(time(12, 30), time(14, 0))),
    )
    planned = setup.plan_slots(spec, "Europe/Paris")
    assert [(_local(p), p.session) for p in planned] == [
        ("09:00", "am"),
        ("09:30", "am"),
        ("10:00", "am"),
        ("10:45", "am"),
        ("11:15", "am"),
        ("11:45", "am"),
        ("14:00", "pm"),
        ("14:30", "pm"),
        ("15:00", "pm"),
        ("15:30", "pm"),
        ("16:00", "pm"),
        ("16:30", "pm"),
    ]
    assert planned[0].starts_at == datetime(2027, 3, 16, 8, 0, tzinfo=UTC)


def test_plan_slots_explicit_boundary_overrides_lunch_pause(app):
    spec = DaySpec(
        date(2027, 3, 16),
        time(9, 0),
        time(12, 0),
        60,
        (PauseSpec(time(11, 0), time(11, 30), "Déjeuner"),),
        session_boundary=time(10, 0),
    )
    planned = setup.plan_slots(spec, "Europe/Paris")
    assert [(_local(p), p.session) for p in planned] == [("09:00", "am"), ("10:00", "pm")]


def test_plan_slots_without_pause_splits_at_one_pm(app):
    spec = DaySpec(date(2027, 3, 16), time(12, 0), time(14, 0), 30)
    planned = setup.plan_slots(spec, "Europe/Paris")
    assert [p.session for p in planned] == ["am", "am", "pm", "pm"]


def test_save_day_across_dst_change_keeps_local_times(app):
    event = _event()
    spec = {
        "start": time(9, 0),
        "end": time(13, 30),
        "slot_minutes": 60,
        "pauses": (PauseSpec(time(11, 0), time(11, 30), "Pause"),),
        "session_boundary": time(10, 0),
    }
    before = setup.save_day(event.id, DaySpec(date(2027, 3, 27), **spec), actor_id=ACTOR)
    after = setup.save_day(event.id, DaySpec(date(2027, 3, 29), **spec), actor_id=ACTOR)
    assert [(s.starts_at, s.session) for s in before.slots] == [
        (datetime(2027, 3, 27, 8, 0, tzinfo=UTC), "am"),
        (datetime(2027, 3, 27, 9, 0, tzinfo=UTC), "pm"),
        (datetime(2027, 3, 27, 10, 30, tzinfo=UTC), "pm"),
        (datetime(2027, 3, 27, 11, 30, tzinfo=UTC), "pm"),
    ]
    assert [(s.starts_at, s.session) for s in after.slots] == [
        (datetime(2027, 3, 29, 7, 0, tzinfo=UTC), "am"),
        (datetime(2027, 3, 29, 8, 0, tzinfo=UTC), "pm"),
        (datetime(2027, 3, 29, 9, 30, tzinfo=UTC), "pm"),
        (datetime(2027, 3, 29, 10, 30, tzinfo=UTC), "pm"),
    ]
    instance = build_instance(event.id)
    assert [(s.start, s.session) for s in instance.slots][3:5] == [
        ("2027-03-27T12:30:00+01:00", "pm"),
        ("2027-03-29T09:00:00+02:00", "am"),
    ]
    # The explicit boundary is read back from the slots' sessions.
    assert setup.stored_boundary(after) == time(10, 0)


def test_plan_slots_refuses_skipped_and_repeated_local_times(app):
    spring = DaySpec(date(2027, 3, 28), time(1, 0), time(4, 0), 30)
    with pytest.raises(SetupError) as error:
        setup.plan_slots(spring, "Europe/Paris")
    assert (error.value.code, error.value.params) == ("clock_change", {"at": "02:00"})
    autumn = DaySpec(date(2027, 10, 31), time(1, 0), time(4, 0), 30)
    with pytest.raises(SetupError) as error:
        setup.plan_slots(autumn, "Europe/Paris")
    assert (error.value.code, error.value.params) == ("clock_change", {"at": "02:00"})


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        (DaySpec(date(2027, 3, 16), time(14, 0), time(14, 0), 20), "grid_order"),
        (DaySpec(date(2027, 3, 16), time(14, 0), time(17, 0), 4), "slot_length"),
        (
            DaySpec(
                date(2027, 3, 16),
                time(14, 0),
                time(17, 0),
                20,
                (PauseSpec(time(13, 0), time(14, 30)),),
            ),
            "pause_outside",
        ),
        (
            DaySpec(
                date(2027, 3, 16),
                time(14, 0),
                time(17, 0),
                20,
                (PauseSpec(time(15, 0), time(15, 30)), PauseSpec(time(15, 20), time(15, 40))),
            ),
            "pause_overlap",
        ),
        (DaySpec(date(2027, 3, 16), time(14, 0), time(14, 15), 20), "no_slot"),
    ],
)
def test_plan_slots_invalid_grid_is_refused(app, spec, code):
    with pytest.raises(SetupError) as error:
        setup.plan_slots(spec, "Europe/Paris")
    assert error.value.code == code


def _grid(end: time = time(15, 0), minutes: int = 20) -> DaySpec:
    return DaySpec(date(2027, 3, 16), time(14, 0), end, minutes)


def test_save_day_extending_the_grid_keeps_slot_ids(app):
    event = _event()
    day = setup.save_day(event.id, _grid(), actor_id=ACTOR)
    ids = [s.id for s in day.slots]
    preview = setup.preview_day(event.id, _grid(time(16, 0)), day_id=day.id)
    assert (preview.kept, preview.added, preview.removed) == (3, 3, ())
    day = setup.save_day(event.id, _grid(time(16, 0)), day_id=day.id, actor_id=ACTOR)
    assert [s.id for s in day.slots][:3] == ids
    assert len(day.slots) == 6
    entry = _audit("event_day.update")[0]
    assert (entry.details["slots_kept"], entry.details["slots_added"]) == (3, 3)
    assert entry.details["after"]["end"] == "16:00"


def _booked_event():
    event = _event()
    day = setup.save_day(event.id, _grid(), actor_id=ACTOR)
    table = setup.add_location(event.id, "Table 1", LocationKind.TABLE, actor_id=ACTOR)
    buyer, company = make_buyer(event), make_company(event)
    version = ScheduleVersion(event=event, number=1)
    db.session.add(version)
    db.session.flush()
    slot = day.slots[0]
    meeting = Meeting(version=version, slot=slot, location=table)
    meeting.participant_links = [MeetingParticipant(participant=p) for p in (buyer, company)]
    db.session.add(meeting)
    db.session.flush()
    for p in (buyer, company):
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
    return event, day, table, buyer


def test_save_day_refuses_removing_booked_slots_and_changes_nothing(app):
    event, day, _table, _buyer = _booked_event()
    ids = [s.id for s in day.slots]
    with pytest.raises(SetupError) as error:
        setup.save_day(event.id, _grid(minutes=30), day_id=day.id, actor_id=ACTOR)
    assert error.value.code == "slots_booked"
    assert error.value.params["use"].versions == ((1, "draft", 1),)
    db.session.expire_all()
    assert [s.id for s in db.session.get(type(day), day.id).slots] == ids
    assert _audit("event_day.update") == []
    with pytest.raises(SetupError) as error:
        setup.delete_day(event.id, day.id, actor_id=ACTOR, confirm_losses=True)
    assert error.value.code == "slots_booked"


def test_save_day_losing_unavailability_and_workshop_slot_needs_confirmation(app):
    event = _event()
    day = setup.save_day(event.id, _grid(), actor_id=ACTOR)
    company = make_company(event, "Lumisol")
    last = day.slots[-1]
    db.session.add(Unavailability(participant=company, slot=last, reason="Départ"))
    workshop = Workshop(event=event, title="Marquage LED")
    workshop.slot_links = [WorkshopSlot(slot_id=last.id)]
    db.session.add(workshop)
    db.session.flush()
    shorter = _grid(time(14, 40))
    with pytest.raises(SetupError) as error:
        setup.save_day(event.id, shorter, day_id=day.id, actor_id=ACTOR)
    assert error.value.code == "confirm_losses"
    use = error.value.params["use"]
    at = datetime(2027, 3, 16, 13, 40, tzinfo=UTC)
    assert use.unavailabilities == (("Lumisol", at),)
    assert use.workshop_slots == (("Marquage LED", at),)
    assert len(db.session.get(type(day), day.id).slots) == 3

    day = setup.save_day(event.id, shorter, day_id=day.id, actor_id=ACTOR, confirm_losses=True)
    assert len(day.slots) == 2
    assert db.session.execute(db.select(Unavailability)).first() is None
    assert db.session.execute(db.select(WorkshopSlot)).first() is None
    entry = _audit("event_day.update")[0]
    assert entry.details["lost_unavailabilities"] == [["Lumisol", at.isoformat()]]
    assert entry.details["lost_workshop_slots"] == [["Marquage LED", at.isoformat()]]


def test_save_day_date_taken_is_refused(app):
    event = _event()
    setup.save_day(event.id, _grid(), actor_id=ACTOR)
    with pytest.raises(SetupError) as error:
        setup.save_day(event.id, _grid(time(16, 0)), actor_id=ACTOR)
    assert (error.value.code, error.value.params) == ("day_exists", {"date": "2027-03-16"})


def test_delete_day_removes_its_slots_and_pauses(app):
    event = _event()
    day = setup.save_day(
        event.id,
        DaySpec(
            date(2027, 3, 16), time(9, 0), time(12, 0), 30, (PauseSpec(time(10, 0), time(10, 30)),)
        ),
        actor_id=ACTOR,
    )
    setup.delete_day(event.id, day.id, actor_id=ACTOR)
    assert db.session.execute(db.select(Slot)).first() is None
    assert event.days == []
    assert _audit("event_day.delete")[0].details["before"]["pauses"] == [["10:00", "10:30", ""]]


def test_update_event_converts_deadline_and_validates_timezone(app):
    event = _event()
    data = EventData(
        title="Rencontres",
        timezone="America/Martinique",
        deadline_local=datetime(2027, 3, 1, 18, 0),
        contact_email="contact@example.org",
    )
    setup.update_event(event.id, data, actor_id=ACTOR)
    assert event.application_deadline == datetime(2027, 3, 1, 22, 0, tzinfo=UTC)
    assert _audit("event.update")[0].details["timezone"] == {
        "before": "Europe/Paris",
        "after": "America/Martinique",
    }
    with pytest.raises(SetupError) as error:
        setup.update_event(event.id, EventData(title="X", timezone="Europe/Pariss"), actor_id=ACTOR)
    assert error.value.code == "bad_timezone"


def test_update_event_timezone_moves_free_slots_to_same_local_times(app):
    event = _event()
    grid = DaySpec(date(2027, 3, 16), time(10, 0), time(14, 0), 60, session_boundary=time(11, 0))
    setup.save_day(event.id, grid, actor_id=ACTOR)
    setup.update_event(event.id, EventData(title="X", timezone="Europe/London"), actor_id=ACTOR)
    assert [(s.starts_at.hour, s.session) for s in event.slots] == [
        (10, "am"),
        (11, "pm"),
        (12, "pm"),
        (13, "pm"),
    ]


def test_update_event_timezone_refused_when_slots_are_used(app):
    event, *_ = _booked_event()
    with pytest.raises(SetupError) as error:
        setup.update_event(event.id, EventData(title="X", timezone="Europe/London"), actor_id=ACTOR)
    assert error.value.code == "timezone_in_use"
    assert event.timezone == "Europe/Paris"


def test_change_status_follows_the_life_cycle(app):
    event = _event()
    with pytest.raises(SetupError) as error:
        setup.change_status(event.id, EventStatus.OPEN, actor_id=ACTOR)
    assert error.value.code == "no_slots"
    setup.save_day(event.id, _grid(), actor_id=ACTOR)
    setup.change_status(event.id, EventStatus.OPEN, actor_id=ACTOR)
    with pytest.raises(SetupError) as error:
        setup.change_status(event.id, EventStatus.PUBLISHED, actor_id=ACTOR)
    assert error.value.code == "bad_transition"
    make_company(event)
    with pytest.raises(SetupError) as error:
        setup.change_status(event.id, EventStatus.DRAFT, actor_id=ACTOR)
    assert (error.value.code, error.value.params) == ("has_participants", {"n": 1})
    setup.change_status(event.id, EventStatus.SELECTION, actor_id=ACTOR)
    assert [e.details["after"] for e in _audit("event.status")] == ["open", "selection"]


def test_locations_bulk_reorder_rename_and_delete(app):
    event = _event()
    setup.add_location(event.id, "Salle Frioul", LocationKind.ROOM, "Frioul", actor_id=ACTOR)
    tables = setup.add_tables(event.id, 3, room="Hall A", actor_id=ACTOR)
    assert [(loc.name, loc.position) for loc in event.locations] == [
        ("Salle Frioul", 1),
        ("Table 1", 2),
        ("Table 2", 3),
        ("Table 3", 4),
    ]
    with pytest.raises(SetupError) as error:
        setup.add_tables(event.id, 2, first=3, actor_id=ACTOR)
    assert (error.value.code, error.value.params) == ("name_taken", {"name": "Table 3"})
    setup.move_location(event.id, tables[0].id, -1, actor_id=ACTOR)
    setup.update_location(
        event.id, tables[1].id, "Table B", LocationKind.TABLE, "Hall B", actor_id=ACTOR
    )
    setup.delete_location(event.id, tables[2].id, actor_id=ACTOR)
    assert [(loc.name, loc.position, loc.room) for loc in event.locations] == [
        ("Table 1", 1, "Hall A"),
        ("Salle Frioul", 2, "Frioul"),
        ("Table B", 3, "Hall B"),
    ]
    assert len(_audit("location.delete")) == 1


def test_delete_location_used_by_meetings_or_pins_is_refused(app):
    event, _day, table, buyer = _booked_event()
    buyer.location_id = table.id
    db.session.flush()
    with pytest.raises(SetupError) as error:
        setup.delete_location(event.id, table.id, actor_id=ACTOR)
    assert error.value.code == "location_in_use"
    assert error.value.params["use"] == setup.LocationUse(versions=(1,), pinned_by=("Direction",))
    with pytest.raises(SetupError) as error:
        setup.update_location(event.id, table.id, "Table 1", LocationKind.ROOM, actor_id=ACTOR)
    assert error.value.code == "location_in_use"


def _settings(p: Participant, pin=None, max_=None, min_=0) -> setup.ParticipantSettings:
    return setup.ParticipantSettings(p.id, pin, max_, min_)


def test_participant_settings_pin_must_be_unique(app):
    event = _event()
    t1, t2 = setup.add_tables(event.id, 2, actor_id=ACTOR)
    a, b = make_buyer(event, "Voirie"), make_buyer(event, "Déchets", location_id=t1.id)
    with pytest.raises(setup.SettingsInvalid) as error:
        setup.update_participant_settings(event.id, [_settings(a, t1.id)], actor_id=ACTOR)
    assert error.value.errors == {
        a.id: {"location_id": ("pin_taken", {"table": "Table 1", "other": "Déchets"})}
    }
    # Swapping tables in one save is fine.
    setup.update_participant_settings(
        event.id, [_settings(a, t1.id), _settings(b, t2.id)], actor_id=ACTOR
    )
    assert (a.location_id, b.location_id) == (t1.id, t2.id)
    assert len(_audit("participant.settings")) == 2


def test_participant_settings_caps_and_company_pins_are_checked(app):
    event = _event()
    (table,) = setup.add_tables(event.id, 1, actor_id=ACTOR)
    buyer, company = make_buyer(event), make_company(event)
    with pytest.raises(setup.SettingsInvalid) as error:
        setup.update_participant_settings(
            event.id,
            [_settings(buyer, None, 2, 3), _settings(company, table.id, -1, 0)],
            actor_id=ACTOR,
        )
    assert error.value.errors == {
        buyer.id: {"min_meetings": ("min_above_max", {})},
        company.id: {
            "location_id": ("pin_company", {}),
            "max_meetings": ("cap_range", {"max": 500}),
        },
    }
    assert (buyer.max_meetings, company.max_meetings) == (None, None)
    changed = setup.update_participant_settings(
        event.id, [_settings(buyer, table.id, 6, 2), _settings(company, None, 4, 1)], actor_id=ACTOR
    )
    assert changed == 2
    assert (buyer.location_id, buyer.max_meetings, buyer.min_meetings) == (table.id, 6, 2)
    assert (company.max_meetings, company.min_meetings) == (4, 1)
    unchanged = setup.update_participant_settings(
        event.id, [_settings(buyer, table.id, 6, 2)], actor_id=ACTOR
    )
    assert unchanged == 0


def test_update_workshop_refuses_dropping_a_seated_slot(app):
    from app.models import WorkshopSeat
    from app.services.sourcing import selection

    event = _event()
    day = setup.save_day(event.id, _grid(), actor_id=ACTOR)
    first, second, third = (s.id for s in day.slots)
    room = setup.add_location(event.id, "Salle Frioul", LocationKind.ROOM, actor_id=ACTOR)
    data = selection.WorkshopData("Marquage LED", "", 0, 8, room.id, frozenset({first, second}))
    workshop = selection.create_workshop(event.id, data, actor_id=ACTOR)
    company = make_company(event)
    version = ScheduleVersion(event=event, number=1)
    db.session.add(version)
    db.session.flush()
    db.session.add(WorkshopSeat(version=version, workshop=workshop, participant=company))
    db.session.flush()
    db.session.add(
        Booking(
            version_id=version.id,
            participant_id=company.id,
            slot_id=second,
            workshop_id=workshop.id,
        )
    )
    db.session.flush()
    moved = selection.WorkshopData("Marquage LED", "", 2, 6, None, frozenset({first, third}))
    with pytest.raises(selection.SelectionServiceError) as error:
        selection.update_workshop(event.id, workshop.id, moved, actor_id=ACTOR)
    assert str(error.value) == "slots_booked"
    assert [s.id for s in workshop.slots] == [first, second]
    # Growing the workshop keeps the seated slot: accepted and audited.
    grown = selection.WorkshopData("Marquage", "", 2, 6, None, frozenset({first, second, third}))
    selection.update_workshop(event.id, workshop.id, grown, actor_id=ACTOR)
    assert ([s.id for s in workshop.slots], workshop.location_id, workshop.max_size) == (
        [first, second, third],
        None,
        6,
    )
    entry = _audit("workshop.update")[0]
    assert entry.details["after"]["slots"] == [first, second, third]
    assert entry.details["before"]["title"] == "Marquage LED"
