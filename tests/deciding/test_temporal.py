"""从旧兼从轻, party by party: each party keeps the version at occurrence unless the version at the
decision is lighter for that party (APL 2021 Art. 37; the unit and each person are separate
parties). A later version never adds a party, a category or a heavier range."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules import FineTarget
from enforcement_rules.deciding.severity import PARTIES, is_lighter, party_weight
from enforcement_rules.testing import facts

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
V2002, V2014, V2021 = (f"work_safety_law@{d}" for d in ("2002-11-01", "2014-12-01", "2021-09-01"))


def fines_of(decision: er.Decision) -> dict[str, tuple[float, float, str | None]]:
    return {f.target.value: (f.min_yuan, f.max_yuan, f.law_version) for f in decision.fines}


def test_the_unit_and_the_persons_take_different_versions_across_2021_09_01() -> None:
    # 2014 Art. 99 refusal: suspension + unit 100k–500k + persons 20k–50k;
    # 2021 Art. 102 refusal: suspension + persons 50k–100k, no unit fine.
    decision = DECIDER.decide(
        {
            "kind": "hazard_not_eliminated",
            "occurred_on": "2020-05-01",
            "decided_on": "2022-03-01",
            "overdue": True,
        }
    )
    assert decision.law_version == V2021  # the unit's version
    assert fines_of(decision) == {"responsible_persons": (20000, 50000, V2014)}
    assert decision.penalties == (er.Penalty.FINE, er.Penalty.SUSPENSION_FOR_RECTIFICATION)
    old, new = decision.candidates
    assert (old.law_version, new.law_version) == (V2014, V2021)
    assert old.parties == (FineTarget.RESPONSIBLE_PERSONS,) and new.parties == (FineTarget.UNIT,)
    assert any("逐一当事人" in note and "party by party" in note for note in decision.notes)
    assert {(c.law, c.article) for c in decision.legal_basis} >= {
        ("work_safety_law", 99),
        ("work_safety_law", 102),
        ("administrative_penalty_law", 37),
    }
    shown = decision.to_dict(trace=True)["candidates"]
    assert [c["applied_to"] for c in shown] == [["responsible_persons"], ["unit"]]


def test_a_later_version_never_adds_a_party_across_2014_12_01() -> None:
    # 2002 Art. 83 overdue: suspension + unit up to 50k, nothing on persons;
    # 2014 Art. 96 overdue: unit 50k–200k + persons 10k–20k, no suspension.
    decision = DECIDER.decide(
        {
            "kind": "equipment_nonstandard",
            "occurred_on": "2013-09-01",
            "decided_on": "2014-12-01",
            "overdue": True,
        }
    )
    assert fines_of(decision) == {"unit": (50000, 200000, V2014)}  # no fine on the persons
    assert decision.penalties == (er.Penalty.FINE,)  # the unit's lighter version: no suspension
    old, new = decision.candidates
    assert old.parties == (FineTarget.RESPONSIBLE_PERSONS,) and new.parties == (FineTarget.UNIT,)


def test_a_heavier_later_law_does_not_apply() -> None:
    # 2002 Art. 82 first finding: order to correct only; 2014 Art. 94: a fine.
    decision = DECIDER.decide(
        {"kind": "no_safety_staff", "occurred_on": "2013-06-01", "decided_on": "2015-01-10"}
    )
    assert decision.law_version == V2002
    assert decision.penalties == () and decision.penalty_basis is er.PenaltyBasis.CORRECTION_FIRST
    assert [c.parties for c in decision.candidates] == [(FineTarget.UNIT,), ()]


def test_one_version_throughout_has_one_candidate_and_no_note() -> None:
    decision = DECIDER.decide(
        {"kind": "blocked_exits", "occurred_on": "2022-01-01", "decided_on": "2024-01-01"}
    )
    assert len(decision.candidates) == 1 and decision.candidates[0].applied
    assert not any("从旧兼从轻" in note for note in decision.notes)


@SETTINGS
@given(facts(RULES))
def test_per_party_the_version_applied_is_never_heavier_than_at_occurrence(
    fact: dict[str, Any],
) -> None:
    decision = DECIDER.decide(fact)
    at_occurrence = decision.candidates[0].decision
    for party in PARTIES:
        assert party_weight(decision, party) <= party_weight(at_occurrence, party), party


@SETTINGS
@given(facts(RULES))
def test_each_party_stands_under_the_candidate_that_names_it(fact: dict[str, Any]) -> None:
    decision = DECIDER.decide(fact)
    for fine in decision.fines:
        (source,) = [c for c in decision.candidates if fine.target in c.parties]
        assert fine.law_version in {
            source.law_version,
            *(RULES.rule(s.rule_id).provision.law_version for s in source.decision.trace),
        }
        assert fine in [f for f in source.decision.fines if f.target is fine.target]
        if source is not decision.candidates[0]:  # taken from the later version: lighter
            earlier = decision.candidates[0].decision
            assert party_weight(source.decision, fine.target) < party_weight(earlier, fine.target)


@SETTINGS
@given(facts(RULES))
def test_a_later_decision_date_never_makes_the_outcome_heavier(fact: dict[str, Any]) -> None:
    decision = DECIDER.decide(fact)
    assert not is_lighter(decision.candidates[0].decision, decision)
