"""Explainable scores of company–need and company–buyer pairs, and suggestions.

A score is a sum of parts; each part carries a message code and parameters so that the
explanation can be shown in French or English and audited later. The formula (see
docs/MATCHING.md):

    score = CPV overlap (deepest shared level of the best code pair)
          + text weight × TF-IDF cosine(offer, need title + description)
          + wish points (must / want / maybe) + answer points (yes / maybe / no)
          + mutual-interest bonus (company wished and buyer answered yes)
          + organiser's SPASER priorities (ESS/SIAE, micro/PME, local, first time)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.matching.cpv import common_level, level_name, normalize_code
from app.matching.errors import MatchingError
from app.matching.i18n import LEVEL_NAMES, Lang, format_number, format_points, render
from app.matching.text import TextIndex

CENT = Decimal("0.01")


class ScoringError(MatchingError):
    """Inconsistent scoring input (unknown id, parts that do not add up)."""


class Size(StrEnum):
    """Company size category (INSEE / EU recommendation 2003/361)."""

    MICRO = "micro"
    PME = "pme"
    ETI = "eti"
    GE = "ge"


class Wish(StrEnum):
    """How much a company wants a meeting."""

    MUST = "must"
    WANT = "want"
    MAYBE = "maybe"


class Answer(StrEnum):
    """A buyer's answer to a company's request (or invitation when there is no request)."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True)
class Company:
    """What scoring needs to know of a company profile."""

    id: int
    name: str
    cpv_codes: tuple[str, ...] = ()
    offer: str = ""
    size: Size | None = None
    ess: bool = False
    siae: bool = False
    departement: str | None = None
    first_time: bool = False


@dataclass(frozen=True)
class Buyer:
    """A public buyer taking part in the event."""

    id: int
    name: str


@dataclass(frozen=True)
class Need:
    """A published purchasing need of a buyer."""

    id: int
    buyer_id: int
    title: str
    description: str = ""
    cpv_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interest:
    """A company's wish to meet a buyer (or one of its needs) and the buyer's answer.

    `wish=None` with `answer=YES` is an invitation by the buyer; `need_id=None` is a wish
    addressed to the buyer as a whole.
    """

    company_id: int
    buyer_id: int
    need_id: int | None = None
    wish: Wish | None = None
    answer: Answer | None = None


@dataclass(frozen=True)
class CpvWeights:
    """Points for the deepest CPV level shared by the best pair of codes."""

    division: Decimal = Decimal("0.1")
    group: Decimal = Decimal("0.2")
    class_: Decimal = Decimal("0.4")
    category: Decimal = Decimal("0.6")  # category (5 digits) or deeper

    def for_level(self, level: int) -> Decimal:
        """Points for a shared depth (0 -> nothing)."""
        if level < 2:
            return Decimal(0)
        return {2: self.division, 3: self.group, 4: self.class_}.get(level, self.category)


@dataclass(frozen=True)
class Priorities:
    """The organiser's SPASER priorities (schéma de promotion des achats socialement et
    écologiquement responsables): points added to every pair of a company that qualifies."""

    ess: Decimal = Decimal("0.2")  # ESS or SIAE
    small: Decimal = Decimal("0.1")  # micro-enterprise or PME
    local: Decimal = Decimal("0.1")  # département in `local_departements`
    first_time: Decimal = Decimal("0.1")
    local_departements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScoringConfig:
    """Every weight of the formula; the defaults are argued in docs/MATCHING.md."""

    cpv: CpvWeights = field(default_factory=CpvWeights)
    text: Decimal = Decimal("0.5")  # multiplied by the cosine similarity (0..1)
    wish_must: Decimal = Decimal("0.5")
    wish_want: Decimal = Decimal("0.3")
    wish_maybe: Decimal = Decimal("0.1")
    answer_yes: Decimal = Decimal("0.3")
    answer_maybe: Decimal = Decimal("0.1")
    answer_no: Decimal = Decimal("-1")
    invitation: Decimal = Decimal("0.3")  # buyer asks to meet a company that did not ask
    # Larger than every other part together can differ (2.2 - 0.4), so that a mutual pair
    # always ranks above a one-sided one with the default weights.
    mutual: Decimal = Decimal("2")
    priorities: Priorities = field(default_factory=Priorities)

    def wish_points(self, wish: Wish) -> Decimal:
        """Points of a wish level."""
        return {Wish.MUST: self.wish_must, Wish.WANT: self.wish_want, Wish.MAYBE: self.wish_maybe}[
            wish
        ]

    def answer_points(self, answer: Answer) -> Decimal:
        """Points of an answer."""
        return {
            Answer.YES: self.answer_yes,
            Answer.MAYBE: self.answer_maybe,
            Answer.NO: self.answer_no,
        }[answer]


DEFAULT_CONFIG = ScoringConfig()

# Parameters holding numbers, formatted per language at render time.
_NUMERIC_PARAMS = ("similarity", "score")
_WISH_NAMES = {
    Wish.MUST: ("indispensable", "must"),
    Wish.WANT: ("souhaité", "want"),
    Wish.MAYBE: ("éventuel", "maybe"),
}
_ANSWER_NAMES = {
    Answer.YES: ("oui", "yes"),
    Answer.MAYBE: ("peut-être", "maybe"),
    Answer.NO: ("non", "no"),
}
_SIZE_NAMES = {Size.MICRO: ("micro-entreprise", "micro-enterprise"), Size.PME: ("PME", "SME")}


@dataclass(frozen=True)
class ScorePart:
    """One explained contribution to a score."""

    code: str
    points: Decimal
    message_params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: Lang = "fr") -> str:
        """Human explanation, e.g. « L'entreprise relève de l'ESS : +0,2 (priorité …) »."""
        params = dict(self.message_params)
        for key in _NUMERIC_PARAMS:
            if key in params:
                params[key] = format_number(Decimal(params[key]), lang)
        params["points"] = format_points(self.points, lang)
        return render(self.code, params, lang)


@dataclass(frozen=True)
class Score:
    """A total and the parts it is the exact sum of."""

    total: Decimal
    parts: tuple[ScorePart, ...] = ()

    def __post_init__(self) -> None:
        if sum((p.points for p in self.parts), Decimal(0)) != self.total:
            raise ScoringError("score parts do not add up to the total")

    @classmethod
    def of(cls, parts: Iterable[ScorePart]) -> Score:
        """A score whose total is the sum of `parts` (zero-point parts are dropped)."""
        kept = tuple(p for p in parts if p.points != 0)
        return cls(sum((p.points for p in kept), Decimal(0)), kept)

    def messages(self, lang: Lang = "fr") -> list[str]:
        """One message per part, in order."""
        return [p.message(lang) for p in self.parts]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def company_flags(company: Company, priorities: Priorities | None = None) -> frozenset[str]:
    """Flags used by priorities and selection quotas: ess, siae, small, local, first_time.

    `ess` is set for SIAE too (insertion structures belong to the ESS); `local` needs the
    organiser's list of départements.
    """
    flags: set[str] = set()
    if company.ess or company.siae:
        flags.add("ess")
    if company.siae:
        flags.add("siae")
    if company.size in (Size.MICRO, Size.PME):
        flags.add("small")
    if (
        priorities is not None
        and company.departement is not None
        and company.departement in priorities.local_departements
    ):
        flags.add("local")
    if company.first_time:
        flags.add("first_time")
    return frozenset(flags)


def priority_parts(company: Company, priorities: Priorities) -> list[ScorePart]:
    """The SPASER priority parts of a company (same for all of its pairs)."""
    parts: list[ScorePart] = []
    flags = company_flags(company, priorities)
    if "ess" in flags:
        parts.append(
            ScorePart(
                "priority_siae" if company.siae and not company.ess else "priority_ess",
                priorities.ess,
            )
        )
    if "small" in flags and company.size is not None:
        fr, en = _SIZE_NAMES[company.size]
        parts.append(
            ScorePart("priority_small", priorities.small, (("size_fr", fr), ("size_en", en)))
        )
    if "local" in flags:
        parts.append(
            ScorePart(
                "priority_local", priorities.local, (("departement", company.departement or ""),)
            )
        )
    if "first_time" in flags:
        parts.append(ScorePart("priority_first_time", priorities.first_time))
    return parts


def _best_cpv(company: Company, need: Need) -> tuple[int, str, str]:
    """(depth, company code, need code) of the deepest shared level; codes in given order."""
    best = (0, "", "")
    for ours in company.cpv_codes:
        for theirs in need.cpv_codes:
            depth = common_level(ours, theirs)
            if depth > best[0]:
                best = (depth, normalize_code(ours)[0], normalize_code(theirs)[0])
    return best


def _strongest_wish(interests: Sequence[Interest]) -> Wish | None:
    order = [Wish.MUST, Wish.WANT, Wish.MAYBE]
    wishes = {i.wish for i in interests if i.wish is not None}
    return next((w for w in order if w in wishes), None)


def _best_answer(interests: Sequence[Interest]) -> Answer | None:
    order = [Answer.YES, Answer.MAYBE, Answer.NO]
    answers = {i.answer for i in interests if i.answer is not None}
    return next((a for a in order if a in answers), None)


class Scorer:
    """Scores every pair of one event; the TF-IDF model is fitted once on all its texts."""

    def __init__(
        self,
        companies: Iterable[Company],
        buyers: Iterable[Buyer],
        needs: Iterable[Need],
        interests: Iterable[Interest] = (),
        config: ScoringConfig = DEFAULT_CONFIG,
    ) -> None:
        self.config = config
        self.companies = {c.id: c for c in companies}
        self.buyers = {b.id: b for b in buyers}
        self.needs = {n.id: n for n in needs}
        self.needs_of: dict[int, list[Need]] = {b: [] for b in self.buyers}
        for need in sorted(self.needs.values(), key=lambda n: n.id):
            if need.buyer_id not in self.buyers:
                raise ScoringError(f"need {need.id} belongs to unknown buyer {need.buyer_id}")
            self.needs_of[need.buyer_id].append(need)
        self.interests: dict[tuple[int, int], list[Interest]] = {}
        for interest in interests:
            self.interests.setdefault((interest.company_id, interest.buyer_id), []).append(interest)
        documents = {f"c{c.id}": c.offer for c in self.companies.values()}
        documents.update({f"n{n.id}": f"{n.title}\n{n.description}" for n in self.needs.values()})
        self.text = TextIndex(documents)

    # -- relevance: what the company offers vs what the need asks -------------------------

    def _cpv_part(self, company: Company, needs: Sequence[Need]) -> ScorePart | None:
        best: tuple[int, str, str, Need] | None = None
        for need in needs:
            depth, ours, theirs = _best_cpv(company, need)
            if depth and (best is None or depth > best[0]):
                best = (depth, ours, theirs, need)
        if best is None:
            return None
        depth, ours, theirs, need = best
        fr, en = LEVEL_NAMES[level_name(depth)]
        return ScorePart(
            "cpv_match",
            self.config.cpv.for_level(depth),
            (
                ("code", ours),
                ("need_code", theirs),
                ("need", need.title),
                ("level", level_name(depth)),
                ("level_fr", fr),
                ("level_en", en),
            ),
        )

    def _text_part(self, company: Company, needs: Sequence[Need]) -> ScorePart | None:
        best: tuple[Decimal, Need] | None = None
        for need in needs:
            similarity = self.text.similarity(f"c{company.id}", f"n{need.id}")
            if similarity > 0 and (best is None or similarity > best[0]):
                best = (similarity, need)
        if best is None:
            return None
        similarity, need = best
        return ScorePart(
            "text_similarity",
            _cents(self.config.text * similarity),
            (("need", need.title), ("similarity", str(similarity))),
        )

    def _interest_parts(
        self, company: Company, buyer: Buyer, target: str, interests: Sequence[Interest]
    ) -> list[ScorePart]:
        parts: list[ScorePart] = []
        wish = _strongest_wish(interests)
        answer = _best_answer(interests)
        if wish is not None:
            fr, en = _WISH_NAMES[wish]
            parts.append(
                ScorePart(
                    "wish",
                    self.config.wish_points(wish),
                    (("target", target), ("wish", wish.value), ("wish_fr", fr), ("wish_en", en)),
                )
            )
        if answer is Answer.YES and wish is None:
            parts.append(ScorePart("invitation", self.config.invitation, (("buyer", buyer.name),)))
        elif answer is not None:
            fr, en = _ANSWER_NAMES[answer]
            parts.append(
                ScorePart(
                    "answer",
                    self.config.answer_points(answer),
                    (
                        ("buyer", buyer.name),
                        ("answer", answer.value),
                        ("answer_fr", fr),
                        ("answer_en", en),
                    ),
                )
            )
        if wish is not None and answer is Answer.YES:
            parts.append(ScorePart("mutual", self.config.mutual, (("buyer", buyer.name),)))
        return parts

    def _company(self, company_id: int) -> Company:
        try:
            return self.companies[company_id]
        except KeyError:
            raise ScoringError(f"unknown company {company_id}") from None

    def need_score(self, company_id: int, need_id: int, *, relevance_only: bool = False) -> Score:
        """Score of a company–need pair. A wish or answer about the need itself counts;
        failing that, one addressed to its buyer as a whole."""
        company = self._company(company_id)
        need = self.needs.get(need_id)
        if need is None:
            raise ScoringError(f"unknown need {need_id}")
        buyer = self.buyers[need.buyer_id]
        parts = [
            p
            for p in (self._cpv_part(company, [need]), self._text_part(company, [need]))
            if p is not None
        ]
        if not relevance_only:
            pair = self.interests.get((company.id, buyer.id), [])
            own = [i for i in pair if i.need_id == need.id]
            chosen = own or [i for i in pair if i.need_id is None]
            target = need.title if own else buyer.name
            parts += self._interest_parts(company, buyer, target, chosen)
            parts += priority_parts(company, self.config.priorities)
        return Score.of(parts)

    def buyer_score(self, company_id: int, buyer_id: int, *, relevance_only: bool = False) -> Score:
        """Score of a company–buyer pair: best CPV and text match over the buyer's needs,
        the strongest wish and best answer over all interests of the pair."""
        company = self._company(company_id)
        buyer = self.buyers.get(buyer_id)
        if buyer is None:
            raise ScoringError(f"unknown buyer {buyer_id}")
        needs = self.needs_of[buyer.id]
        parts = [
            p
            for p in (self._cpv_part(company, needs), self._text_part(company, needs))
            if p is not None
        ]
        if not relevance_only:
            interests = self.interests.get((company.id, buyer.id), [])
            parts += self._interest_parts(company, buyer, buyer.name, interests)
            parts += priority_parts(company, self.config.priorities)
        return Score.of(parts)

    def application_score(self, company_id: int, buyer_ids: Iterable[int]) -> Score:
        """Score of an application asking to meet `buyer_ids`: the sum of its pair scores
        without priorities, plus the company's priorities counted once.

        Summing the pairs makes the selection maximise the total value of the meetings it
        lets in; each part still names its buyer or need, so the sum stays explainable.
        """
        company = self._company(company_id)
        parts: list[ScorePart] = []
        for buyer_id in sorted(set(buyer_ids)):
            if buyer_id not in self.buyers:
                raise ScoringError(f"unknown buyer {buyer_id}")
            buyer = self.buyers[buyer_id]
            needs = self.needs_of[buyer_id]
            parts += [
                p
                for p in (self._cpv_part(company, needs), self._text_part(company, needs))
                if p is not None
            ]
            parts += self._interest_parts(
                company, buyer, buyer.name, self.interests.get((company.id, buyer_id), [])
            )
        parts += priority_parts(company, self.config.priorities)
        return Score.of(parts)


@dataclass(frozen=True)
class Suggestion:
    """A suggested counterpart (buyer id or company id) and why."""

    id: int
    score: Score


def _top(scored: list[Suggestion], k: int) -> list[Suggestion]:
    kept = [s for s in scored if s.score.total > 0]
    kept.sort(key=lambda s: (-s.score.total, s.id))
    return kept[:k]


def suggest_buyers(
    company: Company,
    buyers: Sequence[Buyer],
    needs: Sequence[Need],
    k: int,
    *,
    config: ScoringConfig = DEFAULT_CONFIG,
    exclude: frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """ "Buyers you may want to meet": the k most relevant buyers (CPV + text only; wishes,
    answers and priorities do not say what a company offers). Ties by id; zero scores out."""
    scorer = Scorer([company], buyers, needs, config=config)
    return _top(
        [
            Suggestion(b.id, scorer.buyer_score(company.id, b.id, relevance_only=True))
            for b in buyers
            if b.id not in exclude
        ],
        k,
    )


def suggest_companies(
    buyer: Buyer,
    companies: Sequence[Company],
    needs: Sequence[Need],
    k: int,
    *,
    config: ScoringConfig = DEFAULT_CONFIG,
    exclude: frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """Companies a buyer may want to invite: the k most relevant to the buyer's needs
    (those of `needs` with this buyer id), by CPV + text only. Ties by id; zero scores out."""
    own = [n for n in needs if n.buyer_id == buyer.id]
    scorer = Scorer(companies, [buyer], own, config=config)
    return _top(
        [
            Suggestion(c.id, scorer.buyer_score(c.id, buyer.id, relevance_only=True))
            for c in companies
            if c.id not in exclude
        ],
        k,
    )
