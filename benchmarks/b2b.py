"""Run the scheduler on the 20 real B2B instances and compare with the published optima.

Usage: python benchmarks/b2b.py [B2B_DIR] [--time-limit 20] [--workers 2] [--only NAME ...]
Per instance: the greedy first-fit baseline runs first (its schedule is the
solver's hint, as in engine.schedule, and its time counts in the limit), then
the CP-SAT model; prints status, breaks, bound, time to best, time to proof
(both since the start of the model's solve), wall time, validator verdict and the
greedy's result; --json writes the same figures to a file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.scheduling.greedy import greedy  # noqa: E402
from app.scheduling.io import load_instance  # noqa: E402
from app.scheduling.model import solve  # noqa: E402
from app.scheduling.types import Instance  # noqa: E402
from app.scheduling.validate import validate  # noqa: E402


def _greedy(instance: Instance) -> tuple[str, dict[str, tuple[str, str]]]:
    """The greedy baseline's figures and its schedule (the solver's first hint, as in engine)."""
    g = greedy(instance)
    unplaced = g.stats.get("required_unplaced", 0)
    breaks = g.objective.breaks if g.objective is not None else "-"
    hint = {m.id: (m.slot, m.location) for m in g.meetings}
    why = f" ({g.reason[:60]})" if g.reason else ""
    return f"{g.status} required_unplaced={unplaced} breaks={breaks}{why}", hint


def published_optima(readme: Path) -> dict[str, int]:
    """Optimum breaks per instance, read from the benchmark README table."""
    out = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*([\w-]+)\s*\|(?:[^|]*\|){4}\s*(\d+)\s*\|", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "b2b_dir", nargs="?", type=Path, default=REPO / ".." / "shared" / "benchmarks" / "b2b"
    )
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", default=None, help="instance names to run")
    ap.add_argument(
        "--options",
        type=json.loads,
        default=None,
        help="extra CP-SAT parameters / model_* switches as JSON",
    )
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = ap.parse_args()
    optima = published_optima(args.b2b_dir / "README.md")
    rows = []
    print(
        f"{'instance':16} {'status':9} {'breaks':>6} {'bound':>5} {'opt':>4} "
        f"{'best_s':>7} {'proof_s':>7} {'wall_s':>7} valid greedy"
    )
    for path in sorted(args.b2b_dir.glob("*.json")):
        name = path.stem
        if args.only and name not in args.only:
            continue
        inst = load_instance(path)
        t = time.monotonic()
        greedy_figures, hint = _greedy(inst)
        r = solve(
            inst,
            time_limit=args.time_limit - (time.monotonic() - t),
            workers=args.workers,
            seed=args.seed,
            hint=hint,
            options=args.options,
        )
        wall = time.monotonic() - t
        valid = validate(inst, r).ok
        breaks = r.objective.breaks if r.objective else None
        row = {
            "instance": name,
            "status": str(r.status),
            "breaks": breaks,
            "bound": r.bound.breaks,
            "optimum": optima.get(name),
            "time_to_best_s": r.stats.get("time_to_best_s"),
            "time_to_proof_s": r.stats.get("time_to_proof_s"),
            "wall_s": round(wall, 2),
            "valid": valid,
            "greedy": greedy_figures,
            "stats": r.stats,
        }
        rows.append(row)
        print(
            f"{name:16} {row['status']:9} {breaks!s:>6} {r.bound.breaks!s:>5} "
            f"{optima.get(name)!s:>4} {row['time_to_best_s']!s:>7} "
            f"{row['time_to_proof_s']!s:>7} {row['wall_s']:>7} {valid!s:5} {row['greedy']}",
            flush=True,
        )
    proved = sum(1 for r in rows if r["status"] == "OPTIMAL")
    match = sum(1 for r in rows if r["breaks"] == r["optimum"])
    print(f"proved optimal: {proved}/{len(rows)}; equal to published optimum: {match}/{len(rows)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
