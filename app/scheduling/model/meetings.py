"""Meetings and tables: when each meeting is held, and the slots' table capacity.

`x[m, s]` exists only for the slots of meeting m's domain (container.py); a
meeting is held at most once, a required one exactly once; every participant
does one thing per slot (`busy`); tables are assigned after the solve, which
`add_location_capacity` makes exact; `after` precedences; two redundant
counts that strengthen propagation and the LP.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from app.scheduling.model.literals import LinearExpr

if TYPE_CHECKING:  # container.py imports this module at run time
    from app.scheduling.model.container import SchedulingModel


def add_meeting_variables(sm: SchedulingModel) -> None:
    """x[m, s] for every feasible pair; each meeting in at most one slot."""
    for m in sm.instance.meetings:
        lits = []
        for s in sm.domain[m.id]:
            v = sm.model.new_bool_var(f"x[{m.id},{s}]")
            sm.x[m.id, s] = v
            lits.append(v)
        sm.model.add_at_most_one(lits)
        sm.scheduled[m.id] = sum(lits) if lits else 0


def add_required(sm: SchedulingModel) -> None:
    """A required meeting is held exactly once."""
    for m in sm.instance.meetings:
        if m.required:
            lits = [sm.x[m.id, s] for s in sm.domain[m.id]]
            if not lits:
                sm.infeasible_reasons.append(f"required meeting {m.id} has no possible slot")
            sm.model.add_exactly_one(lits) if lits else sm.model.add_bool_or([])


def add_participant_busy(sm: SchedulingModel) -> None:
    """busy[p, s] = 1 iff p holds a meeting or attends a workshop in s (at most one)."""
    items: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (mid, s), v in sm.x.items():
        for p in sm.meetings_by_id[mid].participants:
            items[p, s].append(v)
    for w in sm.instance.workshops:
        for sid in w.slots:
            s = sm.slot_index[sid]
            for (wid, p), v in sm.y.items():
                if wid == w.id:
                    items[p, s].append(v)
    for part in sm.instance.participants:
        pid = part.id
        for t in range(len(sm.instance.slots)):
            if t in sm.member_slots[pid]:
                sm.busy[pid, t] = 1  # members always attend; meetings excluded by domain
                continue
            lits = items.get((pid, t), [])
            if not lits:
                sm.busy[pid, t] = 0
            elif len(lits) == 1:
                sm.busy[pid, t] = lits[0]
            else:
                b = sm.model.new_bool_var(f"busy[{pid},{t}]")
                sm.model.add(sum(lits) == b)  # also: one activity per slot
                sm.busy[pid, t] = b


def add_precedences(sm: SchedulingModel) -> None:
    """m after a: a is held in an earlier slot (and so is scheduled)."""
    for m in sm.instance.meetings:
        for a in m.after:
            for s in sm.domain[m.id]:
                earlier = [sm.x[a, t] for t in sm.domain.get(a, []) if t < s]
                if earlier:
                    sm.model.add_bool_or(earlier).only_enforce_if(sm.x[m.id, s])
                else:
                    sm.model.add(sm.x[m.id, s] == 0)


def add_location_capacity(sm: SchedulingModel) -> None:
    """Per slot: at most one meeting per pinned/fixed location, at most #free tables in all.

    This is exactly Hall's condition for the per-slot matching of meetings
    to locations (a located meeting needs its one location, the others any
    free one), so tables can be assigned after the slots without loss.
    """
    n_loc = len(sm.instance.locations)
    per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_loc_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (mid, s), v in sm.x.items():
        per_slot[s].append(v)
        loc = sm.eff_location[mid]
        if loc is not None:
            per_loc_slot[loc, s].append(v)
    for s, lits in per_slot.items():
        cap = n_loc - len(sm.blocked_locations[s])
        if len(lits) > cap:
            sm.model.add(sum(lits) <= cap)
    for lits in per_loc_slot.values():
        if len(lits) > 1:
            sm.model.add_at_most_one(lits)


def add_redundant_busy_per_slot(sm: SchedulingModel) -> None:
    """Redundant: busy participants per slot <= sum over the meetings of their size.

    With two-person meetings this is "busy participants <= 2 x tables"; it
    helps the LP relaxation tie busy literals to table capacity.
    """
    n_loc = len(sm.instance.locations)
    sizes = {m.id: len(m.participants) for m in sm.instance.meetings}
    if not sizes or any(v != 2 for v in sizes.values()) or sm.instance.workshops:
        return
    for s in range(len(sm.instance.slots)):
        lits = [b for p in sm.instance.participants if not isinstance(b := sm.busy[p.id, s], int)]
        cap = 2 * (n_loc - len(sm.blocked_locations[s]))
        if len(lits) > cap:
            sm.model.add(sum(lits) <= cap)


def add_redundant_counts(sm: SchedulingModel) -> None:
    """Redundant: busy slots of p = meetings held by p + workshop slots attended.

    Implied by the per-slot definition of busy, but stated once per
    participant it lets propagation and the LP see each participant's
    total load (for all-required events, a constant).
    """
    per = sm._meetings_of()
    wslots = {w.id: len(w.slots) for w in sm.instance.workshops}
    for part in sm.instance.participants:
        lits = [
            b
            for t in range(len(sm.instance.slots))
            if not isinstance(b := sm.busy[part.id, t], int)
        ]
        if not lits:
            continue
        terms: list[LinearExpr] = [sm.scheduled[m] for m in per[part.id]]
        terms += [wslots[wid] * v for (wid, p), v in sm.y.items() if p == part.id]
        load = sum(terms)
        # Member slots are constant-busy and excluded from lits and load alike.
        sm.model.add(sum(lits) == load)
