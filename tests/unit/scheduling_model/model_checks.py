"""Hard-rule checks of a result, independent of the CP-SAT model (tests only).

The project's validator (app.scheduling.validate) is run as well.
"""

from __future__ import annotations

from collections import defaultdict

from app.scheduling.model import breaks_of, evaluate
from app.scheduling.types import Instance, Result, Status
from app.scheduling.validate import validate


def violations(inst: Instance, res: Result) -> list[str]:
    """Every hard rule the result breaks (empty list: valid)."""
    out: list[str] = []
    ids = [m.id for m in res.meetings] + [u.id for u in res.unscheduled]
    if sorted(ids) != sorted(m.id for m in inst.meetings):
        out.append("meetings not listed exactly once")
    if res.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return out
    meetings = {m.id: m for m in inst.meetings}
    parts = {p.id: p for p in inst.participants}
    slot_pos = {s.id: i for i, s in enumerate(inst.slots)}
    slot_of = {sm.id: sm.slot for sm in res.meetings}
    loc_of = {sm.id: sm.location for sm in res.meetings}
    activity: dict[tuple[str, str], int] = defaultdict(int)
    used: dict[tuple[str, str], int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for sm in res.meetings:
        m = meetings[sm.id]
        used[sm.location, sm.slot] += 1
        if m.slot is not None and m.slot != sm.slot:
            out.append(f"{m.id} not in its fixed slot")
        if m.location is not None and m.location != sm.location:
            out.append(f"{m.id} not at its fixed location")
        if m.session is not None and inst.slots[slot_pos[sm.slot]].session != m.session:
            out.append(f"{m.id} outside its session")
        for p in m.participants:
            activity[p, sm.slot] += 1
            held[p] += 1
            if sm.slot in parts[p].unavailable:
                out.append(f"{p} unavailable in {sm.slot}")
            if parts[p].location is not None and parts[p].location != sm.location:
                out.append(f"{p} not at its pinned location")
        for a in m.after:
            if a not in slot_of or slot_pos[slot_of[a]] >= slot_pos[sm.slot]:
                out.append(f"{m.id} not after {a}")
    for m in inst.meetings:
        if m.required and m.id not in slot_of:
            out.append(f"required {m.id} unscheduled")
    placed = {wp.id: wp.participants for wp in res.workshops}
    for w in inst.workshops:
        ps = placed.get(w.id, ())
        if not set(w.members) <= set(ps):
            out.append(f"members missing from {w.id}")
        if not (w.min_size <= len(ps) and (w.max_size is None or len(ps) <= w.max_size)):
            out.append(f"{w.id} size {len(ps)}")
        for p in ps:
            for s in w.slots:
                activity[p, s] += 1
                if w.location is not None:
                    used[w.location, s] += 1
                if s in parts[p].unavailable:
                    out.append(f"{p} unavailable in {s}")
    out += [f"{p} twice busy in {s}" for (p, s), n in activity.items() if n > 1]
    out += [f"{loc} used twice in {s}" for (loc, s), n in used.items() if n > 1]
    known = {loc.id for loc in inst.locations}
    out += [f"unknown location {loc_of[m]}" for m in loc_of if loc_of[m] not in known]
    for p in inst.participants:
        if p.max_meetings is not None and held[p.id] > p.max_meetings:
            out.append(f"{p.id} over its cap")
    busy: dict[str, set[str]] = defaultdict(set)
    for p, s in activity:
        busy[p].add(s)
    counts = [breaks_of(inst, busy[p.id]) for p in inst.participants]
    d = inst.rules.max_break_spread
    if d is not None and counts and max(counts) - min(counts) > d:
        out.append("break spread exceeded")
    workshops = {wp.id: list(wp.participants) for wp in res.workshops}
    if res.objective != evaluate(inst, slot_of, workshops):
        out.append("objective differs from the recomputed one")
    out += _project_validator(inst, res)
    return out


def _project_validator(inst: Instance, res: Result) -> list[str]:
    """The project's validator (app.scheduling.validate) must agree."""
    report = validate(inst, res)
    out = [str(v) for v in report.violations]
    if res.objective is not None and report.objective != res.objective:
        out.append(f"validator objective {report.objective} != {res.objective}")
    return out
