"""Configuration: environment parsing and the production safety checks."""

from __future__ import annotations

import pytest

import config
from app.validators import password_strength_problem


def test_database_url_defaults_to_sqlite_file_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config._database_url() == f"sqlite:///{config.INSTANCE_DIR / 'entremise.db'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/entremise", "postgresql+psycopg://u:p@db/entremise"),
        ("postgresql://u:p@db/entremise", "postgresql+psycopg://u:p@db/entremise"),
        ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
        ("sqlite:////srv/entremise.db", "sqlite:////srv/entremise.db"),
    ],
)
def test_database_url_postgres_uses_psycopg3(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config._database_url() == expected


@pytest.mark.parametrize("key", [None, "", config.DEV_SECRET_KEY, "short"])
def test_production_without_a_real_secret_key_refuses_to_start(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.get_config("production")


def test_production_with_a_secret_key_starts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    assert config.get_config("production").SECRET_KEY == "x" * 64


def test_unknown_environment_name_is_an_error():
    with pytest.raises(RuntimeError, match="ENTREMISE_ENV='staging'"):
        config.get_config("staging")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Court-1", "too_short"),
        ("motdepasselong", "too_simple"),
        ("Motdepasse123", "too_simple"),  # 13 characters, three kinds: not enough
        ("Motdepasse1234", None),  # 14 characters, three kinds
        ("Mot-de-passe-1", None),  # four kinds
        ("Demo-Entremise-2026", None),
    ],
)
def test_password_strength_follows_cnil_guidance(password, problem):
    assert password_strength_problem(password) == problem
