"""The pytest plugin collects rule-file examples as tests with readable ids and failures."""

from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

MINIMAL = Path(__file__).parent / "fixtures" / "minimal_rules"
# Installed, the plugin loads through its entry point; from a bare source tree it is named here.
INSTALLED = any(
    entry.value == "enforcement_rules.pytest_plugin" for entry in entry_points(group="pytest11")
)
PLUGIN: list[str] = [] if INSTALLED else ["-p", "enforcement_rules.pytest_plugin"]


def make_project(pytester: pytest.Pytester, wrong: bool) -> None:
    shutil.copytree(MINIMAL, pytester.path / "rules")
    if wrong:
        demo = pytester.path / "rules" / "demo_law" / "2020" / "art001_demo.yaml"
        text = demo.read_text("utf-8")
        demo.write_text(
            text.replace(
                "expect: {measures: [correct_on_site]}", "expect: {measures: [withdraw_workers]}"
            ),
            "utf-8",
        )
    pytester.makeini("[pytest]\nenforcement_rules_dir = rules\ntestpaths = rules\n")


def test_every_example_is_an_item_with_a_readable_id(pytester: pytest.Pytester) -> None:
    make_project(pytester, wrong=False)
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*art001_demo.yaml::demo-on-site*当场 (on site)* PASSED*"])


def test_a_failing_example_shows_expected_actual_and_the_trace(pytester: pytest.Pytester) -> None:
    make_project(pytester, wrong=True)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*measures: expected*withdraw_workers*got*correct_on_site*",
            "*触发的规则 (rules fired):*",
        ]
    )


def test_without_configuration_nothing_is_collected_from_yaml(pytester: pytest.Pytester) -> None:
    shutil.copytree(MINIMAL, pytester.path / "rules")
    result = pytester.runpytest(*PLUGIN, "rules")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
