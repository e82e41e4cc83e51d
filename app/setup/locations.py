"""Set-up pages of an event's tables and rooms."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.models import Event, LocationKind, Role
from app.services import setup as service
from app.services.setup.base import SetupError
from app.setup.common import event_or_404, location_use_text, setup_message
from app.setup.forms import (
    LocationForm,
    StatusForm,
    TablesForm,
)
from app.setup.routes import bp


def _locations_page(
    event: Event,
    form: LocationForm | None = None,
    tables_form: TablesForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    numbers = [
        int(loc.name.rsplit(" ", 1)[1])
        for loc in event.locations
        if loc.name.rsplit(" ", 1)[-1].isdigit()
    ]
    if tables_form is None:
        tables_form = TablesForm(formdata=None, first=max(numbers, default=0) + 1)
    return (
        render_template(
            "setup/locations.html",
            event=event,
            form=form or LocationForm(formdata=None),
            tables_form=tables_form,
            action_form=StatusForm(),
            uses={loc.id: service.location_use(loc) for loc in event.locations},
            describe_use=location_use_text,
        ),
        status,
    )


@bp.route("/<int:event_id>/parametres/lieux", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def locations(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if request.method == "GET":
        return _locations_page(event)
    form = LocationForm()
    if not form.validate_on_submit():
        return _locations_page(event, form=form, status=400)
    try:
        location = service.add_location(
            event.id,
            form.name.data or "",
            LocationKind(form.kind.data),
            form.room.data or "",
            actor_id=current_user.id,
        )
    except SetupError as error:
        db.session.rollback()
        form.name.errors.append(setup_message(error, event))
        return _locations_page(event, form=form, status=400)
    db.session.commit()
    flash(_("« %(name)s » ajouté.", name=location.name), "success")
    return redirect(url_for("setup.locations", event_id=event.id))


@bp.post("/<int:event_id>/parametres/lieux/tables")
@role_required(Role.ORGANISER)
def add_tables(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = TablesForm()
    if not form.validate_on_submit():
        return _locations_page(event, tables_form=form, status=400)
    try:
        created = service.add_tables(
            event.id,
            form.count.data,
            prefix=form.prefix.data or "Table",
            first=form.first.data,
            room=form.room.data or "",
            actor_id=current_user.id,
        )
    except SetupError as error:
        db.session.rollback()
        form.first.errors.append(setup_message(error, event))
        return _locations_page(event, tables_form=form, status=400)
    db.session.commit()
    flash(
        _(
            "%(n)s tables créées, de « %(a)s » à « %(b)s ».",
            n=len(created),
            a=created[0].name,
            b=created[-1].name,
        ),
        "success",
    )
    return redirect(url_for("setup.locations", event_id=event.id))


def _location(event: Event, location_id: int) -> Any:
    location = next((loc for loc in event.locations if loc.id == location_id), None)
    if location is None:
        abort(404)
    return location


@bp.route("/<int:event_id>/parametres/lieux/<int:location_id>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_location(event_id: int, location_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    location = _location(event, location_id)
    if request.method == "GET":
        form = LocationForm(formdata=None, obj=location, kind=location.kind.value)
    else:
        form = LocationForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.update_location(
                event.id,
                location.id,
                form.name.data or "",
                LocationKind(form.kind.data),
                form.room.data or "",
                actor_id=current_user.id,
            )
        except SetupError as error:
            db.session.rollback()
            field = form.kind if error.code == "location_in_use" else form.name
            field.errors.append(setup_message(error, event))
        else:
            db.session.commit()
            flash(_("« %(name)s » enregistré.", name=location.name), "success")
            return redirect(url_for("setup.locations", event_id=event.id))
    return render_template("setup/location_form.html", event=event, location=location, form=form), (
        400 if form.errors else 200
    )


@bp.post("/<int:event_id>/parametres/lieux/<int:location_id>/<any(monter, descendre):way>")
@role_required(Role.ORGANISER)
def move_location(event_id: int, location_id: int, way: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    location = _location(event, location_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    service.move_location(
        event.id, location.id, -1 if way == "monter" else 1, actor_id=current_user.id
    )
    db.session.commit()
    return redirect(url_for("setup.locations", event_id=event.id) + f"#lieu-{location.id}")


@bp.post("/<int:event_id>/parametres/lieux/<int:location_id>/supprimer")
@role_required(Role.ORGANISER)
def delete_location(event_id: int, location_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    location = _location(event, location_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    name = location.name
    try:
        service.delete_location(event.id, location.id, actor_id=current_user.id)
    except SetupError as error:
        db.session.rollback()
        flash(setup_message(error, event), "danger")
        return redirect(url_for("setup.locations", event_id=event.id))
    db.session.commit()
    flash(_("« %(name)s » supprimé.", name=name), "success")
    return redirect(url_for("setup.locations", event_id=event.id))
