"""SAT hand-off of the breaks stage: start the SAT search, stop CP-SAT when it settles
the stage, fold its bound and schedule back into the stage.

The search itself (encoding, child process) is `satbreaks.py` and `satworker.py`.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from app.scheduling import satbreaks
from app.scheduling.model.hints import complete_hint
from app.scheduling.model.results import stage_value

if TYPE_CHECKING:
    from app.scheduling.model.container import SchedulingModel
    from app.scheduling.model.literals import LinearExpr
    from app.scheduling.model.objective import Stage


def start_sat(
    sm: SchedulingModel,
    solution: list[int] | None,
    exact: bool,
    sat_method: str,
    deadline: float,
    stats: dict[str, float | int | str],
    ts: float,  # when the stage started
) -> satbreaks.SatSearch:
    """Encode the breaks stage for the SAT search and start it in its child process.

    Exact (all meetings required, no workshops): every schedule; otherwise the
    schedules holding the same meetings and seats as `solution` (`_held_of`).
    """
    current = stage_value(sm, solution, "breaks", {}) if solution is not None else None
    k_max = len(sm.instance.participants) - 1  # see satbreaks: spread exact below
    if current is not None:
        k_max = min(k_max, current - 1)
    counted = k_max if sat_method == "lsu" else None
    seats = None
    if exact:
        encoding = satbreaks.encode(sm, counted)
    else:
        # Optional meetings or workshops: the fewest breaks among schedules
        # holding the same meetings and seats as the current one (so the same
        # shortfall and weight) — a better schedule, not a bound.
        assert solution is not None
        held, attending, seats = _held_of(sm, solution)
        encoding = satbreaks.encode(sm, counted, held, attending)
        stats["breaks_sat_held"] = 1
    sat = satbreaks.SatSearch(encoding, 0, sat_method, exact=exact, seats=seats)
    sat.start(k_max, cpu_limit_s=max(1, math.ceil(deadline - time.monotonic())))
    stats["breaks_sat_encode_s"] = round(time.monotonic() - ts, 3)
    return sat


def settled(sat: satbreaks.SatSearch, known_lb: int) -> bool:
    """Whether the SAT search's schedule ends the stage: an exact search's is optimal,
    a held-set one's only when it reaches the proved bound (else CP-SAT may do better)."""
    value = sat.found_value
    return value is not None and (sat.exact or value <= known_lb)


def stop_when_settled(
    sat: satbreaks.SatSearch, solver: cp_model.CpSolver, known_lb: int
) -> Callable[[], None]:
    """The SAT search's `on_found` callback: stop CP-SAT if that settles the stage."""

    def callback() -> None:
        if settled(sat, known_lb):
            solver.stop_search()

    return callback


def merge_sat(
    sat: satbreaks.SatSearch,
    sm: SchedulingModel,
    stage: Stage,
    solution: list[int] | None,
    expr: LinearExpr,
    stats: dict[str, float | int | str],
    t0: float,
    workers: int,
    seed: int,
    known_lb: int,  # the stage's lower bound proved before its main solve
) -> list[int] | None:
    """Fold the SAT search's bound and schedule into the breaks stage; returns the solution.

    An exact search (all meetings required, no workshops) started at a proved
    lower bound, so a schedule it found is optimal and its refutations bound
    the stage; a held-set search (`satbreaks.encode(held=...)`) only offers a
    schedule, used when it has fewer breaks. The schedule is turned into a
    complete CP-SAT solution (all slots and seats fixed: propagation only) and
    checked against the model before being used.
    """
    stats["breaks_sat_lower_bound"] = sat.proved_lb
    stats["breaks_sat_s"] = round(time.monotonic() - sat.started, 3)
    if sat.error is not None:
        stats["breaks_sat_error"] = sat.error
    better = sat.found_value is not None and (
        solution is None or (not stage.proved and sat.exact) or sat.found_value < stage.value
    )
    if better and sat.found is not None and sat.found_value is not None:
        stats["breaks_sat_value"] = sat.found_value
        slots = {mid: sm.instance.slots[t].id for mid, t in sat.found.items()}
        complete = complete_hint(sm, slots, sat.seats, 10.0, workers, seed)
        value = stage_value(sm, complete, "breaks", {}) if complete is not None else None
        if value is not None and value <= sat.found_value:
            solution = complete
            stage.value = value
            if sat.found_at is not None:
                stage.time_to_best_s = round(sat.found_at - t0, 3)
            stats["breaks_found_by"] = "sat"
    proved_lb = max(known_lb, sat.proved_lb if sat.exact else 0)
    if stage.bound is None or proved_lb > stage.bound:
        stage.bound = proved_lb  # 0 at least: a proved bound all the same
    if solution is not None and stage.bound is not None and stage.value <= stage.bound:
        stage.bound = stage.value
        stage.proved = True
        stage.status = "OPTIMAL"
        sm.model.add(expr == stage.value)
    return solution


def _held_of(
    sm: SchedulingModel, solution: Sequence[int]
) -> tuple[set[str], dict[str, set[int]], dict[str, list[str]]]:
    """The meetings `solution` holds, each participant's workshop slots in it, and
    the candidates it seats in each workshop."""
    held = {mid for (mid, _), v in sm.x.items() if solution[v.index]}
    attending: dict[str, set[int]] = defaultdict(set)
    seats: dict[str, list[str]] = {}
    for w in sm.instance.workshops:
        slots = {sm.slot_index[sid] for sid in w.slots}
        seats[w.id] = [p for (wid, p), v in sm.y.items() if wid == w.id and solution[v.index]]
        for p in (*w.members, *seats[w.id]):
            attending[p] |= slots
    return held, attending, seats
