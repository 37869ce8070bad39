"""The fact space of a rule set, walked class by class: the one walk `check` and `diff` share.

Every field a rule reads is cut into the classes its conditions can tell apart (codes by the sets
they appear in, booleans, ordered values at the thresholds and version boundaries). Rules that read
disjoint fields form independent groups (see `deciding.partition`), so each group's classes are
walked on their own, the fields it does not read left at their defaults: that is exhaustive for
what the group decides, and small. A `GroupSpace` knows its size before it yields anything, and
yields its classes one at a time, so a caller can bound the walk instead of running out of memory.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ..contract.facts import Violation
from ..contract.vocabulary import Circumstance, Sector
from ..deciding.normalise import anniversary, normalise
from ..deciding.partition import Partition, RuleGroup, rule_tests
from ..rulebook.conditions import FIELDS, Test, circumstance_field
from ..rulebook.model import WINDOW_FIELD, Rule, RuleSet

#: A field the class leaves out of the message (an amount not given).
ABSENT: Any = object()


@attrs.frozen
class GroupSpace:
    """The classes of one independent rule group: one normalised fact per class.

    `fields` maps each message field the group reads to its representative values (one per class
    of that field); the classes are their cross product, over a `base` message at the defaults.
    """

    group: RuleGroup
    members: tuple[Rule, ...]
    fields: Mapping[str, tuple[Any, ...]]
    base: Mapping[str, Any] = attrs.field(repr=False)

    @property
    def size(self) -> int:
        """How many classes the walk of this group yields (known before walking it)."""
        return math.prod(len(values) for values in self.fields.values())

    @property
    def reads(self) -> set[str]:
        """The fields the group's rules read (their conditions and their version windows)."""
        return group_reads(self.members)

    def messages(self) -> Iterator[dict[str, Any]]:
        """One normalised fact per class, streamed in a fixed order."""
        names = list(self.fields)
        for values in itertools.product(*(self.fields[name] for name in names)):
            message = dict(self.base)
            for name, value in zip(names, values, strict=True):
                if value is ABSENT:
                    message.pop(name, None)
                else:
                    message[name] = value
            yield message

    def class_key(self, message: Mapping[str, Any]) -> tuple[Any, ...]:
        """What tells this group's classes apart: the walked fields' values, in order."""
        return tuple(message.get(name, ABSENT) for name in self.fields)


def group_spaces(rules: RuleSet) -> tuple[GroupSpace, ...]:
    """The space of every independent rule group of `rules`, in the partition's order."""
    base = _base_message(rules)
    spaces = []
    for group in Partition(rules).groups:
        members = tuple(rule for rule in rules.rules if rule.id in group.rule_ids)
        spaces.append(GroupSpace(group, members, _fields(rules, members), base))
    return tuple(spaces)


def group_reads(members: Iterable[Rule]) -> set[str]:
    """The fields a group of rules reads (their conditions and their version windows)."""
    return {test.field for rule in members for test in rule_tests(rule)}


def input_facts(*rule_sets: RuleSet) -> list[dict[str, Any]]:
    """The classes of every group of each rule set as lawful input facts, without duplicates;
    plus each kind in every sector, for the routing table. Sorted by date and kind."""
    seen: dict[str, dict[str, Any]] = {}
    for rules in rule_sets:
        for space in group_spaces(rules):
            reads = space.reads
            for message in space.messages():
                fact = readable(message, reads)
                seen.setdefault(canonical_text(fact), fact)
    latest: dict[str, dict[str, Any]] = {}
    for fact in seen.values():
        known = latest.get(fact["kind"])
        if known is None or fact["occurred_on"] > known["occurred_on"]:
            latest[fact["kind"]] = fact
    for fact in latest.values():
        for sector in Sector.codes():
            variant = {**fact, "sector": sector}
            seen.setdefault(canonical_text(variant), variant)
    return sorted(seen.values(), key=lambda fact: (fact["occurred_on"], fact["kind"]))


def readable(message: Mapping[str, Any], reads: Iterable[str]) -> dict[str, Any]:
    """A walked class as a valid input fact a lawyer can read and decide, in the same class.

    `reads` are the fields the class's rule group reads. Dates it does not read take their
    defaults (discovered and decided on the day it occurred); the discovery date is moved into the
    year the limitation class needs (`discovered_after_full_years` is derived, not an input), and
    the decision follows the discovery.
    """
    facts = _raw_facts(message)
    reads = set(reads)
    fact = {k: v for k, v in facts.items() if k != "discovered_after_full_years"}
    years = int(facts.get("discovered_after_full_years", 0))
    occurred = _date(fact["occurred_on"])
    discovered = _date(fact["discovered_on"]) if "discovered_on" in reads else occurred
    low = occurred if years == 0 else anniversary(occurred, years) + dt.timedelta(days=1)
    discovered = min(max(discovered, low), anniversary(occurred, years + 1))
    decided = discovered
    if "decided_on" in reads:
        decided = max(_date(fact["decided_on"]), discovered)
    fact["discovered_on"] = discovered.isoformat()
    fact["decided_on"] = decided.isoformat()
    return fact


# -- representatives of each field ---------------------------------------------------------


def _fields(rules: RuleSet, members: Sequence[Rule]) -> dict[str, tuple[Any, ...]]:
    tests = [test for rule in members for test in rule_tests(rule)]
    fields: dict[str, tuple[Any, ...]] = {}
    for field in dict.fromkeys(test.field for test in tests):
        if field == "circumstances":  # travels as one flag per code: vary one code per class
            includes = [t for t in tests if t.field == field]
            named = [c for c in Circumstance.codes() if any(c in _values(t) for t in includes)]
            for code in _code_classes(named, includes):
                fields[circumstance_field(code)] = (False, True)
            continue
        fields[field] = tuple(
            _representatives(rules, field, [t for t in tests if t.field == field])
        )
    return fields


def _base_message(rules: RuleSet) -> dict[str, Any]:
    kind = rules.covered_kinds[0] if rules.covered_kinds else next(iter(rules.kinds))
    violation = Violation(kind=kind, occurred_on=dt.date(2022, 1, 1))
    return normalise(violation, violation.occurred_on)


def _representatives(rules: RuleSet, field: str, tests: Sequence[Test]) -> list[Any]:
    if field.startswith("c_"):
        return [False, True]
    kind = FIELDS[field][0] if field in FIELDS else ("number" if field.endswith("_fen") else "date")
    if field == "kind":
        return sorted(set(rules.covered_kinds) | {str(v) for t in tests for v in _values(t)})
    if kind == "code":
        enum_type = FIELDS[field][1]
        assert enum_type is not None
        return _code_classes([str(m.value) for m in enum_type], tests)
    if kind == "bool":
        return [False, True]
    cuts: set[int] = set()
    for test in tests:
        if test.op in ("gte", "lt"):
            cuts.add(int(test.value))  # type: ignore[arg-type]
        elif test.op in ("gt", "lte"):
            cuts.add(int(test.value) + 1)  # type: ignore[arg-type]
    ordered = sorted(cuts)
    values: list[Any] = ([ordered[0] - 1] if ordered else [0]) + ordered
    if any(test.op == "exists" for test in tests) or field.endswith("_fen"):
        values.append(ABSENT)
    return values


def _values(test: Test) -> tuple[Any, ...]:
    return test.value if isinstance(test.value, tuple) else (test.value,)


def _code_classes(codes: list[str], tests: Sequence[Test]) -> list[str]:
    """One code per signature: codes that every test treats alike are one class."""
    seen: dict[tuple[bool, ...], str] = {}
    for code in codes:
        signature = tuple(code in _values(test) for test in tests)
        seen.setdefault(signature, code)
    return list(seen.values())


# -- back to input facts -------------------------------------------------------------------


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _raw_facts(message: Mapping[str, Any]) -> dict[str, Any]:
    """A normalised fact back in the JSON form (dates as the walk left them)."""
    facts: dict[str, Any] = {}
    for field, (kind, _) in FIELDS.items():
        if field == "discovered_after_full_years" or (field not in message and kind != "codes"):
            continue
        value = message.get(field)
        if kind == "date":
            facts[field] = dt.date.fromordinal(int(value or 1)).isoformat()
        elif kind == "codes":
            facts[field] = [
                c.value for c in Circumstance if message.get(circumstance_field(c.value))
            ]
        else:
            facts[field] = value
    if "illegal_income_fen" in message:
        facts["illegal_income_yuan"] = message["illegal_income_fen"] / 100
    facts["occurred_on"] = dt.date.fromordinal(int(message[WINDOW_FIELD])).isoformat()
    years = int(message.get("discovered_after_full_years", 0))
    if years:
        facts["discovered_after_full_years"] = years
    return facts


def canonical_text(data: Any) -> str:
    """A canonical text of JSON data, to tell equal facts (and equal changes) apart."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
