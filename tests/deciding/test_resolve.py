"""Resolution policy: adjustments, limitation, daily fine, fines by income, procedure."""

from __future__ import annotations

import shutil
from pathlib import Path

import enforcement_rules as er

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

INCOME_RULES = """\
law: demo_law
version: 2020-01-01
in_force: {from: 2020-01-01}
provision: {article: 3, title: 第三条 (article three)}
source: test fixture
review: verified
rules:
  - id: demo-income
    title: 按违法所得倍数罚款 (fine by income multiple)
    when:
      kind: no_safety_funding
      illegal_income_yuan: {gte: 100000}
    then:
      penalties: [fine, confiscation]
      fines: [{target: unit, min_income_multiple: 1, max_income_multiple: 5}]
    examples:
      - name: 所得二十万 (income 200,000)
        facts: {kind: no_safety_funding, occurred_on: 2021-01-01, illegal_income_yuan: 200000}
        expect: {fines: [{target: unit, min_yuan: 200000, max_yuan: 1000000}]}
  - id: demo-no-income
    title: 无违法所得或不足十万 (no or small income)
    when:
      kind: no_safety_funding
      any:
        - illegal_income_yuan: {exists: false}
        - illegal_income_yuan: {lt: 100000}
    then:
      penalties: [fine]
      fines: [{target: unit, max_yuan: 2000}]
    examples:
      - name: 无所得 (no income)
        facts: {kind: no_safety_funding, occurred_on: 2021-01-01}
        expect: {fines: [{target: unit, max_yuan: 2000}], procedure: summary}
"""


def income_rules(tmp_path: Path) -> er.RuleSet:
    root = tmp_path / "rules"
    shutil.copytree(FIXTURES / "minimal_rules", root)
    (root / "demo_law" / "2020" / "art003_income.yaml").write_text(INCOME_RULES, "utf-8")
    return er.load_rules(root)


def test_fines_by_income_are_in_yuan_for_each_fact_despite_the_class_cache(tmp_path: Path) -> None:
    decider = er.Decider(income_rules(tmp_path))
    base = {"kind": "no_safety_funding", "occurred_on": "2021-01-01"}
    first, second = decider.decide_many(
        [{**base, "illegal_income_yuan": 200000}, {**base, "illegal_income_yuan": 300000}]
    )
    assert (first.fines[0].min_yuan, first.fines[0].max_yuan) == (200000, 1000000)
    assert (second.fines[0].min_yuan, second.fines[0].max_yuan) == (300000, 1500000)
    assert first.to_dict()["fines"] == [
        {
            "target": "unit",
            "min_yuan": 200000,
            "max_yuan": 1000000,
            "mandatory": True,
            "law_version": "demo_law@2020-01-01",
        }
    ]
    assert first.hearing is er.Hearing.REQUIRED and first.procedure is er.Procedure.GENERAL
    assert any("illegal income of 200,000 yuan" in note for note in first.notes)
    small = decider.decide({**base, "illegal_income_yuan": 500})
    assert small.procedure is er.Procedure.SUMMARY and small.hearing is er.Hearing.NO


def test_exemption_removes_the_penalty_but_keeps_the_measures() -> None:
    facts = {
        "kind": "blocked_exits",
        "occurred_on": "2022-04-01",
        "hazard": "general",
        "circumstances": ["minor_violation", "corrected_promptly"],
    }
    decision = DECIDER.decide(facts)
    assert decision.penalty_adjustment is er.PenaltyAdjustment.EXEMPT
    assert decision.penalties == () and decision.fines == ()
    assert decision.procedure is None and decision.hearing is er.Hearing.NO
    assert er.Measure.STOP_IMMEDIATELY in decision.measures
    assert any(
        c.law == "administrative_penalty_law" and c.article == 33 for c in decision.legal_basis
    )


def test_the_heaviest_adjustment_wins() -> None:
    decision = DECIDER.decide(
        {
            "kind": "blocked_exits",
            "occurred_on": "2022-04-01",
            "circumstances": ["coerced", "minor_violation", "corrected_promptly"],
        }
    )
    assert decision.penalty_adjustment is er.PenaltyAdjustment.EXEMPT
    assert {"apl2021-32-lighter", "apl2021-33-exempt-minor"} <= set(decision.rules_fired)


def test_harm_prevents_the_minor_violation_exemption() -> None:
    decision = DECIDER.decide(
        {
            "kind": "blocked_exits",
            "occurred_on": "2022-04-01",
            "harmful_consequences": True,
            "circumstances": ["minor_violation", "corrected_promptly"],
        }
    )
    assert decision.penalty_adjustment is er.PenaltyAdjustment.NONE and decision.penalties


def test_the_limitation_period_counts_to_discovery_by_the_law_then_in_force() -> None:
    in_time = {
        "kind": "no_safety_staff",
        "occurred_on": "2012-03-01",
        "discovered_on": "2014-03-01",
    }
    late = {**in_time, "discovered_on": "2014-03-02"}
    assert DECIDER.decide(in_time).penalty_adjustment is er.PenaltyAdjustment.NONE
    decision = DECIDER.decide(late)
    assert decision.penalty_adjustment is er.PenaltyAdjustment.TIME_BARRED
    assert "apl1996-29-limitation" in decision.rules_fired
    assert decision.measures == (er.Measure.CORRECT_BY_DEADLINE,)


def test_harm_extends_the_limitation_to_five_years_under_the_2021_law() -> None:
    facts = {
        "kind": "no_safety_staff",
        "occurred_on": "2020-03-01",
        "discovered_on": "2024-03-01",
        "harmful_consequences": True,
    }
    assert DECIDER.decide(facts).penalty_adjustment is er.PenaltyAdjustment.NONE
    later = DECIDER.decide({**facts, "discovered_on": "2025-03-02"})
    assert later.penalty_adjustment is er.PenaltyAdjustment.TIME_BARRED


def test_the_daily_fine_needs_a_fine_and_the_2021_law() -> None:
    refusing = {"kind": "blocked_exits", "occurred_on": "2022-04-01", "fined_and_refuses": True}
    assert DECIDER.decide(refusing).daily_fine is True
    assert DECIDER.decide({**refusing, "occurred_on": "2020-04-01"}).daily_fine is False
    exempt = {**refusing, "circumstances": ["no_fault"]}
    assert DECIDER.decide(exempt).daily_fine is False
