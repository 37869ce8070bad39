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


def _as_stated(key: str, actual: Any, expected: Any) -> Any:
    """The actual value on the keys the expectation states: a fine entry may leave out what it
    does not pin (its law version, say); every entry must still match, and no fine be extra."""
    if key != "fines" or not isinstance(actual, list) or not isinstance(expected, list):
        return actual
    keys = [set(entry) for entry in expected]
    if len(actual) != len(expected):
        return actual
    return [
        {k: v for k, v in fine.items() if k in stated}
        for fine, stated in zip(actual, keys, strict=True)
    ]


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
        found = _as_stated(key, actual[key], expected)
        if found != expected:
            problems.append(f"{key}: expected {expected!r}, got {found!r}")
    return ExampleResult(rule, example, tuple(problems))


def run_examples(decider: Decider) -> Iterator[ExampleResult]:
    for rule in decider.rules.rules:
        for example in rule.examples:
            yield run_example(decider, rule, example)
