"""The scripts in examples/ are what bureau developers copy first: they must run as shipped and
print what they say they print."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import enforcement_rules as er

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_example_script_has_a_test_here() -> None:
    tested = {"single_decision.py", "batch_from_jsonl.py", "handling_bad_input.py"}
    tested |= {"awkward_cases.py"}
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_single_decision_prints_the_decision_and_its_explanation() -> None:
    out = run("single_decision.py")
    printed, explanation = out.split("\n\n", 1)
    facts = {
        "kind": "hazard_not_eliminated",
        "occurred_on": "2023-06-12",
        "sector": "fireworks",
        "hazard": "major",
        "safety_assured": False,
        "workers_in_danger": True,
    }
    assert json.loads(printed) == er.decide(facts).to_dict()
    assert "withdraw_workers" in printed
    assert explanation.startswith("违法行为 (violation): 未采取措施消除事故隐患")
    assert "《中华人民共和国安全生产法》第一百零二条" in explanation


def test_batch_example_prints_one_summary_per_case_matching_decide_many() -> None:
    lines = run("batch_from_jsonl.py").strip().splitlines()
    cases = [
        json.loads(line) for line in (EXAMPLES / "cases.jsonl").read_text("utf-8").splitlines()
    ]
    decisions = er.decide_many(cases)
    assert len(lines) == len(cases)
    for line, facts, decision in zip(lines, cases, decisions, strict=True):
        occurred, kind, version = line.split()[:3]
        assert (occurred, kind, version) == (
            facts["occurred_on"],
            facts["kind"],
            decision.law_version,
        )
        penalties = ",".join(p.value for p in decision.penalties) or "-"
        assert f"penalties={penalties} " in line


def test_bad_input_example_shows_each_error_with_what_was_meant() -> None:
    out = run("handling_bad_input.py")
    expected = [
        "field 'occurred_on': '2024-02-30' is not a real calendar date (2024-02 has 29 days)",
        "'2024/03/01' is not written as YYYY-MM-DD (year-month-day, with hyphens); "
        "meant: 2024-03-01",
        "field 'occurred_on': 2052-03-01 is in the future of the decision day",
        "field 'hazard': 'huge' is not a known hazard; meant: None",
        "field 'occured_on': unknown field; meant: occurred_on",
        "field 'overdue': 'yes' is not a boolean",
        "field 'colour': unknown field",
        "field 'kind': 'blocked_exit' is not a known kind; meant: blocked_exits",
        "field 'kind': '安全出口被锁闭' is not a known kind; meant: blocked_exits",
        "field 'kind': 'jaywalking' is not a known kind; meant: None",
        "no law version: no encoded law version covers kind 'blocked_exits' on 1999-03-01",
        '{"type": "FactError", "field": "kind", "suggestion": "blocked_exits"}',
        "decided: work_safety_law@2021-09-01",
    ]
    for text in expected:
        assert text in out, text
    assert "not encoded" not in out  # every kind of the vocabulary is covered


def test_awkward_cases_are_explained_one_by_one() -> None:
    out = run("awkward_cases.py")
    cases = (EXAMPLES / "awkward_cases.jsonl").read_text("utf-8").strip().splitlines()
    assert out.count("══ case ") == len(cases) == 5
    parts = out.split("══ case ")[1:]
    assert "候选 (candidate) work_safety_law@2014-12-01" in parts[0]  # 从旧兼从轻
    assert "超过追责时效" in parts[2]  # the limitation period
    assert "不予处罚 (no penalty)" in parts[3]
    assert "600,000–1,500,000 元 (yuan)" in parts[4]  # 2 to 5 times the income of 300,000
    assert "没收违法所得" in parts[4]


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_scripts_are_quiet_on_stderr(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stderr == ""
