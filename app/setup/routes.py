"""Organisers set events up: the event, days and slot grid, tables and rooms, participants'
scheduling settings and workshops.

Routes are thin: they validate the form, call one function of `app.services.setup` (or
`app.services.selection` for workshops), commit, then redirect (PRG) or re-render the form
with French errors. A refused change (`SetupError`) is rolled back and explained.
"""

from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import role_required
from app.extensions import db
from app.i18n import format_date_long, format_time_local, format_wall_time, to_local
from app.models import Event, EventDay, EventStatus, LocationKind, ParticipantRole, Role
from app.selection.forms import WorkshopForm, fill_workshop_choices
from app.services import selection as selection_service
from app.services import setup as service
from app.services.setup import DaySpec, EventData, PauseSpec, SetupError
from app.setup.forms import (
    ConfirmForm,
    DayForm,
    EventForm,
    LocationForm,
    ParticipantsForm,
    StatusForm,
    TablesForm,
)

bp = Blueprint("setup", __name__, url_prefix="/organisation/evenements")

S = EventStatus
# The button of each manual step (service.TRANSITIONS), forward and back.
STATUS_ACTIONS = {
    (S.DRAFT, S.OPEN): _l("Ouvrir les candidatures"),
    (S.OPEN, S.SELECTION): _l("Clore les candidatures et passer à la sélection"),
    (S.OPEN, S.DRAFT): _l("Repasser en brouillon"),
    (S.SELECTION, S.SCHEDULING): _l("Passer à la préparation du planning"),
    (S.SELECTION, S.OPEN): _l("Rouvrir les candidatures"),
    (S.SCHEDULING, S.SELECTION): _l("Revenir à la sélection"),
    (S.PUBLISHED, S.CLOSED): _l("Clore l'événement"),
    (S.CLOSED, S.PUBLISHED): _l("Rouvrir l'événement"),
}


@bp.app_template_filter("wall_time")
def wall_time(value: time) -> str:
    """A wall-clock time of the grid: « 14 h 20 » in French, « 2:20 PM » in English."""
    return format_wall_time(value)


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _hm(value: str) -> str:
    """The service's « 14:20 » parameters written as the pages write times."""
    return wall_time(datetime.strptime(value, "%H:%M").time())


def _setup_message(error: SetupError, event: Event | None = None) -> str:
    p = error.params
    messages: dict[str, Any] = {
        "not_found": lambda: _("Cet élément n'existe pas ou plus."),
        "title_required": lambda: _("Indiquez le titre de l'événement."),
        "bad_timezone": lambda: _(
            "Fuseau horaire inconnu : indiquez un nom IANA comme Europe/Paris."
        ),
        "clock_change": lambda: _(
            "L'heure %(at)s n'existe pas ou existe deux fois ce jour-là (changement d'heure) : "
            "choisissez une autre heure.",
            at=_hm(p["at"]),
        ),
        "timezone_in_use": lambda: _(
            "Le fuseau horaire ne peut plus changer : des créneaux sont déjà utilisés "
            "(planning, indisponibilités ou ateliers)."
        ),
        "bad_transition": lambda: _("Ce changement d'étape n'est pas possible."),
        "no_slots": lambda: _(
            "Ajoutez au moins une journée et ses créneaux avant d'ouvrir les candidatures."
        ),
        "has_participants": lambda: _(
            "L'événement a déjà %(n)s participant(s) : il ne peut plus redevenir un brouillon.",
            n=p["n"],
        ),
        "grid_order": lambda: _("La fin de la journée doit suivre son début."),
        "slot_length": lambda: _("Un créneau dure entre 5 et 240 minutes."),
        "pause_order": lambda: _(
            "La pause de %(start)s finit avant de commencer.", start=_hm(p["start"])
        ),
        "pause_outside": lambda: _(
            "La pause de %(start)s déborde de la journée.", start=_hm(p["start"])
        ),
        "pause_overlap": lambda: _(
            "La pause de %(start)s chevauche une autre pause.", start=_hm(p["start"])
        ),
        "no_slot": lambda: _("Aucun créneau ne tient dans cette journée : allongez-la."),
        "day_exists": lambda: _("Cette date a déjà sa journée : modifiez-la plutôt."),
        "slots_booked": lambda: _(
            "Refusé, rien n'a changé : des créneaux à supprimer sont utilisés par un planning "
            "(%(versions)s). Un planning fait partie du dossier de l'événement et n'est jamais "
            "réécrit par un changement de grille ; vous pouvez seulement ajouter des créneaux.",
            versions=_versions(p["use"]),
        ),
        "confirm_losses": lambda: _(
            "Des créneaux à supprimer sont utilisés : cochez la confirmation pour les "
            "supprimer avec ce qui s'y rattache."
        ),
        "name_required": lambda: _("Indiquez un nom."),
        "name_taken": lambda: _("Ce nom est déjà pris : %(name)s.", name=p["name"]),
        "bad_count": lambda: _("Nombre de tables invalide."),
        "location_in_use": lambda: _(
            "« %(name)s » est utilisé (%(use)s) : rien n'a changé.",
            name=p["name"],
            use=_location_use(p.get("use")),
        ),
    }
    make = messages.get(error.code)
    return str(make()) if make else _("La modification a été refusée.")


def _versions(use: service.SlotUse) -> str:
    labels = {
        "draft": _("brouillon"),
        "published": _("publiée"),
        "superseded": _("remplacée"),
        "discarded": _("abandonnée"),
    }
    return ", ".join(
        _("version %(n)s %(status)s : %(count)s activité(s)", n=n, status=labels[s], count=c)
        for n, s, c in use.versions
    )


def _location_use(use: service.LocationUse | None) -> str:
    if use is None:
        return _("planning ou table gardée")
    parts = []
    if use.versions:
        parts.append(
            _("rendez-vous dans les versions %(v)s", v=", ".join(str(v) for v in use.versions))
        )
    if use.pinned_by:
        parts.append(_("table gardée par %(names)s", names=", ".join(use.pinned_by)))
    if use.workshops:
        parts.append(_("salle de l'atelier %(names)s", names=", ".join(use.workshops)))
    return "\u202f; ".join(parts)


# --------------------------------------------------------------------------- the event


def _event_data(form: EventForm) -> EventData:
    return EventData(
        title=form.title.data or "",
        description=form.description.data or "",
        venue=form.venue.data or "",
        timezone=(form.timezone.data or "").strip(),
        deadline_local=form.application_deadline.data,
        contact_email=form.contact_email.data or None,
    )


def _event_form_page(
    form: EventForm, event: Event | None, status: int = 200
) -> ResponseReturnValue:
    return render_template("setup/event_form.html", form=form, event=event), status


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def create_event() -> ResponseReturnValue:
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = service.create_event(
                _event_data(form),
                organisation_id=current_user.organisation_id,
                actor_id=current_user.id,
            )
        except SetupError as error:
            db.session.rollback()
            target = form.timezone if error.code == "bad_timezone" else form.application_deadline
            target.errors.append(_setup_message(error))
            return _event_form_page(form, None, 400)
        db.session.commit()
        flash(_("Événement « %(t)s » créé en brouillon.", t=event.title), "success")
        return redirect(url_for("setup.overview", event_id=event.id))
    return _event_form_page(form, None, 400 if form.errors else 200)


@bp.route("/<int:event_id>/parametres/evenement", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_event(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    if request.method == "GET":
        form = EventForm(obj=event)
        if event.application_deadline is not None:
            form.application_deadline.data = to_local(
                event.application_deadline, event.timezone
            ).replace(tzinfo=None)
    else:
        form = EventForm()
    if form.validate_on_submit():
        try:
            service.update_event(event.id, _event_data(form), actor_id=current_user.id)
        except SetupError as error:
            db.session.rollback()
            timezone_error = error.code in ("timezone_in_use", "bad_timezone")
            target = form.timezone if timezone_error else form.application_deadline
            target.errors.append(_setup_message(error, event))
            return _event_form_page(form, event, 400)
        db.session.commit()
        flash(_("Événement enregistré."), "success")
        return redirect(url_for("setup.overview", event_id=event.id))
    return _event_form_page(form, event, 400 if form.errors else 200)


@bp.get("/<int:event_id>/parametres")
@role_required(Role.ORGANISER)
def overview(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    participants = service.scheduling_participants(event.id)
    buyers = [p for p in participants if p.role is ParticipantRole.BUYER]
    return render_template(
        "setup/overview.html",
        event=event,
        actions=[(s, STATUS_ACTIONS[event.status, s]) for s in service.TRANSITIONS[event.status]],
        status_form=StatusForm(),
        tables=[loc for loc in event.locations if loc.kind is LocationKind.TABLE],
        rooms=[loc for loc in event.locations if loc.kind is LocationKind.ROOM],
        buyers=buyers,
        pinned=sum(1 for b in buyers if b.location_id is not None),
        companies=len(participants) - len(buyers),
    )


@bp.post("/<int:event_id>/parametres/etape")
@role_required(Role.ORGANISER)
def change_status(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        target = EventStatus(form.status.data)
        service.change_status(event.id, target, actor_id=current_user.id)
    except ValueError:
        abort(400)
    except SetupError as error:
        db.session.rollback()
        flash(_setup_message(error, event), "danger")
        return redirect(url_for("setup.overview", event_id=event.id))
    db.session.commit()
    flash(_("Étape de l'événement modifiée."), "success")
    return redirect(url_for("setup.overview", event_id=event.id))


# --------------------------------------------------------------------------- days and slots


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
    event = _event(event_id)
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
        return _day_page(event, form, day, error=_setup_message(error, event), status=400)
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
            form.confirm.errors.append(_setup_message(error, event))
            return _day_page(event, form, day, preview=preview, status=400)
        return _day_page(event, form, day, preview, error=_setup_message(error, event), status=409)
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
    event = _event(event_id)
    form = DayForm()
    if form.validate_on_submit():
        return _save_day(event, form, None)
    return _day_page(event, form, None, status=400 if form.errors else 200)


@bp.route("/<int:event_id>/parametres/journees/<int:day_id>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_day(event_id: int, day_id: int) -> ResponseReturnValue:
    event = _event(event_id)
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
    event = _event(event_id)
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
        flash(_setup_message(error, event), "danger")
        return redirect(url_for("setup.days", event_id=event.id))
    db.session.commit()
    flash(_("Journée supprimée avec ses créneaux."), "success")
    return redirect(url_for("setup.days", event_id=event.id))


# --------------------------------------------------------------------------- tables and rooms


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
            describe_use=_location_use,
        ),
        status,
    )


@bp.route("/<int:event_id>/parametres/lieux", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def locations(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
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
        form.name.errors.append(_setup_message(error, event))
        return _locations_page(event, form=form, status=400)
    db.session.commit()
    flash(_("« %(name)s » ajouté.", name=location.name), "success")
    return redirect(url_for("setup.locations", event_id=event.id))


@bp.post("/<int:event_id>/parametres/lieux/tables")
@role_required(Role.ORGANISER)
def add_tables(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
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
        form.first.errors.append(_setup_message(error, event))
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
    event = _event(event_id)
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
            field.errors.append(_setup_message(error, event))
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
    event = _event(event_id)
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
    event = _event(event_id)
    location = _location(event, location_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    name = location.name
    try:
        service.delete_location(event.id, location.id, actor_id=current_user.id)
    except SetupError as error:
        db.session.rollback()
        flash(_setup_message(error, event), "danger")
        return redirect(url_for("setup.locations", event_id=event.id))
    db.session.commit()
    flash(_("« %(name)s » supprimé.", name=name), "success")
    return redirect(url_for("setup.locations", event_id=event.id))


# --------------------------------------------------------------------------- participants

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
    event = _event(event_id)
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


# --------------------------------------------------------------------------- workshops

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
    event = _event(event_id)
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
