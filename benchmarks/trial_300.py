"""The organiser's "done when" trial: an imported event of 300 companies, from import to a
re-optimised agenda after a late cancellation, through the application's own services.

Usage: python benchmarks/trial_300.py [--companies 300] [--time-limit 60]
       [--reopt-time-limit 10] [--seed 0] [--keep DIR] [--export-instance FILE.json]

With --export-instance, only steps 1-3 run and the engine's instance of the event (as the
GENERATE job builds it, `app.services.instance.build_instance`) is written to FILE.json,
so that the engine can be run alone: `python -m app.scheduling solve FILE.json`.

Pipeline (each step is the service a page calls; a temporary SQLite database, created by
`create_app` with a config override):

1. the event (one day, 25-minute slots, one table per buyer) and its organiser;
2. `benchmarks.generate` draws a realistic event (buyers with caps and kept tables, companies
   asking 1-5 buyers with must/want/maybe priorities skewed to popular buyers, late arrivals
   and early departures); its buyers and companies are written as CSV files and imported
   through `app.services.transfers` (dry run, then the real import);
3. each company applies with its wishes (`applications.submit_application`), the organiser
   selects every company (`selection.decide`);
4. generate: a GENERATE job run by `jobs.run_job` (the CP-SAT engine);
5. review: comparison, grid, fairness and unscheduled reasons computed (`app.services.agenda`);
6. edit: a few meetings locked and one meeting moved to a free slot (`agenda_edits.move`,
   checked by the validator);
7. publish (`agenda.publish`);
8. a late cancellation (`late_changes.cancel_meeting`) of a published, unlocked meeting;
9. re-optimise from the published version (`late_changes.reoptimise_published`, a REOPTIMISE
   job: minimal change, locks kept), summarise what changes (`change_summary.summarise`),
   publish the new draft and count the SEQUENCE bumps.

Workshops of the generator are left out (workshop set-up is not part of this trial); its
"morning only" requests become ordinary requests. `run_trial` returns the figures; the
integration test tests/integration/test_trial_pipeline.py runs it at 30 companies.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from stdnum import luhn  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    ApplicationStatus,
    Event,
    EventStatus,
    JobKind,
    Location,
    LocationKind,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    Participant,
    Priority,
    Role,
    ScheduleVersion,
    Unavailability,
    User,
)
from app.services import agenda, transfers  # noqa: E402
from app.services.agenda import agenda_edits, change_summary, jobs, late_changes, schedules  # noqa: E402
from app.services.setup.listing import add_day  # noqa: E402
from app.services.sourcing import applications, selection  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

DAY = date(2027, 3, 16)
SLOT_MINUTES = 25
SLOTS = 12
PRIORITY = {5: Priority.MUST, 3: Priority.WANT, 1: Priority.MAYBE}


def _siret(n: int) -> str:
    base = f"{61000000 + n:08d}"
    siren = base + luhn.calc_check_digit(base)
    head = siren + "0001"
    return head + luhn.calc_check_digit(head)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _import(event_id: int, kind: str, data: bytes, name: str, actor_id: int) -> float:
    """Dry run, then the real import (as the import page does); returns the import's time."""
    start = time.perf_counter()
    report = transfers.read(data, name, kind)
    outcome = transfers.import_rows(event_id, kind, report, actor_id=actor_id)
    if not outcome.ok:
        raise RuntimeError([transfers.error_message(e) for e in outcome.errors[:5]])
    db.session.rollback()  # the dry run writes nothing
    report = transfers.read(data, name, kind)
    outcome = transfers.import_rows(event_id, kind, report, actor_id=actor_id)
    if not outcome.ok:
        raise RuntimeError([transfers.error_message(e) for e in outcome.errors[:5]])
    db.session.commit()
    return time.perf_counter() - start


def build_event(companies: int, seed: int) -> dict[str, Any]:
    """Steps 1-3: the event, imported buyers and companies, applications and selection."""
    n_part = companies + companies // 4  # the generator gives a fifth of participants to buyers
    gen = generate(
        requests=companies * 3, participants=n_part, days=1, slots_per_day=SLOTS, seed=seed
    )
    people = {p["id"]: p for p in gen["participants"]}
    buyer_keys = [p["id"] for p in gen["participants"] if p["role"] == "buyer"]
    company_keys = [p["id"] for p in gen["participants"] if p["role"] == "company"]

    body = Organisation(kind=OrganisationKind.BUYER_BODY, name="Métropole d'essai")
    organiser = User(
        email="organisation@essai.example",
        full_name="Organisatrice d'essai",
        role=Role.ORGANISER,
        organisation=body,
    )
    event = Event(
        title=f"Essai {companies} entreprises", status=EventStatus.OPEN, organiser_organisation=body
    )
    db.session.add_all([body, organiser, event])
    db.session.flush()
    end = datetime.combine(DAY, clock(9, 0)) + timedelta(minutes=SLOT_MINUTES * SLOTS)
    add_day(event, DAY, clock(9, 0), end.time(), SLOT_MINUTES)
    for n in range(1, len(buyer_keys) + 1):
        db.session.add(
            Location(event=event, name=f"Table {n}", kind=LocationKind.TABLE, position=n)
        )
    db.session.commit()
    slots = [s.id for s in event.slots]
    slot_of = {s["id"]: slots[i] for i, s in enumerate(gen["slots"])}

    timings: dict[str, float] = {}
    buyers_csv = _csv(
        ["Nom", "E-mail"],
        [[f"Direction {k[1:]}", f"acheteur{k[1:]}@essai.example"] for k in buyer_keys],
    )
    companies_csv = _csv(
        ["Nom", "SIRET", "E-mail", "Taille"],
        [
            [f"Entreprise {k[1:]}", _siret(int(k[1:])), f"contact{k[1:]}@essai.example", "pme"]
            for k in company_keys
        ],
    )
    timings["import_buyers_s"] = _import(
        event.id, "acheteurs", buyers_csv, "acheteurs.csv", organiser.id
    )
    timings["import_companies_s"] = _import(
        event.id, "entreprises", companies_csv, "entreprises.csv", organiser.id
    )

    participants = {
        p.organisation.name: p
        for p in db.session.execute(
            db.select(Participant).where(Participant.event_id == event.id)
        ).scalars()
    }
    buyer_of = {k: participants[f"Direction {k[1:]}"] for k in buyer_keys}
    company_of = {k: participants[f"Entreprise {k[1:]}"] for k in company_keys}
    tables = {loc.name: loc.id for loc in event.locations}
    # Set-up (the set-up pages' job): buyers' kept table, cap and absences.
    for k, buyer in buyer_of.items():
        buyer.location_id = tables[f"Table {people[k]['location'][1:]}"]
        buyer.max_meetings = people[k]["max_meetings"]
        for s in people[k]["unavailable"]:
            db.session.add(
                Unavailability(
                    participant=buyer,
                    slot_id=slot_of[s],
                    reason="arrivée tardive / départ anticipé",
                )
            )
    for company in company_of.values():
        company.min_meetings = 1  # every company should get at least one meeting
    db.session.commit()

    start = time.perf_counter()
    wishes: dict[str, list[applications.Wish]] = {k: [] for k in company_keys}
    for m in gen["meetings"]:
        b, c = sorted(m["participants"])  # "b…" < "c…"
        wishes[c].append(applications.Wish(buyer_of[b].id, None, PRIORITY[m["weight"]], ""))
    for k in company_keys:
        company = company_of[k]
        applications.submit_application(
            event_id=event.id,
            organisation_id=company.organisation_id,
            data=applications.ApplicationData(
                pitch="",
                attendees=1,
                is_first_time=False,
                wishes=tuple(wishes[k]),
                unavailable_slot_ids=frozenset(slot_of[s] for s in people[k]["unavailable"]),
            ),
            actor_id=organiser.id,
        )
    event.status = EventStatus.SELECTION
    db.session.commit()
    for k in company_keys:
        application = company_of[k].application
        selection.decide(
            application.id,
            ApplicationStatus.SELECTED,
            "Essai : toutes retenues",
            event_id=event.id,
            actor_id=organiser.id,
        )
    event.status = EventStatus.SCHEDULING
    db.session.commit()
    timings["applications_and_selection_s"] = time.perf_counter() - start
    return {
        "event_id": event.id,
        "organiser_id": organiser.id,
        "buyers": len(buyer_keys),
        "companies": len(company_keys),
        "requests": len(gen["meetings"]),
        "slots": len(slots),
        "timings": timings,
    }


def _free_move(version_id: int) -> tuple[int, int, int] | None:
    """(meeting, slot, table) for a move the validator will accept: an unlocked meeting to
    a later slot where its table and both participants are free and available."""
    version = db.session.get(ScheduleVersion, version_id)
    assert version is not None
    slots = [s.id for s in version.event.slots]
    busy: set[tuple[int, int]] = set()
    taken: set[tuple[int, int]] = set()
    meetings = [m for m in version.meetings if m.status is MeetingStatus.SCHEDULED]
    for m in meetings:
        taken.add((m.slot_id or 0, m.location_id or 0))
        busy.update((p.participant_id, m.slot_id or 0) for p in m.participant_links)
    away = {
        (u.participant_id, u.slot_id)
        for u in db.session.execute(db.select(Unavailability)).scalars()
    }
    held = {}
    for m in meetings:
        for link in m.participant_links:
            held[link.participant_id] = held.get(link.participant_id, 0) + 1
    for m in meetings:
        if m.locked:
            continue
        people = [link.participant_id for link in m.participant_links]
        for slot in slots:
            if slot == m.slot_id or (slot, m.location_id or 0) in taken:
                continue
            if any((p, slot) in busy or (p, slot) in away for p in people):
                continue
            return m.id, slot, m.location_id or 0
    return None


def run_trial(
    companies: int = 300,
    *,
    seed: int = 0,
    time_limit: float = 60,
    reopt_time_limit: float = 10,
    workdir: Path | None = None,
    solver: Callable[..., Any] | None = None,
    locks: int = 5,
) -> dict[str, Any]:
    """Run the whole pipeline in a fresh SQLite database; returns the figures."""
    own = tempfile.TemporaryDirectory() if workdir is None else None
    folder = Path(own.name) if own is not None else workdir
    assert folder is not None
    url = f"sqlite:///{folder / 'trial.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SCHEDULER_WORKERS=2)
    figures: dict[str, Any] = {}
    total = time.perf_counter()
    try:
        with app.app_context():
            db.create_all()
            built = build_event(companies, seed)
            figures.update({k: v for k, v in built.items() if k != "timings"})
            figures.update(built["timings"])
            event_id, actor = built["event_id"], built["organiser_id"]

            # 4. generate
            job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=time_limit, actor_id=actor)
            db.session.commit()
            start = time.perf_counter()
            done = jobs.run_job(job.id, solver=solver)
            figures["generate_job_s"] = time.perf_counter() - start
            assert done is not None and done.version is not None, done and done.message
            draft = done.version
            figures["generate_solver_status"] = draft.solver_status
            figures["generate_objective"] = draft.objective
            figures["generate_bound"] = draft.bound
            figures["generate_solver_s"] = draft.wall_time_s
            figures["scheduled"] = change_summary.scheduled_count(draft)
            figures["requested"] = len(draft.meetings)

            # 5. review
            start = time.perf_counter()
            comparison = agenda.compare(draft)
            grid = agenda.build_grid(draft, comparison)
            fair = agenda.fairness(draft)
            missing = agenda.unscheduled(draft)
            figures["review_s"] = time.perf_counter() - start
            figures["grid_cells"] = grid.scheduled
            figures["fairness"] = {
                "min": fair.minimum,
                "median": fair.median,
                "max": fair.maximum,
                "without": len(fair.without),
            }
            figures["unscheduled"] = len(missing)

            # 6. edit: lock a few meetings, move one
            placed = sorted(
                (m for m in draft.meetings if m.status is MeetingStatus.SCHEDULED),
                key=lambda m: m.id,
            )
            step = max(1, len(placed) // max(1, locks))
            locked_ids = [m.id for m in placed[::step][:locks]]
            for meeting_id in locked_ids:
                agenda.set_locked(draft.id, meeting_id, True, actor_id=actor)
            db.session.commit()
            move = _free_move(draft.id)
            start = time.perf_counter()
            if move is not None:
                agenda_edits.move(draft.id, move[0], move[1], move[2], actor_id=actor)
                db.session.commit()
            figures["edit_move_s"] = time.perf_counter() - start
            figures["edit_moved"] = move is not None
            locked_places = {
                m.request_id: (m.slot_id, m.location_id) for m in draft.meetings if m.locked
            }

            # 7. publish
            agenda.publish(draft.id, actor_id=actor)
            db.session.commit()
            published = draft

            # 8. a late cancellation: the first unlocked published meeting in time order
            victim = min(
                (
                    m
                    for m in published.meetings
                    if m.status is MeetingStatus.SCHEDULED and not m.locked
                ),
                key=lambda m: (m.slot.starts_at if m.slot else None, m.location_id),
            )
            late_changes.cancel_meeting(
                event_id, victim.request_id or 0, "Essai : annulé", actor_id=actor
            )
            db.session.commit()
            figures["cancelled_request"] = victim.request_id

            # 9. re-optimise from the published version
            late_changes.reoptimise_published(event_id, time_limit=reopt_time_limit, actor_id=actor)
            db.session.commit()
            job = agenda.latest_job(event_id)
            assert job is not None
            start = time.perf_counter()
            done = jobs.run_job(job.id, solver=solver)
            figures["reopt_job_s"] = time.perf_counter() - start
            assert done is not None and done.version is not None, done and done.message
            second = done.version
            figures["reopt_solver_s"] = second.wall_time_s
            figures["reopt_solver_status"] = second.solver_status
            figures["reopt_objective"] = second.objective
            summary = change_summary.summarise(second)
            figures["changed_meetings"] = summary.changed
            figures["changed_by_kind"] = {
                kind: len(summary.of_kind(kind)) for kind in ("moved", "added", "removed")
            }
            figures["engine_changed_meetings"] = summary.engine_changed
            figures["locked_moved"] = len(summary.locked_moved)
            figures["locked_kept"] = all(
                (m.slot_id, m.location_id) == locked_places[m.request_id]
                for m in second.meetings
                if m.request_id in locked_places
            ) and {m.request_id for m in second.meetings if m.locked} == set(locked_places)
            # What the lock check compared (printed by the test when it fails).
            figures["locked_after"] = sorted(
                (
                    m.request_id,
                    m.status.value,
                    (m.slot_id, m.location_id),
                    m.locked,
                    locked_places.get(m.request_id),
                )
                for m in second.meetings
                if m.request_id in locked_places or m.locked
            )
            figures["scheduled_after"] = change_summary.scheduled_count(second)
            diff = schedules.diff(published, second)

            # publish the re-optimised draft: SEQUENCE goes up on changed meetings only
            before = {m.request_id: m.sequence for m in published.meetings}
            agenda.publish(second.id, actor_id=actor)
            db.session.commit()
            bumped = {
                m.request_id
                for m in db.session.execute(
                    db.select(Meeting).where(Meeting.version_id == second.id)
                ).scalars()
                if m.request_id in before and m.sequence == before[m.request_id] + 1
            }
            changed_present = {c.request_id for c in diff.changes if c.request_id in before} & {
                m.request_id for m in second.meetings
            }
            figures["sequence_bumped"] = len(bumped)
            figures["sequence_bumped_equals_changed"] = bumped == changed_present
            figures["diff_changes"] = len(diff.changes)
    finally:
        figures["total_s"] = time.perf_counter() - total
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if own is not None:
            own.cleanup()
    return figures


def export_instance(companies: int, seed: int, path: Path) -> dict[str, Any]:
    """Steps 1-3 in a temporary database, then the engine's instance written to `path`."""
    from app.scheduling.io import dump_instance
    from app.services.agenda.instance import build_instance

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'trial.db'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SCHEDULER_WORKERS=2)
        try:
            with app.app_context():
                db.create_all()
                built = build_event(companies, seed)
                dump_instance(build_instance(built["event_id"]), path)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return {k: v for k, v in built.items() if k != "timings"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=300)
    ap.add_argument("--time-limit", type=float, default=60.0, help="generation job limit (s)")
    ap.add_argument(
        "--reopt-time-limit", type=float, default=10.0, help="re-optimisation job limit (s)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None, help="keep the SQLite file in DIR")
    ap.add_argument(
        "--export-instance",
        type=Path,
        default=None,
        metavar="FILE.json",
        help="only build the event and write the engine's instance to FILE.json",
    )
    args = ap.parse_args()
    if args.export_instance is not None:
        built = export_instance(args.companies, args.seed, args.export_instance)
        print(f"instance written to {args.export_instance}: {built}")
        return 0
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load before: {load}")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    figures = run_trial(
        args.companies,
        seed=args.seed,
        time_limit=args.time_limit,
        reopt_time_limit=args.reopt_time_limit,
        workdir=args.keep,
    )
    for key, value in figures.items():
        print(f"{key}: {round(value, 2) if isinstance(value, float) else value}")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load after: {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
