"""`flask` command groups."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli_cpv import cpv_cli
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has events.")
@click.option(
    "--no-agenda", is_flag=True, help="Do not run the scheduler (the agenda stays unpublished)."
)
def demo_load(if_empty: bool, no_agenda: bool) -> None:
    """Load the demo event and the demo accounts, then schedule and publish its agenda."""
    from app.services import demo

    if not demo.database_is_empty():
        if if_empty:
            click.echo("Database not empty: demo not loaded.")
            return
        raise click.ClickException(
            "the database already has events; use --if-empty or an empty database"
        )
    try:
        event = demo.load_demo()
    except demo.DemoError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Demo event {event.id} loaded: {event.title}")
    click.echo(
        f"Accounts ({demo.DEMO_PASSWORD}): {demo.ORGANISER_EMAIL}, {demo.BUYER_EMAIL}, "
        f"{demo.COMPANY_EMAIL}"
    )
    if not no_agenda:
        _generate(event.id, 20.0, publish=True)


users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Full name.")
@click.option(
    "--organisation",
    default="",
    help="Organising body (created if new). Its organisers manage its events only; "
    "without one, the account manages every event of the installation.",
)
@click.password_option(help="Password (asked twice when not given).")
def create_organiser(email: str, name: str, organisation: str, password: str) -> None:
    """Create an organiser account (the first account of a new installation)."""
    from app.models import Organisation, OrganisationKind, Role, User
    from app.services import accounts
    from app.validators import password_strength_problem

    if accounts.find_user(email) is not None:
        raise click.ClickException(f"an account already exists for {email}")
    if password_strength_problem(password) is not None:
        raise click.ClickException(
            "password too weak: 12+ characters mixing upper and lower case letters, digits and "
            "special characters (or 14+ characters with three of those kinds)"
        )
    user = User(email=accounts.normalise_email(email), full_name=name, role=Role.ORGANISER)
    body_name = organisation.strip()
    if body_name:
        body = db.session.execute(
            db.select(Organisation).where(
                Organisation.name == body_name, Organisation.kind == OrganisationKind.BUYER_BODY
            )
        ).scalar_one_or_none()
        user.organisation = body or Organisation(kind=OrganisationKind.BUYER_BODY, name=body_name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    where = f" for {user.organisation.name}" if user.organisation else " (every event)"
    click.echo(f"Organiser {user.email} created{where}.")


schedule_cli = AppGroup("schedule", help="Scheduling runs and exports.")


def _generate(event_id: int, time_limit: float, publish: bool) -> None:
    """Run the scheduler for an event in this process; optionally publish the new version."""
    from app.models import Event, EventStatus, JobKind, JobStatus
    from app.services.agenda import jobs, schedules

    if db.session.get(Event, event_id) is None:
        raise click.ClickException(f"event {event_id} does not exist")
    try:
        job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=time_limit, actor_id=None)
    except jobs.JobError as error:
        db.session.rollback()
        raise click.ClickException(f"cannot start a run: {error}") from None
    db.session.commit()
    done = jobs.run_job(job.id)
    if done is None or done.status is not JobStatus.SUCCEEDED or done.version is None:
        message = done.message if done is not None else "claimed by another worker"
        raise click.ClickException(f"run failed: {message}")
    version = done.version
    click.echo(
        f"Version {version.number} ({version.solver_status}): {done.message}; "
        f"objective {version.objective}, bound {version.bound}, {version.wall_time_s:.1f} s"
    )
    if publish:
        changes = schedules.publish(version.id, actor_id=None)
        version.event.status = EventStatus.PUBLISHED
        db.session.commit()
        click.echo(
            f"Published: {changes.count('added')} added, {changes.count('moved')} moved, "
            f"{changes.count('removed')} removed."
        )


@schedule_cli.command("run")
@click.argument("event_id", type=int)
@click.option(
    "--time-limit",
    type=click.FloatRange(1, 3600),
    default=None,
    help="Solver time limit in seconds (default: SCHEDULER_TIME_LIMIT).",
)
@click.option("--publish", is_flag=True, help="Publish the new version when the run succeeds.")
def schedule_run(event_id: int, time_limit: float | None, publish: bool) -> None:
    """Generate an agenda for EVENT_ID in this process and store it as a draft version."""
    from flask import current_app

    limit = time_limit or float(current_app.config["SCHEDULER_TIME_LIMIT"])
    _generate(event_id, limit, publish)


@schedule_cli.command("export")
@click.argument("event_id", type=int)
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def schedule_export(event_id: int, path: str) -> None:
    """Write the engine's instance for EVENT_ID (entremise-instance/1) to PATH."""
    from app.models import Event
    from app.scheduling.io import dump_instance
    from app.services.agenda.instance import build_instance

    if db.session.get(Event, event_id) is None:
        raise click.ClickException(f"event {event_id} does not exist")
    instance = build_instance(event_id)
    dump_instance(instance, path)
    click.echo(
        f"Wrote {path}: {len(instance.participants)} participants, "
        f"{len(instance.meetings)} meetings, {len(instance.slots)} slots."
    )


@schedule_cli.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
def schedule_worker(once: bool) -> None:
    """Run scheduling jobs and send the outbox (with SCHEDULER_INLINE_WORKER=false)."""
    from app.services import worker

    ran = worker.work(once=once)
    click.echo(f"{ran} job(s) run.")


calendar_cli = AppGroup("calendar", help="Calendar files.")


@calendar_cli.command("export")
@click.argument("event_id", type=int)
@click.argument("directory", type=click.Path(file_okay=False))
def calendar_export(event_id: int, directory: str) -> None:
    """Write one .ics per participant account of the published agenda (file = the e-mail)."""
    from pathlib import Path

    from app.models import Event, Participant, User
    from app.models.base import utcnow
    from app.services import calendars
    from app.services.agenda.schedules import published_version

    if db.session.get(Event, event_id) is None:
        raise click.ClickException(f"event {event_id} does not exist")
    if published_version(event_id) is None:
        raise click.ClickException(f"event {event_id} has no published agenda")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    now = utcnow()
    written = 0
    participants = db.session.execute(
        db.select(Participant).where(Participant.event_id == event_id).order_by(Participant.id)
    ).scalars()
    for participant in participants:
        users = db.session.execute(
            db.select(User).where(User.organisation_id == participant.organisation_id)
        ).scalars()
        files: dict[str, bytes] = {}  # one build per language
        for user in users:
            lang = user.locale or "fr"
            if lang not in files:
                files[lang] = calendars.agenda_file(participant, now=now, lang=lang)
            (out / f"{user.email}.ics").write_bytes(files[lang])
            written += 1
    click.echo(f"{written} calendar file(s) written to {out}.")


mail_cli = AppGroup("mail", help="The e-mail outbox (invitations and cancellations).")


@mail_cli.command("send")
@click.option("--limit", type=click.IntRange(1), default=1000, help="Most e-mails to send.")
def mail_send(limit: int) -> None:
    """Send the outbox's due e-mails once (for cron or a systemd timer), then exit."""
    from app.services.mail import delivery

    report = delivery.drain(limit=limit)
    click.echo(
        f"{report.sent} sent, {report.retrying} to retry later, {report.failed} failed, "
        f"{report.superseded} superseded, {report.recovered} recovered."
    )


@mail_cli.command("retry")
@click.argument("event_id", type=int)
def mail_retry(event_id: int) -> None:
    """Queue EVENT_ID's failed e-mails again (they go out at the next send)."""
    from app.services.mail import delivery

    count = delivery.retry_failed(event_id, actor_id=None)
    db.session.commit()
    click.echo(f"{count} e-mail(s) queued again.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(schedule_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(cpv_cli)
    app.cli.add_command(mail_cli)
