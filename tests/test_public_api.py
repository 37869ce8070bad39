"""The public API of issue 16: `explain`, `decide_many(errors="collect")`, `ref` echoed,
`__version__` from the package metadata, and `enforcement_rules.testing` without hypothesis."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import enforcement_rules as er

GOOD = {"kind": "blocked_exits", "occurred_on": "2024-03-01"}


def test_version_comes_from_the_package_metadata() -> None:
    assert er.__version__ == metadata.version("enforcement-rules")


def test_explain_is_exported() -> None:
    assert "explain" in er.__all__ and callable(er.explain)


def test_decide_many_collects_errors_in_place() -> None:
    results = er.decide_many(
        [GOOD, {**GOOD, "kind": "blocked_exit"}, {**GOOD, "occurred_on": "1999-01-04"}, GOOD],
        errors="collect",
    )
    assert [type(r).__name__ for r in results] == [
        "Decision",
        "FactError",
        "NoApplicableLawError",
        "Decision",
    ]
    assert results[0] == results[3] == er.decide(GOOD)
    bad = results[1]
    assert isinstance(bad, er.FactError) and bad.suggestion == "blocked_exits"


def test_decide_many_still_raises_by_default() -> None:
    try:
        er.decide_many([GOOD, {**GOOD, "kind": "blocked_exit"}])
    except er.FactError as error:
        assert "in fact #1" in getattr(error, "__notes__", [])
    else:
        raise AssertionError("a bad fact must raise")


def test_the_callers_ref_is_echoed_in_the_decision_and_its_json() -> None:
    decision = er.decide({**GOOD, "ref": "检查-2024-017"})
    assert decision.ref == "检查-2024-017" and decision.to_dict()["ref"] == "检查-2024-017"
    assert er.decide(GOOD).ref is None


def test_testing_without_hypothesis_says_which_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import enforcement_rules.testing\n"
        "except ImportError as e:\n    print(type(e).__name__, e.name, e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.startswith("ImportError hypothesis ")
    assert "pip install 'enforcement-rules[test]'" in done.stdout
