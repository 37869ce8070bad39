"""The fact space cut into equivalence classes: facts in one class get one decision.

A class key is read off the normalised fact (the message the engine sees). Every field is reduced
to what some condition, routing entry or procedure version can tell apart: codes and booleans
that a condition tests keep their value, untested fields drop out, and ordered values (dates as
ordinals, amounts in fen) become their position among the thresholds the rule set mentions.

Rules that read disjoint fields (apart from `as_of`, the law-version date most rules read) form
independent groups: whether a rule fires depends only on its group's fields, so the rules fired
by a fact are the union of what each group fires, and each group has a far smaller key space
than the whole fact. Deciding caches per group (the whole key only tells a chunk's facts
apart); the verifier walks classes.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from ..rulebook.conditions import Test, alternatives, atoms, circumstance_field
from ..rulebook.model import (
    DATE_FIELDS,
    WINDOW_FIELD,
    LargeFineAmounts,
    ProcedureVersion,
    Rule,
    RuleSet,
    window_field,
)

_ORDERED_OPS = ("gt", "gte", "lt", "lte")


def _position(value: float, thresholds: tuple[float, ...]) -> tuple[int, bool]:
    """Where `value` lies among sorted thresholds: exact for <, <=, >, >= and ==. One tuple
    per position (the memos below hold hundreds of thousands of values, a few hundred
    positions)."""
    index = bisect.bisect_left(thresholds, value)
    found = (index, index < len(thresholds) and thresholds[index] == value)
    return _positions.setdefault(found, found)


_positions: dict[tuple[int, bool], tuple[int, bool]] = {}


class _Fields:
    """The fields some tests read, and the thresholds of the ordered ones."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.ordered: dict[str, set[float]] = {}

    def add(self, test: Test) -> None:
        if test.op in _ORDERED_OPS:
            assert isinstance(test.value, int | float)
            self.ordered.setdefault(test.field, set()).add(float(test.value))
        elif test.op == "includes":
            assert isinstance(test.value, tuple)
            self.exact.update(circumstance_field(code) for code in test.value)
        elif test.op == "exists" and test.field.endswith("_fen"):  # an amount given or not
            self.ordered.setdefault(test.field, set())
        else:
            self.exact.add(test.field)

    def names(self) -> set[str]:
        return self.exact | set(self.ordered)


def _same(value: Any) -> Hashable:
    return value  # type: ignore[no-any-return]


_POSITIONS_KEPT = 20_000  # remembered positions per threshold list (then forgotten at once)


Positions = dict[Any, tuple[int, bool]]
Reduction = tuple[Literal["same", "ordered", "ignored"], tuple[float, ...]]


class KeyFunction:
    """The class key over a fixed set of fields."""

    def __init__(self, fields: _Fields, memos: dict[tuple[float, ...], Positions]):
        """`memos` holds each threshold list's remembered positions, shared by the key
        functions given the same dict: a partition has a key per rule group and kind (hundreds)
        over a few distinct threshold lists, and one memo per list keeps memory bounded by the
        lists, not by the key functions."""
        self._exact = tuple(sorted(fields.exact))
        self._ordered = tuple(
            (field, tuple(sorted(values))) for field, values in sorted(fields.ordered.items())
        )
        # Each value's position, remembered (day ordinals, counts and amounts recur a lot).
        self._memo: tuple[tuple[str, tuple[float, ...], Positions], ...] = tuple(
            (field, thresholds, memos.setdefault(thresholds, {}))
            for field, thresholds in self._ordered
        )
        self._key: KeysOf | None = None  # compiled when first called (see `__call__`)

    def reduction(self, field: str) -> Reduction:
        """How this key reduces one field's value: `("same", ())` keeps it, `("ordered",
        thresholds)` keeps its position among the sorted thresholds, `("ignored", ())` drops
        it. The columnar path computes the same positions vectorised (`frame_key`)."""
        if field in self._exact:
            return "same", ()
        for name, thresholds in self._ordered:
            if name == field:
                return "ordered", thresholds
        return "ignored", ()

    def reducer(self, field: str) -> Callable[[Any], Hashable] | None:
        """What this key keeps of one field's value (None: the key ignores the field): the
        value itself, or its position among the thresholds, as `__call__` computes it."""
        how, thresholds = self.reduction(field)
        if how == "same":
            return _same
        if how == "ordered":
            return lambda value: None if value is None else _position(float(value), thresholds)
        return None

    def __call__(self, message: Mapping[str, Any]) -> Hashable:
        """The message's key. Most key functions are only read by a kind's compiled keys
        (`Partition.kind_group_keys`), so each compiles its own code when first called."""
        key = self._key
        if key is None:
            key = self._key = compile_keys((self,), None)
        return key(message)[0]

    def parts(self) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[float, ...], Positions], ...]]:
        """What the key is made of, in order: the values of the exact fields, then each ordered
        field's position among its thresholds (with the memo of those thresholds)."""
        return self._exact, self._memo


def _remember_position(positions: Positions, thresholds: tuple[float, ...], value: Any) -> Any:
    """A value's position among thresholds, the first time it is asked (then remembered)."""
    if len(positions) >= _POSITIONS_KEPT:
        positions.clear()
    found = positions[value] = _position(float(value), thresholds)
    return found


KeysOf = Callable[[Mapping[str, Any]], tuple[Hashable, ...]]


def compile_keys(functions: Sequence[KeyFunction | None], tag: str | None) -> KeysOf:
    """One function giving each key of `functions` for a message, in one pass: each field is
    read once and each ordered value placed once, however many keys read it (every group's key
    reads the law-version date), in straight-line code generated once (as attrs makes
    `__init__`), not a loop over fields per key. With a `tag` each key comes as `(tag, key)`;
    None stays None (a group without rules for the kind). The text is made of generated names
    only: the fields, thresholds and memos are bound in its scope, never written into it."""
    scope: dict[str, Any] = {"remember": _remember_position, "tag": tag}
    lines = ["def keys(message):", "    get = message.get"]
    names: dict[Hashable, str] = {}

    def read(field: str) -> str:
        if field not in names:
            name = names[field] = f"e{len(names)}"
            scope[f"{name}_field"] = field
            lines.append(f"    {name} = get({name}_field)")
        return names[field]

    def place(field: str, thresholds: tuple[float, ...], positions: Positions) -> str:
        if (field, thresholds) not in names:
            name = names[field, thresholds] = f"p{len(names)}"
            scope[f"{name}_field"], scope[f"{name}_cuts"] = field, thresholds
            scope[f"{name}_memo"] = positions
            lines.append(f"    {name} = get({name}_field)")
            lines.append(f"    if {name} is not None:")
            lines.append(  # a position is a non-empty tuple: `or` only on a miss
                f"        {name} = {name}_memo.get({name}) "
                f"or remember({name}_memo, {name}_cuts, {name})"
            )
        return names[field, thresholds]

    results = []
    for function in functions:
        if function is None:
            results.append("None")
            continue
        exact, ordered = function.parts()
        parts = [read(field) for field in exact]
        parts += [place(field, cuts, positions) for field, cuts, positions in ordered]
        key = f"({', '.join(parts)},)" if parts else "()"
        results.append(key if tag is None else f"(tag, {key})")
    lines.append(f"    return ({', '.join(results)},)")
    exec("\n".join(lines), scope)  # our own text, of generated names (see above)
    return scope["keys"]  # type: ignore[no-any-return]


@attrs.frozen
class RuleGroup:
    """Rules that share fields; `key` tells apart exactly what they can tell apart."""

    rule_ids: frozenset[str]
    key: KeyFunction = attrs.field(eq=False)


class Partition:
    """Class keys of normalised facts under one rule set: per rule group and for the whole."""

    def __init__(self, rules: RuleSet):
        window = _Fields()
        window.ordered[WINDOW_FIELD] = _bounds(
            (p.in_force_from, p.in_force_until)
            for p in rules.provisions
            if window_field(p.applies_by) == WINDOW_FIELD
        )
        whole = _Fields()
        whole.exact.update({"kind", "sector"})  # routing reads both
        dated: list[ProcedureVersion | LargeFineAmounts] = [
            *rules.procedure,
            *rules.large_fine_amounts,
            *rules.province_amounts,
        ]
        # procedure and hearing follow the decision date
        whole.ordered["decided_on"] = _bounds((v.in_force_from, v.in_force_until) for v in dated)
        for rule in rules.rules:
            for test in rule_tests(rule):
                whole.add(test)
        memos: dict[tuple[float, ...], Positions] = {}
        self.key = KeyFunction(whole, memos)
        self.groups = tuple(_groups(rules.rules, window, memos))
        tests = {rule.id: kind_tests(rule) for rule in rules.rules}  # each rule's DNF once
        self._by_kind = {
            kind: tuple(
                _kind_key(rules, group, kind, window, memos, tests) for group in self.groups
            )
            for kind in rules.kinds
        }
        self._compiled: dict[str, KeysOf] = {}  # per kind, when its first fact comes

    def group_keys(self, message: Mapping[str, Any]) -> tuple[Hashable, ...]:
        return tuple(group.key(message) for group in self.groups)

    def kind_group_keys(self, message: Mapping[str, Any]) -> tuple[Hashable, ...]:
        """Per group, the class of the message among facts of its kind: only the rules of the
        group that may fire for that kind are read (None for a group with none of them), so a
        kind's classes are far fewer than the group's. A kind the rule set lacks (never
        decided) gets the plain group keys, marked apart."""
        kind = message.get("kind")
        if isinstance(kind, str):
            keys = self._compiled.get(kind)
            if keys is None and kind in self._by_kind:
                keys = self._compiled[kind] = compile_keys(self._by_kind[kind], kind)
            if keys is not None:
                return keys(message)
        return tuple(("*", group.key(message)) for group in self.groups)


def _groups(
    rules: Sequence[Rule], window: _Fields, memos: dict[tuple[float, ...], Positions]
) -> Iterable[RuleGroup]:
    """Connected components of rules linked by a shared field (dates aside: `DATE_FIELDS`)."""
    # A rule that derives a field is linked to the rules that test it (forward chaining).
    reads = {rule.id: rule_fields(rule) - DATE_FIELDS for rule in rules}
    parent = {rule.id: rule.id for rule in rules}

    def root(rule_id: str) -> str:
        while parent[rule_id] != rule_id:
            parent[rule_id] = parent[parent[rule_id]]
            rule_id = parent[rule_id]
        return rule_id

    owner: dict[str, str] = {}
    for rule in rules:
        for field in reads[rule.id]:
            if field in owner:
                parent[root(rule.id)] = root(owner[field])
            else:
                owner[field] = rule.id
    members: dict[str, list[Rule]] = {}
    for rule in rules:
        members.setdefault(root(rule.id), []).append(rule)
    for group in sorted(members.values(), key=lambda g: min(rule.id for rule in g)):
        fields = _Fields()
        fields.ordered.update({k: set(v) for k, v in window.ordered.items()})
        for rule in group:
            for test in rule_tests(rule):
                fields.add(test)
        yield RuleGroup(frozenset(rule.id for rule in group), KeyFunction(fields, memos))


KindTests = tuple[tuple[tuple[str, Any], ...], ...]


def kind_tests(rule: Rule) -> KindTests:
    """Per alternative of the rule's condition, its tests of the kind (op, value): whether the
    rule may fire for a kind (`_admits`) is read off these, once per rule."""
    return tuple(
        tuple((op, value) for field, op, value in conjunction if field == "kind")
        for conjunction in alternatives(rule.when)
    )


def _admits(tests: KindTests, kind: str) -> bool:
    """Whether some alternative admits facts of `kind` (a rule that does not test the kind
    admits every kind)."""
    return any(
        all(
            (op != "eq" or value == kind) and (op != "neq" or value != kind) and op != "nex"
            for op, value in conjunction
        )
        for conjunction in tests
    )


def _kind_key(
    rules: RuleSet,
    group: RuleGroup,
    kind: str,
    window: _Fields,
    memos: dict[tuple[float, ...], Positions],
    tests: Mapping[str, KindTests],
) -> KeyFunction | None:
    """The key over what the group's rules that may fire for `kind` read (None: there are none
    and the group fires nothing for the kind)."""
    members = [
        rule for rule in rules.rules if rule.id in group.rule_ids and _admits(tests[rule.id], kind)
    ]
    if not members:
        return None
    fields = _Fields()
    fields.ordered.update({k: set(v) for k, v in window.ordered.items()})
    for rule in members:
        for test in rule_tests(rule):
            fields.add(test)
    return KeyFunction(fields, memos)


def rule_fields(rule: Rule) -> set[str]:
    """The fields a rule tests, and the field it derives."""
    fields = {test.field for test in rule_tests(rule)}
    if rule.then.derive is not None:
        fields.add(rule.then.derive[0])
    return fields


def rule_tests(rule: Rule) -> list[Test]:
    """The tests a rule makes: its `when`, and its window as two comparisons."""
    provision = rule.provision
    field = window_field(provision.applies_by)
    tests = [Test(field, "gte", provision.in_force_from.toordinal())]
    if provision.in_force_until is not None:
        tests.append(Test(field, "lt", provision.in_force_until.toordinal()))
    return [*tests, *atoms(rule.when)]


def _bounds(windows: Iterable[tuple[Any, Any]]) -> set[float]:
    found: set[float] = set()
    for start, until in windows:
        found.add(float(start.toordinal()))
        if until is not None:
            found.add(float(until.toordinal()))
    return found
