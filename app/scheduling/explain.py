"""Why a meeting is not scheduled, and obvious reasons an instance is infeasible.

`explain(instance, result)` gives each unscheduled meeting a `Reason`: a code
and parameters (ids and numbers) that the web app can translate, plus an
English `message()` written into the result file. The diagnosis looks at the
returned schedule, from the most structural cause to the most circumstantial:

0. `no_locations`: the instance has no location at all;
1. `conflicting_locations`: two participants are pinned to different locations;
2. `no_common_free_slot`: the participants are never free together;
3. `session_closed`: they are free together, but never in the meeting's
   session or fixed slot;
4. `precedence`: a meeting it must come after is not scheduled, or leaves no
   common free slot after it;
5. `workshop_conflict`: every remaining slot has a participant in a workshop;
6. `participant_cap_reached`: a participant holds `max_meetings` meetings;
7. `lost_to_higher_priority` / `lost_to_other_meetings`: in every remaining
   slot a participant holds another meeting; named, and "higher priority"
   when each is required or weighs at least as much;
8. `tables_full`: in every slot where all are free, every usable table is taken;
9. otherwise `break_spread` (the fairness rule on breaks forbids it) when
   that rule is set, else `not_selected` (the solver preferred other meetings
   for the objective, or stopped before proving optimality).

For results without a schedule: `instance_infeasible` or `no_schedule_found`.

`diagnose_infeasible(instance)` is a fast, sound pre-check: every cause it
names really makes the instance infeasible (it may miss subtler ones).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from app.scheduling.greedy import static_domain
from app.scheduling.tables import effective_location
from app.scheduling.types import Instance, Meeting, Result, Status, Unscheduled

__all__ = ["CODES", "Reason", "diagnose_infeasible", "explain", "fill_reasons"]

ParamValue = str | int | tuple[str, ...]

CODES = (
    "no_locations",
    "conflicting_locations",
    "no_common_free_slot",
    "session_closed",
    "precedence",
    "workshop_conflict",
    "participant_cap_reached",
    "lost_to_higher_priority",
    "lost_to_other_meetings",
    "tables_full",
    "break_spread",
    "not_selected",
    "instance_infeasible",
    "no_schedule_found",
)


def _names(ids: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


@dataclass(frozen=True)
class Reason:
    """Why one meeting is unscheduled: a code of `CODES` and its parameters."""

    code: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    def get(self, key: str) -> ParamValue:
        """One parameter (KeyError when absent)."""
        for k, v in self.params:
            if k == key:
                return v
        raise KeyError(key)

    def message(self) -> str:
        """The reason in plain English (the web app translates from code and params)."""
        p = dict(self.params)

        def ids(key: str) -> str:
            value = p[key]
            return _names(value) if isinstance(value, tuple) else str(value)

        who = ids("participants") if "participants" in p else ""
        templates: dict[str, Callable[[], str]] = {
            "no_locations": lambda: "the event has no location for one-to-one meetings",
            "conflicting_locations": lambda: (
                f"{who} are pinned to different locations ({ids('locations')})"
            ),
            "no_common_free_slot": lambda: f"{who} have no common free slot",
            "session_closed": lambda: (
                f"{who} are not free together in its fixed slot {p['slot']}"
                if "slot" in p
                else f"{who} are free together only outside session {p['session']}"
            ),
            "precedence": lambda: (
                f"it must come after {ids('after')}, which is not scheduled"
                if p.get("unscheduled") == 1
                else f"{who} have no common free slot after {ids('after')}"
            ),
            "workshop_conflict": lambda: (
                f"in every common free slot of {who}, one of them "
                f"attends a workshop ({ids('workshops')})"
            ),
            "participant_cap_reached": lambda: (
                f"{p['participant']} reached its cap of {p['cap']} meetings"
            ),
            "lost_to_higher_priority": lambda: (
                f"the common free slots of {who} are used by "
                f"their meetings of higher or equal priority "
                f"({ids('meetings')})"
            ),
            "lost_to_other_meetings": lambda: (
                f"the common free slots of {who} are used by "
                f"their other meetings ({ids('meetings')}), "
                f"which serve the objective better"
            ),
            "tables_full": lambda: (
                f"location {p['location']} is taken in every slot where {who} are free"
                if "location" in p
                else f"all tables are taken in every slot where {who} are free "
                f"({p['slots']} slot{'s' * (int(str(p['slots'])) > 1)})"
            ),
            "break_spread": lambda: (
                f"{who} are free together with a free table, but placing "
                f"it would break the fairness rule on breaks"
            ),
            "not_selected": lambda: (
                f"{who} are free together with a free table; the solver "
                f"preferred other meetings or stopped before finishing"
            ),
            "instance_infeasible": lambda: f"no schedule meets the hard rules: {p['why']}",
            "no_schedule_found": lambda: "no schedule was found within the time limit",
        }
        return templates[self.code]()


def _reason(code: str, **params: ParamValue) -> Reason:
    return Reason(code, tuple(params.items()))


def explain(instance: Instance, result: Result) -> dict[str, Reason]:
    """A reason for every unscheduled meeting of `result`, keyed by meeting id."""
    meetings = {m.id: m for m in instance.meetings}
    wanted = [u.id for u in result.unscheduled if u.id in meetings]
    if not result.meetings and result.status in (Status.INFEASIBLE, Status.UNKNOWN):
        if result.status is Status.INFEASIBLE:
            why = result.reason or "see the diagnosis"
            return {mid: _reason("instance_infeasible", why=why) for mid in wanted}
        return {mid: _reason("no_schedule_found") for mid in wanted}

    participants = {p.id: p for p in instance.participants}
    slot_index = {s.id: i for i, s in enumerate(instance.slots)}
    location_ids = {loc.id for loc in instance.locations}
    effective = effective_location(instance)
    placed = {sm.id: sm for sm in result.meetings if sm.id in meetings}
    busy: dict[tuple[str, str], str] = {}  # (participant, slot) -> meeting id
    taken: dict[str, set[str]] = defaultdict(set)  # slot -> locations in use
    held: dict[str, int] = defaultdict(int)
    for sm in placed.values():
        taken[sm.slot].add(sm.location)
        for pid in meetings[sm.id].participants:
            busy[pid, sm.slot] = sm.id
            held[pid] += 1
    in_workshop: dict[tuple[str, str], str] = {}
    attend = {w.id: w.participants for w in result.workshops}
    for w in instance.workshops:
        for sid in w.slots:
            if w.location is not None and w.location in location_ids:
                taken[sid].add(w.location)
            for pid in (*w.members, *attend.get(w.id, ())):
                in_workshop[pid, sid] = w.id

    out: dict[str, Reason] = {}
    for mid in wanted:
        m = meetings[mid]
        who = m.participants
        if not location_ids:
            out[mid] = _reason("no_locations")
            continue
        pins = sorted(
            {
                loc
                for loc in (m.location, *(participants[p].location for p in who))
                if loc is not None
            }
        )
        if len(pins) > 1:
            out[mid] = _reason("conflicting_locations", participants=who, locations=tuple(pins))
            continue
        free = [
            s.id
            for s in instance.slots
            if not any(s.id in participants[p].unavailable for p in who)
        ]
        if not free:
            out[mid] = _reason("no_common_free_slot", participants=who)
            continue
        allowed = [
            s
            for s in free
            if (m.slot is None or s == m.slot)
            and (m.session is None or instance.slots[slot_index[s]].session == m.session)
        ]
        if not allowed:
            out[mid] = (
                _reason("session_closed", participants=who, slot=m.slot)
                if m.slot is not None
                else _reason("session_closed", participants=who, session=m.session or "")
            )
            continue
        missing = [a for a in m.after if a not in placed]
        if missing:
            out[mid] = _reason("precedence", participants=who, after=tuple(missing), unscheduled=1)
            continue
        if m.after:
            floor = max(slot_index[placed[a].slot] for a in m.after)
            allowed = [s for s in allowed if slot_index[s] > floor]
            if not allowed:
                out[mid] = _reason("precedence", participants=who, after=m.after, unscheduled=0)
                continue
        open_slots = [s for s in allowed if not any((p, s) in in_workshop for p in who)]
        if not open_slots:
            ws = tuple(
                dict.fromkeys(
                    in_workshop[p, s] for s in allowed for p in who if (p, s) in in_workshop
                )
            )
            out[mid] = _reason("workshop_conflict", participants=who, workshops=ws)
            continue
        capped = next((p for p in who if held[p] >= _cap(participants[p].max_meetings)), None)
        if capped is not None:
            out[mid] = _reason(
                "participant_cap_reached",
                participant=capped,
                cap=participants[capped].max_meetings or 0,
            )
            continue
        all_free = [s for s in open_slots if not any((p, s) in busy for p in who)]
        if not all_free:
            blockers = tuple(
                dict.fromkeys(busy[p, s] for s in open_slots for p in who if (p, s) in busy)
            )
            higher = all(
                meetings[b].required or (not m.required and meetings[b].weight >= m.weight)
                for b in blockers
            )
            out[mid] = _reason(
                "lost_to_higher_priority" if higher else "lost_to_other_meetings",
                participants=who,
                meetings=blockers,
            )
            continue
        loc = effective[mid]
        if loc is not None:
            if all(loc in taken[s] for s in all_free):
                out[mid] = _reason(
                    "tables_full", participants=who, location=loc, slots=len(all_free)
                )
                continue
        elif all(len(taken[s] & location_ids) >= len(location_ids) for s in all_free):
            out[mid] = _reason("tables_full", participants=who, slots=len(all_free))
            continue
        code = "break_spread" if instance.rules.max_break_spread is not None else "not_selected"
        out[mid] = _reason(code, participants=who)
    return out


def fill_reasons(instance: Instance, result: Result, *, overwrite: bool = False) -> Result:
    """`result` with every empty unscheduled reason (all, with `overwrite`) explained."""
    reasons = explain(instance, result)
    unscheduled = tuple(
        Unscheduled(u.id, reasons[u.id].message(), reasons[u.id].code, reasons[u.id].params)
        if (overwrite or not u.reason) and u.id in reasons
        else u
        for u in result.unscheduled
    )
    return Result(
        instance=result.instance,
        status=result.status,
        meetings=result.meetings,
        unscheduled=unscheduled,
        workshops=result.workshops,
        objective=result.objective,
        bound=result.bound,
        wall_time_s=result.wall_time_s,
        reason=result.reason,
        stats=result.stats,
    )


# --------------------------------------------------------------------------- infeasibility
def diagnose_infeasible(instance: Instance, limit: int = 3) -> str | None:
    """Obvious causes of infeasibility (up to `limit`, joined by "; "), or None.

    Sound, not complete: each cause named makes a schedule impossible, but an
    instance with no cause named may still be infeasible.
    """
    causes: list[str] = []
    participants = {p.id: p for p in instance.participants}
    meetings = {m.id: m for m in instance.meetings}
    slot_index = {s.id: i for i, s in enumerate(instance.slots)}
    location_ids = {loc.id for loc in instance.locations}
    domain = static_domain(instance)
    effective = effective_location(instance)

    # Required meetings, and the meetings they must come after (which must be held too).
    must: list[str] = []
    stack = [m.id for m in reversed(instance.meetings) if m.required]
    seen: set[str] = set()
    while stack:
        mid = stack.pop()
        if mid not in seen:
            seen.add(mid)
            must.append(mid)
            stack.extend(reversed(meetings[mid].after))
    position = {mid: i for i, mid in enumerate(meetings)}
    must.sort(key=position.__getitem__)

    # -- workshops alone
    member_at: dict[tuple[str, str], str] = {}
    location_at: dict[tuple[str, str], str] = {}
    for w in instance.workshops:
        for sid in w.slots:
            for pid in w.members:
                if (pid, sid) in member_at:
                    causes.append(
                        f"{pid} is a member of workshops {member_at[pid, sid]} and "
                        f"{w.id}, both in slot {sid}"
                    )
                member_at[pid, sid] = w.id
                if sid in participants[pid].unavailable:
                    causes.append(f"{pid}, member of workshop {w.id}, is unavailable in slot {sid}")
            if w.location is not None and w.location in location_ids:
                if (w.location, sid) in location_at:
                    causes.append(
                        f"workshops {location_at[w.location, sid]} and {w.id} both "
                        f"use {w.location} in slot {sid}"
                    )
                location_at[w.location, sid] = w.id
        free_candidates = [
            c
            for c in w.candidates
            if not any(s in participants[c.participant].unavailable for s in w.slots)
        ]
        if len(w.members) + len(free_candidates) < w.min_size:
            causes.append(
                f"workshop {w.id} needs {w.min_size} participants but only "
                f"{len(w.members) + len(free_candidates)} members and candidates "
                f"are free in all its slots"
            )

    # -- each required meeting alone
    for mid in must:
        m = meetings[mid]
        if not domain[mid]:
            causes.append(f"required meeting {mid}: {_structural(instance, m)}")
    # -- per participant: required meetings vs usable slots and cap
    per: dict[str, list[str]] = defaultdict(list)
    for mid in must:
        for pid in meetings[mid].participants:
            per[pid].append(mid)
    for p in instance.participants:
        # meetings with no slot at all are already named above
        mine = [mid for mid in per.get(p.id, []) if domain[mid]]
        if not mine:
            continue
        usable = {s for mid in mine for s in domain[mid]}
        if len(mine) > len(usable):
            causes.append(
                f"{p.id} has {len(mine)} required meetings but only "
                f"{len(usable)} usable slot{'s' * (len(usable) != 1)}"
            )
        if p.max_meetings is not None and len(mine) > p.max_meetings:
            causes.append(
                f"{p.id} has {len(mine)} required meetings but max_meetings {p.max_meetings}"
            )
    # -- per slot: required meetings that can only be held there vs tables
    only_here: dict[str, list[str]] = defaultdict(list)
    for mid in must:
        if len(domain[mid]) == 1:
            only_here[domain[mid][0]].append(mid)
    for s in instance.slots:
        forced = only_here.get(s.id, [])
        if not forced:
            continue
        free_tables = len(location_ids) - sum(1 for (loc, sid) in location_at if sid == s.id)
        if len(forced) > free_tables:
            causes.append(
                f"slot {s.id} must hold {len(forced)} required meetings "
                f"({_names(forced)}) but has {free_tables} free tables"
            )
        by_person: dict[str, list[str]] = defaultdict(list)
        by_location: dict[str, list[str]] = defaultdict(list)
        for mid in forced:
            for pid in meetings[mid].participants:
                by_person[pid].append(mid)
            loc = effective[mid]
            if loc is not None:
                by_location[loc].append(mid)
        for pid, clash in by_person.items():
            if len(clash) > 1:
                causes.append(
                    f"required meetings {_names(clash)} of {pid} can only be held in slot {s.id}"
                )
        for loc, clash in by_location.items():
            if len(clash) > 1:
                causes.append(
                    f"required meetings {_names(clash)} need location {loc} in slot {s.id}"
                )
    # -- precedences with no room
    for mid in must:
        m = meetings[mid]
        for a in m.after:
            if (
                domain[mid]
                and domain[a]
                and (
                    min(slot_index[s] for s in domain[a]) >= max(slot_index[s] for s in domain[mid])
                )
            ):
                causes.append(
                    f"required meeting {mid} must come after {a}, but no slot "
                    f"of {a} is earlier than a slot of {mid}"
                )
    if not causes:
        return None
    return "; ".join(list(dict.fromkeys(causes))[:limit])


def _cap(max_meetings: int | None) -> float:
    """A participant's cap as a number (no cap: infinity)."""
    return float("inf") if max_meetings is None else max_meetings


def _structural(instance: Instance, m: Meeting) -> str:
    """Why a meeting has no possible slot at all, in words."""
    fake = Result(
        instance=instance.name, status=Status.FEASIBLE, unscheduled=(Unscheduled(m.id, ""),)
    )
    reason = explain(instance, fake)[m.id]
    if reason.code not in ("break_spread", "not_selected"):
        return reason.message()
    return "its location is taken by a workshop whenever its participants are free"


def reasons_by_code(reasons: Mapping[str, Reason]) -> dict[str, list[str]]:
    """Meeting ids grouped by reason code (for summaries)."""
    out: dict[str, list[str]] = defaultdict(list)
    for mid, r in reasons.items():
        out[r.code].append(mid)
    return dict(out)
