"""Configuration classes: the only module that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET_KEY = "dev-only-insecure-secret-key"


def _database_url() -> str:
    """Return the SQLAlchemy URL: `DATABASE_URL`, else an SQLite file in `instance/`."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'entremise.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the psycopg 3 driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}

    # French first, English second; times shown in the event's timezone.
    LANGUAGES = ("fr", "en")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    # Bootstrap served from the installed package, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL = True

    # CNIL guidance for password-only authentication: at least 12 characters, mixed classes.
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's default, memory-hard
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset or invitation link stays valid
    INVITATION_MAX_AGE = 7 * 24 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    # Outgoing mail. MAIL_BACKEND=log writes messages to the application log (development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Entremise <ne-pas-repondre@entremise.localhost>"
    )
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds per SMTP exchange
    # The outbox sends each pass over one connection, reopened after this many messages
    # (some servers cap messages per connection) or after an error.
    MAIL_MESSAGES_PER_CONNECTION = int(os.environ.get("MAIL_MESSAGES_PER_CONNECTION", "50"))
    # Invitations go through the outbox table (docs/MAIL.md): a failed send is retried after
    # MAIL_RETRY_SECONDS, doubled at each attempt, and given up ("failed", retryable from the
    # organiser's page) after MAIL_MAX_ATTEMPTS. A row claimed longer than
    # MAIL_SENDING_TIMEOUT seconds ago by a sender that died is queued again.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))
    MAIL_RETRY_SECONDS = float(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_SENDING_TIMEOUT = float(os.environ.get("MAIL_SENDING_TIMEOUT", "600"))

    # Scheduler defaults (organisers can lower or raise the limit per run).
    SCHEDULER_TIME_LIMIT = int(os.environ.get("SCHEDULER_TIME_LIMIT", "30"))
    SCHEDULER_WORKERS = int(os.environ.get("SCHEDULER_WORKERS", "2"))
    # The web process runs scheduling jobs in a background thread; set to false when a
    # separate `flask schedule worker` process does it.
    SCHEDULER_INLINE_WORKER = _bool("SCHEDULER_INLINE_WORKER", True)

    DEMO_PASSWORD = "Demo-Entremise-2026"

    # Accessibility statement (/accessibilite, RGAA 4.1 model). The law allows « partiellement
    # conforme » (partial) or « totalement conforme » (full) only after an RGAA audit: without a
    # valid audit the state is « non conforme » (none). ACCESSIBILITY_AUDIT names the audit
    # (who, when, share of criteria met); ACCESSIBILITY_CONTACT receives users' reports.
    ACCESSIBILITY_COMPLIANCE = os.environ.get("ACCESSIBILITY_COMPLIANCE", "none")
    ACCESSIBILITY_AUDIT = os.environ.get("ACCESSIBILITY_AUDIT", "")
    ACCESSIBILITY_CONTACT = os.environ.get(
        "ACCESSIBILITY_CONTACT", "accessibilite@entremise.localhost"
    )


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "memory"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes keep the suite quick
    SCHEDULER_INLINE_WORKER = False  # tests run jobs explicitly
    WTF_CSRF_ENABLED = True  # tests prove CSRF is enforced; they post real tokens
    SERVER_NAME = "localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing or development secret key."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """Pick the configuration from `name` or the `ENTREMISE_ENV` variable (default development)."""
    name = name or os.environ.get("ENTREMISE_ENV", "development")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"ENTREMISE_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None
    if config is ProductionConfig:
        ProductionConfig.check()
        # Read the key now (not at import) so a key set after import is the one used.
        return type(
            "ProductionConfig", (ProductionConfig,), {"SECRET_KEY": os.environ["SECRET_KEY"]}
        )
    return config
