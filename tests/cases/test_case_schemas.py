"""The published case schemas: every event type, the schema and `Event.from_dict` agreeing on
good and bad events, and timelines and due items of a real case valid against theirs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import enforcement_rules as er
from enforcement_rules.cases import Event, EventError, EventType, due, record, timeline
from enforcement_rules.cases.events import MAX_ID_LENGTH
from enforcement_rules.cases.schemas import due_schema, event_schema, timeline_schema

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
FACTS = {"kind": "blocked_exits", "occurred_on": "2022-03-01", "unit": "U1"}
GOOD: list[dict[str, Any]] = [
    {"case_id": "C1", "type": "finding", "on": "2022-03-01", "facts": FACTS},
    {"case_id": "C1", "type": "finding", "on": "2022-03-01", "facts": FACTS, "fine_yuan": 2e4},
    {"case_id": "C1", "type": "order", "on": "2022-03-01", "due": "2022-03-15"},
    {"case_id": "C1", "type": "reinspection", "on": "2022-03-16", "complied": False},
    {"case_id": "C1", "type": "review", "on": "2022-03-16", "approved": True, "event_id": "r-1"},
    {"case_id": "C1", "type": "payment", "on": "2022-04-01", "amount_yuan": 0},
    {"case_id": "C1", "type": "appeal", "on": "2022-05-01", "outcome": "varied"},
]
BAD: list[dict[str, Any]] = [
    {"case_id": "C1", "type": "order", "on": "2022-03-01"},  # no due
    {"case_id": "C1", "type": "fine", "on": "2022-03-01"},  # no such type
    {"case_id": "C1", "type": "order", "on": "2022-03-01", "due": "2022-03-15", "x": 1},
    {"case_id": "", "type": "payment", "on": "2022-04-01", "amount_yuan": 1},
    {"case_id": " C1", "type": "payment", "on": "2022-04-01", "amount_yuan": 1},
    {"case_id": "C" * (MAX_ID_LENGTH + 1), "type": "payment", "on": "2022-04-01", "amount_yuan": 1},
    {"case_id": "C1", "type": "payment", "on": "2022-04-01", "amount_yuan": -1},
    {"case_id": "C1", "type": "payment", "on": "2022-04-01", "amount_yuan": True},
    {"case_id": "C1", "type": "reinspection", "on": "2022-03-16", "complied": "no"},
    {"case_id": "C1", "type": "appeal", "on": "2022-05-01", "outcome": "won"},
    {"case_id": "C1", "type": "finding", "on": "2022-03-01", "facts": {**FACTS, "unit": ""}},
    {"case_id": "C1", "type": "finding", "on": "2022-03-01", "facts": {"kind": "blocked_exits"}},
    {"case_id": "C1", "type": "finding", "on": "22-03-01", "facts": FACTS},
]


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


@pytest.fixture(scope="module")
def events(rules: er.RuleSet) -> jsonschema.Draft202012Validator:
    return _validator(event_schema({c: (k.zh, k.en) for c, k in rules.kinds.items()}))


def test_every_event_type_has_a_variant_of_its_own(events: jsonschema.Draft202012Validator) -> None:
    variants = event_schema()["oneOf"]
    assert [v["properties"]["type"]["const"] for v in variants] == [t.value for t in EventType]
    assert {e["type"] for e in GOOD} == {t.value for t in EventType}


@pytest.mark.parametrize("data", GOOD, ids=lambda e: e["type"])
def test_good_events_are_valid_for_the_schema_and_the_code(
    data: dict[str, Any], events: jsonschema.Draft202012Validator, rules: er.RuleSet
) -> None:
    assert [e.message for e in events.iter_errors(data)] == []
    stored = Event.from_dict(data, kinds=rules.kinds).to_dict()
    assert events.is_valid(stored)  # what the log stores is valid too


@pytest.mark.parametrize("data", BAD, ids=range(len(BAD)))
def test_bad_events_are_refused_by_the_schema_and_the_code(
    data: dict[str, Any], events: jsonschema.Draft202012Validator, rules: er.RuleSet
) -> None:
    assert not events.is_valid(data)
    with pytest.raises((EventError, er.FactError)):
        Event.from_dict(data, kinds=rules.kinds)


def test_a_real_case_gives_a_valid_timeline_and_due_list(tmp_path: Path) -> None:
    lines = [
        {**GOOD[1]},
        GOOD[2],
        GOOD[3],
        {
            "case_id": "C2",
            "type": "finding",
            "on": "2022-03-02",
            "facts": {
                **FACTS,
                "kind": "hazard_not_eliminated",
                "hazard": "major",
                "safety_assured": False,
                "occurred_on": "2022-03-02",
            },
        },
    ]
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    db = tmp_path / "cases.db"
    assert record(db, source).errors == []
    check = _validator(timeline_schema())
    for case in ("C1", "C2"):
        shown = timeline(db, case).to_dict()
        assert [e.message for e in check.iter_errors(shown)] == []
        assert shown["timeline"][0]["derived"], "the finding derives a decision"
    items = [item.to_dict() for item in due(db, dt.date(2022, 4, 1))]
    assert items and _validator(due_schema()).is_valid(items)
    assert not _validator(due_schema()).is_valid([{**items[0], "due": "soon"}])
