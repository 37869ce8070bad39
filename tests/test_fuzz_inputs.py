"""Fuzzing the inputs: only the library's own errors, and never a lost line (issue 17).

Arbitrary JSON-ish values go to `decide` (API); arbitrary bytes and JSON lines go to `decide`,
`case record` and `plan report` on the command line (in process, so hypothesis can run many).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules import cases
from enforcement_rules.cli import main
from enforcement_rules.contract.errors import EnforcementRulesError
from enforcement_rules.plan.records import RecordsError
from enforcement_rules.plan.report import plan_report

FIELDS = ["kind", "occurred_on", "discovered_on", "sector", "overdue", "circumstances", "x"]
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_ish = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
facts_ish = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_ish, max_size=6)
raw_line = (
    st.binary(max_size=60).map(lambda data: data.replace(b"\n", b" "))
    | facts_ish.map(lambda value: json.dumps(value, ensure_ascii=False).encode())
    | st.just(json.dumps({"kind": "blocked_exits", "occurred_on": "2025-09-09"}).encode())
)
lines_of = st.lists(raw_line, min_size=1, max_size=8)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The command-line paths load the rules each time: fewer examples, each with several lines.
FUZZ_FILES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(json_ish, facts_ish))
def test_the_api_raises_only_its_own_errors(value: Any) -> None:
    with contextlib.suppress(EnforcementRulesError):
        er.decide(value)


@contextlib.contextmanager
def written(lines: list[bytes]) -> Iterator[Path]:
    """The lines in a file of their own, removed after the example (a fuzz run makes
    hundreds)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        yield path


@FUZZ_FILES
@given(lines_of)
def test_decide_answers_every_input_line_with_one_json_line(lines: list[bytes]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with written(lines) as path:
        status = main(["decide", str(path)], out=out, err=err)
    produced = out.getvalue().splitlines()
    assert status in (0, 1)
    assert len(produced) == len(lines)
    for number, text in enumerate(produced, start=1):
        answer = json.loads(text)
        assert "measures" in answer or answer["line"] == number


@FUZZ_FILES
@given(lines_of)
def test_case_record_reports_every_bad_line_and_stores_the_rest(lines: list[bytes]) -> None:
    with written(lines) as path:
        summary = cases.record(path.with_name("cases.db"), path)
    bad = {problem["line"] for problem in summary.errors}
    assert summary.recorded + len(bad) <= len(lines)
    assert all(1 <= line <= len(lines) for line in bad)


@FUZZ_FILES
@given(lines_of)
def test_plan_report_raises_only_typed_record_errors(lines: list[bytes]) -> None:
    with written(lines) as path:
        try:
            plan_report(None, path, 2010)
        except RecordsError as error:
            assert all(1 <= problem.line <= len(lines) for problem in error.errors)
