"""The engine's instance built from the database equals the expected instance."""

from __future__ import annotations

from app.extensions import db
from app.models import (
    ApplicationStatus,
    InterestKind,
    Location,
    LocationKind,
    Priority,
    Unavailability,
    Workshop,
    WorkshopInterest,
    WorkshopSlot,
)
from app.scheduling.types import (
    Candidate,
    Instance,
    Meeting,
    Participant,
    Rules,
    Slot,
)
from app.scheduling.types import (
    Location as CoreLocation,
)
from app.scheduling.types import (
    Workshop as CoreWorkshop,
)
from app.services.agenda.instance import BuildOptions, build_instance
from tests.factories import make_buyer, make_company, make_event, make_request


def test_build_instance_small_event_equals_expected(app):
    event = make_event(slots=3, tables=2)
    s1, s2, s3 = event.slots
    t1, t2 = event.locations
    room = Location(event=event, name="Salle A", kind=LocationKind.ROOM, position=9)
    db.session.add(room)
    buyer = make_buyer(event, "Voirie", location=t1, max_meetings=2)
    company = make_company(event, "Lumisol", min_meetings=1)
    other = make_company(event, "Signal")
    declined = make_company(event, "Refusée", status=ApplicationStatus.DECLINED)
    r1 = make_request(company, buyer, Priority.MUST)
    r2 = make_request(other, buyer, Priority.MAYBE, weight=4, required=True)
    make_request(declined, buyer)  # ignored: the company is not selected
    make_request(
        other, buyer, follow_up=True, need_id=None, priority=Priority.WANT, is_active=False
    )
    db.session.add(Unavailability(participant=other, slot=s1))
    workshop = Workshop(event=event, title="Atelier LED", location=room, min_size=2, max_size=5)
    workshop.slot_links = [WorkshopSlot(slot=s2), WorkshopSlot(slot=s3)]
    workshop.interests = [
        WorkshopInterest(participant=buyer, kind=InterestKind.MEMBER),
        WorkshopInterest(participant=company, kind=InterestKind.CANDIDATE, weight=3),
        WorkshopInterest(participant=declined, kind=InterestKind.CANDIDATE),
    ]
    db.session.add(workshop)
    db.session.flush()

    expected = Instance(
        name=f"event-{event.id}",
        slots=(
            Slot(
                f"s{s1.id}",
                "2027-03-16",
                "pm",
                "2027-03-16T14:00:00+01:00",
                "2027-03-16T14:20:00+01:00",
            ),
            Slot(
                f"s{s2.id}",
                "2027-03-16",
                "pm",
                "2027-03-16T14:20:00+01:00",
                "2027-03-16T14:40:00+01:00",
            ),
            Slot(
                f"s{s3.id}",
                "2027-03-16",
                "pm",
                "2027-03-16T14:40:00+01:00",
                "2027-03-16T15:00:00+01:00",
            ),
        ),
        locations=(CoreLocation(f"t{t1.id}", "Table 1"), CoreLocation(f"t{t2.id}", "Table 2")),
        participants=(
            Participant(f"p{buyer.id}", "buyer", "Voirie", frozenset(), 2, 0, f"t{t1.id}"),
            Participant(f"p{company.id}", "company", "Lumisol", frozenset(), None, 1, None),
            Participant(
                f"p{other.id}", "company", "Signal", frozenset({f"s{s1.id}"}), None, 0, None
            ),
        ),
        meetings=(
            Meeting(f"r{r1.id}", (f"p{buyer.id}", f"p{company.id}"), False, 5),
            Meeting(f"r{r2.id}", (f"p{buyer.id}", f"p{other.id}"), True, 4),
        ),
        workshops=(
            CoreWorkshop(
                f"w{workshop.id}",
                (f"s{s2.id}", f"s{s3.id}"),
                "Atelier LED",
                "Salle A",
                2,
                5,
                (f"p{buyer.id}",),
                (Candidate(f"p{company.id}", 3),),
            ),
        ),
        rules=Rules(),
    )
    assert build_instance(event.id) == expected


def test_build_instance_demo_event_counts(demo):
    instance = build_instance(demo.id)
    assert (
        len(instance.slots),
        len(instance.locations),
        len(instance.participants),
        len(instance.meetings),
    ) == (9, 8, 19, 17)
    assert sum(p.location is not None for p in instance.participants) == 4
    assert [len(w.candidates) for w in instance.workshops] == [10]


def test_build_instance_fixes_locked_meetings_of_the_base_version(app):
    from app.models import Meeting as MeetingRow
    from app.models import MeetingStatus, ScheduleVersion

    event = make_event()
    buyer = make_buyer(event)
    a, b = make_company(event, "A"), make_company(event, "B")
    ra, rb = make_request(a, buyer), make_request(b, buyer)
    version = ScheduleVersion(event=event, number=1)
    db.session.add(version)
    db.session.flush()
    slot, table = event.slots[2], event.locations[1]
    db.session.add_all(
        [
            MeetingRow(version=version, request_id=ra.id, slot=slot, location=table, locked=True),
            MeetingRow(
                version=version,
                request_id=rb.id,
                slot=event.slots[0],
                location=event.locations[0],
                status=MeetingStatus.SCHEDULED,
            ),
        ]
    )
    db.session.flush()
    instance = build_instance(event.id, BuildOptions(base_version_id=version.id))
    fixed = {m.id: (m.slot, m.location) for m in instance.meetings}
    assert fixed == {f"r{ra.id}": (f"s{slot.id}", f"t{table.id}"), f"r{rb.id}": (None, None)}
    everything = build_instance(event.id, BuildOptions(version.id, fix_all_of_base=True))
    assert {m.id: m.slot for m in everything.meetings} == {
        f"r{ra.id}": f"s{slot.id}",
        f"r{rb.id}": f"s{event.slots[0].id}",
    }
