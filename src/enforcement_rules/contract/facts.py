"""`Violation`: the facts of one detected violation, the library's input (VOCABULARY.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from typing import Any

import attrs
from cattrs.errors import BaseValidationError

from .codec import CONVERTER, field_errors
from .errors import FactError, FactErrors, excerpt
from .vocabulary import Circumstance, Hazard, Sector

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


def _check_income(_: Violation, __: attrs.Attribute[float | None], value: float | None) -> None:
    if value is not None and not 0 <= value <= MAX_AMOUNT_YUAN:
        problem = (
            f"{excerpt(value)} is negative" if value < 0 else f"{excerpt(value)} is out of range"
        )
        raise FactError("illegal_income_yuan", problem, "a number from 0 to 10^12, or null")


@attrs.frozen(kw_only=True)
class Violation:
    """One detected violation. Frozen and validated: an instance is always a lawful input.

    Build it from JSON-shaped data with `Violation.from_dict`, which reports every bad field.
    `discovered_on` defaults to `occurred_on` and `decided_on` to `discovered_on`.
    """

    kind: str = attrs.field(validator=_check_kind)
    occurred_on: dt.date
    discovered_on: dt.date = attrs.field(default=attrs.Factory(_discovered_default, True))
    decided_on: dt.date = attrs.field(default=attrs.Factory(_decided_default, True))
    sector: Sector = Sector.OTHER
    hazard: Hazard = Hazard.NONE
    correctable_on_site: bool = False
    activity_ongoing: bool = False
    workers_in_danger: bool = False
    safety_assured: bool = True
    nonconforming_equipment: bool = False
    overdue: bool = False
    serious: bool = False
    fined_and_refuses: bool = False
    illegal_income_yuan: float | None = attrs.field(default=None, validator=_check_income)
    harmful_consequences: bool = False
    circumstances: frozenset[Circumstance] = frozenset()

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
        cls, data: Mapping[str, Any], *, kinds: Collection[str] | None = None
    ) -> Violation:
        """Validate JSON-shaped facts; `kinds` (from a loaded rule set) restricts `kind`.

        Raises `FactErrors` listing every bad field (a `FactError` each, naming the field and the
        allowed values), or a single `FactError` when only one field is wrong.
        """
        if not isinstance(data, Mapping):
            raise FactError("<facts>", f"{type(data).__name__} is not a JSON object")
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
        try:
            violation = CONVERTER.structure(raw, cls)
        except BaseValidationError as error:
            errors = field_errors(error)
            raise errors[0] if len(errors) == 1 else FactErrors(errors) from None
        except FactError:
            raise
        if kinds is not None and violation.kind not in kinds:
            raise FactError("kind", f"{excerpt(violation.kind)} is not a known kind", sorted(kinds))
        return violation

    @classmethod
    def from_json(cls, text: str, *, kinds: Collection[str] | None = None) -> Violation:
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
