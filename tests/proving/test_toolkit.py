"""The property toolkit, applied to the bundled rules as a bureau would to its own."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules.testing import (
    assert_deterministic,
    assert_fines_within_range,
    assert_monotonic,
    assert_rejected,
    assert_total,
    facts,
    invalid_facts,
)

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.exhaustive
@SETTINGS
@given(facts(RULES))
def test_the_legal_invariants_hold(fact: dict[str, Any]) -> None:
    assert_total(DECIDER, fact)
    assert_deterministic(DECIDER, fact)
    assert_monotonic(DECIDER, fact)
    assert_fines_within_range(DECIDER, fact)


@SETTINGS
@given(invalid_facts(RULES))
def test_every_spoiled_field_is_named(case: tuple[dict[str, Any], str]) -> None:
    fact, field = case
    assert_rejected(RULES, fact, field)
