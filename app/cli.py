"""`flask` command groups."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has events.")
def demo_load(if_empty: bool) -> None:
    """Load the demo event and the demo accounts."""
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


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
