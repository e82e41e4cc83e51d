"""The solver-independent validator: the executable specification of a schedule.

`validate(instance, result)` re-checks every hard rule of SCHEDULING_FORMAT.md
on a result without any solver, and recomputes the three objective levels
from the schedule itself. The engine runs it after every solve (a result that
fails it is a bug), `python -m app.scheduling check` prints it, and the web
app can show its violations as warnings after an organiser's manual edit.

Violations come in a fixed order: by rule, in the order of `RULES`, then in
the instance's order (meetings, participants, slots, workshops as listed
there), then in the result's order for ids the instance does not know.

Results whose status is INFEASIBLE or UNKNOWN do not claim to be a complete
schedule, so the *completeness* rules (`required_unscheduled`,
`workshop_member_missing`, `workshop_too_small`, `max_break_spread`) are not
applied to them; every *conflict* rule still applies to whatever they list.
An INFEASIBLE result must list no meeting and no workshop participant.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.scheduling.types import Instance, Objective, Result, ScheduledMeeting, Status

__all__ = ["RULES", "Report", "Violation", "count_breaks", "validate"]

# Every rule code, in reporting order, with what it requires.
RULES: dict[str, str] = {
    "unknown_meeting": "the result names only meetings of the instance",
    "duplicate_meeting": "a meeting appears at most once in meetings and unscheduled together",
    "missing_meeting": "every meeting appears in meetings or in unscheduled",
    "infeasible_with_schedule": "an INFEASIBLE result schedules nothing",
    "required_unscheduled": "every required meeting is scheduled",
    "unknown_slot": "a scheduled meeting's slot exists",
    "unknown_location": "a scheduled meeting's location exists",
    "session": "a meeting restricted to a session is held in a slot of that session",
    "fixed_slot": "a meeting with a fixed slot is held in that slot",
    "fixed_location": "a meeting with a fixed location is held at that location",
    "pinned_location": "a participant pinned to a location meets only there",
    "unavailable": "nobody meets or attends a workshop in a slot where they are unavailable",
    "location_conflict": "at most one meeting or workshop per location and slot",
    "participant_conflict": "a participant has at most one meeting or workshop per slot",
    "max_meetings": "a participant holds at most max_meetings meetings",
    "precedence": "a meeting's `after` meetings are scheduled in earlier slots",
    "unknown_workshop": "the result names only workshops of the instance",
    "duplicate_workshop": "a workshop appears at most once in the result",
    "workshop_member_missing": "every member attends their workshop",
    "workshop_outsider": "only members and candidates attend a workshop, each once",
    "workshop_too_small": "a workshop has at least min_size participants",
    "workshop_too_large": "a workshop has at most max_size participants",
    "max_break_spread": "participants' numbers of breaks differ by at most max_break_spread",
}

_COMPLETENESS = {
    "required_unscheduled",
    "workshop_member_missing",
    "workshop_too_small",
    "max_break_spread",
}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: its code (a key of `RULES`), the ids involved, a message."""

    rule: str
    ids: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Report:
    """Outcome of `validate`: ordered violations and the recomputed objective.

    `breaks` and `meetings_held` give the per-participant figures behind the
    objective (every participant of the instance is a key).
    """

    violations: tuple[Violation, ...]
    objective: Objective
    breaks: Mapping[str, int] = field(default_factory=dict)
    meetings_held: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no hard rule is violated."""
        return not self.violations

    def rules_violated(self) -> list[str]:
        """Codes of the violated rules, in order, without repetition."""
        return list(dict.fromkeys(v.rule for v in self.violations))


def count_breaks(instance: Instance, busy: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Breaks per participant given the slots where each is busy (meeting or workshop).

    A break is a maximal run of idle slots between two busy slots of the same
    day; days are the slots' `day` labels, each in the instance's slot order.
    Participants absent from `busy` have no break; unknown slot ids are ignored.
    """
    days: dict[str, list[str]] = defaultdict(list)
    for slot in instance.slots:
        days[slot.day].append(slot.id)
    out: dict[str, int] = {}
    for p in instance.participants:
        mine = set(busy.get(p.id, ()))
        total = 0
        for slots in days.values():
            flags = [s in mine for s in slots]
            if True not in flags:
                continue
            first = flags.index(True)
            last = len(flags) - 1 - flags[::-1].index(True)
            # a break starts at each idle slot that follows a busy one, inside [first, last]
            total += sum(1 for i in range(first + 1, last + 1) if not flags[i] and flags[i - 1])
        out[p.id] = total
    return out


def validate(instance: Instance, result: Result) -> Report:
    """Check every hard rule on `result` and recompute its objective.

    Never raises on a bad result: everything wrong with it becomes a
    `Violation`. Ids the instance does not know are reported once and
    otherwise ignored (they count for nothing in the objective).
    """
    found: dict[str, list[Violation]] = {rule: [] for rule in RULES}

    def add(rule: str, ids: Iterable[str], message: str) -> None:
        found[rule].append(Violation(rule, tuple(ids), message))

    meetings = {m.id: m for m in instance.meetings}
    participants = {p.id: p for p in instance.participants}
    slot_index = {s.id: i for i, s in enumerate(instance.slots)}
    slots = {s.id: s for s in instance.slots}
    location_ids = {loc.id for loc in instance.locations}
    workshops = {w.id: w for w in instance.workshops}
    claims_schedule = result.status in (Status.OPTIMAL, Status.FEASIBLE)

    # -- each meeting exactly once
    listed = Counter([m.id for m in result.meetings] + [u.id for u in result.unscheduled])
    for mid in dict.fromkeys([m.id for m in result.meetings] + [u.id for u in result.unscheduled]):
        if mid not in meetings:
            add("unknown_meeting", [mid], f"the result lists unknown meeting {mid}")
    for m in instance.meetings:
        if listed[m.id] > 1:
            add("duplicate_meeting", [m.id], f"meeting {m.id} appears {listed[m.id]} times")
        elif listed[m.id] == 0:
            add("missing_meeting", [m.id], f"meeting {m.id} is neither scheduled nor unscheduled")

    # The schedule: first placement of each known meeting (duplicates are reported above).
    placed: dict[str, ScheduledMeeting] = {}
    for sm in result.meetings:
        if sm.id in meetings and sm.id not in placed:
            placed[sm.id] = sm

    if result.status == Status.INFEASIBLE and (
        result.meetings or any(w.participants for w in result.workshops)
    ):
        add("infeasible_with_schedule", [], "an INFEASIBLE result lists a schedule")
    for m in instance.meetings:
        if m.required and m.id not in placed:
            add("required_unscheduled", [m.id], f"required meeting {m.id} is not scheduled")

    # -- per scheduled meeting
    valid: dict[str, ScheduledMeeting] = {}  # meetings whose slot and location exist
    for m in instance.meetings:
        if m.id not in placed:
            continue
        sm = placed[m.id]
        ok = True
        if sm.slot not in slots:
            add("unknown_slot", [m.id, sm.slot], f"meeting {m.id} is in unknown slot {sm.slot}")
            ok = False
        if sm.location not in location_ids:
            add(
                "unknown_location",
                [m.id, sm.location],
                f"meeting {m.id} is at unknown location {sm.location}",
            )
            ok = False
        if not ok:
            continue
        valid[m.id] = sm
        slot = slots[sm.slot]
        if m.session is not None and slot.session != m.session:
            add(
                "session",
                [m.id, sm.slot],
                f"meeting {m.id} is restricted to session "
                f"{m.session} but held in slot {sm.slot} (session {slot.session or 'none'})",
            )
        if m.slot is not None and sm.slot != m.slot:
            add(
                "fixed_slot",
                [m.id, sm.slot],
                f"meeting {m.id} is fixed to slot {m.slot} but held in slot {sm.slot}",
            )
        if m.location is not None and sm.location != m.location:
            add(
                "fixed_location",
                [m.id, sm.location],
                f"meeting {m.id} is fixed to location {m.location} but held at {sm.location}",
            )
        for pid in m.participants:
            pinned = participants[pid].location
            if pinned is not None and sm.location != pinned:
                add(
                    "pinned_location",
                    [m.id, pid, sm.location],
                    f"meeting {m.id} is held at {sm.location} but {pid} is pinned to {pinned}",
                )
        for pid in m.participants:
            if sm.slot in participants[pid].unavailable:
                add(
                    "unavailable",
                    [m.id, pid, sm.slot],
                    f"{pid} is unavailable in slot {sm.slot} but has meeting {m.id}",
                )

    # -- workshop placements (first placement of each known workshop)
    attend: dict[str, list[str]] = {}
    seen_w: Counter[str] = Counter(w.id for w in result.workshops)
    for wp in result.workshops:
        if wp.id not in workshops:
            if seen_w[wp.id] > 0:
                add("unknown_workshop", [wp.id], f"the result lists unknown workshop {wp.id}")
                seen_w[wp.id] = 0
        elif wp.id not in attend:
            attend[wp.id] = list(dict.fromkeys(wp.participants))
    for w in instance.workshops:
        if seen_w[w.id] > 1:
            add("duplicate_workshop", [w.id], f"workshop {w.id} appears {seen_w[w.id]} times")
    for w in instance.workshops:
        people = attend.get(w.id, [])
        for pid in w.members:
            if pid not in people:
                add(
                    "workshop_member_missing",
                    [w.id, pid],
                    f"{pid} is a member of workshop {w.id} but does not attend it",
                )
        allowed = set(w.members) | {c.participant for c in w.candidates}
        placement = next((wp for wp in result.workshops if wp.id == w.id), None)
        if placement is not None:
            twice = [p for p, n in Counter(placement.participants).items() if n > 1]
            for pid in people:
                if pid not in allowed:
                    add(
                        "workshop_outsider",
                        [w.id, pid],
                        f"{pid} attends workshop {w.id} but is neither member nor candidate",
                    )
                elif pid in twice:
                    add(
                        "workshop_outsider",
                        [w.id, pid],
                        f"{pid} is listed {placement.participants.count(pid)} times "
                        f"in workshop {w.id}",
                    )
        size = len([p for p in people if p in allowed])
        if size < w.min_size:
            add(
                "workshop_too_small",
                [w.id],
                f"workshop {w.id} has {size} participants, fewer than min_size {w.min_size}",
            )
        if w.max_size is not None and size > w.max_size:
            add(
                "workshop_too_large",
                [w.id],
                f"workshop {w.id} has {size} participants, more than max_size {w.max_size}",
            )
        for pid in people:
            if pid in participants:
                for sid in w.slots:
                    if sid in participants[pid].unavailable:
                        add(
                            "unavailable",
                            [w.id, pid, sid],
                            f"{pid} is unavailable in slot {sid} but attends workshop {w.id}",
                        )

    # -- one activity per location and slot, and per participant and slot
    at_location: dict[tuple[str, str], list[str]] = defaultdict(list)
    activities: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in instance.meetings:
        if m.id in valid:
            at_location[valid[m.id].location, valid[m.id].slot].append(f"meeting {m.id}")
            for pid in m.participants:
                activities[pid, valid[m.id].slot].append(f"meeting {m.id}")
    for w in instance.workshops:
        for sid in w.slots:
            if w.location is not None and w.location in location_ids:
                at_location[w.location, sid].append(f"workshop {w.id}")
            for pid in attend.get(w.id, []):
                if pid in participants:
                    activities[pid, sid].append(f"workshop {w.id}")
    for loc in instance.locations:
        for s in instance.slots:
            items = at_location.get((loc.id, s.id), [])
            if len(items) > 1:
                add(
                    "location_conflict",
                    [loc.id, s.id, *(i.split(" ", 1)[1] for i in items)],
                    f"location {loc.id} holds {len(items)} activities in slot {s.id}: "
                    + ", ".join(items),
                )
    for p in instance.participants:
        for s in instance.slots:
            items = activities.get((p.id, s.id), [])
            if len(items) > 1:
                add(
                    "participant_conflict",
                    [p.id, s.id, *(i.split(" ", 1)[1] for i in items)],
                    f"{p.id} has {len(items)} activities in slot {s.id}: " + ", ".join(items),
                )

    # -- caps and precedences
    held: dict[str, int] = dict.fromkeys(participants, 0)
    for mid in placed:
        for pid in meetings[mid].participants:
            held[pid] += 1
    for p in instance.participants:
        if p.max_meetings is not None and held[p.id] > p.max_meetings:
            add(
                "max_meetings",
                [p.id],
                f"{p.id} holds {held[p.id]} meetings, more than max_meetings {p.max_meetings}",
            )
    for m in instance.meetings:
        if m.id not in valid:
            continue
        for before in m.after:
            if before not in placed:
                add(
                    "precedence",
                    [m.id, before],
                    f"meeting {m.id} must come after {before}, which is not scheduled",
                )
            elif before in valid and (
                slot_index[valid[before].slot] >= slot_index[valid[m.id].slot]
            ):
                add(
                    "precedence",
                    [m.id, before],
                    f"meeting {m.id} (slot {valid[m.id].slot}) "
                    f"must come after {before} (slot {valid[before].slot})",
                )

    # -- objective
    busy: dict[str, set[str]] = defaultdict(set)
    for pid, sid in activities:
        busy[pid].add(sid)
    breaks = count_breaks(instance, busy)
    spread = instance.rules.max_break_spread
    if spread is not None and breaks:
        most = max(breaks, key=lambda p: breaks[p])
        least = min(breaks, key=lambda p: breaks[p])
        if breaks[most] - breaks[least] > spread:
            add(
                "max_break_spread",
                [most, least],
                f"{most} has {breaks[most]} breaks and "
                f"{least} has {breaks[least]}: more than max_break_spread {spread} apart",
            )
    shortfall = sum(max(0, p.min_meetings - held[p.id]) for p in instance.participants)
    weight = sum(meetings[mid].weight for mid in placed if not meetings[mid].required)
    for w in instance.workshops:
        cand = {c.participant: c.weight for c in w.candidates}
        weight += sum(cand.get(pid, 0) for pid in attend.get(w.id, []))
    objective = Objective(shortfall=shortfall, weight=weight, breaks=sum(breaks.values()))

    ordered = tuple(
        v for rule in RULES for v in found[rule] if claims_schedule or rule not in _COMPLETENESS
    )
    return Report(violations=ordered, objective=objective, breaks=breaks, meetings_held=held)
