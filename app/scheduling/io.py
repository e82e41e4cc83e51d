"""Reading and writing `entremise-instance/1` and `entremise-result/1` files.

Parsing validates everything the JSON Schemas and SCHEDULING_FORMAT.md say an
instance must satisfy (keys, types, minimums, unique ids, every reference, the
`after` relation being acyclic, workshop size bounds that can be met…). The
first problem found raises `InstanceError` (or `ResultError` for a result file)
whose message is one line naming the file, the JSON path and the problem:

    forum.json: meetings[12].participants[1]: unknown participant 'p99'

Contradictions that only make an instance *infeasible* (a required meeting
whose participants share no free slot, a member unavailable during their
workshop…) are not file errors: the engine reports them as an INFEASIBLE
result (see `explain.diagnose_infeasible`). Result files are only checked for
their shape here; whether the schedule obeys the rules is `validate.py`'s job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from app.scheduling.types import (
    INSTANCE_FORMAT,
    RESULT_FORMAT,
    Bound,
    Candidate,
    Instance,
    Location,
    Meeting,
    Objective,
    Participant,
    Result,
    Rules,
    ScheduledMeeting,
    Slot,
    Status,
    Unscheduled,
    Workshop,
    WorkshopPlacement,
)

__all__ = [
    "InstanceError",
    "ResultError",
    "dump_instance",
    "dump_result",
    "instance_to_dict",
    "load_instance",
    "load_result",
    "parse_instance",
    "parse_result",
    "result_to_dict",
]

T = TypeVar("T")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InstanceError(ValueError):
    """An instance file (or dict) that breaks the contract.

    `str(error)` is the one-line message `SOURCE: PATH: PROBLEM`; the parts are
    kept as attributes so callers (the web app) can present them differently.
    """

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(f"{source}: {path}: {problem}" if path else f"{source}: {problem}")


class ResultError(InstanceError):
    """A result file that breaks the `entremise-result/1` shape (same message style)."""


# --------------------------------------------------------------------------- JSON paths
def _child(path: str, key: str | int) -> str:
    """JSON path of a child: `meetings[3]`, `meetings[3].after`, `x["odd key"]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _type_name(value: object) -> str:
    """JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class _Reader:
    """Typed accessors that raise the right error class with the right path."""

    def __init__(self, source: str, error: type[InstanceError]) -> None:
        self.source = source
        self.error = error

    def fail(self, path: str, problem: str) -> NoReturn:
        raise self.error(self.source, path or "$", problem)

    def obj(
        self, value: object, path: str, allowed: Iterable[str] | None, required: Iterable[str] = ()
    ) -> dict[str, Any]:
        """An object; with `allowed`, any other key is an error; `required` keys must exist."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_type_name(value)}")
        if allowed is not None:
            allowed_set = set(allowed)
            for key in value:
                if key not in allowed_set:
                    self.fail(_child(path, key), "unknown key")
        for key in required:
            if key not in value:
                self.fail(_child(path, key), "missing required key")
        return value

    def array(self, value: object, path: str, min_items: int = 0) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"expected an array, got {_type_name(value)}")
        if len(value) < min_items:
            self.fail(
                path, f"expected at least {min_items} item{'s' * (min_items > 1)}, got {len(value)}"
            )
        return value

    def string(self, value: object, path: str, min_length: int = 0) -> str:
        if not isinstance(value, str):
            self.fail(path, f"expected a string, got {_type_name(value)}")
        if len(value) < min_length:
            self.fail(path, "expected a non-empty string")
        return value

    def integer(self, value: object, path: str, minimum: int | None = None) -> int:
        # JSON Schema's "integer" accepts 3.0 but never true/false.
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected an integer, got {_type_name(value)}")
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                self.fail(path, f"expected an integer, got {value!r}")
            value = int(value)
        if minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}, got {value}")
        return value

    def number(self, value: object, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected a number, got {_type_name(value)}")
        return float(value)

    def boolean(self, value: object, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_type_name(value)}")
        return value

    def optional(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        read: Callable[[object, str], T],
        default: T,
        nullable: bool = False,
    ) -> T:
        """`data[key]` read with `read`, or `default` when absent (or null if `nullable`)."""
        if key not in data:
            return default
        value = data[key]
        if value is None and nullable:
            return default
        return read(value, _child(path, key))

    def unique_strings(self, value: object, path: str, min_items: int = 0) -> list[str]:
        items = self.array(value, path, min_items)
        seen: set[str] = set()
        out: list[str] = []
        for i, item in enumerate(items):
            text = self.string(item, _child(path, i))
            if text in seen:
                self.fail(_child(path, i), f"duplicate {text!r}")
            seen.add(text)
            out.append(text)
        return out

    def strings_or_empty(self, data: Mapping[str, Any], key: str, path: str) -> list[str]:
        """An optional array of distinct strings (empty when absent)."""
        none: list[str] = []
        return self.optional(data, key, path, self.unique_strings, none)

    def array_or_empty(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        """An optional array (empty when absent)."""
        none: list[Any] = []
        return self.optional(data, key, path, self.array, none)

    def obj_or_empty(
        self, data: Mapping[str, Any], key: str, path: str, allowed: Iterable[str] | None
    ) -> dict[str, Any]:
        """An optional object (empty when absent)."""
        none: dict[str, Any] = {}
        return self.optional(data, key, path, lambda v, p: self.obj(v, p, allowed), none)

    def ref(self, value: str, path: str, known: Iterable[str], kind: str) -> str:
        if value not in known:
            self.fail(path, f"unknown {kind} {value!r}")
        return value

    def unique_id(self, value: object, path: str, seen: dict[str, str], kind: str) -> str:
        text = self.string(value, path, min_length=1)
        if text in seen:
            self.fail(path, f"duplicate {kind} id {text!r} (first at {seen[text]})")
        seen[text] = path
        return text

    def datetime_text(self, value: object, path: str) -> str:
        text = self.string(value, path)
        try:
            datetime.fromisoformat(text)
        except ValueError:
            self.fail(path, f"not an ISO 8601 date-time: {text!r}")
        if len(text) <= 10:  # a bare date parses, but the schema asks for a date-time
            self.fail(path, f"not an ISO 8601 date-time: {text!r}")
        return text


# --------------------------------------------------------------------------- instance
_TOP_KEYS = (
    "format",
    "name",
    "slots",
    "locations",
    "participants",
    "meetings",
    "workshops",
    "rules",
)
_SLOT_KEYS = ("id", "day", "session", "start", "end")
_LOCATION_KEYS = ("id", "name")
_PARTICIPANT_KEYS = (
    "id",
    "role",
    "name",
    "unavailable",
    "max_meetings",
    "min_meetings",
    "location",
)
_MEETING_KEYS = ("id", "participants", "required", "weight", "session", "slot", "location", "after")
_WORKSHOP_KEYS = (
    "id",
    "name",
    "slots",
    "location",
    "min_size",
    "max_size",
    "members",
    "candidates",
)
_CANDIDATE_KEYS = ("participant", "weight")
_RULES_KEYS = ("max_break_spread",)


def _parse_slots(r: _Reader, data: Mapping[str, Any]) -> tuple[Slot, ...]:
    seen: dict[str, str] = {}
    slots: list[Slot] = []
    for i, raw in enumerate(r.array(data["slots"], "slots", min_items=1)):
        path = _child("slots", i)
        obj = r.obj(raw, path, _SLOT_KEYS, ("id",))
        sid = r.unique_id(obj["id"], _child(path, "id"), seen, "slot")
        start = r.optional(obj, "start", path, r.datetime_text, None)
        end = r.optional(obj, "end", path, r.datetime_text, None)
        if start is not None and end is not None:
            try:
                ordered = datetime.fromisoformat(end) > datetime.fromisoformat(start)
            except TypeError:  # one has a UTC offset and the other has none
                r.fail(_child(path, "end"), "start and end must both have a UTC offset or neither")
            if not ordered:
                r.fail(_child(path, "end"), f"end {end!r} is not after start {start!r}")
        slots.append(
            Slot(
                id=sid,
                day=r.optional(obj, "day", path, r.string, ""),
                session=r.optional(obj, "session", path, r.string, None),
                start=start,
                end=end,
            )
        )
    return tuple(slots)


def _parse_locations(r: _Reader, data: Mapping[str, Any]) -> tuple[Location, ...]:
    seen: dict[str, str] = {}
    locations: list[Location] = []
    for i, raw in enumerate(r.array(data["locations"], "locations")):
        path = _child("locations", i)
        obj = r.obj(raw, path, _LOCATION_KEYS, ("id",))
        lid = r.unique_id(obj["id"], _child(path, "id"), seen, "location")
        locations.append(Location(id=lid, name=r.optional(obj, "name", path, r.string, None)))
    return tuple(locations)


def _parse_participants(
    r: _Reader, data: Mapping[str, Any], slot_ids: set[str], location_ids: set[str]
) -> tuple[Participant, ...]:
    seen: dict[str, str] = {}
    participants: list[Participant] = []
    for i, raw in enumerate(r.array(data["participants"], "participants")):
        path = _child("participants", i)
        obj = r.obj(raw, path, _PARTICIPANT_KEYS, ("id",))
        pid = r.unique_id(obj["id"], _child(path, "id"), seen, "participant")
        unavailable = r.strings_or_empty(obj, "unavailable", path)
        for j, sid in enumerate(unavailable):
            r.ref(sid, _child(_child(path, "unavailable"), j), slot_ids, "slot")
        location = r.optional(obj, "location", path, r.string, None, nullable=True)
        if location is not None:
            r.ref(location, _child(path, "location"), location_ids, "location")
        participants.append(
            Participant(
                id=pid,
                role=r.optional(obj, "role", path, r.string, None),
                name=r.optional(obj, "name", path, r.string, None),
                unavailable=frozenset(unavailable),
                max_meetings=r.optional(
                    obj, "max_meetings", path, lambda v, p: r.integer(v, p, 0), None, nullable=True
                ),
                min_meetings=r.optional(
                    obj, "min_meetings", path, lambda v, p: r.integer(v, p, 0), 0
                ),
                location=location,
            )
        )
    return tuple(participants)


def _parse_meetings(
    r: _Reader,
    data: Mapping[str, Any],
    slots: tuple[Slot, ...],
    location_ids: set[str],
    participant_ids: set[str],
) -> tuple[Meeting, ...]:
    raws = r.array(data["meetings"], "meetings")
    # Ids first: `after` may name a meeting listed later in the file.
    seen: dict[str, str] = {}
    for i, raw in enumerate(raws):
        path = _child("meetings", i)
        obj = r.obj(raw, path, _MEETING_KEYS, ("id", "participants"))
        r.unique_id(obj["id"], _child(path, "id"), seen, "meeting")
    slot_by_id = {s.id: s for s in slots}
    sessions = {s.session for s in slots if s.session is not None}
    meetings: list[Meeting] = []
    for i, obj in enumerate(raws):
        path = _child("meetings", i)
        ppath = _child(path, "participants")
        people = r.unique_strings(obj["participants"], ppath, min_items=2)
        for j, pid in enumerate(people):
            r.ref(pid, _child(ppath, j), participant_ids, "participant")
        session = r.optional(obj, "session", path, r.string, None, nullable=True)
        if session is not None and session not in sessions:
            r.fail(_child(path, "session"), f"no slot has session {session!r}")
        slot = r.optional(obj, "slot", path, r.string, None, nullable=True)
        if slot is not None:
            r.ref(slot, _child(path, "slot"), slot_by_id, "slot")
            if session is not None and slot_by_id[slot].session != session:
                r.fail(_child(path, "slot"), f"slot {slot!r} is not in session {session!r}")
        location = r.optional(obj, "location", path, r.string, None, nullable=True)
        if location is not None:
            r.ref(location, _child(path, "location"), location_ids, "location")
        mid = obj["id"]
        after = r.strings_or_empty(obj, "after", path)
        for j, other in enumerate(after):
            apath = _child(_child(path, "after"), j)
            r.ref(other, apath, seen, "meeting")
            if other == mid:
                r.fail(apath, f"meeting {mid!r} cannot come after itself")
        meetings.append(
            Meeting(
                id=mid,
                participants=tuple(people),
                required=r.optional(obj, "required", path, r.boolean, False),
                weight=r.optional(obj, "weight", path, lambda v, p: r.integer(v, p, 1), 1),
                session=session,
                slot=slot,
                location=location,
                after=tuple(after),
            )
        )
    _check_after_acyclic(r, meetings)
    return tuple(meetings)


def _check_after_acyclic(r: _Reader, meetings: list[Meeting]) -> None:
    """Reject a cycle in `after` (no slot order could satisfy it), naming the cycle."""
    index = {m.id: i for i, m in enumerate(meetings)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in meetings:
        if start.id in state:
            continue
        # Iterative DFS: the stack holds (meeting id, next `after` position to explore).
        stack: list[tuple[str, int]] = [(start.id, 0)]
        state[start.id] = 1
        while stack:
            mid, k = stack[-1]
            after = meetings[index[mid]].after
            if k == len(after):
                state[mid] = 2
                stack.pop()
                continue
            stack[-1] = (mid, k + 1)
            nxt = after[k]
            if state.get(nxt) == 1:
                ids = [m for m, _ in stack]
                cycle = [*ids[ids.index(nxt) :], nxt]
                r.fail(
                    _child(_child(_child("meetings", index[mid]), "after"), k),
                    "precedence cycle " + " -> ".join(cycle),
                )
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))


def _parse_workshops(
    r: _Reader, data: Mapping[str, Any], slot_ids: set[str], participant_ids: set[str]
) -> tuple[Workshop, ...]:
    seen: dict[str, str] = {}
    workshops: list[Workshop] = []
    for i, raw in enumerate(r.array_or_empty(data, "workshops", "")):
        path = _child("workshops", i)
        obj = r.obj(raw, path, _WORKSHOP_KEYS, ("id", "slots"))
        wid = r.unique_id(obj["id"], _child(path, "id"), seen, "workshop")
        slots = r.unique_strings(obj["slots"], _child(path, "slots"), min_items=1)
        for j, sid in enumerate(slots):
            r.ref(sid, _child(_child(path, "slots"), j), slot_ids, "slot")
        members = r.strings_or_empty(obj, "members", path)
        for j, pid in enumerate(members):
            r.ref(pid, _child(_child(path, "members"), j), participant_ids, "participant")
        candidates: list[Candidate] = []
        cpath = _child(path, "candidates")
        taken: dict[str, str] = {}
        for j, craw in enumerate(r.array_or_empty(obj, "candidates", path)):
            one = _child(cpath, j)
            cobj = r.obj(craw, one, _CANDIDATE_KEYS, ("participant",))
            pid = r.string(cobj["participant"], _child(one, "participant"))
            r.ref(pid, _child(one, "participant"), participant_ids, "participant")
            if pid in members:
                r.fail(_child(one, "participant"), f"{pid!r} is already a member")
            if pid in taken:
                r.fail(
                    _child(one, "participant"),
                    f"duplicate candidate {pid!r} (first at {taken[pid]})",
                )
            taken[pid] = one
            candidates.append(
                Candidate(
                    participant=pid,
                    weight=r.optional(cobj, "weight", one, lambda v, p: r.integer(v, p, 1), 1),
                )
            )
        min_size = r.optional(obj, "min_size", path, lambda v, p: r.integer(v, p, 0), 0)
        max_size = r.optional(
            obj, "max_size", path, lambda v, p: r.integer(v, p, 0), None, nullable=True
        )
        if max_size is not None and min_size > max_size:
            r.fail(_child(path, "min_size"), f"min_size {min_size} exceeds max_size {max_size}")
        if max_size is not None and len(members) > max_size:
            r.fail(
                _child(path, "max_size"),
                f"max_size {max_size} is less than the {len(members)} members",
            )
        if min_size > len(members) + len(candidates):
            r.fail(
                _child(path, "min_size"),
                f"min_size {min_size} exceeds the "
                f"{len(members) + len(candidates)} members and candidates",
            )
        workshops.append(
            Workshop(
                id=wid,
                slots=tuple(slots),
                name=r.optional(obj, "name", path, r.string, None),
                location=r.optional(obj, "location", path, r.string, None),
                min_size=min_size,
                max_size=max_size,
                members=tuple(members),
                candidates=tuple(candidates),
            )
        )
    return tuple(workshops)


def _check_header(
    r: _Reader, top: Mapping[str, Any], expected_format: str, required: tuple[str, ...]
) -> None:
    """The `format` tag first, then the required top-level keys, each error naming its key."""
    if "format" not in top:
        r.fail("format", "missing required key")
    if top["format"] != expected_format:
        r.fail("format", f"expected {expected_format!r}, got {json.dumps(top['format'])}")
    for key in required:
        if key not in top:
            r.fail(key, "missing required key")


def parse_instance(data: object, source: str = "<instance>") -> Instance:
    """Build an `Instance` from parsed JSON, validating everything (raises `InstanceError`).

    `source` is the name used at the start of error messages (usually the file name).
    """
    r = _Reader(source, InstanceError)
    top = r.obj(data, "", _TOP_KEYS, ())
    _check_header(r, top, INSTANCE_FORMAT, ("slots", "locations", "participants", "meetings"))
    name = r.optional(top, "name", "", r.string, "")
    slots = _parse_slots(r, top)
    slot_ids = {s.id for s in slots}
    locations = _parse_locations(r, top)
    location_ids = {loc.id for loc in locations}
    participants = _parse_participants(r, top, slot_ids, location_ids)
    participant_ids = {p.id for p in participants}
    meetings = _parse_meetings(r, top, slots, location_ids, participant_ids)
    workshops = _parse_workshops(r, top, slot_ids, participant_ids)
    rules_obj = r.obj_or_empty(top, "rules", "", _RULES_KEYS)
    rules = Rules(
        max_break_spread=r.optional(
            rules_obj,
            "max_break_spread",
            "rules",
            lambda v, p: r.integer(v, p, 0),
            None,
            nullable=True,
        )
    )
    return Instance(
        slots=slots,
        locations=locations,
        participants=participants,
        meetings=meetings,
        workshops=workshops,
        rules=rules,
        name=name,
    )


def _read_json(path: str | Path, error: type[InstanceError]) -> object:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(source, "", f"cannot read file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise error(source, "", "not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON ({exc.msg})"
        ) from exc


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; errors name the file as given in `path`."""
    return parse_instance(_read_json(path, InstanceError), str(path))


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


# --------------------------------------------------------------------------- result
def parse_result(data: object, source: str = "<result>") -> Result:
    """Build a `Result` from parsed JSON, checking its shape (raises `ResultError`).

    Extra keys are allowed (the contract says so) and ignored, except `stats`
    (this engine's own figures), which is read back when it is a flat object.
    Ids are not checked against any instance here: `validate.validate` does that.
    """
    r = _Reader(source, ResultError)
    top = r.obj(data, "", None, ())
    _check_header(r, top, RESULT_FORMAT, ("status", "meetings", "unscheduled", "objective"))
    status_text = r.string(top["status"], "status")
    try:
        status = Status(status_text)
    except ValueError:
        r.fail(
            "status",
            f"unknown status {status_text!r} "
            f"(expected one of {', '.join(s.value for s in Status)})",
        )
    meetings: list[ScheduledMeeting] = []
    for i, raw in enumerate(r.array(top["meetings"], "meetings")):
        path = _child("meetings", i)
        obj = r.obj(raw, path, None, ("id", "slot", "location"))
        meetings.append(
            ScheduledMeeting(
                id=r.string(obj["id"], _child(path, "id")),
                slot=r.string(obj["slot"], _child(path, "slot")),
                location=r.string(obj["location"], _child(path, "location")),
            )
        )
    unscheduled: list[Unscheduled] = []
    for i, raw in enumerate(r.array(top["unscheduled"], "unscheduled")):
        path = _child("unscheduled", i)
        obj = r.obj(raw, path, None, ("id", "reason"))
        unscheduled.append(
            Unscheduled(
                id=r.string(obj["id"], _child(path, "id")),
                reason=r.string(obj["reason"], _child(path, "reason")),
                code=r.optional(obj, "code", path, r.string, ""),
                params=_params(r, obj, path),
            )
        )
    workshops: list[WorkshopPlacement] = []
    for i, raw in enumerate(r.array_or_empty(top, "workshops", "")):
        path = _child("workshops", i)
        obj = r.obj(raw, path, None, ("id", "participants"))
        ppath = _child(path, "participants")
        people = [
            r.string(p, _child(ppath, j)) for j, p in enumerate(r.array(obj["participants"], ppath))
        ]
        workshops.append(
            WorkshopPlacement(
                id=r.string(obj["id"], _child(path, "id")), participants=tuple(people)
            )
        )
    obj = r.obj(top["objective"], "objective", None, ("shortfall", "weight", "breaks"))
    objective = Objective(
        **{
            key: r.integer(obj[key], _child("objective", key))
            for key in ("shortfall", "weight", "breaks")
        }
    )
    bound_obj = r.obj_or_empty(top, "bound", "", None)
    bound = Bound(
        **{
            key: r.optional(bound_obj, key, "bound", r.integer, None, nullable=True)
            for key in ("shortfall", "weight", "breaks")
        }
    )
    stats: dict[str, float | int | str] = {}
    for key, value in r.obj_or_empty(top, "stats", "", None).items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            stats[key] = value
    reason = r.optional(top, "reason", "", r.string, None)
    return Result(
        instance=r.optional(top, "instance", "", r.string, "", nullable=True),
        status=status,
        meetings=tuple(meetings),
        unscheduled=tuple(unscheduled),
        workshops=tuple(workshops),
        objective=objective,
        bound=bound,
        wall_time_s=r.optional(top, "wall_time_s", "", r.number, 0.0),
        reason=reason,
        stats=stats,
    )


def _params(
    r: _Reader, obj: Mapping[str, Any], path: str
) -> tuple[tuple[str, str | int | tuple[str, ...]], ...]:
    """The optional `params` of an unscheduled meeting: strings, integers, string lists."""
    raw = r.obj_or_empty(obj, "params", path, None)
    out: list[tuple[str, str | int | tuple[str, ...]]] = []
    ppath = _child(path, "params")
    for key, value in raw.items():
        where = _child(ppath, key)
        if isinstance(value, list):
            out.append((key, tuple(r.string(v, _child(where, i)) for i, v in enumerate(value))))
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append((key, value))
        else:
            out.append((key, r.string(value, where)))
    return tuple(out)


def load_result(path: str | Path) -> Result:
    """Read a result file and check its shape; errors name the file as given in `path`."""
    return parse_result(_read_json(path, ResultError), str(path))


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
