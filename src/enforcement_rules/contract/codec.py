"""One strict cattrs converter for every JSON-shaped value of the library.

cattrs' defaults are lenient (it turns "yes" into True); the public contract is not, so the hooks
here accept exactly the JSON types of VOCABULARY.md and say what was expected otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from .errors import FactError, excerpt, suggest
from .fines import FineRange, fine_from_json
from .vocabulary import Code

T = TypeVar("T")


class InvalidValue(ValueError):
    """Raised by a structure hook; the field name is attached when the error is translated."""

    def __init__(
        self,
        problem: str,
        allowed: str | tuple[str, ...] | None = None,
        suggestion: str | None = None,
    ):
        self.problem = problem
        self.allowed = allowed
        self.suggestion = suggestion
        super().__init__(problem)


ISO_DATE = "an ISO date YYYY-MM-DD"


def parse_date(value: Any) -> dt.date:
    """An ISO calendar date: a `date` or a `YYYY-MM-DD` string that names a real day.

    A date written another way (`2024/03/01`, `2024.3.1`, `20240301`, `2024年3月1日`, a date-time)
    is refused with the format expected and, where it names one day, that day in ISO form.
    """
    if isinstance(value, dt.datetime):
        raise InvalidValue(
            f"{excerpt(value)} is a date-time, not a date", ISO_DATE, value.date().isoformat()
        )
    if isinstance(value, dt.date):
        return value
    if type(value) is str:
        return _iso_day(value)
    if not isinstance(value, str):
        raise InvalidValue(f"{excerpt(value)} is not a date", ISO_DATE)
    return _read_day(value)


@functools.lru_cache(maxsize=1 << 16)
def _iso_day(value: str) -> dt.date:
    """`_read_day`, remembered: a batch names the same few thousand days again and again (a
    fact's three dates are read by the table key, the validation and the order check); a date
    is immutable, so one object serves them all. Refusals are not remembered."""
    return _read_day(value)


def _read_day(value: str) -> dt.date:
    if not _ISO_DATE.fullmatch(value):  # fromisoformat would take 2025-W37-2 and 20250909
        raise InvalidValue(
            f"{excerpt(value)} is not written as YYYY-MM-DD (year-month-day, with hyphens)",
            ISO_DATE,
            _date_meant(value),
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        year, month, day = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12:
            why = f"there is no month {month}"
        else:
            days = calendar.monthrange(year, month)[1] if year >= 1 else 31
            why = f"{year}-{month:02d} has {days} days" if day > days or day < 1 else "no such day"
        raise InvalidValue(
            f"{excerpt(value)} is not a real calendar date ({why})", ISO_DATE
        ) from None


#: How a date is written in the JSON contract (the published schemas state the same pattern).
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_DATE = re.compile(ISO_DATE_PATTERN, re.ASCII)
#: Ways people write one day that name it unambiguously (year first): suggested in ISO form.
_OTHER_DATES = (
    re.compile(r"\s*([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*", re.ASCII),
    re.compile(r"\s*([0-9]{4})([0-9]{2})([0-9]{2})\s*", re.ASCII),
    re.compile(r"\s*([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?\s*"),
    re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})[T ][0-9:.+\-Z]*", re.ASCII),
)


def _date_meant(text: str) -> str | None:
    """The ISO form of a date written another way, if it names one real day."""
    normal = unicodedata.normalize("NFKC", text)
    for pattern in _OTHER_DATES:
        match = pattern.fullmatch(normal)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups())).isoformat()
            except ValueError:
                return None
    return None


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
        names = enum_type.names() if issubclass(enum_type, Code) else None
        noun = enum_type.__name__.lower() if issubclass(enum_type, Code) else "code"
        raise InvalidValue(
            code_problem(value, names, noun), allowed, suggest(value, allowed, names)
        )
    return member


def code_problem(value: Any, names: Mapping[str, str] | None, noun: str = "code") -> str:
    """`'x' is not a known code`, or, for the Chinese name of a code, that it is one."""
    if names and isinstance(value, str):
        for code, name in names.items():
            if name == value.strip():
                return f"{excerpt(value)} is the Chinese name of {noun} '{code}' (write the code)"
    return f"{excerpt(value)} is not a known {noun}"


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


MISSING = "required field is missing"
UNKNOWN = "unknown field"


def field_errors(error: BaseException, path: str = "") -> list[FactError]:
    """Flatten a cattrs validation error into one `FactError` per offending field.

    A misspelt field is one error: an unknown field whose closest known name is a required
    field reported missing becomes "unknown field; did you mean …", and the missing one goes.
    """
    if isinstance(error, FactError):
        return [error]
    if isinstance(error, ForbiddenExtraKeysError):
        known = sorted(_known_fields(error.cl))
        return [
            FactError(_join(path, key), UNKNOWN, tuple(known), suggest(key, known))
            for key in sorted(error.extra_fields)
        ]
    if isinstance(error, ClassValidationError | IterableValidationError):
        found: list[FactError] = []
        for inner in error.exceptions:
            found.extend(field_errors(inner, _join(path, _note_path(inner))))
        return _merge_misspelt(found, path)
    if isinstance(error, KeyError):
        return [FactError(path or str(error.args[0]), MISSING)]
    if isinstance(error, InvalidValue):
        return [FactError(path or "<value>", error.problem, error.allowed, error.suggestion)]
    return [FactError(path or "<value>", str(error))]


def _merge_misspelt(found: list[FactError], path: str) -> list[FactError]:
    missing = {e.field: e for e in found if e.problem == MISSING}
    if not missing:
        return found
    merged: list[FactError] = []
    dropped: set[str] = set()
    for error in found:
        if error.problem == UNKNOWN:
            meant = suggest(error.field.rpartition(".")[2], _names(missing, path))
            if meant is not None:
                target = _join(path, meant)
                dropped.add(target)
                error = FactError(error.field, UNKNOWN, error.allowed_values, meant)
        merged.append(error)
    return [e for e in merged if not (e.problem == MISSING and e.field in dropped)]


def _names(missing: Mapping[str, FactError], path: str) -> list[str]:
    prefix = f"{path}." if path else ""
    return [field.removeprefix(prefix) for field in missing]


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
