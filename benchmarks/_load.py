"""Throwaway JSON loader used until app.scheduling.io (helper E) is merged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.scheduling.types import (
    Candidate,
    Instance,
    Location,
    Meeting,
    Participant,
    Rules,
    Slot,
    Workshop,
)


def load(path: str | Path) -> Instance:
    """Read an entremise-instance/1 file without validation."""
    d: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return Instance(
        name=d.get("name", ""),
        slots=tuple(Slot(id=s["id"], day=s.get("day") or "", session=s.get("session"))
                    for s in d["slots"]),
        locations=tuple(Location(id=loc["id"]) for loc in d["locations"]),
        participants=tuple(
            Participant(id=p["id"], role=p.get("role"),
                        unavailable=frozenset(p.get("unavailable", [])),
                        max_meetings=p.get("max_meetings"), min_meetings=p.get("min_meetings", 0),
                        location=p.get("location"))
            for p in d["participants"]),
        meetings=tuple(
            Meeting(id=m["id"], participants=tuple(m["participants"]),
                    required=m.get("required", False), weight=m.get("weight", 1),
                    session=m.get("session"), slot=m.get("slot"), location=m.get("location"),
                    after=tuple(m.get("after", [])))
            for m in d["meetings"]),
        workshops=tuple(
            Workshop(id=w["id"], slots=tuple(w["slots"]), location=w.get("location"),
                     min_size=w.get("min_size", 0), max_size=w.get("max_size"),
                     members=tuple(w.get("members", [])),
                     candidates=tuple(Candidate(c["participant"], c.get("weight", 1))
                                      for c in w.get("candidates", [])))
            for w in d.get("workshops", [])),
        rules=Rules(max_break_spread=d.get("rules", {}).get("max_break_spread")),
    )
