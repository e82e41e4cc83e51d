"""Set-up pages of an event: creation, details, the overview and its life cycle steps.

`bp` is created here; `days`, `locations`, `participants` and `workshops` register their views
on it and `app/setup/__init__.py` imports them all (no module imports another's views).
"""

from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_wall_time, to_local
from app.models import Event, EventStatus, LocationKind, ParticipantRole, Role
from app.services import setup as service
from app.services.setup.base import SetupError
from app.services.setup.events import EventData
from app.setup.common import event_or_404, setup_message
from app.setup.forms import (
    EventForm,
    StatusForm,
)

bp = Blueprint("setup", __name__, url_prefix="/organisation/evenements")


S = EventStatus


# The button of each manual step (service.TRANSITIONS), forward and back.
STATUS_ACTIONS = {
    (S.DRAFT, S.OPEN): _l("Ouvrir les candidatures"),
    (S.OPEN, S.SELECTION): _l("Clore les candidatures et passer à la sélection"),
    (S.OPEN, S.DRAFT): _l("Repasser en brouillon"),
    (S.SELECTION, S.SCHEDULING): _l("Passer à la préparation du planning"),
    (S.SELECTION, S.OPEN): _l("Rouvrir les candidatures"),
    (S.SCHEDULING, S.SELECTION): _l("Revenir à la sélection"),
    (S.PUBLISHED, S.CLOSED): _l("Clore l'événement"),
    (S.CLOSED, S.PUBLISHED): _l("Rouvrir l'événement"),
}


@bp.app_template_filter("wall_time")
def wall_time(value: time) -> str:
    """A wall-clock time of the grid: « 14 h 20 » in French, « 2:20 PM » in English."""
    return format_wall_time(value)


def _event_data(form: EventForm) -> EventData:
    return EventData(
        title=form.title.data or "",
        description=form.description.data or "",
        venue=form.venue.data or "",
        timezone=(form.timezone.data or "").strip(),
        deadline_local=form.application_deadline.data,
        contact_email=form.contact_email.data or None,
    )


def _event_form_page(
    form: EventForm, event: Event | None, status: int = 200
) -> ResponseReturnValue:
    return render_template("setup/event_form.html", form=form, event=event), status


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def create_event() -> ResponseReturnValue:
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = service.create_event(
                _event_data(form),
                organisation_id=current_user.organisation_id,
                actor_id=current_user.id,
            )
        except SetupError as error:
            db.session.rollback()
            target = form.timezone if error.code == "bad_timezone" else form.application_deadline
            target.errors.append(setup_message(error))
            return _event_form_page(form, None, 400)
        db.session.commit()
        flash(_("Événement « %(t)s » créé en brouillon.", t=event.title), "success")
        return redirect(url_for("setup.overview", event_id=event.id))
    return _event_form_page(form, None, 400 if form.errors else 200)


@bp.route("/<int:event_id>/parametres/evenement", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_event(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if request.method == "GET":
        form = EventForm(obj=event)
        if event.application_deadline is not None:
            form.application_deadline.data = to_local(
                event.application_deadline, event.timezone
            ).replace(tzinfo=None)
    else:
        form = EventForm()
    if form.validate_on_submit():
        try:
            service.update_event(event.id, _event_data(form), actor_id=current_user.id)
        except SetupError as error:
            db.session.rollback()
            timezone_error = error.code in ("timezone_in_use", "bad_timezone")
            target = form.timezone if timezone_error else form.application_deadline
            target.errors.append(setup_message(error, event))
            return _event_form_page(form, event, 400)
        db.session.commit()
        flash(_("Événement enregistré."), "success")
        return redirect(url_for("setup.overview", event_id=event.id))
    return _event_form_page(form, event, 400 if form.errors else 200)


@bp.get("/<int:event_id>/parametres")
@role_required(Role.ORGANISER)
def overview(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    participants = service.scheduling_participants(event.id)
    buyers = [p for p in participants if p.role is ParticipantRole.BUYER]
    return render_template(
        "setup/overview.html",
        event=event,
        actions=[(s, STATUS_ACTIONS[event.status, s]) for s in service.TRANSITIONS[event.status]],
        status_form=StatusForm(),
        tables=[loc for loc in event.locations if loc.kind is LocationKind.TABLE],
        rooms=[loc for loc in event.locations if loc.kind is LocationKind.ROOM],
        buyers=buyers,
        pinned=sum(1 for b in buyers if b.location_id is not None),
        companies=len(participants) - len(buyers),
    )


@bp.post("/<int:event_id>/parametres/etape")
@role_required(Role.ORGANISER)
def change_status(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        target = EventStatus(form.status.data)
        service.change_status(event.id, target, actor_id=current_user.id)
    except ValueError:
        abort(400)
    except SetupError as error:
        db.session.rollback()
        flash(setup_message(error, event), "danger")
        return redirect(url_for("setup.overview", event_id=event.id))
    db.session.commit()
    flash(_("Étape de l'événement modifiée."), "success")
    return redirect(url_for("setup.overview", event_id=event.id))
