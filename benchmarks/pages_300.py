"""The organiser's pages on an imported event of 300 companies: time, SQL queries, HTML size.

Usage: python benchmarks/pages_300.py [--companies 300] [--time-limit 20] [--seed 0]
       [--repeat 2]

Builds the event exactly as benchmarks/trial_300.py does (`build_event`: CSV import,
applications, selection; its functions are imported, not copied), generates the agenda with
the real engine (a GENERATE job) and publishes it, then logs the organiser in through the
test client and GETs each organiser page. For each page it prints the best wall time of
`--repeat` GETs, the number of SQL statements executed during one GET (counted by an
SQLAlchemy `before_cursor_execute` listener on the engine) and the size of the body.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import event as sa_event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import JobKind, Meeting, MeetingStatus, Participant, User  # noqa: E402
from app.services import agenda  # noqa: E402
from app.services.agenda import jobs  # noqa: E402
from benchmarks.trial_300 import build_event  # noqa: E402

PASSWORD = "Mesure-Entremise-2026"


@contextmanager
def counting(engine: Any) -> Iterator[list[str]]:
    """Collect every SQL statement the engine executes inside the block."""
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


def pages(event_id: int, version_id: int, participant_id: int, meeting_id: int) -> list[tuple]:
    """(label, URL) of every organiser page measured."""
    e, v = f"/organisation/evenements/{event_id}", f"/organisation/versions/{version_id}"
    return [
        ("dashboard", "/tableau-de-bord"),
        ("planning overview", f"{e}/planning"),
        ("version grid", v),
        ("participant view", f"{v}/participants/{participant_id}"),
        ("edit a meeting", f"{v}/rendez-vous/{meeting_id}/modifier"),
        ("selection", f"/evenements/{event_id}/selection"),
        ("set-up overview", f"{e}/parametres"),
        ("set-up participants", f"{e}/parametres/participants"),
        ("late changes", f"{e}/changements-tardifs"),
        ("follow-ups", f"{e}/suivis"),
        ("print: all participants", f"{v}/impression/participants"),
        ("print: one participant", f"{v}/impression/participants/{participant_id}"),
        ("print: tables", f"{v}/impression/tables"),
        ("print: grid", f"{v}/impression/grille"),
        ("needs catalogue", f"/evenements/{event_id}/besoins"),
        ("export applications CSV", f"/evenements/{event_id}/export/candidatures.csv"),
        ("export requests CSV", f"/evenements/{event_id}/export/demandes.csv"),
        ("export agenda CSV", f"/evenements/{event_id}/export/planning.csv"),
        ("export agenda XLSX", f"/evenements/{event_id}/export/planning.xlsx"),
        ("follow-ups CSV", f"{e}/suivis.csv"),
    ]


def measure(
    companies: int, seed: int, time_limit: float, repeat: int, show: str = ""
) -> list[dict[str, Any]]:
    """Build, generate, publish, then GET every page; one row of figures per page."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SCHEDULER_WORKERS=2)
        rows: list[dict[str, Any]] = []
        with app.app_context():
            db.create_all()
            built = build_event(companies, seed)
            event_id, actor = built["event_id"], built["organiser_id"]
            job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=time_limit, actor_id=actor)
            db.session.commit()
            done = jobs.run_job(job.id)
            assert done is not None and done.version is not None, done and done.message
            version_id = done.version.id
            agenda.publish(version_id, actor_id=actor)
            organiser = db.session.get(User, actor)
            assert organiser is not None
            organiser.set_password(PASSWORD)
            email = organiser.email
            meeting = (
                db.session.execute(
                    db.select(Meeting)
                    .where(
                        Meeting.version_id == version_id, Meeting.status == MeetingStatus.SCHEDULED
                    )
                    .order_by(Meeting.id)
                )
                .scalars()
                .first()
            )
            assert meeting is not None
            participant_id = meeting.participant_links[0].participant_id
            meeting_id = meeting.id
            participants = db.session.scalar(db.select(db.func.count()).select_from(Participant))
            db.session.commit()
            db.session.remove()
        print(
            f"event: {built['companies']} companies, {built['buyers']} buyers, "
            f"{participants} participants, {built['requests']} requests"
        )
        client = app.test_client()
        page = client.get("/compte/connexion").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        answer = client.post(
            "/compte/connexion",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
        )
        assert answer.status_code == 302, answer.status_code
        with app.app_context():
            engine = db.engine
        for label, address in pages(event_id, version_id, participant_id, meeting_id):
            best = float("inf")
            queries = size = status = 0
            for _ in range(repeat):
                with counting(engine) as seen:
                    start = time.perf_counter()
                    response = client.get(address)
                    best = min(best, time.perf_counter() - start)
                queries, size, status = len(seen), len(response.get_data()), response.status_code
            rows.append(
                {
                    "page": label,
                    "url": address,
                    "status": status,
                    "seconds": best,
                    "queries": queries,
                    "bytes": size,
                }
            )
            if show and show in label:
                for statement, n in Counter(seen).most_common(8):
                    print(f"    {n:5d} x {' '.join(statement.split())[:300]}")
            print(f"{label:28} {status} {best:7.3f} s {queries:6d} queries {size / 1024:9.1f} KiB")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=300)
    ap.add_argument("--time-limit", type=float, default=20.0, help="generation job limit (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=2, help="GETs per page, best time kept")
    ap.add_argument("--show", default="", help="print the most repeated SQL of pages named so")
    args = ap.parse_args()
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    measure(args.companies, args.seed, args.time_limit, args.repeat, args.show)
    print("load after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
