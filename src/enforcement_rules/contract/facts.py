"""`Violation`: the facts of one detected violation, the library's input (VOCABULARY.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol, TypeVar

import attrs
from cattrs.errors import BaseValidationError

from .codec import CONVERTER, InvalidValue, code_problem, field_errors, parse_date
from .errors import FactError, FactErrors, excerpt, suggest
from .vocabulary import AccidentGrade, Circumstance, Code, Hazard, LicenceStatus, Sector

C = TypeVar("C", bound=Code)

_KIND_PATTERN = "lower_snake_case code"
MAX_AMOUNT_YUAN = 1e12  # amounts travel as whole fen; this keeps them well inside int64


def _discovered_default(self: Violation) -> dt.date:
    return self.occurred_on


def _decided_default(self: Violation) -> dt.date:
    return self.discovered_on


def _check_kind(_: Violation, __: attrs.Attribute[str], value: str) -> None:
    if not value or not value.replace("_", "a").isalnum() or not value[0].isalpha():
        raise FactError("kind", f"{excerpt(value)} is not a kind code", _KIND_PATTERN)
    if value != value.lower() or not value.isascii():
        raise FactError("kind", f"{excerpt(value)} is not a kind code", _KIND_PATTERN)


def _check_amount(_: Violation, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """An amount in yuan: a finite number from 0 to 10^12 (null where the field allows it)."""
    allowed = _AMOUNTS if attribute.default is None else _AMOUNT
    if value is None and attribute.default is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FactError(attribute.name, f"{excerpt(value)} is not an amount", allowed)
    if not 0 <= value <= MAX_AMOUNT_YUAN:
        problem = f"{excerpt(value)} is {'negative' if value < 0 else 'out of range'}"
        raise FactError(attribute.name, problem, allowed)


_AMOUNTS = "a number from 0 to 10^12, or null"
_AMOUNT = "a number from 0 to 10^12"
MAX_COUNT = 1_000_000  # persons: far above any accident, small enough for the engine


def _check_count(_: Violation, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        allowed = f"a whole number from 0 to {MAX_COUNT:,}"
        raise FactError(attribute.name, f"{excerpt(value)} is not a count of persons", allowed)


def _check_optional_count(_: Violation, attribute: attrs.Attribute[int | None], value: Any) -> None:
    """A whole number from 0 to `MAX_COUNT`, or null (a tier fact not stated)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        allowed = f"a whole number from 0 to {MAX_COUNT:,}, or null"
        raise FactError(attribute.name, f"{excerpt(value)} is not a count", allowed)


def _check_optional_bool(_: Violation, attribute: attrs.Attribute[bool | None], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        allowed = ("true", "false", "null")
        raise FactError(attribute.name, f"{excerpt(value)} is not a boolean or null", allowed)


MAX_REF_LENGTH = 200


def _check_ref(_: Violation, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) > MAX_REF_LENGTH or not value.isprintable():
        raise FactError("ref", f"{excerpt(value)} is not a reference", _REFS)


_REFS = f"printable text of at most {MAX_REF_LENGTH} characters, or null"


def _check_bool(_: Violation, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise FactError(attribute.name, f"{excerpt(value)} is not a boolean", ("true", "false"))


def _check_date(_: Violation, attribute: attrs.Attribute[dt.date], value: dt.date) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise FactError(attribute.name, f"{excerpt(value)} is not a date", "a datetime.date")


def _code(enum_type: type[C], field: str, value: Any) -> C:
    """The code (a member, or its JSON code), else a `FactError` naming `field`."""
    if isinstance(value, enum_type):
        return value
    member = enum_type._value2member_map_.get(value) if isinstance(value, str) else None
    if member is None:
        names = enum_type.names()
        raise FactError(
            field,
            code_problem(value, names, enum_type.__name__.lower()),
            enum_type.codes(),
            suggest(value, enum_type.codes(), names),
        )
    return member  # type: ignore[return-value]


class Named(Protocol):
    """Anything with a Chinese name (a rule set's `Kind`)."""

    @property
    def zh(self) -> str: ...


Kinds = Collection[str] | Mapping[str, Named]


def _sector(value: Any) -> Sector:
    return _code(Sector, "sector", value)


def _hazard(value: Any) -> Hazard:
    return _code(Hazard, "hazard", value)


def _grade(value: Any) -> AccidentGrade | None:
    return None if value is None else _code(AccidentGrade, "accident_grade", value)


def _licence(value: Any) -> LicenceStatus:
    return _code(LicenceStatus, "licence_status", value)


def _circumstances(value: Any) -> frozenset[Circumstance]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise FactError("circumstances", f"{excerpt(value)} is not a set of codes")
    return frozenset(_code(Circumstance, "circumstances", item) for item in value)


@attrs.frozen(kw_only=True)
class Violation:
    """One detected violation. Frozen and validated: an instance is always a lawful input.

    Every field is checked on construction, `attrs.evolve` included (a `FactError` names the
    field); codes may be given as members or as their JSON codes. Build it from JSON-shaped data
    with `Violation.from_dict`, which reports every bad field at once. `discovered_on` defaults
    to `occurred_on` and `decided_on` to `discovered_on`.
    """

    kind: str = attrs.field(validator=_check_kind)
    occurred_on: dt.date = attrs.field(validator=_check_date)
    discovered_on: dt.date = attrs.field(
        default=attrs.Factory(_discovered_default, True), validator=_check_date
    )
    decided_on: dt.date = attrs.field(
        default=attrs.Factory(_decided_default, True), validator=_check_date
    )
    sector: Sector = attrs.field(default=Sector.OTHER, converter=_sector)
    hazard: Hazard = attrs.field(default=Hazard.NONE, converter=_hazard)
    correctable_on_site: bool = attrs.field(default=False, validator=_check_bool)
    activity_ongoing: bool = attrs.field(default=False, validator=_check_bool)
    workers_in_danger: bool = attrs.field(default=False, validator=_check_bool)
    safety_assured: bool = attrs.field(default=True, validator=_check_bool)
    nonconforming_equipment: bool = attrs.field(default=False, validator=_check_bool)
    overdue: bool = attrs.field(default=False, validator=_check_bool)
    serious: bool = attrs.field(default=False, validator=_check_bool)
    fined_and_refuses: bool = attrs.field(default=False, validator=_check_bool)
    illegal_income_yuan: float | None = attrs.field(default=None, validator=_check_amount)
    harmful_consequences: bool = attrs.field(default=False, validator=_check_bool)
    circumstances: frozenset[Circumstance] = attrs.field(
        default=frozenset(), converter=_circumstances
    )
    #: An accident: persons killed, seriously injured (acute industrial poisoning included) and
    #: the direct economic loss; the grade is derived from them by rules unless stated.
    deaths: int = attrs.field(default=0, validator=_check_count)
    serious_injuries: int = attrs.field(default=0, validator=_check_count)
    direct_loss_yuan: float = attrs.field(default=0, validator=_check_amount)
    accident_grade: AccidentGrade | None = attrs.field(default=None, converter=_grade)
    #: 上一年年收入 of the person an income-share fine falls on (null: stated as shares only).
    annual_income_yuan: float | None = attrs.field(default=None, validator=_check_amount)
    especially_serious: bool = attrs.field(default=False, validator=_check_bool)
    licence_status: LicenceStatus = attrs.field(default=LicenceStatus.VALID, converter=_licence)
    #: Tier facts of the discretion benchmarks (裁量基准): never read by rules, only by the
    #: benchmark rows that narrow a fine range; null where not stated (no tier is chosen on them).
    instances: int | None = attrs.field(default=None, validator=_check_optional_count)
    employees: int | None = attrs.field(default=None, validator=_check_optional_count)
    duration_days: int | None = attrs.field(default=None, validator=_check_optional_count)
    repeat_offence: bool | None = attrs.field(default=None, validator=_check_optional_bool)
    corrected_before_decision: bool | None = attrs.field(
        default=None, validator=_check_optional_bool
    )
    #: The caller's own id for the finding: never read by rules, echoed in the decision.
    ref: str | None = attrs.field(default=None, validator=_check_ref)

    def __attrs_post_init__(self) -> None:
        if self.discovered_on < self.occurred_on:
            raise FactError(
                "discovered_on",
                f"{self.discovered_on} is before occurred_on {self.occurred_on}",
                "a date on or after occurred_on",
            )
        if self.decided_on < self.discovered_on:
            raise FactError(
                "decided_on",
                f"{self.decided_on} is before discovered_on {self.discovered_on}",
                "a date on or after discovered_on",
            )

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        kinds: Kinds | None = None,
        today: dt.date | None = None,
    ) -> Violation:
        """Validate JSON-shaped facts; `kinds` (from a loaded rule set) restricts `kind`.

        `kinds` may map each code to its kind (anything with a Chinese name `zh`): a kind given
        by its Chinese name, or misspelt, is then answered with the code meant. Given `today`, no
        date may lie after the decision day: `decided_on` when the facts state it, else today.

        Raises `FactErrors` listing every bad field (a `FactError` each, naming the field and the
        allowed values), or a single `FactError` when only one field is wrong.
        """
        if not isinstance(data, Mapping):
            raise FactError("<facts>", f"{type(data).__name__} is not a JSON object")
        for key in data:
            if not isinstance(key, str):
                raise FactError("<facts>", f"the key {excerpt(key)} is not a string")
        raw = dict(data)
        circumstances = raw.get("circumstances")
        if isinstance(circumstances, list) and len(set(map(str, circumstances))) != len(
            circumstances
        ):
            raise FactError("circumstances", "a code is listed twice", Circumstance.codes())
        if "circumstances" in raw and not isinstance(circumstances, list):
            raise FactError(
                "circumstances", f"{excerpt(circumstances)} is not a list", Circumstance.codes()
            )
        errors: list[FactError] = []
        if kinds is not None and isinstance(raw.get("kind"), str) and raw["kind"] not in kinds:
            kind = raw["kind"]
            names = (
                {code: str(getattr(k, "zh", "")) for code, k in kinds.items()}
                if isinstance(kinds, Mapping)
                else None
            )
            errors.append(
                FactError(
                    "kind",
                    code_problem(kind, names, "kind"),
                    sorted(kinds),
                    suggest(kind, kinds, names),
                )
            )
        order = _order_error(raw)
        try:
            violation = CONVERTER.structure(raw, cls)
        except BaseValidationError as error:
            errors += field_errors(error)
        except FactError as error:
            errors.append(error)
        if errors or order:
            if errors and errors[0].field == "kind":  # the rule set's kinds say more
                errors = [errors[0], *(e for e in errors[1:] if e.field != "kind")]
            if order is not None:
                errors = [order, *(e for e in errors if e.field not in _DATES)]
            raise errors[0] if len(errors) == 1 else FactErrors(errors) from None
        if today is not None:
            _check_not_after(violation, violation.decided_on if "decided_on" in raw else today)
        return violation

    @classmethod
    def from_json(cls, text: str, *, kinds: Kinds | None = None) -> Violation:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise FactError("<facts>", f"not valid JSON: {error}") from None
        return cls.from_dict(data, kinds=kinds)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, every field present, circumstances sorted."""
        data: dict[str, Any] = CONVERTER.unstructure(self)
        data["circumstances"] = sorted(member.value for member in self.circumstances)
        return data


_DATES = ("occurred_on", "discovered_on", "decided_on")


def _order_error(raw: Mapping[str, Any]) -> FactError | None:
    """Dates the facts state, in their order: a later one before an earlier one is an error that
    names the two fields as given (not a default the caller never wrote)."""
    given: list[tuple[str, dt.date]] = []
    for name in _DATES:
        try:
            given.append((name, parse_date(raw[name])))
        except (KeyError, InvalidValue):
            continue  # absent, or reported by the converter with the rest
    for (early, early_day), (late, late_day) in itertools.combinations(given, 2):
        if late_day < early_day:
            return FactError(
                late,
                f"{late_day} is before {early} {early_day}",
                f"a date on or after {early}",
            )
    return None


def _check_not_after(violation: Violation, day: dt.date) -> None:
    """No date of the facts may lie after the decision day."""
    for name in _DATES:
        value: dt.date = getattr(violation, name)
        if value > day:
            raise FactError(
                name,
                f"{value} is in the future of the decision day {day} (today, as the facts give "
                "no decided_on; state decided_on to decide as of a later day)",
                f"a date on or before {day}",
            )
