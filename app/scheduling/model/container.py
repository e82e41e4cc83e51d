"""The model's container: one instance's data, variables and expressions.

`SchedulingModel._prepare` derives the data every rule reads (slot indices,
days, each meeting's domain of possible slots, effective locations, workshop
members' slots and blocked locations); `build()` then adds every rule, each
implemented by a function `add_<rule>(sm)` of the module of its family:

- meetings.py: meeting variables, required meetings, location capacity,
  participants' busy literals, redundant counts, precedences;
- workshops.py: workshop candidates and sizes;
- caps.py: structural infeasibility, max/min meetings (availability is in
  the domains computed here);
- breaks.py: breaks, long-span clauses, break spread;
- objective.py: the weight expression (and the staged objective).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from app.scheduling.model.breaks import add_break_spread, add_breaks, find_sure_active
from app.scheduling.model.caps import (
    add_max_meetings,
    add_min_meetings,
    add_structural_infeasibility,
)
from app.scheduling.model.literals import LinearExpr, Lit
from app.scheduling.model.meetings import (
    add_location_capacity,
    add_meeting_variables,
    add_participant_busy,
    add_precedences,
    add_redundant_busy_per_slot,
    add_redundant_counts,
    add_required,
)
from app.scheduling.model.objective import add_weight
from app.scheduling.model.workshops import add_workshop_candidates, add_workshop_sizes
from app.scheduling.types import Instance, Meeting


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

    def build(self) -> SchedulingModel:
        """Create every variable and constraint; returns self."""
        self._prepare()
        add_structural_infeasibility(self)
        add_meeting_variables(self)
        add_required(self)
        add_workshop_candidates(self)
        add_workshop_sizes(self)
        add_participant_busy(self)
        add_max_meetings(self)
        add_min_meetings(self)
        add_precedences(self)
        add_location_capacity(self)
        add_redundant_busy_per_slot(self)
        if self.redundant_counts:
            add_redundant_counts(self)
        find_sure_active(self)
        add_breaks(self)
        add_break_spread(self)
        add_weight(self)
        return self

    # --------------------------------------------------------------- helpers
    def _meetings_of(self) -> dict[str, list[str]]:
        per: dict[str, list[str]] = defaultdict(list)
        for m in self.instance.meetings:
            for p in m.participants:
                per[p].append(m.id)
        return per
