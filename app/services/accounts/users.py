"""Accounts: company registration, buyer invitations, password reset tokens."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import CompanySize, Organisation, OrganisationKind, Role, User
from app.models.base import utcnow
from app.services import audit


class AccountError(Exception):
    """A domain error with a user-facing (translatable) message."""


@dataclass(frozen=True)
class CompanyRegistration:
    email: str
    password: str
    full_name: str
    company_name: str
    siret: str
    size: CompanySize
    departement: str
    is_ess: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    stmt = db.select(User).where(User.email == normalise_email(email))
    return db.session.execute(stmt).scalar_one_or_none()


def register_company(data: CompanyRegistration) -> User:
    """Create a company organisation and its first user account."""
    if find_user(data.email) is not None:
        raise AccountError("email_taken")
    existing = db.session.execute(
        db.select(Organisation).where(Organisation.siret == data.siret)
    ).scalar_one_or_none()
    if existing is not None:
        raise AccountError("siret_taken")
    organisation = Organisation(
        kind=OrganisationKind.COMPANY,
        name=data.company_name.strip(),
        siret=data.siret,
        size=data.size,
        departement=data.departement or None,
        is_ess=data.is_ess,
    )
    user = User(
        email=normalise_email(data.email),
        full_name=data.full_name.strip(),
        role=Role.COMPANY,
        organisation=organisation,
    )
    user.set_password(data.password)
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record("account.register", actor_id=user.id, target=user, organisation=organisation.name)
    return user


def invite_buyer(*, inviter_id: int, email: str, full_name: str, organisation_id: int) -> User:
    """Create a buyer account without a password; the invitation link lets them set it."""
    if find_user(email) is not None:
        raise AccountError("email_taken")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.is_company:
        raise AccountError("not_a_buyer_organisation")
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        role=Role.BUYER,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.invite_buyer", actor_id=inviter_id, target=user, email=user.email)
    return user


# Signed, timed tokens. They embed the user's session token, which rotates when the password
# changes: a reset or invitation link therefore works once.
def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "s": user.session_token})


def read_token(token: str, purpose: str, max_age: int) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccountError("token_expired") from None
    except BadSignature:
        raise AccountError("token_invalid") from None
    user = db.session.get(User, data.get("u"))
    if user is None or user.session_token != data.get("s") or not user.is_active:
        raise AccountError("token_invalid")
    return user


def set_password(user: User, password: str, *, reason: str) -> None:
    user.set_password(password)
    db.session.flush()
    audit.record("account.set_password", actor_id=user.id, target=user, reason=reason)


def mark_login(user: User) -> None:
    user.last_login_at = utcnow()
