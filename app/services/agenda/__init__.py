"""The agenda: from the event's data to published schedule versions, and every change after.

Owns: `instance` (the engine's instance built from the database), `jobs` (scheduling runs as
background jobs), `schedules` (storing a result as a version, diffs, publication, which sends
the `version_published` signal), `versioning` (the organiser's view of versions, locks,
re-optimisation), `review` (grid, comparison, fairness, participants' agendas), `agenda_edits`
(manual edits checked by the validator), `late_changes` (withdrawals, cancellations, absences,
late arrivals), `change_summary` (what a publication will change), `follow_up` (requests kept for
after the event).

May import: models, the Flask-free `app.scheduling` core, `app.services.audit`,
`app.services.sourcing` (requests' labels). Never imports `mail`, `calendars`, `printing` or
`transfers`: they read the agenda, and publication reaches the mail through the
`version_published` signal, so dependencies point one way.

The names below are the ones the agenda pages use.
"""

from app.services.agenda.review import (
    Fairness,
    Place,
    WorkshopNote,
    build_grid,
    compare,
    fairness,
    humanise_reason,
    meeting_sides,
    participant_agenda,
    participant_name,
    scheduled_participants,
    unscheduled,
)
from app.services.agenda.versioning import (
    EDITABLE,
    REOPTIMISABLE,
    AgendaError,
    failure_kind,
    get_event,
    get_version,
    is_active,
    job_reason,
    latest_job,
    publish,
    reoptimise,
    set_locked,
    versions,
)

__all__ = [
    "EDITABLE",
    "REOPTIMISABLE",
    "AgendaError",
    "Fairness",
    "Place",
    "WorkshopNote",
    "build_grid",
    "compare",
    "failure_kind",
    "fairness",
    "get_event",
    "get_version",
    "humanise_reason",
    "is_active",
    "job_reason",
    "latest_job",
    "meeting_sides",
    "participant_agenda",
    "participant_name",
    "publish",
    "reoptimise",
    "scheduled_participants",
    "set_locked",
    "unscheduled",
    "versions",
]
