"""Shared fixtures: the bundled rule set, loaded once, and a decider over it."""

from __future__ import annotations

import pytest

import enforcement_rules as er


@pytest.fixture(scope="session")
def rules() -> er.RuleSet:
    return er.load_rules()


@pytest.fixture(scope="session")
def decider(rules: er.RuleSet) -> er.Decider:
    return er.Decider(rules)


pytest_plugins = ["pytester"]
