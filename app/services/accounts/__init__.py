"""Accounts: company registration, buyer invitations, passwords and signed tokens, and which
events an organiser may manage.

Owns: `users` (User and Organisation rows of people signing up or being invited) and `access`
(the per-organisation rule). May import: models, `app.services.audit`. Imported by every other
service package that needs a person's identity; imports none of them.
"""

from app.services.accounts.access import managed_events, may_manage
from app.services.accounts.users import (
    AccountError,
    CompanyRegistration,
    find_user,
    invite_buyer,
    make_token,
    mark_login,
    normalise_email,
    read_token,
    register_company,
    set_password,
)

__all__ = [
    "AccountError",
    "CompanyRegistration",
    "find_user",
    "invite_buyer",
    "make_token",
    "managed_events",
    "mark_login",
    "may_manage",
    "normalise_email",
    "read_token",
    "register_company",
    "set_password",
]
