"""CP-SAT model of the scheduling contract and its lexicographic, staged solve.

The model decides *when* each meeting is held (one Boolean per feasible
(meeting, slot) pair) and which workshop candidates are placed; *where* is
decided afterwards by `tables.assign_tables`, one bipartite matching per slot.
Deciding tables afterwards is exact (see `add_location_capacity`) and removes
the symmetry between interchangeable tables from the search.

The objective is lexicographic (shortfall, then weight, then breaks, then, when
re-optimising, changes). Each level is one CP-SAT solve of the same model: the
level's optimum (or best value, when not proved) is added as a constraint and
the whole solution is passed as a complete hint to the next level.

docs/MODEL.md (« The CP-SAT model ») states the model in mathematics.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from app.scheduling import satbreaks
from app.scheduling.bounds import LpBounds, lp_upper_bounds
from app.scheduling.tables import assign_tables
from app.scheduling.types import (
    Bound,
    Instance,
    Meeting,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)

# A literal of the model, or a constant 0/1 known before solving.
Lit = cp_model.IntVar | int
LinearExpr = cp_model.LinearExprT

# Share of the remaining time given to each stage (a stage that ends early
# leaves its time to the next). Breaks and weight are the hard levels.
_STAGE_SHARE = {"shortfall": 1.0, "weight": 4.0, "breaks": 2.0, "changes": 1.5}


@dataclass
class _Stage:
    name: str
    status: str = "SKIPPED"
    value: int = 0
    bound: int | None = None
    time_s: float = 0.0
    time_to_best_s: float = 0.0  # since the start of solve()
    ended_at_s: float = 0.0  # since the start of solve()
    proved: bool = True


@dataclass
class SchedulingModel:
    """Variables and constraints of one instance; `build()` adds every rule.

    Variables are created only for feasible combinations: `x[m, s]` exists only
    if meeting `m` may be held in slot `s` (session, fixed slot, availability,
    workshop membership, location blocked by a workshop).
    """

    instance: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    slot_index: dict[str, int] = field(default_factory=dict)
    days: list[list[int]] = field(default_factory=list)
    domain: dict[str, list[int]] = field(default_factory=dict)
    eff_location: dict[str, str | None] = field(default_factory=dict)
    x: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    scheduled: dict[str, LinearExpr] = field(default_factory=dict)
    busy: dict[tuple[str, int], Lit] = field(default_factory=dict)
    member_slots: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    blocked_locations: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    shortfall: LinearExpr = 0
    weight: LinearExpr = 0
    breaks: LinearExpr = 0
    breaks_of: dict[str, LinearExpr] = field(default_factory=dict)
    has_shortfall: bool = False
    has_weight: bool = False
    has_breaks: bool = False
    infeasible_reasons: list[str] = field(default_factory=list)
    sure_active: set[tuple[str, int]] = field(default_factory=set)  # (participant, day index)
    # Modelling switches (benchmarks measure them; defaults are the best measured).
    block_starts: bool = False  # measured worse than the prefix encoding with core search
    long_span_clauses: bool = True
    redundant_counts: bool = True
    meetings_by_id: dict[str, Meeting] = field(default_factory=dict)

    # ------------------------------------------------------------------ data
    def _prepare(self) -> None:
        inst = self.instance
        self.meetings_by_id = {m.id: m for m in inst.meetings}
        self.slot_index = {s.id: i for i, s in enumerate(inst.slots)}
        by_day: dict[str, list[int]] = {}
        for i, sl in enumerate(inst.slots):
            by_day.setdefault(sl.day, []).append(i)
        self.days = list(by_day.values())
        location_ids = {loc.id for loc in inst.locations}
        for w in inst.workshops:
            for sid in w.slots:
                s = self.slot_index[sid]
                for p in w.members:
                    if s in self.member_slots[p]:
                        self.infeasible_reasons.append(
                            f"{p} is a member of two workshops in slot {sid}"
                        )
                    self.member_slots[p].add(s)
                if w.location is not None and w.location in location_ids:
                    if w.location in self.blocked_locations[s]:
                        self.infeasible_reasons.append(
                            f"two workshops use {w.location} in slot {sid}"
                        )
                    self.blocked_locations[s].add(w.location)
        participants = {p.id: p for p in inst.participants}
        for w in inst.workshops:
            for p in w.members:
                bad = [sid for sid in w.slots if sid in participants[p].unavailable]
                if bad:
                    self.infeasible_reasons.append(
                        f"{p}, member of workshop {w.id}, is unavailable in slot {bad[0]}"
                    )
        for m in inst.meetings:
            pinned = {participants[p].location for p in m.participants} - {None}
            if m.location is not None:
                pinned.add(m.location)
            self.eff_location[m.id] = next(iter(pinned)) if len(pinned) == 1 else None
            if len(pinned) > 1:
                self.domain[m.id] = []  # two different pinned locations: never schedulable
                continue
            loc = self.eff_location[m.id]
            dom = []
            for t, slot in enumerate(inst.slots):
                if m.slot is not None and slot.id != m.slot:
                    continue
                if m.session is not None and slot.session != m.session:
                    continue
                if any(
                    slot.id in participants[p].unavailable or t in self.member_slots[p]
                    for p in m.participants
                ):
                    continue
                if loc is not None and loc in self.blocked_locations[t]:
                    continue
                if len(inst.locations) - len(self.blocked_locations[t]) <= 0:
                    continue
                dom.append(t)
            self.domain[m.id] = dom

    # ------------------------------------------------------------- variables
    def add_structural_infeasibility(self) -> None:
        """Rules broken whatever the schedule (found while preparing): no solution."""
        if self.infeasible_reasons:
            self.model.add_bool_or([])  # the empty clause

    def add_meeting_variables(self) -> None:
        """x[m, s] for every feasible pair; each meeting in at most one slot."""
        for m in self.instance.meetings:
            lits = []
            for s in self.domain[m.id]:
                v = self.model.new_bool_var(f"x[{m.id},{s}]")
                self.x[m.id, s] = v
                lits.append(v)
            self.model.add_at_most_one(lits)
            self.scheduled[m.id] = sum(lits) if lits else 0

    def add_required(self) -> None:
        """A required meeting is held exactly once."""
        for m in self.instance.meetings:
            if m.required:
                lits = [self.x[m.id, s] for s in self.domain[m.id]]
                if not lits:
                    self.infeasible_reasons.append(f"required meeting {m.id} has no possible slot")
                self.model.add_exactly_one(lits) if lits else self.model.add_bool_or([])

    def add_workshop_candidates(self) -> None:
        """y[w, c] for every candidate who is free in all the workshop's slots."""
        participants = {p.id: p for p in self.instance.participants}
        for w in self.instance.workshops:
            slots = [self.slot_index[sid] for sid in w.slots]
            for c in w.candidates:
                p = participants[c.participant]
                if c.participant in w.members or (w.id, c.participant) in self.y:
                    continue
                if any(
                    self.instance.slots[s].id in p.unavailable or s in self.member_slots[p.id]
                    for s in slots
                ):
                    continue
                self.y[w.id, c.participant] = self.model.new_bool_var(f"y[{w.id},{p.id}]")

    def add_workshop_sizes(self) -> None:
        """Size of a workshop = members + placed candidates, within [min_size, max_size]."""
        for w in self.instance.workshops:
            placed = [v for (wid, _), v in self.y.items() if wid == w.id]
            size = len(w.members) + sum(placed)
            if w.min_size > len(w.members) + len(placed) or (
                w.max_size is not None and w.max_size < len(w.members)
            ):
                self.infeasible_reasons.append(f"workshop {w.id} cannot reach its size bounds")
            self.model.add(size >= w.min_size)
            if w.max_size is not None:
                self.model.add(size <= w.max_size)

    def add_participant_busy(self) -> None:
        """busy[p, s] = 1 iff p holds a meeting or attends a workshop in s (at most one)."""
        items: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (mid, s), v in self.x.items():
            for p in self.meetings_by_id[mid].participants:
                items[p, s].append(v)
        for w in self.instance.workshops:
            for sid in w.slots:
                s = self.slot_index[sid]
                for (wid, p), v in self.y.items():
                    if wid == w.id:
                        items[p, s].append(v)
        for part in self.instance.participants:
            pid = part.id
            for t in range(len(self.instance.slots)):
                if t in self.member_slots[pid]:
                    self.busy[pid, t] = 1  # members always attend; meetings excluded by domain
                    continue
                lits = items.get((pid, t), [])
                if not lits:
                    self.busy[pid, t] = 0
                elif len(lits) == 1:
                    self.busy[pid, t] = lits[0]
                else:
                    b = self.model.new_bool_var(f"busy[{pid},{t}]")
                    self.model.add(sum(lits) == b)  # also: one activity per slot
                    self.busy[pid, t] = b

    def add_redundant_counts(self) -> None:
        """Redundant: busy slots of p = meetings held by p + workshop slots attended.

        Implied by the per-slot definition of busy, but stated once per
        participant it lets propagation and the LP see each participant's
        total load (for all-required events, a constant).
        """
        per = self._meetings_of()
        wslots = {w.id: len(w.slots) for w in self.instance.workshops}
        for part in self.instance.participants:
            lits = [
                b
                for t in range(len(self.instance.slots))
                if not isinstance(b := self.busy[part.id, t], int)
            ]
            if not lits:
                continue
            terms: list[LinearExpr] = [self.scheduled[m] for m in per[part.id]]
            terms += [wslots[wid] * v for (wid, p), v in self.y.items() if p == part.id]
            load = sum(terms)
            # Member slots are constant-busy and excluded from lits and load alike.
            self.model.add(sum(lits) == load)

    def _find_sure_active(self) -> None:
        """(participant, day) pairs where the participant surely has an activity."""
        day_of = {t: d for d, day in enumerate(self.days) for t in day}
        for m in self.instance.meetings:
            dom_days = {day_of[t] for t in self.domain[m.id]}
            if m.required and len(dom_days) == 1:
                self.sure_active.update((p, next(iter(dom_days))) for p in m.participants)
        for p, ts in self.member_slots.items():
            self.sure_active.update((p, day_of[t]) for t in ts)

    def add_max_meetings(self) -> None:
        """A participant holds at most max_meetings meetings."""
        per = self._meetings_of()
        for p in self.instance.participants:
            if p.max_meetings is not None:
                self.model.add(sum(self.scheduled[m] for m in per[p.id]) <= p.max_meetings)

    def add_min_meetings(self) -> None:
        """shortfall_p = max(0, min_meetings - meetings held) (soft, level 1)."""
        per = self._meetings_of()
        terms = []
        for p in self.instance.participants:
            if p.min_meetings <= 0:
                continue
            held = sum(self.scheduled[m] for m in per[p.id])
            sf = self.model.new_int_var(0, p.min_meetings, f"shortfall[{p.id}]")
            self.model.add(sf >= p.min_meetings - held)
            terms.append(sf)
        self.has_shortfall = bool(terms)
        self.shortfall = sum(terms)

    def add_precedences(self) -> None:
        """m after a: a is held in an earlier slot (and so is scheduled)."""
        for m in self.instance.meetings:
            for a in m.after:
                for s in self.domain[m.id]:
                    earlier = [self.x[a, t] for t in self.domain.get(a, []) if t < s]
                    if earlier:
                        self.model.add_bool_or(earlier).only_enforce_if(self.x[m.id, s])
                    else:
                        self.model.add(self.x[m.id, s] == 0)

    def add_location_capacity(self) -> None:
        """Per slot: at most one meeting per pinned/fixed location, at most #free tables in all.

        This is exactly Hall's condition for the per-slot matching of meetings
        to locations (a located meeting needs its one location, the others any
        free one), so tables can be assigned after the slots without loss.
        """
        n_loc = len(self.instance.locations)
        per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        per_loc_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (mid, s), v in self.x.items():
            per_slot[s].append(v)
            loc = self.eff_location[mid]
            if loc is not None:
                per_loc_slot[loc, s].append(v)
        for s, lits in per_slot.items():
            cap = n_loc - len(self.blocked_locations[s])
            if len(lits) > cap:
                self.model.add(sum(lits) <= cap)
        for lits in per_loc_slot.values():
            if len(lits) > 1:
                self.model.add_at_most_one(lits)

    def add_redundant_busy_per_slot(self) -> None:
        """Redundant: busy participants per slot <= sum over the meetings of their size.

        With two-person meetings this is "busy participants <= 2 x tables"; it
        helps the LP relaxation tie busy literals to table capacity.
        """
        n_loc = len(self.instance.locations)
        sizes = {m.id: len(m.participants) for m in self.instance.meetings}
        if not sizes or any(v != 2 for v in sizes.values()) or self.instance.workshops:
            return
        for s in range(len(self.instance.slots)):
            lits = [
                b
                for p in self.instance.participants
                if not isinstance(b := self.busy[p.id, s], int)
            ]
            cap = 2 * (n_loc - len(self.blocked_locations[s]))
            if len(lits) > cap:
                self.model.add(sum(lits) <= cap)

    def add_breaks(self) -> None:
        """breaks_p = number of idle runs between two busy slots of a day, exactly.

        With seen_i = "busy somewhere before slot i-1 of the day" (a chained
        prefix OR), a break ends at slot i iff busy_i and not busy_{i-1} and
        seen_i. Counts are exact (reified both ways) because the spread rule
        compares them between participants.
        """
        total = []
        day_of = {t: d for d, day in enumerate(self.days) for t in day}
        load = self._max_load(day_of)
        for p in self.instance.participants:
            per_p: list[LinearExpr] = []
            for d, day in enumerate(self.days):
                bs = [self.busy[p.id, s] for s in day]
                if all(isinstance(b, int) for b in bs):
                    runs = sum(1 for i, b in enumerate(bs) if b and (i == 0 or not bs[i - 1]))
                    per_p.append(max(0, runs - 1))
                    continue
                if self.block_starts and (p.id, d) in self.sure_active:
                    # Surely active that day: breaks = blocks - 1, with block-start
                    # literals st_i = b_i and not b_{i-1}.
                    brks = [
                        self._and3(bs[i], _not(bs[i - 1]) if i else 1, 1) for i in range(len(bs))
                    ]
                    self.model.add(sum(brks) >= 1)  # redundant: at least one block
                    day_breaks: LinearExpr = sum(brks) - 1
                else:
                    brks = []
                    seen: Lit = 0
                    for i in range(1, len(bs)):
                        if i >= 2:
                            seen = self._or([seen, bs[i - 2]])
                        brks.append(self._and3(bs[i], _not(bs[i - 1]), seen))
                    day_breaks = sum(brks)
                if self.long_span_clauses:
                    self._add_long_span_clauses(bs, load[p.id, d], day_breaks)
                per_p.append(day_breaks)
            expr = sum(per_p)
            self.breaks_of[p.id] = expr
            total.append(expr)
        self.breaks = sum(total)
        self.has_breaks = any(not isinstance(e, int) for e in total)

    def _max_load(self, day_of: Mapping[int, int]) -> dict[tuple[str, int], int]:
        """Upper bound on the busy slots of each participant on each day."""
        meetings: dict[tuple[str, int], int] = defaultdict(int)
        for m in self.instance.meetings:
            for d in {day_of[t] for t in self.domain[m.id]}:
                for p in m.participants:
                    meetings[p, d] += 1
        extra: dict[tuple[str, int], int] = defaultdict(int)
        for p, ts in self.member_slots.items():
            for t in ts:
                extra[p, day_of[t]] += 1
        for w in self.instance.workshops:
            for wid, p in self.y:
                if wid == w.id:
                    for sid in w.slots:
                        extra[p, day_of[self.slot_index[sid]]] += 1
        caps = {p.id: p.max_meetings for p in self.instance.participants}
        out: dict[tuple[str, int], int] = {}
        for part in self.instance.participants:
            for d in range(len(self.days)):
                n = meetings[part.id, d]
                cap = caps[part.id]
                out[part.id, d] = (n if cap is None else min(n, cap)) + extra[part.id, d]
        return out

    def _add_long_span_clauses(
        self, bs: Sequence[Lit], max_load: int, day_breaks: LinearExpr
    ) -> None:
        """Redundant (participant-centred view): a long span forces a break.

        At most `max_load` busy slots in the day, so busy in slots i and j
        with j - i >= max_load leaves an idle slot between them: one break at
        least. One literal `gap` per participant-day, implied by each such
        pair (a 3-literal clause) and forcing breaks >= 1.
        """
        pairs = [
            (i, j)
            for i in range(len(bs))
            for j in range(i + max_load, len(bs))
            if not isinstance(bs[i], int) or bs[i]
            if not isinstance(bs[j], int) or bs[j]
        ]
        if not pairs or isinstance(day_breaks, int):
            return
        gap = self.model.new_bool_var("")
        self.model.add(day_breaks >= 1).only_enforce_if(gap)
        for i, j in pairs:
            self.model.add_bool_or([gap, _not(bs[i]), _not(bs[j])])

    def add_break_spread(self) -> None:
        """max_break_spread: max_p breaks_p - min_p breaks_p <= d."""
        d = self.instance.rules.max_break_spread
        if d is None or not self.breaks_of:
            return
        n_slots = len(self.instance.slots)
        hi = self.model.new_int_var(0, n_slots, "breaks_max")
        lo = self.model.new_int_var(0, n_slots, "breaks_min")
        for e in self.breaks_of.values():
            self.model.add(hi >= e)
            self.model.add(lo <= e)
        self.model.add(hi - lo <= d)

    def add_weight(self) -> None:
        """weight = optional meetings held + placed candidates (level 2, maximised)."""
        terms: list[LinearExpr] = []
        for m in self.instance.meetings:
            if not m.required and self.domain[m.id]:
                terms.append(m.weight * self.scheduled[m.id])
        cw = {
            (w.id, c.participant): c.weight for w in self.instance.workshops for c in w.candidates
        }
        for key, v in self.y.items():
            terms.append(cw[key] * v)
        self.has_weight = bool(terms)
        self.weight = sum(terms)

    def build(self) -> SchedulingModel:
        """Create every variable and constraint; returns self."""
        self._prepare()
        self.add_structural_infeasibility()
        self.add_meeting_variables()
        self.add_required()
        self.add_workshop_candidates()
        self.add_workshop_sizes()
        self.add_participant_busy()
        self.add_max_meetings()
        self.add_min_meetings()
        self.add_precedences()
        self.add_location_capacity()
        self.add_redundant_busy_per_slot()
        if self.redundant_counts:
            self.add_redundant_counts()
        self._find_sure_active()
        self.add_breaks()
        self.add_break_spread()
        self.add_weight()
        return self

    # --------------------------------------------------------------- helpers
    def _meetings_of(self) -> dict[str, list[str]]:
        per: dict[str, list[str]] = defaultdict(list)
        for m in self.instance.meetings:
            for p in m.participants:
                per[p].append(m.id)
        return per

    def _and3(self, a: Lit, b: Lit, c: Lit) -> Lit:
        """Literal equal to a and b and c (constants folded)."""
        if any(isinstance(v, int) and not v for v in (a, b, c)):
            return 0
        var = [v for v in (a, b, c) if not isinstance(v, int)]
        if not var:
            return 1
        if len(var) == 1:
            return var[0]
        r = self.model.new_bool_var("")
        for v in var:
            self.model.add_implication(r, v)
        self.model.add_bool_or([r, *(_not(v) for v in var)])
        return r

    def _or(self, lits: Sequence[Lit]) -> Lit:
        """Literal equal to the disjunction of lits."""
        if any(isinstance(v, int) and v for v in lits):
            return 1
        var = [v for v in lits if not isinstance(v, int)]
        if not var:
            return 0
        if len(var) == 1:
            return var[0]
        o = self.model.new_bool_var("")
        self.model.add_bool_or(var).only_enforce_if(o)
        for v in var:
            self.model.add_implication(v, o)
        return o


def _not(v: Lit) -> Lit:
    """Negation of a literal or a 0/1 constant."""
    if isinstance(v, int):
        return 1 - v
    return v.Not()  # type: ignore[return-value]  # a negated literal behaves as a Bool


class _Progress(cp_model.CpSolverSolutionCallback):
    """Records when each improving solution of a stage was found."""

    def __init__(self, t0: float) -> None:
        super().__init__()
        self._t0 = t0
        self.last_solution_at = 0.0
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.last_solution_at = time.monotonic() - self._t0


def _set_hint(model: cp_model.CpModel, values: Sequence[int]) -> None:
    """Complete hint: one value for every variable of the model."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def _make_solver(
    limit: float, workers: int, seed: int, options: Mapping[str, object] | None, core: bool = True
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(0.05, limit)
    prm.num_workers = workers
    prm.random_seed = seed
    # Measured on the B2B set: the objectives are sums of literals (MaxSAT-like),
    # where core-guided search proves bounds that the default LP worker never
    # reaches; the second thread keeps CP-SAT's first-solution and LNS workers.
    if core:
        prm.subsolvers.extend(["core"])
    for key, value in (options or {}).items():
        if isinstance(value, list):
            getattr(prm, key).extend(value)
        else:
            setattr(prm, key, value)
    return solver


def _complete_hint(
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
        solver = _make_solver(limit, workers, seed, None, core=False)
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


def _stage_value(
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


def _first_solution(model: cp_model.CpModel, limit: float, seed: int) -> list[int] | None:
    """Any solution of the model's hard rules (objective ignored), by a pure SAT search.

    Measured on the B2B set (all meetings required, break spread 2), one
    worker, a feasibility solve: without the LP (linearization_level 0) and
    without presolve, a first schedule takes 0.7-3 s where CP-SAT's default
    search needs more than 15 s on forum-13crafb, ticf-13crafb and ticf-13crafc.
    """
    probe = model.clone()
    probe.clear_objective()  # type: ignore[no-untyped-call]
    solver = _make_solver(limit, 1, seed, None, core=False)
    solver.parameters.linearization_level = 0
    solver.parameters.cp_model_presolve = False
    solver.parameters.stop_after_first_solution = True
    if solver.solve(probe) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.response_proto.solution)
    return None


def _probe_from_below(
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
    the question (see `_settled`: probe k runs with k = the bound so far).
    """
    lb = 0
    for k in range(max_probes):
        if sat is not None and _settled(sat, k):
            break
        probe = model.clone()
        probe.clear_objective()  # type: ignore[no-untyped-call]
        probe.add(expr <= k)
        solver = _make_solver(min(0.1 * budget, 3.0), workers, seed, options)
        if sat is not None:
            sat.on_found.append(_stop_when_settled(sat, solver, k))
        status = solver.solve(probe)
        if status == cp_model.INFEASIBLE:
            lb = k + 1
            continue
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return lb, list(solver.response_proto.solution)
        break
    return lb, None


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
    switches = {k[len("model_") :]: v for k, v in (options or {}).items() if k.startswith("model_")}
    probe_breaks = bool(switches.pop("probe_breaks", True))
    sat_breaks = bool(switches.pop("sat_breaks", True))
    # Measured on the B2B set: CP-SAT keeping both workers beside the SAT process
    # (3 threads on 2 cores) gave the same results; one fewer avoids oversubscription.
    sat_share_workers = bool(switches.pop("sat_share_workers", False))
    probe_count = int(switches.pop("probe_count", 3))  # type: ignore[call-overload]
    # "maxsat" (core-guided) or "lsu" (k = lb, lb + 1, ...): see satbreaks.
    sat_method = str(switches.pop("sat_method", "maxsat"))
    if sat_method not in ("maxsat", "lsu"):
        raise ValueError(f"model_sat_method: 'maxsat' or 'lsu', not {sat_method!r}")
    sat: satbreaks.SatSearch | None = None
    lp_guided = bool(switches.pop("lp_guided_hint", True))
    first_solution_share = float(switches.pop("first_solution_share", 0.15))  # type: ignore[arg-type]
    large_from = int(switches.pop("large_from", 20_000))  # type: ignore[call-overload]
    # Core-guided search only where measured useful: breaks (sums of literals
    # whose optimum is small). Weight and shortfall are left to LNS and the LP.
    core_stages = {
        "weight": bool(switches.pop("core_weight", False)),
        "shortfall": bool(switches.pop("core_shortfall", False)),
    }
    options = {k: v for k, v in (options or {}).items() if not k.startswith("model_")}
    sm = SchedulingModel(
        instance,
        block_starts=bool(switches.get("block_starts", False)),
        long_span_clauses=bool(switches.get("long_span_clauses", True)),
        redundant_counts=bool(switches.get("redundant_counts", True)),
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
    if len(model.proto.variables) >= large_from and options is not None:
        # Measured on a 5,000-request event: presolve probing took ~10 s of every
        # stage (each stage presolves again), leaving no time to search.
        options = {"cp_model_probing_level": 0, **options}
        stats["light_presolve"] = 1
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

    previous_slot: dict[str, str] = {}
    previous_location: dict[str, str] = {}
    if previous is not None:
        previous_slot = {sm_.id: sm_.slot for sm_ in previous.meetings}
        previous_location = {sm_.id: sm_.location for sm_ in previous.meetings}
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
    # First hint: the given schedule, else "no optional meeting held" (feasible
    # whenever required meetings and workshop minimums are, and a start for LNS).
    for (mid, s), v in sm.x.items():
        model.add_hint(v, int(start_slots.get(mid) == instance.slots[s].id))
    solution: list[int] | None = None
    if start_slots:
        tc = time.monotonic()
        placed_before = (
            {w.id: w.participants for w in previous.workshops} if previous is not None else None
        )
        solution = _complete_hint(
            sm,
            start_slots,
            placed_before,
            min(0.15 * time_limit, 0.3 * (deadline - tc)),
            workers,
            seed,
        )
        stats["hint_completion_s"] = round(time.monotonic() - tc, 3)
        stats["hint_completed"] = int(solution is not None)

    targets: dict[str, int] = {}
    if previous is not None and previous.objective is not None:
        targets = {
            "shortfall": previous.objective.shortfall,
            "weight": previous.objective.weight,
            "breaks": previous.objective.breaks,
        }
        # Measured on a 2,000-request event: without presolve, the 5 s re-optimisation
        # gets through every stage (with it, presolve alone ate most stages).
        options = {"cp_model_presolve": False, **options}
    changes: LinearExpr = 0
    if previous is not None:
        changes = _changes_expr(sm, previous_slot)

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

    if (
        solution is None
        and previous is None
        and first_solution_share > 0
        and plan[0][0] != "feasibility"
    ):
        # No valid start (e.g. the greedy breaks the spread rule): find one first with
        # a pure SAT search, far faster than the stages' default search here. Not when
        # re-optimising: any schedule would be far from the previous one (measured:
        # 686 of 2,000 meetings changed instead of 1 when the previous one's completion
        # timed out under load), the stages follow the previous schedule's hint instead.
        tf = time.monotonic()
        solution = _first_solution(model, first_solution_share * time_limit, seed)
        stats["first_solution_s"] = round(time.monotonic() - tf, 3)
        stats["first_solution_found"] = int(solution is not None)
    # Levels the complete starting schedule already reaches at a proven bound.
    proved_by_hint: dict[str, int] = {}
    if solution is not None and previous is None:
        if sm.has_shortfall and _stage_value(sm, solution, "shortfall", {}) == 0:
            proved_by_hint["shortfall"] = 0
            wz = lp.weight_at_zero_shortfall
            if sm.has_weight and wz is not None and _stage_value(sm, solution, "weight", {}) == wz:
                proved_by_hint["weight"] = wz
        elif (
            not sm.has_shortfall
            and sm.has_weight
            and lp.weight is not None
            and (_stage_value(sm, solution, "weight", {}) == lp.weight)
        ):
            proved_by_hint["weight"] = lp.weight
    stages: list[_Stage] = []
    exact = satbreaks.not_applicable(sm) is None  # the SAT search is exact (see satbreaks)
    solved_any = False
    for i, (name, expr, maximise) in enumerate(plan):
        remaining = deadline - time.monotonic()
        shares = [_STAGE_SHARE.get(n, 1.0) for n, _, _ in plan[i:]]
        budget = remaining * shares[0] / sum(shares)
        stage = _Stage(name)
        target = targets.get(name)
        known = proved_by_hint.get(name)
        if known is not None and solution is not None:
            # The starting schedule already meets a proven bound of this level
            # (shortfall 0; weight equal to the LP bound at shortfall 0): the
            # stage would only spend time proving it. Fix the level, move on.
            model.add(expr == known)
            stage.status, stage.value, stage.bound = "OPTIMAL", known, known
            stage.ended_at_s = round(time.monotonic() - t0, 3)
            stages.append(stage)
            stats[f"{name}_proved_by"] = "hint"
            solved_any = True  # the start is a CP-SAT solution of the model (_complete_hint)
            continue
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
            near: LinearExpr = -changes if maximise else changes
            goal = n * capped + near  # type: ignore[operator]
            if solution is not None:
                now = _stage_value(sm, solution, name, previous_slot)
                solution = [*solution, min(now, target) if maximise else max(now, target)]
        if solution is not None:
            _set_hint(model, solution)
        if maximise:
            model.maximize(goal)
        elif isinstance(goal, int):
            model.clear_objective()  # type: ignore[no-untyped-call]
        else:
            model.minimize(goal)
        ts = time.monotonic()
        if name == "breaks" and target is None and sat_breaks and (exact or solution):
            # Started first, so that the probes below run beside it (measured: on
            # ticf-13crafb the probes alone take 3.7 s of the 20).
            current = _stage_value(sm, solution, name, {}) if solution is not None else None
            k_max = len(instance.participants) - 1  # see satbreaks: spread exact below
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
        # The SAT search's process takes one of the cores while it runs.
        stage_workers = workers if sat is None or sat_share_workers else max(1, workers - 1)
        known_lb = 0  # proved lower bound of this stage before its main solve
        try:
            if name == "breaks" and probe_breaks and target is None:
                tp = time.monotonic()
                lb, found = _probe_from_below(
                    model, expr, budget, stage_workers, seed, options, probe_count, sat
                )
                stats["breaks_probe_lower_bound"] = lb
                stats["breaks_probe_s"] = round(time.monotonic() - tp, 3)
                known_lb = lb
                if lb > 0:
                    model.add(expr >= lb)  # proved: every schedule has at least lb breaks
                if found is not None:
                    _set_hint(model, found)  # optimal already; the solve below proves it
            budget -= time.monotonic() - ts
            if sat is not None:
                # Keep time to turn a SAT schedule into a CP-SAT solution after the stage
                # (_merge_sat; like the start's completion: 1.4 s at 5,000 requests).
                completion = float(stats.get("hint_completion_s", 0.1))
                budget -= min(0.2 * budget, 1.5 * completion)
            solver = _make_solver(
                budget, stage_workers, seed, options, core=core_stages.get(name, True)
            )
            progress = _Progress(t0)
            stage_end = time.monotonic() + budget
            if sat is not None:
                sat.on_found.append(_stop_when_settled(sat, solver, known_lb))
                if _settled(sat, known_lb):
                    solver.parameters.max_time_in_seconds = 0.05  # found while starting
            status = solver.solve(model, progress)
        except BaseException:
            if sat is not None:
                sat.stop()  # never leave the child process running behind an error
            raise
        if status == cp_model.UNKNOWN and solution is None and deadline - time.monotonic() > 0.2:
            # No schedule at all yet: spend what is left on a first one (large events
            # under load can need more than the first stage's share to get started).
            solver = _make_solver(deadline - time.monotonic(), workers, seed, options, core=False)
            solver.parameters.stop_after_first_solution = True
            status = solver.solve(model, progress)
            if status == cp_model.OPTIMAL:
                status = cp_model.FEASIBLE  # optimal for "first solution" only
            stats[f"{name}_first_solution_fallback"] = 1
        stage.time_s = round(time.monotonic() - ts, 3)
        stage.ended_at_s = round(time.monotonic() - t0, 3)
        stage.status = solver.status_name(status)
        stage.time_to_best_s = round(progress.last_solution_at, 3)
        incoming = solution
        solver_found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        stage.proved = status == cp_model.OPTIMAL
        if solver_found:
            solution = list(solver.response_proto.solution)
            solved_any = True
            stage.value = int(solver.value(level)) if not isinstance(expr, int) else 0
            stage.proved = status == cp_model.OPTIMAL
        if incoming is not None and not stage.proved and not isinstance(expr, int):
            # A short stage may stop before CP-SAT has even loaded the hint (it is
            # checked after presolve): never return worse than the incoming schedule.
            before = _stage_value(sm, incoming, name, previous_slot)
            if target is not None:
                before = min(before, target) if maximise else max(before, target)
            if solution is incoming or (before > stage.value if maximise else before < stage.value):
                solution, stage.value = incoming, before
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
        if sat is not None:
            if not stage.proved:
                # CP-SAT ended early without a proof (e.g. a conflict limit): the SAT
                # search may still answer within the stage's time.
                sat.wait(stage_end - time.monotonic())
            sat.stop()
            merged = _merge_sat(sat, sm, stage, solution, expr, stats, t0, workers, seed, known_lb)
            if merged is not solution:
                solved_any = True  # a complete CP-SAT solution of the model (_complete_hint)
            solution = merged
            if stage.proved:
                status = cp_model.OPTIMAL
            sat = None
        stages.append(stage)
        if status == cp_model.INFEASIBLE or solution is None:
            break  # infeasible, or no schedule at all within the time limit
        # UNKNOWN after an earlier stage: keep that stage's schedule and go on.

    for st in stages:
        stats[f"{st.name}_status"] = st.status
        stats[f"{st.name}_time_s"] = st.time_s
        stats[f"{st.name}_time_to_best_s"] = st.time_to_best_s
        if st.status in ("OPTIMAL", "FEASIBLE"):
            stats[f"{st.name}_value"] = st.value
        if st.bound is not None:
            stats[f"{st.name}_bound"] = st.bound

    if solution is None:
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

    return _result_from(
        sm, solution, stages, solved_any, plan, previous_slot, previous_location, lp, t0, stats
    )


def _settled(sat: satbreaks.SatSearch, known_lb: int) -> bool:
    """Whether the SAT search's schedule ends the stage: an exact search's is optimal,
    a held-set one's only when it reaches the proved bound (else CP-SAT may do better)."""
    value = sat.found_value
    return value is not None and (sat.exact or value <= known_lb)


def _stop_when_settled(
    sat: satbreaks.SatSearch, solver: cp_model.CpSolver, known_lb: int
) -> Callable[[], None]:
    """The SAT search's `on_found` callback: stop CP-SAT if that settles the stage."""

    def callback() -> None:
        if _settled(sat, known_lb):
            solver.stop_search()

    return callback


def _merge_sat(
    sat: satbreaks.SatSearch,
    sm: SchedulingModel,
    stage: _Stage,
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
        complete = _complete_hint(sm, slots, sat.seats, 10.0, workers, seed)
        value = _stage_value(sm, complete, "breaks", {}) if complete is not None else None
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


def _changes_expr(sm: SchedulingModel, previous_slot: Mapping[str, str]) -> LinearExpr:
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


def _result_from(
    sm: SchedulingModel,
    solution: Sequence[int],
    stages: list[_Stage],
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
