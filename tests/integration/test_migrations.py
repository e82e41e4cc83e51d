"""Migrations: one head, and `upgrade` on an empty database gives exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture
def file_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app, url


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
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables == {"alembic_version"}
