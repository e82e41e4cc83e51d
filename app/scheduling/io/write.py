"""Writing both formats: instances and results as JSON data or indented JSON text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.scheduling.types import (
    INSTANCE_FORMAT,
    RESULT_FORMAT,
    Instance,
    Meeting,
    Participant,
    Result,
    Slot,
    Unscheduled,
    Workshop,
)


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    """The instance as `entremise-instance/1` JSON data (defaults omitted)."""

    def slot(s: Slot) -> dict[str, Any]:
        out: dict[str, Any] = {"id": s.id}
        if s.day:
            out["day"] = s.day
        for key in ("session", "start", "end"):
            if getattr(s, key) is not None:
                out[key] = getattr(s, key)
        return out

    def participant(p: Participant) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id}
        for key in ("role", "name", "max_meetings", "location"):
            if getattr(p, key) is not None:
                out[key] = getattr(p, key)
        if p.unavailable:
            # frozenset has no order: keep the slots' order so files are stable
            out["unavailable"] = [s.id for s in instance.slots if s.id in p.unavailable]
        if p.min_meetings:
            out["min_meetings"] = p.min_meetings
        return out

    def meeting(m: Meeting) -> dict[str, Any]:
        out: dict[str, Any] = {"id": m.id, "participants": list(m.participants)}
        if m.required:
            out["required"] = True
        if m.weight != 1:
            out["weight"] = m.weight
        for key in ("session", "slot", "location"):
            if getattr(m, key) is not None:
                out[key] = getattr(m, key)
        if m.after:
            out["after"] = list(m.after)
        return out

    def workshop(w: Workshop) -> dict[str, Any]:
        out: dict[str, Any] = {"id": w.id, "slots": list(w.slots)}
        for key in ("name", "location", "max_size"):
            if getattr(w, key) is not None:
                out[key] = getattr(w, key)
        if w.min_size:
            out["min_size"] = w.min_size
        if w.members:
            out["members"] = list(w.members)
        if w.candidates:
            out["candidates"] = [
                {"participant": c.participant, "weight": c.weight} for c in w.candidates
            ]
        return out

    data: dict[str, Any] = {"format": INSTANCE_FORMAT}
    if instance.name:
        data["name"] = instance.name
    data["slots"] = [slot(s) for s in instance.slots]
    data["locations"] = [
        {"id": loc.id} | ({"name": loc.name} if loc.name is not None else {})
        for loc in instance.locations
    ]
    data["participants"] = [participant(p) for p in instance.participants]
    data["meetings"] = [meeting(m) for m in instance.meetings]
    if instance.workshops:
        data["workshops"] = [workshop(w) for w in instance.workshops]
    if instance.rules.max_break_spread is not None:
        data["rules"] = {"max_break_spread": instance.rules.max_break_spread}
    return data


def dump_instance(instance: Instance, path: str | Path | None = None) -> str:
    """The instance as indented JSON text; also written to `path` when given."""
    text = json.dumps(instance_to_dict(instance), indent=1, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result as `entremise-result/1` JSON data.

    `objective` is required by the schema: a result without one (no schedule
    at all) is written with the objective of the empty schedule left to the
    caller — the engine always fills it in before writing.
    """
    if result.objective is None:
        raise ValueError("a result needs its objective before it is written")
    data: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "instance": result.instance,
        "status": result.status.value,
    }
    if result.reason is not None:
        data["reason"] = result.reason
    data["meetings"] = [
        {"id": m.id, "slot": m.slot, "location": m.location} for m in result.meetings
    ]
    data["unscheduled"] = [_unscheduled_to_dict(u) for u in result.unscheduled]
    data["workshops"] = [
        {"id": w.id, "participants": list(w.participants)} for w in result.workshops
    ]
    data["objective"] = {
        "shortfall": result.objective.shortfall,
        "weight": result.objective.weight,
        "breaks": result.objective.breaks,
    }
    data["bound"] = {
        key: value
        for key in ("shortfall", "weight", "breaks")
        if (value := getattr(result.bound, key)) is not None
    }
    data["wall_time_s"] = round(result.wall_time_s, 3)
    if result.stats:
        data["stats"] = dict(result.stats)
    return data


def _unscheduled_to_dict(u: Unscheduled) -> dict[str, Any]:
    out: dict[str, Any] = {"id": u.id, "reason": u.reason}
    if u.code:  # extra keys, allowed by the contract: the reason in translatable form
        out["code"] = u.code
        out["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in u.params}
    return out


def dump_result(result: Result, path: str | Path | None = None) -> str:
    """The result as indented JSON text; also written to `path` when given."""
    text = json.dumps(result_to_dict(result), indent=1, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
