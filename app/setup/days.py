"""Set-up pages of an event's days and their slot grid (preview, guard rails, confirmation)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_date_long, format_time_local
from app.models import Event, EventDay, Role
from app.services import setup as service
from app.services.setup.base import SetupError
from app.services.setup.days import DaySpec, PauseSpec
from app.setup.common import event_or_404, setup_message
from app.setup.forms import (
    ConfirmForm,
    DayForm,
)
from app.setup.routes import bp


def _day(event: Event, day_id: int) -> EventDay:
    day = db.session.get(EventDay, day_id)
    if day is None or day.event_id != event.id:
        abort(404)
    return day


def _spec(form: DayForm) -> DaySpec:
    pauses = tuple(
        PauseSpec(entry.form.start.data, entry.form.end.data, entry.form.label.data or "")
        for entry in form.pauses
        if entry.form.start.data is not None and entry.form.end.data is not None
    )
    return DaySpec(
        date=form.date.data,
        start=form.start_time.data,
        end=form.end_time.data,
        slot_minutes=form.slot_minutes.data,
        pauses=pauses,
        session_boundary=form.session_boundary.data,
    )


def _day_page(
    event: Event,
    form: DayForm,
    day: EventDay | None,
    preview: service.GridPreview | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    # Always a blank row or two for one more pause (up to the form's maximum).
    filled = sum(1 for entry in form.pauses if entry.form.start.data or entry.form.end.data)
    while len(form.pauses) < min(form.pauses.max_entries or 8, max(3, filled + 1)):
        form.pauses.append_entry()
    return (
        render_template(
            "setup/day_form.html",
            event=event,
            form=form,
            day=day,
            preview=preview,
            error=error,
        ),
        status,
    )


def _slot_label(slot: Any, tz: str) -> str:
    return f"{format_time_local(slot.starts_at, tz)} – {format_time_local(slot.ends_at, tz)}"


@bp.get("/<int:event_id>/parametres/journees")
@role_required(Role.ORGANISER)
def days(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    return render_template(
        "setup/days.html",
        event=event,
        delete_form=ConfirmForm(),
        boundary=service.stored_boundary,
    )


def _save_day(event: Event, form: DayForm, day: EventDay | None) -> ResponseReturnValue:
    spec = _spec(form)
    day_id = day.id if day is not None else None
    try:
        preview = service.preview_day(event.id, spec, day_id=day_id)
    except SetupError as error:
        return _day_page(event, form, day, error=setup_message(error, event), status=400)
    if form.preview.data:
        return _day_page(event, form, day, preview=preview)
    try:
        saved = service.save_day(
            event.id,
            spec,
            day_id=day_id,
            confirm_losses=bool(form.confirm.data),
            actor_id=current_user.id,
        )
    except SetupError as error:
        db.session.rollback()
        if error.code == "confirm_losses":
            form.confirm.errors.append(setup_message(error, event))
            return _day_page(event, form, day, preview=preview, status=400)
        return _day_page(event, form, day, preview, error=setup_message(error, event), status=409)
    db.session.commit()
    flash(
        _(
            "Journée du %(d)s enregistrée : %(n)s créneaux.",
            d=format_date_long(saved.date),
            n=len(saved.slots),
        ),
        "success",
    )
    return redirect(url_for("setup.days", event_id=event.id))


@bp.route("/<int:event_id>/parametres/journees/nouvelle", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def add_day(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = DayForm()
    if form.validate_on_submit():
        return _save_day(event, form, None)
    return _day_page(event, form, None, status=400 if form.errors else 200)


@bp.route("/<int:event_id>/parametres/journees/<int:day_id>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_day(event_id: int, day_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    day = _day(event, day_id)
    if request.method == "GET":
        form = DayForm(
            formdata=None,
            data={
                "date": day.date,
                "start_time": day.start_time,
                "end_time": day.end_time,
                "slot_minutes": day.slot_minutes,
                "session_boundary": service.stored_boundary(day),
                # FormField reads attributes, not keys.
                "pauses": [
                    SimpleNamespace(start=p.start_time, end=p.end_time, label=p.label)
                    for p in day.pauses
                ],
            },
        )
        return _day_page(event, form, day)
    form = DayForm()
    if form.validate_on_submit():
        return _save_day(event, form, day)
    return _day_page(event, form, day, status=400)


@bp.post("/<int:event_id>/parametres/journees/<int:day_id>/supprimer")
@role_required(Role.ORGANISER)
def delete_day(event_id: int, day_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    day = _day(event, day_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.delete_day(
            event.id, day.id, actor_id=current_user.id, confirm_losses=bool(form.confirm.data)
        )
    except SetupError as error:
        db.session.rollback()
        if error.code == "confirm_losses":
            return render_template(
                "setup/day_delete.html", event=event, day=day, use=error.params["use"], form=form
            ), 400
        flash(setup_message(error, event), "danger")
        return redirect(url_for("setup.days", event_id=event.id))
    db.session.commit()
    flash(_("Journée supprimée avec ses créneaux."), "success")
    return redirect(url_for("setup.days", event_id=event.id))
