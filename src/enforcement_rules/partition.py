"""The fact space cut into equivalence classes: facts in one class get one decision.

A class key is read off the normalised fact (the message the engine sees). Every field is
reduced to what some rule, routing entry or procedure version can tell apart: codes and booleans
that a condition tests keep their value, untested fields drop out, and ordered values (dates as
ordinals, amounts in fen) become their position among the thresholds the rule set mentions.
Deciding caches by this key; the verifier can walk these classes.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from .conditions import atoms, circumstance_field
from .model import RuleSet
from .normalise import WINDOW_FIELD

_ORDERED_OPS = ("gt", "gte", "lt", "lte")


def _position(value: float, thresholds: tuple[float, ...]) -> tuple[int, bool]:
    """Where `value` lies among sorted thresholds: exact for <, <=, >, >= and ==."""
    index = bisect.bisect_left(thresholds, value)
    return index, index < len(thresholds) and thresholds[index] == value


class Partition:
    """Maps a normalised fact to the key of its equivalence class under one rule set."""

    def __init__(self, rules: RuleSet):
        exact: set[str] = {"kind", "sector"}  # routing reads both
        ordered: dict[str, set[float]] = {"decided_on": set(), WINDOW_FIELD: set()}
        for rule in rules.rules:
            for atom in atoms(rule.when):
                if atom.op in _ORDERED_OPS:
                    assert isinstance(atom.value, int | float)
                    ordered.setdefault(atom.field, set()).add(float(atom.value))
                elif atom.op == "includes":
                    assert isinstance(atom.value, tuple)
                    exact.update(circumstance_field(code) for code in atom.value)
                elif atom.op == "exists":
                    ordered.setdefault(atom.field, set())
                else:
                    exact.add(atom.field)
        ordered["decided_on"].update(
            _bounds((v.in_force_from, v.in_force_until) for v in rules.procedure)
        )
        ordered[WINDOW_FIELD].update(
            _bounds((p.in_force_from, p.in_force_until) for p in rules.provisions)
        )
        self._exact = tuple(sorted(exact))
        self._ordered = tuple(
            (field, tuple(sorted(values))) for field, values in sorted(ordered.items())
        )

    def key(self, message: Mapping[str, Any]) -> Hashable:
        parts: list[Hashable] = [message.get(field) for field in self._exact]
        for field, thresholds in self._ordered:
            value = message.get(field)
            parts.append(None if value is None else _position(float(value), thresholds))
        return tuple(parts)


def _bounds(windows: Iterable[tuple[Any, Any]]) -> set[float]:
    found: set[float] = set()
    for start, until in windows:
        found.add(float(start.toordinal()))
        if until is not None:
            found.add(float(until.toordinal()))
    return found
