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
from ..contract.vocabulary import Circumstance, Hazard, Sector
from ..deciding.decider import Decider
from ..deciding.severity import MORE_SERIOUS, is_lighter, keeps_measures
from ..rulebook.model import RuleSet

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


def _earliest(rules: RuleSet) -> dt.date:
    """The first day on which some penalty rule is in force."""
    return min(rule.provision.in_force_from for rule in rules.rules if rule.then.decides_penalty)


@st.composite
def facts(
    draw: st.DrawFn,
    rules: RuleSet,
    *,
    kinds: tuple[str, ...] | None = None,
    until: dt.date = dt.date(2026, 12, 31),
) -> dict[str, Any]:
    """Valid facts (JSON form) of a covered kind, on dates some encoded law version covers."""
    occurred = draw(st.dates(min_value=_earliest(rules), max_value=until))
    discovered = occurred + dt.timedelta(days=draw(st.integers(0, 900)))
    decided = discovered + dt.timedelta(days=draw(st.integers(0, 400)))
    fact: dict[str, Any] = {
        "kind": draw(st.sampled_from(kinds or rules.covered_kinds)),
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
    return fact


_BAD_VALUES: dict[str, list[Any]] = {
    "kind": [7, "", "Not A Kind", "jaywalking"],
    "occurred_on": ["2024-02-30", "01/03/2024", 20240301, None],
    "sector": ["space", 3],
    "hazard": ["huge", True],
    "overdue": ["yes", 1, None],
    "illegal_income_yuan": [-1, "100", True],
    "circumstances": ["first_offence", ["luck"]],
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


def assert_total(decider: Decider, fact: dict[str, Any]) -> Decision:
    """Exactly one decision, from exactly one penalty rule, with an on-site measure."""
    decision = decider.decide(fact)
    deciding = [i for i in decision.rules_fired if decider.rules.rule(i).then.decides_penalty]
    assert len(deciding) == 1, deciding
    assert decision.measures, "every detected violation gets an on-site measure"
    return decision


def assert_deterministic(decider: Decider, fact: dict[str, Any]) -> None:
    """A fresh decider, without caches, decides the same."""
    fresh = Decider(decider.rules, cache_size=0)
    assert fresh.decide(fact).to_dict() == decider.decide(fact).to_dict()


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
    """Every fine lies inside the range of the rule that decided it, and of its article."""
    decision = decider.decide(fact)
    rule = next(
        decider.rules.rule(i)
        for i in decision.rules_fired
        if decider.rules.rule(i).then.decides_penalty
    )
    income = fact.get("illegal_income_yuan") or 0.0
    allowed = {fine.target: fine.for_income(income) for fine in rule.then.fines}
    limits = rule.provision.fine_limits
    for fine in decision.fines:
        stated = allowed[fine.target]
        assert stated.min_yuan <= fine.min_yuan <= fine.max_yuan <= stated.max_yuan, fine
        if limits is not None and stated.income_multiple is None:
            assert fine.max_yuan <= limits.get(fine.target.value, 0.0), (fine, limits)
