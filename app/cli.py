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


users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Full name.")
@click.password_option(help="Password (asked twice when not given).")
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser account (the first account of a new installation)."""
    from app.models import Role, User
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
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Organiser {user.email} created.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
