"""Calendar downloads and personal subscription feeds (METHOD:PUBLISH)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.models.base import utcnow
from app.models.users import new_token
from app.services import audit, calendars

bp = Blueprint("calendar", __name__)

ICS = "text/calendar; charset=utf-8; method=PUBLISH"


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


@bp.get("/evenements/<int:event_id>/mon-agenda.ics")
@login_required
def download(event_id: int) -> ResponseReturnValue:
    """ "Ajouter à mon agenda": the logged-in participant's agenda as a file."""
    participant = calendars.participation(current_user, event_id)
    if participant is None:
        abort(404)
    body = calendars.agenda_file(participant, now=utcnow(), lang=_lang())
    return Response(
        body,
        mimetype=ICS,
        headers={
            "Content-Disposition": f'attachment; filename="agenda-evenement-{event_id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/calendrier/<token>/<int:event_id>.ics")
def feed(token: str, event_id: int) -> ResponseReturnValue:
    """The `webcal://` feed: the token identifies the user; nothing personal is in the URL."""
    user = calendars.user_by_calendar_token(token)
    participant = calendars.participation(user, event_id) if user is not None else None
    if participant is None:
        abort(404)
    lang = user.locale or "fr"
    body = calendars.agenda_file(participant, now=utcnow(), lang=lang)
    return Response(body, mimetype=ICS, headers={"Cache-Control": "private, max-age=900"})


@bp.post("/compte/calendrier/nouveau-lien")
@login_required
def rotate_token() -> ResponseReturnValue:
    """Revoke the subscription links: a new token, the old feeds stop working."""
    current_user.calendar_token = new_token()
    audit.record("calendar.rotate_token", actor_id=current_user.id, target=current_user)
    db.session.commit()
    flash(_("Nouveau lien d'abonnement créé : l'ancien ne fonctionne plus."), "success")
    return redirect(url_for("main.dashboard"))
