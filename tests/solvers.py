"""Small solvers for tests: they keep the web and job tests independent of the CP-SAT engine."""

from __future__ import annotations

from app.scheduling.types import Objective, Result, ScheduledMeeting, Status, Unscheduled


def first_fit(instance, *, time_limit, workers, previous):
    """A simple valid solver for lifecycle tests: each meeting in its first free slot/table."""
    busy: set[tuple[str, str]] = set()
    tables_used: set[tuple[str, str]] = set()
    unavailable = {p.id: p.unavailable for p in instance.participants}
    placed, missing = [], []
    for meeting in instance.meetings:
        spot = next(
            (
                (slot.id, table.id)
                for slot in instance.slots
                for table in instance.locations
                if (slot.id, table.id) not in tables_used
                and all(
                    (p, slot.id) not in busy and slot.id not in unavailable[p]
                    for p in meeting.participants
                )
            ),
            None,
        )
        if spot is None:
            missing.append(Unscheduled(meeting.id, "no free slot"))
            continue
        tables_used.add(spot)
        busy.update((p, spot[0]) for p in meeting.participants)
        placed.append(ScheduledMeeting(meeting.id, *spot))
    return Result(
        instance.name,
        Status.FEASIBLE,
        tuple(placed),
        tuple(missing),
        objective=Objective(0, 0, 0),
        wall_time_s=0.01,
    )
