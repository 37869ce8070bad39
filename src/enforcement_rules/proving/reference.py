"""An independent evaluator of a rule set: plain Python over the rule model, no durable_rules.

The engine compiles rules for durable_rules; this module reads the same model directly. The test
suite and `verify` compare the two on every fact they see, so a compiler bug cannot hide.

Derivation rules (`then: derive`) are chained here as the engine chains them: rules are applied
until no new value is derived (the loader refuses a derivation that depends on itself, so this
ends), each derived field holding the set of values derived for the fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from ..rulebook.model import Rule, RuleSet, window_field


def in_window(rule: Rule, message: Mapping[str, Any]) -> bool:
    """Whether the date that selects the rule's law version lies in its file's window."""
    day = dt.date.fromordinal(message[window_field(rule.provision.applies_by)])
    return rule.provision.in_force_on(day)


def fired_ids(
    rules: RuleSet, message: Mapping[str, Any], among: Collection[str] | None = None
) -> tuple[str, ...]:
    """The ids of the rules whose window and condition hold, in the rule set's order (of the rule
    ids `among` only, when given: a set closed under derivation, such as a walked component)."""
    candidates = rules.rules if among is None else [r for r in rules.rules if r.id in among]
    derived: dict[str, frozenset[str]] = {}
    while True:
        fact = {**message, **derived}
        fired = [rule for rule in candidates if in_window(rule, fact) and rule.when.holds(fact)]
        found: dict[str, set[str]] = {}
        for rule in fired:
            if rule.then.derive is not None:
                field, value = rule.then.derive
                found.setdefault(field, set()).add(value)
        now = {field: frozenset(values) for field, values in found.items()}
        if now == derived:
            return tuple(rule.id for rule in fired)
        derived = now
