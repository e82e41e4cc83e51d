"""Print pages of a schedule version: organisers print any version, participants their own.

Routes only check who may see what, then render what `app.services.printing` computed. The
pages are ordinary HTML with a print stylesheet (static/css/print.css): the browser's own
"Print" makes the paper or the PDF, so no PDF library is needed.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.auth.access import role_required
from app.models import Role, ScheduleVersion
from app.services import agenda, calendars, printing

bp = Blueprint("printing", __name__)


def _version_or_404(version_id: int) -> ScheduleVersion:
    version = agenda.get_version(version_id)
    if version is None:
        abort(404)
    return version


def _render_sheets(
    version: ScheduleVersion, sheets: tuple[printing.ParticipantSheet, ...], *, single: bool
) -> str:
    return render_template(
        "printing/participants.html",
        version=version,
        event=version.event,
        head=printing.header(version),
        sheets=sheets,
        single=single,
        organiser_view=True,
    )


@bp.get("/organisation/versions/<int:version_id>/impression/participants")
@role_required(Role.ORGANISER)
def participants(version_id: int) -> ResponseReturnValue:
    """Every participant's sheet, one page each, in one document."""
    version = _version_or_404(version_id)
    return _render_sheets(version, printing.participant_sheets(version), single=False)


@bp.get("/organisation/versions/<int:version_id>/impression/participants/<int:participant_id>")
@role_required(Role.ORGANISER)
def participant(version_id: int, participant_id: int) -> ResponseReturnValue:
    version = _version_or_404(version_id)
    sheet = printing.participant_sheet(version, participant_id)
    if sheet is None:
        abort(404)
    return _render_sheets(version, (sheet,), single=True)


@bp.get("/organisation/versions/<int:version_id>/impression/tables")
@role_required(Role.ORGANISER)
def tables(version_id: int) -> ResponseReturnValue:
    """One sheet per table and day, to stick on the tables."""
    version = _version_or_404(version_id)
    return render_template(
        "printing/tables.html",
        version=version,
        event=version.event,
        head=printing.header(version),
        sheets=printing.table_sheets(version),
    )


@bp.get("/organisation/versions/<int:version_id>/impression/grille")
@role_required(Role.ORGANISER)
def grid(version_id: int) -> ResponseReturnValue:
    """The whole grid on landscape pages, a few tables per page."""
    version = _version_or_404(version_id)
    return render_template(
        "printing/grid.html",
        version=version,
        event=version.event,
        head=printing.header(version),
        pages=printing.grid_pages(version),
    )


@bp.get("/evenements/<int:event_id>/mon-agenda/imprimer")
@role_required(Role.COMPANY, Role.BUYER)
def my_agenda(event_id: int) -> ResponseReturnValue:
    """The logged-in participant's own sheet, from the published version only."""
    participant = calendars.participation(current_user, event_id)
    version = printing.published_version(event_id) if participant is not None else None
    if participant is None or version is None:
        abort(404)
    sheet = printing.participant_sheet(version, participant.id)
    if sheet is None:  # cannot happen: the participation belongs to the event
        abort(404)
    return render_template(
        "printing/participants.html",
        version=version,
        event=version.event,
        head=printing.header(version),
        sheets=(sheet,),
        single=True,
        organiser_view=False,
    )
