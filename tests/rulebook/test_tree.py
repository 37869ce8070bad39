"""A rules directory is read safely: nothing leaks, nothing hangs, nothing is skipped unnamed.

Each test is named after a defect of issue 17.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.cli import main

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
SECRET = "https://ci-bot:ghp_SECRETTOKEN0123456789@github.com"
DEMO = "demo_law/2020/art001_demo.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(MINIMAL, target)
    return target


def load_errors(root: Path) -> list[er.RuleFileError]:
    with pytest.raises(er.RuleSetError) as caught:
        er.load_rules(root)
    return list(caught.value.errors)


def test_a_link_out_of_the_rules_directory_is_refused_and_its_target_never_shown(
    root: Path, tmp_path: Path
) -> None:
    credentials = tmp_path / ".git-credentials"
    credentials.write_text(SECRET + "\n", "utf-8")
    (root / "x.yaml").symlink_to(credentials)
    (error,) = load_errors(root)
    assert error.file.endswith("x.yaml") and "link out of the rules directory" in error.reason
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(root)], out=out, err=err) == 2
    assert main(["--rules", str(root), "decide", "-"], out=out, err=err) == 2
    assert "SECRETTOKEN" not in out.getvalue() + err.getvalue()


def test_the_pytest_plugin_does_not_print_a_linked_secret(
    root: Path, tmp_path: Path, pytester: pytest.Pytester
) -> None:
    credentials = tmp_path / ".git-credentials"
    credentials.write_text(SECRET + "\n", "utf-8")
    shutil.copytree(root, pytester.path / "rules")
    (pytester.path / "rules" / "x.yaml").symlink_to(credentials)
    pytester.makeini("[pytest]\nenforcement_rules_dir = rules\ntestpaths = rules\n")
    result = pytester.runpytest_subprocess("-p", "enforcement_rules.pytest_plugin")
    assert result.ret != 0
    assert "SECRETTOKEN" not in result.stdout.str() + result.stderr.str()


def test_a_link_to_a_file_inside_the_directory_is_read_like_the_file(root: Path) -> None:
    (root / "other").mkdir()
    shutil.move(root / DEMO, root / "other" / "real.yaml")
    (root / DEMO).symlink_to(root / "other" / "real.yaml")
    errors = load_errors(root)  # the same rules twice: duplicate ids, not a refusal
    assert errors and all("duplicate rule id" in error.reason for error in errors)


def test_a_link_to_a_directory_and_a_broken_link_are_refused(root: Path, tmp_path: Path) -> None:
    (root / "linked").symlink_to(tmp_path)
    (root / "gone.yaml").symlink_to(tmp_path / "nothing-here.yaml")
    reasons = sorted(error.reason for error in load_errors(root))
    assert reasons == ["a broken link is not read", "a link to a directory is not followed"]


def test_a_capitalised_yaml_file_is_loaded_not_skipped(root: Path) -> None:
    (root / DEMO).rename(root / "demo_law" / "2020" / "ART001_DEMO.YAML")
    rules = er.load_rules(root)
    assert "demo-first" in {rule.id for rule in rules.rules}


def test_a_provision_file_under_the_case_law_folder_is_an_error_not_skipped(root: Path) -> None:
    (root / "cases").mkdir()
    shutil.copy(root / DEMO, root / "cases" / "art001_demo.yaml")
    (error,) = load_errors(root)
    assert error.file.endswith("cases/art001_demo.yaml")
    assert "declared data files" in error.reason


def test_other_files_are_named_as_ignored_in_check(root: Path) -> None:
    (root / "README.md").write_text("notes for reviewers\n", "utf-8")
    rules = er.load_rules(root)
    assert rules.ignored == (("README.md", "not a .yaml or .yml file"),)
    out = io.StringIO()
    main(["check", str(root)], out=out, err=io.StringIO())
    assert "ignored: README.md: not a .yaml or .yml file" in out.getvalue()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_a_fifo_named_yaml_does_not_block_the_load(root: Path) -> None:
    os.mkfifo(root / "pipe.yaml")
    result: list[list[er.RuleFileError]] = []
    worker = threading.Thread(target=lambda: result.append(load_errors(root)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the load blocked on the FIFO"
    (error,) = result[0]
    assert error.file.endswith("pipe.yaml") and "not a regular file" in error.reason


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1.0e+300"])
def test_non_finite_and_absurd_numbers_in_rules_are_refused(root: Path, value: str) -> None:
    demo = root / DEMO
    demo.write_text(demo.read_text("utf-8").replace("max_yuan: 50000", f"max_yuan: {value}"))
    (error,) = load_errors(root)
    assert error.line is not None and "finite" in error.reason


def test_an_error_quotes_only_a_short_excerpt_of_a_huge_value(root: Path) -> None:
    demo = root / DEMO
    huge = "x" * 100_000
    demo.write_text(demo.read_text("utf-8").replace("law: demo_law", f"law: {huge}"))
    errors = load_errors(root)
    assert errors and all(len(str(error)) < 600 for error in errors)
    assert "100,002 characters" in str(errors[0])


def test_a_file_too_large_to_be_a_rule_file_is_refused_unread(root: Path) -> None:
    (root / "big.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    (error,) = load_errors(root)
    assert "larger than" in error.reason


def test_check_names_an_unreadable_tree_entry_from_the_command_line(root: Path) -> None:
    (root / "bad.yml").write_bytes(b"law: \xff\xfe\n")
    done = subprocess.run(
        [sys.executable, "-m", "enforcement_rules", "check", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "bad.yml" in done.stderr and "not UTF-8 text" in done.stderr
