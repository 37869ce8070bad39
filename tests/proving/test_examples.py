"""Every example of every bundled rule file runs here as a test of its own."""

from __future__ import annotations

import pytest

import enforcement_rules as er
from enforcement_rules.proving.examples import run_example

RULES = er.load_rules()
CASES = [(rule, example) for rule in RULES.rules for example in rule.examples]


@pytest.mark.parametrize(
    ("rule", "example"), CASES, ids=[f"{rule.id}:{example.line}" for rule, example in CASES]
)
def test_rule_example(decider: er.Decider, rule: er.Rule, example: object) -> None:
    result = run_example(decider, rule, example)  # type: ignore[arg-type]
    assert result.passed, f"{result.location} {example.name}:\n  " + "\n  ".join(result.problems)  # type: ignore[attr-defined]


def test_a_wrong_expectation_is_reported_with_expected_and_actual(decider: er.Decider) -> None:
    rule = RULES.rules[0]
    example = rule.examples[0]
    wrong = type(example)(
        example.name, example.facts, {"measures": ["withdraw_workers"]}, example.line
    )
    result = run_example(decider, rule, wrong)
    assert not result.passed
    assert "measures: expected ['withdraw_workers'], got" in result.problems[0]
