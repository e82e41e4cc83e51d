"""Hints: the start of the solve and the complete solutions handed to each stage.

`set_hint` gives CP-SAT a value for every variable; `complete_hint` turns a
schedule's slots (greedy, LP-guided greedy or previous) into such a solution;
`_lp_guided_slots` and `_hint_key` choose the start; `first_solution` finds
one by a pure SAT search when no start is valid. The steps of `solve` that
prepare the start are here too: the LP bounds and guide (`lp_bounds`), the
starting slots (`choose_start_slots`), their completion (`starting_solution`) and
the levels the start already proves (`bounds_proved_by_hint`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from app.scheduling.bounds import LpBounds, lp_upper_bounds
from app.scheduling.model.params import make_solver
from app.scheduling.model.results import evaluate, stage_value

if TYPE_CHECKING:
    from app.scheduling.model.container import SchedulingModel
    from app.scheduling.types import Result


def set_hint(model: cp_model.CpModel, values: Sequence[int]) -> None:
    """Complete hint: one value for every variable of the model."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def complete_hint(
    sm: SchedulingModel,
    start_slots: Mapping[str, str],
    placed: Mapping[str, Sequence[str]] | None,
    limit: float,
    workers: int,
    seed: int,
) -> list[int] | None:
    """A value for every variable from a schedule's slots (greedy or previous), or None.

    CP-SAT only uses a partial hint as a guide (and checks a complete one after
    presolve, which takes seconds on large events), so a stage may end before
    the hint is even loaded. Fixing the hinted slots (meetings whose hinted slot
    is no longer possible: unscheduled if optional, free if required) and
    solving the rest is almost pure propagation, and yields a complete hint that
    is also a valid schedule to fall back on. Workshop candidates follow
    `placed` when given, else the candidates' weight is maximised.
    """

    def attempt(fix_candidates: bool) -> list[int] | None:
        probe = sm.model.clone()
        probe.clear_objective()  # type: ignore[no-untyped-call]
        for m in sm.instance.meetings:
            sid = start_slots.get(m.id)
            s = sm.slot_index.get(sid) if sid is not None else None
            if s is not None and (m.id, s) in sm.x:
                probe.add(sm.x[m.id, s] == 1)
            elif not m.required:
                for t in sm.domain[m.id]:
                    probe.add(sm.x[m.id, t] == 0)
        if fix_candidates and placed is not None:
            for (wid, p), v in sm.y.items():
                probe.add(v == int(p in placed.get(wid, ())))
        elif sm.y:
            probe.maximize(sm.weight)  # meetings are fixed: only candidates vary
        solver = make_solver(limit, workers, seed, None, core=False)
        # Everything but the candidates is fixed: presolve would cost more than
        # the search (seconds at 2,000 requests).
        solver.parameters.cp_model_presolve = False
        if not sm.y or (fix_candidates and placed is not None):
            solver.parameters.stop_after_first_solution = True
        if solver.solve(probe) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return list(solver.response_proto.solution)
        return None

    return attempt(True) or (attempt(False) if placed is not None else None)


def _lp_guided_slots(
    sm: SchedulingModel, values: Mapping[str, Mapping[int, float]]
) -> dict[str, str]:
    """Slots of the greedy guided by the lexicographic LP's `values` (LP rounding), or None.

    Measured on generated events of 5,000 requests: the first-fit greedy
    leaves a shortfall of about 130 and the stages cannot repair it within
    their share; the LP's solution is nearly integral there, and placing
    meetings in decreasing LP value, each in its LP slot first, gives a
    start close to the LP bound on both levels.
    """
    from app.scheduling.greedy import greedy  # local: greedy is a separate baseline

    inst = sm.instance
    guide = {mid: {inst.slots[s].id: v for s, v in per.items()} for mid, per in values.items()}
    return {m.id: m.slot for m in greedy(inst, guide=guide).meetings}


def _hint_key(sm: SchedulingModel, slot_of: Mapping[str, str]) -> tuple[int, int, int]:
    """Lexicographic rank of a hint's slots: required meetings missing, shortfall, -weight."""
    inst = sm.instance
    held = {mid: sid for mid, sid in slot_of.items() if (mid, sm.slot_index.get(sid, -1)) in sm.x}
    objective = evaluate(inst, held, {})
    missing = sum(1 for m in inst.meetings if m.required and m.id not in held)
    return (missing, objective.shortfall, -objective.weight)


def first_solution(model: cp_model.CpModel, limit: float, seed: int) -> list[int] | None:
    """Any solution of the model's hard rules (objective ignored), by a pure SAT search.

    Measured on the B2B set (all meetings required, break spread 2), one
    worker, a feasibility solve: without the LP (linearization_level 0) and
    without presolve, a first schedule takes 0.7-3 s where CP-SAT's default
    search needs more than 15 s on forum-13crafb, ticf-13crafb and ticf-13crafc.
    """
    probe = model.clone()
    probe.clear_objective()  # type: ignore[no-untyped-call]
    solver = make_solver(limit, 1, seed, None, core=False)
    solver.parameters.linearization_level = 0
    solver.parameters.cp_model_presolve = False
    solver.parameters.stop_after_first_solution = True
    if solver.solve(probe) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.response_proto.solution)
    return None


def lp_bounds(
    sm: SchedulingModel,
    previous: Result | None,
    lp_guided: bool,
    stats: dict[str, float | int | str],
) -> tuple[LpBounds, dict[str, dict[int, float]] | None]:
    """The LP upper bounds, and the LP's values to guide the greedy start (or None)."""
    instance = sm.instance
    tl = time.monotonic()
    guide: dict[str, dict[int, float]] | None = None
    if previous is None and lp_guided and (sm.has_shortfall or sm.has_weight):
        guide = {}
    all_required = all(m.required for m in instance.meetings) and not sm.y
    if previous is None and all_required:
        # Every schedule holds exactly every meeting and no weight: the bounds are
        # exact without an LP (0.3-0.4 s of the 20 s on the B2B set).
        lp = LpBounds(weight=0, meetings=len(instance.meetings))
    elif previous is None:
        lp = lp_upper_bounds(instance, sm.domain, sm.blocked_locations, guide_out=guide)
    else:
        # Re-optimisation must answer in seconds: the LP (1.5 s at 2,000 requests)
        # is skipped and no LP bound is reported (stats lp_* = "none").
        lp = LpBounds(weight=None, meetings=None)
    stats["lp_s"] = round(time.monotonic() - tl, 3)
    stats["lp_weight_bound"] = "none" if lp.weight is None else lp.weight
    stats["lp_meetings_bound"] = "none" if lp.meetings is None else lp.meetings
    return lp, guide


def choose_start_slots(
    sm: SchedulingModel,
    previous_slot: dict[str, str],
    hint: Mapping[str, tuple[str, str]] | None,
    guide: Mapping[str, Mapping[int, float]] | None,
    stats: dict[str, float | int | str],
) -> dict[str, str]:
    """Slots of the starting schedule: the previous one, the hint or the LP-guided greedy's."""
    start_slots = previous_slot or {k: v[0] for k, v in (hint or {}).items()}
    if guide:
        tg = time.monotonic()
        guided = _lp_guided_slots(sm, guide)
        stats["lp_guide_s"] = round(time.monotonic() - tg, 3)
        if guided is not None and (
            not start_slots or _hint_key(sm, guided) < _hint_key(sm, start_slots)
        ):
            start_slots = guided
            stats["hint_source"] = "lp_guided_greedy"
        else:
            stats["hint_source"] = "given"
    return start_slots


def starting_solution(
    sm: SchedulingModel,
    start_slots: Mapping[str, str],
    previous: Result | None,
    time_limit: float,
    deadline: float,
    workers: int,
    seed: int,
    stats: dict[str, float | int | str],
) -> list[int] | None:
    """Hint the starting slots, and complete them into a solution of the model (or None)."""
    # First hint: the given schedule, else "no optional meeting held" (feasible
    # whenever required meetings and workshop minimums are, and a start for LNS).
    for (mid, s), v in sm.x.items():
        sm.model.add_hint(v, int(start_slots.get(mid) == sm.instance.slots[s].id))
    solution: list[int] | None = None
    if start_slots:
        tc = time.monotonic()
        placed_before = (
            {w.id: w.participants for w in previous.workshops} if previous is not None else None
        )
        solution = complete_hint(
            sm,
            start_slots,
            placed_before,
            min(0.15 * time_limit, 0.3 * (deadline - tc)),
            workers,
            seed,
        )
        stats["hint_completion_s"] = round(time.monotonic() - tc, 3)
        stats["hint_completed"] = int(solution is not None)
    return solution


def bounds_proved_by_hint(sm: SchedulingModel, solution: list[int], lp: LpBounds) -> dict[str, int]:
    """Levels the complete starting schedule already reaches at a proven bound."""
    proved_by_hint: dict[str, int] = {}
    if sm.has_shortfall and stage_value(sm, solution, "shortfall", {}) == 0:
        proved_by_hint["shortfall"] = 0
        wz = lp.weight_at_zero_shortfall
        if sm.has_weight and wz is not None and stage_value(sm, solution, "weight", {}) == wz:
            proved_by_hint["weight"] = wz
    elif (
        not sm.has_shortfall
        and sm.has_weight
        and lp.weight is not None
        and (stage_value(sm, solution, "weight", {}) == lp.weight)
    ):
        proved_by_hint["weight"] = lp.weight
    return proved_by_hint
