"""Company profile and application to an event (wishes, workshops, unavailability)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.applications.forms import ApplicationForm, ProfileForm
from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_time_local, locale_code
from app.models import (
    CompanySize,
    Event,
    EventStatus,
    InterestKind,
    MeetingRequest,
    Organisation,
    Participant,
    Priority,
    RequestOrigin,
    Role,
    WorkshopInterest,
)
from app.services.sourcing import applications as service
from app.services.sourcing import cpv as cpv_service
from app.services.sourcing.scoring import suggested_buyers

bp = Blueprint("applications", __name__)

PRIORITY_ORDER = [Priority.MUST, Priority.WANT, Priority.MAYBE]


def _company() -> Organisation:
    organisation = current_user.organisation
    if organisation is None or not organisation.is_company:
        abort(403)
    return organisation


@bp.route("/entreprise/profil", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def edit_profile() -> ResponseReturnValue:
    organisation = _company()
    form = ProfileForm()
    if request.method == "GET":
        form.name.data = organisation.name
        form.siret.data = organisation.siret
        form.size.data = organisation.size.value if organisation.size else None
        form.departement.data = organisation.departement or ""
        form.is_ess.data = organisation.is_ess
        form.is_siae.data = organisation.is_siae
        form.is_ea_esat.data = organisation.is_ea_esat
        form.is_mission_company.data = organisation.is_mission_company
        form.cpv.data = cpv_service.codes_text(organisation.cpv_codes)
        form.offer.data = organisation.offer_description
        form.website.data = organisation.website or ""
    if form.validate_on_submit():
        data = service.ProfileData(
            name=form.name.data or "",
            siret=form.siret.data or "",
            size=CompanySize(form.size.data),
            departement=form.departement.data or "",
            is_ess=bool(form.is_ess.data),
            is_siae=bool(form.is_siae.data),
            is_ea_esat=bool(form.is_ea_esat.data),
            is_mission_company=bool(form.is_mission_company.data),
            cpv_codes=tuple(getattr(form.cpv, "cpv_codes", ())),
            offer=form.offer.data or "",
            website=form.website.data or "",
        )
        try:
            service.update_profile(organisation.id, data, actor_id=current_user.id)
        except service.ApplicationError:
            db.session.rollback()
            form.siret.errors.append(_("Cette entreprise (SIRET) a déjà un compte."))
        else:
            db.session.commit()
            flash(_("Profil enregistré."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("applications/profile.html", form=form)


def _setup(form: ApplicationForm, event: Event) -> list[service.WishTarget]:
    targets = service.wish_targets(event.id)
    choices = [SelectChoice("", _("— aucun —"))] + [SelectChoice(t.value, t.label) for t in targets]
    for wish in form.wish_forms:
        wish.form.target.choices = choices
    workshops, slots = service.workshops_and_slots(event.id)
    form.workshops.choices = [SelectChoice(w.id, w.title) for w in workshops]
    form.unavailable.choices = [
        SelectChoice(
            s.id,
            f"{format_time_local(s.starts_at, event.timezone)} – "
            f"{format_time_local(s.ends_at, event.timezone)}",
        )
        for s in slots
    ]
    return targets


def _fill(form: ApplicationForm, participant: Participant) -> None:
    requests = sorted(
        (r for r in _requests_of(participant) if r.origin is not RequestOrigin.BUYER),
        key=lambda r: (PRIORITY_ORDER.index(r.priority), r.id),
    )
    for wish, req in zip(form.wish_forms, requests, strict=False):
        wish.form.target.data = f"n{req.need_id}" if req.need_id else f"b{req.buyer_id}"
        wish.form.priority.data = req.priority.value
        wish.form.pitch.data = req.pitch
    form.pitch.data = participant.application.pitch if participant.application else ""
    form.attendees.data = participant.attendees
    form.is_first_time.data = participant.is_first_time
    form.workshops.data = [
        i.workshop_id
        for i in db.session.execute(
            db.select(WorkshopInterest).where(
                WorkshopInterest.participant_id == participant.id,
                WorkshopInterest.kind == InterestKind.CANDIDATE,
            )
        ).scalars()
    ]
    form.unavailable.data = [u.slot_id for u in participant.unavailabilities]


def _requests_of(participant: Participant) -> list[MeetingRequest]:
    return list(
        db.session.execute(
            db.select(MeetingRequest).where(MeetingRequest.company_id == participant.id)
        ).scalars()
    )


def _wishes(form: ApplicationForm, targets: list[service.WishTarget]) -> list[service.Wish] | None:
    """The filled wish rows, or None after adding French errors to the form."""
    by_value = {t.value: t for t in targets}
    wishes: list[service.Wish] = []
    seen: set[str] = set()
    ok = True
    for wish in form.wish_forms:
        value = wish.form.target.data or ""
        if not value:
            continue
        target = by_value.get(value)
        if target is None:
            wish.form.target.errors.append(_("Choisissez un acheteur ou un besoin de la liste."))
            ok = False
            continue
        if wish.form.priority.data not in {p.value for p in Priority}:
            ok = False  # the select field reports its own error
            continue
        if value in seen:
            wish.form.target.errors.append(_("Ce rendez-vous est déjà demandé dans un autre vœu."))
            ok = False
            continue
        seen.add(value)
        wishes.append(
            service.Wish(
                buyer_id=target.buyer_id,
                need_id=target.need_id,
                priority=Priority(wish.form.priority.data),
                pitch=wish.form.pitch.data or "",
            )
        )
    if ok and not wishes:
        form.wish_forms[0].form.target.errors.append(
            _("Indiquez au moins un acheteur ou un besoin à rencontrer.")
        )
        ok = False
    return wishes if ok else None


@bp.route("/evenements/<int:event_id>/candidature", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def apply(event_id: int) -> ResponseReturnValue:
    organisation = _company()
    event = db.session.get(Event, event_id)
    if event is None or event.status is EventStatus.DRAFT:
        abort(404)
    participant = service.application_view(event.id, organisation.id)
    form = ApplicationForm()
    targets = _setup(form, event)
    is_open = event.is_open_for_applications
    if request.method == "GET" and participant is not None:
        _fill(form, participant)
    if request.method == "POST" and not is_open:
        flash(_("Les candidatures sont closes pour cet événement."), "danger")
        return redirect(url_for("applications.apply", event_id=event.id))
    if form.validate_on_submit():
        wishes = _wishes(form, targets)
        if wishes is not None:
            data = service.ApplicationData(
                pitch=form.pitch.data or "",
                attendees=form.attendees.data or 1,
                is_first_time=bool(form.is_first_time.data),
                wishes=tuple(wishes),
                workshop_ids=frozenset(form.workshops.data or ()),
                unavailable_slot_ids=frozenset(form.unavailable.data or ()),
            )
            try:
                service.submit_application(
                    event_id=event.id,
                    organisation_id=organisation.id,
                    data=data,
                    actor_id=current_user.id,
                )
            except service.ApplicationError:
                db.session.rollback()
                flash(_("Candidature non enregistrée\u202f: vérifiez vos choix."), "danger")
            else:
                db.session.commit()
                flash(_("Votre candidature est enregistrée."), "success")
                return redirect(url_for("main.dashboard"))
    elif request.method == "POST":
        _wishes(form, targets)  # also report wish errors along with the other fields
    return render_template(
        "applications/apply.html",
        form=form,
        event=event,
        participant=participant,
        is_open=is_open,
        profile_incomplete=not organisation.offer_description or not organisation.cpv_codes,
        suggestions=suggested_buyers(event.id, organisation.id),
        lang=locale_code(),
    )
