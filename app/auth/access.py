"""Role checks for routes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from app.auth.scope import check_organiser_scope
from app.models import Role

P = ParamSpec("P")
R = TypeVar("R")


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Login required, then 403 unless the user has one of `roles`.

    For an organiser, also 403 on another organisation's event (auth/scope.py).
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.role not in roles:
                abort(403)
            if current_user.role is Role.ORGANISER:
                check_organiser_scope(kwargs)  # their organisation's events only
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.roles = roles  # type: ignore[attr-defined]  # read by the access tests
        return guarded  # type: ignore[no-any-return]

    return decorator
