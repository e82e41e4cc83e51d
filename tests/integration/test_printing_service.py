"""The printing service: participant, table and grid sheets of a hand-made version."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.extensions import db
from app.models import (
    Event,
    EventStatus,
    InterestKind,
    Location,
    LocationKind,
    Need,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Role,
    User,
    Workshop,
    WorkshopInterest,
    WorkshopSlot,
)
from app.scheduling.types import Objective, Result, ScheduledMeeting, Status, WorkshopPlacement
from app.services import printing
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from app.services.setup.listing import add_day
from tests.factories import make_buyer, make_company, make_event, make_request

DAY = date(2027, 3, 16)


def utc(hour: int, minute: int) -> datetime:
    """A time of the test day, given in Paris wall-clock time (UTC+1 in March)."""
    return datetime(2027, 3, 16, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
def crafted(app):
    """Slots 14:00, 14:20, 15:00 (a coffee break 14:40–15:00), two tables and a room.

    Voirie keeps Table 1. Alpha meets Déchets at 14:00 (Table 2) and Voirie at 14:20 (Table 1)
    about the need « Marquage LED »; Bêta meets Voirie at 15:00 (Table 1); Gamma sits the
    two-slot workshop (14:00–14:40), then meets Déchets at 15:00 (Table 2).
    """
    metropole = Organisation(kind=OrganisationKind.BUYER_BODY, name="Métropole")
    event = Event(
        title="Rendez-vous 2027",
        venue="Hôtel de la Métropole",
        status=EventStatus.SCHEDULING,
        organiser_organisation=metropole,
        contact_email="orga@example.org",
    )
    db.session.add(event)
    db.session.flush()
    add_day(event, DAY, time(14, 0), time(15, 20), 20, pauses=[(time(14, 40), time(15, 0), "Café")])
    t1 = Location(event=event, name="Table 1", room="Salle A", position=1)
    t2 = Location(event=event, name="Table 2", room="Salle A", position=2)
    room = Location(event=event, name="Salle B", kind=LocationKind.ROOM, room="Salle B")
    db.session.add_all([t1, t2, room])
    db.session.flush()
    voirie = make_buyer(event, "Voirie", location=t1)
    voirie.organisation.parent = metropole
    dechets = make_buyer(event, "Déchets")
    alpha, beta, gamma = (make_company(event, n) for n in ("Alpha", "Bêta", "Gamma"))
    db.session.add(
        User(
            email="anne@alpha.example",
            full_name="Anne Martin",
            role=Role.COMPANY,
            organisation=alpha.organisation,
        )
    )
    need = Need(event=event, buyer=voirie.organisation, title="Marquage LED")
    db.session.add(need)
    db.session.flush()
    requests = {
        "alpha-voirie": make_request(alpha, voirie, need=need),
        "alpha-dechets": make_request(alpha, dechets),
        "beta-voirie": make_request(beta, voirie),
        "gamma-dechets": make_request(gamma, dechets),
    }
    s1, s2, s3 = event.slots
    workshop = Workshop(event=event, title="Atelier LED", location=room)
    workshop.slot_links = [WorkshopSlot(slot=s1), WorkshopSlot(slot=s2)]
    workshop.interests = [WorkshopInterest(participant=gamma, kind=InterestKind.MEMBER)]
    db.session.add(workshop)
    db.session.commit()
    instance = build_instance(event.id)
    placed = [
        ("alpha-voirie", s2, t1),
        ("beta-voirie", s3, t1),
        ("alpha-dechets", s1, t2),
        ("gamma-dechets", s3, t2),
    ]
    result = Result(
        instance=instance.name,
        status=Status.OPTIMAL,
        meetings=tuple(
            ScheduledMeeting(f"r{requests[name].id}", f"s{slot.id}", f"t{table.id}")
            for name, slot, table in placed
        ),
        workshops=(WorkshopPlacement(f"w{workshop.id}", (f"p{gamma.id}",)),),
        objective=Objective(0, 4, 0),
    )
    version = schedules.store_result(event.id, instance, result, actor_id=None)
    db.session.commit()
    people = {"voirie": voirie, "dechets": dechets, "alpha": alpha, "beta": beta, "gamma": gamma}
    return {"event": event, "version": version, "people": people}


VOIRIE = "Métropole — Voirie"
PAUSE = printing.SheetItem(utc(14, 40), utc(15, 0), "pause", title="Café")


def test_header_names_event_dates_venue_contact_and_draft_status(crafted):
    version = crafted["version"]
    assert printing.header(version) == printing.PrintHeader(
        event_id=crafted["event"].id,
        event_title="Rendez-vous 2027",
        venue="Hôtel de la Métropole",
        timezone="Europe/Paris",
        days=(DAY,),
        organiser="Métropole",
        contact_email="orga@example.org",
        version_id=version.id,
        version_number=1,
        published=False,
    )


def test_company_sheet_lists_meetings_in_time_order_with_need_table_and_pause(crafted):
    alpha = crafted["people"]["alpha"]
    sheet = printing.participant_sheet(crafted["version"], alpha.id)
    assert sheet == printing.ParticipantSheet(
        participant_id=alpha.id,
        name="Alpha",
        organisation="",
        role=ParticipantRole.COMPANY,
        people=("Anne Martin",),
        table="",
        days=(
            printing.SheetDay(
                DAY,
                (
                    printing.SheetItem(
                        utc(14, 0), utc(14, 20), "meeting", "Déchets", "", "Table 2", "Salle A"
                    ),
                    printing.SheetItem(
                        utc(14, 20),
                        utc(14, 40),
                        "meeting",
                        VOIRIE,
                        "Marquage LED",
                        "Table 1",
                        "Salle A",
                    ),
                    PAUSE,
                ),
            ),
        ),
        meetings=2,
    )
    assert (sheet.busy, sheet.show_place, sheet.show_need, sheet.dense) == (True, True, True, False)


def test_workshop_slots_back_to_back_print_as_one_line(crafted):
    gamma = crafted["people"]["gamma"]
    sheet = printing.participant_sheet(crafted["version"], gamma.id)
    assert sheet.days[0].items == (
        printing.SheetItem(
            utc(14, 0), utc(14, 40), "workshop", "Atelier LED", "", "Salle B", "Salle B"
        ),
        PAUSE,
        printing.SheetItem(utc(15, 0), utc(15, 20), "meeting", "Déchets", "", "Table 2", "Salle A"),
    )
    assert (sheet.meetings, sheet.show_need) == (1, False)


def test_buyer_sheet_names_its_parent_body_and_kept_table(crafted):
    voirie = crafted["people"]["voirie"]
    sheet = printing.participant_sheet(crafted["version"], voirie.id)
    assert (sheet.name, sheet.organisation, sheet.table, sheet.people) == (
        "Voirie",
        "Métropole",
        "Table 1",
        (),
    )
    # Every meeting is at its own table, given once in the header: no place column.
    assert (sheet.show_place, sheet.show_need) == (False, True)
    assert [(i.starts_at, i.kind, i.title) for i in sheet.days[0].items] == [
        (utc(14, 20), "meeting", "Alpha"),
        (utc(14, 40), "pause", "Café"),
        (utc(15, 0), "meeting", "Bêta"),
    ]


def test_all_sheets_are_buyers_then_companies_by_name(crafted):
    sheets = printing.participant_sheets(crafted["version"])
    assert [s.name for s in sheets] == ["Déchets", "Voirie", "Alpha", "Bêta", "Gamma"]
    assert [s.meetings for s in sheets] == [2, 2, 2, 1, 1]


def test_sheet_of_a_participant_without_meetings_has_only_the_pause(crafted):
    delta = make_company(crafted["event"], "Delta")
    db.session.commit()
    sheet = printing.participant_sheet(crafted["version"], delta.id)
    assert sheet.days == (printing.SheetDay(DAY, (PAUSE,)),)
    assert (sheet.meetings, sheet.busy) == (0, False)


def test_sheet_of_an_unknown_or_foreign_participant_is_none(crafted):
    other = make_event()
    stranger = make_company(other, "Ailleurs")
    db.session.commit()
    assert printing.participant_sheet(crafted["version"], stranger.id) is None
    assert printing.participant_sheet(crafted["version"], 99_999) is None


def test_table_sheets_list_every_slot_and_the_pause_per_table(crafted):
    sheets = printing.table_sheets(crafted["version"])
    assert [(s.name, s.room, s.day, s.host, s.meetings) for s in sheets] == [
        ("Table 1", "Salle A", DAY, VOIRIE, 2),
        ("Table 2", "Salle A", DAY, "", 2),
    ]
    # Table 1 only hosts Voirie, named in the header: no buyer column; Table 2 has no need.
    assert [(s.show_buyer, s.show_need, s.dense) for s in sheets] == [
        (False, True, False),
        (True, False, False),
    ]
    assert sheets[0].lines == (
        printing.TableLine(utc(14, 0), utc(14, 20), "free"),
        printing.TableLine(utc(14, 20), utc(14, 40), "meeting", "Alpha", "Voirie", "Marquage LED"),
        printing.TableLine(utc(14, 40), utc(15, 0), "pause", label="Café"),
        printing.TableLine(utc(15, 0), utc(15, 20), "meeting", "Bêta", "Voirie"),
    )


def test_grid_pages_split_tables_and_keep_the_pause_row(crafted):
    pages = printing.grid_pages(crafted["version"], per_page=1)
    assert [(p.columns, p.number, p.of, p.show_workshops) for p in pages] == [
        (("Table 1",), 1, 2, True),
        (("Table 2",), 2, 2, True),
    ]
    assert [(line.kind, line.cells, line.workshops) for line in pages[0].lines] == [
        ("slot", (None,), ("Atelier LED",)),
        ("slot", (("Alpha", "Voirie"),), ("Atelier LED",)),
        ("pause", (), ()),
        ("slot", (("Bêta", "Voirie"),), ()),
    ]
    assert pages[0].lines[2].label == "Café"


def test_grid_fits_on_one_page_when_tables_are_few(crafted):
    pages = printing.grid_pages(crafted["version"])
    assert [(p.columns, p.number, p.of) for p in pages] == [(("Table 1", "Table 2"), 1, 1)]


@pytest.mark.parametrize(
    ("count", "per_page", "widths"),
    [(0, 6, []), (4, 6, [4]), (6, 6, [6]), (8, 6, [4, 4]), (13, 6, [5, 4, 4]), (3, 1, [1, 1, 1])],
)
def test_split_columns_makes_even_pages(count, per_page, widths):
    ranges = printing.split_columns(count, per_page)
    assert [len(r) for r in ranges] == widths
    assert [i for r in ranges for i in r] == list(range(count))


def test_long_day_prints_dense_and_short_day_does_not(app):
    long_day, short_day = make_event(slots=13, tables=1), make_event(slots=12, tables=1)
    db.session.commit()
    dense = []
    for event in (long_day, short_day):
        instance = build_instance(event.id)
        version = schedules.store_result(
            event.id, instance, Result(instance.name, Status.OPTIMAL), actor_id=None
        )
        (sheet,) = printing.table_sheets(version)
        dense.append((len(sheet.lines), sheet.dense, sheet.show_buyer, sheet.meetings))
    assert dense == [(13, True, True, 0), (12, False, True, 0)]
