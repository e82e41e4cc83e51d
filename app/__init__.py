"""Entremise: buyer–supplier meeting events for public procurement sourcing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import gettext
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from app.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from config import INSTANCE_DIR, Config, get_config


def _select_locale() -> str:
    """User choice (session), else the browser's preference, else French."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite enforces foreign keys (and their ON UPDATE CASCADE) only when asked."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_app(config: type[Config] | str | None = None, **overrides: Any) -> Flask:
    """Application factory; `config` is a Config class or a name (development, testing…)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    config_class = config if isinstance(config, type) else get_config(config)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)

    from app import models  # noqa: F401  (registers the models on the metadata)
    from app.services import mail  # noqa: F401  (invitations listen to publication)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    bootstrap.init_app(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Flask-Login's default message is English; ours is French and goes through the catalogue.
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.localize_callback = gettext

    from app.i18n import register_template_helpers

    register_template_helpers(app)

    from app.agenda import bp as agenda_bp
    from app.answers.routes import bp as answers_bp
    from app.applications.routes import bp as applications_bp
    from app.auth.routes import bp as auth_bp
    from app.calendar.routes import bp as calendar_bp
    from app.main.routes import bp as main_bp
    from app.needs.routes import bp as needs_bp
    from app.printing.routes import bp as printing_bp
    from app.selection.routes import bp as selection_bp
    from app.setup import bp as setup_bp
    from app.transfers.routes import bp as transfers_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(answers_bp)
    app.register_blueprint(selection_bp)
    app.register_blueprint(setup_bp)
    app.register_blueprint(transfers_bp)
    app.register_blueprint(printing_bp)

    from app.errors import register_error_handlers

    register_error_handlers(app)

    from app.cli import register_cli

    register_cli(app)

    if app.config["SCHEDULER_INLINE_WORKER"]:
        from app.services import worker

        @app.before_request
        def _start_worker() -> None:
            # Queued runs and unsent invitations resume after a restart of the web process,
            # without waiting for an organiser to open the planning page.
            worker.ensure_background_worker(app)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app
