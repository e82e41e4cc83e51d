"""The staged objective: levels, their order and time shares, and the probes from below.

The objective is lexicographic (shortfall, then weight, then breaks, then, when
re-optimising, changes); `stage_plan` lists the stages of an instance. The
shortfall expression is built with the min-meetings rule (caps.py), breaks in
breaks.py; the weight (`add_weight`) and the changes (`changes_expr`) here.
`probe_from_below` proves small lower bounds of the breaks stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from app.scheduling.model.handoff import settled, stop_when_settled
from app.scheduling.model.params import make_solver

if TYPE_CHECKING:
    from app.scheduling import satbreaks
    from app.scheduling.model.container import SchedulingModel
    from app.scheduling.model.literals import LinearExpr
    from app.scheduling.types import Result

# Share of the remaining time given to each stage (a stage that ends early
# leaves its time to the next). Breaks and weight are the hard levels.
STAGE_SHARE = {"shortfall": 1.0, "weight": 4.0, "breaks": 2.0, "changes": 1.5}


@dataclass
class Stage:
    name: str
    status: str = "SKIPPED"
    value: int = 0
    bound: int | None = None
    time_s: float = 0.0
    time_to_best_s: float = 0.0  # since the start of solve()
    ended_at_s: float = 0.0  # since the start of solve()
    proved: bool = True


def add_weight(sm: SchedulingModel) -> None:
    """weight = optional meetings held + placed candidates (level 2, maximised)."""
    terms: list[LinearExpr] = []
    for m in sm.instance.meetings:
        if not m.required and sm.domain[m.id]:
            terms.append(m.weight * sm.scheduled[m.id])
    cw = {(w.id, c.participant): c.weight for w in sm.instance.workshops for c in w.candidates}
    for key, v in sm.y.items():
        terms.append(cw[key] * v)
    sm.has_weight = bool(terms)
    sm.weight = sum(terms)


def changes_expr(sm: SchedulingModel, previous_slot: Mapping[str, str]) -> LinearExpr:
    """Number of meetings whose slot differs from `previous` (tables: see tables.py).

    A meeting scheduled before counts 1 unless it keeps its slot; a meeting
    not scheduled before (new, or unscheduled) counts 1 if it is scheduled now.
    """
    terms: list[LinearExpr] = []
    for m in sm.instance.meetings:
        old = previous_slot.get(m.id)
        if old is None:
            if sm.domain[m.id]:
                terms.append(sm.scheduled[m.id])
            continue
        s = sm.slot_index.get(old)
        if s is not None and (m.id, s) in sm.x:
            terms.append(1 - sm.x[m.id, s])
        else:
            terms.append(1)
    return sum(terms)


def stage_plan(
    sm: SchedulingModel, previous: Result | None, changes: LinearExpr
) -> list[tuple[str, LinearExpr, bool]]:
    """The stages of `sm`'s solve, in lexicographic order: (name, expression, maximise)."""
    plan: list[tuple[str, LinearExpr, bool]] = []  # (name, expression, maximise)
    if sm.has_shortfall:
        plan.append(("shortfall", sm.shortfall, False))
    if sm.has_weight:
        plan.append(("weight", sm.weight, True))
    if sm.has_breaks:
        plan.append(("breaks", sm.breaks, False))
    if previous is not None and not isinstance(changes, int):
        plan.append(("changes", changes, False))
    if not plan:  # pure feasibility
        plan.append(("feasibility", 0, False))
    return plan


def probe_from_below(
    model: cp_model.CpModel,
    expr: LinearExpr,
    budget: float,
    workers: int,
    seed: int,
    options: Mapping[str, object] | None,
    max_probes: int = 3,
    sat: satbreaks.SatSearch | None = None,
) -> tuple[int, list[int] | None]:
    """Prove small lower bounds: is there a schedule with expr <= k, k = 0, 1, ...?

    Measured on the B2B set: "no schedule without breaks" is proved in under
    a second by a plain feasibility solve, while the optimising search can
    leave the bound at 0 for the whole time limit. Returns the proved lower
    bound and, if a probe succeeded, its (then optimal) solution. A SAT
    search running beside (`sat`) ends the probes when its schedule settles
    the question (see `settled`: probe k runs with k = the bound so far).
    """
    lb = 0
    for k in range(max_probes):
        if sat is not None and settled(sat, k):
            break
        probe = model.clone()
        probe.clear_objective()  # type: ignore[no-untyped-call]
        probe.add(expr <= k)
        solver = make_solver(min(0.1 * budget, 3.0), workers, seed, options)
        if sat is not None:
            sat.on_found.append(stop_when_settled(sat, solver, k))
        status = solver.solve(probe)
        if status == cp_model.INFEASIBLE:
            lb = k + 1
            continue
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return lb, list(solver.response_proto.solution)
        break
    return lb, None
