"""The worker: runs queued scheduling jobs and sends the e-mail outbox between them.

A daemon thread started by the web process on its first request (enough for one server), or
`flask schedule worker` as a separate process (production). It sits on the top floor of the
services: it drives `agenda.jobs` and `mail.outbox`, and nothing below imports it.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from app.extensions import db
from app.services.agenda.jobs import next_queued, recover_stale, run_job
from app.services.mail import delivery

log = logging.getLogger(__name__)


def send_mail() -> None:
    """Drain the e-mail outbox between jobs; an error here must not stop the worker."""
    try:
        delivery.drain()
    except Exception:
        db.session.rollback()
        log.exception("sending the outbox failed")


def work(
    *, once: bool = False, idle_sleep: float = 1.0, stop: threading.Event | None = None
) -> int:
    """Worker loop: recover stale jobs, run queued ones, send the outbox's due e-mails.

    Returns the number of jobs run.
    """
    ran = 0
    while stop is None or not stop.is_set():
        recover_stale()
        send_mail()
        job_id = next_queued()
        if job_id is None:
            db.session.remove()
            if once:
                return ran
            time.sleep(idle_sleep)
            continue
        if run_job(job_id) is not None:
            ran += 1
        db.session.remove()
    return ran


_worker_lock = threading.Lock()


def ensure_background_worker(app: Flask) -> None:
    """Start the web process' worker thread once (unless disabled, as in tests)."""
    if not app.config.get("SCHEDULER_INLINE_WORKER", True):
        return
    if app.extensions.get("scheduling_worker") is not None:
        return  # every request asks: answer without taking the lock once it runs
    with _worker_lock:
        if app.extensions.get("scheduling_worker") is not None:
            return

        def loop() -> None:
            with app.app_context():
                work()

        thread = threading.Thread(target=loop, name="scheduling-worker", daemon=True)
        app.extensions["scheduling_worker"] = thread
        thread.start()
