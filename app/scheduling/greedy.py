"""A first-fit greedy scheduler: the baseline and the CP-SAT model's first hint.

Order of work:

1. workshop members are placed (they always attend);
2. meetings that must be held — required ones and, transitively, the meetings
   they come `after` — most constrained first (fewest possible slots, then
   busiest participants), each in its earliest possible slot and table;
3. workshop candidates needed to reach each workshop's `min_size`;
4. optional meetings: first those whose participants have a `min_meetings`
   target (level 1 of the objective), then by weight, then most constrained;
5. further workshop candidates, heaviest first, while there is room.

A meeting is only placed after every meeting it comes `after`, in a later
slot. Tables: a meeting pinned to a location (fixed, or a pinned participant)
takes it; any other meeting takes the first free table, preferring tables
that nobody is pinned to, then the table one of its participants already used.

With `repair_spread` (the engine's hint and fallback, not the baseline
figures), single meetings are then moved to other possible slots while that
lowers the breaks in excess of `max_break_spread` (then the total breaks).

Status: the greedy never proves anything, so it returns FEASIBLE when its
schedule meets every hard rule (all required meetings placed, every workshop
at least `min_size`, the break spread respected) and UNKNOWN otherwise — never
INFEASIBLE, since a smarter search might still succeed. Its unscheduled
meetings carry an empty reason (see `explain.fill_reasons`). Whatever the
status, the schedule it lists breaks no conflict rule of `validate.py`.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from app.scheduling.tables import effective_location
from app.scheduling.types import (
    Instance,
    Meeting,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)
from app.scheduling.validate import validate

__all__ = ["GreedyState", "greedy", "static_domain"]


def static_domain(instance: Instance) -> dict[str, list[str]]:
    """Slots where each meeting could be held, considering it alone.

    Filters: session, fixed slot, every participant available and not a
    workshop member in that slot, its location (fixed or pinned) not taken by a
    workshop, some location free of workshops. Two different pinned locations
    leave no slot. Slot order is the instance's.
    """
    participants = {p.id: p for p in instance.participants}
    location_ids = {loc.id for loc in instance.locations}
    member_slots: dict[str, set[str]] = defaultdict(set)
    blocked: dict[str, set[str]] = defaultdict(set)
    for w in instance.workshops:
        for sid in w.slots:
            for pid in w.members:
                member_slots[pid].add(sid)
            if w.location is not None and w.location in location_ids:
                blocked[sid].add(w.location)
    eff = effective_location(instance)
    out: dict[str, list[str]] = {}
    for m in instance.meetings:
        pins = {participants[p].location for p in m.participants} - {None}
        if m.location is not None:
            pins.add(m.location)
        if len(pins) > 1:
            out[m.id] = []
            continue
        loc = eff[m.id]
        dom = []
        for s in instance.slots:
            if m.slot is not None and s.id != m.slot:
                continue
            if m.session is not None and s.session != m.session:
                continue
            if any(
                s.id in participants[p].unavailable or s.id in member_slots[p]
                for p in m.participants
            ):
                continue
            if loc is not None and loc in blocked[s.id]:
                continue
            if len(blocked[s.id]) >= len(instance.locations):
                continue
            dom.append(s.id)
        out[m.id] = dom
    return out


@dataclass
class GreedyState:
    """Mutable bookkeeping of a partial schedule (also used by `explain`)."""

    instance: Instance
    busy: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    taken: dict[tuple[str, str], str] = field(default_factory=dict)  # (loc, slot) -> activity
    held: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    placed: dict[str, tuple[str, str]] = field(default_factory=dict)
    attendees: dict[str, list[str]] = field(default_factory=dict)
    last_table: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        inst = self.instance
        self.slot_index = {s.id: i for i, s in enumerate(inst.slots)}
        self.participants = {p.id: p for p in inst.participants}
        self.location_ids = [loc.id for loc in inst.locations]
        known = set(self.location_ids)
        pinned_to = {p.location for p in inst.participants} | {m.location for m in inst.meetings}
        # Tables nobody is pinned to come first, so that pinned tables stay free for their owners.
        self.pinned_tables = pinned_to
        self.table_order = [t for t in self.location_ids if t not in pinned_to] + [
            t for t in self.location_ids if t in pinned_to
        ]
        self.effective = effective_location(inst)
        for w in inst.workshops:
            self.attendees[w.id] = []
            if w.location is not None and w.location in known:
                for sid in w.slots:
                    self.taken.setdefault((w.location, sid), f"workshop {w.id}")

    def result(self, solver: str, t0: float, stats: Mapping[str, float | int | str]) -> Result:
        """The schedule placed so far, judged by the validator.

        FEASIBLE when it breaks no hard rule, UNKNOWN otherwise (the reason names the first
        violations, prefixed by `solver`); unscheduled meetings carry an empty reason.
        """
        inst = self.instance
        draft = Result(
            instance=inst.name,
            status=Status.FEASIBLE,
            meetings=tuple(
                ScheduledMeeting(m.id, *self.placed[m.id])
                for m in inst.meetings
                if m.id in self.placed
            ),
            unscheduled=tuple(
                Unscheduled(m.id, "") for m in inst.meetings if m.id not in self.placed
            ),
            workshops=tuple(
                WorkshopPlacement(w.id, tuple(self.attendees[w.id])) for w in inst.workshops
            ),
        )
        report = validate(inst, draft)
        return replace(
            draft,
            status=Status.FEASIBLE if report.ok else Status.UNKNOWN,
            objective=report.objective,
            wall_time_s=round(time.monotonic() - t0, 3),
            reason=None
            if report.ok
            else f"{solver}: " + "; ".join(v.message for v in report.violations[:3]),
            stats={"solver": solver, **stats},
        )

    def free_table(self, meeting: Meeting, slot: str) -> str | None:
        """A free location for `meeting` in `slot`, or None."""
        loc = self.effective[meeting.id]
        if loc is not None:
            return loc if (loc, slot) not in self.taken else None
        for p in meeting.participants:  # keep a participant at the table it already uses
            t = self.last_table.get(p)
            if t is not None and (t, slot) not in self.taken:
                return t
        return next((t for t in self.table_order if (t, slot) not in self.taken), None)

    def can_meet(self, meeting: Meeting) -> bool:
        """No participant of `meeting` has reached its cap."""
        for p in meeting.participants:
            cap = self.participants[p].max_meetings
            if cap is not None and self.held[p] >= cap:
                return False
        return True

    def place(self, meeting: Meeting, slot: str, table: str) -> None:
        """Record `meeting` in `slot` at `table`."""
        self.placed[meeting.id] = (slot, table)
        self.taken[table, slot] = f"meeting {meeting.id}"
        for p in meeting.participants:
            self.busy[p][slot] = f"meeting {meeting.id}"
            self.held[p] += 1
            if table not in self.pinned_tables:  # never lure others onto a pinned table
                self.last_table.setdefault(p, table)

    def try_meeting(self, meeting: Meeting, domain: list[str]) -> bool:
        """Place `meeting` in its earliest possible slot; False if there is none."""
        if not self.can_meet(meeting):
            return False
        earliest = -1
        for before in meeting.after:
            if before not in self.placed:
                return False
            earliest = max(earliest, self.slot_index[self.placed[before][0]])
        for slot in domain:
            if self.slot_index[slot] <= earliest:
                continue
            if any(slot in self.busy[p] for p in meeting.participants):
                continue
            table = self.free_table(meeting, slot)
            if table is not None:
                self.place(meeting, slot, table)
                return True
        return False

    def try_candidate(self, workshop_id: str, participant: str) -> bool:
        """Place a workshop candidate if free in all the workshop's slots and there is room."""
        w = next(w for w in self.instance.workshops if w.id == workshop_id)
        if w.max_size is not None and len(self.attendees[w.id]) >= w.max_size:
            return False
        p = self.participants[participant]
        if any(s in p.unavailable or s in self.busy[participant] for s in w.slots):
            return False
        for s in w.slots:
            self.busy[participant][s] = f"workshop {w.id}"
        self.attendees[w.id].append(participant)
        return True


def greedy(
    instance: Instance,
    *,
    repair_spread: bool = False,
    guide: Mapping[str, Mapping[str, float]] | None = None,
) -> Result:
    """First-fit schedule of `instance` (see the module docstring for order and status).

    With `repair_spread` (used for the engine's hint, not for the baseline
    figures), meetings are then moved one at a time while that narrows the
    spread of breaks (see `_repair_spread`).

    `guide` (meeting id -> slot id -> value in [0, 1], e.g. the LP relaxation's
    solution from `bounds.lp_guide`) turns the first-fit into LP rounding:
    each meeting tries its slots by decreasing value first, and optional
    meetings are placed by decreasing total value (then as without a guide).
    """
    t0 = time.monotonic()
    state = GreedyState(instance)
    domain = static_domain(instance)
    mass: dict[str, float] = {}
    if guide is not None:
        for mid, values in guide.items():
            if mid in domain:
                # Stable sort: slots the LP does not use keep their time order, last.
                domain[mid] = sorted(domain[mid], key=lambda sid: -values.get(sid, 0.0))
                mass[mid] = round(sum(values.values()), 2)
    meetings = {m.id: m for m in instance.meetings}
    order = {m.id: i for i, m in enumerate(instance.meetings)}

    for w in instance.workshops:  # 1. members always attend
        for pid in w.members:
            for s in w.slots:
                state.busy[pid].setdefault(s, f"workshop {w.id}")
            state.attendees[w.id].append(pid)

    # Meetings that must be held: required ones and, transitively, their predecessors.
    must: set[str] = set()
    stack = [m.id for m in instance.meetings if m.required]
    while stack:
        mid = stack.pop()
        if mid not in must:
            must.add(mid)
            stack.extend(meetings[mid].after)
    degree: dict[str, int] = defaultdict(int)
    for m in instance.meetings:
        for p in m.participants:
            degree[p] += 1
    targets = {p.id for p in instance.participants if p.min_meetings > 0}

    def must_key(mid: str) -> tuple[int, int, int]:
        m = meetings[mid]
        return (len(domain[mid]), -sum(degree[p] for p in m.participants), order[mid])

    def optional_key(mid: str) -> tuple[float, int, int, int, int]:
        m = meetings[mid]
        return (
            -mass.get(mid, 0.0),
            -sum(p in targets for p in m.participants),
            -m.weight,
            len(domain[mid]),
            order[mid],
        )

    _place_in_order(state, [mid for mid in meetings if mid in must], must_key, domain)  # 2.

    candidates = sorted(
        ((c.weight, w.id, c.participant) for w in instance.workshops for c in w.candidates),
        key=lambda t: -t[0],
    )
    for w in instance.workshops:  # 3. reach min_size
        for _, wid, pid in candidates:
            if wid == w.id and len(state.attendees[w.id]) < w.min_size:
                state.try_candidate(wid, pid)

    _place_in_order(state, [mid for mid in meetings if mid not in must], optional_key, domain)  # 4.

    for _, wid, pid in candidates:  # 5.
        if pid not in state.attendees[wid]:
            state.try_candidate(wid, pid)

    moves = 0
    if repair_spread and instance.rules.max_break_spread is not None:
        moves = _repair_spread(state, domain, instance.rules.max_break_spread)

    unplaced = sum(1 for m in instance.meetings if m.required and m.id not in state.placed)
    return state.result("greedy", t0, {"required_unplaced": unplaced, "spread_moves": moves})


def _place_in_order(
    state: GreedyState,
    ids: list[str],
    key: Callable[[str], tuple[float, ...]],
    domain: dict[str, list[str]],
) -> None:
    """Place meetings by increasing `key`, each only after the meetings it comes after.

    Predecessors outside `ids` count as already decided (placed or not).
    """
    inst = state.instance
    meetings = {m.id: m for m in inst.meetings}
    wanted = set(ids)
    waiting: dict[str, int] = {}
    successors: dict[str, list[str]] = defaultdict(list)
    for mid in ids:
        pending = [b for b in meetings[mid].after if b in wanted]
        waiting[mid] = len(pending)
        for b in pending:
            successors[b].append(mid)
    heap = [(key(mid), mid) for mid in ids if waiting[mid] == 0]
    heapq.heapify(heap)
    while heap:
        _, mid = heapq.heappop(heap)
        state.try_meeting(meetings[mid], domain[mid])
        for nxt in successors[mid]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(heap, (key(nxt), nxt))


def _day_breaks(days: list[list[str]], busy: set[str]) -> int:
    """Breaks of one participant busy in `busy` (see validate.count_breaks)."""
    total = 0
    for day in days:
        flags = [s in busy for s in day]
        if True in flags:
            first = flags.index(True)
            last = len(flags) - 1 - flags[::-1].index(True)
            total += sum(1 for i in range(first + 1, last + 1) if not flags[i] and flags[i - 1])
    return total


def _repair_spread(
    state: GreedyState, domain: dict[str, list[str]], spread: int, max_moves: int = 2000
) -> int:
    """Move single meetings while (excess breaks, total breaks) decreases; returns moves made.

    A move keeps every conflict rule: the meeting goes to another slot of its
    domain where all its participants are free and its table (or a free one)
    is available, between its predecessors and its successors. Stops when
    the spread is within `spread` or no single move improves.
    """
    inst = state.instance
    meetings = {m.id: m for m in inst.meetings}
    by_day: dict[str, list[str]] = defaultdict(list)
    for s in inst.slots:
        by_day[s.day].append(s.id)
    days = list(by_day.values())
    successors: dict[str, list[str]] = defaultdict(list)
    for m in inst.meetings:
        for a in m.after:
            successors[a].append(m.id)
    busy_sets = {p.id: set(state.busy[p.id]) for p in inst.participants}
    breaks = {p: _day_breaks(days, b) for p, b in busy_sets.items()}
    if not breaks:
        return 0

    def score() -> tuple[int, int]:
        # Excess over the allowed spread, summed over participants: progress on any of
        # several participants at the maximum counts, not only on the last one.
        floor = min(breaks.values()) + spread
        return (sum(max(0, b - floor) for b in breaks.values()), sum(breaks.values()))

    moves = 0
    current = score()
    while current[0] > 0 and moves < max_moves:
        floor = min(breaks.values()) + spread
        worst = sorted((p for p in breaks if breaks[p] > floor), key=lambda p: -breaks[p])
        improved = False
        for pid in worst:
            mine = [
                mid for mid, (sl, _) in state.placed.items() if pid in meetings[mid].participants
            ]
            for mid in mine:
                m = meetings[mid]
                old_slot, old_table = state.placed[mid]
                lo = max(
                    (state.slot_index[state.placed[a][0]] for a in m.after if a in state.placed),
                    default=-1,
                )
                hi = min(
                    (
                        state.slot_index[state.placed[b][0]]
                        for b in successors[mid]
                        if b in state.placed
                    ),
                    default=len(inst.slots),
                )
                for slot in domain[mid]:
                    k = state.slot_index[slot]
                    if slot == old_slot or not lo < k < hi:
                        continue
                    if any(slot in state.busy[p] for p in m.participants):
                        continue
                    table = state.free_table(m, slot)
                    if table is None:
                        continue
                    saved = {p: breaks[p] for p in m.participants}
                    for p in m.participants:
                        busy_sets[p].discard(old_slot)
                        busy_sets[p].add(slot)
                        breaks[p] = _day_breaks(days, busy_sets[p])
                    trial = score()
                    if trial < current:
                        del state.taken[old_table, old_slot]
                        state.taken[table, slot] = f"meeting {mid}"
                        for p in m.participants:
                            del state.busy[p][old_slot]
                            state.busy[p][slot] = f"meeting {mid}"
                        state.placed[mid] = (slot, table)
                        current = trial
                        moves += 1
                        improved = True
                        break
                    for p in m.participants:  # undo the trial
                        busy_sets[p].discard(slot)
                        busy_sets[p].add(old_slot)
                        breaks[p] = saved[p]
                if improved:
                    break
            if improved:
                break
        if not improved:
            break
    return moves
