"""Public pages (home, event page), language switch and the per-role dashboard."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app.services import dashboards
from app.services import events as event_service

bp = Blueprint("main", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after login or a language switch."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/")
def index() -> ResponseReturnValue:
    events = event_service.public_events()
    return render_template("main/index.html", events=events)


@bp.get("/evenements/<int:event_id>")
def event_detail(event_id: int) -> ResponseReturnValue:
    event = event_service.get_public_event(event_id)
    if event is None:
        abort(404)
    return render_template("main/event.html", event=event, summary=event_service.summary(event))


@bp.get("/langue/<lang>")
def set_language(lang: str) -> ResponseReturnValue:
    from flask import current_app

    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    if current_user.is_authenticated:
        from app.extensions import db

        current_user.locale = lang
        db.session.commit()
    target = safe_next(request.args.get("next"), url_for("main.index")).rstrip("?")
    return redirect(target)


@bp.get("/tableau-de-bord")
@login_required
def dashboard() -> ResponseReturnValue:
    if current_user.is_organiser:
        return render_template(
            "main/dashboard_organiser.html", data=dashboards.organiser(current_user.id)
        )
    if current_user.is_buyer:
        return render_template("main/dashboard_buyer.html", data=dashboards.buyer(current_user.id))
    return render_template("main/dashboard_company.html", data=dashboards.company(current_user.id))
