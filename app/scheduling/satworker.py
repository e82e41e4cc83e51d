"""Child process of satbreaks: k = lb, lb + 1, ... on one incremental CaDiCaL solver.

Run by path (`python -I satworker.py`), it imports only the standard library and
python-sat. Reads one pickled job on stdin ({"solver", "clauses", "assumptions":
[(k, literal)], "report": [variables], "cpu_limit_s"}); writes one pickled message per k on
stdout: ("unsat", k, []) or ("sat", k, [reported variables that are true]),
stopping at the first "sat". The parent ends it at its deadline.
"""

from __future__ import annotations

import pickle
import sys

from pysat.solvers import Solver


def main() -> int:
    """Answer the job read on stdin; exit status 0."""
    job = pickle.load(sys.stdin.buffer)
    try:
        import resource  # POSIX only

        limit = int(job["cpu_limit_s"]) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))  # the kernel ends us
    except (ImportError, ValueError, OSError):
        pass
    out = sys.stdout.buffer
    with Solver(name=job["solver"], bootstrap_with=job["clauses"]) as solver:
        for k, literal in job["assumptions"]:
            if not solver.solve(assumptions=[literal]):
                pickle.dump(("unsat", k, []), out)
                out.flush()
                continue
            model = solver.get_model() or []
            true = {v for v in model if v > 0}
            pickle.dump(("sat", k, [v for v in job["report"] if v in true]), out)
            out.flush()
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
