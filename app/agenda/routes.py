"""The organiser's agenda pages: runs, progress, review grid, locks, publication.

Routes validate input, call one service, commit, then redirect (PRG) or render. The figures
come from `app.services.agenda`; the solver runs in a background job (`app.services.agenda.jobs`).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.agenda.common import agenda_error, event_or_404, job_error, version_or_404
from app.agenda.forms import ActionForm, GenerateForm, ReoptimiseForm
from app.auth.access import role_required
from app.extensions import db
from app.models import (
    Event,
    JobKind,
    JobStatus,
    Role,
    ScheduleVersion,
    SchedulingJob,
    VersionStatus,
)
from app.redirects import safe_next
from app.services import agenda
from app.services.agenda import change_summary, jobs, schedules

bp = Blueprint("agenda", __name__, url_prefix="/organisation")


JOB_STATUS = {
    "queued": _l("En attente d'un calculateur"),
    "running": _l("Calcul en cours"),
    "succeeded": _l("Calcul terminé"),
    "failed": _l("Échec du calcul"),
}
JOB_KIND = {"generate": _l("Génération"), "reoptimise": _l("Réoptimisation")}
FAILURES = {
    "infeasible": _l(
        "Aucun planning ne respecte toutes les règles obligatoires : allégez les contraintes "
        "(rendez-vous obligatoires, indisponibilités, plafonds de rendez-vous)."
    ),
    "unknown": _l(
        "Aucun planning n'a été trouvé dans le temps imparti : relancez avec une limite de "
        "temps plus longue."
    ),
    "crash": _l("Le calcul s'est arrêté sur une erreur inattendue."),
    "worker_stopped": _l("Le calcul a été interrompu (redémarrage du serveur) : relancez-le."),
    "other": _l("Le calcul a échoué."),
}


def _show_error(form: GenerateForm | ReoptimiseForm, message: str, *, on_field: bool) -> None:
    """A problem with the time limit goes next to the field; anything else is a flash."""
    if on_field:
        form.time_limit.errors.append(message)
    else:
        flash(message, "danger")


def job_payload(job: SchedulingJob) -> dict[str, Any]:
    """What the progress bar needs, for the page and for the JSON endpoint."""
    failure = agenda.failure_kind(job)
    return {
        "id": job.id,
        "kind": job.kind.value,
        "kind_label": str(JOB_KIND[job.kind.value]),
        "status": job.status.value,
        "status_label": str(JOB_STATUS[job.status.value]),
        "active": agenda.is_active(job),
        "progress": round(job.progress, 3),
        "percent": round(job.progress * 100),
        "message": job.message,
        "reason": agenda.job_reason(job) if failure else "",
        "explanation": str(FAILURES[failure]) if failure else "",
        # The sentence the page's aria-live region announces when the run ends.
        "live_text": _("Le calcul est terminé.")
        if job.status is JobStatus.SUCCEEDED
        else (str(FAILURES[failure]) if failure else ""),
        "version_url": url_for("agenda.version", version_id=job.version_id)
        if job.version_id
        else None,
        "url": url_for("agenda.job_status", job_id=job.id),
    }


def _render_overview(event: Event, form: GenerateForm) -> str:
    job = agenda.latest_job(event.id)
    return render_template(
        "agenda/overview.html",
        event=event,
        form=form,
        versions=agenda.versions(event.id),
        job=job_payload(job) if job is not None else None,
    )


@bp.route("/evenements/<int:event_id>/planning", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def overview(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = GenerateForm()
    if form.validate_on_submit():
        try:
            jobs.enqueue(
                event.id,
                JobKind.GENERATE,
                time_limit=float(form.time_limit.data or 0),
                actor_id=current_user.id,
            )
        except jobs.JobError as error:
            db.session.rollback()
            _show_error(form, job_error(error), on_field=str(error) == "time_limit")
        else:
            db.session.commit()
            flash(_("Le calcul du planning est lancé."), "success")
            return redirect(url_for("agenda.overview", event_id=event.id))
    elif not form.is_submitted():
        form.time_limit.data = current_app.config["SCHEDULER_TIME_LIMIT"]
    return _render_overview(event, form)


@bp.get("/jobs/<int:job_id>.json")
@role_required(Role.ORGANISER)
def job_status(job_id: int) -> ResponseReturnValue:
    job = db.session.get(SchedulingJob, job_id)
    if job is None:
        abort(404)
    response = jsonify(job_payload(job))
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_version(version: ScheduleVersion, reoptimise_form: ReoptimiseForm) -> str:
    comparison = agenda.compare(version)
    if not reoptimise_form.is_submitted():
        reoptimise_form.time_limit.data = current_app.config["SCHEDULER_TIME_LIMIT"]
    job = agenda.latest_job(version.event_id)
    return render_template(
        "agenda/version.html",
        version=version,
        event=version.event,
        grid=agenda.build_grid(version, comparison),
        comparison=comparison,
        summary=change_summary.summarise(version)
        if version.status in agenda.EDITABLE and comparison.reference_id is not None
        else None,
        fairness=agenda.fairness(version),
        unscheduled=agenda.unscheduled(version),
        participants=agenda.scheduled_participants(version.event_id),
        editable=version.status in agenda.EDITABLE,
        reoptimisable=version.status in agenda.REOPTIMISABLE,
        reoptimise_form=reoptimise_form,
        action_form=ActionForm(),
        job=job_payload(job) if job is not None and agenda.is_active(job) else None,
    )


@bp.get("/versions/<int:version_id>")
@role_required(Role.ORGANISER)
def version(version_id: int) -> ResponseReturnValue:
    return _render_version(version_or_404(version_id), ReoptimiseForm(formdata=None))


@bp.get("/versions/<int:version_id>/participants/<int:participant_id>")
@role_required(Role.ORGANISER)
def participant(version_id: int, participant_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    day = agenda.participant_agenda(version, participant_id)
    if day is None:
        abort(404)
    return render_template(
        "agenda/participant.html",
        version=version,
        event=version.event,
        day=day,
        editable=version.status in agenda.EDITABLE,
        action_form=ActionForm(),
    )


@bp.post("/versions/<int:version_id>/publier")
@role_required(Role.ORGANISER)
def publish(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            changes = agenda.publish(version.id, actor_id=current_user.id)
        except (agenda.AgendaError, schedules.ScheduleError) as error:
            db.session.rollback()
            flash(
                agenda_error(error)
                if isinstance(error, agenda.AgendaError)
                else _("Cette version ne peut pas être publiée."),
                "danger",
            )
        else:
            db.session.commit()
            flash(
                _(
                    # Figures after a colon: no plural agreement to get wrong ("1 déplacés").
                    "Version %(n)s publiée. Par rapport à l'agenda publié précédent, rendez-vous "
                    "ajoutés : %(added)s, déplacés : %(moved)s, retirés : %(removed)s.",
                    n=version.number,
                    added=changes.count("added"),
                    moved=changes.count("moved"),
                    removed=changes.count("removed"),
                ),
                "success",
            )
    return redirect(url_for("agenda.version", version_id=version.id))


def _set_locked(version_id: int, meeting_id: int, locked: bool) -> ResponseReturnValue:
    version = version_or_404(version_id)
    form = ActionForm()
    back = safe_next(form.next.data, url_for("agenda.version", version_id=version.id))
    if form.validate_on_submit():
        try:
            agenda.set_locked(version.id, meeting_id, locked, actor_id=current_user.id)
        except agenda.AgendaError as error:
            db.session.rollback()
            flash(agenda_error(error), "danger")
        else:
            db.session.commit()
            flash(
                _("Rendez-vous verrouillé : il restera en place lors des réoptimisations.")
                if locked
                else _("Rendez-vous déverrouillé."),
                "success",
            )
    return redirect(back)


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/verrouiller")
@role_required(Role.ORGANISER)
def lock(version_id: int, meeting_id: int) -> ResponseReturnValue:
    return _set_locked(version_id, meeting_id, True)


@bp.post("/versions/<int:version_id>/rendez-vous/<int:meeting_id>/deverrouiller")
@role_required(Role.ORGANISER)
def unlock(version_id: int, meeting_id: int) -> ResponseReturnValue:
    return _set_locked(version_id, meeting_id, False)


@bp.post("/versions/<int:version_id>/reoptimiser")
@role_required(Role.ORGANISER)
def reoptimise(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id)
    form = ReoptimiseForm()
    if not form.validate_on_submit():
        return _render_version(version, form)
    try:
        agenda.reoptimise(
            version.id, time_limit=float(form.time_limit.data or 0), actor_id=current_user.id
        )
    except (agenda.AgendaError, jobs.JobError) as error:
        db.session.rollback()
        if isinstance(error, agenda.AgendaError):
            _show_error(form, agenda_error(error), on_field=False)
        else:
            _show_error(form, job_error(error), on_field=str(error) == "time_limit")
        return _render_version(version, form)
    db.session.commit()
    flash(_("La réoptimisation est lancée : un nouveau brouillon sera créé."), "success")
    return redirect(url_for("agenda.overview", event_id=version.event_id))


# Statuses shown as words (and colours) in the templates.
VERSION_STATUS = {
    VersionStatus.DRAFT: (_l("Brouillon"), "secondary"),
    VersionStatus.PUBLISHED: (_l("Publiée"), "success"),
    VersionStatus.SUPERSEDED: (_l("Remplacée"), "light"),
    VersionStatus.DISCARDED: (_l("Abandonnée"), "light"),
}


@bp.app_template_global("version_status_label")
def version_status_label(status: VersionStatus) -> tuple[str, str]:
    label, colour = VERSION_STATUS[status]
    return str(label), colour
