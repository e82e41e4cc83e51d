"""Organisers rank applications with explanations, decide one by one or run a selection."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.i18n import locale_code
from app.models import ApplicationStatus, Event, Role
from app.selection.forms import DecisionForm, RunForm, WorkshopForm, fill_workshop_choices
from app.services.sourcing import selection as service

bp = Blueprint("selection", __name__)


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _settings(form: RunForm) -> service.RunSettings:
    flags = set()
    names = []
    if form.quota_ess.data:
        flags.add("ess")
        names.append(_("ESS"))
    if form.quota_small.data:
        flags.add("small")
        names.append(_("petites entreprises"))
    return service.RunSettings(
        quota_share=Decimal(form.quota_percent.data or 0) / 100,
        quota_flags=frozenset(flags),
        quota_name=_(" ou ").join(names),
        per_buyer=form.per_buyer.data,
    )


def _page(event: Event, run_form: RunForm, decision_forms=None, status: int = 200):
    rows = service.ranked(event.id)
    forms = decision_forms or {}
    for row in rows:
        forms.setdefault(
            row.application.id, DecisionForm(prefix=f"a{row.application.id}", formdata=None)
        )
    return (
        render_template(
            "selection/index.html",
            event=event,
            rows=rows,
            run_form=run_form,
            forms=forms,
            capacity=service.capacity(event),
            workshops=service.workshop_candidates(event.id, rows),
            lang=locale_code(),
        ),
        status,
    )


@bp.get("/evenements/<int:event_id>/selection")
@role_required(Role.ORGANISER)
def index(event_id: int) -> ResponseReturnValue:
    return _page(_event(event_id), RunForm(formdata=None))


@bp.post("/evenements/<int:event_id>/selection/run")
@role_required(Role.ORGANISER)
def run(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    form = RunForm()
    if not form.validate_on_submit():
        return _page(event, form, status=400)
    settings = _settings(form)
    try:
        if form.confirm.data:
            result = service.apply_run(event.id, settings, actor_id=current_user.id)
        else:
            result = service.preview(event.id, settings)
    except service.SelectionServiceError:
        db.session.rollback()
        form.quota_percent.errors.append(
            _("L'événement n'a ni créneaux ni tables\u202f: la capacité est nulle.")
        )
        return _page(event, form, status=400)
    except service.SelectionError as error:
        db.session.rollback()
        form.quota_percent.errors.append(_("Sélection impossible\u202f: %(e)s", e=str(error)))
        return _page(event, form, status=400)
    if form.confirm.data:
        db.session.commit()
        selected = sum(1 for d in result.result.decisions if d.status.value == "selected")
        flash(
            _(
                "Sélection appliquée\u202f: %(n)s candidatures sélectionnées, "
                "décisions enregistrées au journal.",
                n=selected,
            ),
            "success",
        )
        return redirect(url_for("selection.index", event_id=event.id))
    return render_template(
        "selection/preview.html", event=event, run=result, form=form, lang=locale_code()
    )


@bp.post("/evenements/<int:event_id>/candidatures/<int:application_id>/decision")
@role_required(Role.ORGANISER)
def decide(event_id: int, application_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    form = DecisionForm(prefix=f"a{application_id}")
    if not form.validate_on_submit():
        return _page(event, RunForm(formdata=None), {application_id: form}, status=400)
    try:
        application = service.decide(
            application_id,
            ApplicationStatus(form.status.data),
            form.reason.data or "",
            event_id=event.id,
            actor_id=current_user.id,
        )
    except service.SelectionServiceError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(
        _("Décision enregistrée pour %(name)s.", name=application.participant.organisation.name),
        "success",
    )
    return redirect(
        url_for("selection.index", event_id=event.id) + f"#candidature-{application_id}"
    )


@bp.route("/evenements/<int:event_id>/ateliers/nouveau", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def create_workshop(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    form = fill_workshop_choices(WorkshopForm(), event)
    if form.validate_on_submit():
        data = service.WorkshopData(
            title=form.title.data or "",
            theme=form.theme.data or "",
            min_size=form.min_size.data or 0,
            max_size=form.max_size.data,
            location_id=form.location_id.data or None,
            slot_ids=frozenset(form.slots.data or ()),
        )
        workshop = service.create_workshop(event.id, data, actor_id=current_user.id)
        db.session.commit()
        flash(_("Atelier « %(t)s » créé.", t=workshop.title), "success")
        return redirect(url_for("selection.index", event_id=event.id))
    return render_template("selection/workshop.html", event=event, form=form)
