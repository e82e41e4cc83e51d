"""The first-fit greedy: valid schedules, honest status, and its count on the shared benchmark."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.scheduling.greedy import greedy, static_domain
from app.scheduling.io import load_instance
from app.scheduling.types import Objective, Status
from app.scheduling.validate import validate

from .builders import instance, meetings

B2B = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "b2b"


def test_greedy_tiny_instance_places_everything_in_first_slot() -> None:
    res = greedy(instance())
    assert res.status is Status.FEASIBLE
    assert validate(instance(), res).violations == ()
    assert {m.id: m.slot for m in res.meetings} == {"m1": "s1", "m2": "s1"}
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)


def test_greedy_required_meeting_impossible_gives_unknown_status() -> None:
    inst = instance(
        participants=[
            {"id": "b1", "unavailable": ["s1", "s2", "s3", "s4"]},
            {"id": "b2"},
            {"id": "c1"},
            {"id": "c2"},
        ],
        meetings=meetings({"participants": ["b1", "c1"], "required": True}, ("b2", "c2")),
    )
    res = greedy(inst)
    assert res.status is Status.UNKNOWN
    assert [u.id for u in res.unscheduled] == ["m1"]
    assert res.stats["required_unplaced"] == 1
    assert validate(inst, res).violations == ()


def test_greedy_respects_precedence_caps_and_pins() -> None:
    inst = instance(
        participants=[
            {"id": "b1", "location": "T2", "max_meetings": 2},
            {"id": "b2"},
            {"id": "c1"},
            {"id": "c2"},
        ],
        meetings=meetings(
            {"participants": ["b1", "c1"], "after": ["m2"]},
            ("b1", "c2"),
            ("b1", "b2"),
            ("b2", "c1"),
        ),
    )
    res = greedy(inst)
    assert validate(inst, res).violations == ()
    placed = {m.id: (m.slot, m.location) for m in res.meetings}
    assert all(loc == "T2" for mid, (_, loc) in placed.items() if mid != "m4")
    assert placed["m2"][0] < placed["m1"][0]
    assert sum(1 for mid in placed if mid in ("m1", "m2", "m3")) == 2


def test_greedy_places_workshop_members_and_candidates_within_bounds() -> None:
    inst = instance(
        workshops=[
            {
                "id": "w1",
                "slots": ["s1", "s2"],
                "location": "T1",
                "min_size": 2,
                "max_size": 2,
                "members": ["b1"],
                "candidates": [
                    {"participant": "c2", "weight": 1},
                    {"participant": "c1", "weight": 5},
                ],
            }
        ]
    )
    res = greedy(inst)
    assert validate(inst, res).violations == ()
    assert res.status is Status.FEASIBLE
    assert res.workshops[0].participants == ("b1", "c1")
    placed = {m.id: m.slot for m in res.meetings}
    assert placed == {"m1": "s3", "m2": "s1"}


def test_static_domain_filters_session_fixed_slot_and_availability() -> None:
    inst = instance(
        participants=[
            {"id": "b1", "unavailable": ["s3"]},
            {"id": "b2", "location": "T1"},
            {"id": "c1"},
            {"id": "c2", "location": "T2"},
        ],
        meetings=meetings(
            {"participants": ["b1", "c1"], "session": "pm"},
            {"participants": ["b2", "c2"]},
            {"participants": ["b1", "c2"], "slot": "s2"},
        ),
    )
    assert static_domain(inst) == {"m1": ["s4"], "m2": [], "m3": ["s2"]}


def test_greedy_repair_spread_moves_a_meeting_to_close_a_break() -> None:
    inst = instance(
        rules={"max_break_spread": 0},
        participants=[
            {"id": "b1"},
            {"id": "b2"},
            {"id": "c1"},
            {"id": "c2", "unavailable": ["s1", "s2"]},
        ],
        meetings=meetings(
            {"participants": ["b1", "c1"], "required": True},
            {"participants": ["b1", "c2"], "required": True},
        ),
    )
    plain = greedy(inst)
    assert plain.status is Status.UNKNOWN
    claimed = replace(plain, status=Status.FEASIBLE)  # as a complete schedule it breaks...
    assert validate(inst, claimed).rules_violated() == ["max_break_spread"]
    repaired = greedy(inst, repair_spread=True)
    assert repaired.status is Status.FEASIBLE
    assert validate(inst, repaired).violations == ()
    assert {m.id: m.slot for m in repaired.meetings} == {"m1": "s2", "m2": "s3"}
    assert repaired.stats["spread_moves"] == 1


def _b2b_files() -> list[Path]:
    return sorted(B2B.glob("*.json")) if B2B.is_dir() else []


@pytest.mark.skipif(not B2B.is_dir(), reason=f"shared benchmarks absent: {B2B}")
def test_greedy_b2b_instances_are_valid_and_count_unplaced() -> None:
    unplaced = {}
    for path in _b2b_files():
        inst = load_instance(path)
        res = greedy(inst)
        assert validate(inst, res).violations == (), path.name
        repaired = greedy(inst, repair_spread=True)
        assert validate(inst, repaired).violations == (), path.name
        assert repaired.stats["required_unplaced"] == res.stats["required_unplaced"]
        unplaced[inst.name] = sum(1 for u in res.unscheduled)
        assert res.stats["required_unplaced"] == unplaced[inst.name]
        if unplaced[inst.name]:
            assert res.status is Status.UNKNOWN, path.name
    assert len(unplaced) == 20


def test_greedy_guide_places_a_meeting_in_its_lp_slot_first() -> None:
    # Without a guide, first-fit puts m1 in s1; the guide prefers s3.
    res = greedy(instance(), guide={"m1": {"s3": 0.75, "s2": 0.25}})
    assert {m.id: m.slot for m in res.meetings} == {"m1": "s3", "m2": "s1"}
    assert res.status is Status.FEASIBLE


def test_greedy_guide_orders_optional_meetings_by_lp_value() -> None:
    # One table, one slot: b1 meets c1 or c2. First-fit takes m1 (instance order);
    # the guide's larger value on m2 takes m2 first.
    inst = instance(
        slots=[{"id": "s1"}],
        locations=[{"id": "T1"}],
        meetings=meetings(("b1", "c1"), ("b1", "c2")),
    )
    assert [m.id for m in greedy(inst).meetings] == ["m1"]
    guided = greedy(inst, guide={"m1": {"s1": 0.25}, "m2": {"s1": 0.75}})
    assert [m.id for m in guided.meetings] == ["m2"]
