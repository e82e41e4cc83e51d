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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from app.scheduling.tables import effective_location
from app.scheduling.types import Instance


@dataclass(frozen=True)
class LpBounds:
    """LP upper bounds (None when the relaxation is infeasible or fails)."""

    weight: int | None
    meetings: int | None
    # Weight bound among schedules with shortfall 0, from the lexicographic LP
    # (see `lp_upper_bounds`); None unless that LP was solved and reached shortfall 0.
    weight_at_zero_shortfall: int | None = None


def lp_upper_bounds(
    instance: Instance,
    domain: Mapping[str, list[int]],
    blocked_locations: Mapping[int, set[str]],
    guide_out: dict[str, dict[int, float]] | None = None,
) -> LpBounds:
    """Upper bounds on the weight and on the meetings held, by LP relaxation.

    `domain` maps each meeting to the indices of its feasible slots and
    `blocked_locations` the tables taken by workshops per slot (both from the
    model, so that the LP relaxes exactly the same feasible set). With
    `guide_out`, the same LP is then re-solved for `lp_guide`'s objective
    (GLOP re-solves incrementally from the previous basis: cheaper than a new
    LP) and its positive values are stored there.
    """
    whats = ["weight", "meetings"] + (["lexicographic"] if guide_out is not None else [])
    found = _solve(instance, domain, blocked_locations, whats, values_out=guide_out)
    # When the lexicographic LP's optimum has shortfall 0, its value is the LP weight
    # bound among schedules of shortfall 0 (any such schedule is a feasible point of
    # that LP with no penalty). _solve returns it only in that case.
    return LpBounds(
        weight=found[0],
        meetings=found[1],
        weight_at_zero_shortfall=found[2] if len(found) > 2 else None,
    )


def lp_weight_bound_given_shortfall(
    instance: Instance,
    domain: Mapping[str, list[int]],
    blocked_locations: Mapping[int, set[str]],
    max_shortfall: int,
) -> int | None:
    """LP upper bound on the weight among schedules with shortfall <= max_shortfall.

    The lexicographic objective maximises weight only among schedules of
    optimal shortfall S*; for any achieved shortfall S >= S*, this bound
    (shortfall_p >= min_meetings_p - held_p, sum <= S) is therefore an upper
    bound on the lexicographic weight, tighter than `lp_upper_bounds`.
    """
    return _solve(instance, domain, blocked_locations, ["weight"], max_shortfall)[0]


def lp_guide(
    instance: Instance, domain: Mapping[str, list[int]], blocked_locations: Mapping[int, set[str]]
) -> dict[str, dict[int, float]] | None:
    """Fractional (meeting, slot) values of the lexicographic LP relaxation, or None.

    The LP maximises weight minus a penalty on shortfall far above any single
    weight (so shortfall comes first, as in the objective). Its values are
    not a bound but a guide: `greedy.greedy(guide=...)` places meetings in
    decreasing LP value, each in its LP slot first. Only positive values
    are returned, keyed by meeting id and slot index.
    """
    values: dict[str, dict[int, float]] = {}
    if _solve(instance, domain, blocked_locations, ["lexicographic"], values_out=values)[0] is None:
        return None
    return values


def _solve(
    instance: Instance,
    domain: Mapping[str, list[int]],
    blocked_locations: Mapping[int, set[str]],
    whats: Sequence[str],
    max_shortfall: int | None = None,
    values_out: dict[str, dict[int, float]] | None = None,
) -> list[int | None]:
    """Build the LP once and maximise each objective of `whats` in turn.

    "weight" and "meetings" give bounds (optimum rounded down); the last
    "lexicographic" solve fills `values_out` (its optimum is no bound).
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return [None] * len(whats)
    # Objective coefficients of each variable, per objective.
    coefs: dict[str, list[tuple[pywraplp.Variable, float]]] = defaultdict(list)
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
    xvars: dict[tuple[str, int], pywraplp.Variable] = {}
    for m in instance.meetings:
        xs = []
        for s in domain.get(m.id, []):
            v = solver.NumVar(0.0, 1.0, "")
            xvars[m.id, s] = v
            xs.append(v)
            per_s[s].append(v)
            for p in m.participants:
                per_ps[p, s].append(v)
            loc = eff[m.id]
            if loc is not None:
                per_ls[loc, s].append(v)
            coefs["meetings"].append((v, 1.0))
            if not m.required:
                coefs["weight"].append((v, float(m.weight)))
                coefs["lexicographic"].append((v, float(m.weight)))
        if m.required:
            if not xs:
                return [None] * len(whats)
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
                for s in slots
            ):
                continue
            v = solver.NumVar(0.0, 1.0, "")
            ys.append(v)
            coefs["weight"].append((v, float(c.weight)))
            coefs["lexicographic"].append((v, float(c.weight)))
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
    shortfalls: list[pywraplp.Variable] = []
    if max_shortfall is not None or "lexicographic" in whats:
        # A guide, not a bound: a penalty far above any single weight puts shortfall
        # first in practice. (A penalty above the total weight, which would make it
        # exact, was measured to leave GLOP's solution 6 % short of the weight
        # optimum at 5,000 requests: the scales are too far apart.)
        penalty = 100.0 * max(
            [1]
            + [m.weight for m in instance.meetings]
            + [c.weight for w in instance.workshops for c in w.candidates]
        )
        for part in instance.participants:
            if part.min_meetings > 0:
                u = solver.NumVar(0.0, float(part.min_meetings), "")
                solver.Add(u >= part.min_meetings - sum(per_p[part.id]))
                shortfalls.append(u)
                coefs["lexicographic"].append((u, -penalty))
        if max_shortfall is not None:
            solver.Add(sum(shortfalls) <= max_shortfall)
    objective.SetMaximization()
    out: list[int | None] = []
    previous: str | None = None
    for what in whats:
        if previous is not None:
            for v, _ in coefs[previous]:
                objective.SetCoefficient(v, 0.0)
        for v, coef in coefs[what]:
            objective.SetCoefficient(v, coef)
        previous = what
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            out.append(None)
            continue
        if what == "lexicographic":
            if values_out is not None:
                for (mid, s), v in xvars.items():
                    if v.solution_value() > 1e-6:
                        values_out.setdefault(mid, {})[s] = float(v.solution_value())
            if sum(u.solution_value() for u in shortfalls) > 1e-6:
                out.append(None)  # positive LP shortfall: the value is no weight bound
                continue
            # The weight part (not the objective, which a shortfall within the
            # tolerance could lower by up to penalty x 1e-6): it is at least the
            # weight of any shortfall-0 point of the LP.
            weight = sum(v.solution_value() * coef for v, coef in coefs["weight"])
            out.append(math.floor(weight + 1e-6))
            continue
        # Round down with a tolerance for floating-point noise of the simplex.
        out.append(math.floor(float(objective.Value()) + 1e-6))
    return out
