"""The contract's JSON Schemas say what the code accepts and writes: fields, codes and limits
agree with `Violation.from_dict` at every boundary, every example is valid, every error object
has the published shape."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.contract import schemas
from enforcement_rules.contract.facts import MAX_AMOUNT_YUAN, MAX_REF_LENGTH

REPO = Path(__file__).resolve().parents[2]
BASE = {"kind": "blocked_exits", "occurred_on": "2025-09-09"}
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def labels(rules: er.RuleSet) -> dict[str, tuple[str, str]]:
    return {code: (kind.zh, kind.en) for code, kind in rules.kinds.items()}


@pytest.fixture(scope="module")
def facts_validator(rules: er.RuleSet) -> jsonschema.Draft202012Validator:
    return validator(schemas.facts_schema(labels(rules)))


def code_accepts(rules: er.RuleSet, facts: Any) -> bool:
    try:
        er.Violation.from_dict(facts, kinds=rules.kinds)
    except (er.FactError, er.FactErrors):
        return False
    return True


# ---------------------------------------------------------------- structure


def test_every_fact_field_is_published_with_its_label_type_and_default() -> None:
    schema = schemas.facts_schema()
    fields = attrs.fields(er.Violation)
    assert list(schema["properties"]) == [field.name for field in fields]
    assert set(schemas.FACT_FIELDS) == {field.name for field in fields}, "label every field"
    assert schema["required"] == [f.name for f in fields if f.default is attrs.NOTHING]
    assert schema["additionalProperties"] is False
    for field in fields:
        published = schema["properties"][field.name]
        assert published["title"] == schemas.FACT_FIELDS[field.name][0]
        if field.default is not attrs.NOTHING and not isinstance(field.default, attrs.Factory):
            default = field.default
            expected = sorted(default) if isinstance(default, frozenset) else default
            assert published["default"] == expected, field.name


def test_defaults_published_are_the_defaults_the_code_applies(rules: er.RuleSet) -> None:
    schema = schemas.facts_schema()
    applied = er.Violation.from_dict(BASE).to_dict()
    for name, published in schema["properties"].items():
        if "default" in published:
            assert applied[name] == published["default"], name


def test_every_decision_key_is_published_and_described(decider: er.Decider) -> None:
    schema = schemas.decision_schema()
    written = decider.decide(BASE).to_dict(trace=True, facts=decider.violation(BASE))
    # `suggested` is written only where a benchmark row applies (tests/deciding/test_discretion)
    assert set(schema["properties"]) == {*written, "suggested"}
    assert set(schema["required"]) == set(decider.decide(BASE).to_dict())
    assert all("description" in p for p in schema["properties"].values())
    fine = schema["$defs"]["FineRange"]["properties"]
    assert list(fine) == [*decider.decide(BASE).fines[0].to_dict(), "income_share"]
    share = {"kind": "accident_principal_duty_failure", "occurred_on": "2023-06-01", "deaths": 1}
    assert list(fine) == list(decider.decide(share).fines[0].to_dict())


def test_codes_carry_their_chinese_term_and_english_label(rules: er.RuleSet) -> None:
    schema = schemas.decision_schema(labels(rules))
    measures = schema["$defs"]["Measure"]["oneOf"]
    assert [m["const"] for m in measures] == list(er.Measure.codes())
    assert measures[0] == {
        "const": "correct_on_site",
        "title": "当场予以纠正",
        "description": "correct on the spot",
    }
    kinds = {k["const"]: k["title"] for k in schema["$defs"]["Kind"]["oneOf"]}
    assert kinds == {code: kind.zh for code, kind in rules.kinds.items()}


@pytest.mark.parametrize("build", [schemas.facts_schema, schemas.decision_schema])
def test_schemas_are_valid_2020_12_and_deterministic(build: Any, rules: er.RuleSet) -> None:
    for kinds in (None, labels(rules)):
        first = build(kinds)
        jsonschema.Draft202012Validator.check_schema(first)
        assert first["$schema"] == schemas.DIALECT
        assert json.dumps(first) == json.dumps(build(kinds))


def test_the_builder_refuses_a_type_it_cannot_publish() -> None:
    with pytest.raises(TypeError, match="no JSON Schema"):
        schemas.SchemaBuilder().type_schema(complex)


# ---------------------------------------------------------------- schema and code agree


def _cases(name: str, prop: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """Values at and just past every limit the published property states, and wrong types."""
    if "$ref" in prop:
        prop = {**schema["$defs"][prop["$ref"].rsplit("/", 1)[1]], **prop}
    types = prop.get("type")
    types = types if isinstance(types, list) else [types]
    values: list[Any] = ["not_a_code", 1, None, [], {}, True]
    if "oneOf" in prop:
        values += [choice["const"] for choice in prop["oneOf"]] + ["", "Other", " other"]
    if "boolean" in types:
        values += [True, False, "true", 0]
    if "number" in types:
        low, high = prop["minimum"], prop["maximum"]
        values += [low, high, low - 0.01, high * 1.0001, 12.5, "1", float(2**60)]
    if prop.get("format") == "date":
        values += ["2025-09-10", "2025-9-10", "20250910", "2025-02-30", "2025-09-10T00:00"]
    if "maxLength" in prop:
        limit = prop["maxLength"]
        values += ["x" * limit, "x" * (limit + 1), "案-1", "a\nb", "\x00", ""]
    if "array" in types:
        values += [["minor_violation"], ["minor_violation", "minor_violation"], ["bogus"], "x"]
    return values


def test_schema_and_code_agree_at_every_published_limit(
    rules: er.RuleSet, facts_validator: jsonschema.Draft202012Validator
) -> None:
    """For each field: a value the schema accepts the code accepts, one it refuses the code
    refuses (dates are kept after occurred_on: the order of dates no schema can state)."""
    schema = schemas.facts_schema(labels(rules))
    disagreements = []
    tried = 0
    for name, prop in schema["properties"].items():
        for value in _cases(name, prop, schema):
            facts = {**BASE, "occurred_on": "2025-09-01", name: value}
            if name == "occurred_on":
                facts = {"kind": "blocked_exits", "occurred_on": value}
            published = facts_validator.is_valid(facts)
            tried += 1
            if published != code_accepts(rules, facts):
                disagreements.append((name, value, published))
    assert tried > 150
    assert disagreements == []


def test_unknown_and_missing_fields_are_refused_by_both(
    rules: er.RuleSet, facts_validator: jsonschema.Draft202012Validator
) -> None:
    for facts in (
        {**BASE, "colour": "red"},
        {"kind": "blocked_exits"},
        {"occurred_on": "2025-01-01"},
    ):
        assert not facts_validator.is_valid(facts)
        assert not code_accepts(rules, facts)


@given(st.text(alphabet="abcxyzAZ019_-é ", max_size=8))
def test_the_kind_pattern_is_the_code_check(text: str) -> None:
    published = re.fullmatch(schemas.KIND_PATTERN.strip("^$"), text) is not None
    try:
        er.Violation.from_dict({"kind": text, "occurred_on": "2025-01-01"})
        accepted = True
    except er.FactError:
        accepted = False
    assert published == accepted


def test_limits_are_the_validators_constants() -> None:
    props = schemas.facts_schema()["properties"]
    assert props["illegal_income_yuan"]["maximum"] == MAX_AMOUNT_YUAN
    assert props["ref"]["maxLength"] == MAX_REF_LENGTH


# ---------------------------------------------------------------- examples and errors


def example_facts(rules: er.RuleSet) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name in ("cases", "awkward_cases"):
        for number, line in enumerate((REPO / "examples" / f"{name}.jsonl").open("rb"), 1):
            found.append((f"examples/{name}.jsonl:{number}", json.loads(line)))
    for rule in rules.rules:
        for example in rule.examples:
            found.append((f"{rule.id}: {example.name}", _jsonable(example.facts)))
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_every_example_case_and_rule_file_example_is_valid_facts(
    rules: er.RuleSet, facts_validator: jsonschema.Draft202012Validator
) -> None:
    examples = example_facts(rules)
    assert len(examples) > 150
    generic = validator(schemas.facts_schema())
    for where, facts in examples:
        errors = [e.message for e in facts_validator.iter_errors(facts)]
        assert errors == [], where
        assert generic.is_valid(facts), where


def test_every_recorded_golden_decision_is_a_valid_decision(rules: er.RuleSet) -> None:
    check = validator(schemas.decision_schema(labels(rules)))
    golden = REPO / "tests" / "fixtures" / "golden"
    lines = [
        line
        for path in sorted(golden.glob("*.jsonl"))
        if not path.name.startswith("inspections.")
        for line in path.read_text("utf-8").splitlines()
    ]
    assert len(lines) >= 10
    for line in lines:
        assert [e.message for e in check.iter_errors(json.loads(line))] == []
    inspections = validator(schemas.inspection_decision_schema(labels(rules)))
    recorded = (golden / "inspections.decisions.jsonl").read_text("utf-8").splitlines()
    assert len(recorded) >= 4
    for line in recorded:
        assert [e.message for e in inspections.iter_errors(json.loads(line))] == []


def test_the_schema_catches_a_decision_that_strays(decider: er.Decider) -> None:
    """The decision schema can fail: a key added, a code unknown, a type wrong."""
    check = validator(schemas.decision_schema())
    good = decider.decide(BASE).to_dict()
    assert check.is_valid(good)
    for bad in (
        {**good, "extra": 1},
        {**good, "measures": ["shout"]},
        {**good, "daily_fine": "no"},
        {k: v for k, v in good.items() if k != "section"},
        {**good, "fines": [{**good["fines"][0], "min_yuan": "0"}]},
    ):
        assert not check.is_valid(bad)


def _errors(rules: er.RuleSet) -> list[BaseException]:
    minimal = er.load_rules(REPO / "tests" / "fixtures" / "minimal_rules")
    found: list[BaseException] = []
    for facts, rule_set in (
        ({"kind": "blocked_exits"}, rules),
        ({**BASE, "hazard": "huge", "overdue": "yes"}, rules),
        ({**BASE, "kind": "nonsense"}, rules),
        ({**BASE, "occurred_on": "1990-01-01"}, rules),
        (
            {
                "kind": next(iter(set(minimal.kinds) - set(minimal.covered_kinds))),
                "occurred_on": "2021-01-01",
            },
            minimal,
        ),
    ):
        try:
            er.decide(facts, rules=rule_set)
        except er.EnforcementRulesError as error:
            found.append(error)
    return found


def test_every_kind_of_bad_input_gives_error_objects_of_the_published_shape(
    rules: er.RuleSet,
) -> None:
    check = validator(schemas.error_schema())
    errors = _errors(rules)
    assert {type(e).__name__ for e in errors} >= {
        "FactError",
        "FactErrors",
        "NoApplicableLawError",
        "UncoveredKindError",
    }
    for error in errors:
        body = {"errors": schemas.error_objects(error)}
        assert [e.message for e in check.iter_errors(body)] == []
    several = next(e for e in errors if isinstance(e, er.FactErrors))
    fields = [item["field"] for item in schemas.error_objects(several)]
    assert fields == [e.field for e in several.errors] and len(fields) == 2
    uncovered = next(e for e in errors if isinstance(e, er.UncoveredKindError))
    assert schemas.error_objects(uncovered)[0]["field"] == "kind"
    assert schemas.error_objects(uncovered)[0]["allowed"]
