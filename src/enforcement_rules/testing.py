"""The property toolkit for your own rule sets: hypothesis strategies and legal assertions.

The public path of `proving.toolkit` (needs the `test` extra: hypothesis).

from enforcement_rules.testing import facts
@given(facts(rules))
def test_total(fact): ...
"""

from __future__ import annotations

try:
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
except ModuleNotFoundError as error:  # say which extra brings it, not only what is missing
    if error.name is None or error.name.partition(".")[0] != "hypothesis":
        raise
    raise ImportError(
        "enforcement_rules.testing needs hypothesis, which the `test` extra installs: "
        "pip install 'enforcement-rules[test]' (or pip install hypothesis)",
        name="hypothesis",
    ) from error

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
