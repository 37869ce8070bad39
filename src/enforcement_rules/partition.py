"""The fact space cut into equivalence classes: facts in one class get one decision.

Every field is reduced to what some rule, routing entry or procedure version can tell apart:
codes and booleans that a condition tests keep their value, untested fields drop out, and numbers
and dates become their position among the thresholds the rule set mentions. Deciding caches by
this key; the verifier walks these classes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Hashable, Iterable

from .conditions import FIELDS, atoms
from .facts import Violation
from .model import RuleSet


def _position(value: float, thresholds: tuple[float, ...]) -> tuple[int, bool]:
    """Where `value` lies among sorted thresholds: exact for <, <=, >, >= and ==."""
    index = bisect.bisect_left(thresholds, value)
    return index, index < len(thresholds) and thresholds[index] == value


class Partition:
    """Maps a fact (and the date whose law applies) to its equivalence-class key."""

    def __init__(self, rules: RuleSet):
        tested: set[str] = {"kind", "sector"}  # routing reads both
        thresholds: dict[str, set[float]] = {"decided_on": set()}
        for rule in rules.rules:
            for atom in atoms(rule.when):
                tested.add(atom.field)
                if atom.op in ("gt", "gte", "lt", "lte"):
                    assert isinstance(atom.value, int | float)
                    thresholds.setdefault(atom.field, set()).add(float(atom.value))
        for version in rules.procedure:
            thresholds["decided_on"].update(_bounds([(version.in_force_from, version.in_force_until)]))
        windows = _bounds(
            (provision.in_force_from, provision.in_force_until) for provision in rules.provisions
        )
        self._window = tuple(sorted(windows))
        self._ordered = {field: tuple(sorted(values)) for field, values in thresholds.items()}
        self._codes = tuple(
            sorted(field for field in tested if FIELDS[field][0] in ("kind", "code", "bool"))
        )
        self._circumstances = tuple(
            sorted(
                code
                for rule in rules.rules
                for atom in atoms(rule.when)
                if atom.op == "includes"
                for code in atom.value  # type: ignore[union-attr]
            )
        )
        self._income_tested = "illegal_income_yuan" in tested

    def key(self, violation: Violation, as_of: dt.date) -> Hashable:
        parts: list[Hashable] = [_position(float(as_of.toordinal()), self._window)]
        for field in self._codes:
            parts.append(getattr(violation, field))
        for field, ordered in self._ordered.items():
            value = getattr(violation, field)
            if isinstance(value, dt.date):
                parts.append(_position(float(value.toordinal()), ordered))
            elif value is None:
                parts.append(None)
            else:
                parts.append(_position(float(value), ordered))
        if self._income_tested:
            parts.append(violation.illegal_income_yuan is None)
        parts.append(tuple(code for code in self._circumstances if code in violation.circumstances))
        return tuple(parts)


def _bounds(windows: Iterable[tuple[dt.date, dt.date | None]]) -> set[float]:
    found: set[float] = set()
    for start, until in windows:
        found.add(float(start.toordinal()))
        if until is not None:
            found.add(float(until.toordinal()))
    return found
