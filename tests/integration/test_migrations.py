"""Migrations: one head, and `upgrade` on an empty database gives exactly the models' schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture(params=["sqlite", "postgresql"])
def file_app(request, tmp_path):
    """An app on an empty database: a fresh SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            pytest.skip("PostgreSQL not configured here: `make test-postgres` runs these")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app, url
        downgrade(directory=str(MIGRATIONS), revision="base")
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def test_migrations_have_a_single_head():
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_on_empty_database_matches_the_models(file_app):
    _app, url = file_app
    upgrade(directory=str(MIGRATIONS))
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_removes_every_table(file_app):
    _app, url = file_app
    upgrade(directory=str(MIGRATIONS))
    downgrade(directory=str(MIGRATIONS), revision="base")
    db.engine.dispose()
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables == {"alembic_version"}
