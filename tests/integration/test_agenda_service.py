"""The agenda service: versions list, grid, fairness, comparison, locks and publication."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import (
    ApplicationStatus,
    AuditEntry,
    EventStatus,
    InterestKind,
    JobKind,
    JobStatus,
    MeetingStatus,
    ParticipantRole,
    SchedulingJob,
    VersionStatus,
    Workshop,
    WorkshopInterest,
    WorkshopSlot,
)
from app.scheduling.types import (
    Bound,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)
from app.services import agenda
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from tests.factories import make_buyer, make_company, make_event, make_request


@pytest.fixture
def crafted(app):
    """Three slots, two tables, two buyers, four selected companies (one waitlisted aside).

    Alpha asks both buyers, Bêta asks Voirie, Gamma asks Déchets, Delta asks nobody.
    Voirie runs a workshop in the third slot.
    """
    event = make_event(slots=3, tables=2)
    voirie = make_buyer(event, "Voirie")
    dechets = make_buyer(event, "Déchets")
    alpha = make_company(event, "Alpha")
    beta = make_company(event, "Bêta")
    gamma = make_company(event, "Gamma")
    delta = make_company(event, "Delta")
    make_company(event, "Epsilon", status=ApplicationStatus.WAITLISTED)
    requests = {
        "alpha-voirie": make_request(alpha, voirie),
        "alpha-dechets": make_request(alpha, dechets),
        "beta-voirie": make_request(beta, voirie),
        "gamma-dechets": make_request(gamma, dechets),
    }
    s1, s2, s3 = event.slots
    workshop = Workshop(event=event, title="Atelier LED")
    workshop.slot_links = [WorkshopSlot(slot=s3)]
    workshop.interests = [WorkshopInterest(participant=voirie, kind=InterestKind.MEMBER)]
    db.session.add(workshop)
    db.session.commit()
    return {
        "event": event,
        "slots": (s1, s2, s3),
        "tables": tuple(event.locations),
        "people": {
            "voirie": voirie,
            "dechets": dechets,
            "alpha": alpha,
            "beta": beta,
            "gamma": gamma,
            "delta": delta,
        },
        "requests": requests,
        "workshop": workshop,
    }


def _store(crafted, placed, unscheduled=()):
    """Store a hand-made result: `placed` = [(request name, slot index, table index)]."""
    event = crafted["event"]
    instance = build_instance(event.id)
    slots, tables, requests = crafted["slots"], crafted["tables"], crafted["requests"]
    result = Result(
        instance=instance.name,
        status=Status.OPTIMAL,
        meetings=tuple(
            ScheduledMeeting(f"r{requests[name].id}", f"s{slots[s].id}", f"t{tables[t].id}")
            for name, s, t in placed
        ),
        unscheduled=tuple(
            Unscheduled(f"r{requests[name].id}", reason) for name, reason in unscheduled
        ),
        workshops=(
            WorkshopPlacement(
                f"w{crafted['workshop'].id}", (f"p{crafted['people']['voirie'].id}",)
            ),
        ),
        objective=Objective(0, 9, 1),
        bound=Bound(0, 12, 0),
        wall_time_s=1.25,
    )
    version = schedules.store_result(event.id, instance, result, actor_id=None)
    db.session.commit()
    return version


def _first(crafted):
    gamma, dechets = crafted["people"]["gamma"], crafted["people"]["dechets"]
    return _store(
        crafted,
        [("alpha-voirie", 0, 0), ("alpha-dechets", 1, 1), ("beta-voirie", 1, 0)],
        [("gamma-dechets", f"p{gamma.id} and p{dechets.id} have no common free slot")],
    )


def test_fairness_counts_selected_companies_only(crafted):
    version = _first(crafted)
    figures = agenda.fairness(version)
    assert figures == agenda.Fairness(
        companies=4,
        minimum=0,
        median=0.5,
        maximum=2,
        without=("Delta", "Gamma"),
        per_company=(("Delta", 0), ("Gamma", 0), ("Bêta", 1), ("Alpha", 2)),
    )


def test_fairness_of_an_event_without_companies_is_zero(app):
    event = make_event()
    db.session.commit()
    instance = build_instance(event.id)
    version = schedules.store_result(
        event.id, instance, Result(instance.name, Status.OPTIMAL), actor_id=None
    )
    assert agenda.fairness(version) == agenda.Fairness(0, 0, 0.0, 0, (), ())


def test_grid_places_each_meeting_in_its_slot_and_table(crafted):
    version = _first(crafted)
    grid = agenda.build_grid(version)
    people = crafted["people"]
    assert [c.name for c in grid.columns] == ["Table 1", "Table 2"]
    assert grid.scheduled == 3 and grid.locked == 0
    cells = [
        [(c.company, c.buyer, c.locked, c.change) if c else None for c in row.cells]
        for row in grid.rows
    ]
    assert cells == [
        [("Alpha", "Voirie", False, None), None],
        [("Bêta", "Voirie", False, None), ("Alpha", "Déchets", False, None)],
        [None, None],
    ]
    first = grid.rows[0].cells[0]
    assert (first.company_id, first.buyer_id) == (people["alpha"].id, people["voirie"].id)
    assert [row.workshops for row in grid.rows] == [
        (),
        (),
        (agenda.WorkshopNote(crafted["workshop"].id, "Atelier LED", 1),),
    ]
    assert grid.timezone == "Europe/Paris"


def test_unscheduled_lists_the_reason_with_names(crafted):
    version = _first(crafted)
    [line] = agenda.unscheduled(version)
    gamma, dechets = crafted["people"]["gamma"], crafted["people"]["dechets"]
    assert (line.company, line.buyer) == ("Gamma", "Déchets")
    assert line.reason == "Gamma and Déchets have no common free slot"
    assert line.raw_reason == f"p{gamma.id} and p{dechets.id} have no common free slot"
    assert agenda.unscheduled(version, crafted["people"]["alpha"].id) == ()


def test_humanise_reason_keeps_unknown_ids():
    assert agenda.humanise_reason("p1 at t2, p9 busy", {"p1": "A", "t2": "Table 2"}) == (
        "A at Table 2, p9 busy"
    )


def test_versions_lists_counts_newest_first(crafted):
    first = _first(crafted)
    second = _store(crafted, [("alpha-voirie", 0, 0)])
    lines = agenda.versions(crafted["event"].id)
    assert [(v.number, v.scheduled, v.unscheduled) for v in lines] == [(2, 1, 0), (1, 3, 1)]
    assert lines[1].id == first.id and lines[0].id == second.id
    assert lines[1].objective == {"shortfall": 0, "weight": 9, "breaks": 1}
    assert lines[1].solver_status == "OPTIMAL"


def test_compare_draft_with_the_published_version(crafted):
    first = _first(crafted)
    agenda.publish(first.id, actor_id=None)
    db.session.commit()
    draft = _store(
        crafted,
        [("alpha-voirie", 0, 1), ("beta-voirie", 1, 0), ("gamma-dechets", 2, 1)],
        [("alpha-dechets", "cap reached")],
    )
    comparison = agenda.compare(draft)
    slots, requests = crafted["slots"], crafted["requests"]
    assert (comparison.reference_number, comparison.added, comparison.moved) == (1, 1, 1)
    assert comparison.removed == 1
    assert [(c.kind, c.label) for c in comparison.lines] == [
        ("moved", "Alpha ↔ Voirie"),
        ("removed", "Alpha ↔ Déchets"),
        ("added", "Gamma ↔ Déchets"),
    ]
    moved = comparison.lines[0]
    assert moved.before == agenda.Place(slots[0].starts_at, "Table 1")
    assert moved.after == agenda.Place(slots[0].starts_at, "Table 2")
    assert comparison.kinds == {
        requests["alpha-voirie"].id: "moved",
        requests["gamma-dechets"].id: "added",
    }
    grid = agenda.build_grid(draft, comparison)
    changes = {(c.company, c.change) for row in grid.rows for c in row.cells if c}
    assert changes == {("Alpha", "moved"), ("Bêta", None), ("Gamma", "added")}


def test_compare_published_version_with_the_one_it_replaced(crafted):
    first = _first(crafted)
    agenda.publish(first.id, actor_id=None)
    second = _store(crafted, [("alpha-voirie", 0, 0), ("beta-voirie", 1, 0)])
    agenda.publish(second.id, actor_id=None)
    db.session.commit()
    comparison = agenda.compare(second)
    assert (comparison.reference_id, comparison.removed, comparison.added) == (first.id, 1, 0)
    assert agenda.compare(first).reference_id is None


def test_participant_agenda_shows_meetings_workshop_and_free_slots(crafted):
    version = _first(crafted)
    voirie = crafted["people"]["voirie"]
    day = agenda.participant_agenda(version, voirie.id)
    assert (day.name, day.role, day.meetings) == ("Voirie", ParticipantRole.BUYER, 2)
    assert [(s.kind, s.other, s.table) for s in day.slots] == [
        ("meeting", "Alpha", "Table 1"),
        ("meeting", "Bêta", "Table 1"),
        ("workshop", "Atelier LED", ""),
    ]
    delta = agenda.participant_agenda(version, crafted["people"]["delta"].id)
    assert [s.kind for s in delta.slots] == ["free", "free", "free"]


def test_participant_agenda_of_another_event_is_none(crafted):
    version = _first(crafted)
    other = make_event()
    stranger = make_buyer(other, "Ailleurs")
    assert agenda.participant_agenda(version, stranger.id) is None
    assert agenda.participant_agenda(version, 999_999) is None


def test_lock_and_unlock_are_audited(crafted):
    version = _first(crafted)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    agenda.set_locked(version.id, meeting.id, True, actor_id=None)
    db.session.commit()
    assert meeting.locked is True
    agenda.set_locked(version.id, meeting.id, True, actor_id=None)  # no change, no entry
    agenda.set_locked(version.id, meeting.id, False, actor_id=None)
    db.session.commit()
    assert meeting.locked is False
    entries = (
        db.session.query(AuditEntry)
        .filter(AuditEntry.action.in_(["meeting.lock", "meeting.unlock"]))
        .order_by(AuditEntry.id)
        .all()
    )
    assert [(e.action, e.target_type, e.target_id) for e in entries] == [
        ("meeting.lock", "Meeting", meeting.id),
        ("meeting.unlock", "Meeting", meeting.id),
    ]
    assert entries[0].details["request_id"] == meeting.request_id
    assert entries[0].event_id == crafted["event"].id
    assert agenda.build_grid(version).locked == 0


def test_lock_refused_on_unscheduled_foreign_or_published_meetings(crafted):
    version = _first(crafted)
    missing = next(m for m in version.meetings if m.status is MeetingStatus.UNSCHEDULED)
    with pytest.raises(agenda.AgendaError, match="not_scheduled"):
        agenda.set_locked(version.id, missing.id, True, actor_id=None)
    other = _store(crafted, [("alpha-voirie", 0, 0)])
    with pytest.raises(agenda.AgendaError, match="unknown_meeting"):
        agenda.set_locked(other.id, missing.id, True, actor_id=None)
    agenda.publish(version.id, actor_id=None)
    placed = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    with pytest.raises(agenda.AgendaError, match="read_only"):
        agenda.set_locked(version.id, placed.id, True, actor_id=None)
    assert placed.locked is False


def test_publish_sets_the_event_status_and_refuses_a_second_time(crafted):
    version = _first(crafted)
    changes = agenda.publish(version.id, actor_id=None)
    db.session.commit()
    assert (changes.count("added"), changes.count("moved"), changes.count("removed")) == (3, 0, 0)
    assert version.status is VersionStatus.PUBLISHED
    assert crafted["event"].status is EventStatus.PUBLISHED
    with pytest.raises(agenda.AgendaError, match="read_only"):
        agenda.publish(version.id, actor_id=None)
    with pytest.raises(agenda.AgendaError, match="unknown_version"):
        agenda.publish(999_999, actor_id=None)


def test_reoptimise_queues_a_job_on_the_version_and_refuses_superseded(crafted):
    first = _first(crafted)
    agenda.publish(first.id, actor_id=None)
    job = agenda.reoptimise(first.id, time_limit=7, actor_id=None)
    assert (job.kind, job.status, job.params) == (
        JobKind.REOPTIMISE,
        JobStatus.QUEUED,
        {"base_version_id": first.id},
    )
    assert job.time_limit_s == 7
    job.status = JobStatus.FAILED
    second = _store(crafted, [("alpha-voirie", 0, 0)])
    agenda.publish(second.id, actor_id=None)
    with pytest.raises(agenda.AgendaError, match="read_only"):
        agenda.reoptimise(first.id, time_limit=7, actor_id=None)


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (JobStatus.FAILED, "INFEASIBLE: p1 has 12 required meetings", "infeasible"),
        (JobStatus.FAILED, "UNKNOWN: UNKNOWN", "unknown"),
        (JobStatus.FAILED, "crash: RuntimeError: boom", "crash"),
        (JobStatus.FAILED, "worker stopped during the run (twice): run it again", "worker_stopped"),
        (JobStatus.FAILED, "something else", "other"),
        (JobStatus.SUCCEEDED, "FEASIBLE: 3 scheduled, 0 unscheduled", None),
    ],
)
def test_failure_kind_reads_the_job_message(status, message, kind):
    assert agenda.failure_kind(SchedulingJob(status=status, message=message)) == kind


def test_latest_job_is_the_newest(crafted):
    event = crafted["event"]
    assert agenda.latest_job(event.id) is None
    first = _first(crafted)
    old = agenda.reoptimise(first.id, time_limit=5, actor_id=None)
    old.status = JobStatus.SUCCEEDED
    new = agenda.reoptimise(first.id, time_limit=5, actor_id=None)
    assert agenda.latest_job(event.id) is new
    assert agenda.is_active(new) and not agenda.is_active(old)


def test_scheduled_participants_lists_buyers_then_selected_companies(crafted):
    people = crafted["people"]
    links = agenda.scheduled_participants(crafted["event"].id)
    assert [(link.id, link.name) for link in links] == [
        (people["dechets"].id, "Déchets"),
        (people["voirie"].id, "Voirie"),
        (people["alpha"].id, "Alpha"),
        (people["beta"].id, "Bêta"),
        (people["delta"].id, "Delta"),
        (people["gamma"].id, "Gamma"),
    ]


def test_job_reason_names_participants_and_tables(crafted):
    voirie, table = crafted["people"]["voirie"], crafted["tables"][1]
    job = SchedulingJob(
        event_id=crafted["event"].id,
        status=JobStatus.FAILED,
        message=f"INFEASIBLE: p{voirie.id} needs t{table.id} in 4 slots",
    )
    assert agenda.job_reason(job) == "INFEASIBLE: Voirie needs Table 2 in 4 slots"
