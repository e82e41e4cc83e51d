"""Availability and caps: rules broken whatever the schedule, max and min meetings.

Availability itself (unavailable slots, sessions, fixed slots, locations
blocked by a workshop) is in each meeting's domain (container.py): no
variable exists for an impossible (meeting, slot) pair. Contradictions found
while preparing make the model infeasible here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # container.py imports this module at run time
    from app.scheduling.model.container import SchedulingModel


def add_structural_infeasibility(sm: SchedulingModel) -> None:
    """Rules broken whatever the schedule (found while preparing): no solution."""
    if sm.infeasible_reasons:
        sm.model.add_bool_or([])  # the empty clause


def add_max_meetings(sm: SchedulingModel) -> None:
    """A participant holds at most max_meetings meetings."""
    per = sm._meetings_of()
    for p in sm.instance.participants:
        if p.max_meetings is not None:
            sm.model.add(sum(sm.scheduled[m] for m in per[p.id]) <= p.max_meetings)


def add_min_meetings(sm: SchedulingModel) -> None:
    """shortfall_p = max(0, min_meetings - meetings held) (soft, level 1)."""
    per = sm._meetings_of()
    terms = []
    for p in sm.instance.participants:
        if p.min_meetings <= 0:
            continue
        held = sum(sm.scheduled[m] for m in per[p.id])
        sf = sm.model.new_int_var(0, p.min_meetings, f"shortfall[{p.id}]")
        sm.model.add(sf >= p.min_meetings - held)
        terms.append(sf)
    sm.has_shortfall = bool(terms)
    sm.shortfall = sum(terms)
