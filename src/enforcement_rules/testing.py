"""Hypothesis strategies over a loaded rule set (needs the `test` extra: hypothesis).

from enforcement_rules.testing import facts
@given(facts(rules))
def test_total(fact): ...
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from .model import RuleSet
from .vocabulary import Circumstance, Hazard, Sector

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
