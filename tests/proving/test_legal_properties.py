"""Legal invariants over generated facts (hypothesis): totality, a legal basis, monotonicity."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules.deciding.severity import is_lighter, keeps_measures, penalty_weight
from enforcement_rules.testing import applied_penalty_rules, facts

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.exhaustive  # 400 examples each: run once in CI (on 3.11), see pyproject
@SETTINGS
@given(facts(RULES))
def test_every_fact_gets_exactly_one_decision_from_exactly_one_penalty_rule(
    fact: dict[str, Any],
) -> None:
    decision = DECIDER.decide(fact)
    for candidate in decision.candidates:  # each version considered: one penalty rule applied
        assert len(applied_penalty_rules(RULES, candidate.decision)) == 1
    deciding = {rule.id for rule in applied_penalty_rules(RULES, decision)}
    assert 1 <= len(deciding) <= len(decision.candidates)  # per party, from the one applied
    for step in decision.trace:  # a rule set aside for another instrument says why
        if step.decides == "penalty" and step.rule_id not in deciding:
            assert step.not_applied or step.fills, step
    if decision.penalty_basis is er.PenaltyBasis.NO_PROVISION and not decision.measures:
        # What the text in force makes no violation of gets no measure by it either: a missing
        # safe-use licence (created in 2011) found before the Work Safety Law's general powers
        # of inspection (2002-11-01), under the 2002 chemicals regulation (from 2002-03-15).
        return
    assert decision.measures, "every detected violation gets an on-site measure"
    assert (er.Measure.CORRECT_ON_SITE in decision.measures) != (
        er.Measure.CORRECT_BY_DEADLINE in decision.measures
    )


@pytest.mark.exhaustive  # 400 examples each: run once in CI (on 3.11), see pyproject
@SETTINGS
@given(facts(RULES))
def test_no_fact_of_a_covered_kind_is_left_without_a_legal_basis(fact: dict[str, Any]) -> None:
    decision = DECIDER.decide(fact)
    for candidate in decision.candidates:
        if not candidate.parties:
            continue  # the other version applied to every party
        (penalty_rule,) = applied_penalty_rules(RULES, candidate.decision)
        if penalty_rule.then.no_provision:
            assert not candidate.decision.penalties and decision.notes, "no provision, said"
        else:
            assert any(
                c.law == penalty_rule.provision.law and c.article == penalty_rule.provision.article
                for c in decision.legal_basis
            )
        if er.FineTarget.UNIT in candidate.parties:
            assert decision.law_version == penalty_rule.provision.law_version
    assert (decision.procedure is None) == (not decision.penalties)
    if not decision.penalties:
        assert decision.penalty_basis is not None


@pytest.mark.exhaustive  # 400 examples each: run once in CI (on 3.11), see pyproject
@SETTINGS
@given(facts(RULES))
def test_overdue_never_yields_a_milder_outcome_than_the_first_finding(fact: dict[str, Any]) -> None:
    first = DECIDER.decide({**fact, "overdue": False})
    overdue = DECIDER.decide({**fact, "overdue": True})
    assert not is_lighter(overdue, first), (penalty_weight(overdue), penalty_weight(first))
    assert keeps_measures(overdue, first)


@pytest.mark.exhaustive  # 400 examples each: run once in CI (on 3.11), see pyproject
@SETTINGS
@given(facts(RULES))
def test_a_more_dangerous_situation_never_loses_a_measure(fact: dict[str, Any]) -> None:
    base = DECIDER.decide(fact)
    worse = [
        {"hazard": "major" if fact["hazard"] != "none" else "general"},
        {"workers_in_danger": True},
        {"safety_assured": False},
        {"nonconforming_equipment": True},
        {"activity_ongoing": True},
    ]
    for change in worse:
        assert keeps_measures(DECIDER.decide({**fact, **change}), base), change


def test_severity_weighs_category_before_ceiling() -> None:
    fine = er.FineRange(er.FineTarget.UNIT, 0, 500_000)
    decision = DECIDER.decide({"kind": "blocked_exits", "occurred_on": "2022-01-01"})
    heavy_fine = attrs.evolve(decision, penalties=(er.Penalty.FINE,), fines=(fine,))
    suspension = attrs.evolve(
        decision, penalties=(er.Penalty.SUSPENSION_FOR_RECTIFICATION,), fines=()
    )
    assert is_lighter(heavy_fine, suspension)
