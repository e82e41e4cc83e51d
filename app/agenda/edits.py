"""Manual edits of a draft agenda: one page per meeting, and POST endpoints to move it, swap
it with another meeting, place an unscheduled one, or remove it with a reason.

The checks live in `app.services.agenda_edits` (validator, locks, read-only versions); this
module turns their refusals and warnings into French sentences, commits accepted edits, and
rolls back anything refused, including a clash the database itself refuses (never a 500).
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda.common import agenda_error, version_or_404
from app.agenda.forms import ActionForm, PlaceForm, RemoveForm, SwapForm
from app.agenda.routes import bp
from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_date_long, format_time_local
from app.models import LocationKind, Meeting, MeetingStatus, Role, ScheduleVersion, Slot
from app.services import agenda
from app.services.agenda import agenda_edits
from app.services.agenda.agenda_edits import Problem, Warning_


def problem_sentence(problem: Problem, tz: str | None = None) -> str:
    """One broken hard rule as a French sentence naming who, which table and when."""
    p = problem
    slot = db.session.get(Slot, p.slot_id) if p.slot_id is not None else None
    if slot is not None:
        # The page's own time format (« 14 h 20 », or « 2:20 PM » in English).
        p = replace(p, time=format_time_local(slot.starts_at, tz))
    if p.rule == "participant_conflict":
        if p.other:
            return _(
                "%(who)s participe déjà à l'atelier « %(other)s » à %(time)s.",
                who=p.who,
                other=p.other,
                time=p.time,
            )
        return _("%(who)s a déjà un rendez-vous à %(time)s.", who=p.who, time=p.time)
    sentences = {
        "location_conflict": _(
            "La table %(table)s est déjà occupée à %(time)s.", table=p.table, time=p.time
        ),
        "unavailable": _("%(who)s n'est pas disponible à %(time)s.", who=p.who, time=p.time),
        "max_meetings": _("%(who)s dépasserait son nombre maximal de rendez-vous.", who=p.who),
        "pinned_location": _(
            "%(who)s reçoit uniquement à sa table, %(table)s.", who=p.who, table=p.table
        ),
        "session": _(
            "Ce rendez-vous est réservé à une autre demi-journée que celle de %(time)s.",
            time=p.time,
        ),
        "fixed_slot": _("Ce rendez-vous est fixé à un autre créneau que %(time)s.", time=p.time),
        "fixed_location": _(
            "Ce rendez-vous est fixé à une autre table que %(table)s.", table=p.table
        ),
        "required_unscheduled": _("Ce rendez-vous est obligatoire : il doit rester au planning."),
        "precedence": _("L'ordre imposé entre ces rendez-vous ne serait plus respecté."),
    }
    return str(sentences.get(p.rule, _("Règle non respectée : %(message)s", message=p.message)))


def warning_sentence(warning: Warning_) -> str:
    if warning.kind == "breaks":
        return _(
            "Modification enregistrée, mais le nombre total de temps morts entre rendez-vous "
            "passe de %(before)s à %(after)s.",
            before=warning.before,
            after=warning.after,
        )
    return _(
        "Modification enregistrée, mais en dessous de leur minimum de rendez-vous : %(names)s.",
        names=", ".join(warning.names),
    )


def _edit_error(error: agenda.AgendaError) -> str:
    messages = {
        "locked": _("Ce rendez-vous est verrouillé : déverrouillez-le avant de le modifier."),
        "not_scheduled": _("Ce rendez-vous n'est pas placé : placez-le d'abord."),
        "not_unscheduled": _("Ce rendez-vous est déjà placé : déplacez-le plutôt."),
        "inactive_request": _("La demande de ce rendez-vous n'est plus active."),
        "unknown_slot": _("Ce créneau n'appartient pas à cet événement."),
        "unknown_table": _("Cette table n'appartient pas à cet événement."),
        "same_place": _("Le rendez-vous est déjà à ce créneau et à cette table."),
        "same_meeting": _("Choisissez un autre rendez-vous que celui-ci."),
        "reason_required": _("Indiquez la raison du retrait."),
        "database_conflict": _(
            "La base de données a refusé la modification (un participant ou une table serait "
            "pris deux fois) : rien n'a été changé. Rechargez la page et réessayez."
        ),
    }
    key = str(error)
    return str(messages[key]) if key in messages else agenda_error(error)


def _label(meeting: Meeting) -> str:
    company, buyer = agenda.meeting_sides(meeting)
    return f"{agenda.participant_name(company)} ↔ {agenda.participant_name(buyer)}"


def _meeting_or_404(version: ScheduleVersion, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        abort(404)
    return meeting


def _fill_choices(
    version: ScheduleVersion, meeting: Meeting, place: PlaceForm, swap: SwapForm
) -> None:
    event = version.event
    tz = event.timezone
    several_days = len({s.local_start().date() for s in event.slots}) > 1

    def when(slot: object) -> str:
        start = slot.starts_at  # type: ignore[attr-defined]
        text = format_time_local(start, tz)
        return f"{format_date_long(start, tz)}, {text}" if several_days else text

    place.slot.choices = [(s.id, when(s)) for s in event.slots]
    place.table.choices = [
        (loc.id, loc.name) for loc in event.locations if loc.kind is LocationKind.TABLE
    ]
    others = sorted(
        (m for m in agenda_edits.movable(version) if m.id != meeting.id and m.slot is not None),
        key=lambda m: (m.slot.starts_at if m.slot else 0, m.location_id or 0),
    )
    swap.other.choices = [
        (m.id, f"{when(m.slot)} · {m.location.name if m.location else ''} · {_label(m)}")
        for m in others
    ]


def _render(
    version: ScheduleVersion,
    meeting: Meeting,
    place: PlaceForm | None = None,
    swap: SwapForm | None = None,
    remove: RemoveForm | None = None,
) -> str:
    place = place or PlaceForm(formdata=None)
    swap = swap or SwapForm(formdata=None)
    remove = remove or RemoveForm(formdata=None)
    _fill_choices(version, meeting, place, swap)
    if not place.is_submitted() or place.slot.data is None:
        place.slot.data = meeting.slot_id
        place.table.data = meeting.location_id
    return render_template(
        "agenda/edit.html",
        version=version,
        event=version.event,
        meeting=meeting,
        label=_label(meeting),
        editable=version.status in agenda.EDITABLE,
        scheduled=meeting.status is MeetingStatus.SCHEDULED,
        place_form=place,
        swap_form=swap,
        remove_form=remove,
        action_form=ActionForm(),
    )


def _done(
    version: ScheduleVersion, outcome: agenda_edits.EditOutcome, message: str
) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    for warning in outcome.warnings:
        flash(warning_sentence(warning), "warning")
    return redirect(url_for("agenda.version", version_id=version.id) + "#grid-title")


def _refused(
    version: ScheduleVersion, meeting: Meeting, error: agenda.AgendaError
) -> ResponseReturnValue:
    db.session.rollback()
    if isinstance(error, agenda_edits.EditRefused):
        flash(
            _("Modification refusée :")
            + " "
            + " ".join(problem_sentence(p, version.event.timezone) for p in error.problems),
            "danger",
        )
    else:
        flash(_edit_error(error), "danger")
    return redirect(url_for("agenda.edit_meeting", version_id=version.id, meeting_id=meeting.id))


@bp.get("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/modifier")
@role_required(Role.ORGANISER)
def edit_meeting(version_id: int, meeting_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    return _render(version, _meeting_or_404(version, meeting_id))


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/deplacer")
@role_required(Role.ORGANISER)
def move_meeting(version_id: int, meeting_id: int) -> ResponseReturnValue:
    """Move a scheduled meeting, or place an unscheduled one (same form)."""
    version = version_or_404(version_id)
    meeting = _meeting_or_404(version, meeting_id)
    form = PlaceForm()
    _fill_choices(version, meeting, form, SwapForm(formdata=None))
    if not form.validate_on_submit():
        return _render(version, meeting, place=form)
    placing = meeting.status is MeetingStatus.UNSCHEDULED
    edit = agenda_edits.add if placing else agenda_edits.move
    try:
        outcome = edit(
            version.id,
            meeting.id,
            int(form.slot.data),
            int(form.table.data),
            actor_id=current_user.id,
        )
    except agenda.AgendaError as error:
        return _refused(version, meeting, error)
    return _done(
        version,
        outcome,
        _("Rendez-vous placé.") if placing else _("Rendez-vous déplacé."),
    )


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/echanger")
@role_required(Role.ORGANISER)
def swap_meeting(version_id: int, meeting_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    meeting = _meeting_or_404(version, meeting_id)
    form = SwapForm()
    _fill_choices(version, meeting, PlaceForm(formdata=None), form)
    if not form.validate_on_submit():
        return _render(version, meeting, swap=form)
    try:
        outcome = agenda_edits.swap(
            version.id, meeting.id, int(form.other.data), actor_id=current_user.id
        )
    except agenda.AgendaError as error:
        return _refused(version, meeting, error)
    return _done(version, outcome, _("Les deux rendez-vous ont échangé leurs places."))


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/retirer")
@role_required(Role.ORGANISER)
def remove_meeting(version_id: int, meeting_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    meeting = _meeting_or_404(version, meeting_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        return _render(version, meeting, remove=form)
    try:
        outcome = agenda_edits.remove(
            version.id, meeting.id, form.reason.data or "", actor_id=current_user.id
        )
    except agenda.AgendaError as error:
        return _refused(version, meeting, error)
    return _done(version, outcome, _("Rendez-vous retiré du planning."))
