"""Instance and result files: parsing, every kind of file error, round trips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.scheduling.io import (
    InstanceError,
    ResultError,
    dump_result,
    instance_to_dict,
    load_instance,
    load_result,
    parse_instance,
    parse_result,
)
from app.scheduling.types import (
    Bound,
    Candidate,
    Meeting,
    Objective,
    Participant,
    Result,
    ScheduledMeeting,
    Slot,
    Status,
    Unscheduled,
    Workshop,
    WorkshopPlacement,
)

from .builders import base_data

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"

Data = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation setting `a.b.0.c` (list indices as integers) to value."""
    def apply(data: Data) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return apply


def _delete(path: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        node = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]
    return apply


def _add_workshop(**fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        data["workshops"] = [{"id": "w1", "slots": ["s1"], **fields}]
    return apply


BAD_INSTANCES: list[tuple[str, Callable[[Data], None], str]] = [
    ("unknown_top_key", _set("colour", "red"), "colour: unknown key"),
    ("unknown_nested_key", _set("meetings.0.priority", 2), "meetings[0].priority: unknown key"),
    ("odd_key_quoted", _set("slots.1.start time", "x"), 'slots[1]["start time"]: unknown key'),
    ("missing_meetings", _delete("meetings"), "meetings: missing required key"),
    ("missing_format", _delete("format"), "format: missing required key"),
    ("wrong_format", _set("format", "entremise-instance/2"),
     "format: expected 'entremise-instance/1', got \"entremise-instance/2\""),
    ("missing_meeting_participants", _delete("meetings.1.participants"),
     "meetings[1].participants: missing required key"),
    ("no_slots", _set("slots", []), "slots: expected at least 1 item, got 0"),
    ("slots_not_array", _set("slots", {"id": "s1"}), "slots: expected an array, got object"),
    ("slot_not_object", _set("slots.2", "s3"), "slots[2]: expected an object, got string"),
    ("empty_slot_id", _set("slots.0.id", ""), "slots[0].id: expected a non-empty string"),
    ("numeric_slot_id", _set("slots.0.id", 1), "slots[0].id: expected a string, got number"),
    ("duplicate_slot", _set("slots.2.id", "s1"),
     "slots[2].id: duplicate slot id 's1' (first at slots[0].id)"),
    ("bad_start", _set("slots.0.start", "tomorrow"),
     "slots[0].start: not an ISO 8601 date-time: 'tomorrow'"),
    ("date_only_start", _set("slots.0.start", "2026-10-21"),
     "slots[0].start: not an ISO 8601 date-time: '2026-10-21'"),
    ("end_before_start",
     lambda d: d["slots"][0].update(start="2026-10-21T14:20:00+02:00",
                                    end="2026-10-21T14:00:00+02:00"),
     "slots[0].end: end '2026-10-21T14:00:00+02:00' is not after start "
     "'2026-10-21T14:20:00+02:00'"),
    ("mixed_offsets",
     lambda d: d["slots"][0].update(start="2026-10-21T14:00:00+02:00",
                                    end="2026-10-21T14:20:00"),
     "slots[0].end: start and end must both have a UTC offset or neither"),
    ("duplicate_location", _set("locations.1.id", "T1"),
     "locations[1].id: duplicate location id 'T1' (first at locations[0].id)"),
    ("duplicate_participant", _set("participants.3.id", "b1"),
     "participants[3].id: duplicate participant id 'b1' (first at participants[0].id)"),
    ("unknown_unavailable_slot", _set("participants.0.unavailable", ["s1", "s9"]),
     "participants[0].unavailable[1]: unknown slot 's9'"),
    ("duplicate_unavailable_slot", _set("participants.0.unavailable", ["s1", "s1"]),
     "participants[0].unavailable[1]: duplicate 's1'"),
    ("negative_max_meetings", _set("participants.1.max_meetings", -1),
     "participants[1].max_meetings: must be at least 0, got -1"),
    ("fractional_min_meetings", _set("participants.1.min_meetings", 1.5),
     "participants[1].min_meetings: expected an integer, got 1.5"),
    ("boolean_min_meetings", _set("participants.1.min_meetings", True),
     "participants[1].min_meetings: expected an integer, got boolean"),
    ("null_min_meetings", _set("participants.1.min_meetings", None),
     "participants[1].min_meetings: expected an integer, got null"),
    ("unknown_pinned_location", _set("participants.0.location", "T9"),
     "participants[0].location: unknown location 'T9'"),
    ("unknown_meeting_participant", _set("meetings.1.participants", ["b2", "p99"]),
     "meetings[1].participants[1]: unknown participant 'p99'"),
    ("one_participant", _set("meetings.0.participants", ["b1"]),
     "meetings[0].participants: expected at least 2 items, got 1"),
    ("same_participant_twice", _set("meetings.0.participants", ["b1", "b1"]),
     "meetings[0].participants[1]: duplicate 'b1'"),
    ("duplicate_meeting", _set("meetings.1.id", "m1"),
     "meetings[1].id: duplicate meeting id 'm1' (first at meetings[0].id)"),
    ("zero_weight", _set("meetings.0.weight", 0), "meetings[0].weight: must be at least 1, got 0"),
    ("negative_weight", _set("meetings.1.weight", -3),
     "meetings[1].weight: must be at least 1, got -3"),
    ("string_weight", _set("meetings.1.weight", "3"),
     "meetings[1].weight: expected an integer, got string"),
    ("required_not_bool", _set("meetings.0.required", 1),
     "meetings[0].required: expected true or false, got number"),
    ("unknown_fixed_slot", _set("meetings.0.slot", "s9"), "meetings[0].slot: unknown slot 's9'"),
    ("unknown_fixed_location", _set("meetings.0.location", "T3"),
     "meetings[0].location: unknown location 'T3'"),
    ("unknown_session", _set("meetings.0.session", "night"),
     "meetings[0].session: no slot has session 'night'"),
    ("fixed_slot_outside_session",
     lambda d: d["meetings"][0].update(session="pm", slot="s1"),
     "meetings[0].slot: slot 's1' is not in session 'pm'"),
    ("unknown_after", _set("meetings.1.after", ["m7"]),
     "meetings[1].after[0]: unknown meeting 'm7'"),
    ("after_itself", _set("meetings.1.after", ["m2"]),
     "meetings[1].after[0]: meeting 'm2' cannot come after itself"),
    ("after_cycle",
     lambda d: (d["meetings"][0].update(after=["m2"]), d["meetings"][1].update(after=["m1"])),
     "meetings[1].after[0]: precedence cycle m1 -> m2 -> m1"),
    ("workshop_missing_slots", lambda d: d.update(workshops=[{"id": "w1"}]),
     "workshops[0].slots: missing required key"),
    ("workshop_unknown_slot", _add_workshop(slots=["s1", "s8"]),
     "workshops[0].slots[1]: unknown slot 's8'"),
    ("workshop_unknown_member", _add_workshop(members=["b1", "x"]),
     "workshops[0].members[1]: unknown participant 'x'"),
    ("workshop_min_above_max", _add_workshop(min_size=3, max_size=2),
     "workshops[0].min_size: min_size 3 exceeds max_size 2"),
    ("workshop_too_many_members", _add_workshop(members=["b1", "b2", "c1"], max_size=2),
     "workshops[0].max_size: max_size 2 is less than the 3 members"),
    ("workshop_min_unreachable",
     _add_workshop(members=["b1"], candidates=[{"participant": "c1"}], min_size=3),
     "workshops[0].min_size: min_size 3 exceeds the 2 members and candidates"),
    ("candidate_is_member",
     _add_workshop(members=["b1"], candidates=[{"participant": "b1"}]),
     "workshops[0].candidates[0].participant: 'b1' is already a member"),
    ("duplicate_candidate",
     _add_workshop(candidates=[{"participant": "c1"}, {"participant": "c1", "weight": 2}]),
     "workshops[0].candidates[1].participant: duplicate candidate 'c1' "
     "(first at workshops[0].candidates[0])"),
    ("candidate_zero_weight", _add_workshop(candidates=[{"participant": "c1", "weight": 0}]),
     "workshops[0].candidates[0].weight: must be at least 1, got 0"),
    ("candidate_unknown_key", _add_workshop(candidates=[{"participant": "c1", "w": 1}]),
     "workshops[0].candidates[0].w: unknown key"),
    ("candidate_unknown_participant", _add_workshop(candidates=[{"participant": "zz"}]),
     "workshops[0].candidates[0].participant: unknown participant 'zz'"),
    ("candidate_missing_participant", _add_workshop(candidates=[{"weight": 2}]),
     "workshops[0].candidates[0].participant: missing required key"),
    ("duplicate_workshop",
     lambda d: d.update(workshops=[{"id": "w1", "slots": ["s1"]}, {"id": "w1", "slots": ["s2"]}]),
     "workshops[1].id: duplicate workshop id 'w1' (first at workshops[0].id)"),
    ("workshops_not_array", _set("workshops", {}), "workshops: expected an array, got object"),
    ("workshop_empty_slots", _add_workshop(slots=[]),
     "workshops[0].slots: expected at least 1 item, got 0"),
    ("workshop_location_not_string", _add_workshop(location=None),
     "workshops[0].location: expected a string, got null"),
    ("name_not_string", _set("name", 3), "name: expected a string, got number"),
    ("rules_not_object", _set("rules", [2]), "rules: expected an object, got array"),
    ("unavailable_not_array", _set("participants.2.unavailable", "s1"),
     "participants[2].unavailable: expected an array, got string"),
    ("unknown_after_in_cycle_check",
     lambda d: d["meetings"].append({"id": "m3", "participants": ["b1", "c2"],
                                     "after": ["m1", "m4"]}),
     "meetings[2].after[1]: unknown meeting 'm4'"),
    ("rules_unknown_key", _set("rules", {"max_breaks": 2}), "rules.max_breaks: unknown key"),
    ("negative_spread", _set("rules", {"max_break_spread": -1}),
     "rules.max_break_spread: must be at least 0, got -1"),
]


@pytest.mark.parametrize(("mutate", "message"), [c[1:] for c in BAD_INSTANCES],
                         ids=[c[0] for c in BAD_INSTANCES])
def test_parse_instance_bad_field_raises_exact_message(mutate: Callable[[Data], None],
                                                       message: str) -> None:
    data = base_data()
    mutate(data)
    with pytest.raises(InstanceError) as info:
        parse_instance(data, "forum.json")
    assert str(info.value) == f"forum.json: {message}"


def test_parse_instance_root_not_object_names_root() -> None:
    with pytest.raises(InstanceError) as info:
        parse_instance([1, 2], "forum.json")
    assert str(info.value) == "forum.json: $: expected an object, got array"
    assert (info.value.source, info.value.path) == ("forum.json", "$")


def test_load_instance_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "forum.json"
    path.write_text('{\n "format": "entremise-instance/1",\n "slots": [,]\n}\n', encoding="utf-8")
    with pytest.raises(InstanceError) as info:
        load_instance(path)
    assert str(info.value) == f"{path}: line 3 column 12: invalid JSON (Expecting value)"


def test_load_instance_missing_file_is_an_instance_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(InstanceError) as info:
        load_instance(path)
    assert str(info.value) == f"{path}: cannot read file (No such file or directory)"


def test_parse_instance_defaults_are_those_of_the_format() -> None:
    inst = parse_instance({"format": "entremise-instance/1", "slots": [{"id": "1"}],
                           "locations": [], "participants": [{"id": "a"}, {"id": "b"}],
                           "meetings": [{"id": "m", "participants": ["a", "b"]}]})
    assert inst.slots == (Slot(id="1", day="", session=None),)
    assert inst.participants[0] == Participant(id="a")
    assert inst.meetings == (Meeting(id="m", participants=("a", "b"), required=False, weight=1),)
    assert inst.workshops == ()
    assert inst.rules.max_break_spread is None
    assert inst.name == ""


def test_parse_instance_full_example_reads_every_field() -> None:
    data = base_data(
        workshops=[{"id": "w1", "name": "Atelier", "slots": ["s3", "s4"], "location": "Salle B",
                    "min_size": 1, "max_size": 3, "members": ["b2"],
                    "candidates": [{"participant": "c2", "weight": 2}]}],
        rules={"max_break_spread": 2})
    data["participants"][0].update(unavailable=["s4", "s2"], max_meetings=8, min_meetings=1,
                                   location="T1", name="Ville")
    data["meetings"][0].update(required=True, weight=3, session="am", slot="s2", location="T1",
                               after=["m2"])
    data["slots"][0].update(start="2026-10-21T14:00:00+02:00", end="2026-10-21T14:20:00+02:00")
    inst = parse_instance(data)
    assert inst.participants[0] == Participant(
        id="b1", role="buyer", name="Ville", unavailable=frozenset({"s2", "s4"}),
        max_meetings=8, min_meetings=1, location="T1")
    assert inst.meetings[0] == Meeting(id="m1", participants=("b1", "c1"), required=True,
                                       weight=3, session="am", slot="s2", location="T1",
                                       after=("m2",))
    assert inst.workshops == (Workshop(id="w1", name="Atelier", slots=("s3", "s4"),
                                       location="Salle B", min_size=1, max_size=3,
                                       members=("b2",), candidates=(Candidate("c2", 2),)),)
    assert inst.rules.max_break_spread == 2
    assert inst.slots[0].start == "2026-10-21T14:00:00+02:00"


def test_parse_instance_integral_float_is_an_integer() -> None:
    data = base_data()
    data["meetings"][0]["weight"] = 3.0
    assert parse_instance(data).meetings[0].weight == 3


def test_parse_instance_after_later_meeting_is_allowed() -> None:
    data = base_data()
    data["meetings"][0]["after"] = ["m2"]
    assert parse_instance(data).meetings[0].after == ("m2",)


def test_instance_to_dict_round_trips_the_example() -> None:
    data = base_data(workshops=[{"id": "w1", "slots": ["s1"], "members": ["b1"],
                                 "candidates": [{"participant": "c1", "weight": 2}]}],
                     rules={"max_break_spread": 1})
    data["participants"][1].update(unavailable=["s3", "s1"], max_meetings=2)
    inst = parse_instance(data)
    again = instance_to_dict(inst)
    assert parse_instance(again) == inst
    assert again["participants"][1]["unavailable"] == ["s1", "s3"]


@pytest.mark.parametrize("name", ["tic-12", "forum-13crafb"])
def test_load_instance_shared_benchmark_parses(name: str) -> None:
    path = SHARED / "benchmarks" / "b2b" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"shared benchmarks absent: {path}")
    inst = load_instance(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert len(inst.meetings) == len(raw["meetings"])
    assert all(m.required for m in inst.meetings)
    assert parse_instance(instance_to_dict(inst)) == inst


# --------------------------------------------------------------------------- results
def _result_data() -> Data:
    return {
        "format": "entremise-result/1", "instance": "tiny", "status": "FEASIBLE",
        "meetings": [{"id": "m1", "slot": "s1", "location": "T1"}],
        "unscheduled": [{"id": "m2", "reason": "no common free slot"}],
        "workshops": [{"id": "w1", "participants": ["b2", "c2"]}],
        "objective": {"shortfall": 0, "weight": 1, "breaks": 0},
        "bound": {"weight": 2, "extra": "ignored"},
        "wall_time_s": 0.25, "solver": "extra keys are allowed",
        "stats": {"changed_meetings": 1, "nested": {"skipped": True}},
    }


def test_parse_result_reads_every_field() -> None:
    result = parse_result(_result_data())
    assert result == Result(
        instance="tiny", status=Status.FEASIBLE,
        meetings=(ScheduledMeeting("m1", "s1", "T1"),),
        unscheduled=(Unscheduled("m2", "no common free slot"),),
        workshops=(WorkshopPlacement("w1", ("b2", "c2")),),
        objective=Objective(0, 1, 0), bound=Bound(weight=2), wall_time_s=0.25,
        stats={"changed_meetings": 1})


def test_dump_result_round_trips(tmp_path: Path) -> None:
    result = parse_result(_result_data())
    path = tmp_path / "r.json"
    dump_result(result, path)
    assert load_result(path) == result
    assert json.loads(path.read_text(encoding="utf-8"))["bound"] == {"weight": 2}


def test_dump_result_keeps_reason_code_and_params(tmp_path: Path) -> None:
    result = Result(instance="tiny", status=Status.FEASIBLE, objective=Objective(0, 0, 0),
                    unscheduled=(Unscheduled("m2", "b1 reached its cap of 1 meetings",
                                             "participant_cap_reached",
                                             (("participant", "b1"), ("cap", 1),
                                              ("meetings", ("m1", "m3")))),))
    path = tmp_path / "r.json"
    dump_result(result, path)
    assert json.loads(path.read_text(encoding="utf-8"))["unscheduled"] == [
        {"id": "m2", "reason": "b1 reached its cap of 1 meetings",
         "code": "participant_cap_reached",
         "params": {"participant": "b1", "cap": 1, "meetings": ["m1", "m3"]}}]
    assert load_result(path) == result


def test_dump_result_without_objective_is_refused() -> None:
    with pytest.raises(ValueError, match="objective"):
        dump_result(Result(instance="x", status=Status.UNKNOWN))


BAD_RESULTS: list[tuple[str, Callable[[Data], None], str]] = [
    ("wrong_format", _set("format", "entremise-instance/1"),
     "format: expected 'entremise-result/1', got \"entremise-instance/1\""),
    ("unknown_status", _set("status", "DONE"),
     "status: unknown status 'DONE' (expected one of OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN)"),
    ("missing_objective", _delete("objective"), "objective: missing required key"),
    ("missing_breaks", _delete("objective.breaks"), "objective.breaks: missing required key"),
    ("meeting_without_slot", _delete("meetings.0.slot"), "meetings[0].slot: missing required key"),
    ("numeric_location", _set("meetings.0.location", 1),
     "meetings[0].location: expected a string, got number"),
    ("reason_not_string", _set("unscheduled.0.reason", None),
     "unscheduled[0].reason: expected a string, got null"),
    ("workshop_participants_not_array", _set("workshops.0.participants", "b2"),
     "workshops[0].participants: expected an array, got string"),
    ("bound_not_integer", _set("bound.weight", "2"),
     "bound.weight: expected an integer, got string"),
    ("wall_time_not_number", _set("wall_time_s", "fast"),
     "wall_time_s: expected a number, got string"),
]


@pytest.mark.parametrize(("mutate", "message"), [c[1:] for c in BAD_RESULTS],
                         ids=[c[0] for c in BAD_RESULTS])
def test_parse_result_bad_field_raises_exact_message(mutate: Callable[[Data], None],
                                                     message: str) -> None:
    data = _result_data()
    mutate(data)
    with pytest.raises(ResultError) as info:
        parse_result(data, "out.json")
    assert str(info.value) == f"out.json: {message}"


def test_load_result_bad_json_is_a_result_error(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("{]", encoding="utf-8")
    with pytest.raises(ResultError) as info:
        load_result(path)
    assert str(info.value) == (f"{path}: line 1 column 2: invalid JSON "
                               "(Expecting property name enclosed in double quotes)")
