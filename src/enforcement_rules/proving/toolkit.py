"""Hypothesis strategies over a loaded rule set (needs the `test` extra: hypothesis).

from enforcement_rules.testing import facts
@given(facts(rules))
def test_total(fact): ...
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ..contract.decision import Decision
from ..contract.errors import FactError, FactErrors
from ..contract.facts import Violation
from ..contract.vocabulary import (
    AccidentGrade,
    Circumstance,
    Hazard,
    LicenceStatus,
    PenaltyBasis,
    Sector,
)
from ..deciding.decider import Decider
from ..deciding.severity import MORE_SERIOUS, is_lighter, keeps_measures
from ..rulebook.model import Rule, RuleSet

_BOOLEANS = (
    "correctable_on_site",
    "activity_ongoing",
    "workers_in_danger",
    "nonconforming_equipment",
    "overdue",
    "serious",
    "fined_and_refuses",
    "harmful_consequences",
)


@st.composite
def facts(
    draw: st.DrawFn,
    rules: RuleSet,
    *,
    kinds: tuple[str, ...] | None = None,
    until: dt.date = dt.date(2026, 12, 31),
) -> dict[str, Any]:
    """Valid facts (JSON form) of a covered kind, on a day some encoded version covers for that
    kind and no instrument declares it not encoded (`RuleSet.covered_spans`)."""
    spans = {kind: rules.covered_spans(kind, until) for kind in kinds or rules.covered_kinds}
    kind = draw(st.sampled_from(sorted(kind for kind, found in spans.items() if found)))
    first, last = draw(st.sampled_from(spans[kind]))
    occurred = draw(st.dates(min_value=first, max_value=last))
    discovered = occurred + dt.timedelta(days=draw(st.integers(0, 900)))
    decided = discovered + dt.timedelta(days=draw(st.integers(0, 400)))
    fact: dict[str, Any] = {
        "kind": kind,
        "occurred_on": occurred.isoformat(),
        "discovered_on": discovered.isoformat(),
        "decided_on": decided.isoformat(),
        "sector": draw(st.sampled_from(Sector.codes())),
        "hazard": draw(st.sampled_from(Hazard.codes())),
        "safety_assured": draw(st.booleans()),
        "illegal_income_yuan": draw(
            st.none() | st.floats(min_value=0, max_value=5_000_000, allow_nan=False)
        ),
        "circumstances": sorted(draw(st.sets(st.sampled_from(Circumstance.codes())))),
    }
    for name in _BOOLEANS:
        fact[name] = draw(st.booleans())
    fact["especially_serious"] = draw(st.booleans())
    fact["licence_status"] = draw(st.sampled_from(LicenceStatus.codes()))
    fact["annual_income_yuan"] = draw(
        st.none() | st.floats(min_value=0, max_value=3_000_000, allow_nan=False)
    )
    fact.update(draw(_accident(rules.kinds[fact["kind"]].needs)))
    return fact


@st.composite
def _accident(draw: st.DrawFn, needs: tuple[str, ...]) -> dict[str, Any]:
    """An accident's figures, or (with no figures) a stated grade: a stated grade never
    contradicts figures. A kind that needs the grade gets one or the other."""
    if draw(st.booleans()) and needs:
        return {"accident_grade": draw(st.sampled_from(AccidentGrade.codes()))}
    figures = {
        "deaths": draw(st.sampled_from((0, 1, 2, 3, 9, 10, 29, 30, 31)) | st.integers(0, 60)),
        "serious_injuries": draw(
            st.sampled_from((0, 9, 10, 49, 50, 99, 100)) | st.integers(0, 150)
        ),
        "direct_loss_yuan": draw(
            st.sampled_from((0, 9_999_999, 10_000_000, 50_000_000, 100_000_000))
            | st.floats(min_value=0, max_value=200_000_000, allow_nan=False)
        ),
    }
    if needs and not any(figures.values()):
        figures["deaths"] = 1
    return figures


_BAD_VALUES: dict[str, list[Any]] = {
    "kind": [7, "", "Not A Kind", "jaywalking"],
    "occurred_on": ["2024-02-30", "01/03/2024", 20240301, None],
    "sector": ["space", 3],
    "hazard": ["huge", True],
    "overdue": ["yes", 1, None],
    "illegal_income_yuan": [-1, "100", True],
    "circumstances": ["first_offence", ["luck"]],
    "deaths": [-1, 1.5, "3"],
    "accident_grade": ["huge", 2],
    "licence_status": ["lost"],
    "colour": ["red"],  # not a field at all
}


@st.composite
def invalid_facts(draw: st.DrawFn, rules: RuleSet) -> tuple[dict[str, Any], str]:
    """A valid fact with exactly one field spoiled, and the name of that field."""
    fact = draw(facts(rules))
    field = draw(st.sampled_from(sorted(_BAD_VALUES)))
    fact[field] = draw(st.sampled_from(_BAD_VALUES[field]))
    return fact, field


def assert_rejected(rules: RuleSet, fact: dict[str, Any], field: str) -> None:
    """The spoiled field is named by the error (alone or among several)."""
    try:
        Violation.from_dict(fact, kinds=rules.kinds)
    except FactErrors as errors:
        assert any(error.field.split("[")[0] == field for error in errors.errors), errors
    except FactError as error:
        assert error.field.split("[")[0] == field, error
    else:
        raise AssertionError(f"a bad {field!r} was accepted: {fact[field]!r}")


def applied_penalty_rules(rules: RuleSet, decision: Decision) -> list[Rule]:
    """The penalty rules a decision applied: fired, and not set aside for another instrument's
    (法条竞合). A decision chosen party by party (从旧兼从轻) may apply one per version."""
    return [
        rules.rule(step.rule_id)
        for step in decision.trace
        if step.decides == "penalty" and step.not_applied is None and not step.fills
    ]


def filling_rules(rules: RuleSet, decision: Decision) -> list[Rule]:
    """The penalty rules that lost to a higher instrument's but fine the parties it does not."""
    return [rules.rule(step.rule_id) for step in decision.trace if step.fills]


def assert_total(decider: Decider, fact: dict[str, Any]) -> Decision:
    """Exactly one decision; under each law version considered, exactly one penalty rule
    applied; an on-site measure; and a basis for an empty penalty list."""
    decision = decider.decide(fact)
    for candidate in decision.candidates:
        deciding = applied_penalty_rules(decider.rules, candidate.decision)
        assert len(deciding) == 1, [rule.id for rule in deciding]
    assert decision.measures or _no_duty_yet(decider.rules, decision, fact), (
        "every detected violation gets an on-site measure"
    )
    assert decision.penalties or decision.penalty_basis is not None
    return decision


def _no_duty_yet(rules: RuleSet, decision: Decision, fact: dict[str, Any]) -> bool:
    """A finding with no provision, inspected before any encoded instrument gives the bureau its
    general on-site powers (a measure rule that names no kind): nothing obliges a measure yet."""
    if decision.penalty_basis is not PenaltyBasis.NO_PROVISION:
        return False
    day = dt.date.fromisoformat(fact.get("discovered_on", fact["occurred_on"]))
    return not any(
        rule.then.measures and not rule.named_kinds() and rule.provision.in_force_on(day)
        for rule in rules.rules
    )


def assert_deterministic(decider: Decider, fact: dict[str, Any]) -> None:
    """A decider without caches decides the same as `decider` (with whatever it has cached)."""
    assert uncached(decider.rules).decide(fact).to_dict() == decider.decide(fact).to_dict()


_uncached: list[Decider] = []  # the last few, newest last
_UNCACHED_KEPT = 4


def uncached(rules: RuleSet) -> Decider:
    """The rule set's decider without caches (`cache_size=0`: no table, no class caches), made
    once for the last few rule sets asked for: it keeps no decision between facts, so one
    serves every comparison, and a property run does not compile the engine again for each
    example."""
    for found in _uncached:
        if found.rules is rules:
            return found
    made = Decider(rules, cache_size=0)
    _uncached.append(made)
    del _uncached[:-_UNCACHED_KEPT]
    return made


def assert_monotonic(decider: Decider, fact: dict[str, Any]) -> None:
    """A more serious fact never gets a lighter penalty nor loses an on-site measure."""
    base = decider.decide(fact)
    for field, order in MORE_SERIOUS.items():
        position = order.index(fact.get(field, order[0]))
        for worse in order[position + 1 :]:
            serious = decider.decide({**fact, field: worse})
            assert keeps_measures(serious, base), (field, worse)
            if field in ("overdue", "serious"):
                assert not is_lighter(serious, base), (field, worse)


def assert_fines_within_range(decider: Decider, fact: dict[str, Any]) -> None:
    """Every fine lies inside the range of the rule that decided it (the penalty rule applied,
    or filling a party, under the law version the fine stands under), and of that rule's
    article; an income share's yuan bounds are that share of the income stated."""
    decision = decider.decide(fact)
    by_version: dict[str, list[Rule]] = {}
    for candidate in decision.candidates:
        for rule in applied_penalty_rules(decider.rules, candidate.decision) + filling_rules(
            decider.rules, candidate.decision
        ):
            found = by_version.setdefault(rule.provision.law_version, [])
            if rule not in found:  # one rule applied under both candidates is one rule
                found.append(rule)
    income = fact.get("illegal_income_yuan") or 0.0
    annual = fact.get("annual_income_yuan")
    for fine in decision.fines:
        rules = [
            rule
            for rule in by_version[str(fine.law_version)]
            if any(f.target is fine.target for f in rule.then.fines)
        ]
        assert len(rules) == 1, (fine, [rule.id for rule in rules])
        (rule,) = rules
        stated = {
            f.target: f.for_income(income).for_annual_income(annual) for f in rule.then.fines
        }[fine.target]
        assert stated.amount_known == fine.amount_known, fine
        assert stated.min_yuan <= fine.min_yuan <= fine.max_yuan <= stated.max_yuan, fine
        limits = rule.provision.fine_limits
        if limits is not None and stated.income_multiple is None and stated.amount_known:
            assert fine.max_yuan <= limits.get(fine.target.value, 0.0), (fine, limits)
