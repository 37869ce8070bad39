"""Typed errors: every one says precisely what is wrong and where, so callers can act on it.

Every error has one JSON shape (`to_dict`), the same in `decide`, `case`, `plan` and the service:
`{"type", "field", "allowed", "suggestion", "message"}`: the error class, the offending field (or
null), the allowed values as a list of strings (codes, or one description of the allowed form;
null when the error is not about a value), a did-you-mean suggestion (or null), and the message
people read. An error made of several (`FactErrors`, `RuleSetError`) adds `errors`, a list of
objects of the same shape.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: The most characters of a value an error message quotes.
EXCERPT_LENGTH = 60
#: A message lists the allowed values in full up to this many; beyond it (and when it can make a
#: suggestion) it says how many there are and where they are listed: `allowed` holds them all.
LISTED_IN_MESSAGE = 12


def excerpt(value: Any, limit: int = EXCERPT_LENGTH) -> str:
    """A value as an error message quotes it: its repr (which escapes control characters and
    lone surrogates), cut to `limit` characters with the full length said, so a message never
    echoes a huge or hostile value in full."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


def suggest(
    value: object, candidates: Iterable[str], names: Mapping[str, str] | None = None
) -> str | None:
    """The candidate a mistyped `value` most likely meant, or None.

    Tried in order: the same code written differently (case, spaces, hyphens); the Chinese name
    of a code (`names`: code → 中文, exact, then contained either way, then close); a close spelling
    (difflib, ratio ≥ 0.75 for codes).
    """
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    options = list(candidates)
    folded = _fold(value)
    for option in options:
        if _fold(option) == folded:
            return option
    if names:
        text = unicodedata.normalize("NFKC", value).strip()
        for code, name in names.items():
            if name == text:
                return code
        if not text.isascii():
            containing = [c for c, n in names.items() if text in n or n in text]
            if len(containing) == 1:
                return containing[0]
            meant = _closest_name(text, names)
            if meant is not None:
                return meant
    close = difflib.get_close_matches(folded, [_fold(o) for o in options], n=1, cutoff=0.75)
    if close:
        return next(option for option in options if _fold(option) == close[0])
    return None


def _closest_name(text: str, names: Mapping[str, str]) -> str | None:
    """The code whose Chinese name shares most of the characters of `text` (at least half of
    them, and clearly more than any other name): Chinese words are not spelt, they are chosen,
    so people write a name shorter or in other words, rarely a letter wrong."""
    wanted = {char for char in text if not char.isspace() and char not in "，、。；的"}
    if len(wanted) < 3:
        return None
    scores = sorted(
        ((len(wanted & set(name)) / len(wanted), code) for code, name in names.items()),
        reverse=True,
    )
    best, code = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    enough = best >= 0.5 and best * len(wanted) >= 3
    return code if enough and best > runner_up + 0.1 else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace("-", "_").replace(" ", "_")


class EnforcementRulesError(Exception):
    """Base class of every error this library raises on purpose."""

    @property
    def allowed_values(self) -> tuple[str, ...] | None:
        return None

    def to_dict(self) -> dict[str, Any]:
        """The one JSON shape of every error (see the module's docstring)."""
        allowed = self.allowed_values
        return {
            "type": type(self).__name__,
            "field": getattr(self, "field", None),
            "allowed": None if allowed is None else list(allowed),
            "suggestion": getattr(self, "suggestion", None),
            "message": str(self),
        }


class FactError(EnforcementRulesError, ValueError):
    """A fact (the input) is invalid: names the field, the value and what is allowed.

    `allowed` is the allowed values as text (codes joined by commas, or a description such as
    "an ISO date YYYY-MM-DD"), `allowed_values` the same as a tuple, and `suggestion` what the
    caller most likely meant (a code, a field name or a date), if anything.
    """

    #: How the message names what is wrong ("fact field", "event field", "record field").
    noun = "fact field"

    def __init__(
        self,
        field: str,
        problem: str,
        allowed: str | Sequence[str] | None = None,
        suggestion: str | None = None,
        *,
        where: str = "",
    ):
        self.field = field
        self.problem = problem
        self.suggestion = suggestion
        self.where = where
        self._allowed: tuple[str, ...] | None
        if allowed is None or isinstance(allowed, str):
            self.allowed = allowed
            self._allowed = None if allowed is None else (allowed,)
        else:
            self._allowed = tuple(allowed)
            self.allowed = ", ".join(self._allowed)
        super().__init__(self._message())

    @property
    def allowed_values(self) -> tuple[str, ...] | None:
        return self._allowed

    def _message(self) -> str:
        message = f"{self.where}{self.noun} '{self.field}': {self.problem}"
        if self.suggestion is not None and repr(self.suggestion) not in self.problem:
            message += f"; did you mean {self.suggestion!r}?"
        codes = self._allowed
        if codes and len(codes) > LISTED_IN_MESSAGE and self.suggestion is not None:
            message += f" ({len(codes)} values allowed; the error's `allowed` lists them)"
        elif self.allowed:
            message += f" (allowed: {self.allowed})"
        return message

    def located(self, where: str) -> FactError:
        """The same error with a location before it (`line 3: `)."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.where = where + self.where
        Exception.__init__(copy, copy._message())
        return copy


class FactErrors(EnforcementRulesError, ValueError):
    """Several fields of one fact are invalid; `errors` holds each `FactError`."""

    def __init__(self, errors: Sequence[FactError]):
        self.errors = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"errors": [error.to_dict() for error in self.errors]}


class RuleFileError(EnforcementRulesError):
    """One defect in one rule file, located by file, line and rule id."""

    def __init__(self, file: str, line: int | None, rule_id: str | None, reason: str):
        self.file = file
        self.line = line
        self.rule_id = rule_id
        self.reason = reason
        where = file if line is None else f"{file}:{line}"
        rule = f" rule '{rule_id}'" if rule_id else ""
        super().__init__(f"{where}:{rule} {reason}")

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"file": self.file, "line": self.line, "rule_id": self.rule_id}


class RuleSetError(EnforcementRulesError):
    """The rule set did not load: every defect found, all files considered (all-or-nothing)."""

    def __init__(self, errors: Sequence[RuleFileError]):
        self.errors = tuple(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"rule set not loaded, {len(self.errors)} error(s):\n{lines}")

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"errors": [error.to_dict() for error in self.errors]}


class UncoveredKindError(EnforcementRulesError):
    """The kind is a valid code, but the loaded rule set has no provision encoded for it yet."""

    def __init__(self, kind: str, covered: Sequence[str]):
        self.field = "kind"
        self.kind = kind
        self.covered = tuple(covered)
        super().__init__(
            f"kind '{kind}' is not covered by the loaded rule set yet "
            f"(covered kinds: {', '.join(self.covered)})"
        )

    @property
    def allowed_values(self) -> tuple[str, ...] | None:
        return self.covered


class NoApplicableLawError(EnforcementRulesError):
    """No version of a law the rule set encodes was in force on the date that selects it.

    Where the instrument that decided the kind was succeeded by another before that date,
    `successor` names it (`law`, `on`): the repealed text is never cited after its end, and the
    successor is not encoded for this kind yet."""

    def __init__(
        self,
        kind: str,
        date: str,
        successor: tuple[str, str, str] | None = None,
        not_encoded: tuple[str, str] | None = None,
    ):
        self.kind = kind
        self.date = date
        self.successor = successor  # (repealed law, successor law, the day it took effect)
        #: (law, why) where the rule set declares the instrument's text for the kind unread then
        self.not_encoded = not_encoded
        message = f"no encoded law version covers kind '{kind}' on {date}"
        if successor is not None:
            old, new, on = successor
            message += (
                f": {old} was succeeded by {new} on {on}, which is not encoded for this kind "
                f"(该文件已由{new}自{on}起取代，尚未编码)"
            )
        if not_encoded is not None:
            law, why = not_encoded
            message += f": {law} is declared not encoded for this kind on that day: {why}"
        super().__init__(message)


class RuleConflictError(EnforcementRulesError):
    """The rule set gave a fact no penalty decision, or two: a defect of the rules, not the fact."""

    def __init__(self, reason: str, rule_ids: Sequence[str]):
        self.rule_ids = tuple(rule_ids)
        super().__init__(f"{reason} (rules: {', '.join(self.rule_ids) or 'none'})")


class EngineError(EnforcementRulesError):
    """durable_rules failed; the engine's own error is chained as the cause."""


def error_object(error: BaseException) -> dict[str, Any]:
    """The JSON shape of any error a command or the service reports (one shape everywhere):
    the library's own errors describe themselves; anything else (an `OSError` on a file) is
    reported with its class name, no field and its message."""
    if isinstance(error, EnforcementRulesError):
        return error.to_dict()
    return {
        "type": type(error).__name__,
        "field": None,
        "allowed": None,
        "suggestion": None,
        "message": str(error),
    }
