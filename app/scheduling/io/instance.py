"""Reading `entremise-instance/1`: every key, type, minimum, id and reference checked.

The `after` relation is checked acyclic and workshop size bounds reachable;
the first problem raises `InstanceError` (see the package's docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from app.scheduling.io.reader import (
    InstanceError,
    Reader,
    check_header,
    child,
    read_json,
)
from app.scheduling.types import (
    INSTANCE_FORMAT,
    Candidate,
    Instance,
    Location,
    Meeting,
    Participant,
    Rules,
    Slot,
    Workshop,
)

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


def _parse_slots(r: Reader, data: Mapping[str, Any]) -> tuple[Slot, ...]:
    seen: dict[str, str] = {}
    slots: list[Slot] = []
    for i, raw in enumerate(r.array(data["slots"], "slots", min_items=1)):
        path = child("slots", i)
        obj = r.obj(raw, path, _SLOT_KEYS, ("id",))
        sid = r.unique_id(obj["id"], child(path, "id"), seen, "slot")
        start = r.optional(obj, "start", path, r.datetime_text, None)
        end = r.optional(obj, "end", path, r.datetime_text, None)
        if start is not None and end is not None:
            try:
                ordered = datetime.fromisoformat(end) > datetime.fromisoformat(start)
            except TypeError:  # one has a UTC offset and the other has none
                r.fail(child(path, "end"), "start and end must both have a UTC offset or neither")
            if not ordered:
                r.fail(child(path, "end"), f"end {end!r} is not after start {start!r}")
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


def _parse_locations(r: Reader, data: Mapping[str, Any]) -> tuple[Location, ...]:
    seen: dict[str, str] = {}
    locations: list[Location] = []
    for i, raw in enumerate(r.array(data["locations"], "locations")):
        path = child("locations", i)
        obj = r.obj(raw, path, _LOCATION_KEYS, ("id",))
        lid = r.unique_id(obj["id"], child(path, "id"), seen, "location")
        locations.append(Location(id=lid, name=r.optional(obj, "name", path, r.string, None)))
    return tuple(locations)


def _parse_participants(
    r: Reader, data: Mapping[str, Any], slot_ids: set[str], location_ids: set[str]
) -> tuple[Participant, ...]:
    seen: dict[str, str] = {}
    participants: list[Participant] = []
    for i, raw in enumerate(r.array(data["participants"], "participants")):
        path = child("participants", i)
        obj = r.obj(raw, path, _PARTICIPANT_KEYS, ("id",))
        pid = r.unique_id(obj["id"], child(path, "id"), seen, "participant")
        unavailable = r.strings_or_empty(obj, "unavailable", path)
        for j, sid in enumerate(unavailable):
            r.ref(sid, child(child(path, "unavailable"), j), slot_ids, "slot")
        location = r.optional(obj, "location", path, r.string, None, nullable=True)
        if location is not None:
            r.ref(location, child(path, "location"), location_ids, "location")
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
    r: Reader,
    data: Mapping[str, Any],
    slots: tuple[Slot, ...],
    location_ids: set[str],
    participant_ids: set[str],
) -> tuple[Meeting, ...]:
    raws = r.array(data["meetings"], "meetings")
    # Ids first: `after` may name a meeting listed later in the file.
    seen: dict[str, str] = {}
    for i, raw in enumerate(raws):
        path = child("meetings", i)
        obj = r.obj(raw, path, _MEETING_KEYS, ("id", "participants"))
        r.unique_id(obj["id"], child(path, "id"), seen, "meeting")
    slot_by_id = {s.id: s for s in slots}
    sessions = {s.session for s in slots if s.session is not None}
    meetings: list[Meeting] = []
    for i, obj in enumerate(raws):
        path = child("meetings", i)
        ppath = child(path, "participants")
        people = r.unique_strings(obj["participants"], ppath, min_items=2)
        for j, pid in enumerate(people):
            r.ref(pid, child(ppath, j), participant_ids, "participant")
        session = r.optional(obj, "session", path, r.string, None, nullable=True)
        if session is not None and session not in sessions:
            r.fail(child(path, "session"), f"no slot has session {session!r}")
        slot = r.optional(obj, "slot", path, r.string, None, nullable=True)
        if slot is not None:
            r.ref(slot, child(path, "slot"), slot_by_id, "slot")
            if session is not None and slot_by_id[slot].session != session:
                r.fail(child(path, "slot"), f"slot {slot!r} is not in session {session!r}")
        location = r.optional(obj, "location", path, r.string, None, nullable=True)
        if location is not None:
            r.ref(location, child(path, "location"), location_ids, "location")
        mid = obj["id"]
        after = r.strings_or_empty(obj, "after", path)
        for j, other in enumerate(after):
            apath = child(child(path, "after"), j)
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


def _check_after_acyclic(r: Reader, meetings: list[Meeting]) -> None:
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
                    child(child(child("meetings", index[mid]), "after"), k),
                    "precedence cycle " + " -> ".join(cycle),
                )
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))


def _parse_workshops(
    r: Reader, data: Mapping[str, Any], slot_ids: set[str], participant_ids: set[str]
) -> tuple[Workshop, ...]:
    seen: dict[str, str] = {}
    workshops: list[Workshop] = []
    for i, raw in enumerate(r.array_or_empty(data, "workshops", "")):
        path = child("workshops", i)
        obj = r.obj(raw, path, _WORKSHOP_KEYS, ("id", "slots"))
        wid = r.unique_id(obj["id"], child(path, "id"), seen, "workshop")
        slots = r.unique_strings(obj["slots"], child(path, "slots"), min_items=1)
        for j, sid in enumerate(slots):
            r.ref(sid, child(child(path, "slots"), j), slot_ids, "slot")
        members = r.strings_or_empty(obj, "members", path)
        for j, pid in enumerate(members):
            r.ref(pid, child(child(path, "members"), j), participant_ids, "participant")
        candidates: list[Candidate] = []
        cpath = child(path, "candidates")
        taken: dict[str, str] = {}
        for j, craw in enumerate(r.array_or_empty(obj, "candidates", path)):
            one = child(cpath, j)
            cobj = r.obj(craw, one, _CANDIDATE_KEYS, ("participant",))
            pid = r.string(cobj["participant"], child(one, "participant"))
            r.ref(pid, child(one, "participant"), participant_ids, "participant")
            if pid in members:
                r.fail(child(one, "participant"), f"{pid!r} is already a member")
            if pid in taken:
                r.fail(
                    child(one, "participant"),
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
            r.fail(child(path, "min_size"), f"min_size {min_size} exceeds max_size {max_size}")
        if max_size is not None and len(members) > max_size:
            r.fail(
                child(path, "max_size"),
                f"max_size {max_size} is less than the {len(members)} members",
            )
        if min_size > len(members) + len(candidates):
            r.fail(
                child(path, "min_size"),
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


def parse_instance(data: object, source: str = "<instance>") -> Instance:
    """Build an `Instance` from parsed JSON, validating everything (raises `InstanceError`).

    `source` is the name used at the start of error messages (usually the file name).
    """
    r = Reader(source, InstanceError)
    top = r.obj(data, "", _TOP_KEYS, ())
    check_header(r, top, INSTANCE_FORMAT, ("slots", "locations", "participants", "meetings"))
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


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; errors name the file as given in `path`."""
    return parse_instance(read_json(path, InstanceError), str(path))
