"""Re-optimisation benchmark: a 2,000-request event, a late cancellation and a new unavailability.

Usage: python benchmarks/reopt.py [--requests 2000] [--first-time-limit 60]
       [--time-limit 5] [--workers 2] [--seed 0]

1. generate the event (benchmarks/generate.py) and solve it (engine.schedule);
2. late changes: cancel one scheduled meeting (it disappears from the instance)
   and make the busiest buyer unavailable in one slot where it has a meeting;
3. re-optimise with the first result as `previous` (engine.reoptimize, which
   runs the model with the minimal-change stage) and report its wall time, its
   objective against the first one, and the number of changed meetings
   (slot or table differs, or scheduled in only one of the two schedules).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.scheduling.engine import reoptimize, schedule  # noqa: E402
from app.scheduling.io import parse_instance  # noqa: E402
from benchmarks.generate import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--first-time-limit", type=float, default=60.0)
    ap.add_argument("--time-limit", type=float, default=5.0, help="re-optimisation limit")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    inst = parse_instance(generate(args.requests, seed=args.seed), "generated")
    t = time.monotonic()
    first = schedule(inst, time_limit=args.first_time_limit, workers=args.workers, seed=args.seed)
    print(
        f"first solve: {first.status} {first.objective} bound={first.bound} "
        f"in {time.monotonic() - t:.2f}s, {len(first.meetings)} meetings held"
    )
    # Late change 1: cancel the first held meeting.
    cancelled = first.meetings[0].id
    # Late change 2: the busiest buyer becomes unavailable in one of its slots.
    meetings = {m.id: m for m in inst.meetings}
    load = Counter(
        p for sm in first.meetings for p in meetings[sm.id].participants if p.startswith("b")
    )
    buyer = load.most_common(1)[0][0]
    slot = next(
        sm.slot
        for sm in first.meetings
        if buyer in meetings[sm.id].participants and sm.id != cancelled
    )
    participants = tuple(
        dataclasses.replace(p, unavailable=p.unavailable | {slot}) if p.id == buyer else p
        for p in inst.participants
    )
    changed = dataclasses.replace(
        inst,
        participants=participants,
        meetings=tuple(m for m in inst.meetings if m.id != cancelled),
    )
    t = time.monotonic()
    second = reoptimize(
        changed, first, time_limit=args.time_limit, workers=args.workers, seed=args.seed
    )
    wall = time.monotonic() - t
    print(f"late changes: cancelled {cancelled}; {buyer} unavailable in {slot}")
    print(
        f"re-optimisation: {second.status} {second.objective} in {wall:.2f}s "
        f"(limit {args.time_limit}s)"
    )
    print(
        f"changed meetings: {second.stats.get('changed_meetings')} "
        f"({second.stats.get('changed_meeting_ids')})"
    )
    stage_keys = sorted(
        k
        for k in second.stats
        if k.split("_")[0]
        in (
            "shortfall",
            "weight",
            "breaks",
            "changes",
            "hint",
            "lp",
            "build",
            "model",
            "finish",
            "reserve",
        )
        or k in ("precheck_s", "greedy_s", "fair_start_s")
    )
    print("stages: " + ", ".join(f"{k}={second.stats[k]}" for k in stage_keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
