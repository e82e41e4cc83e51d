"""Late changes on a published agenda: which rows change, what is audited, and the draft's
summary after a re-optimisation (first_fit stands in for the engine)."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.extensions import db
from app.models import (
    ApplicationStatus,
    AuditEntry,
    JobKind,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    Priority,
    RequestOrigin,
    Unavailability,
)
from app.services import agenda, transfers
from app.services.agenda import change_summary, follow_up, jobs, late_changes, schedules
from app.services.agenda.instance import build_instance
from app.services.agenda.late_changes import LateChangeError
from tests.factories import make_buyer, make_company, make_event, make_request, new_siret
from tests.solvers import first_fit

DAY = date(2027, 3, 16)


def _run(event_id: int, kind: JobKind = JobKind.GENERATE, base=None):
    job = jobs.enqueue(
        event_id, kind, time_limit=5, actor_id=None, base_version_id=base.id if base else None
    )
    db.session.commit()
    return jobs.run_job(job.id, solver=first_fit).version


@pytest.fixture
def published(app):
    """Four slots (14:00–15:20), two tables, two buyers, three companies, a published agenda.

    first_fit places in request order: alpha-voirie 14:00 T1, alpha-dechets 14:20 T1,
    beta-voirie 14:20 T2, gamma-dechets 14:00 T2.
    """
    event = make_event(slots=4, tables=2)
    voirie = make_buyer(event, "Voirie")
    dechets = make_buyer(event, "Déchets")
    alpha = make_company(event, "Alpha")
    beta = make_company(event, "Bêta")
    gamma = make_company(event, "Gamma")
    requests = {
        "alpha-voirie": make_request(alpha, voirie),
        "alpha-dechets": make_request(alpha, dechets),
        "beta-voirie": make_request(beta, voirie),
        "gamma-dechets": make_request(gamma, dechets),
    }
    db.session.commit()
    version = _run(event.id)
    agenda.publish(version.id, actor_id=None)
    db.session.commit()
    return {
        "event": event,
        "version": version,
        "people": {
            "voirie": voirie,
            "dechets": dechets,
            "alpha": alpha,
            "beta": beta,
            "gamma": gamma,
        },
        "requests": requests,
    }


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.execute(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


def _places(version) -> dict[int, tuple[int, int]]:
    return {
        m.request_id: (m.slot_id, m.location_id)
        for m in version.meetings
        if m.status is MeetingStatus.SCHEDULED
    }


# --------------------------------------------------------------------------- (a) withdrawal


def test_withdraw_company_deactivates_its_requests_and_is_audited(published):
    event, alpha = published["event"], published["people"]["alpha"]
    r = published["requests"]
    outcome = late_changes.withdraw_company(event.id, alpha.id, "Malade", actor_id=None)
    db.session.commit()
    assert outcome.deactivated == (r["alpha-voirie"].id, r["alpha-dechets"].id)
    assert alpha.application.status is ApplicationStatus.WITHDRAWN
    assert alpha.application.decision_reason == "Malade"
    assert [req.is_active for req in r.values()] == [False, False, True, True]
    (entry,) = _audit("late.withdraw")
    assert entry.target_type == "Participant" and entry.target_id == alpha.id
    assert entry.reason == "Malade"
    assert entry.details["requests"] == [r["alpha-voirie"].id, r["alpha-dechets"].id]
    assert entry.details["published_meetings"] == [r["alpha-voirie"].id, r["alpha-dechets"].id]
    assert entry.details["application_before"] == "selected"
    instance = build_instance(event.id)
    assert f"p{alpha.id}" not in {p.id for p in instance.participants}
    assert [m.id for m in instance.meetings] == [
        f"r{r['beta-voirie'].id}",
        f"r{r['gamma-dechets'].id}",
    ]


def test_withdraw_company_twice_is_refused_and_changes_nothing(published):
    event, alpha = published["event"], published["people"]["alpha"]
    late_changes.withdraw_company(event.id, alpha.id, "Malade", actor_id=None)
    db.session.commit()
    with pytest.raises(LateChangeError, match="not_selected") as caught:
        late_changes.withdraw_company(event.id, alpha.id, "Encore", actor_id=None)
    assert caught.value.field == "participant"
    assert len(_audit("late.withdraw")) == 1


def test_withdraw_company_without_reason_is_refused(published):
    event, alpha = published["event"], published["people"]["alpha"]
    with pytest.raises(LateChangeError, match="reason_required"):
        late_changes.withdraw_company(event.id, alpha.id, "   ", actor_id=None)
    db.session.rollback()
    assert alpha.application.status is ApplicationStatus.SELECTED
    assert _audit("late.withdraw") == []


def test_withdraw_buyer_is_refused_as_unknown_company(published):
    event, voirie = published["event"], published["people"]["voirie"]
    with pytest.raises(LateChangeError, match="unknown_participant"):
        late_changes.withdraw_company(event.id, voirie.id, "Non", actor_id=None)


# --------------------------------------------------------------------------- (b) cancellation


def test_cancel_meeting_deactivates_the_request_and_records_its_published_place(published):
    event, version = published["event"], published["version"]
    request = published["requests"]["beta-voirie"]
    slot_id, location_id = _places(version)[request.id]
    outcome = late_changes.cancel_meeting(event.id, request.id, "Empêchement", actor_id=None)
    db.session.commit()
    assert outcome.deactivated == (request.id,)
    assert request.is_active is False
    (entry,) = _audit("late.cancel_meeting")
    assert (entry.target_type, entry.target_id, entry.reason) == (
        "MeetingRequest",
        request.id,
        "Empêchement",
    )
    assert entry.details["published_slot_id"] == slot_id
    assert entry.details["published_location_id"] == location_id
    # The published version itself is untouched: participants still see it.
    assert _places(version)[request.id] == (slot_id, location_id)


def test_cancel_meeting_twice_is_refused(published):
    event, request = published["event"], published["requests"]["beta-voirie"]
    late_changes.cancel_meeting(event.id, request.id, "Empêchement", actor_id=None)
    with pytest.raises(LateChangeError, match="inactive_request"):
        late_changes.cancel_meeting(event.id, request.id, "Empêchement", actor_id=None)


def test_cancellable_requests_list_published_meetings_in_time_order(published):
    rows = late_changes.cancellable_requests(published["event"].id)
    r = published["requests"]
    assert [request.id for request, _m in rows] == [
        r["alpha-voirie"].id,  # 14:00 T1
        r["gamma-dechets"].id,  # 14:00 T2
        r["alpha-dechets"].id,  # 14:20 T1
        r["beta-voirie"].id,  # 14:20 T2
    ]


# --------------------------------------------------------------------------- (c) absence


def test_absence_leaving_early_adds_unavailability_from_that_time(published):
    event, voirie = published["event"], published["people"]["voirie"]
    slots = event.slots
    outcome = late_changes.add_absence(
        event.id, voirie.id, DAY, time(14, 40), late_changes.LEAVE, "Réunion", actor_id=None
    )
    db.session.commit()
    assert outcome.slots == (slots[2].id, slots[3].id)  # 14:40 and 15:00
    rows = db.session.execute(
        db.select(Unavailability).where(Unavailability.participant_id == voirie.id)
    ).scalars()
    assert sorted((u.slot_id, u.reason) for u in rows) == [
        (slots[2].id, "Départ à 14\u00a0h\u00a040. Réunion"),
        (slots[3].id, "Départ à 14\u00a0h\u00a040. Réunion"),
    ]
    (entry,) = _audit("late.absence")
    assert entry.details["slots"] == [slots[2].id, slots[3].id]
    assert (entry.details["kind"], entry.details["at"], entry.details["day"]) == (
        "leave",
        "14:40",
        "2027-03-16",
    )
    assert entry.details["unlocked_requests"] == []


def test_absence_arriving_late_covers_slots_starting_before_that_time(published):
    event, dechets = published["event"], published["people"]["dechets"]
    slots = event.slots
    outcome = late_changes.add_absence(
        event.id, dechets.id, DAY, time(14, 30), late_changes.ARRIVE, "", actor_id=None
    )
    assert outcome.slots == (slots[0].id, slots[1].id)  # 14:00 and 14:20


def test_absence_releases_locks_of_published_meetings_it_covers(published):
    event, version, voirie = published["event"], published["version"], published["people"]["voirie"]
    request = published["requests"]["alpha-voirie"]  # 14:00 T1
    meeting = next(m for m in version.meetings if m.request_id == request.id)
    meeting.locked = True
    db.session.commit()
    outcome = late_changes.add_absence(
        event.id, voirie.id, DAY, time(14, 10), late_changes.ARRIVE, "Train", actor_id=None
    )
    db.session.commit()
    assert outcome.unlocked == (request.id,)
    assert meeting.locked is False
    assert _audit("late.absence")[0].details["unlocked_requests"] == [request.id]


@pytest.mark.parametrize(
    ("at", "kind", "key"),
    [(time(16, 0), "leave", "no_slot"), (time(13, 0), "arrive", "no_slot")],
)
def test_absence_outside_the_day_is_refused(published, at, kind, key):
    event, voirie = published["event"], published["people"]["voirie"]
    with pytest.raises(LateChangeError, match=key) as caught:
        late_changes.add_absence(event.id, voirie.id, DAY, at, kind, "", actor_id=None)
    assert caught.value.field == "at"


def test_absence_already_recorded_is_refused(published):
    event, voirie = published["event"], published["people"]["voirie"]
    late_changes.add_absence(event.id, voirie.id, DAY, time(15, 0), "leave", "", actor_id=None)
    with pytest.raises(LateChangeError, match="already_unavailable"):
        late_changes.add_absence(event.id, voirie.id, DAY, time(15, 10), "leave", "", actor_id=None)
    assert len(_audit("late.absence")) == 1


def test_absence_on_a_day_outside_the_event_is_refused(published):
    event, voirie = published["event"], published["people"]["voirie"]
    with pytest.raises(LateChangeError, match="unknown_day"):
        late_changes.add_absence(
            event.id, voirie.id, date(2027, 3, 17), time(15, 0), "leave", "", actor_id=None
        )


# --------------------------------------------------------------------------- (d) late company


def test_late_company_new_organisation_joins_selected_with_organiser_requests(published):
    event, people = published["event"], published["people"]
    siret = new_siret()
    outcome = late_changes.add_late_company(
        event.id,
        organisation_id=None,
        name="Zêta Bois",
        siret=siret[:3] + " " + siret[3:],
        buyer_ids=[people["dechets"].id, people["voirie"].id],
        priority=Priority.MUST,
        reason="Inscrite sur place",
        actor_id=None,
    )
    db.session.commit()
    org = db.session.execute(
        db.select(Organisation).where(Organisation.siret == siret)
    ).scalar_one()
    assert org.name == "Zêta Bois"
    participant = db.session.get(type(people["alpha"]), outcome.participant_id)
    assert participant.application.status is ApplicationStatus.SELECTED
    requests = [db.session.get(MeetingRequest, rid) for rid in outcome.created]
    assert sorted(r.buyer_id for r in requests) == sorted(
        [people["voirie"].id, people["dechets"].id]
    )
    assert {(r.origin, r.priority, r.is_active) for r in requests} == {
        (RequestOrigin.ORGANISER, Priority.MUST, True)
    }
    (entry,) = _audit("late.company")
    assert entry.details["new_organisation"] is True
    assert entry.details["requests"] == list(outcome.created)
    assert {m.id for m in build_instance(event.id).meetings} >= {f"r{i}" for i in outcome.created}


def test_late_company_withdrawn_one_rejoins_with_its_request_reactivated(published):
    event, people, r = published["event"], published["people"], published["requests"]
    alpha = people["alpha"]
    late_changes.withdraw_company(event.id, alpha.id, "Malade", actor_id=None)
    outcome = late_changes.add_late_company(
        event.id,
        organisation_id=alpha.organisation_id,
        name="",
        siret="",
        buyer_ids=[people["voirie"].id],
        priority=Priority.WANT,
        reason="",
        actor_id=None,
    )
    assert outcome.created == (r["alpha-voirie"].id,)
    assert r["alpha-voirie"].is_active is True
    assert r["alpha-dechets"].is_active is False
    assert alpha.application.status is ApplicationStatus.SELECTED
    assert _audit("late.company")[0].details["application_before"] == "withdrawn"


@pytest.mark.parametrize(
    ("name", "siret", "key", "field"),
    [
        ("", "", "name_required", "name"),
        ("Zêta", "12345678901234", "bad_siret", "siret"),
    ],
)
def test_late_company_bad_new_organisation_is_refused(published, name, siret, key, field):
    event, voirie = published["event"], published["people"]["voirie"]
    with pytest.raises(LateChangeError, match=key) as caught:
        late_changes.add_late_company(
            event.id,
            organisation_id=None,
            name=name,
            siret=siret,
            buyer_ids=[voirie.id],
            priority=Priority.WANT,
            reason="",
            actor_id=None,
        )
    assert caught.value.field == field


def test_late_company_taken_siret_and_selected_company_are_refused(published):
    event, people = published["event"], published["people"]
    siret = people["alpha"].organisation.siret
    with pytest.raises(LateChangeError, match="siret_taken"):
        late_changes.add_late_company(
            event.id,
            organisation_id=None,
            name="Copie",
            siret=siret,
            buyer_ids=[people["voirie"].id],
            priority=Priority.WANT,
            reason="",
            actor_id=None,
        )
    with pytest.raises(LateChangeError, match="not_joinable"):
        late_changes.add_late_company(
            event.id,
            organisation_id=people["beta"].organisation_id,
            name="",
            siret="",
            buyer_ids=[people["voirie"].id],
            priority=Priority.WANT,
            reason="",
            actor_id=None,
        )
    with pytest.raises(LateChangeError, match="no_buyer"):
        late_changes.add_late_company(
            event.id,
            organisation_id=None,
            name="Zêta",
            siret=new_siret(),
            buyer_ids=[],
            priority=Priority.WANT,
            reason="",
            actor_id=None,
        )


# --------------------------------------------------------------------------- summary


def test_reoptimised_draft_summary_names_cancelled_and_moved_meetings(published):
    event, version, r = published["event"], published["version"], published["requests"]
    late_changes.cancel_meeting(event.id, r["alpha-voirie"].id, "Empêchement", actor_id=None)
    db.session.commit()
    draft = _run(event.id, JobKind.REOPTIMISE, base=version)
    summary = change_summary.summarise(draft)
    # first_fit starts over: alpha-dechets moves up to 14:00 T1, beta-voirie to 14:00 T2…
    diff = schedules.diff(version, draft)
    assert summary.changed == len(diff.changes)
    assert {(line.request_id, line.kind) for line in summary.lines} == {
        (c.request_id, c.kind) for c in diff.changes
    }
    removed = summary.of_kind("removed")
    assert [(line.request_id, line.cause) for line in removed] == [
        (r["alpha-voirie"].id, change_summary.CANCELLED)
    ]
    assert summary.reference_number == version.number
    assert summary.locked_moved == ()
    assert summary.published_moved == summary.of_kind("moved")
    names = {p.name for p in summary.per_participant}
    assert "Alpha" in names and "Voirie" in names


def test_summary_warns_about_a_locked_meeting_that_moved(published):
    event, version, r = published["event"], published["version"], published["requests"]
    draft = _run(event.id, JobKind.REOPTIMISE, base=version)
    meeting = next(m for m in draft.meetings if m.request_id == r["beta-voirie"].id)
    other = next(m for m in version.meetings if m.request_id == r["beta-voirie"].id)
    other.locked = True  # locked in the published agenda…
    meeting.slot_id = event.slots[3].id  # …but the draft has it at 15:00 (free for both)
    db.session.flush()
    summary = change_summary.summarise(draft)
    assert [line.request_id for line in summary.locked_moved] == [r["beta-voirie"].id]


def test_summary_of_a_first_draft_has_no_reference(app):
    event = make_event(slots=2, tables=1)
    buyer = make_buyer(event, "Voirie")
    make_request(make_company(event, "Alpha"), buyer)
    db.session.commit()
    summary = change_summary.summarise(_run(event.id))
    assert (summary.reference_id, summary.lines, summary.changed) == (None, (), 0)


# --------------------------------------------------------------------------- follow-up


@pytest.fixture
def crowded(app):
    """One slot, one table, one buyer, two companies: one request cannot be placed."""
    event = make_event(slots=1, tables=1)
    buyer = make_buyer(event, "Voirie")
    first = make_request(make_company(event, "Alpha"), buyer)
    second = make_request(make_company(event, "Bêta"), buyer, need_id=None)
    db.session.commit()
    version = _run(event.id)
    return event, version, first, second


def test_follow_up_mark_and_unmark_are_audited_and_leave_the_instance(crowded):
    event, version, _first, second = crowded
    meeting = next(m for m in version.meetings if m.request_id == second.id)
    assert meeting.status is MeetingStatus.UNSCHEDULED
    follow_up.set_follow_up(version.id, meeting.id, True, actor_id=None)
    db.session.commit()
    assert second.follow_up is True
    assert f"r{second.id}" not in {m.id for m in build_instance(event.id).meetings}
    (line,) = follow_up.lines(event.id)
    assert (line.company, line.buyer, line.priority, line.reason) == (
        "Bêta",
        "Voirie",
        "want",
        "no free slot",
    )
    header, rows = follow_up.rows(event.id)
    assert header == follow_up.HEADER
    assert rows == [
        ["Bêta", second.company.organisation.siret, "Voirie", "", "souhaité", "no free slot"]
    ]
    assert transfers.to_csv(header, rows).decode("utf-8").splitlines()[1] == (
        f"Bêta;{second.company.organisation.siret};Voirie;;souhaité;no free slot"
    )
    follow_up.set_follow_up(version.id, meeting.id, False, actor_id=None)
    db.session.commit()
    assert second.follow_up is False
    assert [e.action for e in _audit("request.follow_up")] == ["request.follow_up"]
    assert len(_audit("request.follow_up_cancel")) == 1
    assert follow_up.lines(event.id) == ()


def test_follow_up_of_a_scheduled_meeting_is_refused(crowded):
    _event, version, first, _second = crowded
    meeting = next(m for m in version.meetings if m.request_id == first.id)
    with pytest.raises(agenda.AgendaError, match="not_unscheduled"):
        follow_up.set_follow_up(version.id, meeting.id, True, actor_id=None)
    assert first.follow_up is False


def test_unscheduled_lines_say_which_requests_are_followed_up(crowded):
    _event, version, _first, second = crowded
    meeting = next(m for m in version.meetings if m.request_id == second.id)
    follow_up.set_follow_up(version.id, meeting.id, True, actor_id=None)
    (line,) = agenda.unscheduled(version)
    assert (line.request_id, line.follow_up) == (second.id, True)


def test_publishing_the_reoptimised_draft_returns_the_cancellation_in_its_diff(published):
    event, version, r = published["event"], published["version"], published["requests"]
    cancelled = r["gamma-dechets"]
    place = _places(version)[cancelled.id]
    late_changes.cancel_meeting(event.id, cancelled.id, "Empêchement", actor_id=None)
    db.session.commit()
    draft = _run(event.id, JobKind.REOPTIMISE, base=version)
    summary = change_summary.summarise(draft)
    changes = agenda.publish(draft.id, actor_id=None)
    db.session.commit()
    assert [c.request_id for c in changes.changes] == sorted(
        line.request_id for line in summary.lines
    )
    removed = [c for c in changes.changes if c.kind == "removed"]
    assert [(c.request_id, c.before, c.after) for c in removed] == [
        (cancelled.id, place, (None, None))
    ]
    # The cancelled meeting is not in the new agenda; every other changed one went up by one.
    old = {m.request_id: m.sequence for m in version.meetings}
    new = {m.request_id: m.sequence for m in draft.meetings}
    assert cancelled.id not in new
    changed = {c.request_id for c in changes.changes}
    assert {rid: seq - old[rid] for rid, seq in new.items()} == {
        rid: (1 if rid in changed else 0) for rid in new
    }
