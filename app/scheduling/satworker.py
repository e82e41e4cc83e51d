"""Child process of satbreaks: the fewest breaks by CaDiCaL, answered k by k.

Run by path (`python -I satworker.py`), it imports only the standard library and
python-sat. Reads one pickled job on stdin:

- common keys: "solver", "clauses" (the hard rules), "report" (variables whose
  value is sent back), "cpu_limit_s", "method";
- method "lsu": "assumptions" [(k, literal)], asked in order on one incremental
  solver ("at most k breaks" for k = lb, lb + 1, ...);
- method "maxsat": "soft" (the break literals, each wanted false), "lb" and
  "k_max"; a core-guided search (RC2, the OLL algorithm) raises its lower bound
  one core at a time.

Writes one pickled message per settled k on stdout: ("unsat", k, []) when no
schedule has at most k breaks, then ("sat", k, [reported variables that are
true]) for the first k that has one, and stops. The parent ends it at its
deadline.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

from pysat.examples.rc2 import RC2
from pysat.formula import WCNF
from pysat.solvers import Solver


def _send(out: IO[bytes], message: tuple[str, int, list[int]]) -> None:
    pickle.dump(message, out)
    out.flush()


def _true_of(model: list[int] | None, report: list[int]) -> list[int]:
    true = {v for v in model or [] if v > 0}
    return [v for v in report if v in true]


def linear(job: Mapping[str, Any], out: IO[bytes]) -> None:
    """k = lb, lb + 1, ... as assumptions on one incremental solver."""
    with Solver(name=job["solver"], bootstrap_with=job["clauses"]) as solver:
        for k, literal in job["assumptions"]:
            if not solver.solve(assumptions=[literal]):
                _send(out, ("unsat", k, []))
                continue
            _send(out, ("sat", k, _true_of(solver.get_model(), job["report"])))
            return


class _ReportingRC2(RC2):  # type: ignore[misc]
    """RC2 that calls `on_cost(cost)` each time a core raises its lower bound."""

    def __init__(self, formula: WCNF, solver: str, on_cost: Callable[[int], None]) -> None:
        super().__init__(formula, solver=solver)
        self.on_cost = on_cost

    def process_core(self) -> None:
        super().process_core()
        self.on_cost(self.cost)


def maxsat(job: Mapping[str, Any], out: IO[bytes]) -> None:
    """Core-guided search: every core proves one more break; its optimum ends it."""
    lb, k_max = int(job["lb"]), int(job["k_max"])
    reported = lb - 1  # k <= reported are settled (given or sent)

    def refuted_below(cost: int) -> None:
        nonlocal reported
        while reported + 1 < cost and reported + 1 <= k_max:
            reported += 1
            _send(out, ("unsat", reported, []))

    formula = WCNF()
    formula.extend(job["clauses"])
    formula.extend([[-literal] for literal in job["soft"]], weights=[1] * len(job["soft"]))
    with _ReportingRC2(formula, job["solver"], refuted_below) as rc2:
        model = rc2.compute()
        if model is None:
            # No schedule where everyone has at most d breaks (the clause form of
            # the spread rule): so none with at most k_max < #participants breaks.
            refuted_below(k_max + 1)
            return
        refuted_below(rc2.cost)
        if rc2.cost <= k_max:
            _send(out, ("sat", rc2.cost, _true_of(model, job["report"])))


def main() -> int:
    """Answer the job read on stdin; exit status 0."""
    job = pickle.load(sys.stdin.buffer)
    try:
        import resource  # POSIX only

        limit = int(job["cpu_limit_s"]) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))  # the kernel ends us
    except (ImportError, ValueError, OSError):
        pass
    method = maxsat if job.get("method") == "maxsat" else linear
    method(job, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
