"""Property-based API test: schemathesis reads the live server's /openapi.json and, operation by
operation, sends what the document allows (positive) and what it does not (negative), a bounded
number of examples each. No answer may be a 5xx, a request the document forbids must be refused
with a 4xx, and every answer must be what the document promises (status, content type, headers,
body).

A request the document allows may still be refused (422) for what no JSON Schema can state:
the law's coverage (no encoded version on that date), the order of dates, a date after today,
the order of a case's events, a body's case id that is not the path's, text that is not
printable. Schemathesis' `positive_data_acceptance` would count those as failures;
`what_no_schema_states` below accepts exactly those refusals and no other.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from service_server import Server

from enforcement_rules.service.operations import Limits, operations

#: Examples per operation and mode: enough to reach every status of every operation, few
#: enough for CI (each one is a real HTTP request).
EXAMPLES = 20
TABLE = operations(Limits())
CASES = [
    (op.method, op.path, mode)
    for op in TABLE
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or op.params or op.body  # nothing to break otherwise
]


def what_no_schema_states(error: dict[str, Any]) -> bool:
    """Whether a 422 for schema-valid input is one of the refusals the schema cannot state."""
    kind, field, message = error["type"], error["field"] or "", error["message"]
    if field.startswith("findings[") and "]." in field:  # an inspection's finding: its own field
        field = field.split("].", 1)[1]
        if field == "decided_on" and "differs from findings[0]" in message:
            return True  # one decision date for every finding of one inspection
    if field.startswith("same_act"):
        return True  # the groups' positions must name findings, each at most once
    if kind in ("NoApplicableLawError", "UncoveredKindError"):
        return True  # the rule set's coverage of kinds and dates
    if "is before" in message:
        return True  # discovered_on ≥ occurred_on, decided_on ≥ discovered_on, an order's due
    if str(error.get("allowed") or "").startswith("a date on or before"):
        return True  # no date after today (the server's clock)
    if kind == "EventError" and field in ("type", "on"):
        return True  # the order of a case's events
    if field == "case_id" and "differs from the case id of the path" in message:
        return True  # the body's case id, if given, is the path's
    if field in ("ref", "case_id", "event_id", "facts.unit", "facts.ref"):
        return "is not a" in message  # printable text (a pattern states only control characters)
    return False


@pytest.fixture(scope="module")
def api(server: Server) -> Any:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES]
)
def test_the_api_keeps_its_published_contract(
    api: Any, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api[path][method]
    seen: dict[int, int] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        if mode is GenerationMode.NEGATIVE:
            # schemathesis may break a request only with an extra query parameter whose value
            # is an empty list, which sends nothing: the request on the wire is a valid one
            assume(not any(value == [] for value in (case.query or {}).values()))
        response = case.call()
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if mode is GenerationMode.POSITIVE and response.status_code == 422:
            errors = response.json()["errors"]
            assert all(what_no_schema_states(e) for e in errors), errors

    check()
    assert all(status < 500 for status in seen)
    if mode is GenerationMode.NEGATIVE:
        assert all(400 <= status < 500 for status in seen), seen


def test_the_positive_check_refuses_a_shape_error() -> None:
    """The allowance above is narrow: a shape error on schema-valid input is still a failure."""
    shape = {"type": "FactError", "field": "hazard", "allowed": "none", "message": "not a code"}
    assert not what_no_schema_states(shape)
    assert what_no_schema_states({**shape, "type": "NoApplicableLawError", "field": "occurred_on"})
