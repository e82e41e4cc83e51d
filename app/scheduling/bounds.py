"""Upper bounds on the total weight and on the number of schedulable meetings.

Both come from the LP relaxation of the slot-assignment model (GLOP): x[m, s]
in [0, 1] for every feasible (meeting, slot) pair and y[w, c] in [0, 1] for
every placeable workshop candidate, with
  * each meeting held at most once (exactly once if required),
  * each participant in at most one activity per slot,
  * per slot, at most one meeting per fixed/pinned location and at most as
    many meetings as free tables,
  * max_meetings caps and workshop sizes.
Precedences, breaks and the spread rule are dropped (a relaxation stays an
upper bound). The LP optimum, rounded down (weights and counts are integers),
bounds every schedule. It is cheap (one LP per bound) and, on meeting
scheduling, close to the integer optimum because the participant-slot
constraints form an almost bipartite structure.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from app.scheduling.tables import effective_location
from app.scheduling.types import Instance


@dataclass(frozen=True)
class LpBounds:
    """LP upper bounds (None when the relaxation is infeasible or fails)."""

    weight: int | None
    meetings: int | None


def lp_upper_bounds(instance: Instance, domain: Mapping[str, list[int]],
                    blocked_locations: Mapping[int, set[str]]) -> LpBounds:
    """Upper bounds on the weight and on the meetings held, by LP relaxation.

    `domain` maps each meeting to the indices of its feasible slots and
    `blocked_locations` the tables taken by workshops per slot (both from the
    model, so that the LP relaxes exactly the same feasible set).
    """
    return LpBounds(weight=_solve(instance, domain, blocked_locations, "weight"),
                    meetings=_solve(instance, domain, blocked_locations, "meetings"))


def lp_weight_bound_given_shortfall(instance: Instance, domain: Mapping[str, list[int]],
                                    blocked_locations: Mapping[int, set[str]],
                                    max_shortfall: int) -> int | None:
    """LP upper bound on the weight among schedules with shortfall <= max_shortfall.

    The lexicographic objective maximises weight only among schedules of
    optimal shortfall S*; for any achieved shortfall S >= S*, this bound
    (shortfall_p >= min_meetings_p - held_p, sum <= S) is therefore an upper
    bound on the lexicographic weight, tighter than `lp_upper_bounds`.
    """
    return _solve(instance, domain, blocked_locations, "weight", max_shortfall)


def _solve(instance: Instance, domain: Mapping[str, list[int]],
           blocked_locations: Mapping[int, set[str]], what: str,
           max_shortfall: int | None = None) -> int | None:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return None
    slot_index = {s.id: i for i, s in enumerate(instance.slots)}
    participants = {p.id: p for p in instance.participants}
    eff = effective_location(instance)
    member_slots: dict[str, set[int]] = defaultdict(set)
    for w in instance.workshops:
        for p in w.members:
            member_slots[p].update(slot_index[s] for s in w.slots)
    per_ps: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    per_s: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    per_ls: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    per_p: dict[str, list[pywraplp.Variable]] = defaultdict(list)
    objective = solver.Objective()
    for m in instance.meetings:
        xs = []
        for s in domain.get(m.id, []):
            v = solver.NumVar(0.0, 1.0, "")
            xs.append(v)
            per_s[s].append(v)
            for p in m.participants:
                per_ps[p, s].append(v)
            loc = eff[m.id]
            if loc is not None:
                per_ls[loc, s].append(v)
            coef = 1.0 if what == "meetings" else (0.0 if m.required else float(m.weight))
            objective.SetCoefficient(v, coef)
        if m.required:
            if not xs:
                return None
            solver.Add(sum(xs) == 1)
        elif xs:
            solver.Add(sum(xs) <= 1)
        for p in m.participants:
            per_p[p].extend(xs)
    for w in instance.workshops:
        ys = []
        slots = [slot_index[s] for s in w.slots]
        for c in w.candidates:
            cand = participants[c.participant]
            if c.participant in w.members or any(
                    instance.slots[s].id in cand.unavailable or s in member_slots[cand.id]
                    for s in slots):
                continue
            v = solver.NumVar(0.0, 1.0, "")
            ys.append(v)
            if what == "weight":
                objective.SetCoefficient(v, float(c.weight))
            for s in slots:
                per_ps[c.participant, s].append(v)
        size = len(w.members) + sum(ys)
        solver.Add(size >= w.min_size)
        if w.max_size is not None:
            solver.Add(size <= w.max_size)
    for vs in per_ps.values():
        if len(vs) > 1:
            solver.Add(sum(vs) <= 1)
    n_loc = len(instance.locations)
    for s, vs in per_s.items():
        solver.Add(sum(vs) <= n_loc - len(blocked_locations.get(s, ())))
    for vs in per_ls.values():
        if len(vs) > 1:
            solver.Add(sum(vs) <= 1)
    for part in instance.participants:
        if part.max_meetings is not None and per_p[part.id]:
            solver.Add(sum(per_p[part.id]) <= part.max_meetings)
    if max_shortfall is not None:
        shortfalls = []
        for part in instance.participants:
            if part.min_meetings > 0:
                u = solver.NumVar(0.0, float(part.min_meetings), "")
                solver.Add(u >= part.min_meetings - sum(per_p[part.id]))
                shortfalls.append(u)
        solver.Add(sum(shortfalls) <= max_shortfall)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # Round down with a tolerance for floating-point noise of the simplex.
    return math.floor(float(objective.Value()) + 1e-6)
