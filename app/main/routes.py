"""Public pages (home, event page), language switch and the per-role dashboard."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app.redirects import safe_next
from app.services import dashboards
from app.services.setup import listing as event_service

bp = Blueprint("main", __name__)


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


# The statement describes the checks made up to this date (RGAA: update it at least every
# three years, and after any substantial change of the site).
STATEMENT_DATE = date(2026, 11, 23)
# What the automated checks of the statement ran on (tests/browser; docs/ACCESSIBILITY.md).
TEST_ENVIRONMENT = {
    "browser": "Chromium 156 (Debian 12)",
    "axe": "axe-core 4.12.1",
    "driver": "Playwright 1.65",
}
COMPLIANCE_STATES = ("none", "partial", "full")


def compliance_state() -> str:
    """The configured RGAA state; anything else than partial or full counts as none."""
    state = current_app.config.get("ACCESSIBILITY_COMPLIANCE", "none")
    return state if state in COMPLIANCE_STATES else "none"


@bp.app_context_processor
def _inject_compliance() -> dict[str, object]:
    return {"accessibility_state": compliance_state()}


@bp.get("/accessibilite")
def accessibility() -> ResponseReturnValue:
    return render_template(
        "main/accessibility.html",
        state=compliance_state(),
        audit=current_app.config.get("ACCESSIBILITY_AUDIT", ""),
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        statement_date=STATEMENT_DATE,
        environment=TEST_ENVIRONMENT,
    )


@bp.get("/langue/<lang>")
def set_language(lang: str) -> ResponseReturnValue:
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
