"""Time the matching core on a synthetic event: scoring every company–buyer pair, and a
selection run with a quota. Plain script, no Flask: `python benchmarks/matching_scale.py`.

Synthetic data is drawn with a fixed seed from the shared CPV list when it sits beside the
repo (../shared/data/cpv_2008.csv), otherwise from the unit-test fixture.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.matching.cpv import load_cpv  # noqa: E402
from app.matching.score import (  # noqa: E402
    Buyer,
    Company,
    Interest,
    Need,
    Priorities,
    Scorer,
    ScoringConfig,
    Size,
    Wish,
    company_flags,
)
from app.matching.selection import (  # noqa: E402
    Application,
    Capacity,
    Quota,
    SelectionConfig,
    run_selection,
)


def main(companies: int = 300, buyers: int = 40, needs_per_buyer: int = 4) -> None:
    shared = ROOT / ".." / "shared" / "data" / "cpv_2008.csv"
    fixture = ROOT / "tests" / "unit" / "matching" / "data" / "cpv_small.csv"
    reference = load_cpv(shared if shared.exists() else fixture)
    rng = random.Random(42)
    codes = [c for c in reference.codes if c.division in ("45", "34", "50", "90", "77")]
    firms = []
    for i in range(companies):
        picked = rng.sample(codes, 3)
        firms.append(
            Company(
                i,
                f"Entreprise {i}",
                tuple(c.code for c in picked),
                " ".join(c.label_fr for c in picked),
                rng.choice(list(Size)),
                ess=rng.random() < 0.15,
                departement=rng.choice(["69", "38", "01", "75"]),
                first_time=rng.random() < 0.3,
            )
        )
    people = [Buyer(1000 + b, f"Acheteur {b}") for b in range(buyers)]
    needs = []
    for b in people:
        for _ in range(needs_per_buyer):
            c = rng.choice(codes)
            needs.append(Need(len(needs), b.id, c.label_fr, "", (c.code,)))
    interests = [
        Interest(f.id, b.id, None, rng.choice(list(Wish)))
        for f in firms
        for b in rng.sample(people, 3)
    ]
    config = ScoringConfig(priorities=Priorities(local_departements=frozenset({"69"})))

    start = time.perf_counter()
    scorer = Scorer(firms, people, needs, interests, config)
    fitted = time.perf_counter()
    pairs = [scorer.buyer_score(f.id, b.id) for f in firms for b in people]
    scored = time.perf_counter()
    apps = [
        Application(
            f.id,
            f.id,
            scorer.application_score(f.id, [i.buyer_id for i in interests if i.company_id == f.id]),
            tuple(i for i in interests if i.company_id == f.id),
            company_flags(f, config.priorities),
        )
        for f in firms
    ]
    built = time.perf_counter()
    quota = Quota("ESS ou petites entreprises", frozenset({"ess", "small"}), Decimal("0.6"))
    result = run_selection(
        apps,
        SelectionConfig(
            Capacity(slots=12, tables=30), quotas=(quota,), on_quota_shortfall="report"
        ),
    )
    solved = time.perf_counter()
    selected = sum(1 for d in result.decisions if d.status == "selected")
    print(
        f"CPV codes: {len(reference)}; companies {companies}, buyers {buyers}, needs {len(needs)}"
    )
    print(
        f"fit TF-IDF: {fitted - start:.2f} s; {len(pairs)} company-buyer scores: "
        f"{scored - fitted:.2f} s; {len(apps)} application scores: {built - scored:.2f} s"
    )
    print(
        f"selection (2 CP-SAT solves, 1 worker): {solved - built:.2f} s, optimal "
        f"{result.optimal}; selected {selected}, meetings {result.meetings_used}/"
        f"{result.meetings_capacity}, quota {result.quotas[0].flagged_selected}/"
        f"{result.quotas[0].selected}, shortfalls {len(result.shortfalls)}"
    )


if __name__ == "__main__":
    main()
