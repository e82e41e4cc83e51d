"""Selection run: choose applications that maximise total score under capacity and quotas.

Model (CP-SAT, see docs/MATCHING.md): one boolean x_a per application.

    maximise   sum_a (M * score_a + tiebreak_a) * x_a
    subject to sum_a meetings_a * x_a <= slots * tables           (event capacity)
               sum_{a asks b} x_a <= per_buyer                    (optional, per buyer)
               den_q * sum_{a in q} x_a >= num_q * sum_a x_a      (quota q: share num_q/den_q)
               x_a = 1 for forced selections, x_a = 0 for forced refusals and negative scores

Scores are in hundredths; `tiebreak_a` (n - rank index) is smaller in total than one
hundredth of score, so it only orders equal-score sets, preferring better-ranked
applications: the same input always gives the same selection. The solver runs with one
worker and a fixed seed.

The run is solved twice, without and with quotas, so that every decision can say whether
the quota changed it ("selected to meet the ESS quota", "waitlisted: place given up to
meet the quota") and so that a quota that can only be met by leaving places empty is
reported, never silently applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from ortools.sat.python import cp_model

from app.matching.errors import MatchingError
from app.matching.i18n import Lang, format_number, format_share, render
from app.matching.score import Answer, Interest, Score, Wish


class Status(StrEnum):
    """Outcome of an application."""

    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"


@dataclass(frozen=True)
class Capacity:
    """How many meetings the event can hold."""

    slots: int
    tables: int
    per_buyer: int | None = None  # at most this many selected companies asking one buyer

    @property
    def meetings(self) -> int:
        """Meetings that fit: slots × tables."""
        return self.slots * self.tables


@dataclass(frozen=True)
class Quota:
    """At least `min_share` of the selected applications have one of `flags`
    (see `score.company_flags`: ess, siae, small, local, first_time)."""

    name: str
    flags: frozenset[str]
    min_share: Decimal


@dataclass(frozen=True)
class RequestWeights:
    """Weights of meeting requests for the scheduler (integers, as in the instance format)."""

    must: int = 5
    want: int = 3
    maybe: int = 1
    invitation: int = 3  # buyer invited a company that made no wish
    mutual_bonus: int = 2  # company wished and buyer answered yes

    def for_wish(self, wish: Wish) -> int:
        """Weight of a wish level."""
        return {Wish.MUST: self.must, Wish.WANT: self.want, Wish.MAYBE: self.maybe}[wish]


@dataclass(frozen=True)
class SelectionConfig:
    """Organiser's settings of one selection run."""

    capacity: Capacity
    quotas: tuple[Quota, ...] = ()
    weights: RequestWeights = field(default_factory=RequestWeights)
    forced_selected: frozenset[int] = frozenset()  # application ids chosen by hand
    forced_declined: frozenset[int] = frozenset()
    on_quota_shortfall: Literal["raise", "report"] = "raise"
    time_limit_s: float = 10.0
    seed: int = 0


@dataclass(frozen=True)
class Application:
    """A company's application: its score (see `Scorer.application_score`), its wishes and
    the buyers' answers, and its flags for quotas."""

    id: int
    company_id: int
    score: Score
    interests: tuple[Interest, ...] = ()
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MeetingRequest:
    """One company–buyer meeting to schedule, with its weight."""

    application_id: int
    company_id: int
    buyer_id: int
    need_ids: tuple[int, ...]
    wish: Wish | None
    mutual: bool
    weight: int


@dataclass(frozen=True)
class Decision:
    """What the run decided for one application, and why."""

    application_id: int
    status: Status
    rank: int  # 1 = best score
    score: Decimal
    reason: str  # message code
    reason_params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: Lang = "fr") -> str:
        """E.g. « sélectionnée : score 2,4, rang 3 » / 'selected: score 2.4, rank 3'."""
        params = dict(self.reason_params)
        params["score"] = format_number(self.score, lang)
        params["rank"] = str(self.rank)
        return render(self.reason, params, lang)


@dataclass(frozen=True)
class QuotaShortfall:
    """A quota that cannot be met without leaving places empty."""

    name: str
    min_share: Decimal
    selectable: int  # applications selected without the quota
    needed: int  # ceil(min_share × selectable)
    eligible: int  # applications having one of the quota's flags
    shortfall: int  # needed - eligible

    def message(self, lang: Lang = "fr") -> str:
        """E.g. « quota « ESS » impossible à atteindre : 30 % des 10 … (il en manque 2) »."""
        return render(
            "quota_shortfall",
            {
                "quota": self.name,
                "share": format_share(self.min_share, lang),
                "selected": str(self.selectable),
                "needed": str(self.needed),
                "eligible": str(self.eligible),
                "shortfall": str(self.shortfall),
            },
            lang,
        )


@dataclass(frozen=True)
class QuotaOutcome:
    """How a quota came out in the selection."""

    name: str
    min_share: Decimal
    flagged_selected: int
    selected: int

    @property
    def met(self) -> bool:
        """Whether the share is reached (an empty selection meets every quota)."""
        return self.flagged_selected >= self.min_share * self.selected


@dataclass(frozen=True)
class SelectionResult:
    """Decisions in rank order, meeting requests of the selected, and quota outcomes."""

    decisions: tuple[Decision, ...]
    requests: tuple[MeetingRequest, ...]
    total_score: Decimal
    meetings_used: int
    meetings_capacity: int
    quotas: tuple[QuotaOutcome, ...]
    shortfalls: tuple[QuotaShortfall, ...]
    optimal: bool  # False when the time limit stopped the solver before a proof
    # The same run without quotas, to show what the quotas cost (places and points).
    unconstrained_selected: int
    unconstrained_total: Decimal

    def decision(self, application_id: int) -> Decision:
        """The decision about one application."""
        return next(d for d in self.decisions if d.application_id == application_id)


class SelectionError(MatchingError):
    """The selection run cannot honour the organiser's settings."""


class QuotaShortfallError(SelectionError):
    """Quotas could only be met by leaving places empty; `shortfalls` says by how much."""

    def __init__(self, shortfalls: tuple[QuotaShortfall, ...]) -> None:
        self.shortfalls = shortfalls
        super().__init__("; ".join(s.message("en") for s in shortfalls))


class SelectionInfeasible(SelectionError):
    """No selection satisfies capacity, quotas and the forced choices together."""


def meeting_requests(application: Application, weights: RequestWeights) -> list[MeetingRequest]:
    """The meetings an application asks for, one per buyer, strongest wish first in weight.

    A buyer whose best answer is "no" gets no request; a buyer's "yes" without a wish is an
    invitation; a wish answered "yes" is mutual and gets the bonus.
    """
    by_buyer: dict[int, list[Interest]] = {}
    for interest in application.interests:
        by_buyer.setdefault(interest.buyer_id, []).append(interest)
    requests: list[MeetingRequest] = []
    for buyer_id in sorted(by_buyer):
        interests = by_buyer[buyer_id]
        wishes = {i.wish for i in interests if i.wish is not None}
        answers = {i.answer for i in interests if i.answer is not None}
        wish = next((w for w in (Wish.MUST, Wish.WANT, Wish.MAYBE) if w in wishes), None)
        if answers and Answer.YES not in answers and Answer.MAYBE not in answers:
            continue  # the buyer said no
        mutual = wish is not None and Answer.YES in answers
        if wish is not None:
            weight = weights.for_wish(wish) + (weights.mutual_bonus if mutual else 0)
        elif Answer.YES in answers:
            weight = weights.invitation
        else:
            continue  # nobody asked for this meeting
        need_ids = tuple(sorted({i.need_id for i in interests if i.need_id is not None}))
        requests.append(
            MeetingRequest(
                application.id, application.company_id, buyer_id, need_ids, wish, mutual, weight
            )
        )
    return requests


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(ROUND_HALF_UP))


def _in_quota(application: Application, quota: Quota) -> bool:
    return bool(application.flags & quota.flags)


def _solve(
    apps: Sequence[Application],
    meetings: dict[int, int],
    asks: dict[int, set[int]],
    order: dict[int, int],
    config: SelectionConfig,
    quotas: Iterable[Quota],
) -> tuple[set[int], bool]:
    """Selected application ids and whether optimality was proved."""
    model = cp_model.CpModel()
    x = {a.id: model.new_bool_var(f"x_{a.id}") for a in apps}
    capacity = config.capacity
    model.add(sum(meetings[a.id] * x[a.id] for a in apps) <= capacity.meetings)
    if capacity.per_buyer is not None:
        for buyer in sorted({b for a in apps for b in asks[a.id]}):
            model.add(sum(x[a.id] for a in apps if buyer in asks[a.id]) <= capacity.per_buyer)
    for quota in quotas:
        share = Fraction(quota.min_share)
        flagged = sum(x[a.id] for a in apps if _in_quota(a, quota))
        model.add(share.denominator * flagged >= share.numerator * sum(x.values()))
    for a in apps:
        if a.id in config.forced_selected:
            model.add(x[a.id] == 1)
        elif a.score.total < 0:
            model.add(x[a.id] == 0)  # a negative score means the meeting was refused
    n = len(apps)
    big = n * (n + 1) // 2 + 1  # all tie-breaks together weigh less than one hundredth
    model.maximize(sum((big * _cents(a.score.total) + n - order[a.id]) * x[a.id] for a in apps))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = config.seed
    solver.parameters.max_time_in_seconds = config.time_limit_s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SelectionInfeasible(
            "no selection satisfies capacity, quotas and the organiser's forced choices"
            if status == cp_model.INFEASIBLE
            else "no selection found within the time limit"
        )
    return {a.id for a in apps if solver.boolean_value(x[a.id])}, status == cp_model.OPTIMAL


def run_selection(applications: Sequence[Application], config: SelectionConfig) -> SelectionResult:
    """Select, waitlist or decline every application, with reasons and meeting requests.

    Raises QuotaShortfallError when a quota can only be met by leaving places empty (unless
    `config.on_quota_shortfall == "report"`: then the quota-constrained selection is returned
    with `shortfalls` filled), and SelectionInfeasible when forced choices break the limits.
    """
    ids = [a.id for a in applications]
    if len(set(ids)) != len(ids):
        raise SelectionError("application ids must be unique")
    ranked = sorted(applications, key=lambda a: (-a.score.total, a.id))
    rank = {a.id: i + 1 for i, a in enumerate(ranked)}
    requests = {a.id: meeting_requests(a, config.weights) for a in applications}
    meetings = {a.id: min(len(requests[a.id]), config.capacity.slots) for a in applications}
    asks = {a.id: {r.buyer_id for r in requests[a.id]} for a in applications}
    candidates = [
        a
        for a in ranked
        if a.id not in config.forced_declined
        and (meetings[a.id] > 0 or a.id in config.forced_selected)
    ]
    order = {a.id: i for i, a in enumerate(candidates)}

    free, _ = _solve(candidates, meetings, asks, order, config, ())
    optimal = True
    if config.quotas:
        chosen, optimal = _solve(candidates, meetings, asks, order, config, config.quotas)
    else:
        chosen = free
    shortfalls = _shortfalls(candidates, free, chosen, config)
    if shortfalls and config.on_quota_shortfall == "raise":
        raise QuotaShortfallError(shortfalls)

    decisions = [_decide(a, rank[a.id], chosen, free, meetings, config) for a in ranked]
    selected_requests = tuple(r for a in ranked if a.id in chosen for r in requests[a.id])
    outcomes = tuple(
        QuotaOutcome(
            q.name,
            q.min_share,
            sum(1 for a in candidates if a.id in chosen and _in_quota(a, q)),
            len(chosen),
        )
        for q in config.quotas
    )
    return SelectionResult(
        decisions=tuple(decisions),
        requests=selected_requests,
        total_score=sum((a.score.total for a in ranked if a.id in chosen), Decimal(0)),
        meetings_used=sum(meetings[i] for i in chosen),
        meetings_capacity=config.capacity.meetings,
        quotas=outcomes,
        shortfalls=shortfalls,
        optimal=optimal,
        unconstrained_selected=len(free),
        unconstrained_total=sum((a.score.total for a in ranked if a.id in free), Decimal(0)),
    )


def _shortfalls(
    candidates: Sequence[Application], free: set[int], chosen: set[int], config: SelectionConfig
) -> tuple[QuotaShortfall, ...]:
    """Quotas whose eligible pool is exhausted while the quota shrank the selection."""
    if len(chosen) >= len(free):
        return ()
    found: list[QuotaShortfall] = []
    for quota in config.quotas:
        eligible = [a.id for a in candidates if _in_quota(a, quota) and a.score.total >= 0]
        if all(i in chosen for i in eligible):
            needed = math.ceil(Fraction(quota.min_share) * len(free))
            if needed > len(eligible):
                found.append(
                    QuotaShortfall(
                        quota.name,
                        quota.min_share,
                        len(free),
                        needed,
                        len(eligible),
                        needed - len(eligible),
                    )
                )
    return tuple(found)


def _decide(
    app: Application,
    rank: int,
    chosen: set[int],
    free: set[int],
    meetings: dict[int, int],
    config: SelectionConfig,
) -> Decision:
    def decision(status: Status, reason: str, quota: str | None = None) -> Decision:
        params = (("quota", quota),) if quota is not None else ()
        return Decision(app.id, status, rank, app.score.total, reason, params)

    if app.id in config.forced_declined:
        return decision(Status.DECLINED, "declined_forced")
    if app.id in config.forced_selected:
        return decision(Status.SELECTED, "selected_forced")
    if meetings[app.id] == 0:
        return decision(Status.DECLINED, "declined_no_meeting")
    if app.id in chosen:
        if app.id not in free:
            quota = next((q.name for q in config.quotas if _in_quota(app, q)), None)
            if quota is not None:
                return decision(Status.SELECTED, "selected_for_quota", quota)
        return decision(Status.SELECTED, "selected")
    if app.score.total < 0:
        return decision(Status.DECLINED, "declined_score")
    if app.id in free:
        quota = next((q.name for q in config.quotas if not _in_quota(app, q)), None)
        if quota is not None:
            return decision(Status.WAITLISTED, "waitlisted_quota", quota)
    return decision(Status.WAITLISTED, "waitlisted_capacity")
