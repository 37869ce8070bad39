"""The public API: one decision per fact, deterministic, thread-safe, and clean over long runs."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.deciding.decider import (
    CHOSEN_SHARE,
    DECISION_BYTES,
    FIRED_SHARE,
    KEY_SHARE,
    RESOLVED_SHARE,
    TABLE_SHARE,
)
from enforcement_rules.testing import facts

RULES = er.load_rules()
UNCACHED = er.Decider(RULES, cache_size=0)  # keeps no decision: one serves every example


def sample_facts(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic valid facts, spread over kinds, sectors, hazards and the law versions: each
    on a day some version covers for its kind (`RuleSet.covered_spans`)."""
    generator = random.Random(seed)
    # up to a day before any run of this test: a date after today is refused
    last_day = dt.date(2026, 11, 30)
    spans = {kind: RULES.covered_spans(kind, last_day) for kind in RULES.covered_kinds}
    kinds = sorted(kind for kind, found in spans.items() if found)
    out = []
    for _ in range(count):
        kind = generator.choice(kinds)
        first, last = generator.choice(spans[kind])
        occurred = first + dt.timedelta(days=generator.randint(0, (last - first).days))
        out.append(
            {
                "kind": kind,
                "occurred_on": occurred.isoformat(),
                "sector": generator.choice(er.Sector.codes()),
                "hazard": generator.choice(er.Hazard.codes()),
                "overdue": generator.random() < 0.3,
                "correctable_on_site": generator.random() < 0.3,
                "workers_in_danger": generator.random() < 0.2,
                "safety_assured": generator.random() < 0.7,
                "nonconforming_equipment": generator.random() < 0.2,
                "activity_ongoing": generator.random() < 0.3,
                "deaths": generator.choice((1, 1, 2, 3, 10, 30)),
                "direct_loss_yuan": generator.choice((0, 2_000_000, 12_000_000)),
            }
        )
    return out


def test_decide_returns_the_documented_json_form() -> None:
    decision = er.decide({"kind": "blocked_exits", "occurred_on": "2025-09-09"}, rules=RULES)
    data = decision.to_dict()
    assert list(data) == [
        "measures",
        "penalties",
        "penalty_basis",
        "referred_to",
        "competent_authority",
        "accident_grade",
        "fines",
        "penalty_adjustment",
        "procedure",
        "summary_thresholds_yuan",
        "hearing",
        "hearing_thresholds_yuan",
        "daily_fine",
        "section",
        "law_version",
        "legal_basis",
        "rules_fired",
        "notes",
        "provenance",
        "ref",
    ]
    assert data["law_version"] == "work_safety_law@2021-09-01"
    assert data["penalties"] == ["fine"]
    assert {"law": "work_safety_law", "version": "2021-06-10", "article": 105}.items() <= data[
        "legal_basis"
    ][1].items()
    assert er.Decision.from_dict(data) == decision


def test_the_default_rule_set_is_the_bundled_one() -> None:
    assert er.default_rules().digest == RULES.digest
    assert (
        er.decide({"kind": "blocked_exits", "occurred_on": "2025-09-09"}).to_dict()
        == er.decide({"kind": "blocked_exits", "occurred_on": "2025-09-09"}, rules=RULES).to_dict()
    )


def test_decide_many_equals_decide_one_by_one() -> None:
    batch = sample_facts(400)
    one_by_one = er.Decider(RULES, cache_size=0)
    assert er.decide_many(batch, rules=RULES) == [one_by_one.decide(f) for f in batch]


@pytest.mark.exhaustive
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts(RULES))
def test_the_class_cache_never_changes_a_decision(fact: dict[str, Any]) -> None:
    assert er.decide(fact, rules=RULES) == UNCACHED.decide(fact)


def test_the_same_facts_in_shuffled_order_get_the_same_decisions() -> None:
    batch = sample_facts(300, seed=11)
    expected = [d.to_dict() for d in er.Decider(RULES).decide_many(batch)]
    order = list(range(len(batch)))
    random.Random(3).shuffle(order)
    shuffled = er.Decider(RULES).decide_many([batch[i] for i in order])
    assert [expected[i] for i in order] == [d.to_dict() for d in shuffled]


def test_rule_files_in_another_order_give_the_same_decisions(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), copy)
    provision_files = sorted(copy.rglob("art*.yaml"))
    for number, file in enumerate(reversed(provision_files)):
        file.rename(file.parent / f"{number:02d}_{file.name}")  # reverses the reading order
    reordered = er.load_rules(copy)
    assert [rule.id for rule in reordered.rules] == [rule.id for rule in RULES.rules]
    batch = sample_facts(300, seed=5)
    assert [d.to_dict() for d in er.Decider(reordered).decide_many(batch)] == [
        d.to_dict() for d in er.Decider(RULES).decide_many(batch)
    ]


def test_eight_threads_at_once_give_the_results_of_one() -> None:
    batch = sample_facts(240, seed=13)
    expected = [d.to_dict() for d in er.Decider(RULES, cache_size=0).decide_many(batch)]
    shared = er.Decider(RULES, cache_size=0)  # every call goes through the engine
    results: dict[int, list[dict[str, Any]]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            results[worker] = [shared.decide(fact).to_dict() for fact in batch]
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(results[n] == expected for n in range(8))
    assert shared.engine.live_sessions == 0


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4


def test_ten_thousand_decisions_do_not_fail_or_grow_memory() -> None:
    decider = er.Decider(RULES, cache_size=0)  # no cache: 10,000 engine sessions
    batch = sample_facts(1000, seed=17)
    for fact in batch * 2:  # warm up allocator and engine
        decider.decide(fact)
    before = _rss_kib()
    for fact in batch * 8:
        decider.decide(fact)
    growth = _rss_kib() - before
    assert decider.engine.live_sessions == 0
    # half a kilobyte kept per decision would already show
    assert growth < 4 * 1024, f"resident memory grew by {growth} KiB over 8,000 decisions"


def test_a_class_met_after_its_choice_was_let_go_gets_the_decision_already_held() -> None:
    """A choice still held (here by the table) is given again to a new class that makes it,
    after the choice cache let it go: one object, not an equal copy kept beside it."""
    # A choice memo room for one decision, a table for a few.
    decider = er.Decider(RULES, table_bytes=16 // CHOSEN_SHARE * (DECISION_BYTES + 400))
    plain = {"kind": "blocked_exits", "occurred_on": "2025-09-09"}
    decided = decider.decide(plain)
    decider.decide(plain | {"overdue": True})  # another choice: the first one is let go
    assert decider._merged.evicted and decided in decider._table._probation.values()
    # Stating a default is another table key, but the same violation and the same choice.
    again = decider.decide(plain | {"serious": False})
    assert again is decided
    assert er.Decider(RULES, cache_size=0).decide(plain | {"serious": False}) == decided


def test_a_small_table_budget_bounds_every_cache_and_changes_no_decision() -> None:
    """`table_bytes` bounds all the decider's caches together: the table (keys and the
    decisions it holds), the resolver's and the choice's memos, the rule groups' firings and
    the table key's memos. Under a budget far below what the facts would fill, each stays
    within its share, each lets entries go, and every decision is still the uncached one."""
    budget = 96 * 1024
    decider = er.Decider(RULES, table_bytes=budget)
    batch = sample_facts(600, seed=23)
    shares = {
        decider._table: TABLE_SHARE,
        decider._resolutions: RESOLVED_SHARE,
        decider._merged: CHOSEN_SHARE,
        decider._fired: FIRED_SHARE,
    }
    for _ in range(2):  # the second pass meets classes the first let go
        assert decider.decide_many(batch) == [UNCACHED.decide(fact) for fact in batch]
        for cache, share in shares.items():
            assert 0 < cache.bytes <= budget * share // 16
            assert cache.evicted
        assert 0 < decider._fast.bytes <= budget * KEY_SHARE // 16
        assert decider._fast._statics.evicted
        assert decider.cache_bytes <= budget


def test_the_firings_are_bounded_by_count_too() -> None:
    """`cache_size` bounds the rule groups' firings by count, whatever the budget leaves."""
    decider = er.Decider(RULES, cache_size=5)
    batch = sample_facts(200, seed=24)
    assert decider.decide_many(batch) == [UNCACHED.decide(fact) for fact in batch]
    assert len(decider._fired) == 5 and decider._fired.evicted


def test_an_uncovered_kind_is_refused_with_the_covered_ones() -> None:
    minimal = er.load_rules(Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules")
    with pytest.raises(er.UncoveredKindError) as caught:
        er.decide({"kind": "no_safety_funding", "occurred_on": "2022-01-01"}, rules=minimal)
    assert caught.value.covered == ("blocked_exits", "no_safety_staff")


def test_a_date_before_any_encoded_law_is_refused() -> None:
    with pytest.raises(er.NoApplicableLawError, match="1999-05-01"):
        er.decide({"kind": "blocked_exits", "occurred_on": "1999-05-01"}, rules=RULES)


def test_an_unknown_kind_is_a_fact_error_listing_known_kinds() -> None:
    with pytest.raises(er.FactError) as caught:
        er.decide({"kind": "jaywalking", "occurred_on": "2022-01-01"}, rules=RULES)
    assert caught.value.field == "kind" and "blocked_exits" in str(caught.value.allowed)


def test_a_bad_fact_in_a_batch_names_its_position_and_decides_nothing() -> None:
    decider = er.Decider(RULES)
    with pytest.raises(er.FactError) as caught:
        decider.decide_many([sample_facts(1)[0], {"kind": "blocked_exits", "occurred_on": "x"}])
    assert "in fact #1" in caught.value.__notes__


@given(st.sampled_from([k for k in RULES.covered_kinds if RULES.covers(k, dt.date(2016, 6, 1))]))
def test_a_violation_object_is_accepted_as_facts(kind: str) -> None:
    violation = er.Violation.from_dict({"kind": kind, "occurred_on": "2016-06-01", "deaths": 1})
    assert er.decide(violation, rules=RULES) == er.decide(violation.to_dict(), rules=RULES)
