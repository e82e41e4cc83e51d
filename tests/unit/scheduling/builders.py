"""Small builders of instance data shared by the scheduling tests."""

from __future__ import annotations

import copy
from typing import Any

from app.scheduling.io import parse_instance
from app.scheduling.types import (
    Instance,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)

BASE: dict[str, Any] = {
    "format": "entremise-instance/1",
    "name": "tiny",
    "slots": [
        {"id": "s1", "day": "d1", "session": "am"},
        {"id": "s2", "day": "d1", "session": "am"},
        {"id": "s3", "day": "d1", "session": "pm"},
        {"id": "s4", "day": "d1", "session": "pm"},
    ],
    "locations": [{"id": "T1"}, {"id": "T2"}],
    "participants": [
        {"id": "b1", "role": "buyer"},
        {"id": "b2", "role": "buyer"},
        {"id": "c1", "role": "company"},
        {"id": "c2", "role": "company"},
    ],
    "meetings": [
        {"id": "m1", "participants": ["b1", "c1"]},
        {"id": "m2", "participants": ["b2", "c2"]},
    ],
}


def base_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of the tiny base instance with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def instance(**changes: Any) -> Instance:
    """The tiny base instance, parsed, with top-level keys replaced."""
    return parse_instance(base_data(**changes), "tiny.json")


def meetings(*specs: tuple[str, ...] | dict[str, Any]) -> list[dict[str, Any]]:
    """Meeting dicts m1, m2… from participant tuples or full dicts (id added when missing)."""
    out = []
    for i, spec in enumerate(specs, start=1):
        if isinstance(spec, dict):
            out.append({"id": f"m{i}", **spec})
        else:
            out.append({"id": f"m{i}", "participants": list(spec)})
    return out


def result(placed: dict[str, tuple[str, str]], unscheduled: tuple[str, ...] = (),
           workshops: dict[str, tuple[str, ...]] | None = None,
           status: Status = Status.FEASIBLE) -> Result:
    """A result from {meeting: (slot, location)} and unscheduled ids."""
    return Result(
        instance="tiny", status=status,
        meetings=tuple(ScheduledMeeting(m, s, loc) for m, (s, loc) in placed.items()),
        unscheduled=tuple(Unscheduled(m, "") for m in unscheduled),
        workshops=tuple(WorkshopPlacement(w, ps) for w, ps in (workshops or {}).items()))
