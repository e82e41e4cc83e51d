"""Workshops: which candidates are placed, and each workshop's size bounds.

Members always attend (their slots are taken out of their meetings' domains
in container.py); `y[w, c]` exists only for a candidate free in all the
workshop's slots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # container.py imports this module at run time
    from app.scheduling.model.container import SchedulingModel


def add_workshop_candidates(sm: SchedulingModel) -> None:
    """y[w, c] for every candidate who is free in all the workshop's slots."""
    participants = {p.id: p for p in sm.instance.participants}
    for w in sm.instance.workshops:
        slots = [sm.slot_index[sid] for sid in w.slots]
        for c in w.candidates:
            p = participants[c.participant]
            if c.participant in w.members or (w.id, c.participant) in sm.y:
                continue
            if any(
                sm.instance.slots[s].id in p.unavailable or s in sm.member_slots[p.id]
                for s in slots
            ):
                continue
            sm.y[w.id, c.participant] = sm.model.new_bool_var(f"y[{w.id},{p.id}]")


def add_workshop_sizes(sm: SchedulingModel) -> None:
    """Size of a workshop = members + placed candidates, within [min_size, max_size]."""
    for w in sm.instance.workshops:
        placed = [v for (wid, _), v in sm.y.items() if wid == w.id]
        size = len(w.members) + sum(placed)
        if w.min_size > len(w.members) + len(placed) or (
            w.max_size is not None and w.max_size < len(w.members)
        ):
            sm.infeasible_reasons.append(f"workshop {w.id} cannot reach its size bounds")
        sm.model.add(size >= w.min_size)
        if w.max_size is not None:
            sm.model.add(size <= w.max_size)
