"""Scheduling runs as background jobs.

A job row is written when the organiser asks for a run; a worker claims it, builds the
instance from the database, runs the engine outside any request, validates and stores the
result as a new draft version. Job state lives in the database, so a restarted web process
or worker picks up queued jobs and re-queues runs whose worker died (stale heartbeat).

The worker loop that runs these jobs (and sends the outbox between them) is
`app.services.worker`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from app.extensions import db
from app.models import JobKind, JobStatus, MeetingStatus, ScheduleVersion, SchedulingJob
from app.models.base import utcnow
from app.scheduling.types import Instance, Result, ScheduledMeeting, Status, WorkshopPlacement
from app.services import audit
from app.services.agenda import schedules
from app.services.agenda.instance import (
    BuildOptions,
    build_instance,
    meeting_key,
    participant_key,
    slot_key,
    table_key,
    workshop_key,
)

log = logging.getLogger(__name__)

Solver = Callable[..., Result]
HEARTBEAT_S = 1.0
STALE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 2


class JobError(Exception):
    """A job that cannot be created (message for the organiser)."""


def enqueue(
    event_id: int,
    kind: JobKind,
    *,
    time_limit: float,
    actor_id: int | None,
    base_version_id: int | None = None,
) -> SchedulingJob:
    if time_limit <= 0 or time_limit > 3600:
        raise JobError("time_limit")
    active = db.session.execute(
        db.select(SchedulingJob).where(
            SchedulingJob.event_id == event_id,
            SchedulingJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
    ).first()
    if active is not None:
        raise JobError("already_running")
    if kind is JobKind.REOPTIMISE and base_version_id is None:
        raise JobError("no_base_version")
    job = SchedulingJob(
        event_id=event_id,
        kind=kind,
        time_limit_s=time_limit,
        created_by_id=actor_id,
        params={"base_version_id": base_version_id} if base_version_id else {},
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "schedule.job_enqueue",
        actor_id=actor_id,
        event_id=event_id,
        target=job,
        kind=kind.value,
        time_limit=time_limit,
    )
    return job


def previous_result(version: ScheduleVersion, instance: Instance) -> Result:
    """A version as an engine result, for re-optimisation with minimal change."""
    known = {m.id for m in instance.meetings}
    placed = tuple(
        ScheduledMeeting(meeting_key(m.request_id), slot_key(m.slot_id), table_key(m.location_id))
        for m in version.meetings
        if m.status is MeetingStatus.SCHEDULED
        and m.request_id is not None
        and m.slot_id is not None
        and m.location_id is not None
        and meeting_key(m.request_id) in known
    )
    seats: dict[str, list[str]] = {}
    for seat in version.workshop_seats:
        seats.setdefault(workshop_key(seat.workshop_id), []).append(
            participant_key(seat.participant_id)
        )
    return Result(
        instance=instance.name,
        status=Status.FEASIBLE,
        meetings=placed,
        workshops=tuple(WorkshopPlacement(w, tuple(p)) for w, p in sorted(seats.items())),
    )


def default_solver(
    instance: Instance, *, time_limit: float, workers: int, previous: Result | None
) -> Result:
    """The engine: diagnose, greedy hint, CP-SAT, explanations, validation."""
    from app.scheduling import engine

    return engine.schedule(
        instance, time_limit=time_limit, workers=workers, seed=0, previous=previous
    )


def _claim(job_id: int) -> bool:
    """Atomically move a queued job to running (two workers never run one job)."""
    now = utcnow()
    claimed = db.session.execute(
        db.update(SchedulingJob)
        .where(SchedulingJob.id == job_id, SchedulingJob.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=SchedulingJob.attempts + 1,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            progress=0.0,
        )
    )
    db.session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _heartbeat(app: Flask, job_id: int, time_limit: float, stop: threading.Event) -> None:
    """Report progress (share of the time limit used) while the solver runs."""
    start = time.monotonic()
    with app.app_context():
        while not stop.wait(HEARTBEAT_S):
            progress = min(0.99, (time.monotonic() - start) / time_limit)
            db.session.execute(
                db.update(SchedulingJob)
                .where(SchedulingJob.id == job_id, SchedulingJob.status == JobStatus.RUNNING)
                .values(heartbeat_at=utcnow(), progress=progress)
            )
            db.session.commit()
        db.session.remove()


def _fail(job_id: int, message: str) -> SchedulingJob:
    db.session.rollback()
    job = db.session.get(SchedulingJob, job_id)
    assert job is not None
    job.status = JobStatus.FAILED
    job.finished_at = utcnow()
    job.message = message
    audit.record(
        "schedule.job_failed",
        actor_id=job.created_by_id,
        event_id=job.event_id,
        target=job,
        message=message,
    )
    db.session.commit()
    return job


def run_job(job_id: int, *, solver: Solver | None = None) -> SchedulingJob | None:
    """Run one queued job to completion in this thread. Returns None if another worker has it."""
    if not _claim(job_id):
        return None
    job = db.session.get(SchedulingJob, job_id)
    assert job is not None
    solver = solver or default_solver
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(app, job_id, job.time_limit_s, stop), daemon=True
    )
    try:
        base_id = job.params.get("base_version_id")
        base = db.session.get(ScheduleVersion, base_id) if base_id else None
        instance = build_instance(
            job.event_id, BuildOptions(base_version_id=base.id if base else None)
        )
        previous = previous_result(base, instance) if base is not None else None
        locked = (
            frozenset(m.request_id for m in base.meetings if m.locked and m.request_id)
            if (base is not None)
            else frozenset()
        )
        db.session.commit()  # end the read transaction: SQLite must not hold it while solving
        beat.start()
        result = solver(
            instance,
            time_limit=job.time_limit_s,
            workers=current_app.config["SCHEDULER_WORKERS"],
            previous=previous,
        )
        stop.set()
        beat.join()
        if result.status in (Status.INFEASIBLE, Status.UNKNOWN):
            reason = result.reason or result.status.value
            return _fail(job_id, f"{result.status.value}: {reason}")
        job = db.session.get(SchedulingJob, job_id)
        assert job is not None
        version = schedules.store_result(
            job.event_id,
            instance,
            result,
            actor_id=job.created_by_id,
            based_on_id=base.id if base is not None else None,
            locked_requests=locked,
            note=job.kind.value,
        )
        job.status = JobStatus.SUCCEEDED
        job.version_id = version.id
        job.progress = 1.0
        job.finished_at = utcnow()
        job.message = (
            f"{result.status.value}: {len(result.meetings)} scheduled, "
            f"{len(result.unscheduled)} unscheduled"
        )
        db.session.commit()
        return job
    except Exception as error:  # a crash must leave the job failed, never running
        stop.set()
        if beat.is_alive():
            beat.join()
        log.exception("scheduling job %s crashed", job_id)
        return _fail(job_id, f"crash: {type(error).__name__}: {error}")


def recover_stale(now: Any = None) -> int:
    """Re-queue running jobs whose worker stopped beating (a restart), or fail them."""
    now = now or utcnow()
    stale = db.session.execute(
        db.select(SchedulingJob).where(
            SchedulingJob.status == JobStatus.RUNNING,
            SchedulingJob.heartbeat_at < now - STALE_AFTER,
        )
    ).scalars()
    count = 0
    for job in stale:
        count += 1
        if job.attempts >= MAX_ATTEMPTS:
            job.status = JobStatus.FAILED
            job.finished_at = now
            job.message = "worker stopped during the run (twice): run it again"
        else:
            job.status = JobStatus.QUEUED
            job.message = "re-queued after the worker stopped"
    db.session.commit()
    return count


def next_queued() -> int | None:
    return db.session.execute(
        db.select(SchedulingJob.id)
        .where(SchedulingJob.status == JobStatus.QUEUED)
        .order_by(SchedulingJob.id)
        .limit(1)
    ).scalar_one_or_none()
