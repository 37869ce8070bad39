"""Case events: the dated facts of a case's life, validated before they are stored.

One event is one JSON object; its `type` says which fields it has:
- `finding`: `facts` (the facts of VOCABULARY.md plus `unit`), optional `fine_yuan` imposed;
- `order`: `due` (the correction deadline, on or after `on`);
- `reinspection`: `complied`; `review` (of a major hazard's removal): `approved`;
- `payment`: `amount_yuan`; `appeal`: `outcome` (`upheld`, `varied`, `quashed`).
Every event has `case_id` and `on` (its ISO date), and may carry the caller's `event_id`.

Ids (case, unit, event) are printable text of at most `MAX_ID_LENGTH` characters, without
surrounding spaces: they end up in file names, logs and terminal output. An event's identity in
its case is its `event_id`, or else its content (`identity`): appending the same event twice is a
no-op, so a file can be recorded again after a crash. Two events meant to be distinct although
identical (two equal payments on one day) must carry distinct `event_id`s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import FactError, FactErrors, excerpt
from ..contract.facts import MAX_AMOUNT_YUAN, Violation

if TYPE_CHECKING:
    from .store import CaseHead


MAX_ID_LENGTH = 128


def check_id(field: str, value: Any, what: str) -> str:
    """A case, unit or event id, or `EventError` naming `field`."""
    allowed = f"printable text of 1 to {MAX_ID_LENGTH} characters, no surrounding spaces"
    if not isinstance(value, str) or not value:
        raise EventError(field, f"{excerpt(value)} is not a {what}", allowed)
    if len(value) > MAX_ID_LENGTH or not value.isprintable() or value != value.strip():
        raise EventError(field, f"{excerpt(value)} is not a {what}", allowed)
    return value


class EventType(StrEnum):
    FINDING = "finding"
    ORDER = "order"
    REINSPECTION = "reinspection"
    REVIEW = "review"
    PAYMENT = "payment"
    APPEAL = "appeal"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    VARIED = "varied"
    QUASHED = "quashed"


_FIELDS: dict[EventType, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required, optional) beyond case_id, type and on
    EventType.FINDING: (("facts",), ("fine_yuan",)),
    EventType.ORDER: (("due",), ()),
    EventType.REINSPECTION: (("complied",), ()),
    EventType.REVIEW: (("approved",), ()),
    EventType.PAYMENT: (("amount_yuan",), ()),
    EventType.APPEAL: (("outcome",), ()),
}


class EventError(FactError):
    """An event is invalid: names the field (`facts.kind` inside a finding) and what is allowed."""

    noun = "event field"

    def at(self, where: str) -> EventError:
        """The same error, located (`line 3: `, `case C-1: `)."""
        located = self.located(where)
        assert isinstance(located, EventError)
        return located


@attrs.frozen(kw_only=True)
class Event:
    """One validated case event; `to_dict` is the stored JSON form (`from_dict` reads it back)."""

    case_id: str
    type: EventType
    on: dt.date
    event_id: str | None = None  # the caller's id; None: the content is the identity
    facts: Mapping[str, Any] | None = None  # the finding's facts, without `unit`
    unit: str | None = None
    fine_yuan: float | None = None
    due: dt.date | None = None
    complied: bool | None = None
    approved: bool | None = None
    amount_yuan: float | None = None
    outcome: AppealOutcome | None = None

    @classmethod
    def from_dict(cls, data: Any, *, kinds: Collection[str] | None = None) -> Event:
        """Validate one event; `kinds` restricts the finding's `facts.kind` (a loaded rule set)."""
        if not isinstance(data, Mapping):
            raise EventError("<event>", f"{type(data).__name__} is not a JSON object")
        case_id = check_id("case_id", data.get("case_id"), "case id")
        event_id = (
            check_id("event_id", data["event_id"], "event id") if "event_id" in data else None
        )
        raw_type = data.get("type")
        try:
            kind = EventType(str(raw_type))
        except ValueError:
            raise EventError(
                "type", f"{excerpt(raw_type)} is not an event type", list(EventType)
            ) from None
        required, optional = _FIELDS[kind]
        allowed = {"case_id", "type", "on", "event_id", *required, *optional}
        for key in data:
            if key not in allowed:
                raise EventError(str(key), f"not a field of a {kind} event", sorted(allowed))
        for key in ("on", *required):
            if key not in data:
                raise EventError(key, f"missing from a {kind} event")
        on = _date(data, "on")
        values: dict[str, Any] = {}
        if kind is EventType.FINDING:
            values.update(_finding(data, on, kinds))
        elif kind is EventType.ORDER:
            values["due"] = _date(data, "due")
            if values["due"] < on:
                raise EventError("due", f"{values['due']} is before the order's date {on}")
        elif kind in (EventType.REINSPECTION, EventType.REVIEW):
            values[required[0]] = _bool(data, required[0])
        elif kind is EventType.PAYMENT:
            values["amount_yuan"] = _amount(data, "amount_yuan")
        else:
            try:
                values["outcome"] = AppealOutcome(data["outcome"])
            except ValueError:
                problem = f"{excerpt(data['outcome'])} is not an appeal outcome"
                raise EventError("outcome", problem, list(AppealOutcome)) from None
        return cls(case_id=case_id, type=kind, on=on, event_id=event_id, **values)

    @classmethod
    def from_json(cls, text: str, *, kinds: Collection[str] | None = None) -> Event:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise EventError("<event>", f"not valid JSON: {error}") from None
        return cls.from_dict(data, kinds=kinds)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, only the fields of this event's type (canonical: replay reads it)."""
        data: dict[str, Any] = {"case_id": self.case_id, "type": self.type.value}
        data["on"] = self.on.isoformat()
        if self.event_id is not None:
            data["event_id"] = self.event_id
        if self.facts is not None:
            data["facts"] = {**self.facts, "unit": self.unit}
        for key in ("fine_yuan", "complied", "approved", "amount_yuan"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.due is not None:
            data["due"] = self.due.isoformat()
        if self.outcome is not None:
            data["outcome"] = self.outcome.value
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @property
    def identity(self) -> str:
        """The event's id within its case: the caller's `event_id`, else a digest of its content
        (so that the same event recorded twice is recognised)."""
        if self.event_id is not None:
            return self.event_id
        return "sha256:" + hashlib.sha256(self.to_json().encode()).hexdigest()[:32]


def _finding(data: Mapping[str, Any], on: dt.date, kinds: Collection[str] | None) -> dict[str, Any]:
    facts = data["facts"]
    if not isinstance(facts, Mapping):
        raise EventError("facts", f"{excerpt(facts)} is not a JSON object")
    unit = check_id("facts.unit", facts.get("unit"), "unit id")
    plain = {key: value for key, value in facts.items() if key != "unit"}
    try:
        violation = Violation.from_dict(plain, kinds=kinds)
    except FactError as error:
        raise EventError(
            f"facts.{error.field}", error.problem, error.allowed_values, error.suggestion
        ) from None
    except FactErrors as errors:
        first = errors.errors[0]
        raise EventError(
            f"facts.{first.field}", str(errors), first.allowed_values, first.suggestion
        ) from None
    if on < violation.occurred_on:
        raise EventError("on", f"{on} is before facts.occurred_on {violation.occurred_on}")
    values: dict[str, Any] = {"facts": plain, "unit": unit}
    if "fine_yuan" in data:
        values["fine_yuan"] = _amount(data, "fine_yuan")
    return values


def _date(data: Mapping[str, Any], key: str) -> dt.date:
    try:
        return parse_date(data[key])
    except InvalidValue as error:
        raise EventError(key, error.problem, error.allowed, error.suggestion) from None


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        raise EventError(key, f"{excerpt(value)} is not a boolean", ("true", "false"))
    return value


def _amount(data: Mapping[str, Any], key: str) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EventError(key, f"{excerpt(value)} is not a number", "a number from 0 to 10^12")
    if not 0 <= value <= MAX_AMOUNT_YUAN:
        raise EventError(key, f"{excerpt(value)} is out of range", "a number from 0 to 10^12")
    return float(value)


def check_sequence(head: CaseHead | None, event: Event) -> None:
    """Whether `event` may follow its case as stored (`head`; None: a new case), or
    `EventError`.

    A case opens with its one finding; events are dated in order; re-inspections need an order;
    these keep replay meaningful, since the log cannot be edited later.
    """
    if head is None:
        if event.type is not EventType.FINDING:
            raise EventError("type", f"a case opens with a finding, not a {event.type}")
        return
    if event.type is EventType.FINDING:
        raise EventError("type", "a case has one finding; open a new case for a new finding")
    if event.on < head.last_on:
        raise EventError("on", f"{event.on} is before the case's last event ({head.last_on})")
    if event.type is EventType.REINSPECTION and not head.has_order:
        raise EventError("type", "a re-inspection needs an earlier order in the case")
