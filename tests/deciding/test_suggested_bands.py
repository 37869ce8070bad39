"""The benchmark's band on a decision (`suggested`): a tier chosen by each kind of tier fact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

import enforcement_rules as er
from enforcement_rules.contract import schemas

SHANXI = er.load_rules(benchmarks=["shanxi-2021"])
NATIONAL = er.load_rules()

ROW_99_1 = """
benchmark: {id}
title_zh: 测试基准
title_en: test benchmark
issuer: 测试局
document: 测试〔2023〕1号
scope: {{level: municipal, region: 测试市}}
in_force: {{from: '2022-01-01'}}
source: a test fixture, not a real benchmark
review: pending
rows:
  - id: r1
    number: 1
    law: work_safety_law
    version: '2021-06-10'
    article: 99
    item: 1
    kinds: [no_warning_signs]
    by: {by}
    complete: true
    text_zh: 测试
    tiers:
      - when: {first}
        text_zh: 较轻
        bands: {{first: {{unit: {{min_yuan: 0, max_yuan: 20000}}}}}}
      - when: {second}
        text_zh: 较重
        bands: {{first: {{unit: {{min_yuan: 20000, max_yuan: 50000}}}}}}
"""


def benchmark(tmp_path: Path, by: str, first: str, second: str) -> er.RuleSet:
    path = tmp_path / f"{by}.yaml"
    path.write_text(ROW_99_1.format(id=by.replace("_", "-"), by=by, first=first, second=second))
    return er.load_rules(benchmarks=[path])


def unit_band(decision: er.Decision) -> tuple[float, float, int]:
    (suggestion,) = decision.suggested
    assert suggestion.target is er.FineTarget.UNIT
    return suggestion.min_yuan, suggestion.max_yuan, suggestion.tier


FACT = {"kind": "no_warning_signs", "occurred_on": "2023-04-03"}


@pytest.mark.parametrize(
    ("by", "first", "second", "milder", "heavier"),
    [
        ("instances", "{min: 1, max: 2}", "{min: 3}", 2, 3),
        ("employees", "{max: 99}", "{min: 100}", 99, 100),
        ("duration_days", "{below: 30}", "{min: 30}", 29, 30),
        ("illegal_income_yuan", "{below: 10000}", "{min: 10000}", 9999.99, 10000),
        ("repeat_offence", "false", "true", False, True),
        ("corrected_before_decision", "true", "false", True, False),
        ("harmful_consequences", "false", "true", False, True),
    ],
)
def test_a_tier_is_chosen_by_each_kind_of_tier_fact(
    tmp_path: Path, by: str, first: str, second: str, milder: Any, heavier: Any
) -> None:
    rules = benchmark(tmp_path, by, first, second)
    assert unit_band(er.decide({**FACT, by: milder}, rules=rules)) == (0, 20000, 1)
    assert unit_band(er.decide({**FACT, by: heavier}, rules=rules)) == (20000, 50000, 2)


def test_the_bundled_shanxi_row_by_places() -> None:
    for places, band in ((1, (10000, 10000, 1)), (3, (20000, 30000, 3)), (9, (30000, 50000, 5))):
        decision = er.decide({**FACT, "instances": places}, rules=SHANXI)
        assert unit_band(decision) == band
        # the statutory range stays as the law gives it
        assert [(f.min_yuan, f.max_yuan) for f in decision.fines] == [(0, 50000)]
    overdue = er.decide({**FACT, "instances": 2, "overdue": True}, rules=SHANXI)
    assert [(s.min_yuan, s.max_yuan) for s in overdue.suggested] == [(50000, 80000)]
    assert overdue.suggested[0].row_number == "十九"
    assert overdue.suggested[0].review == "pending"


def test_the_bundled_shanxi_row_by_headcount_at_the_refusal_stage() -> None:
    facts = {"kind": "obstructing_inspection", "occurred_on": "2023-04-03", "overdue": True}
    small = er.decide({**facts, "employees": 100}, rules=SHANXI)
    large = er.decide({**facts, "employees": 101}, rules=SHANXI)
    assert [(s.target.value, s.min_yuan, s.max_yuan) for s in small.suggested] == [
        ("unit", 20000, 100000),
        ("responsible_persons", 10000, 20000),
    ]
    assert [s.tier for s in large.suggested] == [2, 2]
    assert large.suggested[0].min_yuan == 100000


def test_a_provincial_benchmark_applies_only_where_selected_and_in_force() -> None:
    facts = {**FACT, "instances": 3}
    assert er.decide(facts, rules=NATIONAL).suggested == ()
    assert er.decide(facts, rules=SHANXI).suggested != ()
    # it lapsed when MEM's benchmark was issued (2024-11-01)
    late = {**facts, "occurred_on": "2024-12-02"}
    assert er.decide(late, rules=SHANXI).suggested == ()


def test_the_national_row_read_and_the_tiers_not_read() -> None:
    facts = {"kind": "uncertified_special_worker", "occurred_on": "2025-02-03", "instances": 1}
    decision = er.decide(facts, rules=NATIONAL)
    assert unit_band(decision) == (0, 30000, 1)
    assert decision.suggested[0].benchmark == "national-2024"
    two = er.decide({**facts, "instances": 2}, rules=NATIONAL)
    assert two.suggested == ()
    assert any("instances = 2" in note for note in two.notes)
    unstated = er.decide({k: v for k, v in facts.items() if k != "instances"}, rules=NATIONAL)
    assert unstated.suggested == () and any("not stated" in n for n in unstated.notes)
    # decided before the benchmark was issued: none
    early = {**facts, "occurred_on": "2024-06-03"}
    assert er.decide(early, rules=NATIONAL).suggested == ()


def test_a_more_local_benchmark_prevails(tmp_path: Path) -> None:
    local = tmp_path / "local.yaml"
    local.write_text(
        ROW_99_1.format(id="city", by="instances", first="{min: 1, max: 2}", second="{min: 3}")
    )
    rules = er.load_rules(benchmarks=["shanxi-2021", local])
    decision = er.decide({**FACT, "instances": 3}, rules=rules)
    assert decision.suggested[0].benchmark == "city"


def test_no_band_where_the_penalty_is_adjusted() -> None:
    facts = {**FACT, "instances": 3, "circumstances": ["coerced"]}
    decision = er.decide(facts, rules=SHANXI)
    if decision.penalty_adjustment is er.PenaltyAdjustment.NONE:
        pytest.fail("the circumstance should adjust the penalty")
    assert decision.suggested == ()
    assert any("裁量阶次未适用" in note for note in decision.notes)


def test_a_decision_with_suggested_matches_the_published_schema() -> None:
    decision = er.decide({**FACT, "instances": 3}, rules=SHANXI)
    data = decision.to_dict(trace=True)
    assert "suggested" in data
    jsonschema.validate(data, schemas.decision_schema())
    assert er.Decision.from_dict(decision.to_dict()) == decision


def test_inspection_bands_are_added_up() -> None:
    findings = [
        {**FACT, "instances": 3},
        {**FACT, "kind": "obstructing_inspection", "overdue": True, "employees": 20},
        {**FACT, "kind": "equipment_not_maintained"},
    ]
    decided = er.decide_inspection({"findings": findings[:2]}, rules=SHANXI)
    assert decided.combined is not None
    bands = {
        band.target.value: (band.min_yuan, band.max_yuan) for band in decided.combined.suggested
    }
    assert bands == {"unit": (40000, 130000), "responsible_persons": (10000, 20000)}
    partial = er.decide_inspection({"findings": findings}, rules=SHANXI).combined
    assert partial is not None
    assert [band.target.value for band in partial.suggested] == ["responsible_persons"]
    assert any("no combined band" in note for note in partial.notes)
