"""The verifier names every kind of seeded defect, with an example fact where one exists."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import enforcement_rules as er
from enforcement_rules.cli import main
from enforcement_rules.proving.verify import FAILING, Report, verify

BUNDLED = er.bundled_rules_dir()
SUBSET = [
    "work_safety_law/2021/art065_inspection_powers.yaml",
    "work_safety_law/2021/art097_management_and_training.yaml",
    "work_safety_law/2021/art105_dormitories_and_exits.yaml",
    "work_safety_law/2014/art094_management_and_training.yaml",
    "work_safety_law/2014/art102_dormitories_and_exits.yaml",
]
FILE_105 = "work_safety_law/2021/art105_dormitories_and_exits.yaml"
EXAMPLE = [
    {
        "name": "例 (example)",
        "facts": {"kind": "blocked_exits", "occurred_on": "2022-05-01"},
        "expect": {"measures": ["correct_by_deadline"]},
    }
]


def seeded(tmp_path: Path, file: str, change: Callable[[dict[str, Any]], None]) -> Report:
    root = tmp_path / "rules"
    root.mkdir()
    for name in ("laws.yaml", "kinds.yaml", "routing.yaml", "procedure.yaml", *SUBSET):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BUNDLED / name, root / name)
    data = yaml.safe_load((root / file).read_text("utf-8"))
    change(data)
    (root / file).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return verify(er.load_rules(root), run_rule_examples=False)


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_the_unchanged_subset_is_clean(tmp_path: Path) -> None:
    report = seeded(tmp_path, FILE_105, lambda data: None)
    assert report.ok, report.to_text()
    assert report.classes_walked > 0


def test_a_deleted_rule_leaves_a_gap_with_an_example_fact(tmp_path: Path) -> None:
    def delete(data: dict[str, Any]) -> None:
        data["rules"].remove(rule(data, "wsl2021-105-overdue"))

    report = seeded(tmp_path, FILE_105, delete)
    gaps = [f for f in report.failing if f.category == "gap"]
    assert gaps and all(f.example and f.example["overdue"] is True for f in gaps)
    assert {f.example["kind"] for f in gaps if f.example} == {
        "blocked_exits",
        "dormitory_in_hazmat_building",
    }


def test_a_contradicting_rule_is_a_conflict(tmp_path: Path) -> None:
    def contradict(data: dict[str, Any]) -> None:
        data["rules"].append(
            {
                "id": "seeded-warning",
                "title": "警告 (warning)",
                "when": {"kind": "blocked_exits", "overdue": False},
                "then": {"penalties": ["warning"]},
                "examples": EXAMPLE,
            }
        )

    report = seeded(tmp_path, FILE_105, contradict)
    (conflict,) = [f for f in report.failing if f.category == "conflict"]
    assert set(conflict.rule_ids) == {"seeded-warning", "wsl2021-105-first"}
    assert conflict.example is not None and conflict.example["kind"] == "blocked_exits"


def test_a_rule_no_fact_can_fire_is_unreachable(tmp_path: Path) -> None:
    def impossible(data: dict[str, Any]) -> None:
        data["rules"].append(
            {
                "id": "seeded-never",
                "title": "不可能 (impossible)",
                "when": {"all": [{"overdue": True}, {"overdue": False}]},
                "then": {"measures": ["correct_on_site"]},
                "examples": EXAMPLE,
            }
        )

    report = seeded(tmp_path, FILE_105, impossible)
    assert [f.rule_ids for f in report.failing if f.category == "unreachable"] == [
        ("seeded-never",)
    ]


def test_a_fine_above_the_articles_ceiling_is_a_range_break(tmp_path: Path) -> None:
    def raise_fine(data: dict[str, Any]) -> None:
        rule(data, "wsl2021-97-first")["then"]["fines"][0]["max_yuan"] = 300000

    report = seeded(
        tmp_path, "work_safety_law/2021/art097_management_and_training.yaml", raise_fine
    )
    ranges = [f for f in report.failing if f.category == "range"]
    assert any("exceeds the article's ceiling of 200,000" in f.message for f in ranges)
    assert any("wsl2021-97-first" in f.rule_ids for f in ranges)


def test_a_weaker_overdue_stage_breaks_monotonicity(tmp_path: Path) -> None:
    def weaken(data: dict[str, Any]) -> None:
        rule(data, "wsl2021-105-overdue")["then"]["penalties"] = ["warning"]

    report = seeded(tmp_path, FILE_105, weaken)
    found = [f for f in report.failing if f.category == "monotonicity"]
    assert found and "overdue False → True" in found[0].message
    assert found[0].example is not None and found[0].example["overdue"] is False


def test_an_overlapping_window_is_reported(tmp_path: Path) -> None:
    def stretch(data: dict[str, Any]) -> None:
        data["in_force"]["until"] = "2022-01-01"

    report = seeded(tmp_path, "work_safety_law/2014/art094_management_and_training.yaml", stretch)
    messages = [f.message for f in report.failing if f.category == "window"]
    assert any("different in-force intervals" in m for m in messages)
    assert any("overlaps" in m for m in messages)


@pytest.mark.exhaustive
def test_pending_files_are_listed_but_do_not_fail(rules: er.RuleSet) -> None:
    pending = [p for p in rules.provisions if p.review == "pending"]
    benchmarks = [b for b in rules.benchmarks if b.review == "pending"]  # listed too
    # Pending findings come from the files, not the walk: one class walked is enough (the walk
    # is capped, so its `cap` findings are the only failing ones; the whole walk passing is
    # `test_check_on_the_bundled_rules_exits_0_and_prints_its_counts`).
    report = verify(rules, run_rule_examples=False, max_classes=1)
    assert report.count("pending") == len(pending) + len(benchmarks) > len(pending) > 0
    assert "pending" not in FAILING
    assert {f.category for f in report.failing} == {"cap"}, report.to_text()


@pytest.mark.exhaustive
def test_check_on_the_bundled_rules_exits_0_and_prints_its_counts() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--json"], out, err) == 0, out.getvalue()[-2000:]
    report = json.loads(out.getvalue())
    assert report["ok"] is True and report["classes_walked"] > 1_000
    assert report["counts"]["pending"] > 0 and report["counts"]["example"] == 0


def test_check_exits_1_on_a_defect_and_2_on_a_broken_rule_set(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules", root)
    text = (root / "demo_law" / "2020" / "art001_demo.yaml").read_text("utf-8")
    (root / "demo_law" / "2020" / "art001_demo.yaml").write_text(
        text.replace(
            "when: {kind: [blocked_exits, no_safety_staff], overdue: true}",
            "when: {kind: [blocked_exits], overdue: true}",
        ),
        "utf-8",
    )
    out = io.StringIO()
    assert main(["check", str(root)], out, io.StringIO()) == 1
    assert "gap: no penalty rule decides kind 'no_safety_staff'" in out.getvalue()
    (root / "kinds.yaml").unlink()
    assert main(["check", str(root)], io.StringIO(), io.StringIO()) == 2


@pytest.mark.parametrize(
    "category",
    [
        "gap",
        "conflict",
        "overlap",
        "unreachable",
        "monotonicity",
        "range",
        "window",
        "engine",
        "example",
        "pending",
    ],
)
def test_every_category_is_counted_in_the_report(tmp_path: Path, category: str) -> None:
    report = seeded(tmp_path, FILE_105, lambda data: None)
    assert category in report.to_dict()["counts"]
