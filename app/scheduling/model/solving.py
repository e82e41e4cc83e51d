"""The solve loop: build the model, find a start, then one CP-SAT solve per stage.

`solve` reads the `model_*` switches (`params.read_switches`), builds the
model, computes the LP bounds and the LP-guided start and completes it into a
solution (`hints.lp_bounds`, `choose_start_slots`, `starting_solution`), lists the
stages (`objective.stage_plan`) and runs them in order (`_run_stages`). Each stage
(`_solve_stage`) optimises its level under the levels fixed before it, hinted
with the last solution; the breaks stage also runs the SAT search beside it
(`handoff.py`) and probes its lower bound from below (`objective.py`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from app.scheduling import satbreaks
from app.scheduling.model.container import SchedulingModel
from app.scheduling.model.handoff import merge_sat, settled, start_sat, stop_when_settled
from app.scheduling.model.hints import (
    bounds_proved_by_hint,
    choose_start_slots,
    first_solution,
    lp_bounds,
    set_hint,
    starting_solution,
)
from app.scheduling.model.literals import LinearExpr
from app.scheduling.model.objective import (
    STAGE_SHARE,
    Stage,
    changes_expr,
    probe_from_below,
    stage_plan,
)
from app.scheduling.model.params import Progress, Switches, make_solver, read_switches
from app.scheduling.model.results import no_schedule, result_from, stage_stats, stage_value
from app.scheduling.types import Instance, Result


@dataclass
class _Run:
    """State of one `solve` shared by its stages; `solution` is the last schedule."""

    sm: SchedulingModel
    switches: Switches
    options: dict[str, object]  # CP-SAT parameters
    stats: dict[str, float | int | str]
    t0: float
    deadline: float
    workers: int
    seed: int
    previous_slot: dict[str, str]
    targets: dict[str, int]  # re-optimisation: the previous schedule's levels
    changes: LinearExpr
    proved_by_hint: dict[str, int]
    exact: bool  # the SAT search of the breaks stage is exact (see satbreaks)
    solution: list[int] | None = None
    solved_any: bool = False


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    hint: Mapping[str, tuple[str, str]] | None = None,
    previous: Result | None = None,
    options: Mapping[str, object] | None = None,
) -> Result:
    """Solve `instance` lexicographically (shortfall, weight, breaks[, changes]).

    `hint` maps meeting ids to (slot, location) of a known schedule (e.g. the
    greedy's) used as the first stage's hint. `previous` turns on minimal-change
    re-optimisation: the previous schedule is the hint, and a last stage
    minimises the number of changed meetings (see `changed_meetings`).
    `options` sets extra CP-SAT parameters (benchmarks). The result's
    unscheduled meetings carry an empty reason (explain.py fills them).
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit
    switches, cp_sat = read_switches(options)
    sm = SchedulingModel(
        instance,
        block_starts=switches.block_starts,
        long_span_clauses=switches.long_span_clauses,
        redundant_counts=switches.redundant_counts,
    ).build()
    model = sm.model
    stats: dict[str, float | int | str] = {
        "build_s": round(time.monotonic() - t0, 3),
        "variables": len(model.proto.variables),
        "constraints": len(model.proto.constraints),
        "workers": workers,
        "seed": seed,
        "time_limit_s": time_limit,
    }
    if len(model.proto.variables) >= switches.large_from:
        # Measured on a 5,000-request event: presolve probing took ~10 s of every
        # stage (each stage presolves again), leaving no time to search.
        cp_sat = {"cp_model_probing_level": 0, **cp_sat}
        stats["light_presolve"] = 1
    lp, guide = lp_bounds(sm, previous, switches.lp_guided, stats)

    previous_slot: dict[str, str] = {}
    previous_location: dict[str, str] = {}
    if previous is not None:
        previous_slot = {sm_.id: sm_.slot for sm_ in previous.meetings}
        previous_location = {sm_.id: sm_.location for sm_ in previous.meetings}
    start_slots = choose_start_slots(sm, previous_slot, hint, guide, stats)
    solution = starting_solution(
        sm, start_slots, previous, time_limit, deadline, workers, seed, stats
    )

    targets: dict[str, int] = {}
    if previous is not None and previous.objective is not None:
        targets = {
            "shortfall": previous.objective.shortfall,
            "weight": previous.objective.weight,
            "breaks": previous.objective.breaks,
        }
        # Measured on a 2,000-request event: without presolve, the 5 s re-optimisation
        # gets through every stage (with it, presolve alone ate most stages).
        cp_sat = {"cp_model_presolve": False, **cp_sat}
    changes: LinearExpr = 0
    if previous is not None:
        changes = changes_expr(sm, previous_slot)
    plan = stage_plan(sm, previous, changes)

    if (
        solution is None
        and previous is None
        and switches.first_solution_share > 0
        and plan[0][0] != "feasibility"
    ):
        # No valid start (e.g. the greedy breaks the spread rule): find one first with
        # a pure SAT search, far faster than the stages' default search here. Not when
        # re-optimising: any schedule would be far from the previous one (measured:
        # 686 of 2,000 meetings changed instead of 1 when the previous one's completion
        # timed out under load), the stages follow the previous schedule's hint instead.
        tf = time.monotonic()
        solution = first_solution(model, switches.first_solution_share * time_limit, seed)
        stats["first_solution_s"] = round(time.monotonic() - tf, 3)
        stats["first_solution_found"] = int(solution is not None)
    proved_by_hint: dict[str, int] = {}
    if solution is not None and previous is None:
        proved_by_hint = bounds_proved_by_hint(sm, solution, lp)
    run = _Run(
        sm=sm,
        switches=switches,
        options=cp_sat,
        stats=stats,
        t0=t0,
        deadline=deadline,
        workers=workers,
        seed=seed,
        previous_slot=previous_slot,
        targets=targets,
        changes=changes,
        proved_by_hint=proved_by_hint,
        exact=satbreaks.not_applicable(sm) is None,
        solution=solution,
    )
    stages = _run_stages(run, plan)
    stage_stats(stages, stats)
    if run.solution is None:
        return no_schedule(sm, stages, t0, stats)
    return result_from(
        sm,
        run.solution,
        stages,
        run.solved_any,
        plan,
        previous_slot,
        previous_location,
        lp,
        t0,
        stats,
    )


def _run_stages(run: _Run, plan: list[tuple[str, LinearExpr, bool]]) -> list[Stage]:
    """Run the stages in order, each with its share of the remaining time."""
    stages: list[Stage] = []
    for i, (name, expr, maximise) in enumerate(plan):
        remaining = run.deadline - time.monotonic()
        shares = [STAGE_SHARE.get(n, 1.0) for n, _, _ in plan[i:]]
        budget = remaining * shares[0] / sum(shares)
        known = run.proved_by_hint.get(name)
        if known is not None and run.solution is not None:
            stages.append(_fix_known(run, name, expr, known))
            continue
        stage, status = _solve_stage(run, name, expr, maximise, budget)
        stages.append(stage)
        if status == cp_model.INFEASIBLE or run.solution is None:
            break  # infeasible, or no schedule at all within the time limit
        # UNKNOWN after an earlier stage: keep that stage's schedule and go on.
    return stages


def _fix_known(run: _Run, name: str, expr: LinearExpr, known: int) -> Stage:
    """A stage the start already settles: fix its level without solving."""
    # The starting schedule already meets a proven bound of this level
    # (shortfall 0; weight equal to the LP bound at shortfall 0): the
    # stage would only spend time proving it. Fix the level, move on.
    stage = Stage(name)
    run.sm.model.add(expr == known)
    stage.status, stage.value, stage.bound = "OPTIMAL", known, known
    stage.ended_at_s = round(time.monotonic() - run.t0, 3)
    run.stats[f"{name}_proved_by"] = "hint"
    run.solved_any = True  # the start is a CP-SAT solution of the model (complete_hint)
    return stage


def _solve_stage(
    run: _Run, name: str, expr: LinearExpr, maximise: bool, budget: float
) -> tuple[Stage, cp_model.CpSolverStatus]:
    """One stage: optimise its level, keep the best schedule, fix the level; (stage, status)."""
    sm, model, stats = run.sm, run.sm.model, run.stats
    stage = Stage(name)
    target = run.targets.get(name)
    goal, level = _level_goal(run, name, expr, maximise, target)
    if run.solution is not None:
        set_hint(model, run.solution)
    if maximise:
        model.maximize(goal)
    elif isinstance(goal, int):
        model.clear_objective()  # type: ignore[no-untyped-call]
    else:
        model.minimize(goal)
    ts = time.monotonic()
    sat: satbreaks.SatSearch | None = None
    if (
        name == "breaks"
        and target is None
        and run.switches.sat_breaks
        and (run.exact or run.solution)
    ):
        # Started first, so that the probes below run beside it (measured: on
        # ticf-13crafb the probes alone take 3.7 s of the 20).
        sat = start_sat(
            sm, run.solution, run.exact, run.switches.sat_method, run.deadline, stats, ts
        )
    # The SAT search's process takes one of the cores while it runs.
    stage_workers = (
        run.workers if sat is None or run.switches.sat_share_workers else max(1, run.workers - 1)
    )
    known_lb = 0  # proved lower bound of this stage before its main solve
    try:
        if name == "breaks" and run.switches.probe_breaks and target is None:
            known_lb = _probe_breaks(run, expr, budget, stage_workers, sat)
        budget -= time.monotonic() - ts
        if sat is not None:
            # Keep time to turn a SAT schedule into a CP-SAT solution after the stage
            # (merge_sat; like the start's completion: 1.4 s at 5,000 requests).
            completion = float(stats.get("hint_completion_s", 0.1))
            budget -= min(0.2 * budget, 1.5 * completion)
        solver = make_solver(
            budget,
            stage_workers,
            run.seed,
            run.options,
            core=run.switches.core_stages.get(name, True),
        )
        progress = Progress(run.t0)
        stage_end = time.monotonic() + budget
        if sat is not None:
            sat.on_found.append(stop_when_settled(sat, solver, known_lb))
            if settled(sat, known_lb):
                solver.parameters.max_time_in_seconds = 0.05  # found while starting
        status = solver.solve(model, progress)
    except BaseException:
        if sat is not None:
            sat.stop()  # never leave the child process running behind an error
        raise
    if (
        status == cp_model.UNKNOWN
        and run.solution is None
        and run.deadline - time.monotonic() > 0.2
    ):
        # No schedule at all yet: spend what is left on a first one (large events
        # under load can need more than the first stage's share to get started).
        solver = make_solver(
            run.deadline - time.monotonic(), run.workers, run.seed, run.options, core=False
        )
        solver.parameters.stop_after_first_solution = True
        status = solver.solve(model, progress)
        if status == cp_model.OPTIMAL:
            status = cp_model.FEASIBLE  # optimal for "first solution" only
        stats[f"{name}_first_solution_fallback"] = 1
    stage.time_s = round(time.monotonic() - ts, 3)
    stage.ended_at_s = round(time.monotonic() - run.t0, 3)
    stage.status = solver.status_name(status)
    stage.time_to_best_s = round(progress.last_solution_at, 3)
    status = _keep_best(run, stage, status, solver, expr, level, target, maximise)
    if sat is not None:
        if not stage.proved:
            # CP-SAT ended early without a proof (e.g. a conflict limit): the SAT
            # search may still answer within the stage's time.
            sat.wait(stage_end - time.monotonic())
        sat.stop()
        merged = merge_sat(
            sat, sm, stage, run.solution, expr, stats, run.t0, run.workers, run.seed, known_lb
        )
        if merged is not run.solution:
            run.solved_any = True  # a complete CP-SAT solution of the model (complete_hint)
        run.solution = merged
        if stage.proved:
            status = cp_model.OPTIMAL
    return stage, status


def _level_goal(
    run: _Run, name: str, expr: LinearExpr, maximise: bool, target: int | None
) -> tuple[LinearExpr, LinearExpr]:
    """The stage's objective and the level it reports: `expr` itself, or when
    re-optimising, `expr` capped at the previous level plus a term for changes."""
    sm, model = run.sm, run.sm.model
    goal: LinearExpr = expr
    level: LinearExpr = expr
    if target is not None and not isinstance(expr, int):
        # Re-optimisation: reach the previous level where possible, no further
        # (improving beyond it would only buy changes): optimise min(expr, T)
        # for a maximised level, max(expr, T) for a minimised one.
        capped = model.new_int_var(-(10**9), 10**9, f"capped_{name}")
        model.add(capped <= expr if maximise else capped >= expr)
        model.add(capped <= target if maximise else capped >= target)
        level = capped
        # Secondary term: among schedules reaching the level, prefer those close
        # to the previous one (a level stage must not drift away for nothing).
        n = len(sm.instance.meetings) + 1
        near: LinearExpr = -run.changes if maximise else run.changes
        goal = n * capped + near  # type: ignore[operator]
        if run.solution is not None:
            now = stage_value(sm, run.solution, name, run.previous_slot)
            run.solution = [*run.solution, min(now, target) if maximise else max(now, target)]
    return goal, level


def _probe_breaks(
    run: _Run,
    expr: LinearExpr,
    budget: float,
    stage_workers: int,
    sat: satbreaks.SatSearch | None,
) -> int:
    """Probe the breaks stage from below; returns the proved lower bound."""
    model, stats = run.sm.model, run.stats
    tp = time.monotonic()
    lb, found = probe_from_below(
        model,
        expr,
        budget,
        stage_workers,
        run.seed,
        run.options,
        run.switches.probe_count,
        sat,
    )
    stats["breaks_probe_lower_bound"] = lb
    stats["breaks_probe_s"] = round(time.monotonic() - tp, 3)
    if lb > 0:
        model.add(expr >= lb)  # proved: every schedule has at least lb breaks
    if found is not None:
        set_hint(model, found)  # optimal already; the solve below proves it
    return lb


def _keep_best(
    run: _Run,
    stage: Stage,
    status: cp_model.CpSolverStatus,
    solver: cp_model.CpSolver,
    expr: LinearExpr,
    level: LinearExpr,
    target: int | None,
    maximise: bool,
) -> cp_model.CpSolverStatus:
    """Keep the better of the solver's and the incoming schedule, fix the level for
    the next stages; returns the stage's status (FEASIBLE when the incoming is kept)."""
    sm, model = run.sm, run.sm.model
    incoming = run.solution
    solver_found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    stage.proved = status == cp_model.OPTIMAL
    if solver_found:
        run.solution = list(solver.response_proto.solution)
        run.solved_any = True
        stage.value = int(solver.value(level)) if not isinstance(expr, int) else 0
        stage.proved = status == cp_model.OPTIMAL
    if incoming is not None and not stage.proved and not isinstance(expr, int):
        # A short stage may stop before CP-SAT has even loaded the hint (it is
        # checked after presolve): never return worse than the incoming schedule.
        before = stage_value(sm, incoming, stage.name, run.previous_slot)
        if target is not None:
            before = min(before, target) if maximise else max(before, target)
        if run.solution is incoming or (before > stage.value if maximise else before < stage.value):
            run.solution, stage.value = incoming, before
            status = cp_model.FEASIBLE
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if not isinstance(expr, int):
            raw = solver.best_objective_bound
            if solver_found and math.isfinite(raw) and target is None:
                stage.bound = int(raw // 1) if maximise else -int(-raw // 1)
            # Fix this level for the next stages (its optimum, or its best value).
            if stage.proved and target is None:
                model.add(expr == stage.value)
            elif maximise:
                model.add(expr >= stage.value)
            else:
                model.add(expr <= stage.value)
    else:
        stage.proved = status == cp_model.INFEASIBLE
    return status
