"""Manual edits of a draft agenda: move, swap, place (add) and remove a meeting.

Every edit builds the candidate schedule (the version as an engine result with the change
applied), runs the engine's validator on it and compares with the version as it stands:

- a hard rule the edit *newly* breaks (double booking, table taken, unavailability, cap,
  pinned table, session, workshop clash, required meeting removed…) refuses the edit with
  `EditRefused`, which carries the violations as `Problem`s named with participants, tables
  and times (the route turns them into French sentences);
- soft consequences (more breaks, a company left below its minimum of meetings) are accepted
  and returned as `Warning_`s.

Violations the version already had (e.g. a request activated after the run) are not blamed on
the edit. Accepted edits are written to the draft's rows (meetings and their bookings) and
audited. The database constraints stay the last line of defence: an `IntegrityError` becomes
`AgendaError("database_conflict")`, and the caller rolls back. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import french_time
from app.models import (
    Booking,
    Location,
    LocationKind,
    Meeting,
    MeetingStatus,
    ScheduleVersion,
    Slot,
)
from app.scheduling.types import Instance, Result, ScheduledMeeting, Unscheduled
from app.scheduling.validate import Report, Violation, validate
from app.services import audit
from app.services.agenda import jobs
from app.services.agenda.instance import build_instance, meeting_key, slot_key, table_key
from app.services.agenda.review import key_names
from app.services.agenda.versioning import AgendaError, editable

# Hard rules an edit may break, each explained to the organiser by the route.
KNOWN_RULES = (
    "participant_conflict",
    "location_conflict",
    "unavailable",
    "max_meetings",
    "pinned_location",
    "session",
    "fixed_slot",
    "fixed_location",
    "required_unscheduled",
    "precedence",
)


@dataclass(frozen=True)
class Problem:
    """One hard rule the edit would break, with names instead of the engine's ids.

    `rule` is the validator's code; `who` a participant's name, `table` a table's name, `time`
    the slot's local start (« 14 h 20 »), `other` what else is there (a workshop's title or "").
    `message` is the validator's own message with names, for rules without a French sentence.
    """

    rule: str
    who: str = ""
    table: str = ""
    time: str = ""
    other: str = ""
    message: str = ""
    slot_id: int | None = None  # the slot of `time`, for pages that format times themselves


@dataclass(frozen=True)
class Warning_:
    """A soft consequence of an accepted edit: `kind` is "breaks" or "shortfall"."""

    kind: str
    before: int = 0
    after: int = 0
    names: tuple[str, ...] = ()


class EditRefused(AgendaError):
    """The edit breaks hard rules; `problems` says which (str(error) is "hard_rule")."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("hard_rule")
        self.problems = problems


@dataclass(frozen=True)
class EditOutcome:
    meetings: tuple[Meeting, ...]
    warnings: tuple[Warning_, ...]


def time_label(slot: Slot) -> str:
    """A slot's local start as French typography writes it: « 14 h 20 »."""
    return french_time(slot.local_start())


# --------------------------------------------------------------------------- checking

Place = tuple[int, int] | None  # (slot id, location id), or None: unscheduled


def _current(version: ScheduleVersion, instance: Instance) -> Result:
    """The version as a complete engine result: placed meetings plus every other one unplaced."""
    placed = jobs.previous_result(version, instance)
    known = {m.id for m in placed.meetings}
    reasons = {
        meeting_key(m.request_id): m.reason
        for m in version.meetings
        if m.request_id is not None and m.status is MeetingStatus.UNSCHEDULED
    }
    missing = tuple(
        Unscheduled(m.id, reasons.get(m.id, "")) for m in instance.meetings if m.id not in known
    )
    return Result(
        instance=placed.instance,
        status=placed.status,
        meetings=placed.meetings,
        unscheduled=missing,
        workshops=placed.workshops,
    )


def _apply(result: Result, changes: Mapping[str, Place]) -> Result:
    """`result` with the meetings of `changes` (engine keys) moved or unscheduled."""
    meetings = [m for m in result.meetings if m.id not in changes]
    unscheduled = [u for u in result.unscheduled if u.id not in changes]
    for key, place in changes.items():
        if place is None:
            unscheduled.append(Unscheduled(key, "manual"))
        else:
            meetings.append(ScheduledMeeting(key, slot_key(place[0]), table_key(place[1])))
    return Result(
        instance=result.instance,
        status=result.status,
        meetings=tuple(meetings),
        unscheduled=tuple(unscheduled),
        workshops=result.workshops,
    )


class _Namer:
    """Engine ids → names: participants and tables by name, slots by local time, workshops."""

    def __init__(self, version: ScheduleVersion, instance: Instance) -> None:
        self.names = key_names(version.event_id)
        self.times = {slot_key(s.id): time_label(s) for s in version.event.slots}
        self.workshops = {f"w{w.id}": w.title for w in version.event.workshops}
        self.pinned = {p.id: p.location for p in instance.participants}

    @staticmethod
    def slot(key: str) -> int | None:
        return int(key[1:]) if key.startswith("s") and key[1:].isdigit() else None

    def __call__(self, key: str | None) -> str:
        if key is None:
            return ""
        if key in self.times:
            return self.times[key]
        if key in self.workshops:
            return self.workshops[key]
        return self.names.get(key, key)

    def problem(self, v: Violation, edited: set[str]) -> Problem:
        ids = v.ids
        message = v.message
        for key in sorted(set(ids), key=len, reverse=True):
            message = message.replace(key, self(key))
        if v.rule == "participant_conflict":
            # ids: participant, slot, then the activities there; name what is not the edit.
            others = [i for i in ids[2:] if i not in edited]
            other = self(others[0]) if others and others[0].startswith("w") else ""
            return Problem(
                v.rule,
                who=self(ids[0]),
                time=self(ids[1]),
                other=other,
                message=message,
                slot_id=self.slot(ids[1]),
            )
        if v.rule == "location_conflict":
            return Problem(
                v.rule,
                table=self(ids[0]),
                time=self(ids[1]),
                message=message,
                slot_id=self.slot(ids[1]),
            )
        if v.rule == "unavailable":
            return Problem(
                v.rule,
                who=self(ids[1]),
                time=self(ids[2]),
                message=message,
                slot_id=self.slot(ids[2]),
            )
        if v.rule == "max_meetings":
            return Problem(v.rule, who=self(ids[0]), message=message)
        if v.rule == "pinned_location":
            return Problem(
                v.rule, who=self(ids[1]), table=self(self.pinned.get(ids[1])), message=message
            )
        if v.rule in ("session", "fixed_slot"):
            return Problem(v.rule, time=self(ids[1]), message=message, slot_id=self.slot(ids[1]))
        if v.rule == "fixed_location":
            return Problem(v.rule, table=self(ids[1]), message=message)
        return Problem(v.rule, message=message)


def _check(
    version: ScheduleVersion, changes: Mapping[str, Place]
) -> tuple[Report, Report, _Namer, Instance]:
    """Validate the version before and after `changes`; refuse if a hard rule newly breaks."""
    instance = build_instance(version.event_id)
    known = {m.id for m in instance.meetings}
    if not set(changes) <= known:
        raise AgendaError("inactive_request")
    current = _current(version, instance)
    before = validate(instance, current)
    after = validate(instance, _apply(current, changes))
    old = {(v.rule, v.ids) for v in before.violations}
    new = [v for v in after.violations if (v.rule, v.ids) not in old]
    namer = _Namer(version, instance)
    if new:
        edited = set(changes)
        raise EditRefused(tuple(dict.fromkeys(namer.problem(v, edited) for v in new)))
    return before, after, namer, instance


def _warnings(
    before: Report, after: Report, namer: _Namer, instance: Instance
) -> tuple[Warning_, ...]:
    out: list[Warning_] = []
    if after.objective.breaks > before.objective.breaks:
        out.append(Warning_("breaks", before.objective.breaks, after.objective.breaks))
    short = tuple(
        namer(p.id)
        for p in instance.participants
        if after.meetings_held.get(p.id, 0) < p.min_meetings
        and after.meetings_held.get(p.id, 0) < before.meetings_held.get(p.id, 0)
    )
    if short:
        out.append(
            Warning_("shortfall", before.objective.shortfall, after.objective.shortfall, short)
        )
    return tuple(out)


# --------------------------------------------------------------------------- writing


def _meeting(version: ScheduleVersion, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        raise AgendaError("unknown_meeting")
    return meeting


def _scheduled_unlocked(version: ScheduleVersion, meeting_id: int) -> Meeting:
    meeting = _meeting(version, meeting_id)
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise AgendaError("not_scheduled")
    if meeting.locked:
        raise AgendaError("locked")
    if meeting.request_id is None:
        raise AgendaError("inactive_request")
    return meeting


def _place(version: ScheduleVersion, slot_id: int, location_id: int) -> tuple[int, int]:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.event_id != version.event_id:
        raise AgendaError("unknown_slot")
    location = db.session.get(Location, location_id)
    if (
        location is None
        or location.event_id != version.event_id
        or location.kind is not LocationKind.TABLE
    ):
        raise AgendaError("unknown_table")
    return slot.id, location.id


def _release(meetings: list[Meeting]) -> None:
    """Delete the meetings' bookings (before any change of slot or status)."""
    ids = [m.id for m in meetings]
    for booking in db.session.execute(
        db.select(Booking).where(Booking.meeting_id.in_(ids))
    ).scalars():
        db.session.delete(booking)
    db.session.flush()


def _book(version: ScheduleVersion, meeting: Meeting) -> None:
    for link in meeting.participant_links:
        db.session.add(
            Booking(
                version_id=version.id,
                participant_id=link.participant_id,
                slot_id=meeting.slot_id,
                meeting_id=meeting.id,
                meeting_status=MeetingStatus.SCHEDULED.value,
            )
        )


def _where(meeting: Meeting) -> dict[str, int | str | None]:
    return {
        "status": meeting.status.value,
        "slot_id": meeting.slot_id,
        "location_id": meeting.location_id,
    }


def _flushing(write: Callable[[], None]) -> None:
    """Run the writes; a database constraint refusing them becomes an AgendaError."""
    try:
        write()
        db.session.flush()
    except IntegrityError as error:
        raise AgendaError("database_conflict") from error


def _audit(
    action: str,
    version: ScheduleVersion,
    meeting: Meeting,
    before: dict[str, int | str | None],
    warnings: tuple[Warning_, ...],
    actor_id: int | None,
    reason: str = "",
    **details: object,
) -> None:
    audit.record(
        action,
        actor_id=actor_id,
        event_id=version.event_id,
        target=meeting,
        reason=reason,
        version_id=version.id,
        request_id=meeting.request_id,
        before=before,
        after=_where(meeting),
        warnings=[w.kind for w in warnings],
        **details,
    )


def move(
    version_id: int, meeting_id: int, slot_id: int, location_id: int, *, actor_id: int | None
) -> EditOutcome:
    """Move a scheduled, unlocked meeting of a draft to another slot and/or table."""
    version = editable(version_id)
    meeting = _scheduled_unlocked(version, meeting_id)
    place = _place(version, slot_id, location_id)
    if place == (meeting.slot_id, meeting.location_id):
        raise AgendaError("same_place")
    assert meeting.request_id is not None
    before_r, after_r, namer, instance = _check(version, {meeting_key(meeting.request_id): place})
    warnings = _warnings(before_r, after_r, namer, instance)
    before = _where(meeting)

    def write() -> None:
        _release([meeting])
        meeting.slot_id, meeting.location_id = place
        db.session.flush()
        _book(version, meeting)

    _flushing(write)
    _audit("meeting.move", version, meeting, before, warnings, actor_id)
    return EditOutcome((meeting,), warnings)


def add(
    version_id: int, meeting_id: int, slot_id: int, location_id: int, *, actor_id: int | None
) -> EditOutcome:
    """Place an unscheduled meeting of a draft (its request must still be active)."""
    version = editable(version_id)
    meeting = _meeting(version, meeting_id)
    if meeting.status is not MeetingStatus.UNSCHEDULED or meeting.request_id is None:
        raise AgendaError("not_unscheduled")
    request = meeting.request
    if request is None or not request.is_active or request.follow_up:
        raise AgendaError("inactive_request")
    place = _place(version, slot_id, location_id)
    before_r, after_r, namer, instance = _check(version, {meeting_key(meeting.request_id): place})
    warnings = _warnings(before_r, after_r, namer, instance)
    before = _where(meeting)
    old_reason = meeting.reason

    def write() -> None:
        meeting.slot_id, meeting.location_id = place
        meeting.status = MeetingStatus.SCHEDULED
        meeting.reason = ""
        db.session.flush()
        _book(version, meeting)

    _flushing(write)
    _audit("meeting.add", version, meeting, before, warnings, actor_id, old_reason=old_reason)
    return EditOutcome((meeting,), warnings)


def remove(version_id: int, meeting_id: int, reason: str, *, actor_id: int | None) -> EditOutcome:
    """Unschedule a meeting of a draft, saying why (the reason shows in the unplaced list)."""
    version = editable(version_id)
    meeting = _scheduled_unlocked(version, meeting_id)
    reason = reason.strip()
    if not reason:
        raise AgendaError("reason_required")
    assert meeting.request_id is not None
    before_r, after_r, namer, instance = _check(version, {meeting_key(meeting.request_id): None})
    warnings = _warnings(before_r, after_r, namer, instance)
    before = _where(meeting)

    def write() -> None:
        # Bookings first: a booking must point at a scheduled meeting.
        _release([meeting])
        meeting.status = MeetingStatus.UNSCHEDULED
        meeting.slot_id = meeting.location_id = None
        meeting.reason = reason

    _flushing(write)
    _audit("meeting.remove", version, meeting, before, warnings, actor_id, reason=reason)
    return EditOutcome((meeting,), warnings)


def swap(version_id: int, meeting_id: int, other_id: int, *, actor_id: int | None) -> EditOutcome:
    """Exchange the places (slot and table) of two scheduled, unlocked meetings of a draft."""
    version = editable(version_id)
    first = _scheduled_unlocked(version, meeting_id)
    second = _scheduled_unlocked(version, other_id)
    if first.id == second.id:
        raise AgendaError("same_meeting")
    assert first.request_id is not None and second.request_id is not None
    a = (first.slot_id, first.location_id)
    b = (second.slot_id, second.location_id)
    assert a[0] is not None and a[1] is not None and b[0] is not None and b[1] is not None
    changes: dict[str, Place] = {
        meeting_key(first.request_id): (b[0], b[1]),
        meeting_key(second.request_id): (a[0], a[1]),
    }
    before_r, after_r, namer, instance = _check(version, changes)
    warnings = _warnings(before_r, after_r, namer, instance)
    before = {"first": _where(first), "second": _where(second)}

    def write() -> None:
        # Free both, park the first outside the table index, then place each in turn:
        # no transient clash on the (version, slot, table) or (participant, slot) indexes.
        _release([first, second])
        first.status = MeetingStatus.UNSCHEDULED
        first.slot_id = first.location_id = None
        db.session.flush()
        second.slot_id, second.location_id = a
        db.session.flush()
        first.status = MeetingStatus.SCHEDULED
        first.slot_id, first.location_id = b
        db.session.flush()
        _book(version, first)
        _book(version, second)

    _flushing(write)
    audit.record(
        "meeting.swap",
        actor_id=actor_id,
        event_id=version.event_id,
        target=first,
        version_id=version.id,
        request_ids=[first.request_id, second.request_id],
        other_meeting_id=second.id,
        before=before,
        after={"first": _where(first), "second": _where(second)},
        warnings=[w.kind for w in warnings],
    )
    return EditOutcome((first, second), warnings)


def movable(version: ScheduleVersion) -> list[Meeting]:
    """Scheduled, unlocked meetings of a version (swap partners), by slot then table."""
    return [
        m
        for m in version.meetings
        if m.status is MeetingStatus.SCHEDULED and not m.locked and m.request_id is not None
    ]
