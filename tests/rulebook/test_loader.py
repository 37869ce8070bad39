"""Bad rule files: one fixture per error kind, each stating its expected line, rule id, reason.

The header of each fixture reads `# expect: line=N rule=ID|- reason=TEXT`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import enforcement_rules as er

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = FIXTURES / "minimal_rules"
BAD_FILES = sorted((FIXTURES / "bad_rule_files").glob("*.yaml"))
HEADER = re.compile(r"# expect: line=(\d+) rule=(\S+) reason=(.+)")


def _rules_with(tmp_path: Path, *extra: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINIMAL, root)
    for file in extra:
        shutil.copy(file, root / "demo_law" / "2020" / file.name)
    return root


def test_the_minimal_rule_set_loads(tmp_path: Path) -> None:
    rules = er.load_rules(_rules_with(tmp_path))
    assert [rule.id for rule in rules.rules] == [
        "demo-correct",
        "demo-first",
        "demo-on-site",
        "demo-overdue",
    ]
    assert rules.covered_kinds == ("blocked_exits", "no_safety_staff")


def test_there_is_a_fixture_for_every_error_kind() -> None:
    assert len(BAD_FILES) >= 18


@pytest.mark.parametrize("bad_file", BAD_FILES, ids=lambda path: path.stem)
def test_a_bad_rule_file_is_located_by_file_line_and_rule_id(
    tmp_path: Path, bad_file: Path
) -> None:
    match = HEADER.match(bad_file.read_text("utf-8").splitlines()[0])
    assert match, f"{bad_file.name} lacks its '# expect:' header"
    line, rule_id, reason = int(match[1]), match[2], match[3].strip()
    root = _rules_with(tmp_path, bad_file)
    with pytest.raises(er.RuleSetError) as caught:
        er.load_rules(root)
    errors = [error for error in caught.value.errors if error.file.endswith(bad_file.name)]
    assert errors, str(caught.value)
    error = errors[0]
    assert (error.line, error.rule_id or "-") == (line, rule_id), str(error)
    assert reason in error.reason, str(error)
    message = str(caught.value)
    assert f"{bad_file.name}:{line}:" in message
    if rule_id != "-":
        assert f"rule '{rule_id}'" in message


def test_loading_is_all_or_nothing_and_reports_every_bad_file(tmp_path: Path) -> None:
    chosen = [
        FIXTURES / "bad_rule_files" / name for name in ("yaml_tag.yaml", "unknown_measure.yaml")
    ]
    with pytest.raises(er.RuleSetError) as caught:
        er.load_rules(_rules_with(tmp_path, *chosen))
    named = {Path(error.file).name for error in caught.value.errors}
    assert named == {"yaml_tag.yaml", "unknown_measure.yaml"}


def test_a_missing_catalogue_file_is_named(tmp_path: Path) -> None:
    root = _rules_with(tmp_path)
    (root / "routing.yaml").unlink()
    with pytest.raises(er.RuleSetError, match=r"routing\.yaml: catalogue file missing"):
        er.load_rules(root)


def test_a_bad_catalogue_entry_is_located(tmp_path: Path) -> None:
    root = _rules_with(tmp_path)
    (root / "routing.yaml").write_text(
        "routing:\n  by_sector:\n    supervision_1: [fireworks, moon_base]\n  by_kind: {}\n",
        "utf-8",
    )
    with pytest.raises(er.RuleSetError) as caught:
        er.load_rules(root)
    (error,) = caught.value.errors
    assert error.line == 3 and "'moon_base' is not a known code" in error.reason


def test_not_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(er.RuleSetError, match="not a rules directory"):
        er.load_rules(tmp_path / "absent")


def test_the_digest_ignores_file_names_and_order(tmp_path: Path) -> None:
    first = er.load_rules(_rules_with(tmp_path / "a"))
    root = _rules_with(tmp_path / "b")
    (root / "demo_law" / "2020" / "art001_demo.yaml").rename(root / "zz_renamed.yaml")
    assert er.load_rules(root).digest == first.digest


def test_the_bundled_rules_cover_every_kind_of_the_vocabulary(rules: er.RuleSet) -> None:
    # 34 kinds of the Work Safety Law, 10 of accidents, 25 of hazardous chemicals, 18 of fireworks
    # and 7 of the penalty measures' own article (VOCABULARY.md): every one is decided.
    assert len(rules.kinds) == 34 + 10 + 25 + 18 + 7
    assert set(rules.covered_kinds) == set(rules.kinds)


def test_every_bundled_rule_has_a_citation_and_an_example(rules: er.RuleSet) -> None:
    for rule in rules.rules:
        assert rule.examples, rule.id
        assert rule.provision.article >= 1 and rule.provision.law in rules.laws
        if rule.provision.review == "pending":
            assert rule.provision.review_note, rule.id


def test_an_unchanged_directory_is_loaded_once_and_an_edit_is_always_seen(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(MINIMAL, root)
    first = er.load_rules(root)
    assert er.load_rules(root) is first  # parsed and proved once while it is in use
    source = root / "demo_law" / "2020" / "art001_demo.yaml"
    text = source.read_text("utf-8")
    source.write_text(text.replace("overdue: true", "overdue: false", 1), "utf-8")
    edited = er.load_rules(root)
    assert edited is not first and edited.digest != first.digest
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    elsewhere = er.load_rules(copy)  # the same files elsewhere: its own rule set, named so
    assert elsewhere is not edited and elsewhere.source == str(copy)
    assert elsewhere.digest == edited.digest
    source.write_text("rules: [", "utf-8")
    with pytest.raises(er.RuleSetError):
        er.load_rules(root)
