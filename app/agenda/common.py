"""What the agenda blueprint's view modules share: lookups that answer 404 and the French
sentences of the services' error keys.

`bp` is created in `routes.py`, which imports no other view module; `edits`, `late` and
`mailing` register their views on it, and `app/agenda/__init__.py` imports them all, so the
blueprint's modules import each other one way only.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.models import Event, ScheduleVersion
from app.services import agenda
from app.services.agenda import jobs


def job_error(error: jobs.JobError) -> str:
    messages = {
        "already_running": _(
            "Un calcul est déjà en cours pour cet événement. Attendez qu'il se termine."
        ),
        "time_limit": _("Indiquez une durée de 1 à 600 secondes."),
        "no_base_version": _("Choisissez la version à réoptimiser."),
    }
    return str(messages.get(str(error), _("Le calcul n'a pas pu être lancé.")))


def agenda_error(error: agenda.AgendaError) -> str:
    messages = {
        "read_only": _(
            "Cette version n'est pas un brouillon : elle ne se modifie plus. "
            "Réoptimisez-la pour obtenir un nouveau brouillon."
        ),
        "unknown_meeting": _("Ce rendez-vous n'appartient pas à cette version."),
        "not_scheduled": _("Seul un rendez-vous placé peut être verrouillé."),
        "unknown_version": _("Cette version n'existe pas."),
    }
    return str(messages.get(str(error), _("Cette action n'est pas possible.")))


def event_or_404(event_id: int) -> Event:
    event = agenda.get_event(event_id)
    if event is None:
        abort(404)
    return event


def version_or_404(version_id: int) -> ScheduleVersion:
    version = agenda.get_version(version_id)
    if version is None:
        abort(404)
    return version
