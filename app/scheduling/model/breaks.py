"""Breaks and their spread: idle runs between two busy slots of a day, exactly.

`add_breaks` defines each participant's breaks (prefix encoding, or block
starts for participants surely active that day), with redundant long-span
clauses; `add_break_spread` bounds max_p breaks_p - min_p breaks_p.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.scheduling.model.literals import LinearExpr, Lit, and3, disjunction, negation

if TYPE_CHECKING:  # container.py imports this module at run time
    from app.scheduling.model.container import SchedulingModel


def find_sure_active(sm: SchedulingModel) -> None:
    """(participant, day) pairs where the participant surely has an activity."""
    day_of = {t: d for d, day in enumerate(sm.days) for t in day}
    for m in sm.instance.meetings:
        dom_days = {day_of[t] for t in sm.domain[m.id]}
        if m.required and len(dom_days) == 1:
            sm.sure_active.update((p, next(iter(dom_days))) for p in m.participants)
    for p, ts in sm.member_slots.items():
        sm.sure_active.update((p, day_of[t]) for t in ts)


def add_breaks(sm: SchedulingModel) -> None:
    """breaks_p = number of idle runs between two busy slots of a day, exactly.

    With seen_i = "busy somewhere before slot i-1 of the day" (a chained
    prefix OR), a break ends at slot i iff busy_i and not busy_{i-1} and
    seen_i. Counts are exact (reified both ways) because the spread rule
    compares them between participants.
    """
    total = []
    day_of = {t: d for d, day in enumerate(sm.days) for t in day}
    load = _max_load(sm, day_of)
    for p in sm.instance.participants:
        per_p: list[LinearExpr] = []
        for d, day in enumerate(sm.days):
            bs = [sm.busy[p.id, s] for s in day]
            if all(isinstance(b, int) for b in bs):
                runs = sum(1 for i, b in enumerate(bs) if b and (i == 0 or not bs[i - 1]))
                per_p.append(max(0, runs - 1))
                continue
            if sm.block_starts and (p.id, d) in sm.sure_active:
                # Surely active that day: breaks = blocks - 1, with block-start
                # literals st_i = b_i and not b_{i-1}.
                brks = [
                    and3(sm.model, bs[i], negation(bs[i - 1]) if i else 1, 1)
                    for i in range(len(bs))
                ]
                sm.model.add(sum(brks) >= 1)  # redundant: at least one block
                day_breaks: LinearExpr = sum(brks) - 1
            else:
                brks = []
                seen: Lit = 0
                for i in range(1, len(bs)):
                    if i >= 2:
                        seen = disjunction(sm.model, [seen, bs[i - 2]])
                    brks.append(and3(sm.model, bs[i], negation(bs[i - 1]), seen))
                day_breaks = sum(brks)
            if sm.long_span_clauses:
                _add_long_span_clauses(sm, bs, load[p.id, d], day_breaks)
            per_p.append(day_breaks)
        expr = sum(per_p)
        sm.breaks_of[p.id] = expr
        total.append(expr)
    sm.breaks = sum(total)
    sm.has_breaks = any(not isinstance(e, int) for e in total)


def _max_load(sm: SchedulingModel, day_of: Mapping[int, int]) -> dict[tuple[str, int], int]:
    """Upper bound on the busy slots of each participant on each day."""
    meetings: dict[tuple[str, int], int] = defaultdict(int)
    for m in sm.instance.meetings:
        for d in {day_of[t] for t in sm.domain[m.id]}:
            for p in m.participants:
                meetings[p, d] += 1
    extra: dict[tuple[str, int], int] = defaultdict(int)
    for p, ts in sm.member_slots.items():
        for t in ts:
            extra[p, day_of[t]] += 1
    for w in sm.instance.workshops:
        for wid, p in sm.y:
            if wid == w.id:
                for sid in w.slots:
                    extra[p, day_of[sm.slot_index[sid]]] += 1
    caps = {p.id: p.max_meetings for p in sm.instance.participants}
    out: dict[tuple[str, int], int] = {}
    for part in sm.instance.participants:
        for d in range(len(sm.days)):
            n = meetings[part.id, d]
            cap = caps[part.id]
            out[part.id, d] = (n if cap is None else min(n, cap)) + extra[part.id, d]
    return out


def _add_long_span_clauses(
    sm: SchedulingModel, bs: Sequence[Lit], max_load: int, day_breaks: LinearExpr
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
    gap = sm.model.new_bool_var("")
    sm.model.add(day_breaks >= 1).only_enforce_if(gap)
    for i, j in pairs:
        sm.model.add_bool_or([gap, negation(bs[i]), negation(bs[j])])


def add_break_spread(sm: SchedulingModel) -> None:
    """max_break_spread: max_p breaks_p - min_p breaks_p <= d."""
    d = sm.instance.rules.max_break_spread
    if d is None or not sm.breaks_of:
        return
    n_slots = len(sm.instance.slots)
    hi = sm.model.new_int_var(0, n_slots, "breaks_max")
    lo = sm.model.new_int_var(0, n_slots, "breaks_min")
    for e in sm.breaks_of.values():
        sm.model.add(hi >= e)
        sm.model.add(lo <= e)
    sm.model.add(hi - lo <= d)
