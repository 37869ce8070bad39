"""The published JSON Schemas of case events, timelines and what falls due.

Generated from the definitions `Event.from_dict` validates with: the fields of each event type
(`events._FIELDS`), `Event`'s field types, the id and amount limits (`MAX_ID_LENGTH`,
`MAX_AMOUNT_YUAN`) and the facts of `contract.schemas`. Timelines and due items are the JSON
forms of `Timeline.to_dict` and `DueItem`; tests validate every one the suite builds.
"""

from __future__ import annotations

import typing

from ..contract.citation import Citation
from ..contract.decision import Decision
from ..contract.facts import MAX_AMOUNT_YUAN
from ..contract.schemas import (
    KindLabels,
    Schema,
    SchemaBuilder,
    date_schema,
    nullable,
)
from .derive import DailyFine, Derived
from .events import _FIELDS, MAX_ID_LENGTH, Event, EventType
from .view import DueItem

#: A case, unit or event id as `events.check_id` accepts it (printable, no surrounding spaces).
ID_PATTERN = (
    "^[^\\s\\u0000-\\u001f\\u007f-\\u009f]"
    "([^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f])?$"
)
_AMOUNT: Schema = {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT_YUAN}
_EVENT_DOCS = {
    EventType.FINDING: "the finding that opens a case: its facts (with the unit), the fine imposed",
    EventType.ORDER: "an order to correct by a deadline (`due`, on or after `on`)",
    EventType.REINSPECTION: "a re-inspection: whether the order was complied with",
    EventType.REVIEW: "the review of a major hazard's removal: approved or not",
    EventType.PAYMENT: "a payment of the fine",
    EventType.APPEAL: "the outcome of an administrative review or lawsuit",
}


def id_schema(what: str) -> Schema:
    return {
        "type": "string",
        "description": what,
        "minLength": 1,
        "maxLength": MAX_ID_LENGTH,
        "pattern": ID_PATTERN,
    }


def _value(builder: SchemaBuilder, name: str) -> Schema:
    """One event field's schema, from `Event`'s type for it."""
    if name.endswith("_yuan"):
        return dict(_AMOUNT)
    if name == "facts":
        unit = id_schema("the unit the finding is against (its cases are counted together)")
        return builder.facts(extra={"unit": unit}, name="FindingFacts")
    hint = typing.get_type_hints(Event)[name]
    present = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    return builder.type_schema(present[0])


def event_definition(builder: SchemaBuilder, *, case_id_required: bool = True) -> Schema:
    """One case event: a variant per event type, told apart by `type`. Without
    `case_id_required` (the service's `POST /v1/cases/{case_id}/events`), `case_id` may be left
    out: the path gives it."""
    name = "CaseEvent" if case_id_required else "NewCaseEvent"

    def variant(kind: EventType) -> Schema:
        required, optional = _FIELDS[kind]
        properties: dict[str, Schema] = {
            "case_id": id_schema("the case's id"),
            "type": {"const": kind.value},
            "on": {"description": "the event's date", **date_schema()},
            "event_id": id_schema("the caller's id for the event; else its content is its id"),
        }
        for key in (*required, *optional):
            properties[key] = _value(builder, key)
        return {
            "title": f"{kind.value} event",
            "description": _EVENT_DOCS[kind],
            "type": "object",
            "properties": properties,
            "required": [
                *(["case_id"] if case_id_required else []),
                "type",
                "on",
                *required,
            ],
            "additionalProperties": False,
        }

    def build() -> Schema:
        return {
            "title": name,
            "description": "one dated event of a case's life (docs/cases.md)",
            "type": "object",
            "required": ["type"],
            "properties": {"type": builder.type_schema(EventType)},
            "oneOf": [variant(kind) for kind in EventType],
        }

    return builder.ref(name, build)


def _object(properties: dict[str, Schema], title: str, description: str) -> Schema:
    return {
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def timeline_definition(builder: SchemaBuilder) -> Schema:
    """`Timeline.to_dict`: every event with the decisions derived after it, and the status."""

    def cited() -> Schema:
        builder.type_schema(Citation)  # a decision's citation, defined once …
        citation = builder.defs["Citation"]
        properties = {**citation["properties"], "label": {"type": "string"}}  # … and its label
        return {
            **citation,
            "title": "CaseCitation",
            "properties": properties,
            "required": list(properties),
        }

    def derived() -> Schema:
        properties: dict[str, Schema] = {
            "code": {"type": "string"},
            "on": date_schema(),
            "zh": {"type": "string"},
            "en": {"type": "string"},
            "citations": {"type": "array", "items": builder.ref("CaseCitation", cited)},
            "details": {
                "type": "object",
                "description": "what the decision rests on; a penalty's decision in `decision`",
                "properties": {"decision": builder.type_schema(Decision)},
            },
        }
        return _object(properties, "Derived", _doc(Derived))

    def daily_fine() -> Schema:
        properties = {
            "amount_yuan": dict(_AMOUNT),
            "from": date_schema(),
            "through": date_schema(),
            "days": {"type": "integer", "minimum": 0},
            "total_yuan": {"type": "number", "minimum": 0},
            "ongoing": {"type": "boolean"},
        }
        return _object(properties, "DailyFine", _doc(DailyFine))

    def entry() -> Schema:
        properties = {
            "seq": {"type": "integer", "minimum": 1},
            "event": event_definition(builder),
            "derived": {"type": "array", "items": builder.ref("Derived", derived)},
        }
        return _object(properties, "TimelineEntry", "one event and what it derived")

    def build() -> Schema:
        order = _object(
            {"seq": {"type": "integer", "minimum": 1}, "due": date_schema()},
            "OpenOrder",
            "an order not yet found complied with",
        )
        status = _object(
            {
                "open_orders": {"type": "array", "items": order},
                "resumption_allowed": {"type": ["boolean", "null"]},
                "daily_fine": nullable(builder.ref("DailyFine", daily_fine)),
            },
            "CaseStatus",
            "the case as of its date: open orders, resumption, the daily fine",
        )
        properties = {
            "case_id": id_schema("the case's id"),
            "unit": id_schema("the unit"),
            "as_of": date_schema(),
            "timeline": {"type": "array", "items": builder.ref("TimelineEntry", entry)},
            "status": status,
        }
        return _object(properties, "Timeline", "a case's replayable timeline as of a date")

    return builder.ref("Timeline", build)


def _doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())


def due_definition(builder: SchemaBuilder) -> Schema:
    """`case due`: an array of `DueItem`s."""
    return {"type": "array", "items": builder.type_schema(DueItem)}


def event_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "case-event",
        event_definition(builder),
        title="Case event",
        description="One dated event of an enforcement case (a line of `case record`'s JSON "
        "Lines, the body of the service's POST /v1/cases/{case_id}/events).",
    )


def timeline_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "case-timeline",
        timeline_definition(builder),
        title="Case timeline",
        description="`case show --json` and GET /v1/cases/{case_id}: every event of a case "
        "with the decisions derived after it, and the case's status.",
    )


def due_schema() -> Schema:
    builder = SchemaBuilder()
    return builder.document(
        "case-due",
        due_definition(builder),
        title="Due items",
        description="`case due` and GET /v1/cases/due: open orders due, reviews pending, daily "
        "fines accruing, on or before a date.",
    )
