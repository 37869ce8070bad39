"""The fact space of a rule set, walked class by class: the one walk `check` and `diff` share.

A fact has one kind, so the walk fixes the kind first. For kind K only the rules one of whose
alternatives can hold for K matter; among them, rules that share no field (the kind and dates
aside) fire independently, so they fall into components walked one at a time, every
other field at its default. The penalty rules of K always stay in one component, so that gaps and
conflicts between them are seen; a component whose rules do not read the kind is the same for
every kind and is walked once. Within a component each field is cut into the classes its
comparisons can tell apart (codes by the sets they appear in, booleans, ordered values at the
thresholds and version boundaries), and the classes are the cross product.

That is exhaustive for what each rule decides, and it is a sum over kinds and components rather
than one product over everything. A `SubSpace` knows its size before it yields anything, and
yields its classes one at a time; a caller bounds the walk with `MAX_CLASSES` and reports, instead
of walking, a sub-space above it (`linking_rules` says which rules made it so large).
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
from ..rulebook.conditions import (
    DERIVED,
    FIELDS,
    NULLABLE,
    Atom,
    Conjunction,
    alternatives,
    circumstance_field,
    engine_field,
)
from ..rulebook.model import DATE_FIELDS, WINDOW_FIELD, Rule, RuleSet
from ..rulebook.network import rule_paths

#: The most classes one sub-space may have for `check` and `diff` to walk it (about a minute of
#: engine time); a larger one is a finding that names the rules linking it, not a walk.
MAX_CLASSES = 1_000_000

#: A field the class leaves out of the message (an amount not given).
ABSENT: Any = object()


@attrs.frozen
class SubSpace:
    """The classes of one component of rules for one kind: one normalised fact per class.

    `fields` maps each message field the component reads to its representative values (one per
    class of that field); the classes are their cross product, over `base` (the defaults, with
    the kind set). `kind` is None for a component whose rules do not read the kind.
    """

    kind: str | None
    members: tuple[Rule, ...]
    fields: Mapping[str, tuple[Any, ...]]
    base: Mapping[str, Any] = attrs.field(repr=False)
    #: The derivation rules of a component alone, over the full product of their inputs.
    derivations_only: bool = False

    @property
    def size(self) -> int:
        """How many classes the walk yields (known before walking it)."""
        return math.prod(len(values) for values in self.fields.values())

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(rule.id for rule in self.members)

    @property
    def reads(self) -> set[str]:
        """The message fields the component's rules read here (the kind included)."""
        return {*(name for field in self.fields for name in field.split(JOINT)), "kind"}

    def messages(self) -> Iterator[dict[str, Any]]:
        """One normalised fact per class, streamed in a fixed order."""
        names = list(self.fields)
        for values in itertools.product(*(self.fields[name] for name in names)):
            yield self.message(values)

    def message(self, values: Sequence[Any]) -> dict[str, Any]:
        """The normalised fact of the class with these `fields` values (in their order)."""
        message = dict(self.base)
        for field, value in zip(self.fields, values, strict=True):
            names = field.split(JOINT)
            for name, one in zip(names, value if len(names) > 1 else (value,), strict=True):
                if one is ABSENT:
                    message.pop(name, None)
                else:
                    message[name] = one
        return message

    def realizable(self, message: Mapping[str, Any]) -> bool:
        """Whether a real case reaches the class: a law is applied on its occurrence date or a
        later decision date, never on a day before the violation occurred."""
        reads = self.reads
        if "occurred_on" in reads and WINDOW_FIELD in reads:
            return bool(message["occurred_on"] <= message[WINDOW_FIELD])
        return True

    def class_key(self, message: Mapping[str, Any]) -> tuple[Any, ...]:
        """The walked fields' values of a message of this sub-space, in order."""
        return tuple(
            tuple(message.get(name, ABSENT) for name in field.split(JOINT))
            if JOINT in field
            else message.get(field, ABSENT)
            for field in self.fields
        )

    def describe(self) -> str:
        """`kind k: field a (3) × field b (2)…`, for reports."""
        factors = " × ".join(f"{name} ({len(values)})" for name, values in self.fields.items())
        return f"kind {self.kind or '(any)'}: {factors or 'no field'}"


def subspaces(rules: RuleSet) -> tuple[SubSpace, ...]:
    """Every sub-space of `rules`, by kind, then component, in a fixed order."""
    found: list[SubSpace] = []
    kind_free: set[frozenset[str]] = set()
    derivations_walked: set[frozenset[str]] = set()
    paths = {rule.id: rule_paths(rule) for rule in rules.rules}
    for kind in walked_kinds(rules):
        relevant = [rule for rule in rules.rules if _relevant(paths[rule.id], kind)]
        for component in _components(relevant, paths, kind):
            reads_kind = any(
                atom[0] == "kind" for rule in component for atom in _atoms(paths[rule.id], kind)
            )
            ids = frozenset(rule.id for rule in component)
            if not reads_kind:
                if ids in kind_free:
                    continue
                kind_free.add(ids)
            fields = _fields(component, paths, kind, _declared_cuts(rules, kind))
            base = _base_message(kind)
            found.append(SubSpace(kind if reads_kind else None, tuple(component), fields, base))
            derivers = tuple(rule for rule in component if rule.then.derive is not None)
            joined = any(JOINT in field for field in fields)
            if joined and frozenset(r.id for r in derivers) not in derivations_walked:
                # the figures walked jointly above are walked in full once, for the derivation
                # rules alone: the engine and the reference evaluator must agree on every one
                derivations_walked.add(frozenset(r.id for r in derivers))
                full = _fields(derivers, paths, kind, joint=False)
                found.append(SubSpace(kind, derivers, full, base, derivations_only=True))
    return tuple(found)


def walked_kinds(rules: RuleSet) -> list[str]:
    """The kinds the walk fixes in turn: every kind a penalty rule decides or a rule names."""
    named = {
        value
        for rule in rules.rules
        for conjunction in alternatives(rule.when)
        for field, op, value in conjunction
        if field == "kind" and isinstance(value, str)
    }
    kinds = sorted(set(rules.covered_kinds) | named)
    return kinds or sorted(rules.kinds)[:1]


def linking_rules(space: SubSpace, rules: RuleSet, top: int = 3) -> list[tuple[str, int]]:
    """The rules whose removal would shrink an oversized sub-space most, with its size then.

    An oversized component is usually two reasonable ones tied together by one rule that reads
    fields of both (a measure rule that also reads a date threshold, say).
    """
    paths = {rule.id: rule_paths(rule) for rule in space.members}
    kind = space.kind or (rules.covered_kinds[0] if rules.covered_kinds else "")
    results = []
    for rule in space.members:
        rest = [member for member in space.members if member.id != rule.id]
        sizes = [
            math.prod(len(v) for v in _fields(component, paths, kind).values())
            for component in _components(rest, paths, kind)
        ]
        results.append((rule.id, sum(sizes)))
    results.sort(key=lambda item: (item[1], item[0]))
    return [item for item in results[:top] if item[1] < space.size]


def input_facts(*rule_sets: RuleSet, max_classes: int = MAX_CLASSES) -> list[dict[str, Any]]:
    """The classes of every sub-space of each rule set (those within `max_classes`) as lawful
    input facts, without duplicates; plus each kind in every sector, for the routing table.
    Sorted by date and kind."""
    seen: dict[str, dict[str, Any]] = {}
    for rules in rule_sets:
        for space in subspaces(rules):
            if space.size > max_classes:
                continue
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

    `reads` are the fields the class's rules read. Dates they do not read take their defaults
    (discovered and decided on the day it occurred); the discovery date is moved into the year
    the limitation class needs (`discovered_after_full_years` is derived, not an input), and the
    decision follows the discovery.
    """
    facts = _raw_facts(message)
    reads = set(reads)
    fact = {k: v for k, v in facts.items() if k != "discovered_after_full_years"}
    years = int(facts.get("discovered_after_full_years", 0))
    as_of = _date(fact["occurred_on"])
    if "occurred_on" in reads:  # the rules read the occurrence itself: the version date follows
        fact["occurred_on"] = dt.date.fromordinal(int(message["occurred_on"])).isoformat()
    occurred = _date(fact["occurred_on"])
    discovered = _date(fact["discovered_on"]) if "discovered_on" in reads else occurred
    low = occurred if years == 0 else anniversary(occurred, years) + dt.timedelta(days=1)
    discovered = min(max(discovered, low), anniversary(occurred, years + 1))
    decided = discovered
    if "decided_on" in reads:
        decided = max(_date(fact["decided_on"]), discovered)
    if WINDOW_FIELD in reads and as_of > occurred:  # the class of a later decision date
        decided = max(decided, as_of)
    fact["discovered_on"] = discovered.isoformat()
    fact["decided_on"] = decided.isoformat()
    return fact


def canonical_text(data: Any) -> str:
    """A canonical text of JSON data, to tell equal facts (and equal changes) apart."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


# -- which rules, which components ---------------------------------------------------------


def _consistent(atom: Atom, kind: str) -> bool:
    field, op, value = atom
    if field != "kind":
        return True
    return value == kind if op == "eq" else value != kind


def _relevant(paths: Sequence[Conjunction], kind: str) -> bool:
    return any(all(_consistent(atom, kind) for atom in path) for path in paths)


def _atoms(paths: Sequence[Conjunction], kind: str) -> list[Atom]:
    """The comparisons of the alternatives that can hold for `kind`."""
    return [atom for path in paths if all(_consistent(a, kind) for a in path) for atom in path]


def _components(
    relevant: Sequence[Rule], paths: Mapping[str, Sequence[Conjunction]], kind: str
) -> list[list[Rule]]:
    """Rules linked by a shared field (kind and version date aside); penalty rules together."""
    parent = {rule.id: rule.id for rule in relevant}

    def root(rule_id: str) -> str:
        while parent[rule_id] != rule_id:
            parent[rule_id] = parent[parent[rule_id]]
            rule_id = parent[rule_id]
        return rule_id

    owner: dict[str, str] = {}
    deciding = [rule.id for rule in relevant if rule.then.decides_penalty]
    for first, other in itertools.pairwise(deciding):
        parent[root(other)] = root(first)
    for rule in relevant:
        fields = {a[0] for a in _atoms(paths[rule.id], kind)}
        if rule.then.derive is not None:  # a derivation is linked to the rules that test it
            fields.add(rule.then.derive[0])
        for field in fields - {"kind", *DATE_FIELDS}:
            if field in owner:
                parent[root(rule.id)] = root(owner[field])
            else:
                owner[field] = rule.id
    groups: dict[str, list[Rule]] = {}
    for rule in relevant:
        groups.setdefault(root(rule.id), []).append(rule)
    return sorted(groups.values(), key=lambda group: min(rule.id for rule in group))


# -- representatives of each field ---------------------------------------------------------


def _declared_cuts(rules: RuleSet, kind: str) -> tuple[int, ...]:
    """The days a declaration of unread cells for `kind` starts or ends (`laws.yaml`
    `not_encoded`): the version date is cut there too, so that the walk meets each such cell."""
    return tuple(sorted(day.toordinal() for day in rules.not_encoded_bounds(kind)))


def _fields(
    members: Sequence[Rule],
    paths: Mapping[str, Sequence[Conjunction]],
    kind: str,
    declared_cuts: Sequence[int] = (),
    *,
    joint: bool = True,
) -> dict[str, tuple[Any, ...]]:
    by_field: dict[str, list[tuple[str, str, Any]]] = {}
    for rule in members:
        for field, op, value in _atoms(paths[rule.id], kind):
            if field != "kind" and field not in DERIVED:  # derived: set by rules, not walked
                by_field.setdefault(field, []).append((rule.id, op, value))
    if WINDOW_FIELD in by_field:
        by_field[WINDOW_FIELD] += [("not_encoded", "gte", day) for day in declared_cuts]
    # A rule may read the occurrence date itself (the instrument a referral names changes on a
    # day) beside the version date: both are cut at the same days, so that a class whose
    # occurrence lies after its version date is one no real case reaches (`realizable`).
    if WINDOW_FIELD in by_field and "occurred_on" in by_field:
        shared = by_field[WINDOW_FIELD] + by_field["occurred_on"]
        by_field[WINDOW_FIELD] = by_field["occurred_on"] = shared
    # Circumstances travel as one flag per code: each flag a rule reads is a boolean field of its
    # own (several may have to hold at once, e.g. first offence, minor harm and corrected).
    fields = {
        field: tuple(_representatives(field, by_field[field]))
        for field in sorted(by_field, key=_field_order)
    }
    return _joint_derivation_inputs(members, paths, kind, fields) if joint else fields


#: Joins the names of fields walked together (one value is a tuple of theirs).
JOINT = "+"


def _joint_derivation_inputs(
    members: Sequence[Rule],
    paths: Mapping[str, Sequence[Conjunction]],
    kind: str,
    fields: dict[str, tuple[Any, ...]],
) -> dict[str, tuple[Any, ...]]:
    """Fields only derivation rules read (an accident's deaths, injuries, loss and stated grade)
    matter to the other rules only through what is derived from them. They are walked as one
    joint field with one combination of values per distinct set of derivation rules that hold
    (windows aside: a window only turns rules off, the same for every combination), instead of
    their full product: the derived values, not the figures, are what the rest tells apart."""
    derivers = [rule for rule in members if rule.then.derive is not None]
    if not derivers:
        return fields
    others = {
        atom[0]
        for rule in members
        if rule.then.derive is None
        for atom in _atoms(paths[rule.id], kind)
    }
    inputs = {atom[0] for rule in derivers for atom in _atoms(paths[rule.id], kind)}
    joint = sorted(f for f in inputs & set(fields) if f not in others and f not in DATE_FIELDS)
    if len(joint) < 2:
        return fields
    base = _base_message(kind)
    kept: dict[tuple[str, ...], tuple[Any, ...]] = {}
    for combo in itertools.product(*(fields[name] for name in joint)):
        message = dict(base)
        for name, value in zip(joint, combo, strict=True):
            if value is ABSENT:
                message.pop(name, None)
            else:
                message[name] = value
        kept.setdefault(_derivations_holding(derivers, message), combo)
    out = {name: values for name, values in fields.items() if name not in joint}
    out[JOINT.join(joint)] = tuple(kept.values())
    return out


def _derivations_holding(derivers: Sequence[Rule], message: Mapping[str, Any]) -> tuple[str, ...]:
    """The derivation rules whose conditions hold, chained to a fixed point (windows aside)."""
    derived: dict[str, frozenset[str]] = {}
    while True:
        fact = {**message, **derived}
        holding = [rule for rule in derivers if rule.when.holds(fact)]
        found: dict[str, set[str]] = {}
        for rule in holding:
            assert rule.then.derive is not None
            field, value = rule.then.derive
            found.setdefault(field, set()).add(value)
        now = {field: frozenset(values) for field, values in found.items()}
        if now == derived:
            return tuple(rule.id for rule in holding)
        derived = now


def _field_order(field: str) -> tuple[int, str]:
    return (0 if field == WINDOW_FIELD else 1, field)


def _representatives(field: str, tests: Sequence[tuple[str, str, Any]]) -> list[Any]:
    kind = FIELDS[field][0] if field in FIELDS else ("number" if field.endswith("_fen") else "date")
    if kind == "bool" or field.startswith("c_"):
        return [False, True]
    if kind == "code":
        enum_type = FIELDS[field][1]
        assert enum_type is not None
        classes: list[Any] = _code_classes([str(m.value) for m in enum_type], tests)
        if any(op in ("ex", "nex") for _, op, _ in tests):
            classes.append(ABSENT)
        return classes
    cuts: set[int] = set()
    for _, op, value in tests:
        if op in ("gte", "lt"):
            cuts.add(int(value))
        elif op in ("gt", "lte"):
            cuts.add(int(value) + 1)
    ordered = sorted(cuts)
    values: list[Any] = ([ordered[0] - 1] if ordered else [0]) + ordered
    if any(op in ("ex", "nex") for _, op, _ in tests) or field in _NULLABLE_AMOUNTS:
        values.append(ABSENT)
    return values


#: Amount fields a fact may leave out (their normalised names).
_NULLABLE_AMOUNTS = frozenset(
    engine_field(field) for field in NULLABLE if FIELDS[field][0] == "number"
)


def _code_classes(codes: list[str], tests: Sequence[tuple[str, str, Any]]) -> list[str]:
    """One code per signature: codes that every comparison treats alike are one class."""
    seen: dict[tuple[bool, ...], str] = {}
    for code in codes:
        signature = tuple(code == value for _, _, value in tests)
        seen.setdefault(signature, code)
    return list(seen.values())


def _base_message(kind: str) -> dict[str, Any]:
    violation = Violation(kind=kind, occurred_on=dt.date(2022, 1, 1))
    return normalise(violation, violation.occurred_on)


# -- back to input facts -------------------------------------------------------------------


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _raw_facts(message: Mapping[str, Any]) -> dict[str, Any]:
    """A normalised fact back in the JSON form (dates as the walk left them)."""
    facts: dict[str, Any] = {}
    for field, (kind, _) in FIELDS.items():
        if field in DERIVED or kind == "number":
            continue
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
    for field, (kind, _) in FIELDS.items():
        if kind == "number" and engine_field(field) in message:
            facts[field] = message[engine_field(field)] / 100
    if "stated_accident_grade" in facts:
        facts["accident_grade"] = facts.pop("stated_accident_grade")
    facts["occurred_on"] = dt.date.fromordinal(int(message[WINDOW_FIELD])).isoformat()
    years = int(message.get("discovered_after_full_years", 0))
    if years:
        facts["discovered_after_full_years"] = years
    return facts
