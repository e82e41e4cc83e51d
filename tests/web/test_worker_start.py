"""The web process starts its worker thread on its first request (queued runs and unsent
invitations resume after a restart without waiting for an organiser)."""

from __future__ import annotations

import threading

from app import create_app
from app.extensions import db
from app.services import worker


def test_first_request_starts_the_inline_worker_once(monkeypatch):
    ran = threading.Event()
    calls = []

    def fake_work(**kwargs):
        calls.append(kwargs)
        ran.set()

    monkeypatch.setattr(worker, "work", fake_work)
    app = create_app("testing", SCHEDULER_INLINE_WORKER=True)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/accessibilite").status_code == 200
        assert ran.wait(5)
        thread = app.extensions["scheduling_worker"]
        thread.join(5)
        assert thread.name == "scheduling-worker"
        assert calls == [{}]  # one thread, started once, running the real loop's entry
        db.drop_all()


def test_no_worker_thread_when_the_inline_worker_is_off(client):
    assert client.application.config["SCHEDULER_INLINE_WORKER"] is False
    assert client.get("/").status_code == 200
    assert "scheduling_worker" not in client.application.extensions
