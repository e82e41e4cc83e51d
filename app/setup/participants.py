"""Set-up page of participants' scheduling settings (kept table, caps), filtered and paginated."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import role_required
from app.extensions import db
from app.models import LocationKind, ParticipantRole, Role
from app.services import setup as service
from app.setup.common import event_or_404
from app.setup.forms import (
    ParticipantsForm,
)
from app.setup.routes import bp

SETTINGS_ERRORS = {
    "pin_not_table": _l("Choisissez une table de l'événement."),
    "pin_company": _l("Seuls les acheteurs gardent une table."),
    "min_above_max": _l("Le minimum ne peut dépasser le maximum."),
}


def _settings_error(code: str, params: dict[str, Any]) -> str:
    if code == "pin_taken":
        return _(
            "%(table)s est déjà gardée par %(other)s.", table=params["table"], other=params["other"]
        )
    if code == "cap_range":
        return _("Entre 0 et %(max)s.", max=params["max"])
    return str(SETTINGS_ERRORS.get(code, _l("Valeur refusée.")))


PARTICIPANT_FILTERS = {"acheteurs": ParticipantRole.BUYER, "entreprises": ParticipantRole.COMPANY}


PARTICIPANT_FILTER_LABELS = {
    "": _l("Tous"),
    "acheteurs": _l("Acheteurs"),
    "entreprises": _l("Entreprises"),
}


@bp.route("/<int:event_id>/parametres/participants", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def participants(event_id: int) -> ResponseReturnValue:
    """Kept tables and caps, one page of participants at a time (`?role=acheteurs|entreprises`,
    `?q=` part of the name, `?page=`); the form saves the participants of the page shown."""
    event = event_or_404(event_id)
    role_arg = request.args.get("role", "")
    shown = service.participants_page(
        event.id,
        role=PARTICIPANT_FILTERS.get(role_arg),
        search=request.args.get("q", ""),
        page=request.args.get("page", 1, type=int),
    )
    people = shown.participants
    here = {
        k: v
        for k, v in {
            "role": role_arg if role_arg in PARTICIPANT_FILTERS else "",
            "q": request.args.get("q", "").strip(),
            "page": shown.page if shown.page > 1 else "",
        }.items()
        if v
    }
    if request.method == "GET":
        form = ParticipantsForm(
            formdata=None,
            data={
                "rows": [
                    {
                        "participant_id": str(p.id),
                        "location_id": p.location_id or 0,
                        "max_meetings": p.max_meetings,
                        "min_meetings": p.min_meetings,
                    }
                    for p in people
                ]
            },
        )
    else:
        form = ParticipantsForm()
    choices = [SelectChoice(0, _("— aucune —"))] + [
        SelectChoice(loc.id, loc.name) for loc in event.locations if loc.kind is LocationKind.TABLE
    ]
    by_id = {str(p.id): p for p in people}
    for entry in form.rows:
        entry.form.location_id.choices = choices
    rows = [(entry, by_id.get(entry.form.participant_id.data)) for entry in form.rows]
    if request.method == "POST" and (
        any(p is None for _entry, p in rows) or len(rows) != len(people)
    ):
        # Someone joined or left since the page was shown: show the current list again.
        flash(
            _(
                "La liste des participants a changé depuis l'affichage de la page : "
                "vérifiez les réglages et enregistrez à nouveau."
            ),
            "warning",
        )
        return redirect(url_for("setup.participants", event_id=event.id, **here))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            settings = [
                service.ParticipantSettings(
                    participant_id=int(entry.form.participant_id.data),
                    location_id=(entry.form.location_id.data or None)
                    if p is not None and p.role is ParticipantRole.BUYER
                    else None,
                    max_meetings=entry.form.max_meetings.data,
                    min_meetings=entry.form.min_meetings.data or 0,
                )
                for entry, p in rows
            ]
            try:
                changed = service.update_participant_settings(
                    event.id, settings, actor_id=current_user.id
                )
            except service.SettingsInvalid as invalid:
                db.session.rollback()
                for entry, p in rows:
                    assert p is not None
                    for name, (code, params) in invalid.errors.get(p.id, {}).items():
                        entry.form[name].errors.append(_settings_error(code, params))
                status = 400
            else:
                db.session.commit()
                flash(
                    _("Réglages enregistrés (%(n)s participant(s) modifié(s)).", n=changed),
                    "success",
                )
                return redirect(url_for("setup.participants", event_id=event.id, **here))
        else:
            status = 400
    return render_template(
        "setup/participants.html",
        event=event,
        form=form,
        buyers=[(e, p) for e, p in rows if p is not None and p.role is ParticipantRole.BUYER],
        companies=[(e, p) for e, p in rows if p is not None and p.role is ParticipantRole.COMPANY],
        has_errors=status == 400,
        shown=shown,
        here=here,
        role_filters=PARTICIPANT_FILTER_LABELS,
    ), status
