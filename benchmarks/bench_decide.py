"""Decisions per second: `decide`, `decide_many`, and a hand-written durable_rules baseline.

    python benchmarks/bench_decide.py [--facts 20000] [--repeat 3]

All figures come from one process on the same facts. The baseline is a durable_rules ruleset
written by hand below for the same provisions (measures, and the penalty stages of the three
Work Safety Law versions), each fact asserted and retracted directly in one shared session: what
a developer would write without this library, with no validation, resolution or explanation.

Two workloads: "bureau" (realistic: most flags false, a few kinds dominate) and "uniform" (every
field drawn uniformly: almost every fact is a new equivalence class, the library's worst case).
`cold` figures start with an empty class cache; `warm` ones decide the same facts again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from durable import engine as durable_engine

import enforcement_rules as er
from enforcement_rules.deciding.normalise import normalise
from enforcement_rules.deciding.partition import Partition

D = dt.date.toordinal
V2002, V2014, V2021 = D(dt.date(2002, 11, 1)), D(dt.date(2014, 12, 1)), D(dt.date(2021, 9, 1))
MANAGEMENT_2002 = ["no_safety_staff", "no_safety_training", "uncertified_special_worker"]
MANAGEMENT_LATER = [
    *MANAGEMENT_2002,
    "training_records_false",
    "hazard_records_missing",
    "no_emergency_plan",
]
NOT_IN_2002 = [
    "training_records_false",
    "hazard_records_missing",
    "no_emergency_plan",
    "hazard_not_eliminated",
]
ITEM2_2002 = ["hazardous_chemicals", "fireworks", "mining", "construction"]
ITEM2_LATER = [*ITEM2_2002, "metal_smelting", "road_transport"]
EXITS = ["blocked_exits", "dormitory_in_hazmat_building"]


def one_of(field: str, values: list[str]) -> dict[str, Any]:
    return {"$or": [{field: value} for value in values]}


def none_of(field: str, values: list[str]) -> dict[str, Any]:
    return {"$and": [{"$neq": {field: value}} for value in values]}


def window(start: int, until: int | None) -> list[dict[str, Any]]:
    bounds: list[dict[str, Any]] = [{"$gte": {"as_of": start}}]
    return bounds + ([{"$lt": {"as_of": until}}] if until else [])


def baseline_ruleset() -> dict[str, Any]:
    """The hand-written baseline: 7 measure rules and 26 penalty rules."""
    rules: dict[str, list[dict[str, Any]]] = {
        "on_site": [{"correctable_on_site": True}],
        "by_deadline": [{"correctable_on_site": False}],
        "eliminate": [one_of("hazard", ["general", "major"])],
        "stop_ongoing": [{"activity_ongoing": True}],
        "withdraw": [{"hazard": "major"}, {"safety_assured": False}, {"workers_in_danger": True}],
        "suspend": [{"hazard": "major"}, {"safety_assured": False}],
        "seal": [{"nonconforming_equipment": True}],
    }
    versions = [("2002", V2002, V2014), ("2014", V2014, V2021), ("2021", V2021, None)]
    for name, start, until in versions:
        management = MANAGEMENT_2002 if name == "2002" else MANAGEMENT_LATER
        item2 = ITEM2_2002 if name == "2002" else ITEM2_LATER
        for overdue in (False, True):
            stage = "overdue" if overdue else "first"
            rules[f"{name}_management_{stage}"] = [
                *window(start, until),
                one_of("kind", management),
                {"overdue": overdue},
            ]
            rules[f"{name}_assessed_{stage}"] = [
                *window(start, until),
                {"kind": "managers_not_assessed"},
                one_of("sector", item2),
                {"overdue": overdue},
            ]
            rules[f"{name}_exits_{stage}"] = [
                *window(start, until),
                one_of("kind", EXITS),
                {"overdue": overdue},
            ]
            if name != "2002":
                rules[f"{name}_hazard_{stage}"] = [
                    *window(start, until),
                    {"kind": "hazard_not_eliminated"},
                    {"overdue": overdue},
                ]
        rules[f"{name}_assessed_other_sector"] = [
            *window(start, until),
            {"kind": "managers_not_assessed"},
            none_of("sector", item2),
        ]
        if name == "2002":
            rules["2002_no_provision"] = [*window(start, until), one_of("kind", NOT_IN_2002)]
    return {
        name: {"all": [{"m": {"$and": conditions}}], "run": name}
        for name, conditions in rules.items()
    }


class BaselineHost(durable_engine.Host):  # type: ignore[misc]
    def __init__(self, fired: list[str]):
        self.fired = fired
        super().__init__()

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def action(closure: Any) -> None:
            self.fired.append(action_name)

        return action


def baseline(messages: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    fired: list[str] = []
    host = BaselineHost(fired)
    host.set_rulesets({"baseline": baseline_ruleset()})
    results = []
    for number, message in enumerate(messages):
        fact = {**message, "sid": "bench", "id": number}
        host.assert_fact("baseline", fact)
        host.retract_fact("baseline", fact)
        results.append(tuple(fired))
        fired.clear()
    return results


def workload(count: int, kind_of: str, seed: int = 2010) -> list[dict[str, Any]]:
    """Facts of the kinds the baseline encodes, over 2003–2025."""
    generator = random.Random(seed)
    kinds = sorted({*MANAGEMENT_LATER, "managers_not_assessed", "hazard_not_eliminated", *EXITS})
    weights = [8, 2, 6, 1, 3, 2, 5, 4, 1, 6] if kind_of == "bureau" else [1] * len(kinds)
    flag = 0.08 if kind_of == "bureau" else 0.5
    facts = []
    for _ in range(count):
        day = dt.date(2003, 1, 1) + dt.timedelta(days=generator.randrange(8400))
        facts.append(
            {
                "kind": generator.choices(kinds, weights)[0],
                "occurred_on": day.isoformat(),
                "sector": generator.choice(er.Sector.codes()),
                "hazard": generator.choices(
                    er.Hazard.codes(), [8, 3, 1] if flag < 0.5 else [1, 1, 1]
                )[0],
                "overdue": generator.random() < flag * 2,
                "correctable_on_site": generator.random() < flag * 3,
                "activity_ongoing": generator.random() < flag,
                "workers_in_danger": generator.random() < flag,
                "safety_assured": generator.random() >= flag,
                "nonconforming_equipment": generator.random() < flag,
            }
        )
    return facts


def rate(count: int, run: Callable[[], object], repeat: int) -> float:
    best = min(_timed(run) for _ in range(repeat))
    return count / best


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(facts: list[dict[str, Any]], rules: er.RuleSet, repeat: int) -> dict[str, float]:
    """Decisions per second of each way of deciding `facts`, the baseline first."""
    messages = [normalise(v, v.occurred_on) for v in map(er.Violation.from_dict, facts)]

    def cold_decide() -> None:
        decider = er.Decider(rules)
        for fact in facts:
            decider.decide(fact)

    warm = er.Decider(rules)
    warm.decide_many(facts)
    count = len(facts)
    return {
        "baseline (hand-written durable_rules)": rate(count, lambda: baseline(messages), repeat),
        "decide, cold cache": rate(count, cold_decide, repeat),
        "decide, warm cache": rate(count, lambda: [warm.decide(f) for f in facts], repeat),
        "decide_many, cold cache": rate(
            count, lambda: er.Decider(rules).decide_many(facts), repeat
        ),
        "decide_many, warm cache": rate(count, lambda: warm.decide_many(facts), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rules = er.load_rules()
    partition = Partition(rules)
    for kind_of in ("bureau", "uniform"):
        facts = workload(args.facts, kind_of)
        classes = {
            partition.key(normalise(v, v.occurred_on)) for v in map(er.Violation.from_dict, facts)
        }
        figures = measure(facts, rules, args.repeat)
        base = figures["baseline (hand-written durable_rules)"]
        print(f"\nworkload '{kind_of}': {len(facts):,} facts, {len(classes):,} equivalence classes")
        for name, value in figures.items():
            print(f"  {name:<40} {value:>10,.0f} decisions/s   ×{value / base:5.2f} baseline")


if __name__ == "__main__":
    main()
