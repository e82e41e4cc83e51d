"""Instance and result types of the scheduling engine (contract: SCHEDULING_FORMAT.md).

Everything here is a frozen dataclass keyed by string ids, exactly as in the
`entremise-instance/1` and `entremise-result/1` files. The web app builds the
same objects from the database (ids are then stringified database keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

INSTANCE_FORMAT = "entremise-instance/1"
RESULT_FORMAT = "entremise-result/1"


class Status(StrEnum):
    """Outcome of a solve, as written in the result file."""

    OPTIMAL = "OPTIMAL"  # proved optimal on all three objective levels
    FEASIBLE = "FEASIBLE"  # a valid schedule, optimality not proved
    INFEASIBLE = "INFEASIBLE"  # no schedule meets the hard rules
    UNKNOWN = "UNKNOWN"  # no schedule found in time


@dataclass(frozen=True)
class Slot:
    id: str
    day: str = ""  # label; one single day when absent
    session: str | None = None
    start: str | None = None  # ISO 8601, display only
    end: str | None = None


@dataclass(frozen=True)
class Location:
    id: str
    name: str | None = None


@dataclass(frozen=True)
class Participant:
    id: str
    role: str | None = None
    name: str | None = None
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None
    min_meetings: int = 0
    location: str | None = None  # pins every meeting of this participant to one location


@dataclass(frozen=True)
class Meeting:
    id: str
    participants: tuple[str, ...]
    required: bool = False
    weight: int = 1
    session: str | None = None
    slot: str | None = None  # fixed slot
    location: str | None = None  # fixed location
    after: tuple[str, ...] = ()  # meetings that must be held in an earlier slot


@dataclass(frozen=True)
class Candidate:
    participant: str
    weight: int = 1


@dataclass(frozen=True)
class Workshop:
    id: str
    slots: tuple[str, ...]
    name: str | None = None
    location: str | None = None
    min_size: int = 0
    max_size: int | None = None
    members: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Rules:
    max_break_spread: int | None = None


@dataclass(frozen=True)
class Instance:
    slots: tuple[Slot, ...]
    locations: tuple[Location, ...]
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    workshops: tuple[Workshop, ...] = ()
    rules: Rules = field(default_factory=Rules)
    name: str = ""


@dataclass(frozen=True)
class Objective:
    """Values of the three lexicographic levels (most important first)."""

    shortfall: int
    weight: int
    breaks: int


@dataclass(frozen=True)
class Bound:
    """Best proven bound of each level, where one is known (None otherwise)."""

    shortfall: int | None = None
    weight: int | None = None
    breaks: int | None = None


@dataclass(frozen=True)
class ScheduledMeeting:
    id: str
    slot: str
    location: str


@dataclass(frozen=True)
class Unscheduled:
    id: str
    reason: str
    # Machine-readable form of `reason` (explain.Reason): a code and its parameters, so the
    # web app can translate it. Empty when unknown (e.g. a result file written elsewhere).
    code: str = ""
    params: tuple[tuple[str, str | int | tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class WorkshopPlacement:
    id: str
    participants: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    instance: str
    status: Status
    meetings: tuple[ScheduledMeeting, ...] = ()
    unscheduled: tuple[Unscheduled, ...] = ()
    workshops: tuple[WorkshopPlacement, ...] = ()
    objective: Objective | None = None
    bound: Bound = field(default_factory=Bound)
    wall_time_s: float = 0.0
    reason: str | None = None  # why INFEASIBLE / UNKNOWN
    # Extra figures (allowed by the contract): time to best, stage times, changed meetings…
    stats: dict[str, float | int | str] = field(default_factory=dict)
