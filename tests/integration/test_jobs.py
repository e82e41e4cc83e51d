"""Scheduling jobs: lifecycle (success, infeasible, crash), claiming, recovery after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import JobKind, JobStatus, ScheduleVersion, SchedulingJob
from app.models.base import utcnow
from app.scheduling.types import Result, Status
from app.services import worker
from app.services.agenda import jobs
from tests.solvers import first_fit


def infeasible(instance, **kwargs):
    return Result(
        instance.name, Status.INFEASIBLE, reason="p1 has 12 required meetings for 9 slots"
    )


def crash(instance, **kwargs):
    raise RuntimeError("solver exploded")


def test_job_success_stores_a_draft_version(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    done = jobs.run_job(job.id, solver=first_fit)
    assert done.status is JobStatus.SUCCEEDED
    assert done.progress == 1.0
    version = done.version
    assert version.number == 1 and version.status.value == "draft"
    assert len(version.meetings) == 17
    assert done.message == (
        f"FEASIBLE: {sum(m.status.value == 'scheduled' for m in version.meetings)} scheduled, "
        f"{sum(m.status.value == 'unscheduled' for m in version.meetings)} unscheduled"
    )


def test_job_infeasible_fails_with_the_reason_and_changes_nothing(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    done = jobs.run_job(job.id, solver=infeasible)
    assert done.status is JobStatus.FAILED
    assert done.message == "INFEASIBLE: p1 has 12 required meetings for 9 slots"
    assert db.session.query(ScheduleVersion).count() == 0


def test_job_crash_fails_and_changes_nothing(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    done = jobs.run_job(job.id, solver=crash)
    assert done.status is JobStatus.FAILED
    assert done.message == "crash: RuntimeError: solver exploded"
    assert db.session.query(ScheduleVersion).count() == 0


def test_job_claimed_twice_runs_once(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    assert jobs.run_job(job.id, solver=first_fit) is not None
    assert jobs.run_job(job.id, solver=first_fit) is None
    assert db.session.query(ScheduleVersion).count() == 1


def test_enqueue_while_a_job_is_active_is_refused(demo):
    jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    with pytest.raises(jobs.JobError, match="already_running"):
        jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)


@pytest.mark.parametrize("limit", [0, -1, 3601])
def test_enqueue_bad_time_limit_is_refused(demo, limit):
    with pytest.raises(jobs.JobError, match="time_limit"):
        jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=limit, actor_id=None)


def test_stale_running_job_is_requeued_then_failed(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    job.status = JobStatus.RUNNING
    job.attempts = 1
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert jobs.recover_stale() == 1
    assert job.status is JobStatus.QUEUED
    job.status = JobStatus.RUNNING
    job.attempts = 2
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert jobs.recover_stale() == 1
    assert job.status is JobStatus.FAILED


def test_worker_once_runs_queued_jobs(demo, monkeypatch):
    monkeypatch.setattr(jobs, "default_solver", first_fit)
    jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    assert worker.work(once=True) == 1
    assert db.session.query(SchedulingJob).one().status is JobStatus.SUCCEEDED


def test_reoptimise_keeps_locked_meetings_fixed_in_the_instance(demo):
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    base = jobs.run_job(job.id, solver=first_fit).version
    locked = next(m for m in base.meetings if m.status.value == "scheduled")
    locked.locked = True
    db.session.commit()
    seen = {}

    def spy(instance, *, time_limit, workers, previous):
        seen["instance"], seen["previous"] = instance, previous
        return first_fit(instance, time_limit=time_limit, workers=workers, previous=previous)

    again = jobs.enqueue(
        demo.id, JobKind.REOPTIMISE, time_limit=5, actor_id=None, base_version_id=base.id
    )
    db.session.commit()
    done = jobs.run_job(again.id, solver=spy)
    fixed = {m.id: (m.slot, m.location) for m in seen["instance"].meetings if m.slot}
    assert fixed == {f"r{locked.request_id}": (f"s{locked.slot_id}", f"t{locked.location_id}")}
    assert len(seen["previous"].meetings) == sum(
        m.status.value == "scheduled" for m in base.meetings
    )
    assert done.version.based_on_id == base.id
    relocked = [m for m in done.version.meetings if m.request_id == locked.request_id]
    assert relocked[0].locked is True
