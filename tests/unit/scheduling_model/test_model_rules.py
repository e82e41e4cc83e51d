"""Per-rule tests of the CP-SAT model: feasible, infeasible and allowed cases."""

from __future__ import annotations

from model_builders import instance, meeting, people, slots, tables, workshop
from model_checks import violations

from app.scheduling.model import solve
from app.scheduling.types import Instance, Objective, Participant, Result, Status


def run(inst: Instance, **kw: object) -> Result:
    res = solve(inst, time_limit=5.0, workers=2, **kw)  # type: ignore[arg-type]
    assert violations(inst, res) == []
    return res


def test_solve_single_required_meeting_optimal():
    res = run(
        instance(slots(1), tables(1), people("a", "b"), [meeting("m1", "a", "b", required=True)])
    )
    assert res.status == Status.OPTIMAL
    assert [m.id for m in res.meetings] == ["m1"]
    assert res.objective == Objective(0, 0, 0)


def test_required_meeting_without_common_free_slot_infeasible():
    parts = [
        Participant("a", unavailable=frozenset({"s1"})),
        Participant("b", unavailable=frozenset({"s2"})),
    ]
    res = run(instance(slots(2), tables(1), parts, [meeting("m1", "a", "b", required=True)]))
    assert res.status == Status.INFEASIBLE
    assert res.meetings == ()
    assert [u.id for u in res.unscheduled] == ["m1"]


def test_table_capacity_infeasible_when_more_required_meetings_than_tables():
    ms = [meeting(f"m{i}", f"a{i}", f"b{i}", required=True) for i in range(3)]
    parts = people(*[f"a{i}" for i in range(3)], *[f"b{i}" for i in range(3)])
    assert run(instance(slots(1), tables(2), parts, ms)).status == Status.INFEASIBLE
    assert run(instance(slots(2), tables(2), parts, ms)).status == Status.OPTIMAL


def test_participant_one_meeting_per_slot():
    ms = [meeting("m1", "a", "b", weight=2), meeting("m2", "a", "c", weight=3)]
    res = run(instance(slots(1), tables(2), people("a", "b", "c"), ms))
    assert res.status == Status.OPTIMAL
    assert res.objective == Objective(0, 3, 0)


def test_max_meetings_caps_the_weight():
    parts = [Participant("b", max_meetings=1), *people("c1", "c2")]
    ms = [meeting("m1", "b", "c1", weight=3), meeting("m2", "b", "c2", weight=5)]
    res = run(instance(slots(3), tables(1), parts, ms))
    assert res.objective == Objective(0, 5, 0)
    assert res.bound.weight is not None and res.bound.weight >= 5


def test_shortfall_level_comes_before_weight():
    parts = [Participant("b", max_meetings=1), Participant("c1", min_meetings=1), Participant("c2")]
    ms = [meeting("m1", "b", "c1", weight=1), meeting("m2", "b", "c2", weight=10)]
    res = run(instance(slots(2), tables(1), parts, ms))
    assert res.status == Status.OPTIMAL
    assert res.objective == Objective(0, 1, 0)


def test_weight_level_comes_before_breaks():
    # a meets b in s1 and c in s3 only (s2 unavailable for both): one break, worth it.
    parts = [
        Participant("a"),
        Participant("b", unavailable=frozenset({"s2", "s3"})),
        Participant("c", unavailable=frozenset({"s1", "s2"})),
    ]
    ms = [meeting("m1", "a", "b"), meeting("m2", "a", "c")]
    res = run(instance(slots(3), tables(1), parts, ms))
    assert res.objective == Objective(0, 2, 1)
    assert res.status == Status.OPTIMAL


def test_breaks_of_a_triangle_minimised_to_one():
    # a-b, a-c, b-c in three different slots: whoever meets first and last waits once.
    ms = [
        meeting("m1", "a", "b", required=True),
        meeting("m2", "a", "c", required=True),
        meeting("m3", "b", "c", required=True),
    ]
    res = run(instance(slots(5), tables(3), people("a", "b", "c"), ms))
    assert res.status == Status.OPTIMAL
    assert res.objective == Objective(0, 0, 1)
    assert res.bound.breaks == 1


def test_breaks_minimised_to_zero_for_a_chain():
    ms = [
        meeting("m1", "a", "b", required=True),
        meeting("m2", "b", "c", required=True),
        meeting("m3", "c", "d", required=True),
    ]
    res = run(instance(slots(6), tables(3), people("a", "b", "c", "d"), ms))
    assert res.objective == Objective(0, 0, 0)
    assert res.bound.breaks == 0


def test_breaks_not_counted_across_days():
    day1, day2 = slots(2, day="d1", prefix="x"), slots(2, day="d2", prefix="y")
    parts = [Participant("a"), Participant("b", unavailable=frozenset({"x1", "y2"}))]
    ms = [
        meeting("m1", "a", "b", required=True, slot="x2"),
        meeting("m2", "a", "b", required=True, slot="y1"),
    ]
    res = run(instance(day1 + day2, tables(1), parts, ms))
    assert res.objective == Objective(0, 0, 0)


def test_session_restricts_slots():
    sl = slots(2, session="am", prefix="a") + slots(2, session="pm", prefix="p")
    parts = [Participant("a", unavailable=frozenset({"a1", "a2"})), Participant("b")]
    ms = [meeting("m1", "a", "b", required=True, session="am")]
    assert run(instance(sl, tables(1), parts, ms)).status == Status.INFEASIBLE
    ms2 = [meeting("m1", "a", "b", required=True, session="pm")]
    res = run(instance(sl, tables(1), parts, ms2))
    assert res.meetings[0].slot in {"p1", "p2"}


def test_fixed_slot_and_location_are_kept():
    ms = [
        meeting("m1", "a", "b", required=True, slot="s2", location="T3"),
        meeting("m2", "a", "c", required=True),
    ]
    res = run(instance(slots(3), tables(3), people("a", "b", "c"), ms))
    got = {m.id: (m.slot, m.location) for m in res.meetings}
    assert got["m1"] == ("s2", "T3")
    assert res.objective.breaks == 0  # type: ignore[union-attr]


def test_precedence_orders_meetings():
    ms = [
        meeting("m2", "a", "c", required=True, after=("m1",)),
        meeting("m1", "a", "b", required=True),
    ]
    res = run(instance(slots(2), tables(1), people("a", "b", "c"), ms))
    got = {m.id: m.slot for m in res.meetings}
    assert (got["m1"], got["m2"]) == ("s1", "s2")


def test_precedence_impossible_unschedules_optional_meeting():
    parts = [
        Participant("a"),
        Participant("b", unavailable=frozenset({"s1"})),
        Participant("c", unavailable=frozenset({"s2"})),
    ]
    ms = [meeting("m2", "a", "c", after=("m1",)), meeting("m1", "a", "b", required=True)]
    res = run(instance(slots(2), tables(1), parts, ms))
    assert res.objective == Objective(0, 0, 0)
    assert [u.id for u in res.unscheduled] == ["m2"]


def test_pinned_participants_on_one_table_never_share_a_slot():
    parts = [
        Participant("b1", location="T1"),
        Participant("b2", location="T1"),
        *people("c1", "c2"),
    ]
    ms = [meeting("m1", "b1", "c1"), meeting("m2", "b2", "c2")]
    one = run(instance(slots(1), tables(2), parts, ms))
    assert one.objective == Objective(0, 1, 0)
    two = run(instance(slots(2), tables(2), parts, ms))
    assert two.objective == Objective(0, 2, 0)
    assert {m.location for m in two.meetings} == {"T1"}


def test_meeting_of_two_participants_pinned_to_different_tables_is_never_held():
    parts = [Participant("b1", location="T1"), Participant("b2", location="T2")]
    res = run(instance(slots(2), tables(2), parts, [meeting("m1", "b1", "b2")]))
    assert res.objective == Objective(0, 0, 0)


def test_workshop_members_present_and_candidates_within_max_size():
    ws = [workshop("w1", ["s1"], ["a"], {"b": 2, "c": 3, "d": 1}, max_size=3)]
    res = run(
        instance(
            slots(2),
            tables(1),
            people("a", "b", "c", "d"),
            [meeting("m1", "a", "d", required=True)],
            ws,
        )
    )
    assert res.objective == Objective(0, 5, 0)
    assert {m.slot for m in res.meetings} == {"s2"}


def test_workshop_min_size_unreachable_is_infeasible():
    ws = [workshop("w1", ["s1"], ["a"], {"b": 1}, min_size=3)]
    res = run(instance(slots(1), tables(1), people("a", "b"), [], ws))
    assert res.status == Status.INFEASIBLE


def test_workshop_location_blocks_its_table():
    ws = [workshop("w1", ["s1"], ["a"], {}, location="T1")]
    ms = [meeting("m1", "b", "c", required=True, slot="s1")]
    assert (
        run(instance(slots(1), tables(1), people("a", "b", "c"), ms, ws)).status
        == Status.INFEASIBLE
    )
    assert (
        run(instance(slots(1), tables(2), people("a", "b", "c"), ms, ws)).status == Status.OPTIMAL
    )


def test_break_spread_zero_infeasible_when_one_break_is_forced():
    parts = [Participant("a"), Participant("b"), Participant("c")]
    ms = [
        meeting("m1", "a", "b", required=True, slot="s1"),
        meeting("m2", "a", "c", required=True, slot="s3"),
    ]
    assert run(instance(slots(3), tables(1), parts, ms, spread=1)).status == Status.OPTIMAL
    assert run(instance(slots(3), tables(1), parts, ms, spread=0)).status == Status.INFEASIBLE


def test_break_spread_changes_the_optimum():
    # Without the spread rule a takes 2 breaks to get all its weight; with spread 1
    # it must give up one meeting.
    parts = [Participant("a"), *people("b", "c", "d")]
    ms = [
        meeting("m1", "a", "b", slot="s1"),
        meeting("m2", "a", "c", slot="s3"),
        meeting("m3", "a", "d", slot="s5"),
    ]
    free = run(instance(slots(5), tables(1), parts, ms))
    assert free.objective == Objective(0, 3, 2)
    fair = run(instance(slots(5), tables(1), parts, ms, spread=1))
    assert fair.objective == Objective(0, 2, 1)


def test_workshop_member_unavailable_in_its_slot_is_infeasible():
    parts = [Participant("a", unavailable=frozenset({"s1"})), Participant("b")]
    ws = [workshop("w1", ["s1"], ["a"], {"b": 1})]
    res = run(instance(slots(2), tables(1), parts, [meeting("m1", "a", "b")], ws))
    assert res.status == Status.INFEASIBLE
