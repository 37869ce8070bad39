"""The realistic, skewed workload the speed benchmarks decide, drawn from a rule set's own data.

Findings as a bureau's inspection software would send them: a few kinds dominate (Zipf weights
over the kinds the rule set covers, in its own order), each fact dated inside one of its kind's
penalty windows between 2003 and mid-2026, discovered up to a year later and decided within two
months, a fifth of them overdue (the second stage), most flags false, accidents with casualty and
loss figures, a few with illegal income or circumstances, and the caller's own `ref` on each.
Nothing here names a kind or a date of the law: both come from `RuleSet.kinds` and
`RuleSet.penalty_windows`, so the workload follows the rule set as it grows.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import enforcement_rules as er

FIRST = dt.date(2003, 1, 1)
LAST = dt.date(2026, 6, 30)


def kind_windows(rules: er.RuleSet) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Each covered kind's days the rule set decides (`RuleSet.covered_spans`: its penalty
    windows less the cells declared not encoded), clipped to 2003 – mid-2026 (empty ones
    dropped)."""
    found: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for kind in rules.kinds:
        spans = [
            (max(first, FIRST), last)
            for first, last in rules.covered_spans(kind, LAST)
            if last >= FIRST
        ]
        if spans:
            found[kind] = spans
    return found


def realistic(
    rules: er.RuleSet, count: int, seed: int = 2026, refs: bool = True
) -> list[dict[str, Any]]:
    """`count` findings over the rule set's covered kinds (see the module's docstring)."""
    generator = random.Random(seed)
    windows = kind_windows(rules)
    kinds = list(windows)
    weights = [1 / (rank + 1) for rank in range(len(kinds))]
    generator.shuffle(weights)  # which kinds dominate does not follow the files' order
    accident = {kind for kind in kinds if "accident_grade" in rules.kinds[kind].needs}
    sectors = er.Sector.codes()
    sector_weights = [1 / (rank + 1) for rank in range(len(sectors))]
    circumstances = er.Circumstance.codes()
    facts: list[dict[str, Any]] = []
    for number in range(count):
        kind = generator.choices(kinds, weights)[0]
        start, end = generator.choice(windows[kind])
        occurred = start + dt.timedelta(days=generator.randrange((end - start).days + 1))
        discovered = occurred + dt.timedelta(days=int(generator.expovariate(1 / 60)) % 366)
        decided = discovered + dt.timedelta(days=generator.randrange(61))
        fact: dict[str, Any] = {
            "kind": kind,
            "occurred_on": occurred.isoformat(),
            "discovered_on": discovered.isoformat(),
            "decided_on": decided.isoformat(),
            "sector": generator.choices(sectors, sector_weights)[0],
            "hazard": generator.choices(er.Hazard.codes(), [8, 3, 1])[0],
            "overdue": generator.random() < 0.2,
            "correctable_on_site": generator.random() < 0.25,
            "activity_ongoing": generator.random() < 0.08,
            "workers_in_danger": generator.random() < 0.05,
            "safety_assured": generator.random() >= 0.08,
            "nonconforming_equipment": generator.random() < 0.06,
        }
        if kind in accident:
            fact["deaths"] = min(int(generator.expovariate(1.2)), 40)
            fact["serious_injuries"] = min(int(generator.expovariate(0.4)), 120)
            if not fact["deaths"] and not fact["serious_injuries"]:
                fact["serious_injuries"] = 1  # an accident has some casualty or loss
            fact["direct_loss_yuan"] = round(generator.expovariate(1 / 3e6), -3)
        if generator.random() < 0.03:
            fact["illegal_income_yuan"] = float(generator.randrange(1, 500) * 1000)
        if generator.random() < 0.05:
            fact["circumstances"] = [generator.choice(circumstances)]
        if refs:
            fact["ref"] = f"F-{number:08d}"
        facts.append(fact)
    return facts
