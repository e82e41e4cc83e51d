"""Scale benchmark: generated events from 100 to 5,000 requests; weight vs LP bound, time, memory.

Usage: python benchmarks/scale.py [--sizes 100 500 1000 2000 5000] [--time-limit 60]
       [--workers 2] [--seed 0] [--json out.json]

Each size runs in a child process (so that its peak memory is measured alone,
with os.wait4's rusage.ru_maxrss, i.e. getrusage(RUSAGE_CHILDREN) for that
child). The child generates the event with benchmarks/generate.py
(participants = max(40, requests / 5)), runs the greedy (its schedule is the
first hint, as in engine.schedule; its time counts), solves with the CP-SAT model, checks the
result with the project's validator and prints its figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(requests: int, time_limit: float, workers: int, seed: int) -> None:
    """Generate, solve, validate one event; print one JSON line."""
    from app.scheduling.greedy import greedy
    from app.scheduling.io import parse_instance
    from app.scheduling.model import solve
    from app.scheduling.validate import validate
    from benchmarks.generate import generate

    inst = parse_instance(generate(requests, seed=seed), f"generated-{requests}")
    t = time.monotonic()
    # As engine.schedule does: the greedy's schedule is the first hint (its time counts).
    hint = {m.id: (m.slot, m.location) for m in greedy(inst).meetings}
    res = solve(
        inst, time_limit=time_limit - (time.monotonic() - t), workers=workers, seed=seed, hint=hint
    )
    wall = time.monotonic() - t
    report = validate(inst, res)
    # Tighter, lexicographic bound (computed after the timed solve): LP weight among
    # schedules whose shortfall is at most the achieved one.
    lex_lp = None
    if res.objective is not None:
        from app.scheduling.bounds import lp_weight_bound_given_shortfall
        from app.scheduling.model import SchedulingModel

        sm = SchedulingModel(inst)
        sm._prepare()
        lex_lp = lp_weight_bound_given_shortfall(
            inst, sm.domain, sm.blocked_locations, res.objective.shortfall
        )
    if not report.ok:
        print("violations:", [str(v) for v in report.violations][:10], file=sys.stderr)
    obj = res.objective
    lp = res.stats.get("lp_weight_bound")
    out = {
        "requests": len(inst.meetings),
        "participants": len(inst.participants),
        "slots": len(inst.slots),
        "status": str(res.status),
        "valid": report.ok,
        "scheduled": len(res.meetings),
        "lp_meetings_bound": res.stats.get("lp_meetings_bound"),
        "shortfall": obj.shortfall if obj else None,
        "weight": obj.weight if obj else None,
        "breaks": obj.breaks if obj else None,
        "lp_weight_bound": lp,
        "weight_bound": res.bound.weight,
        "breaks_bound": res.bound.breaks,
        "gap_to_lp_pct": (
            round(100.0 * (lp - obj.weight) / lp, 3)
            if obj and isinstance(lp, int) and lp > 0
            else None
        ),
        "lp_weight_bound_given_shortfall": lex_lp,
        "gap_to_lex_lp_pct": (
            round(100.0 * (lex_lp - obj.weight) / lex_lp, 3) if obj and lex_lp else None
        ),
        "wall_s": round(wall, 2),
        "build_s": res.stats.get("build_s"),
        "stages": {
            k: v
            for k, v in res.stats.items()
            if k.split("_")[0] in ("shortfall", "weight", "breaks")
        },
        "stats": res.stats,
    }
    print(json.dumps(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 250, 500, 1000, 2000, 5000])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.time_limit, args.workers, args.seed)
        return 0
    rows = []
    print(
        f"{'requests':>8} {'people':>6} {'status':9} {'weight':>7} {'LP':>7} {'gap%':>6} "
        f"{'LPsf':>7} {'gap%':>6} "
        f"{'held':>5} {'sf':>3} {'breaks':>6} {'wall_s':>7} {'peak_MB':>7} valid"
    )
    for size in args.sizes:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            str(size),
            "--time-limit",
            str(args.time_limit),
            "--workers",
            str(args.workers),
            "--seed",
            str(args.seed),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        stdout = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            print(f"{size:>8} child failed with exit code {proc.returncode}")
            continue
        row = json.loads(stdout.strip().splitlines()[-1])
        row["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
        rows.append(row)
        print(
            f"{row['requests']:>8} {row['participants']:>6} {row['status']:9} "
            f"{row['weight']!s:>7} {row['lp_weight_bound']!s:>7} {row['gap_to_lp_pct']!s:>6} "
            f"{row['lp_weight_bound_given_shortfall']!s:>7} {row['gap_to_lex_lp_pct']!s:>6} "
            f"{row['scheduled']:>5} {row['shortfall']!s:>3} {row['breaks']!s:>6} "
            f"{row['wall_s']:>7} {row['peak_rss_mb']:>7} {row['valid']}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
