"""The law on combining findings (`inspections/combining.yaml`) is read and proved on load."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import enforcement_rules as er

FILE = Path("inspections") / "combining.yaml"


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), root)
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_the_bundled_combining_law_by_date() -> None:
    combining = er.load_rules().combining
    assert combining is not None
    before = combining.same_act_on(dt.date(2020, 1, 1))
    assert before is not None and before.policy == "one_fine" and before.citation.article == 24
    # from 2021-07-15 the concurrence rule is procedure.yaml's, not repeated in the file
    assert combining.same_act_on(dt.date(2022, 1, 1)) is None
    separate = combining.separate_acts_on(dt.date(2016, 1, 1))
    assert separate is not None and separate.citation.article == 53
    assert combining.separate_acts_on(dt.date(2026, 3, 1)) is None  # Order 18: not read


def test_a_same_act_rule_repeating_procedures_concurrence_is_refused(tmp_path: Path) -> None:
    root = copy_with(
        tmp_path,
        "until: '2021-07-15'}\n    policy: one_fine",
        "until: '2022-01-01'}\n    policy: one_fine",
    )
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    (error,) = raised.value.errors
    assert error.file == FILE.as_posix() and error.line is not None
    assert "procedure.yaml states the concurrence rule of 2021-01-22" in error.reason


def test_an_unknown_law_and_overlapping_windows_are_refused(tmp_path: Path) -> None:
    root = copy_with(
        tmp_path,
        "law: penalty_measures, version: '2007-11-30'",
        "law: no_such_law, version: '2007-11-30'",
    )
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    assert "unknown law 'no_such_law'" in str(raised.value)
    root = copy_with(
        tmp_path / "b",
        "{from: '2015-05-01', until: '2026-02-01'}",
        "{from: '2014-05-01', until: '2026-02-01'}",
    )
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(root)
    assert "overlaps an earlier entry" in str(raised.value)
