"""The published inspection-record schema: the example records are valid, and the schema and
`parse_record` refuse the same bad records (with the plan's roles and campaigns)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from enforcement_rules.plan.model import Plan, load_plan
from enforcement_rules.plan.records import RecordError, parse_record
from enforcement_rules.plan.schemas import record_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan_records_2010.jsonl"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def _check(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def test_every_example_record_is_valid_for_any_plan_and_for_its_plan(plan: Plan) -> None:
    records = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]
    assert len(records) > 100
    for schema in (record_schema(), record_schema(plan)):
        check = _check(schema)
        assert [r for r in records if not check.is_valid(r)] == []
    assert any("campaign" in r for r in records)


def _bad(plan: Plan) -> list[dict[str, Any]]:
    good = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    return [
        {**good, "sector": "farming"},
        {**good, "role": "mayor"},
        {**good, "person": " "},
        {**good, "unit": 3},
        {**good, "date": "2010-1-5"},
        {**good, "campaign": "no_such_campaign"},
        {**good, "extra": True},
        {k: v for k, v in good.items() if k != "unit"},
    ]


def test_bad_records_are_refused_by_the_schema_and_by_parse_record(plan: Plan) -> None:
    check = _check(record_schema(plan))
    for record in _bad(plan):
        errors: list[RecordError] = []
        parsed = parse_record(record, plan, source="t", line=1, errors=errors)
        assert parsed is None and errors, record
        assert not check.is_valid(record), record
