"""Typed errors: every one says precisely what is wrong and where, so callers can act on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The most characters of a value an error message quotes.
EXCERPT_LENGTH = 60


def excerpt(value: Any, limit: int = EXCERPT_LENGTH) -> str:
    """A value as an error message quotes it: its repr (which escapes control characters and
    lone surrogates), cut to `limit` characters with the full length said, so a message never
    echoes a huge or hostile value in full."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


class EnforcementRulesError(Exception):
    """Base class of every error this library raises on purpose."""


class FactError(EnforcementRulesError, ValueError):
    """A fact (the input) is invalid: names the field, the value and what is allowed."""

    def __init__(self, field: str, problem: str, allowed: str | Sequence[str] | None = None):
        self.field = field
        self.problem = problem
        if allowed is None or isinstance(allowed, str):
            self.allowed = allowed
        else:
            self.allowed = ", ".join(allowed)
        message = f"fact field '{field}': {problem}"
        if self.allowed:
            message += f" (allowed: {self.allowed})"
        super().__init__(message)


class FactErrors(EnforcementRulesError, ValueError):
    """Several fields of one fact are invalid; `errors` holds each `FactError`."""

    def __init__(self, errors: Sequence[FactError]):
        self.errors = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


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


class RuleSetError(EnforcementRulesError):
    """The rule set did not load: every defect found, all files considered (all-or-nothing)."""

    def __init__(self, errors: Sequence[RuleFileError]):
        self.errors = tuple(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"rule set not loaded, {len(self.errors)} error(s):\n{lines}")


class UncoveredKindError(EnforcementRulesError):
    """The kind is a valid code, but the loaded rule set has no provision encoded for it yet."""

    def __init__(self, kind: str, covered: Sequence[str]):
        self.kind = kind
        self.covered = tuple(covered)
        super().__init__(
            f"kind '{kind}' is not covered by the loaded rule set yet "
            f"(covered kinds: {', '.join(self.covered)})"
        )


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
