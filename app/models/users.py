"""User accounts. Passwords are hashed by Werkzeug (scrypt)."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.organisations import Organisation


class Role(enum.Enum):
    ORGANISER = "organiser"
    BUYER = "buyer"
    COMPANY = "company"


def new_token() -> str:
    """An unguessable token (calendar feed, session invalidation)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))  # None until invitation accepted
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on every password change: invalidates sessions, reset links and calendar feeds.
    session_token: Mapped[str] = mapped_column(String(64), default=new_token, unique=True)
    calendar_token: Mapped[str] = mapped_column(String(64), default=new_token, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    # Flask-Login: the id stored in the session cookie includes the session token,
    # so changing the password logs out every other session.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_active_account

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()
        self.session_token = new_token()
        self.calendar_token = new_token()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def is_organiser(self) -> bool:
        return self.role is Role.ORGANISER

    @property
    def is_buyer(self) -> bool:
        return self.role is Role.BUYER

    @property
    def is_company(self) -> bool:
        return self.role is Role.COMPANY

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"
