"""Breaks by a SAT solver, beside CP-SAT (exact when every meeting is required).

Measured on the B2B set (docs/MODEL.md, "Breaks by SAT"): once shortfall and
weight are settled, the breaks level is a pure optimisation over clauses.
CP-SAT proves the small lower bounds quickly but on four of the twenty
instances does not find a schedule reaching them within 20 s, while CaDiCaL
on a clause encoding of the same rules does. So, when every meeting is
required and there are no workshops, the breaks stage also runs a search in a
separate process, by one of two methods:

- "maxsat" (the default): core-guided MaxSAT (RC2, the OLL algorithm) with
  one soft clause "not a break" per possible break. Each unsatisfiable core
  proves one more break; the search ends on an optimal schedule. Cores confine
  the last, satisfiable call to the breaks they relaxed, which is what makes
  it fast (ticf-13crafb: 10-16 s on one core, against more than 20 s below).
- "lsu": "at most k breaks?" for k = lb, lb + 1, ... under assumptions on one
  incremental solver (a totalizer counts the breaks); the first schedule found
  is optimal.

For events with optional meetings or workshops, `encode(..., held, attending)`
restricts the same search to the schedules holding exactly the meetings and
workshop seats of a given schedule (same shortfall and weight): its optimum is
a better schedule for the breaks stage, not a bound (`SatSearch.exact` False).

The search runs in a child process (`satworker.py`, started by path so that it
imports neither this package nor the web app) because CaDiCaL cannot be
interrupted from Python: the deadline is enforced by ending the process.

The encoding counts breaks from below only (a break literal is implied by
"busy, idle just before, busy earlier that day"), which is exact for
minimising. The spread rule (max - min <= d) becomes "every participant has
at most d breaks": with a total of at most k < #participants breaks some
participant has none, so the minimum is 0. Both methods therefore only
answer for k <= k_max < #participants: an optimum above k_max is not sent,
and "no schedule where everyone has at most d breaks" refutes every k up to
k_max.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pysat.card import CardEnc, EncType, ITotalizer

if TYPE_CHECKING:  # the model package (handoff.py, solving.py) imports this module at run time
    from app.scheduling.model.container import SchedulingModel

SOLVER = "cadical195"
_WORKER = Path(__file__).with_name("satworker.py")


def not_applicable(sm: SchedulingModel) -> str | None:
    """Why this search cannot run on `sm`'s instance, or None when it can."""
    inst = sm.instance
    if inst.workshops:
        return "workshops"
    meetings = inst.meetings
    if not meetings or not all(m.required for m in meetings):
        return "optional meetings"
    if any(not sm.domain[m.id] for m in meetings):
        return "a meeting without a possible slot"
    return None


@dataclass
class Encoding:
    """Clauses of "the hard rules, and at most k breaks" for every k <= k_max."""

    clauses: list[list[int]]  # the hard rules
    x: dict[tuple[str, int], int]  # (meeting id, slot index) -> variable
    breaks: list[int]  # one literal per possible break (true when it is one)
    count_clauses: list[list[int]]  # the totalizer defining at_least over `breaks`
    at_least: list[int]  # at_least[k] is true when there are more than k breaks
    top: int


def encode(
    sm: SchedulingModel,
    k_max: int | None,
    held: Collection[str] | None = None,
    attending: Mapping[str, Collection[int]] | None = None,
) -> Encoding:
    """CNF of every rule of an all-required event, with break counts up to k_max + 1.

    With k_max None, no counting clauses (the core-guided search counts itself).
    With `held` (meeting ids) and `attending` (participant -> slot indices of the
    workshops they attend), the CNF of the schedules that hold exactly those
    meetings and workshop seats (model.handoff._held_of gives them for a schedule): the
    meetings are placed as if required, the workshop slots are busy and closed
    to meetings.
    """
    inst = sm.instance
    meetings = inst.meetings if held is None else [m for m in inst.meetings if m.id in held]
    attending = attending or {}
    participants = inst.participants
    n_loc = len(inst.locations)
    clauses: list[list[int]] = []
    top = 0

    def new() -> int:
        nonlocal top
        top += 1
        return top

    def add_card(lits: Sequence[int], bound: int, kind: str, enc: int) -> None:
        nonlocal top
        make = CardEnc.atmost if kind == "atmost" else CardEnc.equals
        cnf = make(lits=list(lits), bound=bound, top_id=top, encoding=enc)
        clauses.extend(cnf.clauses)
        top = max(top, cnf.nv)

    x: dict[tuple[str, int], int] = {}
    per_slot: dict[int, list[int]] = defaultdict(list)
    per_loc_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    mine: dict[tuple[str, int], list[int]] = defaultdict(list)
    for m in meetings:
        lits = []
        for t in sm.domain[m.id]:
            v = x[m.id, t] = new()
            lits.append(v)
            per_slot[t].append(v)
            loc = sm.eff_location[m.id]
            if loc is not None:
                per_loc_slot[loc, t].append(v)
            for p in m.participants:
                mine[p, t].append(v)
        # exactly one slot per (required) meeting
        add_card(lits, 1, "equals", EncType.pairwise if len(lits) <= 6 else EncType.seqcounter)
    for m in meetings:
        for a in m.after:
            for t in sm.domain[m.id]:
                clauses.append([-x[m.id, t], *(x[a, u] for u in sm.domain.get(a, []) if u < t)])
    for t, lits in per_slot.items():
        cap = n_loc - len(sm.blocked_locations[t])
        if len(lits) > cap:
            add_card(lits, cap, "atmost", EncType.kmtotalizer)
    for lits in per_loc_slot.values():
        if len(lits) > 1:
            add_card(lits, 1, "atmost", EncType.seqcounter)

    n_slots = len(inst.slots)
    busy: dict[tuple[str, int], int] = {}
    load: dict[str, int] = defaultdict(int)
    for m in meetings:
        for p in m.participants:
            load[p] += 1
    in_workshop: int | None = None  # a literal fixed true: busy in a workshop
    for part in participants:
        for t in attending.get(part.id, ()):
            if in_workshop is None:
                in_workshop = new()
                clauses.append([in_workshop])
            clauses.extend([-v] for v in mine.pop((part.id, t), []))  # no meeting there
            busy[part.id, t] = in_workshop
    for part in participants:
        for t in range(n_slots):
            lits = mine.get((part.id, t), [])
            if not lits:
                continue
            if len(lits) == 1:
                busy[part.id, t] = lits[0]
                continue
            b = busy[part.id, t] = new()
            clauses.append([-b, *lits])
            clauses.extend([[-v, b] for v in lits])
            add_card(lits, 1, "atmost", EncType.seqcounter)  # one meeting at a time
        # Redundant (as in the CP-SAT model): slots busy with a meeting = meetings held.
        own = [busy[part.id, t] for t in range(n_slots) if (part.id, t) in mine]
        if own:
            add_card(own, load[part.id], "equals", EncType.kmtotalizer)
    if all(len(m.participants) == 2 for m in meetings):
        busy_at: dict[int, list[int]] = defaultdict(list)
        for (_, t), v in busy.items():
            if v != in_workshop:
                busy_at[t].append(v)
        for t, lits in busy_at.items():
            cap = 2 * (n_loc - len(sm.blocked_locations[t]))
            if len(lits) > cap:
                add_card(lits, cap, "atmost", EncType.kmtotalizer)

    spread = inst.rules.max_break_spread
    every_break: list[int] = []
    for part in participants:
        own_breaks: list[int] = []
        for day in sm.days:
            seen = 0  # "busy somewhere before slot i - 1 of the day" (0: not yet possible)
            for i in range(1, len(day)):
                if i >= 2 and (part.id, day[i - 2]) in busy:
                    s = new()
                    clauses.append([-busy[part.id, day[i - 2]], s])
                    if seen:
                        clauses.append([-seen, s])
                    seen = s
                now = busy.get((part.id, day[i]))
                if now is None or not seen:
                    continue
                r = new()
                before = busy.get((part.id, day[i - 1]))
                clauses.append([r, -now, -seen, *([before] if before else [])])
                own_breaks.append(r)
        if spread is not None and len(own_breaks) > spread:
            add_card(own_breaks, spread, "atmost", EncType.seqcounter)
        every_break.extend(own_breaks)
    if not every_break or k_max is None:
        return Encoding(clauses, x, every_break, [], [], top)

    tot = ITotalizer(lits=every_break, ubound=k_max + 1, top_id=top)
    count_clauses = [list(c) for c in tot.cnf.clauses]
    top = max(top, tot.top_id)
    at_least = list(tot.rhs)
    tot.delete()
    return Encoding(clauses, x, every_break, count_clauses, at_least, top)


@dataclass
class SatSearch:
    """A running search for the fewest breaks from `lb` upwards, in a child process."""

    encoding: Encoding
    lb: int
    method: str = "maxsat"  # "maxsat" (core-guided, RC2) or "lsu" (k = lb, lb + 1, ...)
    exact: bool = True  # False for a held-set encoding: its refutations bound nothing
    seats: Mapping[str, Sequence[str]] | None = None  # held set: workshop -> seated candidates
    started: float = field(default_factory=time.monotonic)
    proved_lb: int = 0  # every schedule has at least this many breaks (proved here or given)
    found: dict[str, int] | None = None  # meeting id -> slot index of the first schedule found
    found_value: int | None = None
    found_at: float | None = None
    error: str | None = None
    _process: subprocess.Popen[bytes] | None = None
    _reader: threading.Thread | None = None
    _done: threading.Event = field(default_factory=threading.Event)
    on_found: list[Callable[[], None]] = field(default_factory=list)

    def start(self, k_max: int, cpu_limit_s: int = 60) -> SatSearch:
        """Start the child process on k = lb .. k_max; returns self.

        `cpu_limit_s` bounds the child's CPU time (the kernel ends it), so it
        cannot outlive its purpose even if this process dies without stopping it.
        """
        self.proved_lb = self.lb
        enc = self.encoding
        counted = enc.at_least if self.method == "lsu" else enc.breaks
        if not counted or self.lb > k_max:
            self._done.set()
            return self
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", str(_WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:  # no usable interpreter: CP-SAT goes on alone
            self.error = type(exc).__name__
            self._done.set()
            return self
        self._process = proc
        job: dict[str, object] = {
            "solver": SOLVER,
            "method": self.method,
            "report": sorted(enc.x.values()),
            "cpu_limit_s": cpu_limit_s,
        }
        if self.method == "lsu":
            job["clauses"] = enc.clauses + enc.count_clauses
            job["assumptions"] = [(k, -enc.at_least[k]) for k in range(self.lb, k_max + 1)]
        else:
            job.update(clauses=enc.clauses, soft=enc.breaks, lb=self.lb, k_max=k_max)
        self._reader = threading.Thread(target=self._read, args=(proc, job), daemon=True)
        self._reader.start()
        return self

    def _read(self, proc: subprocess.Popen[bytes], job: Mapping[str, object]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            pickle.dump(job, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.close()
            slot_of = {v: key for key, v in self.encoding.x.items()}
            for kind, k, true_vars in messages(proc.stdout):
                if kind == "unsat":
                    self.proved_lb = max(self.proved_lb, k + 1)
                elif kind == "sat":
                    self.found = {slot_of[v][0]: slot_of[v][1] for v in true_vars}
                    self.found_value = k
                    self.found_at = time.monotonic()
                    for callback in self.on_found:
                        callback()
                    break
        except (EOFError, pickle.UnpicklingError, OSError, ValueError) as exc:
            self.error = type(exc).__name__
        finally:
            self._done.set()

    def wait(self, timeout: float) -> bool:
        """Wait until the search ends (True) or `timeout` seconds pass (False)."""
        return self._done.wait(max(0.0, timeout))

    def stop(self) -> None:
        """End the child process (if still running) and the reader."""
        proc = self._process
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()
        if self._reader is not None:
            # The dead child's pipe gives the reader an end of file; the streams are
            # closed only after it has stopped reading them (closing a stream under
            # a blocked read raised in the reader thread).
            self._reader.join(timeout=5)
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None and not stream.closed:
                    stream.close()


def messages(stream: IO[bytes]) -> Iterator[tuple[str, int, list[int]]]:
    """Messages of the child process, one by one, until it ends."""
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return
