"""`diff_rules` reports exactly the walked facts whose decisions change, and the rules edited."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

import enforcement_rules as er
from enforcement_rules.proving.space import input_facts
from enforcement_rules.review.diff import (
    RuleDiff,
    diff_rules,
    load_revision,
    remove_extracted,
    resolve_rules_arg,
)

BUNDLED = er.bundled_rules_dir()
CATALOGUES = ["laws.yaml", "kinds.yaml", "routing.yaml", "procedure.yaml"]
FILE_65 = "work_safety_law/2021/art065_inspection_powers.yaml"
FILE_97 = "work_safety_law/2021/art097_management_and_training.yaml"
FILE_105 = "work_safety_law/2021/art105_dormitories_and_exits.yaml"
ITEMS_97 = {  # the kinds wsl2021-97-overdue decides, and the item of Art. 97 each falls under
    "no_safety_staff": 1,
    "no_safety_training": 3,
    "training_records_false": 4,
    "hazard_records_missing": 5,
    "no_emergency_plan": 6,
    "uncertified_special_worker": 7,
}
Edit = Callable[[dict[str, Any]], None]


def copy_subset(root: Path, edits: Mapping[str, Edit] | None = None) -> Path:
    """The four catalogues and three 2021 files, each edited as `edits` says."""
    for name in (*CATALOGUES, FILE_65, FILE_97, FILE_105):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BUNDLED / name, root / name)
    for name, edit in (edits or {}).items():
        data = yaml.safe_load((root / name).read_text("utf-8"))
        edit(data)
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return root


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return found


def lower_105_unit_fine(data: dict[str, Any]) -> None:
    fines = rule(data, "wsl2021-105-first")["then"]["fines"]
    assert fines[0] == {"target": "unit", "max_yuan": 50000, "mandatory": True}
    fines[0]["max_yuan"] = 40000
    for example in rule(data, "wsl2021-105-first")["examples"]:
        example["expect"]["fines"][0]["max_yuan"] = 40000


def remove_97_overdue(data: dict[str, Any]) -> None:
    data["rules"].remove(rule(data, "wsl2021-97-overdue"))


@pytest.fixture(scope="module")
def old_rules(tmp_path_factory: pytest.TempPathFactory) -> er.RuleSet:
    return er.load_rules(copy_subset(tmp_path_factory.mktemp("old")))


@pytest.fixture(scope="module")
def new_rules(tmp_path_factory: pytest.TempPathFactory) -> er.RuleSet:
    edits = {FILE_105: lower_105_unit_fine, FILE_97: remove_97_overdue}
    return er.load_rules(copy_subset(tmp_path_factory.mktemp("new"), edits))


@pytest.fixture(scope="module")
def diff(old_rules: er.RuleSet, new_rules: er.RuleSet) -> RuleDiff:
    return diff_rules(old_rules, new_rules)


def key(fact: Mapping[str, Any]) -> str:
    return json.dumps(fact, sort_keys=True)


def brute_force(rules: er.RuleSet, fact: Mapping[str, Any]) -> Any:
    """The whole JSON decision one by one with `decide`, or the kind of error: no batching."""
    try:
        decided = er.decide(fact, rules=rules).to_dict()
        decided.pop("provenance")  # names the rule set: differs by construction
        return decided
    except er.RuleConflictError as error:
        return ("RuleConflictError", str(error))
    except er.EnforcementRulesError as error:
        return type(error).__name__


def test_exactly_the_facts_whose_decision_changes_are_reported(
    old_rules: er.RuleSet, new_rules: er.RuleSet, diff: RuleDiff
) -> None:
    facts = input_facts(old_rules, new_rules)
    changed = {
        key(fact) for fact in facts if brute_force(old_rules, fact) != brute_force(new_rules, fact)
    }
    reported = [key(fact) for entry in diff.facts for fact in entry.facts]
    assert len(reported) == len(set(reported)) == diff.facts_changed
    assert set(reported) == changed
    assert diff.facts_walked == len(facts)
    assert 0 < len(changed) < len(facts)


def test_the_lower_fine_is_shown_old_to_new_with_both_citations(diff: RuleDiff) -> None:
    fines = [e for e in diff.facts if any(c.field == "fines" for c in e.changes)]
    assert {(e.kind, e.law_version) for e in fines} == {
        ("blocked_exits", "work_safety_law@2021-09-01"),
        ("dormitory_in_hazmat_building", "work_safety_law@2021-09-01"),
    }
    for entry in fines:
        change = next(c for c in entry.changes if c.field == "fines")
        assert change.old[0] == {
            "target": "unit",
            "min_yuan": 0,
            "max_yuan": 50000,
            "mandatory": True,
            "law_version": "work_safety_law@2021-09-01",
        }
        assert change.new[0]["max_yuan"] == 40000
        assert change.old[1] == change.new[1]  # the responsible persons' fine is unchanged
        item = 2 if entry.kind == "blocked_exits" else 1
        cited = f"work_safety_law@2021-06-10 art. 105 item {item}"
        for side in (entry.old, entry.new):
            assert ("wsl2021-105-first", (cited,)) in side.rules_fired
        assert entry.example["kind"] == entry.kind and entry.example["overdue"] is False


def test_facts_the_removed_rule_decided_become_undecidable(diff: RuleDiff) -> None:
    gaps = [e for e in diff.facts if any(c.field == "decision" for c in e.changes)]
    assert {e.kind: e.law_version for e in gaps} == dict.fromkeys(
        ITEMS_97, "work_safety_law@2021-09-01"
    )
    for entry in gaps:
        (change,) = entry.changes
        assert change.old == "decided"
        assert change.new == (
            "undecidable (RuleConflictError: no penalty rule fired for this fact "
            "(a gap in the rule set) (rules: none))"
        )
        assert all(fact["overdue"] is True for fact in entry.facts)
        cited = f"work_safety_law@2021-06-10 art. 97 item {ITEMS_97[entry.kind]}"
        assert ("wsl2021-97-overdue", (cited,)) in entry.old.rules_fired
        assert entry.old.outcome is not None
        assert entry.old.outcome["penalties"] == ["fine", "suspension_for_rectification"]
        assert entry.new.outcome is None and entry.new.rules_fired == ()
        assert entry.new.error is not None and entry.new.error.startswith("RuleConflictError")
    assert diff.undecidable_new - diff.undecidable_old == sum(e.count for e in gaps)


def test_removed_and_edited_rules_are_listed(diff: RuleDiff) -> None:
    assert diff.rules_with("added") == ()
    (removed,) = diff.rules_with("removed")
    assert (removed.rule_id, removed.file) == ("wsl2021-97-overdue", FILE_97)
    (edited,) = diff.rules_with("edited")
    assert (edited.rule_id, edited.file) == ("wsl2021-105-first", FILE_105)
    fields = [c.field for c in edited.changes]
    assert fields[0] == "then.fines" and len(fields) == 3
    assert all(f.startswith("examples.") and f.endswith(".expect") for f in fields[1:])
    fines = edited.changes[0]
    assert (fines.old[0]["max_yuan"], fines.new[0]["max_yuan"]) == (50000, 40000)
    assert fines.old[1] == fines.new[1]
    assert diff.catalogues == ()


def test_reports_in_text_markdown_and_json(diff: RuleDiff) -> None:
    text = diff.to_text()
    assert "rule removed: wsl2021-97-overdue" in text
    assert "rule edited: wsl2021-105-first" in text
    assert "unit 0–50,000 (mandatory)" in text and "unit 0–40,000 (mandatory)" in text
    assert "work_safety_law@2021-06-10 art. 105 item 2" in text
    assert "blocked_exits — work_safety_law@2021-09-01:" in text
    markdown = diff.to_markdown()
    assert "## blocked_exits — work_safety_law@2021-09-01" in markdown
    assert "| `wsl2021-97-overdue` | removed |" in markdown
    data = json.loads(json.dumps(diff.to_dict(all_facts=True), ensure_ascii=False))
    assert data["facts_changed"] == sum(len(e["facts"]) for e in data["decisions"])
    assert [r["rule_id"] for r in data["rules"]["removed"]] == ["wsl2021-97-overdue"]
    assert "facts" not in diff.to_dict()["decisions"][0]


def test_identical_rule_sets_give_an_empty_diff(old_rules: er.RuleSet, tmp_path: Path) -> None:
    same = diff_rules(old_rules, er.load_rules(copy_subset(tmp_path)))  # another directory
    assert same.empty and same.facts == () and same.rules == ()
    assert same.facts_walked > 0 and same.undecidable_old == same.undecidable_new
    assert "no change" in same.to_text() and "no change" in same.to_markdown()


def test_a_title_edit_is_a_rule_edit_that_changes_no_decision(
    old_rules: er.RuleSet, tmp_path: Path
) -> None:
    def retitle(data: dict[str, Any]) -> None:
        rule(data, "wsl2021-105-overdue")["title"] = "逾期 (overdue)"

    edited = diff_rules(old_rules, er.load_rules(copy_subset(tmp_path, {FILE_105: retitle})))
    (change,) = edited.rules
    assert (change.status, [c.field for c in change.changes]) == ("edited", ["title"])
    assert edited.facts == ()


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rules_at_a_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_subset(repo / "rules")
    git(repo, "init", "-q")
    git(repo, "add", "rules")
    git(repo, "commit", "-q", "-m", "old")
    copy_subset(repo / "rules", {FILE_97: remove_97_overdue})
    git(repo, "commit", "-q", "-am", "new")
    old, new = er.load_rules(repo / "rules"), er.load_rules(repo / "rules")
    assert old.digest == new.digest
    earlier = er.load_rules(load_revision(repo, "HEAD~1"))
    assert earlier.digest == er.load_rules(copy_subset(tmp_path / "plain")).digest
    assert earlier.digest != new.digest
    assert resolve_rules_arg(str(repo), repo) == repo / "rules"
    assert resolve_rules_arg(str(repo / "rules"), repo) == repo / "rules"
    assert er.load_rules(resolve_rules_arg("HEAD", repo)).digest == new.digest
    assert er.load_rules(resolve_rules_arg("HEAD~1", repo)).digest == earlier.digest
    for bad in ("no-such-revision", "--output=x"):
        with pytest.raises(er.RuleSetError, match="no rules directory"):
            resolve_rules_arg(bad, repo)
    assert not (repo / "x").exists()


class Terminated(BaseException):
    """Stands in for the SystemExit a SIGTERM raises wherever the process happens to be."""


@pytest.fixture
def committed_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a rules subset, with temporary folders made under `tmp_path`."""
    repo = tmp_path / "repo"
    copy_subset(repo / "rules")
    git(repo, "init", "-q")
    git(repo, "add", "rules")
    git(repo, "commit", "-q", "-m", "one")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_signal_right_after_the_folder_is_made_leaves_nothing_behind(
    committed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect: a SIGTERM between `mkdtemp`'s mkdir and its return orphaned the folder."""
    made = os.mkdir

    def mkdir_then_terminated(path: Any, *args: Any, **kwargs: Any) -> None:
        made(path, *args, **kwargs)
        raise Terminated

    with monkeypatch.context() as patched:
        patched.setattr(os, "mkdir", mkdir_then_terminated)
        with pytest.raises(Terminated):
            load_revision(committed_repo, "HEAD")
    assert len(list(Path(tempfile.gettempdir()).iterdir())) == 1
    remove_extracted()
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_signal_during_the_removal_leaves_the_copy_for_the_next_removal(
    committed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extracted = load_revision(committed_repo, "HEAD")
    assert (extracted / "laws.yaml").is_file()

    def remove_half_then_terminated(path: Any, *args: Any, **kwargs: Any) -> None:
        (Path(path) / "laws.yaml").unlink()
        raise Terminated

    with monkeypatch.context() as patched:
        patched.setattr(shutil, "rmtree", remove_half_then_terminated)
        with pytest.raises(Terminated):
            remove_extracted()
    assert extracted.is_dir()
    remove_extracted()
    assert not extracted.exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_taken_folder_name_is_skipped_and_never_removed(
    committed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = iter(["taken", "free"])
    monkeypatch.setattr(secrets, "token_hex", lambda _: next(names))
    taken = Path(tempfile.gettempdir()) / f"enforcement-rules-{os.getpid()}-taken"
    taken.mkdir()
    extracted = load_revision(committed_repo, "HEAD")
    assert extracted.name.endswith("-free")
    remove_extracted()
    assert taken.is_dir() and not extracted.exists()


def test_a_routing_edit_is_a_catalogue_change_and_moves_cases(
    old_rules: er.RuleSet, tmp_path: Path
) -> None:
    root = copy_subset(tmp_path)
    routing = root / "routing.yaml"
    text = routing.read_text("utf-8")
    assert "public_entertainment, road_transport]" in text
    routing.write_text(text.replace("public_entertainment, road_transport]", "road_transport]"))
    moved = diff_rules(old_rules, er.load_rules(root))
    assert [c.to_dict() for c in moved.catalogues] == [
        {"field": "routing.by_sector.public_entertainment", "old": "supervision_2", "new": None}
    ]
    assert moved.rules == () and moved.facts
    for entry in moved.facts:
        assert [c.to_dict() for c in entry.changes] == [
            {"field": "section", "old": "supervision_2", "new": "unassigned"}
        ]
        assert all(fact["sector"] == "public_entertainment" for fact in entry.facts)
    assert {e.kind for e in moved.facts} >= set(ITEMS_97)  # kinds routed by sector only
