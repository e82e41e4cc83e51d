"""Scores of crafted pairs: exact parts, totals, French and English explanations."""

import math
from decimal import Decimal as D

import pytest

from app.matching.i18n import format_number, format_points, format_share
from app.matching.score import (
    Answer,
    Buyer,
    Company,
    Interest,
    Need,
    Priorities,
    Score,
    ScorePart,
    Scorer,
    ScoringConfig,
    ScoringError,
    Size,
    Wish,
    company_flags,
    suggest_buyers,
    suggest_companies,
)
from app.matching.text import TextIndex, analyze

LYON = Buyer(10, "Métropole de Lyon")
MARQUAGE = Need(100, 10, "Marquage LED", "au sol", ("45231000",))
NETTOYAGE = Need(101, 10, "Nettoyage des locaux", "bureaux", ("90910000",))
CONFIG = ScoringConfig(priorities=Priorities(local_departements=frozenset({"69"})))


def company(**overrides):
    base = {
        "id": 1,
        "name": "Lumiroute",
        "cpv_codes": ("45233221",),
        "offer": "Marquage au sol LED",
    }
    base.update(overrides)
    return Company(**base)


def test_need_score_mutual_must_with_all_priorities_lists_every_part():
    firm = company(size=Size.PME, ess=True, departement="69", first_time=True)
    scorer = Scorer(
        [firm], [LYON], [MARQUAGE, NETTOYAGE], [Interest(1, 10, 100, Wish.MUST, Answer.YES)], CONFIG
    )
    score = scorer.need_score(1, 100)
    assert [(p.code, p.points) for p in score.parts] == [
        ("cpv_match", D("0.4")),
        ("text_similarity", D("0.50")),
        ("wish", D("0.5")),
        ("answer", D("0.3")),
        ("mutual", D("2")),
        ("priority_ess", D("0.2")),
        ("priority_small", D("0.1")),
        ("priority_local", D("0.1")),
        ("priority_first_time", D("0.1")),
    ]
    assert score.total == D("4.20")
    assert score.messages("fr") == [
        "Le code CPV 45233221 correspond au besoin « Marquage LED » "
        "au niveau de la classe\u202f: +0,4",
        "L'offre de l'entreprise est proche du besoin « Marquage LED » (similarité 1)\u202f: +0,5",
        "L'entreprise demande à rencontrer « Marquage LED » (vœu\u202f: indispensable)\u202f: +0,5",
        "L'acheteur « Métropole de Lyon » a répondu oui\u202f: +0,3",
        "Intérêt réciproque avec « Métropole de Lyon »\u202f: +2",
        "L'entreprise relève de l'ESS\u202f: +0,2 (priorité fixée par l'organisateur)",
        "L'entreprise est une PME\u202f: +0,1 (priorité fixée par l'organisateur)",
        "L'entreprise est implantée dans le département 69\u202f: +0,1 "
        "(priorité fixée par l'organisateur)",
        "L'entreprise participe pour la première fois\u202f: +0,1 "
        "(priorité fixée par l'organisateur)",
    ]
    assert score.messages("en")[:3] == [
        "CPV 45233221 matches need 'Marquage LED' at class level: +0.4",
        "The company's offer is close to need 'Marquage LED' (similarity 1): +0.5",
        "The company asks to meet 'Marquage LED' (wish: must): +0.5",
    ]
    assert score.messages("en")[5] == (
        "The company belongs to the social and solidarity economy (ESS): +0.2 "
        "(priority set by the organiser)"
    )


def test_need_score_buyer_no_without_wish_is_negative():
    firm = company(offer="", cpv_codes=())
    scorer = Scorer([firm], [LYON], [MARQUAGE], [Interest(1, 10, None, None, Answer.NO)], CONFIG)
    score = scorer.need_score(1, 100)
    assert score == Score(
        D("-1"),
        (
            ScorePart(
                "answer",
                D("-1"),
                (
                    ("buyer", "Métropole de Lyon"),
                    ("answer", "no"),
                    ("answer_fr", "non"),
                    ("answer_en", "no"),
                ),
            ),
        ),
    )
    assert score.messages("fr") == ["L'acheteur « Métropole de Lyon » a répondu non\u202f: -1"]


def test_buyer_score_invitation_and_best_need_is_named():
    firm = company(offer="Nettoyage des locaux, bureaux", cpv_codes=("90911000", "45233221"))
    scorer = Scorer(
        [firm], [LYON], [MARQUAGE, NETTOYAGE], [Interest(1, 10, None, None, Answer.YES)], CONFIG
    )
    score = scorer.buyer_score(1, 10)
    # 90911000 vs 90910000 share the class 9091 (depth 4); 45233221 vs 45231000 too: the first
    # need in id order wins the tie, text goes to the cleaning need.
    assert [(p.code, p.points) for p in score.parts] == [
        ("cpv_match", D("0.4")),
        ("text_similarity", D("0.50")),
        ("invitation", D("0.3")),
    ]
    assert score.total == D("1.20")
    assert score.messages("en") == [
        "CPV 45233221 matches need 'Marquage LED' at class level: +0.4",
        "The company's offer is close to need 'Nettoyage des locaux' (similarity 1): +0.5",
        "Buyer 'Métropole de Lyon' invites the company: +0.3",
    ]


@pytest.mark.parametrize(
    ("code", "points", "level_fr"),
    [
        ("45000000", D("0.1"), "de la division"),
        ("45200000", D("0.2"), "du groupe"),
        ("45230000", D("0.4"), "de la classe"),
        ("45231000", D("0.6"), "de la catégorie"),
        ("45231100", D("0.6"), "de la sous-catégorie"),
        ("45231110", D("0.6"), "de la sous-catégorie"),
    ],
)
def test_need_score_cpv_points_follow_hierarchy_depth(code, points, level_fr):
    firm = company(offer="", cpv_codes=("34922100", "45231110"))
    need = Need(7, 10, "Réseaux", "", (code,))
    score = Scorer([firm], [LYON], [need]).need_score(1, 7)
    assert score.total == points
    assert score.messages("fr") == [
        f"Le code CPV 45231110 correspond au besoin « Réseaux » au niveau {level_fr}\u202f: "
        f"{format_points(points, 'fr')}"
    ]


def test_need_score_without_shared_division_has_no_cpv_part():
    need = Need(7, 10, "Espaces verts", "", ("77310000",))
    assert Scorer([company(offer="")], [LYON], [need]).need_score(1, 7) == Score(D(0), ())


def test_text_similarity_matches_tfidf_formula_on_two_documents():
    index = TextIndex({"a": "marquage LED lumineux", "b": "marquages LED piétons"})
    assert analyze("marquages LED piétons") == ["marquag", "led", "pieton"]
    # smooth idf: shared terms ln(3/3)+1 = 1, own terms ln(3/2)+1; cosine of l2-normalised rows
    own = math.log(1.5) + 1
    expected = D(str(round(2 / (2 + own * own), 2)))
    assert index.similarity("a", "b") == expected == D("0.50")


def test_mutual_interest_ranks_above_best_one_sided_pair():
    best_one_sided = company(id=1, size=Size.MICRO, ess=True, departement="69", first_time=True)
    weak_mutual = company(id=2, offer="rien", cpv_codes=())
    need = Need(100, 10, "Marquage LED", "au sol", ("45233221",))
    scorer = Scorer(
        [best_one_sided, weak_mutual],
        [LYON],
        [need],
        [
            Interest(1, 10, 100, Wish.MUST, Answer.MAYBE),
            Interest(2, 10, 100, Wish.MAYBE, Answer.YES),
        ],
        CONFIG,
    )
    one_sided, mutual = scorer.need_score(1, 100).total, scorer.need_score(2, 100).total
    assert (one_sided, mutual) == (D("2.20"), D("2.4"))


def test_company_flags_siae_counts_as_ess_with_own_message():
    firm = company(siae=True, size=Size.ETI, departement="38")
    assert company_flags(firm, CONFIG.priorities) == frozenset({"ess", "siae"})
    score = Scorer([firm], [LYON], [], config=CONFIG).buyer_score(1, 10)
    assert score.messages("fr") == [
        "L'entreprise est une structure d'insertion (SIAE)\u202f: +0,2 "
        "(priorité fixée par l'organisateur)"
    ]


def test_score_rejects_parts_that_do_not_add_up():
    with pytest.raises(ScoringError):
        Score(D("1"), (ScorePart("mutual", D("0.5"), (("buyer", "X"),)),))


def test_scorer_unknown_ids_raise_named_error():
    scorer = Scorer([company()], [LYON], [MARQUAGE])
    with pytest.raises(ScoringError):
        scorer.need_score(1, 999)
    with pytest.raises(ScoringError):
        scorer.buyer_score(2, 10)


def test_suggest_buyers_ranks_by_relevance_and_drops_zero():
    grenoble = Buyer(11, "Ville de Grenoble")
    paris = Buyer(12, "Ville de Paris")
    needs = [
        MARQUAGE,
        Need(200, 11, "Voirie", "", ("45200000",)),
        Need(300, 12, "Restauration scolaire", "repas", ("55524000",)),
    ]
    result = suggest_buyers(company(), [paris, grenoble, LYON], needs, 5)
    assert [(s.id, s.score.total) for s in result] == [(10, D("0.90")), (11, D("0.2"))]
    assert (
        suggest_buyers(company(), [paris, grenoble, LYON], needs, 1, exclude=frozenset({10}))[0].id
        == 11
    )


def test_suggest_companies_ranks_by_relevance_ties_by_id():
    firms = [
        company(id=3, offer="", cpv_codes=("45231000",)),
        company(id=2, offer="", cpv_codes=("45231000",)),
        company(id=5, offer="", cpv_codes=("72000000",)),
    ]
    result = suggest_companies(LYON, firms, [MARQUAGE, NETTOYAGE], 3)
    assert [(s.id, s.score.total) for s in result] == [(2, D("0.6")), (3, D("0.6"))]


def test_number_formatting_french_and_english():
    assert [format_points(D(v), "fr") for v in ("0.40", "0.25", "-1", "2", "0")] == [
        "+0,4",
        "+0,25",
        "-1",
        "+2",
        "0",
    ]
    assert format_points(D("0.40"), "en") == "+0.4"
    assert format_number(D("2.40"), "fr") == "2,4"
    assert format_share(D("0.3"), "fr") == "30\u202f%"


def test_application_score_sums_pairs_and_counts_priorities_once():
    grenoble = Buyer(11, "Ville de Grenoble")
    firm = company(offer="", ess=True)
    needs = [MARQUAGE, Need(200, 11, "Voirie", "", ("45200000",))]
    scorer = Scorer(
        [firm],
        [LYON, grenoble],
        needs,
        [Interest(1, 10, 100, Wish.MUST, Answer.YES), Interest(1, 11, None, Wish.MAYBE)],
        CONFIG,
    )
    score = scorer.application_score(1, [11, 10])
    assert [(p.code, p.points) for p in score.parts] == [
        ("cpv_match", D("0.4")),
        ("wish", D("0.5")),
        ("answer", D("0.3")),
        ("mutual", D("2")),
        ("cpv_match", D("0.2")),
        ("wish", D("0.1")),
        ("priority_ess", D("0.2")),
    ]
    assert score.total == D("3.7")
    assert score.messages("en")[5] == (
        "The company asks to meet 'Ville de Grenoble' (wish: maybe): +0.1"
    )


def test_french_messages_put_a_narrow_no_break_space_before_double_punctuation():
    import re

    from app.matching.i18n import LEVEL_NAMES, MESSAGES

    french = [fr for fr, _en in MESSAGES.values()] + [fr for fr, _en in LEVEL_NAMES.values()]
    assert [t for t in french if re.search(r"[ \u00a0][:;!?%]", t)] == []
    english = [en for _fr, en in MESSAGES.values()]
    assert [t for t in english if re.search(r"\s[:;!?]", t)] == []
