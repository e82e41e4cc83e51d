"""Participants' scheduling settings: a kept table, minimum and maximum meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.models import (
    LocationKind,
    Participant,
    ParticipantRole,
)
from app.services import audit
from app.services.setup.base import MAX_CAP, SetupError, get_event


@dataclass(frozen=True)
class ParticipantSettings:
    participant_id: int
    location_id: int | None  # kept table (buyers only)
    max_meetings: int | None
    min_meetings: int = 0


class SettingsInvalid(SetupError):
    """Field errors: participant id → field name → (code, params)."""

    def __init__(self, errors: dict[int, dict[str, tuple[str, dict[str, Any]]]]) -> None:
        super().__init__("settings_invalid")
        self.errors = errors


def scheduling_participants(event_id: int) -> list[Participant]:
    """Buyers then companies, by name: those whose settings the organiser sets."""
    participants = db.session.execute(
        db.select(Participant).where(Participant.event_id == event_id)
    ).scalars()
    order = {ParticipantRole.BUYER: 0, ParticipantRole.COMPANY: 1}
    return sorted(participants, key=lambda p: (order[p.role], p.name.casefold(), p.id))


PARTICIPANTS_PER_PAGE = 50


@dataclass(frozen=True)
class ParticipantPage:
    """One page of the participants' settings: those matching the filter, `per_page` at most."""

    participants: list[Participant]
    total: int  # participants matching the filter, on all pages
    page: int  # 1-based, clamped to the pages that exist
    pages: int  # at least 1


def participants_page(
    event_id: int,
    *,
    role: ParticipantRole | None = None,
    search: str = "",
    page: int = 1,
    per_page: int = PARTICIPANTS_PER_PAGE,
) -> ParticipantPage:
    """The participants whose settings the page shows: of `role` (None: all), whose name
    contains `search` (case ignored), in `scheduling_participants` order, page `page`.

    A 300-company event has 375 participants: one form of 1,000 fields is slow to load and
    to read, so the page shows them by pages and lets the organiser filter."""
    wanted = search.strip().casefold()
    matching = [
        p
        for p in scheduling_participants(event_id)
        if (role is None or p.role is role) and wanted in p.name.casefold()
    ]
    pages = max(1, -(-len(matching) // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return ParticipantPage(matching[start : start + per_page], len(matching), page, pages)


def update_participant_settings(
    event_id: int, rows: Sequence[ParticipantSettings], *, actor_id: int
) -> int:
    """Set kept tables and caps; all rows are checked before any is written.

    Rules: a kept table is one of the event's tables, only buyers keep one, no table is kept
    by two participants (rows and participants not in `rows` alike), caps are ≥ 0 and at most
    `MAX_CAP`, the minimum is at most the maximum. Returns how many participants changed.
    """
    event = get_event(event_id)
    participants = {p.id: p for p in event.participants}
    tables = {loc.id: loc for loc in event.locations if loc.kind is LocationKind.TABLE}
    errors: dict[int, dict[str, tuple[str, dict[str, Any]]]] = {}

    def fail(pid: int, name: str, code: str, **params: Any) -> None:
        errors.setdefault(pid, {}).setdefault(name, (code, params))

    new_pin = {row.participant_id: row.location_id for row in rows}
    holders: dict[int, list[int]] = {}
    for pid, p in participants.items():
        pin = new_pin.get(pid, p.location_id)
        if pin is not None:
            holders.setdefault(pin, []).append(pid)
    for row in rows:
        p = participants.get(row.participant_id)
        if p is None:
            raise SetupError("not_found")
        if row.location_id is not None:
            if row.location_id not in tables:
                fail(p.id, "location_id", "pin_not_table")
            elif p.role is not ParticipantRole.BUYER:
                fail(p.id, "location_id", "pin_company")
            else:
                others = [q for q in holders[row.location_id] if q != p.id]
                if others:
                    fail(
                        p.id,
                        "location_id",
                        "pin_taken",
                        table=tables[row.location_id].name,
                        other=participants[others[0]].name,
                    )
        for name, value in (("max_meetings", row.max_meetings), ("min_meetings", row.min_meetings)):
            if value is not None and not 0 <= value <= MAX_CAP:
                fail(p.id, name, "cap_range", max=MAX_CAP)
        if (
            row.max_meetings is not None
            and row.min_meetings > row.max_meetings
            and not {"min_meetings", "max_meetings"} & set(errors.get(p.id, {}))
        ):
            fail(p.id, "min_meetings", "min_above_max")
    if errors:
        raise SettingsInvalid(errors)

    original = {row.participant_id: _settings_of(participants[row.participant_id]) for row in rows}
    # Clear moved pins first so two buyers can swap tables in one save.
    for row in rows:
        p = participants[row.participant_id]
        if p.location_id != row.location_id:
            p.location_id = None
    db.session.flush()
    changed = 0
    for row in rows:
        p = participants[row.participant_id]
        p.location_id = row.location_id
        p.max_meetings = row.max_meetings
        p.min_meetings = row.min_meetings
        after = (row.location_id, row.max_meetings, row.min_meetings)
        if after != original[p.id]:
            changed += 1
            audit.record(
                "participant.settings",
                actor_id=actor_id,
                event_id=event.id,
                target=p,
                name=p.name,
                before=dict(zip(SETTING_NAMES, original[p.id], strict=True)),
                after=dict(zip(SETTING_NAMES, after, strict=True)),
            )
    db.session.flush()
    return changed


SETTING_NAMES = ("location_id", "max_meetings", "min_meetings")


def _settings_of(p: Participant) -> tuple[int | None, int | None, int]:
    return (p.location_id, p.max_meetings, p.min_meetings)
