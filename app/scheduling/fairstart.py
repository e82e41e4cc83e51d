"""A fairness-first start: a valid schedule aimed at level 1 (shortfall) before weight.

The first-fit greedy (`greedy.py`) places optional meetings one at a time; on a
crowded event it can leave a company with no meeting although a schedule giving
every company its `min_meetings` exists (it takes a buyer's last free slot for a
company that already has a meeting). `fair_start` builds its schedule in this
order instead:

1. from a base schedule (default: the greedy's), it keeps what must be held —
   workshop members, the candidates needed to reach each workshop's
   `min_size`, the required meetings and the meetings they come `after` — and
   drops every other meeting (with `keep_all`, used on the previous schedule
   when re-optimising, it keeps everything and only adds); a must-hold
   meeting the base lacks is placed first-fit, most constrained first;
2. **fairness rounds**: each participant below its `min_meetings` (a
   *demander*) gets its missing meetings from a max-flow of minimum cost
   (OR-Tools `SimpleMinCostFlow`), source → demander (capacity: its deficit,
   within its cap) → (demander, slot) → (other participant, slot) → other
   participant (capacity: what its cap still allows) → sink. An arc
   (demander, slot) → (other, slot) exists for each optional meeting of the two
   that can still be placed in that slot (its domain: sessions, fixed slot,
   unavailability, workshop slots; both free; a table free; after its
   predecessors), and costs the meeting's weight shortfall to the heaviest
   one, so that among the ways of serving every demander the heaviest
   meetings are chosen. The chosen meetings are then placed through the
   greedy's bookkeeping (`GreedyState`), which re-checks what the flow cannot
   express (the number of tables per slot, a table shared by two pinned
   participants, a participant both demander and other, meetings of three);
   whatever fails is left to the next round, built on the new state;
3. the remaining optional meetings, first those of participants still below
   their target, then heaviest first, each in its earliest possible slot;
4. further workshop candidates, heaviest first, while there is room.

The validator judges the outcome: the start is FEASIBLE when it breaks no hard
rule (e.g. `max_break_spread`, which this start does not try to meet, can make
it UNKNOWN), and the engine only uses a FEASIBLE start. Like the greedy, it
never proves anything.
"""

from __future__ import annotations

import time

from ortools.graph.python import min_cost_flow

from app.scheduling.greedy import GreedyState, greedy, static_domain
from app.scheduling.types import (
    Instance,
    Meeting,
    Objective,
    Result,
)

__all__ = ["better", "fair_start", "level_key"]

_UNCAPPED = 1 << 30  # capacity of a participant without max_meetings


def level_key(objective: Objective) -> tuple[int, int, int]:
    """Sort key of the lexicographic objective: smaller is better (shortfall, -weight, breaks)."""
    return (objective.shortfall, -objective.weight, objective.breaks)


def better(a: Result, b: Result) -> bool:
    """True when `a` is strictly better than `b` on the levels (both need an objective)."""
    if a.objective is None or b.objective is None:
        return a.objective is not None
    return level_key(a.objective) < level_key(b.objective)


def _must_hold(instance: Instance) -> set[str]:
    """Required meetings and, transitively, the meetings they come after."""
    meetings = {m.id: m for m in instance.meetings}
    must: set[str] = set()
    stack = [m.id for m in instance.meetings if m.required]
    while stack:
        mid = stack.pop()
        if mid not in must:
            must.add(mid)
            stack.extend(meetings[mid].after)
    return must


def _keep_base(state: GreedyState, base: Result, must: set[str], keep_all: bool) -> None:
    """Step 1: workshop members, candidates up to min_size, meetings that must be held.

    With `keep_all`, every meeting and workshop participant of `base` is kept.
    """
    inst = state.instance
    attending = {wp.id: wp.participants for wp in base.workshops}
    for w in inst.workshops:
        members = set(w.members)
        extra = max(0, w.min_size - len(members))
        keep = list(w.members)
        for pid in attending.get(w.id, ()):
            if pid not in members and (extra > 0 or keep_all) and pid not in keep:
                keep.append(pid)
                extra -= 1
        for pid in keep:
            for s in w.slots:
                state.busy[pid].setdefault(s, f"workshop {w.id}")
            state.attendees[w.id].append(pid)
    meetings = {m.id: m for m in inst.meetings}
    for sm in base.meetings:
        if (keep_all or sm.id in must) and sm.id in meetings:
            state.place(meetings[sm.id], sm.slot, sm.location)


def _deficits(state: GreedyState) -> dict[str, int]:
    """Meetings each participant still misses to reach its min_meetings (positive only)."""
    out = {}
    for p in state.instance.participants:
        missing = p.min_meetings - state.held[p.id]
        if p.max_meetings is not None:
            missing = min(missing, p.max_meetings - state.held[p.id])
        if missing > 0:
            out[p.id] = missing
    return out


def _open_slots(state: GreedyState, meeting: Meeting, domain: list[str]) -> list[str]:
    """Slots of `meeting`'s domain where it could be placed now (free people and table)."""
    if meeting.id in state.placed or not state.can_meet(meeting):
        return []
    earliest = -1
    for before in meeting.after:
        if before not in state.placed:
            return []
        earliest = max(earliest, state.slot_index[state.placed[before][0]])
    return [
        s
        for s in domain
        if state.slot_index[s] > earliest
        and not any(s in state.busy[p] for p in meeting.participants)
        and state.free_table(meeting, s) is not None
    ]


def _fair_round(
    state: GreedyState,
    domain: dict[str, list[str]],
    optional: list[Meeting],
    deficit: dict[str, int],
) -> int:
    """One max-flow of minimum cost serving the deficits; places its choice, returns count."""
    heaviest = max((m.weight for m in optional), default=1)
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[tuple[str, str, str], int] = {}

    def node(kind: str, pid: str = "", slot: str = "") -> int:
        return nodes.setdefault((kind, pid, slot), len(nodes))

    source, sink = node("source"), node("sink")
    choice: dict[int, tuple[Meeting, str]] = {}
    for m in optional:
        wanting = [p for p in m.participants if p in deficit]
        if not wanting:
            continue
        # The demander: the participant missing most (ties: first listed); the
        # first other participant is the flow's "supplier" of the meeting.
        demander = max(wanting, key=lambda p: deficit[p])
        others = [p for p in m.participants if p != demander]
        for s in _open_slots(state, m, domain[m.id]):
            head = node("out", others[0], s) if others else sink
            arc = flow.add_arc_with_capacity_and_unit_cost(
                node("in", demander, s), head, 1, heaviest - m.weight
            )
            choice[arc] = (m, s)
    if not choice:
        return 0
    for (kind, pid, _), n in list(nodes.items()):  # each person once per slot, per side
        if kind == "in":
            flow.add_arc_with_capacity_and_unit_cost(node("demander", pid), n, 1, 0)
        elif kind == "out":
            flow.add_arc_with_capacity_and_unit_cost(n, node("other", pid), 1, 0)
    for (kind, pid, _), n in list(nodes.items()):
        if kind == "demander":
            flow.add_arc_with_capacity_and_unit_cost(source, n, deficit[pid], 0)
        elif kind == "other":
            cap = state.participants[pid].max_meetings
            room = _UNCAPPED if cap is None else max(0, cap - state.held[pid])
            flow.add_arc_with_capacity_and_unit_cost(n, sink, room, 0)
    total = sum(deficit.values())
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return 0
    chosen = [choice[a] for a in choice if flow.flow(a) > 0]
    # Most constrained first: a meeting with few possible slots is placed before others.
    chosen.sort(key=lambda ms: len(domain[ms[0].id]))
    placed = 0
    for m, s in chosen:
        if m.id in state.placed or s not in _open_slots(state, m, [s]):
            continue  # a rule the flow does not express: left to the next round
        table = state.free_table(m, s)
        if table is not None:
            state.place(m, s, table)
            placed += 1
    return placed


def _first_fit(state: GreedyState, domain: dict[str, list[str]], meetings: list[Meeting]) -> None:
    """Each meeting in its earliest possible slot, in the given order.

    Passes repeat while one places something, since a meeting can only be placed
    after the meetings it comes after.
    """
    rest = meetings
    progress = True
    while progress and rest:
        progress = False
        left = []
        for m in rest:
            if state.try_meeting(m, domain[m.id]):
                progress = True
            else:
                left.append(m)
        rest = left


def fair_start(
    instance: Instance, base: Result | None = None, *, rounds: int = 8, keep_all: bool = False
) -> Result:
    """A schedule that serves participants below `min_meetings` first (module docstring).

    `base` is the schedule whose workshop placements and must-hold meetings are
    kept (default: the greedy's). With `keep_all`, every meeting and workshop
    participant of `base` is kept and only added to (re-optimisation: `base`
    is the previous schedule still valid, so nothing of it moves). Status
    FEASIBLE when the validator accepts the schedule, UNKNOWN otherwise;
    unscheduled meetings carry an empty reason.
    """
    t0 = time.monotonic()
    if base is None:
        base = greedy(instance)
    state = GreedyState(instance)
    domain = static_domain(instance)
    must = _must_hold(instance)
    _keep_base(state, base, must, keep_all)
    order = {m.id: i for i, m in enumerate(instance.meetings)}
    optional = [m for m in instance.meetings if m.id not in must]
    # Must-hold meetings the base does not hold (e.g. a required meeting added since the
    # previous schedule): most constrained first, each after the meetings it comes after.
    pending = sorted(
        (m for m in instance.meetings if m.id in must and m.id not in state.placed),
        key=lambda m: (len(domain[m.id]), order[m.id]),
    )
    _first_fit(state, domain, pending)

    served = 0
    done_rounds = 0
    for _ in range(rounds):
        deficit = _deficits(state)
        if not deficit:
            break
        done_rounds += 1
        placed = _fair_round(
            state, domain, [m for m in optional if m.id not in state.placed], deficit
        )
        served += placed
        if placed == 0:
            break

    # 3. the rest: participants still short first, then heaviest, then most constrained.
    short = set(_deficits(state))
    rest = sorted(
        (m for m in optional if m.id not in state.placed),
        key=lambda m: (
            -any(p in short for p in m.participants),
            -m.weight,
            len(domain[m.id]),
            order[m.id],
        ),
    )
    _first_fit(state, domain, rest)

    # 4. further workshop candidates, heaviest first.
    candidates = sorted(
        ((c.weight, w.id, c.participant) for w in instance.workshops for c in w.candidates),
        key=lambda t: -t[0],
    )
    for _, wid, pid in candidates:
        if pid not in state.attendees[wid]:
            state.try_candidate(wid, pid)

    return state.result("fair start", t0, {"fair_rounds": done_rounds, "fair_served": served})
