"""Reading `entremise-result/1`: only the shape is checked (`validate.py` checks the rules)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.scheduling.io.reader import (
    Reader,
    ResultError,
    check_header,
    child,
    read_json,
)
from app.scheduling.types import (
    RESULT_FORMAT,
    Bound,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
    WorkshopPlacement,
)


def parse_result(data: object, source: str = "<result>") -> Result:
    """Build a `Result` from parsed JSON, checking its shape (raises `ResultError`).

    Extra keys are allowed (the contract says so) and ignored, except `stats`
    (this engine's own figures), which is read back when it is a flat object.
    Ids are not checked against any instance here: `validate.validate` does that.
    """
    r = Reader(source, ResultError)
    top = r.obj(data, "", None, ())
    check_header(r, top, RESULT_FORMAT, ("status", "meetings", "unscheduled", "objective"))
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
        path = child("meetings", i)
        obj = r.obj(raw, path, None, ("id", "slot", "location"))
        meetings.append(
            ScheduledMeeting(
                id=r.string(obj["id"], child(path, "id")),
                slot=r.string(obj["slot"], child(path, "slot")),
                location=r.string(obj["location"], child(path, "location")),
            )
        )
    unscheduled: list[Unscheduled] = []
    for i, raw in enumerate(r.array(top["unscheduled"], "unscheduled")):
        path = child("unscheduled", i)
        obj = r.obj(raw, path, None, ("id", "reason"))
        unscheduled.append(
            Unscheduled(
                id=r.string(obj["id"], child(path, "id")),
                reason=r.string(obj["reason"], child(path, "reason")),
                code=r.optional(obj, "code", path, r.string, ""),
                params=_params(r, obj, path),
            )
        )
    workshops: list[WorkshopPlacement] = []
    for i, raw in enumerate(r.array_or_empty(top, "workshops", "")):
        path = child("workshops", i)
        obj = r.obj(raw, path, None, ("id", "participants"))
        ppath = child(path, "participants")
        people = [
            r.string(p, child(ppath, j)) for j, p in enumerate(r.array(obj["participants"], ppath))
        ]
        workshops.append(
            WorkshopPlacement(id=r.string(obj["id"], child(path, "id")), participants=tuple(people))
        )
    obj = r.obj(top["objective"], "objective", None, ("shortfall", "weight", "breaks"))
    objective = Objective(
        **{
            key: r.integer(obj[key], child("objective", key))
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
    r: Reader, obj: Mapping[str, Any], path: str
) -> tuple[tuple[str, str | int | tuple[str, ...]], ...]:
    """The optional `params` of an unscheduled meeting: strings, integers, string lists."""
    raw = r.obj_or_empty(obj, "params", path, None)
    out: list[tuple[str, str | int | tuple[str, ...]]] = []
    ppath = child(path, "params")
    for key, value in raw.items():
        where = child(ppath, key)
        if isinstance(value, list):
            out.append((key, tuple(r.string(v, child(where, i)) for i, v in enumerate(value))))
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append((key, value))
        else:
            out.append((key, r.string(value, where)))
    return tuple(out)


def load_result(path: str | Path) -> Result:
    """Read a result file and check its shape; errors name the file as given in `path`."""
    return parse_result(read_json(path, ResultError), str(path))
