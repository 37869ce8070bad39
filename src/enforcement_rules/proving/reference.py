"""An independent evaluator of a rule set: plain Python over the rule model, no durable_rules.

The engine compiles rules for durable_rules; this module reads the same model directly. The test
suite and `verify` compare the two on every fact they see, so a compiler bug cannot hide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..rulebook.model import Rule, RuleSet, window_field


def in_window(rule: Rule, message: Mapping[str, Any]) -> bool:
    """Whether the date that selects the rule's law version lies in its file's window."""
    day = dt.date.fromordinal(message[window_field(rule.provision.applies_by)])
    return rule.provision.in_force_on(day)


def fired_ids(rules: RuleSet, message: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the rules whose window and condition hold, in the rule set's order."""
    return tuple(
        rule.id for rule in rules.rules if in_window(rule, message) and rule.when.holds(message)
    )
