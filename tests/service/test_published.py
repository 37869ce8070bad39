"""The published contract: the shipped schema files are the generator's output, the CLI prints
them, and everything the test suite produced (every decision, case event and timeline, in this
process) is valid against them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from produced import PRODUCED

import enforcement_rules as er
from enforcement_rules.cli import main
from enforcement_rules.service.published import (
    PUBLISHED,
    published,
    schema_text,
    shipped,
    shipped_dir,
    write_published,
)

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_the_shipped_file_is_the_generator_s_output(name: str) -> None:
    assert shipped(name) == schema_text(published(name)), (
        f"{name}.schema.json is stale: run `enforcement-rules schema --write "
        "src/enforcement_rules/schemas` and commit the result"
    )


def test_the_shipped_folder_holds_exactly_the_published_schemas() -> None:
    files = sorted(path.name for path in shipped_dir().glob("*.json"))
    assert files == sorted(f"{name}.schema.json" for name in PUBLISHED)


def test_the_generator_writes_what_it_publishes(tmp_path: Path) -> None:
    written = write_published(tmp_path)
    assert [p.name for p in written] == [f"{n}.schema.json" for n in PUBLISHED]
    for path in written:
        schema = json.loads(path.read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"].endswith("/" + path.name)


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_schema_name_prints_the_shipped_schema(name: str) -> None:
    status, out, _ = cli("schema", name)
    assert status == 0 and out == shipped(name)


def test_schema_alone_still_prints_the_rule_file_schema() -> None:
    status, out, _ = cli("schema")
    assert status == 0
    assert json.loads(out)["$id"].endswith("rule-file.schema.json")


def test_schema_for_rules_closes_the_kinds(rules: er.RuleSet, tmp_path: Path) -> None:
    status, out, _ = cli("schema", "facts", "--for-rules")
    kinds = json.loads(out)["$defs"]["Kind"]["oneOf"]
    assert status == 0 and [k["const"] for k in kinds] == list(rules.kinds)
    minimal = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
    status, out, _ = cli("--rules", str(minimal), "schema", "facts", "--for-rules")
    assert {k["const"] for k in json.loads(out)["$defs"]["Kind"]["oneOf"]} == set(
        er.load_rules(minimal).kinds
    )
    status, _, err = cli("--rules", str(tmp_path), "schema", "facts", "--for-rules")
    assert status == 2 and err
    status, out, _ = cli("schema", "--write", str(tmp_path / "out"))
    assert status == 0 and len(list((tmp_path / "out").glob("*.json"))) == len(PUBLISHED)


def _validate_all(name: str, texts: list[str]) -> list[tuple[str, list[str]]]:
    validator = jsonschema.Draft202012Validator(published(name), format_checker=FORMATS)
    failures = []
    for text in texts:
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(text))
        ]
        if errors:
            failures.append((text[:300], errors[:3]))
    return failures


def _decide_every_example() -> None:
    """So the test has decisions to check when it runs alone."""
    rules = er.load_rules()
    decider = er.Decider(rules)
    facts: list[dict[str, Any]] = [dict(e.facts) for r in rules.rules for e in r.examples]
    decider.decide_many(facts)


@pytest.mark.exhaustive
@pytest.mark.after_everything
def test_everything_the_suite_produced_is_valid_against_the_published_schemas() -> None:
    _decide_every_example()
    assert len(PRODUCED.decisions) >= 100, "the record of decisions is not filled"
    assert _validate_all("decision", PRODUCED.decisions) == []
    assert _validate_all("case-event", PRODUCED.events) == []
    assert _validate_all("case-timeline", PRODUCED.timelines) == []
