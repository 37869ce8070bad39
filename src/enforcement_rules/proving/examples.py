"""Run the `examples` of rule files: each is a case with the decision legal staff expect.

Used by the test suite, and meant for the `check` command and the pytest plugin, so that a rule
set edited by a bureau is checked the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..contract.errors import EnforcementRulesError
from ..deciding.decider import Decider
from ..rulebook.model import Example, Rule

_FINE_DEFAULTS = {"min_yuan": 0, "mandatory": True}


@attrs.frozen
class ExampleResult:
    rule: Rule
    example: Example
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def location(self) -> str:
        return f"{self.rule.provision.file}:{self.example.line}"


def expected_value(key: str, value: Any) -> Any:
    """The expectation in the decision's JSON form (fine entries get their defaults)."""
    if key == "fines":
        return [{"target": fine["target"], **_FINE_DEFAULTS, **fine} for fine in value]
    return value


def run_example(decider: Decider, rule: Rule, example: Example) -> ExampleResult:
    try:
        decision = decider.decide(example.facts)
    except EnforcementRulesError as error:
        return ExampleResult(rule, example, (f"deciding failed: {error}",))
    actual = decision.to_dict()
    problems = []
    fired = ", ".join(decision.rules_fired)
    if example.fires and rule.id not in decision.rules_fired:
        problems.append(f"rule {rule.id} did not fire (fired: {fired})")
    if not example.fires and rule.id in decision.rules_fired:
        problems.append(f"rule {rule.id} fired in a case marked fires: false (fired: {fired})")
    for key, value in example.expect.items():
        expected = expected_value(key, value)
        if actual[key] != expected:
            problems.append(f"{key}: expected {expected!r}, got {actual[key]!r}")
    return ExampleResult(rule, example, tuple(problems))


def run_examples(decider: Decider) -> Iterator[ExampleResult]:
    for rule in decider.rules.rules:
        for example in rule.examples:
            yield run_example(decider, rule, example)
