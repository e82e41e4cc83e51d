"""Browser tests: the real app served on loopback, driven in Debian's Chromium by Playwright.

The browser is Debian's `/usr/bin/chromium` (installed by `make test` through apt when
missing); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import Event

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a sandboxed machine without network: no sandbox as root, no background calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not found: `make test` installs Debian's chromium package")
    return CHROMIUM


@contextmanager
def serve_demo(directory: Path, prepare: Callable[[Event], None] | None = None):
    """Serve the app with the demo event on a SQLite file, by a thread on 127.0.0.1.

    `prepare` may adjust the demo event before serving. Yields (base URL, app).
    """
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{directory / 'browser.db'}",
        SERVER_NAME=None,
        PROPAGATE_UNEXPECTED=False,
    )
    with app.app_context():
        db.create_all()
        from app.services.demo.loader import load_demo

        event = load_demo()
        if prepare is not None:
            prepare(event)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


@contextmanager
def serve_with_worker(
    directory: Path,
    prepare: Callable[[Event], None] | None = None,
    *,
    solver: Callable[..., Any] | None = None,
):
    """`serve_demo` plus a scheduling worker thread. Yields (base URL, app).

    By default the worker uses the fast `first_fit` test solver: it answers at once, so a
    "Générer le planning" finishes within the page's polling, but it ignores kept tables and
    locks. Pass `solver=jobs.default_solver` (the CP-SAT engine, which honours and validates
    them) when the journey checks them, with a short time limit on the page.
    """
    from app.services import worker
    from app.services.agenda import jobs
    from tests.solvers import first_fit

    real_solver = jobs.default_solver
    jobs.default_solver = solver or first_fit
    stop = threading.Event()
    try:
        with serve_demo(directory, prepare) as (url, app):

            def work() -> None:
                with app.app_context():
                    worker.work(stop=stop, idle_sleep=0.2)

            thread = threading.Thread(target=work, daemon=True)
            thread.start()
            try:
                yield url, app
            finally:
                stop.set()
                thread.join()
    finally:
        jobs.default_solver = real_solver


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo event served on loopback (modules may override this fixture)."""
    with serve_demo(tmp_path_factory.mktemp("browser")) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def publish_agenda(event: Event) -> None:
    """Schedule the demo event with the first-fit test solver and publish the version.

    A `prepare` step for `serve_demo`: pages that show a participant's agenda need one, and
    the CP-SAT engine is not what browser tests check.
    """
    from app.models import EventStatus, JobKind
    from app.services.agenda import jobs, schedules
    from tests.solvers import first_fit

    db.session.commit()
    job = jobs.enqueue(event.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    done = jobs.run_job(job.id, solver=first_fit)
    assert done is not None and done.version is not None, "the first-fit run made no version"
    schedules.publish(done.version.id, actor_id=None)
    db.session.get(Event, event.id).status = EventStatus.PUBLISHED
