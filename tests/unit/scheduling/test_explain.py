"""Reasons for unscheduled meetings (each code on a crafted case) and the infeasibility check."""

from __future__ import annotations

from app.scheduling.explain import Reason, diagnose_infeasible, explain, fill_reasons
from app.scheduling.types import Status

from .builders import instance, meetings, result

FOUR = [{"id": "b1"}, {"id": "b2"}, {"id": "c1"}, {"id": "c2"}]


def people(**changes: dict[str, object]) -> list[dict[str, object]]:
    """The four participants, some with extra fields."""
    return [dict(p, **changes.get(str(p["id"]), {})) for p in FOUR]


def test_explain_no_common_free_slot_matches_contract_wording() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s1", "s2"]},
                                        b1={"unavailable": ["s3", "s4"]}))
    reason = explain(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",)))["m1"]
    assert reason == Reason("no_common_free_slot", (("participants", ("b1", "c1")),))
    assert reason.message() == "b1 and c1 have no common free slot"


def test_explain_no_locations_at_all() -> None:
    inst = instance(locations=[])
    reasons = explain(inst, result({}, unscheduled=("m1", "m2")))
    assert [r.message() for r in reasons.values()] == [
        "the event has no location for one-to-one meetings"] * 2


def test_explain_conflicting_pinned_locations() -> None:
    inst = instance(participants=people(b1={"location": "T1"}, c1={"location": "T2"}))
    reason = explain(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",)))["m1"]
    assert reason.code == "conflicting_locations"
    assert reason.message() == "b1 and c1 are pinned to different locations (T1 and T2)"


def test_explain_session_closed() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s3", "s4"]}),
                    meetings=meetings({"participants": ["b1", "c1"], "session": "pm"},
                                      ("b2", "c2")))
    reason = explain(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",)))["m1"]
    assert reason.code == "session_closed"
    assert reason.message() == "b1 and c1 are free together only outside session pm"


def test_explain_participant_cap_reached_names_participant_and_cap() -> None:
    inst = instance(participants=people(b1={"max_meetings": 1}),
                    meetings=meetings(("b1", "c1"), ("b1", "c2")))
    reason = explain(inst, result({"m1": ("s1", "T1")}, unscheduled=("m2",)))["m2"]
    assert reason == Reason("participant_cap_reached", (("participant", "b1"), ("cap", 1)))
    assert reason.message() == "b1 reached its cap of 1 meetings"


def test_explain_tables_full_in_every_common_free_slot() -> None:
    inst = instance(locations=[{"id": "T1"}],
                    participants=people(c1={"unavailable": ["s3", "s4"]},
                                        c2={"unavailable": ["s3", "s4"]}))
    reason = explain(inst, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")},
                                  unscheduled=()))
    assert reason == {}
    inst3 = instance(locations=[{"id": "T1"}],
                     participants=people(c1={"unavailable": ["s3", "s4"]},
                                         c2={"unavailable": ["s3", "s4"]}),
                     meetings=meetings(("b1", "c1"), ("b2", "c2"), ("b2", "c1")))
    reason3 = explain(inst3, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")},
                                    unscheduled=("m3",)))["m3"]
    assert reason3.code == "lost_to_higher_priority"
    inst4 = instance(locations=[{"id": "T1"}],
                     participants=[*FOUR, {"id": "x", "unavailable": ["s3", "s4"]},
                                   {"id": "y", "unavailable": ["s3", "s4"]}],
                     meetings=meetings(("b1", "c1"), ("b2", "c2"), ("x", "y")))
    reason4 = explain(inst4, result({"m1": ("s1", "T1"), "m2": ("s2", "T1")},
                                    unscheduled=("m3",)))["m3"]
    assert reason4 == Reason("tables_full", (("participants", ("x", "y")), ("slots", 2)))
    assert reason4.message() == (
        "all tables are taken in every slot where x and y are free (2 slots)")


def test_explain_pinned_location_taken() -> None:
    inst = instance(participants=people(b1={"location": "T1"}, b2={"location": "T1"},
                                        c1={"unavailable": ["s2", "s3", "s4"]},
                                        c2={"unavailable": ["s2", "s3", "s4"]}))
    reason = explain(inst, result({"m1": ("s1", "T1")}, unscheduled=("m2",)))["m2"]
    assert reason.code == "tables_full"
    assert reason.message() == "location T1 is taken in every slot where b2 and c2 are free"


def test_explain_lost_to_higher_priority_names_the_meetings() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s3", "s4"]}),
                    meetings=meetings({"participants": ["b1", "c1"], "weight": 3},
                                      {"participants": ["b2", "c1"], "weight": 2},
                                      {"participants": ["c1", "c2"], "weight": 3}))
    reason = explain(inst, result({"m1": ("s1", "T1"), "m3": ("s2", "T1")},
                                  unscheduled=("m2",)))["m2"]
    assert reason == Reason("lost_to_higher_priority",
                            (("participants", ("b2", "c1")), ("meetings", ("m1", "m3"))))
    assert reason.message() == ("the common free slots of b2 and c1 are used by their meetings "
                                "of higher or equal priority (m1 and m3)")


def test_explain_lost_to_lighter_meetings_says_other_meetings() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s2", "s3", "s4"]}),
                    meetings=meetings({"participants": ["b1", "c1"], "weight": 1},
                                      {"participants": ["b2", "c1"], "weight": 5}))
    reason = explain(inst, result({"m1": ("s1", "T1")}, unscheduled=("m2",)))["m2"]
    assert reason.code == "lost_to_other_meetings"


def test_explain_workshop_conflict_names_workshop() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s3", "s4"]}),
                    workshops=[{"id": "w1", "slots": ["s1", "s2"], "members": ["b1"]}])
    reason = explain(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",),
                                  workshops={"w1": ("b1",)}))["m1"]
    assert reason == Reason("workshop_conflict",
                            (("participants", ("b1", "c1")), ("workshops", ("w1",))))
    assert reason.message() == ("in every common free slot of b1 and c1, one of them attends "
                                "a workshop (w1)")


def test_explain_precedence_on_unscheduled_predecessor() -> None:
    inst = instance(participants=people(c2={"unavailable": ["s1", "s2", "s3", "s4"]}),
                    meetings=meetings(("b2", "c2"), {"participants": ["b1", "c1"],
                                                     "after": ["m1"]}))
    reasons = explain(inst, result({}, unscheduled=("m1", "m2")))
    assert reasons["m2"].message() == "it must come after m1, which is not scheduled"
    assert reasons["m1"].code == "no_common_free_slot"


def test_explain_free_slot_left_is_not_selected_or_break_spread() -> None:
    res = result({"m1": ("s1", "T1")}, unscheduled=("m2",))
    assert explain(instance(), res)["m2"].code == "not_selected"
    assert explain(instance(rules={"max_break_spread": 0}), res)["m2"].code == "break_spread"


def test_explain_infeasible_and_unknown_results() -> None:
    inst = instance()
    infeasible = result({}, unscheduled=("m1", "m2"), status=Status.INFEASIBLE)
    infeasible = type(infeasible)(**{**infeasible.__dict__, "reason": "b1 is overbooked"})
    assert explain(inst, infeasible)["m1"].message() == (
        "no schedule meets the hard rules: b1 is overbooked")
    unknown = result({}, unscheduled=("m1", "m2"), status=Status.UNKNOWN)
    assert explain(inst, unknown)["m2"].code == "no_schedule_found"


def test_fill_reasons_fills_only_empty_reasons() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s1", "s2", "s3", "s4"]}))
    res = fill_reasons(inst, result({"m2": ("s1", "T1")}, unscheduled=("m1",)))
    assert [(u.id, u.reason, u.code, u.params) for u in res.unscheduled] == [
        ("m1", "b1 and c1 have no common free slot", "no_common_free_slot",
         (("participants", ("b1", "c1")),))]


# --------------------------------------------------------------------------- diagnose
def test_diagnose_infeasible_feasible_instance_is_none() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "required": True}))
    assert diagnose_infeasible(inst) is None


def test_diagnose_infeasible_participant_with_too_many_required_meetings() -> None:
    inst = instance(participants=people(b1={"unavailable": ["s1", "s2"]}),
                    meetings=meetings(*({"participants": ["b1", c], "required": True}
                                        for c in ("b2", "c1", "c2"))))
    assert diagnose_infeasible(inst) == "b1 has 3 required meetings but only 2 usable slots"


def test_diagnose_infeasible_required_meeting_without_common_slot() -> None:
    inst = instance(participants=people(c1={"unavailable": ["s1", "s2"]},
                                        b1={"unavailable": ["s3", "s4"]}),
                    meetings=meetings({"participants": ["b1", "c1"], "required": True}))
    assert diagnose_infeasible(inst) == (
        "required meeting m1: b1 and c1 have no common free slot")


def test_diagnose_infeasible_cap_below_required() -> None:
    inst = instance(participants=people(b1={"max_meetings": 1}),
                    meetings=meetings({"participants": ["b1", "c1"], "required": True},
                                      {"participants": ["b1", "c2"], "required": True}))
    assert diagnose_infeasible(inst) == "b1 has 2 required meetings but max_meetings 1"


def test_diagnose_infeasible_fixed_meetings_clash() -> None:
    inst = instance(locations=[{"id": "T1"}],
                    meetings=meetings({"participants": ["b1", "c1"], "required": True,
                                       "slot": "s2"},
                                      {"participants": ["b2", "c2"], "required": True,
                                       "slot": "s2"},
                                      {"participants": ["b1", "c2"], "required": True,
                                       "slot": "s2"}))
    assert diagnose_infeasible(inst, limit=5) == (
        "b1 has 2 required meetings but only 1 usable slot; "
        "c2 has 2 required meetings but only 1 usable slot; "
        "slot s2 must hold 3 required meetings (m1, m2 and m3) but has 1 free tables; "
        "required meetings m1 and m3 of b1 can only be held in slot s2; "
        "required meetings m2 and m3 of c2 can only be held in slot s2")
    assert diagnose_infeasible(inst) == (
        "b1 has 2 required meetings but only 1 usable slot; "
        "c2 has 2 required meetings but only 1 usable slot; "
        "slot s2 must hold 3 required meetings (m1, m2 and m3) but has 1 free tables")


def test_diagnose_infeasible_workshop_member_unavailable() -> None:
    inst = instance(participants=people(b1={"unavailable": ["s2"]}),
                    workshops=[{"id": "w1", "slots": ["s1", "s2"], "members": ["b1"]}])
    assert diagnose_infeasible(inst) == "b1, member of workshop w1, is unavailable in slot s2"


def test_diagnose_infeasible_precedence_without_room() -> None:
    inst = instance(meetings=meetings({"participants": ["b1", "c1"], "slot": "s3"},
                                      {"participants": ["b2", "c2"], "required": True,
                                       "slot": "s2", "after": ["m1"]}))
    assert diagnose_infeasible(inst) == (
        "required meeting m2 must come after m1, but no slot of m1 is earlier than a slot of m2")
