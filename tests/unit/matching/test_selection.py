"""Selection runs: capacity, quotas changing the optimum, shortfalls, reasons, requests."""

from decimal import Decimal as D
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching.score import Answer, Interest, Score, ScorePart, Wish
from app.matching.selection import (
    Application,
    Capacity,
    MeetingRequest,
    Quota,
    QuotaShortfallError,
    RequestWeights,
    SelectionConfig,
    SelectionError,
    SelectionInfeasible,
    Status,
    meeting_requests,
    run_selection,
)

ESS_QUOTA = Quota("ESS ou petites entreprises", frozenset({"ess", "small"}), D("0.3"))


def app(app_id, score, buyers=(10,), flags=(), wish=Wish.WANT, answer=None):
    """An application of company 100+id asking to meet `buyers`, with a one-part score."""
    interests = tuple(Interest(100 + app_id, b, None, wish, answer) for b in buyers)
    return Application(
        app_id,
        100 + app_id,
        Score.of([ScorePart("mutual", D(score), (("buyer", "B"),))]),
        interests,
        frozenset(flags),
    )


def statuses(result):
    return [(d.application_id, d.status.value) for d in result.decisions]


def test_run_selection_without_quota_takes_best_scores_under_capacity():
    apps = [app(1, "3"), app(2, "2.5"), app(3, "2"), app(4, "1", flags=["ess"])]
    result = run_selection(apps, SelectionConfig(Capacity(slots=3, tables=1)))
    assert statuses(result) == [
        (1, "selected"),
        (2, "selected"),
        (3, "selected"),
        (4, "waitlisted"),
    ]
    assert result.decision(2).message("fr") == "sélectionnée\u202f: score 2,5, rang 2"
    assert result.decision(2).message("en") == "selected: score 2.5, rank 2"
    assert result.decision(4).message("en") == "waitlisted: capacity reached (score 1, rank 4)"
    assert (result.total_score, result.meetings_used, result.meetings_capacity) == (D("7.5"), 3, 3)
    assert result.optimal is True


def test_run_selection_quota_changes_who_is_selected():
    apps = [app(1, "3"), app(2, "2.5"), app(3, "2"), app(4, "1", flags=["ess"])]
    result = run_selection(apps, SelectionConfig(Capacity(3, 1), quotas=(ESS_QUOTA,)))
    assert statuses(result) == [
        (1, "selected"),
        (2, "selected"),
        (3, "waitlisted"),
        (4, "selected"),
    ]
    assert result.decision(4).message("en") == (
        "selected to meet the ESS ou petites entreprises quota: score 1, rank 4"
    )
    assert result.decision(3).message("fr") == (
        "liste d'attente\u202f: place cédée pour respecter le quota « ESS ou petites entreprises » "
        "(score 2, rang 3)"
    )
    assert result.total_score == D("6.5")
    assert (result.unconstrained_selected, result.unconstrained_total) == (3, D("7.5"))
    assert [(q.flagged_selected, q.selected, q.met) for q in result.quotas] == [(1, 3, True)]
    assert result.shortfalls == ()


def test_run_selection_unmeetable_quota_raises_with_shortfall():
    apps = [app(1, "3"), app(2, "2.5"), app(3, "2"), app(4, "1")]
    config = SelectionConfig(Capacity(3, 1), quotas=(ESS_QUOTA,))
    with pytest.raises(QuotaShortfallError) as info:
        run_selection(apps, config)
    (shortfall,) = info.value.shortfalls
    assert (shortfall.selectable, shortfall.needed, shortfall.eligible, shortfall.shortfall) == (
        3,
        1,
        0,
        1,
    )
    assert shortfall.message("fr") == (
        "quota « ESS ou petites entreprises » impossible à atteindre\u202f: "
        "30\u202f% des 3 entreprises "
        "sélectionnables = 1 nécessaires, seulement 0 candidatures éligibles (il en manque 1)"
    )


def test_run_selection_unmeetable_quota_can_be_reported_instead():
    apps = [app(1, "3"), app(2, "2.5"), app(3, "2", flags=["small"]), app(4, "1")]
    quota = Quota("ESS ou petites entreprises", frozenset({"ess", "small"}), D("0.5"))
    config = SelectionConfig(Capacity(3, 1), quotas=(quota,), on_quota_shortfall="report")
    result = run_selection(apps, config)
    # one eligible company: at 50 % only two companies can be selected
    assert statuses(result) == [
        (1, "selected"),
        (2, "waitlisted"),
        (3, "selected"),
        (4, "waitlisted"),
    ]
    assert [(s.needed, s.eligible, s.shortfall) for s in result.shortfalls] == [(2, 1, 1)]
    assert result.decision(2).reason == "waitlisted_quota"


def test_run_selection_counts_meetings_per_company():
    # capacity 3: {1 (2 meetings), 3} = 5.0 beats {2, 3, 4} = 4.5 and {1, 2} = 4.5
    apps = [app(1, "3.5", buyers=(10, 11)), app(2, "1"), app(3, "1.5"), app(4, "2")]
    result = run_selection(apps, SelectionConfig(Capacity(3, 1)))
    assert statuses(result) == [
        (1, "selected"),
        (4, "selected"),
        (3, "waitlisted"),
        (2, "waitlisted"),
    ]
    assert result.meetings_used == 3


def test_run_selection_per_buyer_limit():
    apps = [app(1, "3"), app(2, "2"), app(3, "1", buyers=(11,))]
    result = run_selection(apps, SelectionConfig(Capacity(3, 2, per_buyer=1)))
    assert statuses(result) == [(1, "selected"), (2, "waitlisted"), (3, "selected")]


def test_run_selection_forced_choices_no_meeting_and_negative_scores():
    apps = [
        app(1, "3"),
        app(2, "2"),
        app(3, "1"),
        app(4, "-0.7"),
        app(5, "4", answer=Answer.NO),
        app(6, "0.5"),
    ]
    config = SelectionConfig(
        Capacity(2, 1), forced_selected=frozenset({3}), forced_declined=frozenset({1})
    )
    result = run_selection(apps, config)
    assert statuses(result) == [
        (5, "declined"),
        (1, "declined"),
        (2, "selected"),
        (3, "selected"),
        (6, "waitlisted"),
        (4, "declined"),
    ]
    assert [result.decision(i).message("en") for i in (5, 1, 3, 4)] == [
        "declined: no meeting possible (no wish, or every buyer answered no)",
        "declined by the organiser",
        "selected by the organiser",
        "declined: negative score -0.7 (a buyer said no)",
    ]


def test_run_selection_forced_beyond_capacity_is_infeasible():
    apps = [app(1, "3"), app(2, "2")]
    with pytest.raises(SelectionInfeasible):
        run_selection(apps, SelectionConfig(Capacity(1, 1), forced_selected=frozenset({1, 2})))


def test_run_selection_ties_break_by_rank_and_repeat_identically():
    apps = [app(i, "1") for i in (5, 3, 8, 1)]
    config = SelectionConfig(Capacity(2, 1))
    first = run_selection(apps, config)
    assert statuses(first) == [
        (1, "selected"),
        (3, "selected"),
        (5, "waitlisted"),
        (8, "waitlisted"),
    ]
    assert run_selection(list(reversed(apps)), config) == first


def test_run_selection_rejects_duplicate_ids():
    with pytest.raises(SelectionError):
        run_selection([app(1, "1"), app(1, "2")], SelectionConfig(Capacity(2, 1)))


def test_meeting_requests_weights_from_wishes_answers_and_invitations():
    interests = (
        Interest(7, 10, 100, Wish.MUST, Answer.YES),  # mutual must: 5 + 2
        Interest(7, 10, 101, Wish.MAYBE, None),
        Interest(7, 11, None, Wish.WANT, None),  # 3
        Interest(7, 12, None, Wish.MAYBE, None),  # 1
        Interest(7, 13, None, None, Answer.YES),  # invitation: 3
        Interest(7, 14, None, Wish.MUST, Answer.NO),  # refused: no request
        Interest(7, 15, None, None, Answer.MAYBE),  # nobody asked: no request
    )
    application = Application(1, 7, Score.of([]), interests)
    assert meeting_requests(application, RequestWeights()) == [
        MeetingRequest(1, 7, 10, (100, 101), Wish.MUST, True, 7),
        MeetingRequest(1, 7, 11, (), Wish.WANT, False, 3),
        MeetingRequest(1, 7, 12, (), Wish.MAYBE, False, 1),
        MeetingRequest(1, 7, 13, (), None, False, 3),
    ]
    custom = RequestWeights(must=9, mutual_bonus=0)
    assert meeting_requests(application, custom)[0].weight == 9


def test_run_selection_returns_requests_of_selected_only():
    apps = [app(1, "2", buyers=(10, 11), wish=Wish.MUST), app(2, "1")]
    result = run_selection(apps, SelectionConfig(Capacity(2, 1)))
    assert [(r.application_id, r.buyer_id, r.weight) for r in result.requests] == [
        (1, 10, 5),
        (1, 11, 5),
    ]
    assert result.decision(2).status is Status.WAITLISTED


@st.composite
def instances(draw):
    n = draw(st.integers(1, 7))
    apps = []
    for i in range(1, n + 1):
        cents = draw(st.integers(-100, 400))
        buyers = tuple(range(10, 10 + draw(st.integers(0, 3))))
        flags = draw(st.sampled_from([(), ("ess",), ("small",)]))
        apps.append(app(i, str(D(cents) / 100), buyers=buyers, flags=flags))
    capacity = Capacity(slots=draw(st.integers(1, 4)), tables=draw(st.integers(1, 2)))
    share = draw(st.sampled_from([D("0"), D("0.3"), D("0.5")]))
    return apps, capacity, share


@settings(max_examples=60, deadline=None)
@given(instances())
def test_run_selection_matches_brute_force_optimum(instance):
    apps, capacity, share = instance
    quota = Quota("ESS", frozenset({"ess", "small"}), share)
    config = SelectionConfig(capacity, quotas=(quota,), on_quota_shortfall="report")
    result = run_selection(apps, config)
    meetings = {a.id: min(len({i.buyer_id for i in a.interests}), capacity.slots) for a in apps}
    pool = [a for a in apps if meetings[a.id] > 0 and a.score.total >= 0]

    def feasible(subset):
        flagged = sum(1 for a in subset if a.flags & quota.flags)
        return sum(meetings[a.id] for a in subset) <= capacity.meetings and flagged >= share * len(
            subset
        )

    best = max(
        sum((a.score.total for a in subset), D(0))
        for k in range(len(pool) + 1)
        for subset in combinations(pool, k)
        if feasible(subset)
    )
    chosen = [a for a in apps if result.decision(a.id).status is Status.SELECTED]
    assert feasible(chosen)
    assert result.total_score == best
