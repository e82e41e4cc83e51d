"""Parameters of the solve: the `model_*` switches, CP-SAT's parameters, a progress callback.

`read_switches` splits `solve`'s options into the model's switches and the
CP-SAT parameters; `make_solver` creates every CP-SAT solver of the solve.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model


class Progress(cp_model.CpSolverSolutionCallback):
    """Records when each improving solution of a stage was found."""

    def __init__(self, t0: float) -> None:
        super().__init__()
        self._t0 = t0
        self.last_solution_at = 0.0
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.last_solution_at = time.monotonic() - self._t0


def make_solver(
    limit: float, workers: int, seed: int, options: Mapping[str, object] | None, core: bool = True
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(0.05, limit)
    prm.num_workers = workers
    prm.random_seed = seed
    # Measured on the B2B set: the objectives are sums of literals (MaxSAT-like),
    # where core-guided search proves bounds that the default LP worker never
    # reaches; the second thread keeps CP-SAT's first-solution and LNS workers.
    if core:
        prm.subsolvers.extend(["core"])
    for key, value in (options or {}).items():
        if isinstance(value, list):
            getattr(prm, key).extend(value)
        else:
            setattr(prm, key, value)
    return solver


@dataclass
class Switches:
    """The `model_*` options of `solve` (benchmarks measure them; defaults are the best)."""

    probe_breaks: bool
    sat_breaks: bool
    sat_share_workers: bool
    probe_count: int
    sat_method: str
    lp_guided: bool
    first_solution_share: float
    large_from: int
    core_stages: dict[str, bool]
    block_starts: bool
    long_span_clauses: bool
    redundant_counts: bool


def read_switches(
    options: Mapping[str, object] | None,
) -> tuple[Switches, dict[str, object]]:
    """Split `options` into the model's switches and the CP-SAT parameters."""
    switches = {k[len("model_") :]: v for k, v in (options or {}).items() if k.startswith("model_")}
    probe_breaks = bool(switches.pop("probe_breaks", True))
    sat_breaks = bool(switches.pop("sat_breaks", True))
    # Measured on the B2B set: CP-SAT keeping both workers beside the SAT process
    # (3 threads on 2 cores) gave the same results; one fewer avoids oversubscription.
    sat_share_workers = bool(switches.pop("sat_share_workers", False))
    probe_count = int(switches.pop("probe_count", 3))  # type: ignore[call-overload]
    # "maxsat" (core-guided) or "lsu" (k = lb, lb + 1, ...): see satbreaks.
    sat_method = str(switches.pop("sat_method", "maxsat"))
    if sat_method not in ("maxsat", "lsu"):
        raise ValueError(f"model_sat_method: 'maxsat' or 'lsu', not {sat_method!r}")
    lp_guided = bool(switches.pop("lp_guided_hint", True))
    first_solution_share = float(switches.pop("first_solution_share", 0.15))  # type: ignore[arg-type]
    large_from = int(switches.pop("large_from", 20_000))  # type: ignore[call-overload]
    # Core-guided search only where measured useful: breaks (sums of literals
    # whose optimum is small). Weight and shortfall are left to LNS and the LP.
    core_stages = {
        "weight": bool(switches.pop("core_weight", False)),
        "shortfall": bool(switches.pop("core_shortfall", False)),
    }
    cp_sat = {k: v for k, v in (options or {}).items() if not k.startswith("model_")}
    return Switches(
        probe_breaks=probe_breaks,
        sat_breaks=sat_breaks,
        sat_share_workers=sat_share_workers,
        probe_count=probe_count,
        sat_method=sat_method,
        lp_guided=lp_guided,
        first_solution_share=first_solution_share,
        large_from=large_from,
        core_stages=core_stages,
        block_starts=bool(switches.get("block_starts", False)),
        long_span_clauses=bool(switches.get("long_span_clauses", True)),
        redundant_counts=bool(switches.get("redundant_counts", True)),
    ), cp_sat
