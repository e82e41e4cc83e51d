"""Late changes on a published agenda, what a re-optimised draft changes, and follow-ups.

One page lists the four late-change actions (withdrawal, cancellation, absence, late company)
and offers "re-optimise with minimal change" from the published version; each POST calls one
service of `app.services.late_changes`, commits, and comes back to the page (PRG). A refused
or invalid form re-renders the page with French field errors and nothing written.
"""

from __future__ import annotations

import re
from datetime import date, time

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.agenda.common import agenda_error, event_or_404, job_error, version_or_404
from app.agenda.forms import (
    TIME_RE,
    AbsenceForm,
    ActionForm,
    CancelMeetingForm,
    LateCompanyForm,
    ReoptimiseForm,
    WithdrawForm,
)
from app.agenda.routes import bp
from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_date_long, format_time_local
from app.models import Event, Meeting, Priority, Role
from app.redirects import safe_next
from app.services import agenda, transfers
from app.services.agenda import change_summary, follow_up, jobs, late_changes, schedules
from app.services.agenda.late_changes import ARRIVE, LEAVE, LateChangeError

KIND_LABELS = {
    LEAVE: _l("part plus tôt (absent à partir de l'heure)"),
    ARRIVE: _l("arrive plus tard (absent jusqu'à l'heure)"),
}
PRIORITY_LABELS = {
    Priority.MUST.value: _l("indispensable"),
    Priority.WANT.value: _l("souhaité"),
    Priority.MAYBE.value: _l("éventuel"),
}


def late_error(error: LateChangeError) -> str:
    messages = {
        "reason_required": _("Indiquez la raison."),
        "reason_too_long": _("500 caractères au plus."),
        "unknown_participant": _("Choisissez une valeur dans la liste."),
        "not_selected": _("Cette entreprise ne participe déjà plus au planning."),
        "unknown_request": _("Choisissez une valeur dans la liste."),
        "inactive_request": _("Ce rendez-vous est déjà annulé."),
        "bad_kind": _("Choisissez une valeur dans la liste."),
        "unknown_day": _("Choisissez une valeur dans la liste."),
        "no_slot": _("Aucun créneau de ce jour n'est concerné à cette heure."),
        "already_unavailable": _("Ce participant est déjà indisponible sur tous ces créneaux."),
        "no_buyer": _("Choisissez au moins un acheteur."),
        "not_joinable": _("Cette entreprise participe déjà au planning."),
        "name_required": _("Indiquez le nom."),
        "name_too_long": _("200 caractères au plus."),
        "bad_siret": _("Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle)."),
        "siret_taken": _(
            "Une entreprise porte déjà ce SIRET : choisissez-la dans la liste des entreprises."
        ),
        "nothing_published": _("Aucune version n'est publiée : il n'y a rien à réoptimiser."),
        "unknown_event": _("Cet événement n'existe pas."),
    }
    return str(messages.get(str(error), _("Cette action n'est pas possible.")))


def _when(event: Event, slot: object) -> str:
    start = slot.starts_at  # type: ignore[attr-defined]
    text = format_time_local(start, event.timezone)
    if len(event.days) > 1:
        return f"{format_date_long(start, event.timezone)}, {text}"
    return text


def _fill(
    event: Event,
    withdraw: WithdrawForm,
    cancel: CancelMeetingForm,
    absence: AbsenceForm,
    company: LateCompanyForm,
) -> None:
    people = agenda.scheduled_participants(event.id)
    withdraw.participant.choices = [(p.id, p.name) for p in people if p.role.value == "company"]
    cancel.request.choices = []
    # `rdv` (GET filter, or the hidden field of the cancellation form) narrows the ~900
    # meetings of a large event to those of the participants whose name contains it.
    chosen = cancel.request.data if isinstance(cancel.request.data, int) else None
    for wish, meeting in late_changes.cancellable_requests(
        event.id, request.values.get("rdv", ""), keep=chosen
    ):
        label = f"{wish.company.name} ↔ {wish.buyer.name}"
        if meeting is not None and meeting.slot is not None:
            table = meeting.location.name if meeting.location else ""
            label = f"{_when(event, meeting.slot)} · {table} · {label}"
        cancel.request.choices.append((wish.id, label))
    absence.participant.choices = [(p.id, p.name) for p in people]
    absence.kind.choices = [(k, str(v)) for k, v in KIND_LABELS.items()]
    absence.day.choices = [(d.date.isoformat(), format_date_long(d.date)) for d in event.days]
    company.organisation.choices = [(0, str(_l("Nouvelle entreprise (nom et SIRET ci-dessous)")))]
    company.organisation.choices += [
        (org.id, f"{org.name} ({org.siret})" if org.siret else org.name)
        for org in late_changes.joinable_companies(event.id)
    ]
    company.buyers.choices = [(b.id, b.name) for b in late_changes.buyers(event.id)]
    company.priority.choices = [(k, str(v)) for k, v in PRIORITY_LABELS.items()]


def _render(
    event: Event,
    *,
    withdraw: WithdrawForm | None = None,
    cancel: CancelMeetingForm | None = None,
    absence: AbsenceForm | None = None,
    company: LateCompanyForm | None = None,
) -> ResponseReturnValue:
    withdraw = withdraw or WithdrawForm(formdata=None)
    cancel = cancel or CancelMeetingForm(formdata=None)
    absence = absence or AbsenceForm(formdata=None)
    company = company or LateCompanyForm(formdata=None)
    _fill(event, withdraw, cancel, absence, company)
    if not company.is_submitted():
        company.priority.data = Priority.WANT.value
    if not absence.is_submitted():
        absence.kind.data = LEAVE
    published = schedules.published_version(event.id)
    reoptimise_form = ReoptimiseForm(formdata=None)
    reoptimise_form.time_limit.data = current_app.config["SCHEDULER_TIME_LIMIT"]
    job = agenda.latest_job(event.id)
    return render_template(
        "agenda/late.html",
        event=event,
        published=published,
        pending=late_changes.pending_since_publication(event.id),
        journal=late_changes.journal(event.id),
        withdraw_form=withdraw,
        cancel_form=cancel,
        absence_form=absence,
        company_form=company,
        reoptimise_form=reoptimise_form,
        running=job is not None and agenda.is_active(job),
        meeting_filter=request.values.get("rdv", "").strip(),
    )


def _url(event: Event) -> str:
    return url_for("agenda.late_changes", event_id=event.id)


def _refused(
    event: Event, form: object, error: LateChangeError, **forms: object
) -> ResponseReturnValue:
    """A service refusal: nothing written, the message on its field (or as the form's error)."""
    db.session.rollback()
    message = late_error(error)
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        flash(message, "danger")
    return _render(event, **forms)  # type: ignore[arg-type]


def _accepted(event: Event, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    published = schedules.published_version(event.id)
    if published is not None:
        flash(
            _(
                "Pour que le planning en tienne compte, réoptimisez la version publiée : "
                "un nouveau brouillon sera créé en déplaçant le moins de rendez-vous possible."
            ),
            "info",
        )
    return redirect(_url(event) + "#reoptimise-title")


@bp.get("/evenements/<int:event_id>/changements-tardifs", endpoint="late_changes")
@role_required(Role.ORGANISER)
def late_changes_page(event_id: int) -> ResponseReturnValue:
    """The page; `?annuler=<meeting id>` (from the published grid) preselects that meeting."""
    event = event_or_404(event_id)
    cancel = CancelMeetingForm(formdata=None)
    chosen = db.session.get(Meeting, request.args.get("annuler", type=int) or 0)
    published = schedules.published_version(event.id)
    if chosen is not None and published is not None and chosen.version_id == published.id:
        cancel.request.data = chosen.request_id
    return _render(event, cancel=cancel)


@bp.post("/evenements/<int:event_id>/changements-tardifs/retrait")
@role_required(Role.ORGANISER)
def late_withdraw(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = WithdrawForm()
    _fill(
        event,
        form,
        CancelMeetingForm(formdata=None),
        AbsenceForm(formdata=None),
        LateCompanyForm(formdata=None),
    )
    if not form.validate_on_submit():
        return _render(event, withdraw=form)
    try:
        outcome = late_changes.withdraw_company(
            event.id, int(form.participant.data), form.reason.data or "", actor_id=current_user.id
        )
    except LateChangeError as error:
        return _refused(event, form, error, withdraw=form)
    return _accepted(
        event,
        _(
            "Retrait enregistré. Demandes de rendez-vous annulées : %(n)s.",
            n=len(outcome.deactivated),
        ),
    )


@bp.post("/evenements/<int:event_id>/changements-tardifs/annulation")
@role_required(Role.ORGANISER)
def late_cancel(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = CancelMeetingForm()
    _fill(
        event,
        WithdrawForm(formdata=None),
        form,
        AbsenceForm(formdata=None),
        LateCompanyForm(formdata=None),
    )
    if not form.validate_on_submit():
        return _render(event, cancel=form)
    try:
        late_changes.cancel_meeting(
            event.id, int(form.request.data), form.reason.data or "", actor_id=current_user.id
        )
    except LateChangeError as error:
        return _refused(event, form, error, cancel=form)
    return _accepted(event, _("Annulation du rendez-vous enregistrée."))


def parse_time(value: str) -> time:
    """« 15:30 », « 15h30 », « 15 h 30 », « 1530 » → 15:30 (the form's pattern has matched)."""
    match = re.match(TIME_RE, value)
    if match is None:
        raise ValueError(value)
    return time(int(match.group(1)), int(match.group(2)))


@bp.post("/evenements/<int:event_id>/changements-tardifs/absence")
@role_required(Role.ORGANISER)
def late_absence(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = AbsenceForm()
    _fill(
        event,
        WithdrawForm(formdata=None),
        CancelMeetingForm(formdata=None),
        form,
        LateCompanyForm(formdata=None),
    )
    if not form.validate_on_submit():
        return _render(event, absence=form)
    try:
        outcome = late_changes.add_absence(
            event.id,
            int(form.participant.data),
            date.fromisoformat(str(form.day.data)),
            parse_time(form.at.data or ""),
            str(form.kind.data),
            form.reason.data or "",
            actor_id=current_user.id,
        )
    except LateChangeError as error:
        return _refused(event, form, error, absence=form)
    message = _("Indisponibilité enregistrée sur %(n)s créneau(x).", n=len(outcome.slots))
    if outcome.unlocked:
        message += " " + _(
            "Rendez-vous verrouillés pendant cette absence, déverrouillés pour pouvoir être "
            "déplacés : %(n)s.",
            n=len(outcome.unlocked),
        )
    return _accepted(event, message)


@bp.post("/evenements/<int:event_id>/changements-tardifs/entreprise")
@role_required(Role.ORGANISER)
def late_company(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = LateCompanyForm()
    _fill(
        event,
        WithdrawForm(formdata=None),
        CancelMeetingForm(formdata=None),
        AbsenceForm(formdata=None),
        form,
    )
    if not form.validate_on_submit():
        return _render(event, company=form)
    try:
        outcome = late_changes.add_late_company(
            event.id,
            organisation_id=int(form.organisation.data) or None,
            name=form.name.data or "",
            siret=form.siret.data or "",
            buyer_ids=[int(b) for b in form.buyers.data or ()],
            priority=Priority(str(form.priority.data)),
            reason=form.reason.data or "",
            actor_id=current_user.id,
        )
    except LateChangeError as error:
        return _refused(event, form, error, company=form)
    return _accepted(
        event,
        _("Entreprise ajoutée avec %(n)s demande(s) de rendez-vous.", n=len(outcome.created)),
    )


@bp.post("/evenements/<int:event_id>/changements-tardifs/reoptimiser")
@role_required(Role.ORGANISER)
def late_reoptimise(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = ReoptimiseForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(_url(event) + "#reoptimise-title")
    try:
        late_changes.reoptimise_published(
            event.id, time_limit=float(form.time_limit.data or 0), actor_id=current_user.id
        )
    except (LateChangeError, agenda.AgendaError, jobs.JobError) as error:
        db.session.rollback()
        if isinstance(error, LateChangeError):
            flash(late_error(error), "danger")
        elif isinstance(error, agenda.AgendaError):
            flash(agenda_error(error), "danger")
        else:
            flash(job_error(error), "danger")
        return redirect(_url(event) + "#reoptimise-title")
    db.session.commit()
    flash(
        _(
            "La réoptimisation est lancée à partir de la version publiée : un nouveau brouillon "
            "sera créé. Relisez « Ce qui change » avant de le publier."
        ),
        "success",
    )
    return redirect(url_for("agenda.overview", event_id=event.id))


# --------------------------------------------------------------------------- what changes


@bp.get("/versions/<int:version_id>/changements")
@role_required(Role.ORGANISER)
def changes(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    return render_template(
        "agenda/changes.html",
        version=version,
        event=version.event,
        summary=change_summary.summarise(version),
        editable=version.status in agenda.EDITABLE,
        action_form=ActionForm(),
    )


# --------------------------------------------------------------------------- follow-up


def _set_follow_up(version_id: int, meeting_id: int, flag: bool) -> ResponseReturnValue:
    version = version_or_404(version_id)
    form = ActionForm()
    back = safe_next(
        form.next.data, url_for("agenda.version", version_id=version.id) + "#unscheduled-title"
    )
    if form.validate_on_submit():
        try:
            follow_up.set_follow_up(version.id, meeting_id, flag, actor_id=current_user.id)
        except agenda.AgendaError as error:
            db.session.rollback()
            messages = {
                "not_unscheduled": _(
                    "Seule une demande non placée peut être suivie après l'événement."
                ),
            }
            flash(str(messages.get(str(error), agenda_error(error))), "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Demande notée pour un rendez-vous de suivi après l'événement : les "
                    "prochains calculs ne la placeront plus."
                )
                if flag
                else _(
                    "La demande n'est plus notée pour un suivi : les prochains calculs la "
                    "placeront si possible."
                ),
                "success",
            )
    return redirect(back)


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/suivi")
@role_required(Role.ORGANISER)
def mark_follow_up(version_id: int, meeting_id: int) -> ResponseReturnValue:
    return _set_follow_up(version_id, meeting_id, True)


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/suivi/retirer")
@role_required(Role.ORGANISER)
def unmark_follow_up(version_id: int, meeting_id: int) -> ResponseReturnValue:
    return _set_follow_up(version_id, meeting_id, False)


@bp.get("/evenements/<int:event_id>/suivis")
@role_required(Role.ORGANISER)
def follow_ups(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    return render_template(
        "agenda/follow_up.html",
        event=event,
        lines=follow_up.lines(event.id),
        priority_labels=PRIORITY_LABELS,
    )


@bp.get("/evenements/<int:event_id>/suivis.<fmt>")
@role_required(Role.ORGANISER)
def follow_ups_export(event_id: int, fmt: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = follow_up.rows(event.id)
    if fmt == "csv":
        body = transfers.to_csv(header, rows)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = transfers.to_xlsx("Suivis", header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"suivis-evenement-{event.id}.{fmt}"
    return Response(
        body,
        content_type=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
