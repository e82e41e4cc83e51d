"""The fairness-first start and the engine's choice among model, greedy and fair start."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings

from app.scheduling import engine
from app.scheduling.engine import schedule
from app.scheduling.explain import diagnose_infeasible
from app.scheduling.fairstart import better, fair_start, level_key
from app.scheduling.greedy import greedy
from app.scheduling.io import parse_instance
from app.scheduling.types import (
    Instance,
    Objective,
    Result,
    ScheduledMeeting,
    Status,
    Unscheduled,
)
from app.scheduling.validate import validate

from .builders import instance, meetings
from .strategies import instance_data

FAST = {"time_limit": 3.0, "workers": 1, "seed": 0}


def _crowded(**changes: object) -> Instance:
    """One slot, two buyers, two companies that each need a meeting.

    First-fit places the heavy c1-b1 first, which leaves c2 (who only asked
    b1) without a meeting; giving c1 the light b2 and c2 the buyer b1 serves both.
    """
    data: dict[str, object] = {
        "slots": [{"id": "s1"}],
        "participants": [
            {"id": "b1"},
            {"id": "b2"},
            {"id": "c1", "min_meetings": 1},
            {"id": "c2", "min_meetings": 1},
        ],
        "meetings": meetings(
            {"participants": ["b1", "c1"], "weight": 5},
            {"participants": ["b2", "c1"], "weight": 1},
            {"participants": ["b1", "c2"], "weight": 1},
        ),
    }
    data.update(changes)
    return instance(**data)


def _capped() -> Instance:
    """Two slots, but buyer b1 may hold one meeting only (its cap, not the slots, binds)."""
    return _crowded(
        slots=[{"id": "s1"}, {"id": "s2"}],
        participants=[
            {"id": "b1", "max_meetings": 1},
            {"id": "b2"},
            {"id": "c1", "min_meetings": 1},
            {"id": "c2", "min_meetings": 1},
        ],
    )


def _placed(res: Result) -> set[str]:
    return {m.id for m in res.meetings}


def test_greedy_leaves_a_company_without_meeting_on_crowded_slot() -> None:
    res = greedy(_crowded())
    assert res.objective == Objective(shortfall=1, weight=5, breaks=0)


def test_fair_start_gives_every_company_a_meeting_on_crowded_slot() -> None:
    inst = _crowded()
    res = fair_start(inst)
    assert res.status is Status.FEASIBLE
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert _placed(res) == {"m2", "m3"}
    assert validate(inst, res).ok


def test_fair_start_respects_the_buyer_cap_and_reaches_shortfall_zero() -> None:
    inst = _capped()
    assert greedy(inst).objective == Objective(shortfall=1, weight=6, breaks=0)
    res = fair_start(inst)
    assert res.status is Status.FEASIBLE
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert _placed(res) == {"m2", "m3"}


def test_fair_start_respects_unavailability_of_the_company() -> None:
    # c2 is away in s1, so it can only meet b1 in s2; the flow must pick that slot.
    inst = _crowded(
        slots=[{"id": "s1"}, {"id": "s2"}],
        participants=[
            {"id": "b1", "max_meetings": 1},
            {"id": "b2", "unavailable": ["s2"]},
            {"id": "c1", "min_meetings": 1},
            {"id": "c2", "min_meetings": 1, "unavailable": ["s1"]},
        ],
    )
    res = fair_start(inst)
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert {(m.id, m.slot) for m in res.meetings} == {("m2", "s1"), ("m3", "s2")}


def test_fair_start_keeps_required_meetings_of_the_base() -> None:
    # m1 is required: it stays, so c2 cannot meet b1 in the only slot (shortfall 1).
    inst = _crowded(
        meetings=meetings(
            {"participants": ["b1", "c1"], "weight": 5, "required": True},
            {"participants": ["b2", "c1"], "weight": 1},
            {"participants": ["b1", "c2"], "weight": 1},
        )
    )
    res = fair_start(inst)
    assert res.status is Status.FEASIBLE
    assert _placed(res) == {"m1"}
    assert res.objective == Objective(shortfall=1, weight=0, breaks=0)


def test_level_key_orders_shortfall_then_weight_then_breaks() -> None:
    keys = sorted(
        [Objective(1, 9, 0), Objective(0, 2, 5), Objective(0, 3, 9), Objective(0, 3, 1)],
        key=level_key,
    )
    assert keys == [Objective(0, 3, 1), Objective(0, 3, 9), Objective(0, 2, 5), Objective(1, 9, 0)]


def test_better_is_strict_and_prefers_a_result_with_an_objective() -> None:
    a = Result("x", Status.FEASIBLE, objective=Objective(0, 2, 0))
    b = Result("x", Status.FEASIBLE, objective=Objective(1, 5, 0))
    none = Result("x", Status.UNKNOWN)
    assert (better(a, b), better(b, a), better(a, a)) == (True, False, False)
    assert (better(a, none), better(none, a)) == (True, False)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(instance_data())
def test_fair_start_any_generated_instance_passes_validator(data: dict[str, object]) -> None:
    inst = parse_instance(data, "generated.json")
    # As in the engine: an instance the pre-check answers (e.g. a workshop member
    # unavailable in its slot) never reaches the fair start.
    assume(diagnose_infeasible(inst) is None)
    res = fair_start(inst)
    report = validate(inst, res)
    # UNKNOWN results are only checked on conflict rules; FEASIBLE ones on every rule.
    assert report.violations == ()
    assert res.objective == report.objective
    listed = sorted([m.id for m in res.meetings] + [u.id for u in res.unscheduled])
    assert listed == sorted(m.id for m in inst.meetings)
    complete = validate(inst, replace(res, status=Status.FEASIBLE))
    assert (res.status is Status.FEASIBLE) == complete.ok


def _nothing(inst: Instance, **kwargs: object) -> Result:
    return Result(
        instance=inst.name,
        status=Status.UNKNOWN,
        unscheduled=tuple(Unscheduled(m.id, "") for m in inst.meetings),
        reason="no schedule found within the time limit",
    )


def test_schedule_returns_fair_start_when_model_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine.model, "solve", _nothing)
    inst = _crowded()
    res = schedule(inst, **FAST)
    assert res.status is Status.FEASIBLE
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert res.stats["solver"] == "fair start (model found no schedule in time)"
    assert res.stats["candidate"] == "fair start"
    assert res.stats["hint_from"] == "fair start"
    assert res.reason is None


def test_schedule_returns_fair_start_when_model_result_is_worse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def first_fit(inst: Instance, **kwargs: object) -> Result:
        # A valid but worse schedule (the greedy's: c2 without a meeting), claimed FEASIBLE.
        return replace(greedy(inst), stats={"solver": "fake"})

    monkeypatch.setattr(engine.model, "solve", first_fit)
    inst = _crowded()
    res = schedule(inst, **FAST)
    assert res.status is Status.FEASIBLE
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert res.stats["solver"] == "fair start (model's schedule was worse in the time given)"
    assert res.stats["greedy_shortfall"] == 1
    assert res.stats["fair_start_shortfall"] == 0


def test_schedule_keeps_the_model_result_when_it_is_at_least_as_good() -> None:
    inst = _crowded()
    res = schedule(inst, **FAST)
    assert res.status is Status.OPTIMAL
    assert res.objective == Objective(shortfall=0, weight=2, breaks=0)
    assert res.stats["candidate"] == "model"


def test_fair_start_keep_all_only_adds_to_the_base() -> None:
    inst = _crowded(slots=[{"id": "s1"}, {"id": "s2"}])
    base = fair_start(inst)  # any valid base will do: take a first schedule, then complete it
    previous = replace(
        base,
        meetings=tuple(m for m in base.meetings if m.id == "m1"),
        unscheduled=(Unscheduled("m2", ""), Unscheduled("m3", "")),
    )
    res = fair_start(inst, previous, keep_all=True)
    kept = {(m.id, m.slot, m.location) for m in previous.meetings}
    assert kept <= {(m.id, m.slot, m.location) for m in res.meetings}
    assert res.objective is not None and res.objective.shortfall == 0


def test_reoptimize_completes_the_previous_schedule_when_model_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The previous schedule held c1-b1 in s1 only; c2 (min_meetings 1) now needs b1,
    # free in s2. The engine adds that meeting and moves nothing.
    inst = _crowded(slots=[{"id": "s1"}, {"id": "s2"}])
    previous = Result(
        instance="tiny",
        status=Status.FEASIBLE,
        meetings=(ScheduledMeeting("m1", "s1", "T1"),),
        unscheduled=(Unscheduled("m2", ""), Unscheduled("m3", "")),
    )
    monkeypatch.setattr(engine.model, "solve", _nothing)
    res = engine.reoptimize(inst, previous, **FAST)
    assert res.status is Status.FEASIBLE
    assert res.stats["candidate"] == "fair start on previous"
    assert ScheduledMeeting("m1", "s1", "T1") in res.meetings
    assert res.objective is not None and res.objective.shortfall == 0
    assert res.stats["changed_meetings"] == len(res.meetings) - 1


def test_fair_start_keep_all_places_a_required_meeting_missing_from_the_base() -> None:
    inst = _crowded(
        slots=[{"id": "s1"}, {"id": "s2"}],
        meetings=meetings(
            {"participants": ["b1", "c1"], "weight": 5},
            {"participants": ["b2", "c1"], "weight": 1},
            {"participants": ["b1", "c2"], "weight": 1, "required": True},
        ),
    )
    previous = Result(
        instance="tiny",
        status=Status.FEASIBLE,
        meetings=(ScheduledMeeting("m1", "s1", "T1"),),
        unscheduled=(Unscheduled("m2", ""), Unscheduled("m3", "")),
    )
    res = fair_start(inst, previous, keep_all=True)
    assert res.status is Status.FEASIBLE
    assert {m.id: m.slot for m in res.meetings} == {"m1": "s1", "m2": "s2", "m3": "s2"}
    assert res.objective == Objective(shortfall=0, weight=6, breaks=0)
