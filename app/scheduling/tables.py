"""Table assignment after the slots are fixed: one min-cost bipartite matching per slot.

The CP-SAT model only guarantees Hall's condition per slot (at most one meeting
per fixed/pinned location, at most as many meetings as free tables), so a
perfect matching of the slot's meetings to its free locations always exists.
Costs keep each participant at one table: every participant gets a *home*
table the first time it meets, and a meeting pays, for each participant whose
home is elsewhere, that participant's number of meetings (busy participants,
typically buyers, move least). With a previous schedule, keeping a meeting's
previous location dominates every other cost (minimal change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ortools.graph.python import linear_sum_assignment

from app.scheduling.types import Instance

_KEEP_PREVIOUS = 10_000  # cost of leaving a meeting's previous table: dominates continuity


class TableAssignmentError(RuntimeError):
    """The slots given violate a location rule (a bug in the caller: never expected)."""


def effective_location(instance: Instance) -> dict[str, str | None]:
    """Location each meeting must use: its fixed location or a pinned participant's."""
    pinned = {p.id: p.location for p in instance.participants}
    out: dict[str, str | None] = {}
    for m in instance.meetings:
        locs = {pinned.get(p) for p in m.participants} - {None}
        if m.location is not None:
            locs.add(m.location)
        out[m.id] = next(iter(locs)) if len(locs) == 1 else None
    return out


def assign_tables(
    instance: Instance,
    slot_of: Mapping[str, str],
    previous_location: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Location of every held meeting, given its slot (meeting id -> slot id)."""
    previous_location = previous_location or {}
    eff = effective_location(instance)
    location_ids = [loc.id for loc in instance.locations]
    known = set(location_ids)
    blocked: dict[str, set[str]] = defaultdict(set)
    for w in instance.workshops:
        if w.location in known:
            for sid in w.slots:
                blocked[sid].add(w.location)
    n_meetings: dict[str, int] = defaultdict(int)
    by_slot: dict[str, list[str]] = defaultdict(list)
    meetings = {m.id: m for m in instance.meetings}
    for m in instance.meetings:
        if m.id in slot_of:
            by_slot[slot_of[m.id]].append(m.id)
            for p in m.participants:
                n_meetings[p] += 1
    home: dict[str, str] = {}
    out: dict[str, str] = {}
    for slot in instance.slots:
        mids = by_slot.get(slot.id, [])
        taken: set[str] = set()
        free_meetings = []
        for mid in mids:
            loc = eff[mid]
            if loc is None:
                free_meetings.append(mid)
                continue
            if loc in taken or loc in blocked[slot.id]:
                raise TableAssignmentError(f"location {loc} used twice in slot {slot.id}")
            taken.add(loc)
            out[mid] = loc
        free_locs = [
            loc for loc in location_ids if loc not in taken and loc not in blocked[slot.id]
        ]
        if len(free_meetings) > len(free_locs):
            raise TableAssignmentError(f"more meetings than free tables in slot {slot.id}")
        if free_meetings:
            homes_in_use = set(home.values())
            solver = linear_sum_assignment.SimpleLinearSumAssignment()
            for i, mid in enumerate(free_meetings):
                for j, loc in enumerate(free_locs):
                    cost = 0
                    for p in meetings[mid].participants:
                        h = home.get(p)
                        if h is None:
                            cost += 1 if loc in homes_in_use else 0  # leave others' homes
                        elif h != loc:
                            cost += 2 * n_meetings[p]
                    if mid in previous_location and previous_location[mid] != loc:
                        cost += _KEEP_PREVIOUS
                    solver.add_arc_with_cost(i, j, cost)
            # Dummy meetings fill the free tables so that a perfect matching exists.
            for i in range(len(free_meetings), len(free_locs)):
                for j in range(len(free_locs)):
                    solver.add_arc_with_cost(i, j, 0)
            if solver.solve() != solver.OPTIMAL:
                raise TableAssignmentError(f"no table assignment in slot {slot.id}")
            for i, mid in enumerate(free_meetings):
                out[mid] = free_locs[solver.right_mate(i)]
        for mid in mids:
            for p in meetings[mid].participants:
                home.setdefault(p, out[mid])
    return out
