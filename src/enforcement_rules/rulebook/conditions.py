"""The condition language of `when`: a small typed tree over fact fields, and nothing else.

A condition is parsed once (with every value checked against its field's domain) into `Test`,
`AllOf`, `AnyOf` and `Not` nodes. The engine compiles the tree to durable_rules; `holds` evaluates
it in plain Python over the same normalised fact, which the partition of the fact space uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from enum import Enum
from typing import Any, Literal

import attrs

from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import excerpt
from ..contract.vocabulary import AccidentGrade, Circumstance, Hazard, LicenceStatus, Sector

FieldKind = Literal["kind", "code", "bool", "date", "number", "count", "codes"]

#: Every fact field a condition may test, with the kind of its values.
FIELDS: dict[str, tuple[FieldKind, type[Enum] | None]] = {
    "kind": ("kind", None),
    "occurred_on": ("date", None),
    "discovered_on": ("date", None),
    "decided_on": ("date", None),
    "sector": ("code", Sector),
    "hazard": ("code", Hazard),
    "correctable_on_site": ("bool", None),
    "activity_ongoing": ("bool", None),
    "workers_in_danger": ("bool", None),
    "safety_assured": ("bool", None),
    "nonconforming_equipment": ("bool", None),
    "overdue": ("bool", None),
    "serious": ("bool", None),
    "fined_and_refuses": ("bool", None),
    "illegal_income_yuan": ("number", None),
    "harmful_consequences": ("bool", None),
    "circumstances": ("codes", Circumstance),
    "licence_status": ("code", LicenceStatus),
    "especially_serious": ("bool", None),
    "deaths": ("count", None),
    "serious_injuries": ("count", None),
    "direct_loss_yuan": ("number", None),
    "annual_income_yuan": ("number", None),
    # The fact's `accident_grade` as the caller stated it (absent when not stated).
    "stated_accident_grade": ("code", AccidentGrade),
    # Computed when the fact is normalised: whole years from occurred_on that end before
    # discovered_on (limitation periods).
    "discovered_after_full_years": ("count", None),
    # Derived by rules (`then: derive`), never given: the grade the casualty and loss figures
    # reach (Order 493 Art. 3), and the grade the decision uses (stated, else by the figures).
    "grade_by_numbers": ("code", AccidentGrade),
    "accident_grade": ("code", AccidentGrade),
}

#: Fields only rules set (`then: derive`). The engine holds each derived value as a fact of its
#: own, joined to the fact it was derived for (forward chaining); a condition tests a derived
#: field for equality with a code, never for its absence (a negation over facts would depend on
#: the order in which the engine derives them).
DERIVED: frozenset[str] = frozenset({"grade_by_numbers", "accident_grade"})

#: Fields a fact may leave out (null): `exists` tests them.
NULLABLE: frozenset[str] = frozenset(
    {"illegal_income_yuan", "annual_income_yuan", "stated_accident_grade"}
)

Op = Literal["eq", "in", "gt", "gte", "lt", "lte", "exists", "includes"]
_COMPARISONS = ("gt", "gte", "lt", "lte")
Scalar = str | bool | int | float


@attrs.frozen
class Test:
    """One atom: `field op value`; `negated` turns eq/in into "not equal / none of"."""

    field: str
    op: Op
    value: Scalar | tuple[str, ...]
    negated: bool = False

    def holds(self, fact: Mapping[str, Any]) -> bool:
        """Evaluate over a normalised fact (dates as ordinals, as the engine sees them)."""
        actual = fact.get(self.field)
        result: bool
        if self.op == "includes":
            assert isinstance(self.value, tuple)
            result = any(fact.get(circumstance_field(code)) for code in self.value)
        elif self.op == "exists":
            result = (actual is not None) == self.value
        elif actual is None:
            result = False
        elif isinstance(actual, frozenset):  # a derived field: the values derived for the fact
            options = self.value if isinstance(self.value, tuple) else (self.value,)
            result = any(option in actual for option in options)
        elif self.op == "eq":
            result = actual == self.value
        elif self.op == "in":
            assert isinstance(self.value, tuple)
            result = actual in self.value
        else:
            result = _compare(self.op, actual, self.value)
        return result != self.negated


def _compare(op: Op, actual: Any, bound: Any) -> bool:
    if op == "gt":
        return bool(actual > bound)
    if op == "gte":
        return bool(actual >= bound)
    if op == "lt":
        return bool(actual < bound)
    return bool(actual <= bound)


@attrs.frozen
class AllOf:
    items: tuple[Condition, ...]

    def holds(self, fact: Mapping[str, Any]) -> bool:
        return all(item.holds(fact) for item in self.items)


@attrs.frozen
class AnyOf:
    items: tuple[Condition, ...]

    def holds(self, fact: Mapping[str, Any]) -> bool:
        return any(item.holds(fact) for item in self.items)


@attrs.frozen
class Not:
    item: Condition

    def holds(self, fact: Mapping[str, Any]) -> bool:
        return not self.item.holds(fact)


Condition = Test | AllOf | AnyOf | Not


def atoms(condition: Condition) -> list[Test]:
    """Every `Test` in the tree, in order."""
    if isinstance(condition, Test):
        return [condition]
    if isinstance(condition, Not):
        return atoms(condition.item)
    return [atom for item in condition.items for atom in atoms(item)]


#: One comparison a conjunction makes: (message field, operator, value). Operators are those of
#: the engine: eq, neq, gt, gte, lt, lte, ex (the field is given), nex (it is not).
Atom = tuple[str, str, Scalar]
Conjunction = tuple[Atom, ...]

#: At most this many alternatives (conjunctions) per rule: each becomes a path of its own in the
#: engine, and a rule that expands further would crowd the engine's per-node tables (see
#: docs/engine.md). A rule file whose condition expands further is refused with the rule named.
MAX_ALTERNATIVES = 64

_OPPOSITE = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt", "eq": "neq", "neq": "eq"}


def alternatives(condition: Condition, limit: int = MAX_ALTERNATIVES) -> list[Conjunction]:
    """The condition as alternatives of plain comparisons (disjunctive normal form), or
    `ConditionError` when it has more than `limit`.

    Contradictory alternatives (a field equal to two values, or equal and unequal to one) are
    dropped: no fact meets them. The result holds exactly when the condition holds (`holds`).
    """
    found = _dnf(condition, False, limit)
    kept = [conjunction for conjunction in found if not _contradictory(conjunction)]
    return list(dict.fromkeys(kept))


def _dnf(condition: Condition, negated: bool, limit: int) -> list[Conjunction]:
    if isinstance(condition, Not):
        return _dnf(condition.item, not negated, limit)
    if isinstance(condition, Test):
        return _test_dnf(condition, negated != condition.negated)
    conjunctive = isinstance(condition, AllOf) != negated  # De Morgan
    parts = [_dnf(item, negated, limit) for item in condition.items]
    if not conjunctive:
        union = [conjunction for part in parts for conjunction in part]
        _check_count(len(union), limit)
        return union
    product: list[Conjunction] = [()]
    for part in parts:
        _check_count(len(product) * len(part), limit)
        product = [left + right for left in product for right in part]
    return product


def _check_count(count: int, limit: int) -> None:
    if count > limit:
        raise ConditionError(
            (),
            f"the condition expands to more than {limit} alternatives (the engine's limit per "
            "rule): split the rule into several rules",
        )


def _test_dnf(test: Test, negated: bool) -> list[Conjunction]:
    field, value = test.field, test.value
    if test.op == "includes":
        assert isinstance(value, tuple)
        flags = [circumstance_field(code) for code in value]
        if negated:
            return [tuple((flag, "eq", False) for flag in flags)]
        return [((flag, "eq", True),) for flag in flags]
    if test.op == "in":
        assert isinstance(value, tuple)
        if negated:
            return [tuple((field, "neq", option) for option in value)]
        return [((field, "eq", option),) for option in value]
    if test.op == "exists":
        given = bool(value) != negated
        return [((field, "ex" if given else "nex", 1),)]
    assert not isinstance(value, tuple)
    op = _OPPOSITE[test.op] if negated else test.op
    return [((field, op, value),)]


def _contradictory(conjunction: Conjunction) -> bool:
    equal: dict[str, Scalar] = {}
    for field, op, value in conjunction:
        if op == "eq":
            if field in equal and equal[field] != value:
                return True
            equal[field] = value
    return any(
        op == "neq" and equal.get(field, _NOTHING) == value for field, op, value in conjunction
    )


_NOTHING = object()


class ConditionError(ValueError):
    """A defect in a `when`, with the path (inside `when`) where it is."""

    def __init__(self, path: tuple[str | int, ...], reason: str):
        self.path = path
        self.reason = reason
        super().__init__(reason)


def parse_condition(data: Mapping[str, Any], kinds: Collection[str]) -> Condition:
    """Parse a `when` mapping; `kinds` are the valid kind codes of the rule set."""
    return _parse_mapping(data, kinds, ())


def _parse_mapping(
    data: Mapping[str, Any], kinds: Collection[str], path: tuple[str | int, ...]
) -> Condition:
    items: list[Condition] = []
    for key, value in data.items():
        here = (*path, key)
        if key in ("all", "any"):
            parts = tuple(
                _parse_mapping(part, kinds, (*here, index)) for index, part in enumerate(value)
            )
            items.append(AllOf(parts) if key == "all" else AnyOf(parts))
        elif key == "not":
            items.append(Not(_parse_mapping(value, kinds, here)))
        else:
            items.extend(_parse_field(key, value, kinds, here))
    return items[0] if len(items) == 1 else AllOf(tuple(items))


def _parse_field(
    field: str, value: Any, kinds: Collection[str], path: tuple[str | int, ...]
) -> list[Condition]:
    if field not in FIELDS:
        raise ConditionError(
            path, f"unknown fact field {excerpt(field)} (allowed: {', '.join(FIELDS)})"
        )
    if field in DERIVED and isinstance(value, Mapping):
        raise ConditionError(
            path,
            f"{excerpt(field)} is derived by rules: test it for one code or a list of codes only",
        )
    if isinstance(value, Mapping):
        tests: list[Condition] = []
        for op, operand in value.items():
            if op == "not":
                tests.append(_membership(field, operand, kinds, (*path, op), negated=True))
            elif op in _COMPARISONS:
                value = _ordered_value(field, operand, (*path, op))
                tests.append(Test(engine_field(field), op, value))
            elif op == "exists":
                if field not in NULLABLE:
                    raise ConditionError(
                        (*path, op),
                        f"'exists' applies to nullable fields only ({', '.join(sorted(NULLABLE))})"
                        f", not {excerpt(field)}",
                    )
                tests.append(Test(engine_field(field), "exists", bool(operand)))
            elif op == "includes":
                if FIELDS[field][0] != "codes":
                    raise ConditionError(
                        (*path, op), f"'includes' applies to list fields only, not {excerpt(field)}"
                    )
                codes = (operand,) if isinstance(operand, str) else tuple(operand)
                tests.append(Test(field, "includes", _codes(field, codes, kinds, (*path, op))))
            else:
                raise ConditionError((*path, op), f"unknown operator {excerpt(op)}")
        return tests
    return [_membership(field, value, kinds, path, negated=False)]


def _membership(
    field: str, value: Any, kinds: Collection[str], path: tuple[str | int, ...], negated: bool
) -> Test:
    kind = FIELDS[field][0]
    if kind in ("date", "number", "count", "codes"):
        raise ConditionError(
            path,
            f"{excerpt(field)} takes comparisons (gt, gte, lt, lte) or includes/exists, "
            "not equality",
        )
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConditionError(
                path, f"{excerpt(field)} is a boolean: write true or false, not {excerpt(value)}"
            )
        return Test(field, "eq", value, negated)
    if isinstance(value, list):
        return Test(field, "in", _codes(field, tuple(value), kinds, path), negated)
    (code,) = _codes(field, (value,), kinds, path)
    return Test(field, "eq", code, negated)


def _codes(
    field: str, values: tuple[Any, ...], kinds: Collection[str], path: tuple[str | int, ...]
) -> tuple[str, ...]:
    enum_type = FIELDS[field][1]
    allowed = sorted(kinds) if enum_type is None else [str(m.value) for m in enum_type]
    for value in values:
        if value not in allowed:
            raise ConditionError(
                path, f"{excerpt(value)} is not a {field} code (allowed: {', '.join(allowed)})"
            )
    return tuple(str(value) for value in values)


def _ordered_value(field: str, value: Any, path: tuple[str | int, ...]) -> int | float:
    kind = FIELDS[field][0]
    if kind == "date":
        try:
            return parse_date(value).toordinal()
        except InvalidValue as error:
            raise ConditionError(path, f"{excerpt(field)}: {error.problem}") from None
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConditionError(
                path, f"{excerpt(field)} compares with whole numbers ≥ 0, not {excerpt(value)}"
            )
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConditionError(
                path, f"{excerpt(field)} compares with amounts ≥ 0, not {excerpt(value)}"
            )
        return to_fen(value)
    raise ConditionError(path, f"{excerpt(field)} does not take comparisons (gt, gte, lt, lte)")


def derived_atoms_positive(conjunction: Conjunction) -> bool:
    """Whether every test of a derived field in `conjunction` is an equality (no negation)."""
    return all(op == "eq" for field, op, _ in conjunction if field in DERIVED)


def date_value(day: dt.date) -> int:
    """How a date is represented in a normalised fact and in compiled conditions."""
    return day.toordinal()


def circumstance_field(code: str) -> str:
    """Circumstances travel as one boolean per code: durable_rules tests scalars best."""
    return f"c_{code}"


def to_fen(yuan: float) -> int:
    """Amounts travel as whole fen (分): durable_rules' JSON parser rejects floats such as 1e-05."""
    return round(yuan * 100)


def engine_field(field: str) -> str:
    """The name a fact field has in a normalised fact (amounts are renamed to say their unit)."""
    return field.removesuffix("_yuan") + "_fen" if FIELDS[field][0] == "number" else field
