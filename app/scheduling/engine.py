"""Orchestration of a solve, used by the command line and the web app.

`schedule` runs, in order: the infeasibility pre-check (`diagnose_infeasible`,
which answers INFEASIBLE at once with a named cause), the greedy and the
fairness-first start (`fairstart.fair_start`; the lexicographically better of
the two valid ones is the CP-SAT model's first hint), the CP-SAT model
(`model.solve`), the choice of the best valid candidate among the model's
result, the greedy and the fair start (shortfall, then weight, then breaks; a
tie keeps the model's), the explanations of unscheduled meetings, and finally
the validator. A result that breaks a hard rule, or whose objective differs
from the validator's, raises `SolverBug`: it is never returned silently.

`reoptimize` is `schedule` against a previous result (minimal change), and
`lock_meetings` fixes chosen meetings of a previous result into an instance
(the contract expresses locked meetings as fixed slot and location).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import replace

from app.scheduling import model
from app.scheduling.explain import diagnose_infeasible, fill_reasons
from app.scheduling.fairstart import better, fair_start, level_key
from app.scheduling.greedy import greedy
from app.scheduling.types import Instance, Result, Status, Unscheduled
from app.scheduling.validate import Violation, validate

__all__ = ["SolverBug", "carry_over", "changes_between", "lock_meetings", "reoptimize", "schedule"]


class SolverBug(RuntimeError):
    """The engine produced a result that the validator rejects (a bug, never user error)."""

    def __init__(self, message: str, violations: tuple[Violation, ...] = ()) -> None:
        self.violations = violations
        details = "; ".join(v.message for v in violations[:5])
        super().__init__(f"{message}: {details}" if details else message)


def _infeasible(instance: Instance, why: str, t0: float) -> Result:
    """The INFEASIBLE result of the pre-check: no schedule, every meeting unscheduled."""
    return Result(
        instance=instance.name,
        status=Status.INFEASIBLE,
        unscheduled=tuple(Unscheduled(m.id, "") for m in instance.meetings),
        reason=why,
        wall_time_s=round(time.monotonic() - t0, 3),
        stats={"solver": "pre-check"},
    )


def changes_between(instance: Instance, previous: Result, result: Result) -> list[str]:
    """Meetings of `instance` whose placement differs between `previous` and `result`.

    A meeting counts when it is scheduled in exactly one of the two results,
    or in both with a different slot or location. Meetings that no longer
    exist in `instance` (cancelled) do not count. Instance order.
    """
    before = {m.id: (m.slot, m.location) for m in previous.meetings}
    now = {m.id: (m.slot, m.location) for m in result.meetings}
    return [m.id for m in instance.meetings if before.get(m.id) != now.get(m.id)]


def schedule(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    previous: Result | None = None,
) -> Result:
    """The best schedule found within about `time_limit` seconds, validated and explained.

    With `previous`, the solver keeps the objective levels and then minimises
    the number of changed meetings; `stats` then holds `changed_meetings` and
    `changed_meeting_ids` (comma-separated). Raises `SolverBug` if the result
    fails the validator.
    """
    t0 = time.monotonic()
    why = diagnose_infeasible(instance)
    if why is not None:
        result = _infeasible(instance, why, t0)
    else:
        t_greedy = time.monotonic()
        baseline = greedy(instance, repair_spread=True)
        greedy_s = round(time.monotonic() - t_greedy, 3)
        t_fair = time.monotonic()
        kept = None if previous is None else carry_over(instance, previous)
        if kept is not None:
            # Re-optimising: complete the previous schedule (nothing of it moves) rather
            # than start afresh, which would move most meetings.
            fair, fair_name = fair_start(instance, kept, keep_all=True), "fair start on previous"
        else:
            fair, fair_name = fair_start(instance, baseline), "fair start"
        fair_s = round(time.monotonic() - t_fair, 3)
        # Named candidates the model's result is compared with (valid schedules only);
        # on a tie the first listed wins: when re-optimising, the completed previous one.
        pair = [("greedy", baseline), (fair_name, fair)]
        starts = [
            (name, r)
            for name, r in (pair[::-1] if kept is not None else pair)
            if r.status is Status.FEASIBLE
        ]
        best_start: tuple[str, Result] | None = None
        for name, r in starts:
            if best_start is None or better(r, best_start[1]):
                best_start = (name, r)
        hint_from = baseline if best_start is None else best_start[1]
        hint = {m.id: (m.slot, m.location) for m in hint_from.meetings}
        elapsed = time.monotonic() - t0
        # Time kept for what follows the model (explanations, validation) and for its
        # own overrun (model building, presolve): twice the time the starts took, a
        # measure of how loaded the machine is now, within 5-30 % of the limit.
        # Measured at 2,000 requests: starts 0.15 s and after-model 0.05 s at load 1,
        # 0.9 s and 1.2 s at load 6-8, where the 4.5 s re-optimisation took 5.7 s.
        reserve = min(max(2 * elapsed, 0.05 * time_limit), 0.3 * time_limit)
        remaining = max(0.1, time_limit - elapsed - reserve)
        t_model = time.monotonic()
        result = model.solve(
            instance, time_limit=remaining, workers=workers, seed=seed, hint=hint, previous=previous
        )
        stats = dict(result.stats)
        stats["model_s"] = round(time.monotonic() - t_model, 3)
        stats["reserve_s"] = round(reserve, 3)
        stats["precheck_s"] = round(t_greedy - t0, 3)
        stats["greedy_s"] = greedy_s
        stats["greedy_status"] = baseline.status.value
        if baseline.objective is not None:
            stats["greedy_shortfall"] = baseline.objective.shortfall
            stats["greedy_weight"] = baseline.objective.weight
            stats["greedy_breaks"] = baseline.objective.breaks
        stats["greedy_required_unplaced"] = baseline.stats.get("required_unplaced", 0)
        stats["fair_start_s"] = fair_s
        stats["fair_start_status"] = fair.status.value
        if fair.objective is not None:
            stats["fair_start_shortfall"] = fair.objective.shortfall
            stats["fair_start_weight"] = fair.objective.weight
            stats["fair_start_breaks"] = fair.objective.breaks
        stats["hint_from"] = "greedy" if best_start is None else best_start[0]
        stats["candidate"] = "model"
        if best_start is not None and result.status in (Status.FEASIBLE, Status.UNKNOWN):
            # OPTIMAL is proved best, and INFEASIBLE cannot occur next to a valid start.
            name, start = best_start
            got = validate(instance, result) if result.status is Status.FEASIBLE else None
            # A model result that breaks a rule is kept, so that `_finish` raises SolverBug.
            if got is None or (got.ok and better(start, replace(result, objective=got.objective))):
                # A short or loaded run can end before the model reaches what a start
                # already holds (e.g. no shortfall): never return a worse schedule.
                why = (
                    "model found no schedule in time"
                    if got is None
                    else "model's schedule was worse in the time given"
                )
                stats["solver"] = f"{name} ({why})"
                stats["candidate"] = name
                result = replace(start, status=Status.FEASIBLE, bound=result.bound, reason=None)
        if previous is not None:
            status = None if kept is None else _kept_status(instance, previous, kept, result)
            if kept is not None and status is not None:
                # A short or loaded run can end on a schedule worse than simply keeping
                # the previous one: never return it (minimal change is the promise).
                stats["solver"] = "previous schedule kept (the model found nothing better in time)"
                result = replace(kept, status=status, bound=result.bound)
        result = replace(result, stats=stats)
    return _finish(instance, result, previous, t0)


def carry_over(instance: Instance, previous: Result, *, rounds: int = 5) -> Result | None:
    """The previous schedule restricted to what is still valid in `instance`, or None.

    Meetings and workshop participants that no longer exist are dropped, then
    every meeting named by a broken hard rule (a new unavailability, a new
    cap...) is dropped until the validator accepts the rest. None when a broken
    rule names no droppable meeting (e.g. a required meeting now unplaced).
    """
    meeting_ids = {m.id for m in instance.meetings}
    members = {
        w.id: set(w.members) | {c.participant for c in w.candidates} for w in instance.workshops
    }
    meetings = [m for m in previous.meetings if m.id in meeting_ids]
    workshops = tuple(
        replace(w, participants=tuple(p for p in w.participants if p in members[w.id]))
        for w in previous.workshops
        if w.id in members
    )
    for _ in range(rounds):
        placed = {m.id for m in meetings}
        candidate = Result(
            instance=instance.name,
            status=Status.FEASIBLE,
            meetings=tuple(meetings),
            unscheduled=tuple(
                Unscheduled(m.id, "") for m in instance.meetings if m.id not in placed
            ),
            workshops=workshops,
        )
        report = validate(instance, candidate)
        if report.ok:
            return replace(candidate, objective=report.objective)
        culprits = {i for v in report.violations for i in v.ids} & placed
        if not culprits:
            return None
        meetings = [m for m in meetings if m.id not in culprits]
    return None


def _kept_status(
    instance: Instance, previous: Result, kept: Result, result: Result
) -> Status | None:
    """The status to give `kept` if it beats `result` (levels, then changes), else None.

    A tie on the levels keeps the model's OPTIMAL (the kept schedule reaches the
    proven levels with no more changes); otherwise the kept schedule is FEASIBLE.
    """
    if kept.objective is None:
        return None
    got = validate(instance, result)
    if not got.ok:  # UNKNOWN without a schedule, or a partial one
        return Status.FEASIBLE

    kept_key = (*level_key(kept.objective), len(changes_between(instance, previous, kept)))
    if kept_key > (*level_key(got.objective), len(changes_between(instance, previous, result))):
        return None
    tie = kept.objective == got.objective and result.status is Status.OPTIMAL
    return Status.OPTIMAL if tie else Status.FEASIBLE


def _finish(instance: Instance, result: Result, previous: Result | None, t0: float) -> Result:
    """Explain, validate, fill the objective and the change figures."""
    t_finish = time.monotonic()
    result = fill_reasons(instance, result)
    report = validate(instance, result)
    if not report.ok:
        raise SolverBug(f"{result.status.value} result breaks hard rules", report.violations)
    if result.objective is not None and result.objective != report.objective:
        raise SolverBug(
            f"result objective {result.objective} differs from the validator's {report.objective}"
        )
    stats = dict(result.stats)
    if previous is not None:
        changed = changes_between(instance, previous, result)
        stats["changed_meetings"] = len(changed)
        stats["changed_meeting_ids"] = ",".join(changed)
    stats["finish_s"] = round(time.monotonic() - t_finish, 3)
    return replace(
        result, objective=report.objective, stats=stats, wall_time_s=round(time.monotonic() - t0, 3)
    )


def reoptimize(
    instance: Instance,
    previous: Result,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> Result:
    """Re-solve after a late change, moving as few meetings of `previous` as possible.

    Lock the meetings that must not move first (`lock_meetings`); the result's
    `stats["changed_meetings"]` counts the meetings that moved, appeared or
    disappeared, and `stats["changed_meeting_ids"]` names them.
    """
    return schedule(instance, time_limit=time_limit, workers=workers, seed=seed, previous=previous)


def lock_meetings(
    instance: Instance,
    previous: Result,
    meeting_ids: Collection[str] | None = None,
    *,
    require: bool = True,
) -> Instance:
    """`instance` with the given meetings (default: all) fixed where `previous` holds them.

    Locked meetings get the slot and location they have in `previous`; with
    `require` they also become required, so they are kept (or the instance is
    reported INFEASIBLE, naming the conflict). Ids not scheduled in `previous`
    are left unchanged.
    """
    placed = {m.id: m for m in previous.meetings}
    wanted = set(placed) if meeting_ids is None else set(meeting_ids)
    meetings = tuple(
        replace(
            m,
            slot=placed[m.id].slot,
            location=placed[m.id].location,
            required=m.required or require,
        )
        if m.id in wanted and m.id in placed
        else m
        for m in instance.meetings
    )
    return replace(instance, meetings=meetings)
