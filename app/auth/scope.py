"""Organisers manage the events of their own organisation.

An event belongs to the organisation of the organiser who created it
(`Event.organiser_organisation_id`). On every route reserved to organisers
(`role_required(Role.ORGANISER, ...)`, which calls `check_organiser_scope`),
an organiser who belongs to an organisation is refused (403) any URL naming an
event of another organisation — directly (`event_id`) or through one of its
objects (`version_id`, `job_id`, `need_id`). One check in the decorator every
organiser route already has, instead of one per view. Public pages (an
event's presentation, its needs catalogue) stay public. Not restricted:
organisers without an organisation (the installation's own, e.g. created by
`flask users create-organiser` without one) and events without an owner.
The rule itself is `app.services.accounts.access.may_manage`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Event, Need, ScheduleVersion, SchedulingJob
from app.services.accounts.access import may_manage

_EVENT_OF: dict[str, Callable[[int], int | None]] = {
    "event_id": lambda i: i,
    "version_id": lambda i: db.session.scalar(
        db.select(ScheduleVersion.event_id).where(ScheduleVersion.id == i)
    ),
    "job_id": lambda i: db.session.scalar(
        db.select(SchedulingJob.event_id).where(SchedulingJob.id == i)
    ),
    "need_id": lambda i: db.session.scalar(db.select(Need.event_id).where(Need.id == i)),
}


def check_organiser_scope(view_args: Mapping[str, object]) -> None:
    """403 if the current organiser (role_required calls this for organisers only) may
    not manage the event `view_args` name."""
    if current_user.organisation_id is None:
        return
    for key, event_of in _EVENT_OF.items():
        value = view_args.get(key)
        if not isinstance(value, int):
            continue
        event_id = event_of(value)
        if event_id is None:
            return  # no such object: the view answers 404
        owner = db.session.scalar(
            db.select(Event.organiser_organisation_id).where(Event.id == event_id)
        )
        if not may_manage(current_user.organisation_id, owner):
            abort(403)
        return
