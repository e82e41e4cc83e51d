"""The parser and the writer agree with the shared JSON Schemas (`../shared/schemas`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from app.scheduling.engine import schedule
from app.scheduling.io import instance_to_dict, parse_instance, result_to_dict

from .builders import base_data, instance, meetings
from .strategies import instance_data

SCHEMAS = Path(__file__).resolve().parents[3] / ".." / "shared" / "schemas"
pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"shared schemas absent: {SCHEMAS}")


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def _errors(schema: dict[str, Any], data: Any) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def test_schema_accepts_base_and_exported_instances() -> None:
    schema = _schema("instance.schema.json")
    data = base_data(workshops=[{"id": "w1", "slots": ["s1"], "members": ["b1"],
                                 "candidates": [{"participant": "c1", "weight": 2}]}],
                     rules={"max_break_spread": 1})
    assert _errors(schema, data) == []
    assert _errors(schema, instance_to_dict(parse_instance(data))) == []


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(instance_data())
def test_schema_generated_instances_are_schema_valid(data: dict[str, Any]) -> None:
    assert _errors(_schema("instance.schema.json"), data) == []
    assert _errors(_schema("instance.schema.json"),
                   instance_to_dict(parse_instance(data))) == []


@pytest.mark.parametrize("case", ["feasible", "infeasible", "unscheduled"])
def test_schema_engine_results_are_schema_valid(case: str) -> None:
    if case == "feasible":
        inst = instance()
    elif case == "infeasible":
        inst = instance(meetings=meetings(*({"participants": ["b1", c], "required": True,
                                             "slot": "s1"} for c in ("c1", "c2"))))
    else:
        inst = instance(participants=[{"id": "b1", "max_meetings": 1}, {"id": "b2"},
                                      {"id": "c1"}, {"id": "c2"}],
                        meetings=meetings(("b1", "c1"), ("b1", "c2")))
    res = schedule(inst, time_limit=2.0, workers=1, seed=0)
    assert _errors(_schema("result.schema.json"), result_to_dict(res)) == []
