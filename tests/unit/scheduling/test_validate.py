"""The validator, rule by rule: a valid case and a violating case with the exact violations."""

from __future__ import annotations

from typing import Any

import pytest

from app.scheduling.types import Objective, Status
from app.scheduling.validate import RULES, Violation, count_breaks, validate

from .builders import instance, meetings, result


def rules_of(report: Any) -> list[tuple[str, tuple[str, ...]]]:
    return [(v.rule, v.ids) for v in report.violations]


def test_validate_valid_schedule_has_no_violation() -> None:
    report = validate(instance(), result({"m1": ("s1", "T1"), "m2": ("s1", "T2")}))
    assert report.ok
    assert report.violations == ()
    assert report.objective == Objective(shortfall=0, weight=2, breaks=0)


def test_validate_meeting_listed_twice_and_missing_and_unknown() -> None:
    inst = instance(meetings=meetings(("b1", "c1"), ("b2", "c2"), ("b1", "c2")))
    res = result({"m1": ("s1", "T1"), "m9": ("s2", "T1")}, unscheduled=("m1", "m9"))
    assert [(v.rule, v.ids, v.message) for v in validate(inst, res).violations] == [
        ("unknown_meeting", ("m9",), "the result lists unknown meeting m9"),
        ("duplicate_meeting", ("m1",), "meeting m1 appears 2 times"),
        ("missing_meeting", ("m2",), "meeting m2 is neither scheduled nor unscheduled"),
        ("missing_meeting", ("m3",), "meeting m3 is neither scheduled nor unscheduled"),
    ]


def test_validate_required_unscheduled_is_a_violation_of_a_feasible_result() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "required": True},
                                      ("b2", "c2")))
    report = validate(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",)))
    assert report.violations == (
        Violation("required_unscheduled", ("m1",), "required meeting m1 is not scheduled"),)


def test_validate_required_unscheduled_allowed_when_status_unknown() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "required": True},
                                      ("b2", "c2")))
    res = result({"m2": ("s1", "T1")}, unscheduled=("m1",), status=Status.UNKNOWN)
    assert validate(inst, res).violations == ()


def test_validate_infeasible_result_with_meetings_is_a_violation() -> None:
    res = result({"m1": ("s1", "T1")}, unscheduled=("m2",), status=Status.INFEASIBLE)
    assert rules_of(validate(instance(), res)) == [("infeasible_with_schedule", ())]


def test_validate_infeasible_result_without_meetings_is_valid() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "required": True}))
    res = result({}, unscheduled=("m1",), status=Status.INFEASIBLE)
    assert validate(inst, res).violations == ()


def test_validate_unknown_slot_and_location() -> None:
    res = result({"m1": ("s9", "T1"), "m2": ("s1", "T7")})
    assert rules_of(validate(instance(), res)) == [
        ("unknown_slot", ("m1", "s9")), ("unknown_location", ("m2", "T7"))]


def test_validate_session_restriction() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "session": "pm"}))
    assert validate(inst, result({"m1": ("s3", "T1")})).ok
    assert [v.message for v in validate(inst, result({"m1": ("s2", "T1")})).violations] == [
        "meeting m1 is restricted to session pm but held in slot s2 (session am)"]


def test_validate_fixed_slot_and_location() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "slot": "s2",
                                       "location": "T2"}))
    assert validate(inst, result({"m1": ("s2", "T2")})).ok
    assert rules_of(validate(inst, result({"m1": ("s1", "T1")}))) == [
        ("fixed_slot", ("m1", "s1")), ("fixed_location", ("m1", "T1"))]


def test_validate_pinned_participant_location() -> None:
    inst = instance(participants=[{"id": "b1", "location": "T2"}, {"id": "b2"}, {"id": "c1"},
                                  {"id": "c2"}])
    assert validate(inst, result({"m1": ("s1", "T2"), "m2": ("s1", "T1")})).ok
    report = validate(inst, result({"m1": ("s1", "T1"), "m2": ("s1", "T2")}))
    assert [(v.rule, v.ids, v.message) for v in report.violations] == [
        ("pinned_location", ("m1", "b1", "T1"), "meeting m1 is held at T1 but b1 is pinned to T2")]


def test_validate_participant_unavailable() -> None:
    inst = instance(participants=[{"id": "b1"}, {"id": "b2"}, {"id": "c1", "unavailable": ["s1"]},
                                  {"id": "c2"}])
    assert validate(inst, result({"m1": ("s2", "T1"), "m2": ("s1", "T1")})).ok
    assert rules_of(validate(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")}))) == [
        ("unavailable", ("m1", "c1", "s1"))]


def test_validate_two_meetings_at_one_location_and_slot() -> None:
    report = validate(instance(), result({"m1": ("s1", "T1"), "m2": ("s1", "T1")}))
    assert [(v.rule, v.ids, v.message) for v in report.violations] == [
        ("location_conflict", ("T1", "s1", "m1", "m2"),
         "location T1 holds 2 activities in slot s1: meeting m1, meeting m2")]


def test_validate_participant_in_two_meetings_of_one_slot() -> None:
    inst = instance(meetings=meetings(("b1", "c1"), ("b1", "c2")))
    assert validate(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")})).ok
    report = validate(inst, result({"m1": ("s1", "T1"), "m2": ("s1", "T2")}))
    assert [(v.rule, v.ids, v.message) for v in report.violations] == [
        ("participant_conflict", ("b1", "s1", "m1", "m2"),
         "b1 has 2 activities in slot s1: meeting m1, meeting m2")]


def test_validate_max_meetings() -> None:
    inst = instance(participants=[{"id": "b1", "max_meetings": 1}, {"id": "b2"}, {"id": "c1"},
                                  {"id": "c2"}],
                    meetings=meetings(("b1", "c1"), ("b1", "c2")))
    assert validate(inst, result({"m1": ("s1", "T1")}, unscheduled=("m2",))).ok
    report = validate(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")}))
    assert [(v.rule, v.message) for v in report.violations] == [
        ("max_meetings", "b1 holds 2 meetings, more than max_meetings 1")]


def test_validate_precedence_needs_an_earlier_scheduled_meeting() -> None:
    inst = instance(meetings=meetings(("b1", "c1"), {"participants": ["b2", "c2"],
                                                     "after": ["m1"]}))
    assert validate(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")})).ok
    same = validate(inst, result({"m1": ("s2", "T1"), "m2": ("s2", "T2")}))
    assert [(v.rule, v.ids, v.message) for v in same.violations] == [
        ("precedence", ("m2", "m1"), "meeting m2 (slot s2) must come after m1 (slot s2)")]
    missing = validate(inst, result({"m2": ("s2", "T1")}, unscheduled=("m1",)))
    assert [v.message for v in missing.violations] == [
        "meeting m2 must come after m1, which is not scheduled"]


WORKSHOP = [{"id": "w1", "slots": ["s2", "s3"], "location": "T1", "min_size": 2, "max_size": 3,
             "members": ["b1"], "candidates": [{"participant": "c1", "weight": 4},
                                               {"participant": "c2"}]}]


def test_validate_workshop_valid_placement_counts_candidate_weight() -> None:
    inst = instance(workshops=WORKSHOP, meetings=meetings(("b2", "c2")))
    report = validate(inst, result({"m1": ("s1", "T1")}, workshops={"w1": ("b1", "c1")}))
    assert report.violations == ()
    assert report.objective == Objective(shortfall=0, weight=5, breaks=0)


def test_validate_workshop_member_missing_outsider_and_too_small() -> None:
    inst = instance(workshops=WORKSHOP, meetings=meetings(("b2", "c2")))
    report = validate(inst, result({"m1": ("s1", "T2")}, workshops={"w1": ("b2",)}))
    assert rules_of(report) == [
        ("workshop_member_missing", ("w1", "b1")),
        ("workshop_outsider", ("w1", "b2")),
        ("workshop_too_small", ("w1",)),
    ]


def test_validate_workshop_too_large_and_duplicate_listing() -> None:
    ws = [dict(WORKSHOP[0], max_size=2)]
    inst = instance(workshops=ws, meetings=meetings(("b2", "c2")))
    res = result({"m1": ("s1", "T2")}, workshops={"w1": ("b1", "c1", "c2", "c1")})
    assert [(v.rule, v.message) for v in validate(inst, res).violations] == [
        ("workshop_outsider", "c1 is listed 2 times in workshop w1"),
        ("workshop_too_large", "workshop w1 has 3 participants, more than max_size 2"),
    ]


def test_validate_workshop_blocks_its_location_and_its_participants() -> None:
    inst = instance(workshops=WORKSHOP)
    res = result({"m1": ("s2", "T2"), "m2": ("s3", "T1")}, workshops={"w1": ("b1", "c2")})
    assert rules_of(validate(inst, res)) == [
        ("location_conflict", ("T1", "s3", "m2", "w1")),
        ("participant_conflict", ("b1", "s2", "m1", "w1")),
        ("participant_conflict", ("c2", "s3", "m2", "w1")),
    ]


def test_validate_workshop_attendee_unavailable_and_unknown_workshop() -> None:
    inst = instance(workshops=WORKSHOP, participants=[
        {"id": "b1"}, {"id": "b2"}, {"id": "c1", "unavailable": ["s3"]}, {"id": "c2"}])
    res = result({"m1": ("s1", "T2"), "m2": ("s1", "T1")},
                 workshops={"w1": ("b1", "c1"), "w7": ("b2",)})
    assert rules_of(validate(inst, res)) == [
        ("unavailable", ("w1", "c1", "s3")), ("unknown_workshop", ("w7",))]


def test_validate_break_spread() -> None:
    inst = instance(rules={"max_break_spread": 0},
                    meetings=meetings(("b1", "c1"), ("b1", "c2"), ("b2", "c2")))
    gap = result({"m1": ("s1", "T1"), "m2": ("s3", "T1"), "m3": ("s4", "T1")})
    report = validate(inst, gap)
    assert report.breaks == {"b1": 1, "b2": 0, "c1": 0, "c2": 0}
    assert [(v.rule, v.ids, v.message) for v in report.violations] == [
        ("max_break_spread", ("b1", "b2"),
         "b1 has 1 breaks and b2 has 0: more than max_break_spread 0 apart")]
    assert validate(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1"),
                                  "m3": ("s1", "T2")})).ok


def test_validate_objective_counts_shortfall_optional_weight_and_breaks() -> None:
    inst = instance(
        participants=[{"id": "b1", "min_meetings": 3}, {"id": "b2", "min_meetings": 1},
                      {"id": "c1"}, {"id": "c2"}],
        meetings=meetings({"participants": ["b1", "c1"], "weight": 5},
                          {"participants": ["b1", "c2"], "required": True, "weight": 7},
                          {"participants": ["b2", "c1"], "weight": 2}))
    report = validate(inst, result({"m1": ("s1", "T1"), "m2": ("s4", "T1")},
                                   unscheduled=("m3",)))
    assert report.violations == ()
    # b1 holds 2 of 3, b2 0 of 1; only m1 is optional and held; b1 idles in s2-s3 (1 break)
    assert report.objective == Objective(shortfall=2, weight=5, breaks=1)
    assert report.meetings_held == {"b1": 2, "b2": 0, "c1": 1, "c2": 1}


def test_count_breaks_counts_runs_per_day_not_slots() -> None:
    inst = instance(slots=[{"id": f"s{i}", "day": "d1" if i <= 5 else "d2"}
                           for i in range(1, 9)])
    busy = {"b1": {"s1", "s4", "s5", "s6", "s8"}, "b2": {"s2"}, "c1": {"s1", "s5"}}
    # b1: d1 idle s2-s3 = 1 break; d2 idle s7 = 1 break; c1: s2-s4 one run
    assert count_breaks(inst, busy) == {"b1": 2, "b2": 0, "c1": 1, "c2": 0}


def test_count_breaks_idle_edges_of_a_day_are_not_breaks() -> None:
    inst = instance(slots=[{"id": "s1", "day": "d1"}, {"id": "s2", "day": "d2"},
                           {"id": "s3", "day": "d1"}])
    # s1 and s3 are the same day with no slot between them in that day
    assert count_breaks(inst, {"b1": {"s1", "s3"}})["b1"] == 0


def test_validate_rules_codes_are_documented() -> None:
    assert len(RULES) == 23
    assert all(isinstance(text, str) and text for text in RULES.values())


@pytest.mark.parametrize("status", [Status.OPTIMAL, Status.FEASIBLE])
def test_validate_member_missing_applies_to_claimed_schedules(status: Status) -> None:
    inst = instance(workshops=[{"id": "w1", "slots": ["s4"], "members": ["b1"]}])
    res = result({"m1": ("s1", "T1"), "m2": ("s1", "T2")}, status=status)
    assert rules_of(validate(inst, res)) == [("workshop_member_missing", ("w1", "b1"))]
