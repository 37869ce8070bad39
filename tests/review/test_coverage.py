from __future__ import annotations

from pathlib import Path

import enforcement_rules as er
from enforcement_rules.review.coverage import coverage_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "legal-coverage.md"


def test_the_coverage_document_is_in_step_with_the_rules(rules: er.RuleSet) -> None:
    regenerate = "python -m enforcement_rules.review.coverage > docs/legal-coverage.md"
    assert DOC.read_text("utf-8") == coverage_table(rules), f"stale; run: {regenerate}"


def test_every_kind_has_a_cell_in_every_version(rules: er.RuleSet) -> None:
    """Every kind × version cell is covered by rules or declared "no provision" in data."""
    table = coverage_table(rules)
    for kind in rules.kinds:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{kind}`"))
        assert "not encoded yet" not in row, row


def test_pending_files_are_listed_with_what_to_check(rules: er.RuleSet) -> None:
    table = coverage_table(rules)
    assert "art056_inspection_powers.yaml" in table.split("## Files pending legal review")[1]
