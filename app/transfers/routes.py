"""CSV/XLSX imports with a dry run, and CSV/XLSX exports, for organisers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.models import Event, Role
from app.services import transfers as service
from app.transfers.forms import ImportForm

bp = Blueprint("transfers", __name__)

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


@bp.route("/evenements/<int:event_id>/import/<kind>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def import_file(event_id: int, kind: str) -> ResponseReturnValue:
    if kind not in service.KINDS:
        abort(404)
    event = _event(event_id)
    form = ImportForm()
    outcome = None
    messages: list[str] = []
    filename = ""
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "import.csv"
        data = upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            form.file.errors.append(_("Le fichier dépasse 5 Mo."))
        else:
            report = service.read(data, filename, kind)
            outcome = service.import_rows(event.id, kind, report, actor_id=current_user.id)
            messages = [service.error_message(e) for e in outcome.errors]
            if outcome.ok and not form.dry_run.data:
                db.session.commit()
                flash(
                    _(
                        "Import terminé : %(c)s créées, %(u)s mises à jour.",
                        c=len(outcome.created),
                        u=len(outcome.updated),
                    ),
                    "success",
                )
                flash(
                    ngettext(
                        "Fichier %(name)s\u202f: %(num)s ligne lue, aucune rejetée.",
                        "Fichier %(name)s\u202f: %(num)s lignes lues, aucune rejetée.",
                        outcome.lines_read,
                        name=filename,
                    ),
                    "info",
                )
                return redirect(url_for("selection.index", event_id=event.id))
            db.session.rollback()  # a dry run, or any bad line: nothing is written
    return render_template(
        "transfers/import.html",
        event=event,
        kind=kind,
        form=form,
        outcome=outcome,
        messages=messages,
        filename=filename,
        dry_run=bool(form.dry_run.data),
    ), (400 if outcome is not None and not outcome.ok else 200)


@bp.get("/evenements/<int:event_id>/export/<kind>.<fmt>")
@role_required(Role.ORGANISER)
def export(event_id: int, kind: str, fmt: str) -> ResponseReturnValue:
    event = _event(event_id)
    if kind == "candidatures":
        header, rows = service.application_rows(event.id)
    elif kind == "demandes":
        header, rows = service.request_rows(event.id)
    elif kind == "planning":
        try:
            header, rows = service.agenda_rows(event.id, request.args.get("version", type=int))
        except LookupError:
            abort(404)
    else:
        abort(404)
    name = f"{kind}-evenement-{event.id}.{fmt}"
    if fmt == "csv":
        body = service.to_csv(header, rows)
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = service.to_xlsx(kind, header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
