"""One strict cattrs converter for every JSON-shaped value of the library.

cattrs' defaults are lenient (it turns "yes" into True); the public contract is not, so the hooks
here accept exactly the JSON types of VOCABULARY.md and say what was expected otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from .errors import FactError, excerpt
from .fines import FineRange, fine_from_json
from .vocabulary import Code

T = TypeVar("T")


class InvalidValue(ValueError):
    """Raised by a structure hook; the field name is attached when the error is translated."""

    def __init__(self, problem: str, allowed: str | tuple[str, ...] | None = None):
        self.problem = problem
        self.allowed = allowed
        super().__init__(problem)


def parse_date(value: Any) -> dt.date:
    """An ISO calendar date: a `date` or a `YYYY-MM-DD` string that names a real day."""
    if isinstance(value, dt.datetime):
        raise InvalidValue(f"{excerpt(value)} is a date-time, not a date", "an ISO date YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidValue(f"{excerpt(value)} is not a date", "an ISO date YYYY-MM-DD")
    if not _ISO_DATE.fullmatch(value):  # fromisoformat would take 2025-W37-2 and 20250909
        raise InvalidValue(
            f"{excerpt(value)} is not written as YYYY-MM-DD", "an ISO date YYYY-MM-DD"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(
            f"{excerpt(value)} is not a real calendar date", "an ISO date YYYY-MM-DD"
        ) from None


#: How a date is written in the JSON contract (the published schemas state the same pattern).
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_DATE = re.compile(ISO_DATE_PATTERN, re.ASCII)


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{excerpt(value)} is not a boolean", ("true", "false"))
    return value


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{excerpt(value)} is not a string")
    return value


def _strict_int(value: Any, _: type) -> int:
    """A whole number; 3.0 counts (JSON and JSON Schema do not tell 3 from 3.0), 3.5 does not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{excerpt(value)} is not a whole number")
    return value


def _strict_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{excerpt(value)} is not a number")
    return float(value)


def _enum_hook(value: Any, enum_type: type[Enum]) -> Enum:
    member = enum_type._value2member_map_.get(value) if isinstance(value, str) else None
    if member is None:
        allowed = tuple(str(member.value) for member in enum_type)
        raise InvalidValue(f"{excerpt(value)} is not a known code", allowed)
    return member


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(dt.date, lambda value, _: parse_date(value))
    converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
    # Codes are str-valued enums: registered on their base class so that they win over `str`.
    converter.register_structure_hook(Code, _enum_hook)
    converter.register_unstructure_hook(Code, lambda member: member.value)
    converter.register_structure_hook(FineRange, lambda value, _: _fine(value))
    return converter


def _fine(value: Any) -> FineRange:
    try:
        return fine_from_json(value)
    except (KeyError, ValueError) as error:
        raise InvalidValue(f"not a fine: {error}") from None


CONVERTER = make_converter()


def field_errors(error: BaseException, path: str = "") -> list[FactError]:
    """Flatten a cattrs validation error into one `FactError` per offending field."""
    if isinstance(error, FactError):
        return [error]
    if isinstance(error, ForbiddenExtraKeysError):
        return [
            FactError(
                _join(path, key),
                "unknown field",
                tuple(sorted(_known_fields(error.cl))),
            )
            for key in sorted(error.extra_fields)
        ]
    if isinstance(error, ClassValidationError | IterableValidationError):
        found: list[FactError] = []
        for inner in error.exceptions:
            found.extend(field_errors(inner, _join(path, _note_path(inner))))
        return found
    if isinstance(error, KeyError):
        return [FactError(path or str(error.args[0]), "required field is missing")]
    if isinstance(error, InvalidValue):
        return [FactError(path or "<value>", error.problem, error.allowed)]
    return [FactError(path or "<value>", str(error))]


def _join(path: str, segment: str) -> str:
    if not segment:
        return path
    if segment.startswith("[") or not path:
        return path + segment
    return f"{path}.{segment}"


def _note_path(error: BaseException) -> str:
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return note.name
        index = getattr(note, "index", None)
        if index is not None:
            return f"[{index}]"
    return ""


def _known_fields(cls: type) -> list[str]:
    return [attribute.name for attribute in getattr(cls, "__attrs_attrs__", ())]


def structure_strict(data: Any, cls: Callable[..., T] | type[T]) -> T:
    """Structure `data` into `cls`, raising cattrs' error for the caller to translate."""
    return CONVERTER.structure(data, cls)  # type: ignore[arg-type]
