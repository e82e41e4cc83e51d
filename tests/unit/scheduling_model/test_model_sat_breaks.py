"""The breaks search by SAT (satbreaks): encoding, child process, and its use by solve()."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from model_builders import instance, meeting, people, slots, tables, workshop
from model_checks import violations

from app.scheduling import satbreaks
from app.scheduling.io import load_instance
from app.scheduling.model import SchedulingModel, evaluate, solve
from app.scheduling.types import Instance, Participant, Status
from app.scheduling.validate import validate
from tests.unit.scheduling.bruteforce import best_objective

B2B = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "b2b"


def _crowded(spread: int | None = None) -> Instance:
    """Six slots in two sessions, one table: b meets everyone, some only in the afternoon.

    The lunch forces breaks: c3 and c4 can only be met in the afternoon
    while b's other meetings are morning-only, and c1 is unavailable in s3.
    """
    am = slots(3, day="d1", session="am", prefix="a")
    pm = slots(3, day="d1", session="pm", prefix="p")
    parts = people("b", "c1", "c2", "c3", "c4")
    ms = [
        meeting("m1", "b", "c1", required=True, session="am"),
        meeting("m2", "b", "c2", required=True, session="am"),
        meeting("m3", "b", "c3", required=True, session="pm"),
        meeting("m4", "c1", "c2", required=True),
        meeting("m5", "c3", "c4", required=True, session="pm"),
        meeting("m6", "c1", "c4", required=True),
    ]
    return instance(am + pm, tables(1), parts, ms, spread=spread)


METHODS = pytest.mark.parametrize("method", ["maxsat", "lsu"])


def _search(
    inst: Instance, lb: int = 0, k_max: int = 4, wait: float = 20.0, method: str = "maxsat"
):
    sm = SchedulingModel(inst).build()
    enc = satbreaks.encode(sm, k_max if method == "lsu" else None)
    search = satbreaks.SatSearch(enc, lb, method).start(k_max)
    try:
        assert search.wait(wait)
    finally:
        search.stop()
    return search


@METHODS
def test_sat_search_finds_the_brute_force_optimum_and_proves_it(method):
    inst = _crowded()
    best = best_objective(inst)
    assert best is not None and best.breaks > 0  # the instance does force breaks
    search = _search(inst, method=method)
    assert search.error is None
    assert search.found_value == best.breaks
    assert search.proved_lb == best.breaks  # every k below was refuted
    slot_of = {mid: inst.slots[t].id for mid, t in (search.found or {}).items()}
    assert sorted(slot_of) == sorted(m.id for m in inst.meetings)  # every meeting placed
    assert evaluate(inst, slot_of, {}).breaks == best.breaks


@METHODS
def test_sat_search_under_a_spread_rule_is_exact_below_the_number_of_participants(method):
    # Spread 0: everyone has the same number of breaks. With at most k < 5
    # breaks in all, someone has none, so everyone has none: impossible here,
    # so every k up to k_max = 4 is refuted, and 5 is indeed the optimum.
    inst = _crowded(spread=0)
    best = best_objective(inst)
    assert best is not None and best.breaks == 5
    search = _search(inst, k_max=4, method=method)
    assert (search.found, search.proved_lb) == (None, 5)


@METHODS
def test_sat_search_from_a_given_bound_starts_there(method):
    inst = _crowded()
    best = best_objective(inst)
    assert best is not None
    search = _search(inst, lb=best.breaks, method=method)
    assert (search.found_value, search.proved_lb) == (best.breaks, best.breaks)


@METHODS
def test_sat_search_with_nothing_to_search_ends_at_once(method):
    inst = _crowded()
    search = _search(inst, lb=3, k_max=2, wait=0.5, method=method)  # lb above k_max: nothing to try
    assert (search.found, search.found_value, search.proved_lb) == (None, None, 3)


def test_not_applicable_names_what_the_encoding_lacks():
    inst = _crowded()
    assert satbreaks.not_applicable(SchedulingModel(inst).build()) is None
    optional = instance(slots(2), tables(1), people("a", "b"), [meeting("m1", "a", "b")])
    assert satbreaks.not_applicable(SchedulingModel(optional).build()) == "optional meetings"
    ws = [workshop("w1", ["s1"], ["a"], {})]
    with_ws = instance(
        slots(2), tables(1), people("a", "b"), [meeting("m1", "a", "b", required=True)], ws
    )
    assert satbreaks.not_applicable(SchedulingModel(with_ws).build()) == "workshops"


def _worker(job: dict) -> list[tuple[str, int, list[int]]]:
    worker = Path(satbreaks.__file__).with_name("satworker.py")
    out = subprocess.run(
        [sys.executable, "-I", str(worker)],
        input=pickle.dumps(job),
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    return list(satbreaks.messages(io.BytesIO(out)))


def test_worker_answers_each_k_until_the_first_schedule():
    # x1 or x2; "at most k" literals 3 (k = 0) and 4 (k = 1): k = 0 refuted, k = 1 holds.
    job = {
        "solver": satbreaks.SOLVER,
        "clauses": [[1, 2], [-1, -2], [3, 1], [3, 2], [-1, 4]],
        "assumptions": [(0, -3), (1, 4)],
        "report": [1, 2],
        "cpu_limit_s": 5,
    }
    messages = _worker(job)
    assert messages[0] == ("unsat", 0, [])
    kind, k, true = messages[1]
    assert (kind, k, len(true)) == ("sat", 1, 1)
    assert len(messages) == 2


# x1 or x2 (exactly one); x1 costs break 3, x2 costs breaks 4 and 5: optimum 1 with x1.
_MAXSAT = {
    "solver": satbreaks.SOLVER,
    "method": "maxsat",
    "clauses": [[1, 2], [-1, -2], [-1, 3], [-2, 4], [-2, 5]],
    "soft": [3, 4, 5],
    "report": [1, 2],
    "cpu_limit_s": 5,
}


@pytest.mark.parametrize(
    ("lb", "k_max", "expected"),
    [
        (0, 5, [("unsat", 0, []), ("sat", 1, [1])]),  # each core refutes one k, then the optimum
        (1, 5, [("sat", 1, [1])]),  # k below the given bound are not repeated
        (0, 0, [("unsat", 0, [])]),  # an optimum above k_max is not sent (spread rule)
    ],
)
def test_maxsat_worker_reports_each_refuted_k_then_the_optimum(lb, k_max, expected):
    assert _worker({**_MAXSAT, "lb": lb, "k_max": k_max}) == expected


def test_maxsat_worker_without_any_schedule_refutes_every_k_up_to_k_max():
    job = {**_MAXSAT, "clauses": [*_MAXSAT["clauses"], [-1], [-2]], "lb": 1, "k_max": 3}
    assert _worker(job) == [("unsat", k, []) for k in (1, 2, 3)]


def test_solve_with_sat_breaks_on_and_off_reaches_the_same_optimum():
    inst = _crowded()
    best = best_objective(inst)
    assert best is not None
    for options in (
        {"model_probe_count": 0},
        {"model_probe_count": 0, "model_sat_method": "lsu"},
        {},  # probes and the SAT search side by side
        {"model_sat_breaks": False},
    ):
        res = solve(inst, time_limit=10.0, options=options)
        assert violations(inst, res) == []
        assert validate(inst, res).ok
        assert res.status == Status.OPTIMAL
        assert res.objective is not None and res.objective.breaks == best.breaks
        assert res.bound.breaks == best.breaks


def test_solve_takes_the_sat_schedule_when_cp_sat_stops_short():
    # Probes off, a start with breaks, and CP-SAT allowed no conflict at all:
    # the stage waits for the SAT search, whose schedule is the optimum.
    inst = _crowded()
    best = best_objective(inst)
    assert best is not None
    hint = {"m1": ("a1", "T1"), "m2": ("a3", "T1"), "m4": ("a2", "T1")}
    hint |= {"m3": ("p1", "T1"), "m5": ("p3", "T1"), "m6": ("p2", "T1")}
    res = solve(
        inst,
        time_limit=10.0,
        hint=hint,
        options={"model_probe_count": 0, "max_number_of_conflicts": 0},
    )
    assert validate(inst, res).ok
    assert res.stats["breaks_sat_lower_bound"] == best.breaks
    assert res.stats["breaks_found_by"] == "sat"
    assert res.status == Status.OPTIMAL
    assert res.objective is not None and res.objective.breaks == best.breaks


@pytest.mark.skipif(not B2B.is_dir(), reason=f"shared benchmarks absent: {B2B}")
def test_stop_ends_a_running_search_and_its_process(monkeypatch):
    raised = []  # exceptions of the reader thread (pytest would only warn)
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    inst = load_instance(B2B / "forum-13crafb.json")
    sm = SchedulingModel(inst).build()
    search = satbreaks.SatSearch(satbreaks.encode(sm, 8), 6, "lsu").start(8)
    assert not search.wait(1.0)  # k = 6 takes CaDiCaL far longer than a second
    search.stop()
    assert search._process is not None and search._process.poll() is not None
    assert search.found is None
    assert search._reader is not None and not search._reader.is_alive()
    assert raised == []


def test_a_child_that_cannot_run_leaves_cp_sat_alone(monkeypatch):
    # e.g. a server whose sys.executable is not a Python interpreter
    monkeypatch.setattr(sys, "executable", "/bin/false")
    inst = _crowded()
    search = _search(inst, wait=10.0)
    assert (search.found, search.proved_lb) == (None, 0)
    best = best_objective(inst)
    assert best is not None
    res = solve(inst, time_limit=10.0, options={"model_probe_count": 0})
    assert validate(inst, res).ok
    assert res.status == Status.OPTIMAL
    assert res.objective is not None and res.objective.breaks == best.breaks
    assert "breaks_found_by" not in res.stats


def test_an_unknown_sat_method_is_named():
    with pytest.raises(ValueError, match="model_sat_method"):
        solve(_crowded(), time_limit=5.0, options={"model_sat_method": "walksat"})


def _with_workshop() -> Instance:
    """Optional meetings and a workshop (s3: c1, and c2 if seated); all can be held."""
    parts = people("b", "c1", "c2", "c3")
    ms = [
        meeting("m1", "b", "c1", weight=2),
        meeting("m2", "b", "c2", weight=2),
        meeting("m3", "b", "c3", weight=2),
        meeting("m4", "c2", "c3", weight=2),
    ]
    ws = [workshop("w", ["s3"], ["c1"], {"c2": 1})]
    return instance(slots(5, day="d1"), tables(2), parts, ms, ws)


def test_held_set_search_improves_the_breaks_of_an_event_with_optional_meetings():
    # A start with 3 breaks (b, c1, c3 each wait once) and CP-SAT stopped after
    # presolve: the better schedule can only come from the held-set search, which
    # keeps the same meetings and seats (so the same weight).
    inst = _with_workshop()
    best = best_objective(inst)
    assert best is not None and best.weight == 9  # every meeting and the seat
    hint = {"m1": ("s1", "T1"), "m3": ("s2", "T1"), "m4": ("s4", "T1"), "m2": ("s5", "T1")}
    start = evaluate(inst, {m: s for m, (s, _) in hint.items()}, {"w": ["c1", "c2"]})
    assert start.breaks == 3 > best.breaks
    options = {"model_probe_count": 0, "stop_after_presolve": True}
    alone = solve(inst, time_limit=10.0, hint=hint, options={**options, "model_sat_breaks": False})
    assert alone.objective == start  # CP-SAT alone keeps the start here
    res = solve(inst, time_limit=10.0, hint=hint, options=options)
    assert violations(inst, res) == []
    assert validate(inst, res).ok
    assert res.stats["breaks_sat_held"] == 1
    assert res.stats["breaks_found_by"] == "sat"
    assert res.objective == best
    seated = {p for w in res.workshops for p in w.participants}
    assert seated == {"c1", "c2"}
    # Its optimum for the held set is 0 here: the trivial bound proves it.
    assert res.status == Status.OPTIMAL and res.bound.breaks == 0


def test_held_set_encoding_closes_workshop_slots_and_leaves_out_other_meetings():
    inst = _with_workshop()
    sm = SchedulingModel(inst).build()
    s3 = sm.slot_index["s3"]
    enc = satbreaks.encode(sm, None, held={"m1", "m2", "m4"}, attending={"c1": {s3}, "c2": {s3}})
    assert {mid for mid, _ in enc.x} == {"m1", "m2", "m4"}
    search = satbreaks.SatSearch(enc, 0, exact=False).start(len(inst.participants) - 1)
    try:
        assert search.wait(20.0)
    finally:
        search.stop()
    assert search.found is not None and set(search.found) == {"m1", "m2", "m4"}
    assert all(search.found[m] != s3 for m in ("m1", "m2", "m4"))  # c1, c2 are in the workshop
    slot_of = {mid: inst.slots[t].id for mid, t in search.found.items()}
    assert evaluate(inst, slot_of, {"w": ["c1", "c2"]}).breaks == search.found_value == 0


def test_a_held_set_refutation_is_no_bound():
    # a may hold two meetings: r (required, only s1) and one of m1 / m2 (same weight).
    # With m1 (b only free in s3) a waits in s2; with m2 (c only free in s2) no one
    # waits. From a start holding m1, the held-set search proves "1 break" for
    # that set only: the result must not claim it as the event's bound.
    parts = [
        Participant("a", max_meetings=2),
        Participant("b", unavailable=frozenset({"s1", "s2"})),
        Participant("c", unavailable=frozenset({"s1", "s3"})),
        Participant("d", unavailable=frozenset({"s2", "s3"})),
    ]
    ms = [
        meeting("r", "a", "d", required=True),
        meeting("m1", "a", "b", weight=1),
        meeting("m2", "a", "c", weight=1),
    ]
    inst = instance(slots(3, day="d1"), tables(1), parts, ms)
    best = best_objective(inst)
    assert best is not None and (best.weight, best.breaks) == (1, 0)
    hint = {"r": ("s1", "T1"), "m1": ("s3", "T1")}
    options = {"model_probe_count": 0, "stop_after_presolve": True}
    res = solve(inst, time_limit=10.0, hint=hint, options=options)
    assert validate(inst, res).ok
    assert res.stats["breaks_sat_held"] == 1
    assert res.stats["breaks_sat_lower_bound"] == 1  # k = 0 refuted, for {r, m1} only
    assert res.objective is not None and res.objective.breaks == 1
    assert res.bound.breaks in (None, 0)
    assert res.status == Status.FEASIBLE
