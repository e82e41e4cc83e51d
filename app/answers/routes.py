"""Buyers see who asked to meet them, with the explained score, answer and invite."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.answers.forms import AnswerForm, InviteForm
from app.auth.access import role_required
from app.extensions import db
from app.i18n import locale_code
from app.matching.i18n import format_number
from app.models import Answer, Event, MeetingRequest, Participant, Role
from app.services.sourcing import answers as service
from app.services.sourcing.needs import buyer_participant

bp = Blueprint("answers", __name__)


@bp.app_template_filter("score")
def format_score(value: Decimal) -> str:
    """A score in the page's language: '2,4' in French, '2.4' in English."""
    return format_number(value, "en" if locale_code() == "en" else "fr")


def _buyer(event_id: int) -> tuple[Event, Participant]:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if current_user.organisation_id is None:
        abort(403)
    participant = buyer_participant(event.id, current_user.organisation_id)
    if participant is None:
        abort(403)
    return event, participant


def _render(event: Event, buyer: Participant, failed: tuple[int, AnswerForm] | None = None):
    page = service.buyer_page(event.id, buyer.id)
    forms = {}
    for item in page.incoming:
        rid = item.request.id
        if failed is not None and failed[0] == rid:
            forms[rid] = failed[1]
        else:
            form = AnswerForm(prefix=f"r{rid}", formdata=None)
            if item.request.answer is not Answer.PENDING:
                form.answer.data = item.request.answer.value
            forms[rid] = form
    return render_template(
        "answers/requests.html",
        event=event,
        buyer=buyer,
        page=page,
        forms=forms,
        invite_form=InviteForm(formdata=None),
        lang=locale_code(),
    ), (400 if failed else 200)


@bp.get("/evenements/<int:event_id>/demandes-recues")
@role_required(Role.BUYER)
def incoming(event_id: int) -> ResponseReturnValue:
    event, buyer = _buyer(event_id)
    return _render(event, buyer)


@bp.post("/demandes/<int:request_id>/reponse")
@role_required(Role.BUYER)
def answer(request_id: int) -> ResponseReturnValue:
    request = db.session.get(MeetingRequest, request_id)
    if request is None:
        abort(404)
    event, buyer = _buyer(request.event_id)
    if request.buyer_id != buyer.id:
        abort(403)
    form = AnswerForm(prefix=f"r{request.id}")
    if not form.validate_on_submit():
        return _render(event, buyer, (request.id, form))
    service.answer_request(
        request.id,
        Answer(form.answer.data),
        buyer_id=buyer.id,
        actor_id=current_user.id,
        reason=form.reason.data or "",
    )
    db.session.commit()
    flash(_("Réponse enregistrée pour %(name)s.", name=request.company.name), "success")
    return redirect(url_for("answers.incoming", event_id=event.id) + f"#demande-{request.id}")


@bp.post("/evenements/<int:event_id>/inviter")
@role_required(Role.BUYER)
def invite(event_id: int) -> ResponseReturnValue:
    event, buyer = _buyer(event_id)
    form = InviteForm()
    if not form.validate_on_submit() or not (form.company_id.data or "").isdigit():
        flash(_("Invitation impossible\u202f: choisissez une entreprise de la liste."), "danger")
        return redirect(url_for("answers.incoming", event_id=event.id))
    try:
        req = service.invite_company(
            event_id=event.id,
            buyer_id=buyer.id,
            company_id=int(form.company_id.data),
            actor_id=current_user.id,
        )
    except service.AnswerError as error:
        db.session.rollback()
        if str(error) == "already_requested":
            flash(_("Une demande existe déjà avec cette entreprise."), "warning")
        else:
            flash(
                _("Invitation impossible\u202f: choisissez une entreprise de la liste."), "danger"
            )
        return redirect(url_for("answers.incoming", event_id=event.id))
    db.session.commit()
    flash(_("Invitation envoyée à %(name)s.", name=req.company.name), "success")
    return redirect(url_for("answers.incoming", event_id=event.id))
