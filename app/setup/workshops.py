"""Set-up page of a workshop: title, capacity, slots, candidates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.models import Role
from app.selection.forms import WorkshopForm, fill_workshop_choices
from app.services.sourcing import selection as selection_service
from app.setup.common import event_or_404
from app.setup.routes import bp

WORKSHOP_ERRORS = {
    "bad_slots": _l("Choisissez des créneaux de l'événement."),
    "bad_location": _l("Choisissez une salle de l'événement."),
    "slots_booked": _l(
        "Refusé, rien n'a changé : des participants sont placés dans un créneau que vous "
        "retirez de l'atelier (dans une version du planning)."
    ),
}


@bp.route("/<int:event_id>/parametres/ateliers/<int:workshop_id>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_workshop(event_id: int, workshop_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    workshop = next((w for w in event.workshops if w.id == workshop_id), None)
    if workshop is None:
        abort(404)
    if request.method == "GET":
        form = WorkshopForm(
            formdata=None,
            obj=workshop,
            location_id=workshop.location_id or 0,
            slots=[link.slot_id for link in workshop.slot_links],
        )
    else:
        form = WorkshopForm()
    form.submit.label.text = _("Enregistrer l'atelier")
    fill_workshop_choices(form, event)
    if request.method == "POST" and form.validate_on_submit():
        data = selection_service.WorkshopData(
            title=form.title.data or "",
            theme=form.theme.data or "",
            min_size=form.min_size.data or 0,
            max_size=form.max_size.data,
            location_id=form.location_id.data or None,
            slot_ids=frozenset(form.slots.data or ()),
        )
        try:
            selection_service.update_workshop(event.id, workshop.id, data, actor_id=current_user.id)
        except selection_service.SelectionServiceError as error:
            db.session.rollback()
            form.slots.errors.append(str(WORKSHOP_ERRORS.get(str(error), _l("Valeur refusée."))))
        else:
            db.session.commit()
            flash(_("Atelier « %(t)s » enregistré.", t=workshop.title), "success")
            return redirect(url_for("setup.overview", event_id=event.id) + "#ateliers")
    return render_template("setup/workshop_form.html", event=event, workshop=workshop, form=form), (
        400 if form.errors else 200
    )
