"""Exhaustive optimum of tiny instances, through the validator only (tests' oracle).

Enumerates every slot (or none) for every meeting and every subset of
workshop candidates. When no meeting needs a particular location (no pins,
no fixed locations, no workshop using a table — `supported`), tables are
given in list order per slot, which loses nothing; otherwise every
(slot, location) pair is enumerated, which only suits two or three meetings.
"""

from __future__ import annotations

import itertools

from app.scheduling.types import (
    Instance,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)
from app.scheduling.validate import validate


def supported(inst: Instance) -> bool:
    """True when table order does not matter (see the module docstring)."""
    location_ids = {loc.id for loc in inst.locations}
    return (all(m.location is None for m in inst.meetings)
            and all(p.location is None for p in inst.participants)
            and all(w.location not in location_ids for w in inst.workshops))


def best_objective(inst: Instance) -> Objective | None:
    """The lexicographic optimum (shortfall, weight, breaks), or None if infeasible."""
    if not supported(inst):
        return _best_with_locations(inst)
    best: tuple[int, int, int] | None = None
    slot_ids = [s.id for s in inst.slots]
    choices = [(None, *slot_ids)] * len(inst.meetings)
    workshop_options = [
        [tuple(w.members) + extra
         for k in range(len(w.candidates) + 1)
         for extra in itertools.combinations([c.participant for c in w.candidates], k)]
        for w in inst.workshops]
    for slots in itertools.product(*choices):
        used: dict[str, int] = {}
        placed = []
        for m, s in zip(inst.meetings, slots, strict=True):
            if s is None:
                continue
            k = used.get(s, 0)
            if k >= len(inst.locations):
                break
            used[s] = k + 1
            placed.append(ScheduledMeeting(m.id, s, inst.locations[k].id))
        else:
            for combo in itertools.product(*workshop_options):
                res = Result(
                    instance=inst.name, status=Status.FEASIBLE, meetings=tuple(placed),
                    unscheduled=tuple(Unscheduled(m.id, "") for m, s in
                                      zip(inst.meetings, slots, strict=True) if s is None),
                    workshops=tuple(WorkshopPlacement(w.id, ps)
                                    for w, ps in zip(inst.workshops, combo, strict=True)))
                report = validate(inst, res)
                if report.ok:
                    o = report.objective
                    key = (o.shortfall, -o.weight, o.breaks)
                    if best is None or key < best:
                        best = key
    return None if best is None else Objective(best[0], -best[1], best[2])


def _best_with_locations(inst: Instance) -> Objective | None:
    """Like `best_objective`, enumerating locations too."""
    best: tuple[int, int, int] | None = None
    pairs = [None, *((s.id, loc.id) for s in inst.slots for loc in inst.locations)]
    workshop_options = [
        [tuple(w.members) + extra
         for k in range(len(w.candidates) + 1)
         for extra in itertools.combinations([c.participant for c in w.candidates], k)]
        for w in inst.workshops]
    for choice in itertools.product(pairs, repeat=len(inst.meetings)):
        placed = tuple(ScheduledMeeting(m.id, *pair)
                       for m, pair in zip(inst.meetings, choice, strict=True) if pair is not None)
        unscheduled = tuple(Unscheduled(m.id, "")
                            for m, pair in zip(inst.meetings, choice, strict=True) if pair is None)
        for combo in itertools.product(*workshop_options):
            res = Result(instance=inst.name, status=Status.FEASIBLE, meetings=placed,
                         unscheduled=unscheduled,
                         workshops=tuple(WorkshopPlacement(w.id, ps)
                                         for w, ps in zip(inst.workshops, combo, strict=True)))
            report = validate(inst, res)
            if report.ok:
                o = report.objective
                key = (o.shortfall, -o.weight, o.breaks)
                if best is None or key < best:
                    best = key
    return None if best is None else Objective(best[0], -best[1], best[2])
