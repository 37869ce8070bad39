"""从旧兼从轻: the version at occurrence applies unless the one at the decision is lighter."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules.deciding.severity import is_lighter
from enforcement_rules.testing import facts

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_a_lighter_later_law_applies_with_both_candidates_shown() -> None:
    # 2014 Art. 99 refusal: suspension + unit 100k–500k; 2021 Art. 102: suspension + persons only.
    decision = DECIDER.decide(
        {
            "kind": "hazard_not_eliminated",
            "occurred_on": "2020-05-01",
            "decided_on": "2022-03-01",
            "overdue": True,
        }
    )
    assert decision.law_version == "work_safety_law@2021-09-01"
    assert [c.law_version for c in decision.candidates] == [
        "work_safety_law@2014-12-01",
        "work_safety_law@2021-09-01",
    ]
    assert [c.applied for c in decision.candidates] == [False, True]
    assert any("从旧兼从轻" in note for note in decision.notes)
    assert any(
        c.article == 37 and c.law == "administrative_penalty_law" for c in decision.legal_basis
    )
    assert decision.to_dict(trace=True)["candidates"][1]["applied"] is True


def test_a_heavier_later_law_does_not_apply() -> None:
    # 2002 Art. 82 first finding: order to correct only; 2014 Art. 94: a fine.
    decision = DECIDER.decide(
        {"kind": "no_safety_staff", "occurred_on": "2013-06-01", "decided_on": "2015-01-10"}
    )
    assert decision.law_version == "work_safety_law@2002-11-01"
    assert decision.penalties == ()
    assert [c.applied for c in decision.candidates] == [True, False]
    assert any("the later one is not lighter" in note for note in decision.notes)


def test_one_version_throughout_has_one_candidate_and_no_note() -> None:
    decision = DECIDER.decide(
        {"kind": "blocked_exits", "occurred_on": "2022-01-01", "decided_on": "2024-01-01"}
    )
    assert len(decision.candidates) == 1 and decision.candidates[0].applied
    assert not any("从旧兼从轻" in note for note in decision.notes)


@SETTINGS
@given(facts(RULES))
def test_the_version_applied_is_the_one_at_occurrence_or_a_lighter_one_at_decision(
    fact: dict[str, Any],
) -> None:
    decision = DECIDER.decide(fact)
    at_occurrence, *later = decision.candidates
    applied = [c for c in decision.candidates if c.applied]
    assert len(applied) == 1 and applied[0].law_version == decision.law_version
    if not at_occurrence.applied:
        (at_decision,) = later
        assert is_lighter(at_decision.decision, at_occurrence.decision)


@SETTINGS
@given(facts(RULES))
def test_a_later_decision_date_never_makes_the_outcome_heavier(fact: dict[str, Any]) -> None:
    decision = DECIDER.decide(fact)
    assert not is_lighter(decision.candidates[0].decision, decision)
