"""Small builders of scheduling instances for the model tests."""

from __future__ import annotations

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


def slots(n: int, day: str = "", session: str | None = None, prefix: str = "s") -> list[Slot]:
    return [Slot(f"{prefix}{i}", day=day, session=session) for i in range(1, n + 1)]


def tables(n: int) -> list[Location]:
    return [Location(f"T{i}") for i in range(1, n + 1)]


def people(*ids: str, **kw: object) -> list[Participant]:
    return [Participant(i, **kw) for i in ids]  # type: ignore[arg-type]


def meeting(mid: str, *who: str, **kw: object) -> Meeting:
    return Meeting(mid, tuple(who), **kw)  # type: ignore[arg-type]


def instance(
    slot_list: list[Slot],
    locs: list[Location],
    parts: list[Participant],
    meetings: list[Meeting],
    workshops: list[Workshop] | None = None,
    spread: int | None = None,
) -> Instance:
    return Instance(
        slots=tuple(slot_list),
        locations=tuple(locs),
        participants=tuple(parts),
        meetings=tuple(meetings),
        workshops=tuple(workshops or ()),
        rules=Rules(max_break_spread=spread),
        name="t",
    )


def workshop(
    wid: str, slot_ids: list[str], members: list[str], candidates: dict[str, int], **kw: object
) -> Workshop:
    return Workshop(
        wid,
        tuple(slot_ids),
        members=tuple(members),
        candidates=tuple(Candidate(p, w) for p, w in candidates.items()),
        **kw,
    )  # type: ignore[arg-type]
