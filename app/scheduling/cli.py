"""Command line of the engine (contract: SCHEDULING_FORMAT.md, "Command line").

    python -m app.scheduling solve INSTANCE.json [--time-limit S] [--workers N] [--seed N]
                                   [--previous RESULT.json] [-o RESULT.json]
    python -m app.scheduling check INSTANCE.json RESULT.json

Exit codes: 0 a result was produced (any status) / the result breaks no hard
rule; 1 `check` found a violated hard rule; 2 an invalid instance or result
file (one line on stderr: file, JSON path, problem) or bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.scheduling.io import InstanceError, dump_result, load_instance, load_result
from app.scheduling.validate import validate

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.scheduling", description="Entremise meeting scheduler"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="schedule an instance and write the result")
    solve.add_argument("instance", metavar="INSTANCE.json")
    solve.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS")
    solve.add_argument("--workers", type=int, default=2, metavar="N")
    solve.add_argument("--seed", type=int, default=0, metavar="N")
    solve.add_argument(
        "--previous",
        metavar="RESULT.json",
        help="re-optimise, changing as few meetings of this result as possible",
    )
    solve.add_argument("-o", "--output", metavar="RESULT.json", help="default: stdout")
    check = sub.add_parser("check", help="check a result against an instance")
    check.add_argument("instance", metavar="INSTANCE.json")
    check.add_argument("result", metavar="RESULT.json")
    return parser


def _solve(args: argparse.Namespace) -> int:
    instance = load_instance(args.instance)
    previous = load_result(args.previous) if args.previous else None
    # Imported here so that `check` and file errors never pay for loading OR-Tools.
    from app.scheduling.engine import schedule

    result = schedule(
        instance,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        previous=previous,
    )
    text = dump_result(result, args.output)
    if args.output is None:
        sys.stdout.write(text)
    return 0


def _check(args: argparse.Namespace) -> int:
    instance = load_instance(args.instance)
    result = load_result(args.result)
    report = validate(instance, result)
    if result.instance and instance.name and result.instance != instance.name:
        print(f"warning: the result is for instance {result.instance!r}, not {instance.name!r}")
    for v in report.violations:
        print(f"violation {v.rule}: {v.message}")
    obj = report.objective
    print(f"objective: shortfall={obj.shortfall} weight={obj.weight} breaks={obj.breaks}")
    if result.objective is not None and result.objective != obj:
        claimed = result.objective
        print(
            f"warning: the result claims shortfall={claimed.shortfall} "
            f"weight={claimed.weight} breaks={claimed.breaks}"
        )
    print(
        f"status: {result.status.value}; {len(report.violations)} violation"
        f"{'s' * (len(report.violations) != 1)}"
    )
    return 1 if report.violations else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return _solve(args) if args.command == "solve" else _check(args)
    except InstanceError as exc:  # also ResultError: one line, file: path: problem
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the -o file cannot be written
        print(f"{exc.filename}: cannot write file ({exc.strerror or exc})", file=sys.stderr)
        return 2
