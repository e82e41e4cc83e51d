"""`flask schedule run|export|worker` and the demo's published agenda, with the real engine."""

from __future__ import annotations

from app.extensions import db
from app.models import EventStatus, JobStatus, MeetingStatus, ScheduleVersion, SchedulingJob
from app.scheduling.io import load_instance
from app.scheduling.validate import validate
from app.services.agenda import jobs, schedules
from app.services.agenda.instance import build_instance


def test_demo_load_ends_with_a_published_optimal_agenda(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    version = db.session.query(ScheduleVersion).one()
    assert version.status.value == "published"
    assert version.event.status is EventStatus.PUBLISHED
    assert version.solver_status == "OPTIMAL"
    scheduled = [m for m in version.meetings if m.status is MeetingStatus.SCHEDULED]
    assert len(scheduled) == 17
    assert version.objective["shortfall"] == 0  # every selected company has a meeting
    assert version.objective == version.bound
    assert "Published: 17 added, 0 moved, 0 removed." in result.output


def test_schedule_run_stores_a_draft_that_passes_the_validator(demo, app):
    result = app.test_cli_runner().invoke(
        args=["schedule", "run", str(demo.id), "--time-limit", "10"]
    )
    assert result.exit_code == 0, result.output
    version = db.session.query(ScheduleVersion).one()
    assert version.status.value == "draft"
    instance = build_instance(demo.id)
    stored = jobs.previous_result(version, instance)
    report = validate(instance, stored)
    hard = [v for v in report.violations if v.rule not in {"meeting_missing"}]
    assert hard == []
    assert report.objective.weight == version.objective["weight"]
    seats = {s.participant_id for s in version.workshop_seats}
    assert len(seats) == 10  # the buyer and nine companies in « Marquage au sol LED »


def test_schedule_run_unknown_event_exits_1(app):
    result = app.test_cli_runner().invoke(args=["schedule", "run", "999"])
    assert result.exit_code == 1
    assert "event 999 does not exist" in result.output


def test_schedule_run_failure_says_why_and_stores_nothing(demo, app, monkeypatch):
    def infeasible(instance, **kwargs):
        from app.scheduling.types import Result, Status

        return Result(instance.name, Status.INFEASIBLE, reason="p1 has too many meetings")

    monkeypatch.setattr(jobs, "default_solver", infeasible)
    result = app.test_cli_runner().invoke(args=["schedule", "run", str(demo.id)])
    assert result.exit_code == 1
    assert "run failed: INFEASIBLE: p1 has too many meetings" in result.output
    assert db.session.query(ScheduleVersion).count() == 0
    assert db.session.query(SchedulingJob).one().status is JobStatus.FAILED


def test_schedule_export_writes_the_engine_instance(demo, app, tmp_path):
    path = tmp_path / "demo.json"
    result = app.test_cli_runner().invoke(args=["schedule", "export", str(demo.id), str(path)])
    assert result.exit_code == 0, result.output
    assert load_instance(path) == build_instance(demo.id)


def test_reoptimise_after_a_cancellation_moves_few_meetings(demo, app):
    app.test_cli_runner().invoke(args=["schedule", "run", str(demo.id), "--publish"])
    published = schedules.published_version(demo.id)
    cancelled = next(m for m in published.meetings if m.status is MeetingStatus.SCHEDULED)
    cancelled.request.is_active = False
    db.session.commit()
    job = jobs.enqueue(
        demo.id, jobs.JobKind.REOPTIMISE, time_limit=10, actor_id=None, base_version_id=published.id
    )
    db.session.commit()
    done = jobs.run_job(job.id)
    assert done.status is JobStatus.SUCCEEDED, done.message
    changes = schedules.diff(published, done.version)
    assert [c.kind for c in changes.changes if c.request_id == cancelled.request_id] == ["removed"]
    # the diff stored in the database agrees with the engine's count of changed meetings,
    # and re-optimising after one cancellation leaves the rest of the day almost untouched
    moved = changes.count("moved")
    assert moved == done.version.stats["changed_meetings"]
    assert moved <= 2
    assert done.version.objective["breaks"] <= published.objective["breaks"]
