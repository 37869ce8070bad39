"""Decision-level properties of `check`: each can fail, and the bundled rule set passes them on
every transition day."""

from __future__ import annotations

import datetime as dt

import attrs

import enforcement_rules as er
from enforcement_rules.contract.citation import Citation
from enforcement_rules.proving.decisions import (
    citation_windows,
    problems,
    transition_days,
    transition_facts,
)
from enforcement_rules.proving.verify import verify

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
WINDOWS = citation_windows(RULES)


def categories(decision: er.Decision, fact: dict[str, str]) -> set[str]:
    return {category for category, _, _ in problems(RULES, decision, fact, WINDOWS)}


def full(fact: dict[str, str]) -> dict[str, str]:
    return {"discovered_on": fact["occurred_on"], "decided_on": fact["occurred_on"], **fact}


def test_every_change_of_an_instrument_is_a_transition_day() -> None:
    days = transition_days(RULES)
    for day in ("2008-02-01", "2014-12-01", "2021-07-15", "2021-09-01", "2026-02-01", "2026-05-01"):
        assert dt.date.fromisoformat(day) in days


def test_each_class_is_decided_again_on_every_later_transition_day() -> None:
    variants = next(
        v for v in transition_facts(RULES, 1_000_000) if v[0]["occurred_on"] < "2005-01-01"
    )
    decided = {fact["decided_on"] for fact in variants[1:]}
    assert {"2014-12-01", "2021-09-01", "2026-02-01"} <= decided


def test_a_sound_decision_has_no_problem() -> None:
    fact = full(
        {"kind": "no_hazard_system", "occurred_on": "2013-06-02", "decided_on": "2015-01-05"}
    )
    assert categories(DECIDER.decide(fact), fact) == set()


def test_a_citation_outside_its_window_is_a_window_finding() -> None:
    fact = full({"kind": "blocked_exits", "occurred_on": "2022-06-02"})
    decision = DECIDER.decide(fact)
    repealed = Citation("penalty_measures", "2007-11-30", 14, 1, 1)
    assert categories(attrs.evolve(decision, legal_basis=(repealed,)), fact) == {"window"}


def test_a_referral_to_a_succeeded_instrument_is_a_window_finding() -> None:
    fact = full(
        {
            "kind": "hazmat_without_approval",
            "occurred_on": "2026-06-02",
            "sector": "hazardous_chemicals",
        }
    )
    decision = DECIDER.decide(fact)
    stale = attrs.evolve(decision, referred_to="hazardous_chemicals_regulation")
    assert "window" in categories(stale, fact)


def test_a_party_under_a_heavier_later_version_is_a_lighter_law_finding() -> None:
    fact = full(
        {"kind": "no_hazard_system", "occurred_on": "2013-06-02", "decided_on": "2015-01-05"}
    )
    decision = DECIDER.decide(fact)
    old, new = decision.candidates
    swapped = attrs.evolve(
        decision,
        candidates=(
            attrs.evolve(old, parties=()),
            attrs.evolve(new, parties=(er.FineTarget.UNIT,)),
        ),
    )
    assert "lighter_law" in categories(swapped, fact)


def test_an_empty_penalty_list_without_a_reason_is_a_basis_finding() -> None:
    fact = full({"kind": "no_hazard_system", "occurred_on": "2007-10-13"})
    decision = DECIDER.decide(fact)
    assert decision.penalties == ()
    unexplained = attrs.evolve(decision, penalty_basis=er.PenaltyBasis.DECIDED)
    assert categories(unexplained, fact) == {"basis"}
    nameless = attrs.evolve(decision, penalty_basis=er.PenaltyBasis.REFERRED, referred_to=None)
    assert categories(nameless, fact) == {"basis"}


def test_a_transfer_must_name_the_authority_and_cite_what_gives_it_the_finding() -> None:
    fact = full({"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "crowded_place"})
    decision = DECIDER.decide(fact)
    assert decision.penalty_basis is er.PenaltyBasis.NOT_COMPETENT
    assert categories(decision, fact) == set()
    assert categories(attrs.evolve(decision, competent_authority=None), fact) == {"basis"}
    uncited = tuple(c for c in decision.legal_basis if c.law != "fire_protection_law")
    assert categories(attrs.evolve(decision, legal_basis=uncited), fact) == {"basis"}


def test_the_bundled_rule_set_passes_every_decision_property() -> None:
    report = verify(RULES, run_rule_examples=False)
    for category in ("window", "lighter_law", "basis"):
        assert report.count(category) == 0, report.to_text()
