"""What changes before publishing: a draft against the published agenda, meeting by meeting
and participant by participant, with the warnings an organiser must read first.

The lines are exactly `schedules.diff(published, draft)` — the changes that `publish` will
turn into SEQUENCE bumps and calendar updates — explained: why a meeting leaves the agenda
(cancelled, company withdrawn, follow-up after the event, or the solver could not keep it),
and which moved or dropped meetings were locked or already published.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import (
    ApplicationStatus,
    MeetingRequest,
    MeetingStatus,
    Participant,
    ScheduleVersion,
)
from app.services.agenda import review, schedules, versioning
from app.services.agenda.names import humanise_reason, key_names

# Why a meeting of the published agenda is not in the draft.
CANCELLED = "cancelled"  # the request was cancelled (late change)
WITHDRAWN = "withdrawn"  # the company withdrew
FOLLOW_UP = "follow_up"  # moved to a follow-up after the event
NOT_PLACED = "not_placed"  # still requested, but the draft could not place it
GONE = "gone"  # the request no longer exists


@dataclass(frozen=True)
class SummaryLine:
    request_id: int
    kind: str  # moved, added, removed
    company_id: int | None
    company: str
    buyer_id: int | None
    buyer: str
    before: review.Place | None
    after: review.Place | None
    cause: str = ""  # for removed lines: one of the constants above
    reason: str = ""  # the engine's reason when NOT_PLACED, with names
    locked: bool = False  # locked in the published agenda or in the draft

    @property
    def label(self) -> str:
        return f"{self.company} ↔ {self.buyer}"

    @property
    def disturbs_published(self) -> bool:
        """A meeting participants already have that moves or is dropped though still wanted."""
        return self.kind == "moved" or (self.kind == "removed" and self.cause == NOT_PLACED)


@dataclass(frozen=True)
class ParticipantChanges:
    participant_id: int
    name: str
    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class ChangeSummary:
    """A version against its reference (the published agenda for a draft)."""

    version_id: int
    reference_id: int | None
    reference_number: int | None
    lines: tuple[SummaryLine, ...]
    engine_changed: int | None  # the engine's own count (stats.changed_meetings), if any

    def of_kind(self, kind: str) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if line.kind == kind)

    @property
    def changed(self) -> int:
        """Meetings whose time, table or presence changes: what publishing will update."""
        return len(self.lines)

    @property
    def locked_moved(self) -> tuple[SummaryLine, ...]:
        """Locked meetings that moved or were dropped though still wanted (should be none)."""
        return tuple(line for line in self.lines if line.locked and line.disturbs_published)

    @property
    def published_moved(self) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if line.disturbs_published)

    @property
    def per_participant(self) -> tuple[ParticipantChanges, ...]:
        people: dict[int, tuple[str, list[SummaryLine]]] = {}
        for line in self.lines:
            for pid, name in ((line.company_id, line.company), (line.buyer_id, line.buyer)):
                if pid is not None:
                    people.setdefault(pid, (name, []))[1].append(line)
        return tuple(
            ParticipantChanges(pid, name, tuple(lines))
            for pid, (name, lines) in sorted(people.items(), key=lambda kv: (kv[1][0], kv[0]))
        )


def _cause(request: MeetingRequest | None) -> str:
    if request is None:
        return GONE
    application = request.company.application
    if application is not None and application.status is not ApplicationStatus.SELECTED:
        return WITHDRAWN
    if request.follow_up:
        return FOLLOW_UP
    if not request.is_active:
        return CANCELLED
    return NOT_PLACED


def summarise(version: ScheduleVersion) -> ChangeSummary:
    """The changes `version` makes to its reference version (see `versioning.reference_version`)."""
    reference = versioning.reference_version(version)
    stats = version.stats or {}
    engine_changed = stats.get("changed_meetings")
    if reference is None:
        return ChangeSummary(version.id, None, None, (), engine_changed)
    changes = schedules.diff(reference, version)
    slots = {s.id: s for s in version.event.slots}
    tables = {loc.id: loc.name for loc in version.event.locations}
    old = {m.request_id: m for m in reference.meetings if m.request_id is not None}
    new = {m.request_id: m for m in version.meetings if m.request_id is not None}
    names = key_names(version.event_id)

    def place(where: tuple[int | None, int | None]) -> review.Place | None:
        slot_id, location_id = where
        if slot_id is None or slot_id not in slots:
            return None
        return review.Place(slots[slot_id].starts_at, tables.get(location_id or 0, ""))

    lines = []
    for change in changes.changes:
        request = db.session.get(MeetingRequest, change.request_id)
        company: Participant | None = request.company if request else None
        buyer: Participant | None = request.buyer if request else None
        before, after = old.get(change.request_id), new.get(change.request_id)
        cause = reason = ""
        if change.kind == "removed":
            cause = _cause(request)
            if cause == NOT_PLACED and after is not None:
                reason = humanise_reason(after.reason, names)
        lines.append(
            SummaryLine(
                request_id=change.request_id,
                kind=change.kind,
                company_id=company.id if company else None,
                company=company.name if company else "?",
                buyer_id=buyer.id if buyer else None,
                buyer=buyer.name if buyer else "?",
                before=place(change.before),
                after=place(change.after),
                cause=cause,
                reason=reason,
                locked=bool((before and before.locked) or (after and after.locked)),
            )
        )
    order = {"moved": 0, "removed": 1, "added": 2}
    lines.sort(key=lambda line: (order[line.kind], line.company, line.buyer, line.request_id))
    return ChangeSummary(
        version_id=version.id,
        reference_id=reference.id,
        reference_number=reference.number,
        lines=tuple(lines),
        engine_changed=int(engine_changed) if engine_changed is not None else None,
    )


def scheduled_count(version: ScheduleVersion) -> int:
    return sum(1 for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
