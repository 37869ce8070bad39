"""Benchmark files are proved on load: a band outside the law, overlapping tiers, gaps, a heavier
tier with a lower band all fail, naming file, line and row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.rulebook.discretion import load_benchmark

BUNDLED = er.bundled_rules_dir() / "discretion" / "shanxi-2021.yaml"
TEXT = BUNDLED.read_text(encoding="utf-8")
RULES = er.load_rules()


def errors_of(tmp_path: Path, text: str) -> list[er.RuleFileError]:
    path = tmp_path / "bureau.yaml"
    path.write_text(text.replace("benchmark: shanxi-2021", "benchmark: bureau"), encoding="utf-8")
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(benchmarks=[path])
    for error in raised.value.errors:
        assert error.file == str(path)
    return list(raised.value.errors)


def line_of(text: str, fragment: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(fragment, start)].count("\n") + 1


def test_the_bundled_benchmarks_load_and_are_proved() -> None:
    ids = {b.id: b for b in RULES.benchmarks}
    assert set(ids) == {"national-2024", "shanxi-2021"}
    assert ids["national-2024"].applied and not ids["shanxi-2021"].applied
    assert all(b.source and b.review in ("pending", "verified") for b in ids.values())
    assert load_benchmark(BUNDLED, RULES).rows[0].law_version == "work_safety_law@2021-09-01"


def test_a_band_outside_the_statutory_range_fails_naming_file_line_and_row(tmp_path: Path) -> None:
    wrong = "overdue: {unit: {min_yuan: 170000, max_yuan: 250000}}"
    text = TEXT.replace("overdue: {unit: {min_yuan: 170000, max_yuan: 200000}}", wrong)
    (error,) = errors_of(tmp_path, text)
    assert error.line == line_of(text, wrong)
    assert error.rule_id == "row wsl2021-99-1"
    assert "outside the statutory range 50,000–200,000" in error.reason


def test_a_band_for_a_party_the_law_does_not_fine_then_fails(tmp_path: Path) -> None:
    persons = "responsible_persons: {min_yuan: 1, max_yuan: 2}"
    wrong = f"first: {{unit: {{min_yuan: 10000, max_yuan: 10000}}, {persons}}}"
    text = TEXT.replace("first: {unit: {min_yuan: 10000, max_yuan: 10000}}", wrong, 1)
    (error,) = errors_of(tmp_path, text)
    assert "fines no responsible_persons at the first stage" in error.reason


def test_overlapping_tiers_fail(tmp_path: Path) -> None:
    text = TEXT.replace("when: {min: 3, max: 3}", "when: {min: 2, max: 3}")
    errors = errors_of(tmp_path, text)
    assert any("tiers 2 and 3 overlap" in e.reason for e in errors)
    assert errors[0].line == line_of(text, "- when: {min: 2, max: 3}")


def test_a_gap_between_tiers_fails(tmp_path: Path) -> None:
    text = TEXT.replace("when: {min: 5}", "when: {min: 6}")
    (error,) = errors_of(tmp_path, text)
    assert "a gap between tiers 4 and 5" in error.reason
    assert error.line == line_of(text, "- when: {min: 6}")


def test_a_heavier_tier_with_a_lower_band_fails(tmp_path: Path) -> None:
    # Row 十九's bands for the persons directly responsible, as read: tier 4 below tier 3.
    text = TEXT.replace(
        "overdue: {unit: {min_yuan: 80000, max_yuan: 130000}}",
        "overdue: {unit: {min_yuan: 80000, max_yuan: 130000}, "
        "responsible_persons: {min_yuan: 10000, max_yuan: 20000}}",
    ).replace(
        "overdue: {unit: {min_yuan: 130000, max_yuan: 170000}}",
        "overdue: {unit: {min_yuan: 130000, max_yuan: 170000}, "
        "responsible_persons: {min_yuan: 10000, max_yuan: 15000}}",
    )
    (error,) = errors_of(tmp_path, text)
    assert "tier 4 (overdue, responsible_persons) gives 10,000–15,000 yuan, lower than tier 3" in (
        error.reason
    )
    assert error.line == line_of(text, "max_yuan: 15000")


def test_a_complete_row_must_reach_every_value(tmp_path: Path) -> None:
    (error,) = errors_of(tmp_path, TEXT.replace("when: {min: 5}", "when: {min: 5, max: 9}"))
    assert "complete but its last tier ends at 5–9" in error.reason


def test_a_row_naming_what_the_rule_set_lacks_fails(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        TEXT.replace(
            "    item: 1\n    kinds: [no_warning_signs]", "    item: 1\n    kinds: [blocked_exits]"
        ),
    )
    assert "'blocked_exits' is not a kind of item 1" in errors[0].reason
    errors = errors_of(tmp_path, TEXT.replace("    article: 108\n", "    article: 1080\n"))
    assert "no provision work_safety_law@2021-06-10 Art. 1080" in errors[0].reason
    assert errors[0].rule_id == "row wsl2021-108"


def test_schema_errors_and_unknown_names(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, TEXT.replace("    by: instances\n", "    by: weather\n", 1))
    assert "by" in errors[0].reason and errors[0].line == line_of(TEXT, "    by: instances")
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(benchmarks=["jiangsu-2025"])
    assert "no bundled benchmark 'jiangsu-2025' (national-2024, shanxi-2021)" in str(raised.value)


def test_a_bad_bundled_file_fails_the_rule_set(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), root)
    bad = TEXT.replace(
        "overdue: {unit: {min_yuan: 50000, max_yuan: 50000}}",
        "overdue: {unit: {min_yuan: 40000, max_yuan: 50000}}",
    )
    (root / "discretion" / "shanxi-2021.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    (error,) = raised.value.errors
    assert error.file == "discretion/shanxi-2021.yaml"
    assert error.line == line_of(bad, "min_yuan: 40000")
    (root / "discretion" / "notes.txt").write_text("x")
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    assert any("discretion/ folder holds only" in e.reason for e in raised.value.errors)


def test_two_bundled_files_with_one_id_fail(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), root)
    shutil.copy(root / "discretion" / "shanxi-2021.yaml", root / "discretion" / "copy.yaml")
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    (error,) = raised.value.errors
    assert error.file == "discretion/shanxi-2021.yaml"
    assert "benchmark id 'shanxi-2021' is also discretion/copy.yaml's" in error.reason
