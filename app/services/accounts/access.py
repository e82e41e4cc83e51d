"""Which events an organiser may manage: those of their own organisation.

An event belongs to the organisation of the organiser who created it
(`Event.organiser_organisation_id`). Not restricted: organisers without an organisation (the
installation's own) and events without an owner. `app.auth.scope` applies the rule to every
organiser route; the dashboard lists events with `managed_events`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from app.models import Event


def may_manage(organisation_id: int | None, owner_id: int | None) -> bool:
    """Whether an organiser of `organisation_id` may manage an event owned by `owner_id`."""
    return organisation_id is None or owner_id is None or owner_id == organisation_id


def managed_events(organisation_id: int | None) -> ColumnElement[bool]:
    """`may_manage` as a WHERE clause on events (the organiser's dashboard)."""
    if organisation_id is None:
        return true()
    owner = Event.organiser_organisation_id
    return or_(owner.is_(None), owner == organisation_id)
