"""The property toolkit for your own rule sets: hypothesis strategies and legal assertions.

The public path of `proving.toolkit` (needs the `test` extra: hypothesis).

from enforcement_rules.testing import facts
@given(facts(rules))
def test_total(fact): ...
"""

from __future__ import annotations

from .proving.toolkit import (
    applied_penalty_rules,
    assert_deterministic,
    assert_fines_within_range,
    assert_monotonic,
    assert_rejected,
    assert_total,
    facts,
    filling_rules,
    invalid_facts,
)

__all__ = [
    "applied_penalty_rules",
    "assert_deterministic",
    "assert_fines_within_range",
    "assert_monotonic",
    "assert_rejected",
    "assert_total",
    "facts",
    "filling_rules",
    "invalid_facts",
]
