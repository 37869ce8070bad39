from __future__ import annotations

import io
from pathlib import Path

import enforcement_rules as er
from enforcement_rules.review.coverage import MISSING, cells, coverage_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "legal-coverage.md"


def test_the_coverage_document_is_in_step_with_the_rules(rules: er.RuleSet) -> None:
    regenerate = "python -m enforcement_rules.review.coverage > docs/legal-coverage.md"
    assert DOC.read_text("utf-8") == coverage_table(rules), f"stale; run: {regenerate}"


def test_every_kind_has_a_cell_in_every_version(rules: er.RuleSet) -> None:
    """Every kind × version cell of every instrument that decides it is covered by rules, declared
    "no provision", declared not encoded, or decided then under another instrument (→)."""
    for law in {rule.provision.law for rule in rules.rules if rule.then.decides_penalty}:
        for kind, row in cells(rules, law).items():
            assert MISSING not in row, (law, kind, row)


def test_every_kind_is_in_a_table_or_listed_as_not_decided_yet(rules: er.RuleSet) -> None:
    table = coverage_table(rules)
    rows = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    uncovered = set(rules.kinds) - set(rules.covered_kinds)
    listed = table.split("## Kinds no rule decides yet")[1].split("##")[0] if uncovered else ""
    for kind in rules.kinds:
        assert kind in rows or f"- `{kind}`" in listed, kind
    for kind in rules.covered_kinds:
        assert kind in rows, kind


def test_pending_files_are_listed_with_what_to_check(rules: er.RuleSet) -> None:
    table = coverage_table(rules)
    assert "art056_inspection_powers.yaml" in table.split("## Files pending legal review")[1]


def test_the_rendered_catalogue_in_the_docs_is_in_step_with_the_rules(tmp_path: Path) -> None:
    """docs/catalogue/ is what `render --format md` writes for the bundled rules (the docs site
    publishes it); regenerate: enforcement-rules render --format md -o docs/catalogue"""
    from enforcement_rules.cli import main

    out = tmp_path / "catalogue"
    assert main(["render", "--format", "md", "-o", str(out)], out=io.StringIO()) == 0
    shipped = DOC.parent / "catalogue"
    expected = {p.name: p.read_text("utf-8") for p in sorted(out.iterdir())}
    actual = {p.name: p.read_text("utf-8") for p in sorted(shipped.iterdir())}
    assert actual.keys() == expected.keys()
    for name, text in expected.items():
        assert actual[name] == text, f"docs/catalogue/{name} is stale"
