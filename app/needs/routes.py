"""Needs catalogue (public page with filters; buyers and organisers edit) and CPV autocomplete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import role_required
from app.extensions import db
from app.i18n import locale_code
from app.models import AmountBand, Event, Need, Organisation, OrganisationKind, Role
from app.needs.forms import AMOUNT_BANDS, NeedForm
from app.services.setup import listing as event_service
from app.services.sourcing import cpv as cpv_service
from app.services.sourcing import needs as need_service

bp = Blueprint("needs", __name__)

ALL_ROLES = (Role.ORGANISER, Role.BUYER, Role.COMPANY)


@bp.get("/cpv")
@role_required(*ALL_ROLES)
def cpv_search() -> ResponseReturnValue:
    """Autocomplete: `q` (digits and/or words), `lang` (fr or en), at most 10 results."""
    lang = request.args.get("lang") or locale_code()
    results = cpv_service.search(request.args.get("q", "")[:100], lang)
    return jsonify(
        [
            {
                "code": c.code,
                "full_code": c.full_code,
                "label": c.label("en" if lang == "en" else "fr"),
            }
            for c in results
        ]
    )


@bp.get("/evenements/<int:event_id>/besoins")
def catalogue(event_id: int) -> ResponseReturnValue:
    event = event_service.get_public_event(event_id)
    if event is None:
        abort(404)
    division = request.args.get("division", "")
    tag = request.args.get("tag", "")
    buyer = request.args.get("acheteur", "")
    filters = need_service.NeedFilter(
        division=division if division.isdigit() and len(division) == 2 else "",
        tag=tag if tag in need_service.TAGS else "",
        buyer_id=int(buyer) if buyer.isdigit() else None,
    )
    data = need_service.catalogue(event.id, filters, lang=locale_code())
    return render_template(
        "needs/catalogue.html",
        event=event,
        data=data,
        filters=filters,
        can_edit=_can_manage(event),
        bands={c.value: c.label for c in AMOUNT_BANDS if c.value},
    )


def _can_manage(event: Event) -> bool:
    if not current_user.is_authenticated:
        return False
    return current_user.is_organiser or current_user.is_buyer


def _may_edit(need: Need) -> bool:
    if current_user.is_organiser:
        return True
    return current_user.is_buyer and need.buyer_organisation_id == current_user.organisation_id


def _buyer_choices(form: NeedForm) -> None:
    if current_user.is_organiser:
        orgs = db.session.execute(
            db.select(Organisation)
            .where(Organisation.kind != OrganisationKind.COMPANY)
            .order_by(Organisation.name)
        ).scalars()
        form.buyer_organisation_id.choices = [SelectChoice(o.id, o.display_name) for o in orgs]
    else:
        del form.buyer_organisation_id


def _data(form: NeedForm) -> need_service.NeedData:
    return need_service.NeedData(
        title=form.title.data or "",
        description=form.description.data or "",
        cpv_codes=tuple(getattr(form.cpv, "cpv_codes", ())),
        expected_date=form.expected_date.data,
        amount_band=AmountBand(form.amount_band.data) if form.amount_band.data else None,
        has_insertion_clause=bool(form.has_insertion_clause.data),
        is_reserved_market=bool(form.is_reserved_market.data),
        has_environmental_criterion=bool(form.has_environmental_criterion.data),
        has_sme_lots=bool(form.has_sme_lots.data),
        is_published=bool(form.is_published.data),
    )


@bp.route("/evenements/<int:event_id>/besoins/nouveau", methods=["GET", "POST"])
@role_required(Role.ORGANISER, Role.BUYER)
def create_need(event_id: int) -> ResponseReturnValue:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if current_user.is_buyer and (
        current_user.organisation is None or current_user.organisation.is_company
    ):
        abort(403)
    form = NeedForm()
    _buyer_choices(form)
    if form.validate_on_submit():
        organisation_id = (
            form.buyer_organisation_id.data
            if current_user.is_organiser
            else current_user.organisation_id
        )
        try:
            need = need_service.create_need(
                event_id=event.id,
                buyer_organisation_id=organisation_id,
                data=_data(form),
                actor_id=current_user.id,
            )
        except need_service.NeedError:
            db.session.rollback()
            abort(403)
        db.session.commit()
        flash(_("Besoin « %(title)s » enregistré.", title=need.title), "success")
        return redirect(url_for("needs.catalogue", event_id=event.id))
    return render_template("needs/edit.html", form=form, event=event, need=None)


@bp.route("/besoins/<int:need_id>/modifier", methods=["GET", "POST"])
@role_required(Role.ORGANISER, Role.BUYER)
def edit_need(need_id: int) -> ResponseReturnValue:
    need = db.session.get(Need, need_id)
    if need is None:
        abort(404)
    if not _may_edit(need):
        abort(403)
    form = NeedForm(obj=need if request.method == "GET" else None)
    _buyer_choices(form)
    if request.method == "GET":
        form.cpv.data = cpv_service.codes_text(need.cpv_codes)
        form.amount_band.data = need.amount_band.value if need.amount_band else ""
    if current_user.is_organiser:
        # The buyer of a need does not change: its requests and answers refer to that buyer.
        form.buyer_organisation_id.choices = [
            SelectChoice(need.buyer_organisation_id, need.buyer.display_name)
        ]
        form.buyer_organisation_id.data = need.buyer_organisation_id
    if form.validate_on_submit():
        need_service.update_need(need, _data(form), actor_id=current_user.id)
        db.session.commit()
        flash(_("Besoin « %(title)s » enregistré.", title=need.title), "success")
        return redirect(url_for("needs.catalogue", event_id=need.event_id))
    return render_template("needs/edit.html", form=form, event=need.event, need=need)
