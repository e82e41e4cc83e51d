"""Evaluation and results: objective values of a schedule, and the solve's `Result`.

`evaluate` and `breaks_of` compute the objective from a schedule alone,
independently of the CP-SAT model; `stage_value` applies them to a complete
solution of the model; `result_from` turns the last solution and the stages
into a `Result` (tables assigned by `tables.assign_tables`, bounds reported).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.scheduling.tables import assign_tables
from app.scheduling.types import (
    Bound,
    Instance,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)

if TYPE_CHECKING:
    from app.scheduling.model.container import SchedulingModel
    from app.scheduling.model.literals import LinearExpr
    from app.scheduling.model.objective import Stage


def evaluate(
    instance: Instance, slot_of: Mapping[str, str], placed: Mapping[str, Sequence[str]]
) -> Objective:
    """Objective levels of a schedule (slot of each held meeting, candidates placed).

    Independent of the CP-SAT model: used to report the returned schedule's
    values and, in tests, to cross-check the model's own objective.
    """
    held: dict[str, int] = defaultdict(int)
    busy: dict[str, set[str]] = defaultdict(set)
    weight = 0
    for m in instance.meetings:
        if m.id in slot_of:
            for p in m.participants:
                held[p] += 1
                busy[p].add(slot_of[m.id])
            if not m.required:
                weight += m.weight
    for w in instance.workshops:
        cw = {c.participant: c.weight for c in w.candidates}
        for p in w.members:
            busy[p].update(w.slots)
        for p in placed.get(w.id, ()):
            busy[p].update(w.slots)
            weight += cw.get(p, 0) if p not in w.members else 0
    shortfall = sum(max(0, p.min_meetings - held[p.id]) for p in instance.participants)
    return Objective(
        shortfall=shortfall,
        weight=weight,
        breaks=sum(breaks_of(instance, busy[p.id]) for p in instance.participants),
    )


def breaks_of(instance: Instance, busy_slots: set[str]) -> int:
    """Number of idle runs between two busy slots of the same day."""
    last_day: str | None = None
    state = "before"  # before the first activity of the day / busy / idle after activity
    count = 0
    for slot in instance.slots:
        if slot.day != last_day:
            last_day, state = slot.day, "before"
        if slot.id in busy_slots:
            if state == "idle":
                count += 1
            state = "busy"
        elif state == "busy":
            state = "idle"
    return count


def stage_value(
    sm: SchedulingModel, values: Sequence[int], name: str, previous_slot: Mapping[str, str]
) -> int:
    """Value of a stage's objective on a complete solution, recomputed from the schedule."""
    inst = sm.instance
    slot_of = {mid: inst.slots[s].id for (mid, s), v in sm.x.items() if values[v.index]}
    if name == "changes":
        return sum(
            1
            for m in inst.meetings
            if (
                (m.id in slot_of)
                if m.id not in previous_slot
                else slot_of.get(m.id) != previous_slot[m.id]
            )
        )
    placed: dict[str, list[str]] = defaultdict(list)
    for (wid, p), v in sm.y.items():
        if values[v.index]:
            placed[wid].append(p)
    objective = evaluate(inst, slot_of, placed)
    return int(getattr(objective, name, 0))


def stage_stats(stages: Sequence[Stage], stats: dict[str, float | int | str]) -> None:
    """Record each stage's status, times, value and bound in `stats`."""
    for st in stages:
        stats[f"{st.name}_status"] = st.status
        stats[f"{st.name}_time_s"] = st.time_s
        stats[f"{st.name}_time_to_best_s"] = st.time_to_best_s
        if st.status in ("OPTIMAL", "FEASIBLE"):
            stats[f"{st.name}_value"] = st.value
        if st.bound is not None:
            stats[f"{st.name}_bound"] = st.bound


def no_schedule(
    sm: SchedulingModel,
    stages: Sequence[Stage],
    t0: float,
    stats: dict[str, float | int | str],
) -> Result:
    """The result when no stage found a schedule: infeasible, or out of time."""
    instance = sm.instance
    first = stages[0]
    status_out = Status.INFEASIBLE if first.status == "INFEASIBLE" else Status.UNKNOWN
    reason = "; ".join(sm.infeasible_reasons) or (
        "no schedule satisfies the hard rules"
        if status_out is Status.INFEASIBLE
        else "no schedule found within the time limit"
    )
    return Result(
        instance=instance.name,
        status=status_out,
        unscheduled=tuple(Unscheduled(m.id, "") for m in instance.meetings),
        bound=Bound(),
        wall_time_s=round(time.monotonic() - t0, 3),
        reason=reason,
        stats=stats,
    )


def result_from(
    sm: SchedulingModel,
    solution: Sequence[int],
    stages: list[Stage],
    solved_any: bool,
    plan: Sequence[tuple[str, LinearExpr, bool]],
    previous_slot: Mapping[str, str],
    previous_location: Mapping[str, str],
    lp: object,
    t0: float,
    stats: dict[str, float | int | str],
) -> Result:
    inst = sm.instance
    slot_of = {mid: inst.slots[s].id for (mid, s), v in sm.x.items() if solution[v.index]}
    placed: dict[str, list[str]] = defaultdict(list)
    for (wid, p), v in sm.y.items():
        if solution[v.index]:
            placed[wid].append(p)
    location_of = assign_tables(inst, slot_of, previous_location)
    objective = evaluate(inst, slot_of, placed)

    by_name = {st.name: st for st in stages}
    levels = ("shortfall", "weight", "breaks")
    planned = {name for name, _, _ in plan}
    proved = {
        lv: (lv not in planned)
        or (lv in by_name and by_name[lv].proved and by_name[lv].status == "OPTIMAL")
        for lv in levels
    }
    all_proved = all(proved.values())
    sf = by_name.get("shortfall")
    wt = by_name.get("weight")
    br = by_name.get("breaks")
    lp_weight = getattr(lp, "weight", None)
    zero_sf_weight = getattr(lp, "weight_at_zero_shortfall", None)
    if objective.shortfall == 0 and zero_sf_weight is not None and lp_weight is not None:
        # Shortfall 0 is optimal, so every lexicographically optimal schedule has
        # shortfall 0 and its weight is bounded by the LP at shortfall 0.
        lp_weight = min(lp_weight, zero_sf_weight)
    weight_bound: int | None
    if wt is None:
        weight_bound = objective.weight if "weight" not in planned else lp_weight
    else:
        weight_bound = lp_weight
        if proved["shortfall"] and wt.bound is not None:
            weight_bound = wt.bound if lp_weight is None else min(lp_weight, wt.bound)
    breaks_bound: int | None
    if "breaks" not in planned:
        breaks_bound = objective.breaks
    elif br is not None and br.bound is not None and proved["shortfall"] and proved["weight"]:
        breaks_bound = br.bound
    else:
        breaks_bound = None
    bound = Bound(
        shortfall=(0 if "shortfall" not in planned else (sf.bound if sf else None)),
        weight=weight_bound,
        breaks=breaks_bound,
    )

    meetings = tuple(
        ScheduledMeeting(m.id, slot_of[m.id], location_of[m.id])
        for m in inst.meetings
        if m.id in slot_of
    )
    unscheduled = tuple(Unscheduled(m.id, "") for m in inst.meetings if m.id not in slot_of)
    workshops = tuple(
        WorkshopPlacement(w.id, tuple(w.members) + tuple(placed.get(w.id, ())))
        for w in inst.workshops
    )
    level_stages = [st for st in stages if st.name in levels]
    stats["time_to_best_s"] = max((st.time_to_best_s for st in level_stages), default=0.0)
    if all_proved:
        # Wall time since solve() started until the last level was proved.
        stats["time_to_proof_s"] = max(
            (st.ended_at_s for st in level_stages), default=float(stats["build_s"])
        )
    if previous_slot or previous_location:
        stats["changed_meetings"] = changed_meetings(
            inst, previous_slot, previous_location, slot_of, location_of
        )
    return Result(
        instance=inst.name,
        status=Status.OPTIMAL if all_proved and solved_any else Status.FEASIBLE,
        meetings=meetings,
        unscheduled=unscheduled,
        workshops=workshops,
        objective=objective,
        bound=bound,
        wall_time_s=round(time.monotonic() - t0, 3),
        stats=stats,
    )


def changed_meetings(
    instance: Instance,
    previous_slot: Mapping[str, str],
    previous_location: Mapping[str, str],
    slot_of: Mapping[str, str],
    location_of: Mapping[str, str],
) -> int:
    """Meetings of `instance` whose slot or location differs from the previous schedule.

    Scheduled in exactly one of the two schedules counts as changed; held in
    both counts when the slot or the location differs. Meetings of the
    previous schedule that no longer exist (cancelled) are not counted.
    """
    n = 0
    for m in instance.meetings:
        before, now = m.id in previous_slot, m.id in slot_of
        moved = (
            before
            and now
            and (
                previous_slot[m.id] != slot_of[m.id]
                or previous_location.get(m.id) != location_of[m.id]
            )
        )
        if before != now or moved:
            n += 1
    return n
