"""pytest plugin: every example of a rules directory becomes a test item.

Enable it for your own rules in `pyproject.toml` (or pytest.ini):

    [tool.pytest.ini_options]
    enforcement_rules_dir = "rules"   # the examples of these rule files run as tests
    testpaths = ["tests", "rules"]    # so that pytest visits the rule files

or on the command line: `pytest --enforcement-rules=rules rules`. Items are named
`rules/…/art097.yaml::wsl2021-97-first[焊工无证上岗，首次发现 (…)]`; a failure shows the expected
and actual values and the decision explained.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .deciding.decider import Decider
from .proving.examples import ExampleResult, run_example
from .review.explain import explain
from .rulebook.loader import CATALOGUES, load_rules
from .rulebook.model import Example, Rule

_DECIDERS = pytest.StashKey[dict[Path, Decider]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("enforcement_rules_dir", "rules directory whose rule-file examples run as tests")
    parser.addoption(
        "--enforcement-rules",
        metavar="DIR",
        help="run the examples of the rule files in DIR as tests",
    )


def _rules_dir(config: pytest.Config) -> Path | None:
    configured = config.getoption("--enforcement-rules") or config.getini("enforcement_rules_dir")
    if not configured:
        return None
    return (config.rootpath / str(configured)).resolve()


def _decider(config: pytest.Config, root: Path) -> Decider:
    deciders = config.stash.setdefault(_DECIDERS, {})
    if root not in deciders:
        deciders[root] = Decider(load_rules(root))  # a broken rule set fails collection, loudly
    return deciders[root]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    root = _rules_dir(parent.config)
    if root is None or file_path.suffix not in (".yaml", ".yml"):
        return None
    resolved = file_path.resolve()
    if root not in resolved.parents or resolved.name in CATALOGUES:
        return None
    collector: pytest.Collector = RuleFile.from_parent(parent, path=file_path)
    return collector


class RuleFile(pytest.File):
    """One rule file: its rules' examples."""

    def collect(self) -> Iterator[pytest.Item]:
        root = _rules_dir(self.config)
        assert root is not None
        decider = _decider(self.config, root)
        here = self.path.resolve()
        for rule in decider.rules.rules:
            if Path(rule.provision.file).resolve() != here:
                continue
            for example in rule.examples:
                yield ExampleItem.from_parent(
                    self, name=f"{rule.id}[{example.name}]", rule=rule, example=example
                )


class ExampleFailed(Exception):
    def __init__(self, result: ExampleResult):
        self.result = result
        super().__init__("; ".join(result.problems))


class ExampleItem(pytest.Item):
    """One example: the facts decided must give the expected decision."""

    def __init__(self, *, rule: Rule, example: Example, **kwargs: Any):
        super().__init__(**kwargs)
        self.rule = rule
        self.example = example

    def runtest(self) -> None:
        root = _rules_dir(self.config)
        assert root is not None
        result = run_example(_decider(self.config, root), self.rule, self.example)
        if not result.passed:
            raise ExampleFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if not isinstance(excinfo.value, ExampleFailed):
            return str(super().repr_failure(excinfo))
        result = excinfo.value.result
        lines = [f"{result.location}: example {self.example.name} of rule {self.rule.id}"]
        lines += [f"  {problem}" for problem in result.problems]
        root = _rules_dir(self.config)
        if root is not None:
            decider = _decider(self.config, root)
            try:
                violation = decider.violation(self.example.facts)
                decision = decider.decide(violation)
                lines += ["", explain(decider.rules, violation, decision)]
            except Exception as error:  # the problem lines already say what failed
                lines.append(f"  (no trace: {error})")
        return "\n".join(lines)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.example.line - 1, f"{self.rule.id}: {self.example.name}"
