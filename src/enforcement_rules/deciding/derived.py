"""What the derivation rules made of a fact (forward chaining), and the facts they refuse.

Derivation rules (`then: derive`) run in the engine like any rule; what they derived is read back
from the rules that fired. Two refusals follow from the vocabulary, not from the law (the law is
in the rules that derive): a kind whose decision needs a derived field (`kinds.yaml`, `needs`)
that no rule derived for the fact is an error naming the facts that would give it; a stated value
lower than the value its derivation from the figures gives is an error naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..contract.errors import FactError
from ..contract.facts import Violation
from ..contract.vocabulary import AccidentGrade
from ..rulebook.conditions import DERIVED, FIELDS, atoms
from ..rulebook.model import RuleSet

#: A derived value that bounds a value the caller may state: the stated one may not be lower
#: (derived field → the fact's own field, as the caller names it).
BOUNDS: Mapping[str, str] = {"grade_by_numbers": "accident_grade"}
#: Message fields under the name a caller uses for them.
_FACT_NAMES = {"stated_accident_grade": "accident_grade"}


def derived_values(rules: RuleSet, fired_ids: Iterable[str]) -> dict[str, set[str]]:
    """Derived field → the values the fired derivation rules derived."""
    found: dict[str, set[str]] = {}
    for rule_id in fired_ids:
        derive = rules.rule(rule_id).then.derive
        if derive is not None:
            found.setdefault(derive[0], set()).add(derive[1])
    return found


def accident_grade(rules: RuleSet, fired_ids: Iterable[str]) -> AccidentGrade | None:
    """The grade the decision uses: the highest the rules derived for `accident_grade`."""
    values = derived_values(rules, fired_ids).get("accident_grade", set())
    grades = [AccidentGrade.parse(value) for value in values]
    return max(grades, key=AccidentGrade.rank) if grades else None


def check(rules: RuleSet, violation: Violation, fired_ids: Iterable[str]) -> None:
    """Raise `FactError` for a fact the derivations refuse (see the module docstring)."""
    derived = derived_values(rules, fired_ids)
    kind = rules.kinds[violation.kind]
    for field in kind.needs:
        if field not in derived and not any(
            getattr(violation, name, None) for name in input_fields(rules, field)
        ):
            inputs = ", ".join(input_fields(rules, field))
            enum_type = FIELDS[field][1]
            codes = None if enum_type is None else tuple(str(m.value) for m in enum_type)
            raise FactError(
                field,
                f"a {violation.kind} decision needs {field}, which these facts do not give: "
                f"state {inputs}",
                codes,
            )
    for derived_field, stated_field in BOUNDS.items():
        stated = getattr(violation, stated_field, None)
        values = derived.get(derived_field)
        if stated is None or not values:
            continue
        grade = AccidentGrade.parse(str(stated))
        floor = max((AccidentGrade.parse(v) for v in values), key=AccidentGrade.rank)
        if grade.order < floor.order:
            allowed = tuple(m.value for m in AccidentGrade if m.order >= floor.order)
            raise FactError(
                stated_field,
                f"{grade.value!r} is lower than the grade the casualty and loss figures give "
                f"({floor.value})",
                allowed,
            )


def input_fields(rules: RuleSet, field: str) -> list[str]:
    """The facts a derived field is derived from, as a caller names them (transitively)."""
    found: set[str] = set()
    todo, seen = [field], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for rule in rules.rules:
            if rule.then.derive is not None and rule.then.derive[0] == current:
                for test in atoms(rule.when):
                    if test.field in DERIVED:
                        todo.append(test.field)
                    elif test.field != "kind":
                        found.add(_FACT_NAMES.get(test.field, _fact_name(test.field)))
    return sorted(found)


def lacks_inputs(rules: RuleSet, kind: str, message: Mapping[str, object]) -> bool:
    """Whether a normalised fact of `kind` gives none of the facts its needed derived fields
    come from (such a fact is refused, see `check`)."""
    names = {name for field in rules.kinds[kind].needs for name in input_fields(rules, field)}
    engine_names = {_ENGINE_NAMES.get(name, name) for name in names}
    return bool(names) and not any(message.get(name) for name in engine_names)


_ENGINE_NAMES = {"accident_grade": "stated_accident_grade", "direct_loss_yuan": "direct_loss_fen"}


def _fact_name(field: str) -> str:
    return field.removesuffix("_fen") + "_yuan" if field.endswith("_fen") else field
