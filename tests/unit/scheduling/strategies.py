"""Hypothesis strategy of small, valid `entremise-instance/1` data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


@st.composite
def instance_data(draw: st.DrawFn, max_meetings: int = 8, max_slots: int = 5,
                  pins: bool = True) -> dict[str, Any]:
    """A small instance touching every rule of the format (always a valid file).

    Without `pins`, no meeting needs a particular location (for `bruteforce`).
    """
    n_slots = draw(st.integers(2, max_slots))
    two_days = draw(st.booleans())
    with_sessions = draw(st.booleans())
    slots = []
    for i in range(n_slots):
        slot: dict[str, Any] = {"id": f"s{i}", "day": "d2" if two_days and i >= 2 else "d1"}
        if with_sessions:
            slot["session"] = "am" if i % 2 == 0 else "pm"
        slots.append(slot)
    slot_ids = [s["id"] for s in slots]
    locations = [{"id": f"T{i}"} for i in range(draw(st.integers(1, 3)))]
    loc_ids = [loc["id"] for loc in locations]
    n_people = draw(st.integers(2, 6))
    people = []
    for i in range(n_people):
        p: dict[str, Any] = {"id": f"p{i}"}
        unavailable = draw(st.lists(st.sampled_from(slot_ids), unique=True, max_size=2))
        if unavailable:
            p["unavailable"] = unavailable
        if draw(st.integers(0, 3)) == 0:
            p["max_meetings"] = draw(st.integers(1, 3))
        if draw(st.integers(0, 3)) == 0:
            p["min_meetings"] = draw(st.integers(1, 2))
        if pins and draw(st.integers(0, 5)) == 0:
            p["location"] = draw(st.sampled_from(loc_ids))
        people.append(p)
    pids = [p["id"] for p in people]
    meetings = []
    for i in range(draw(st.integers(1, max_meetings))):
        size = 3 if n_people >= 3 and draw(st.integers(0, 5)) == 0 else 2  # group meetings too
        pair = draw(st.lists(st.sampled_from(pids), min_size=size, max_size=size, unique=True))
        m: dict[str, Any] = {"id": f"m{i}", "participants": pair,
                             "weight": draw(st.integers(1, 5))}
        if draw(st.integers(0, 9)) == 0:
            m["required"] = True
        if with_sessions and draw(st.integers(0, 4)) == 0:
            m["session"] = draw(st.sampled_from(["am", "pm"]))
        if draw(st.integers(0, 6)) == 0:
            fixed = draw(st.sampled_from(slots))
            if m.get("session") in (None, fixed.get("session")):
                m["slot"] = fixed["id"]
        if pins and draw(st.integers(0, 6)) == 0:
            m["location"] = draw(st.sampled_from(loc_ids))
        if i > 0 and draw(st.integers(0, 4)) == 0:
            m["after"] = [f"m{draw(st.integers(0, i - 1))}"]
        meetings.append(m)
    data: dict[str, Any] = {"format": "entremise-instance/1", "name": "generated",
                            "slots": slots, "locations": locations, "participants": people,
                            "meetings": meetings}
    if draw(st.integers(0, 2)) == 0:
        wslots = draw(st.lists(st.sampled_from(slot_ids), min_size=1, max_size=2, unique=True))
        chosen = draw(st.lists(st.sampled_from(pids), unique=True, max_size=4))
        split = draw(st.integers(0, len(chosen)))
        members, cands = chosen[:split], chosen[split:]
        workshop: dict[str, Any] = {"id": "w0", "slots": wslots, "members": members,
                                    "candidates": [{"participant": c,
                                                    "weight": draw(st.integers(1, 3))}
                                                   for c in cands]}
        if draw(st.booleans()):
            workshop["location"] = draw(st.sampled_from([*loc_ids, "Salle B"] if pins
                                                        else ["Salle B"]))
        if draw(st.booleans()):
            workshop["max_size"] = draw(st.integers(len(members), len(chosen) + 1))
        workshop["min_size"] = draw(st.integers(0, min(len(chosen), workshop.get("max_size", 9))))
        data["workshops"] = [workshop]
    if draw(st.integers(0, 2)) == 0:
        data["rules"] = {"max_break_spread": draw(st.integers(0, 2))}
    return data
