"""Tables after slots, LP bounds, and minimal-change re-optimisation."""

from __future__ import annotations

import dataclasses

from model_builders import instance, meeting, people, slots, tables, workshop
from model_checks import violations

from app.scheduling.bounds import lp_upper_bounds, lp_weight_bound_given_shortfall
from app.scheduling.model import SchedulingModel, breaks_of, solve
from app.scheduling.tables import assign_tables
from app.scheduling.types import Instance, Objective, Participant, Status


def _event(n_buyers: int = 3, n_companies: int = 6, n_slots: int = 4) -> Instance:
    """Each company asks every buyer; more requests than slots, so weights decide."""
    buyers = [Participant(f"b{i}", max_meetings=n_slots - 1) for i in range(n_buyers)]
    companies = people(*[f"c{j}" for j in range(n_companies)])
    ms = [
        meeting(f"m{i}_{j}", f"b{i}", f"c{j}", weight=1 + (i + j) % 3)
        for i in range(n_buyers)
        for j in range(n_companies)
    ]
    return instance(slots(n_slots), tables(n_buyers), buyers + companies, ms)


def test_lp_bound_never_below_the_optimum():
    inst = _event()
    res = solve(inst, time_limit=5.0)
    assert violations(inst, res) == []
    assert res.status == Status.OPTIMAL
    assert res.objective is not None and res.bound.weight is not None
    assert res.objective.weight <= res.bound.weight
    assert res.objective.weight <= int(res.stats["lp_weight_bound"])
    assert len(res.meetings) <= int(res.stats["lp_meetings_bound"])


def test_lp_bounds_exact_on_a_capacity_limited_event():
    # 3 slots x 1 table: 3 meetings at most; the 3 heaviest weigh 5 + 4 + 3.
    ms = [meeting(f"m{w}", f"a{w}", f"b{w}", weight=w) for w in range(1, 6)]
    inst = instance(
        slots(3), tables(1), people(*[f"{x}{w}" for x in "ab" for w in range(1, 6)]), ms
    )
    sm = SchedulingModel(inst).build()
    lp = lp_upper_bounds(inst, sm.domain, sm.blocked_locations)
    assert (lp.weight, lp.meetings) == (12, 3)
    assert solve(inst, time_limit=5.0).objective == Objective(0, 12, 0)


def test_tables_keep_pinned_locations_and_fixed_ones():
    parts = [Participant("b1", location="T2"), *people("c1", "c2", "c3")]
    ms = [
        meeting("m1", "b1", "c1"),
        meeting("m2", "c2", "c3", location="T1"),
        meeting("m3", "b1", "c3"),
    ]
    inst = instance(slots(3), tables(3), parts, ms)
    res = solve(inst, time_limit=5.0)
    assert violations(inst, res) == []
    loc = {m.id: m.location for m in res.meetings}
    assert (loc["m1"], loc["m2"], loc["m3"]) == ("T2", "T1", "T2")


def test_tables_keep_a_busy_participant_at_one_table():
    inst = instance(
        slots(3),
        tables(4),
        people("b", "c1", "c2", "c3", "x", "y"),
        [
            meeting("m1", "b", "c1", slot="s1"),
            meeting("m2", "b", "c2", slot="s2"),
            meeting("m3", "b", "c3", slot="s3"),
            meeting("m4", "x", "y", slot="s2"),
        ],
    )
    loc = assign_tables(inst, {"m1": "s1", "m2": "s2", "m3": "s3", "m4": "s2"})
    assert loc["m1"] == loc["m2"] == loc["m3"]
    assert loc["m4"] != loc["m2"]


def test_tables_leave_workshop_rooms_free():
    ws = [workshop("w1", ["s1"], ["a"], {}, location="T1")]
    inst = instance(
        slots(1), tables(2), people("a", "b", "c"), [meeting("m1", "b", "c", slot="s1")], ws
    )
    assert assign_tables(inst, {"m1": "s1"}) == {"m1": "T2"}


def test_breaks_of_counts_idle_runs_per_day():
    sl = slots(4, day="d1", prefix="x") + slots(3, day="d2", prefix="y")
    inst = instance(sl, tables(1), people("a"), [])
    assert breaks_of(inst, {"x1", "x3", "x4", "y1", "y3"}) == 2
    assert breaks_of(inst, {"x2", "x3", "y2"}) == 0
    assert breaks_of(inst, {"x1", "x4"}) == 1


def test_reoptimisation_without_change_changes_nothing():
    inst = _event()
    first = solve(inst, time_limit=5.0)
    again = solve(inst, time_limit=5.0, previous=first)
    assert violations(inst, again) == []
    assert again.objective == first.objective
    assert again.stats["changed_meetings"] == 0


def test_reoptimisation_keeps_locked_meetings_and_objective_levels():
    inst = _event()
    first = solve(inst, time_limit=5.0)
    assert first.objective is not None
    assert first.status == Status.OPTIMAL
    locked = first.meetings[0]
    # Lock one meeting; make one buyer unavailable in a slot where it meets (not the locked one).
    meetings = tuple(
        dataclasses.replace(m, slot=locked.slot, location=locked.location, required=True)
        if m.id == locked.id
        else m
        for m in inst.meetings
    )
    by_id = {m.id: m for m in inst.meetings}
    other = next(sm for sm in first.meetings if sm.slot != locked.slot)
    buyer = by_id[other.id].participants[0]
    parts = tuple(
        dataclasses.replace(p, unavailable=frozenset({other.slot})) if p.id == buyer else p
        for p in inst.participants
    )
    changed = dataclasses.replace(inst, meetings=meetings, participants=parts)
    second = solve(changed, time_limit=5.0, previous=first)
    assert violations(changed, second) == []
    got = {m.id: (m.slot, m.location) for m in second.meetings}
    assert got[locked.id] == (locked.slot, locked.location)
    assert second.status == Status.OPTIMAL
    assert 1 <= int(second.stats["changed_meetings"]) <= len(first.meetings)
    # The changed instance only restricts the first one, so its optimum is no better than
    # the first levels: re-optimisation (capped at the first levels) reaches it exactly.
    assert second.objective == solve(changed, time_limit=5.0).objective


def test_stage_values_recorded_in_lexicographic_order():
    parts = [
        Participant("b", max_meetings=2),
        Participant("c1", min_meetings=1),
        *people("c2", "c3"),
    ]
    ms = [
        meeting("m1", "b", "c1", weight=1),
        meeting("m2", "b", "c2", weight=4),
        meeting("m3", "b", "c3", weight=5),
    ]
    # c1 must meet b (shortfall first), so b's second meeting is the heaviest: 1 + 5.
    res = solve(instance(slots(4), tables(1), parts, ms), time_limit=5.0)
    assert res.objective == Objective(0, 6, 0)
    assert (res.stats["shortfall_value"], res.stats["weight_value"], res.stats["breaks_value"]) == (
        0,
        6,
        0,
    )


def test_lp_weight_bound_given_shortfall_is_lexicographic():
    # One slot, one table: c1 (min 1) can only meet via m1 (weight 1); m2 weighs 5.
    parts = [Participant("c1", min_meetings=1), *people("b", "c2")]
    ms = [meeting("m1", "b", "c1", weight=1), meeting("m2", "b", "c2", weight=5)]
    inst = instance(slots(1), tables(1), parts, ms)
    sm = SchedulingModel(inst).build()
    assert lp_upper_bounds(inst, sm.domain, sm.blocked_locations).weight == 5
    assert lp_weight_bound_given_shortfall(inst, sm.domain, sm.blocked_locations, 0) == 1
    assert lp_weight_bound_given_shortfall(inst, sm.domain, sm.blocked_locations, 1) == 5
    assert solve(inst, time_limit=5.0).objective == Objective(0, 1, 0)


def test_lp_guide_gives_the_weight_bound_at_zero_shortfall():
    # One slot, one table: c1 (min 1) can only meet via m1 (weight 1); m2 weighs 5.
    parts = [Participant("c1", min_meetings=1), *people("b", "c2")]
    ms = [meeting("m1", "b", "c1", weight=1), meeting("m2", "b", "c2", weight=5)]
    inst = instance(slots(1), tables(1), parts, ms)
    sm = SchedulingModel(inst).build()
    guide: dict[str, dict[int, float]] = {}
    lp = lp_upper_bounds(inst, sm.domain, sm.blocked_locations, guide_out=guide)
    assert (lp.weight, lp.meetings, lp.weight_at_zero_shortfall) == (5, 1, 1)
    assert guide == {"m1": {0: 1.0}}


def test_lp_guide_no_zero_shortfall_bound_when_shortfall_is_unavoidable():
    # c1 wants 2 meetings but there is one slot.
    parts = [Participant("c1", min_meetings=2), *people("b", "c2")]
    ms = [meeting("m1", "b", "c1", weight=1), meeting("m2", "c2", "c1", weight=5)]
    inst = instance(slots(1), tables(1), parts, ms)
    sm = SchedulingModel(inst).build()
    lp = lp_upper_bounds(inst, sm.domain, sm.blocked_locations, guide_out={})
    assert (lp.weight, lp.weight_at_zero_shortfall) == (5, None)


def test_solve_levels_proved_by_the_lp_guided_start():
    # The LP-guided start has shortfall 0 and weight = LP bound at shortfall 0 (1):
    # both levels are proved without their stages; breaks is then proved by CP-SAT.
    parts = [Participant("c1", min_meetings=1), *people("b", "c2")]
    ms = [meeting("m1", "b", "c1", weight=1), meeting("m2", "b", "c2", weight=5)]
    inst = instance(slots(2), tables(1), parts, ms)
    res = solve(inst, time_limit=5.0)
    assert violations(inst, res) == []
    assert res.stats["hint_source"] == "lp_guided_greedy"
    assert (res.stats["shortfall_proved_by"], res.stats["weight_proved_by"]) == ("hint", "hint")
    assert res.status == Status.OPTIMAL
    assert res.objective == Objective(0, 6, 0)
    assert (res.bound.shortfall, res.bound.weight, res.bound.breaks) == (0, 6, 0)


def test_all_required_event_starts_from_a_sat_first_solution_and_exact_bounds():
    # No hint, every meeting required: a pure SAT search gives the first schedule,
    # and the meeting/weight bounds are exact without an LP.
    ms = [meeting(f"m{i}", "b", f"c{i}", required=True) for i in range(3)]
    inst = instance(slots(4), tables(1), people("b", "c0", "c1", "c2"), ms)
    res = solve(inst, time_limit=5.0)
    assert violations(inst, res) == []
    assert res.stats["first_solution_found"] == 1
    assert (res.stats["lp_weight_bound"], res.stats["lp_meetings_bound"]) == (0, 3)
    assert res.status == Status.OPTIMAL
    assert res.objective == Objective(0, 0, 0)
