"""Generate a realistic, seeded entremise-instance/1 event (buyers, companies, workshops).

Usage: python benchmarks/generate.py --requests 2000 [--participants N] [--days 1]
       [--slots-per-day 10] [--seed 0] -o event.json

Model of an event ("rendez-vous de la commande publique"):
* buyers (about a fifth of the participants) keep one table all day
  (`location` pinned) and a cap (`max_meetings`, 60-90 % of the slots);
* companies ask for 1-5 buyers each, chosen with a popularity skew (Zipf-like:
  a few buyers are wanted by many), each request tagged must / want / maybe
  (weight 5 / 3 / 1); every company has `min_meetings: 1`;
  when the requested total exceeds 5 per company, the rest are invitations
  sent by buyers to companies (weight 3), so any requests/participants ratio
  can be produced;
* about 15 % of participants arrive late and 15 % leave early (unavailable in
  the first / last 1-3 slots of a day);
* one workshop per 100 participants: two consecutive slots in a room that is not
  a table, one or two buyers as members (speakers), 10-30 company candidates
  (weight 1-3), size within [3, 20];
* 1 or 2 days of 8-12 slots, each day split into sessions "am" and "pm"; 5 % of
  the requests ask for the morning session.
The output is deterministic for given arguments.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

PRIORITY_WEIGHT = {"must": 5, "want": 3, "maybe": 1}


def generate(
    requests: int,
    participants: int | None = None,
    days: int = 1,
    slots_per_day: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Build the instance as a JSON-ready dict."""
    rng = random.Random(seed)
    n_part = participants or max(40, requests // 5)
    n_buyers = max(2, n_part // 5)
    n_comp = n_part - n_buyers
    if requests > n_buyers * n_comp:
        raise ValueError(f"{requests} requests need more than {n_part} participants")
    slots: list[dict[str, Any]] = []
    day_slots: list[list[str]] = []
    for d in range(days):
        day = f"2026-10-{21 + d:02d}"
        ids = []
        for k in range(slots_per_day):
            sid = f"d{d + 1}s{k + 1}"
            hour, minute = divmod(9 * 60 + k * 25 + (60 if k >= slots_per_day // 2 else 0), 60)
            slots.append(
                {
                    "id": sid,
                    "day": day,
                    "session": "am" if k < slots_per_day // 2 else "pm",
                    "start": f"{day}T{hour:02d}:{minute:02d}:00+02:00",
                }
            )
            ids.append(sid)
        day_slots.append(ids)
    n_slots = len(slots)
    buyers = [f"b{i + 1}" for i in range(n_buyers)]
    companies = [f"c{i + 1}" for i in range(n_comp)]
    locations = [{"id": f"T{i + 1}", "name": f"Table {i + 1}"} for i in range(n_buyers)]
    people: list[dict[str, Any]] = []

    def unavailable() -> list[str]:
        out: list[str] = []
        for ids in day_slots:
            r = rng.random()
            k = rng.randint(1, 3)
            if r < 0.15:
                out += ids[:k]  # late arrival
            elif r < 0.30:
                out += ids[-k:]  # early departure
        return out

    for i, b in enumerate(buyers):
        people.append(
            {
                "id": b,
                "role": "buyer",
                "name": f"Acheteur {i + 1}",
                "location": f"T{i + 1}",
                "unavailable": unavailable(),
                "max_meetings": max(1, round(n_slots * rng.uniform(0.6, 0.9))),
            }
        )
    for i, c in enumerate(companies):
        people.append(
            {
                "id": c,
                "role": "company",
                "name": f"Entreprise {i + 1}",
                "unavailable": unavailable(),
                "min_meetings": 1,
            }
        )
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(n_buyers)]
    rng.shuffle(popularity)
    pairs: set[tuple[str, str]] = set()
    meetings: list[dict[str, Any]] = []

    def add(b: str, c: str, weight: int) -> None:
        pairs.add((b, c))
        m: dict[str, Any] = {
            "id": f"m{len(meetings) + 1}",
            "participants": [b, c],
            "weight": weight,
        }
        if rng.random() < 0.05:
            m["session"] = "am"
        meetings.append(m)

    # Company requests: 1-5 each, mean scaled so that the total approaches `requests`.
    mean = min(5.0, max(1.0, requests / n_comp))
    for c in companies:
        if len(meetings) >= requests:
            break
        k = max(1, min(5, round(rng.gauss(mean, 1.0))))
        chosen: set[str] = set()
        while len(chosen) < min(k, n_buyers):
            chosen.add(rng.choices(buyers, weights=popularity)[0])
        for b in sorted(chosen):
            prio = rng.choices(["must", "want", "maybe"], weights=[0.3, 0.4, 0.3])[0]
            add(b, c, PRIORITY_WEIGHT[prio])
    # Buyer invitations fill the rest (and guarantee every company at least one request).
    asked = {c for _, c in pairs}
    for c in companies:
        if c not in asked:
            add(rng.choices(buyers, weights=popularity)[0], c, 3)
    while len(meetings) < requests:
        b, c = rng.choice(buyers), rng.choice(companies)
        if (b, c) not in pairs:
            add(b, c, 3)
    workshops: list[dict[str, Any]] = []
    for w in range(max(1, n_part // 100)):
        ids = day_slots[w % days]
        k = rng.randrange(len(ids) - 1)
        free = [
            p["id"] for p in people[:n_buyers] if not set(p["unavailable"]) & set(ids[k : k + 2])
        ]
        members = rng.sample(free, min(len(free), rng.randint(1, 2)))
        cands = rng.sample(companies, min(len(companies), rng.randint(10, 30)))
        workshops.append(
            {
                "id": f"w{w + 1}",
                "name": f"Atelier {w + 1}",
                "slots": ids[k : k + 2],
                "location": f"Salle {w + 1}",
                "min_size": 3,
                "max_size": 20,
                "members": members,
                "candidates": [{"participant": c, "weight": rng.randint(1, 3)} for c in cands],
            }
        )
    return {
        "format": "entremise-instance/1",
        "name": f"generated-r{requests}-p{n_part}-d{days}-s{seed}",
        "slots": slots,
        "locations": locations,
        "participants": people,
        "meetings": meetings,
        "workshops": workshops,
        "rules": {},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument(
        "--participants",
        type=int,
        default=None,
        help="default: max(40, requests / 5) (1,000 for 5,000 requests)",
    )
    ap.add_argument("--days", type=int, choices=(1, 2), default=1)
    ap.add_argument("--slots-per-day", type=int, default=10, choices=range(8, 13), metavar="8..12")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    data = generate(args.requests, args.participants, args.days, args.slots_per_day, args.seed)
    args.output.write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(
        f"{args.output}: {len(data['participants'])} participants, "
        f"{len(data['meetings'])} requests, {len(data['slots'])} slots, "
        f"{len(data['workshops'])} workshops"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
