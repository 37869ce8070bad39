"""The bundled example cases decide exactly as recorded: a refactoring must not move a decision.

The recorded outputs under `fixtures/golden/` are what `enforcement-rules decide` printed for
`examples/*.jsonl`. When a change is meant to alter decisions (a legal correction, a new field),
regenerate them (`enforcement-rules decide examples/X.jsonl >
tests/fixtures/golden/X.decisions.jsonl`) and review the diff like any other change of law.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from enforcement_rules.cli import main

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "fixtures" / "golden"


@pytest.mark.parametrize("name", ["cases", "awkward_cases", "accidents"])
def test_example_decisions_are_byte_identical_to_the_recorded_ones(name: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(["decide", str(REPO / "examples" / f"{name}.jsonl")], out=out, err=err)
    assert status == 0, err.getvalue()
    recorded = (GOLDEN / f"{name}.decisions.jsonl").read_text("utf-8")
    assert masked(out.getvalue()) == masked(recorded)


def test_example_inspections_are_byte_identical_to_the_recorded_ones() -> None:
    out, err = io.StringIO(), io.StringIO()
    source = str(REPO / "examples" / "inspections.jsonl")
    status = main(["decide", "--inspection", source], out=out, err=err)
    assert status == 0, err.getvalue()
    recorded = (GOLDEN / "inspections.decisions.jsonl").read_text("utf-8")
    assert masked(out.getvalue()) == masked(recorded)


def masked(lines: str) -> str:
    """The output with the rule set's digest masked: every rule edit changes the digest, and this
    test is about decisions (the digest has tests of its own)."""
    return re.sub(r'"rules_digest": "[0-9a-f]+"', '"rules_digest": "…"', lines)


def test_the_output_is_the_same_when_the_remembered_texts_are_forgotten_at_every_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CLI remembers each distinct decision's JSON text within a byte budget; a budget
    smaller than one text (forgotten at each line) writes the same bytes."""
    from enforcement_rules.cli import decide

    monkeypatch.setattr(decide, "TEXT_BYTES", 1)
    out, err = io.StringIO(), io.StringIO()
    status = main(["decide", str(REPO / "examples" / "cases.jsonl")], out=out, err=err)
    assert status == 0, err.getvalue()
    recorded = (GOLDEN / "cases.decisions.jsonl").read_text("utf-8")
    assert masked(out.getvalue()) == masked(recorded)
