"""No leaks: deciders go with their rule sets, forks do not deadlock, diff leaves no copies.

Each test is named after a defect of issue 17.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.deciding.decider import decider_for

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
FACT = {"kind": "blocked_exits", "occurred_on": "2021-01-01"}


def variant(root: Path, ceiling: int) -> er.RuleSet:
    """The minimal rules with another fine ceiling: another content, another digest."""
    shutil.copytree(MINIMAL, root)
    demo = root / "demo_law" / "2020" / "art001_demo.yaml"
    text = demo.read_text("utf-8").replace("max_yuan: 50000", f"max_yuan: {ceiling}")
    demo.write_text(text.replace("max_yuan: 50000}", f"max_yuan: {ceiling}}}"), "utf-8")
    return er.load_rules(root)


def test_rule_sets_passed_to_decide_do_not_keep_their_deciders_forever(tmp_path: Path) -> None:
    """Defect: every RuleSet passed to `decide(rules=…)` kept a Decider forever (~3.4 MB each;
    1,100 reloads: 3.7 GB), and a dropped Decider left its durable ruleset (~2 MB) behind."""
    deciders, finalizers = [], []
    for number in range(5):
        rules = variant(tmp_path / f"r{number}", 40_000 + number)
        er.decide(FACT, rules=rules)
        decider = decider_for(rules)
        deciders.append(weakref.ref(decider))
        finalizers.append(decider.engine._finalizer)
        del rules, decider
    gc.collect()
    assert [ref() for ref in deciders] == [None] * 5
    assert not any(finalizer.alive for finalizer in finalizers)  # delete_ruleset has run


def test_equal_rule_sets_share_one_decider(tmp_path: Path) -> None:
    shutil.copytree(er.bundled_rules_dir(), tmp_path / "rules")
    first, second = er.load_rules(), er.load_rules(tmp_path / "rules")  # the same content
    assert first is not second and first.digest == second.digest
    assert decider_for(first) is decider_for(second)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forking_while_another_thread_decides_does_not_deadlock_the_child() -> None:
    """Defect: forking while another thread held the engine's lock deadlocked the child (no
    `os.register_at_fork`)."""
    decider = er.Decider(er.load_rules())
    decider.decide(FACT)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with decider.engine._lock, decider._cache_lock:
            holding.set()
            release.wait(30)

    worker = threading.Thread(target=hold, daemon=True)
    worker.start()
    assert holding.wait(10)
    child = os.fork()
    if child == 0:  # the child: decide a fresh class (engine and caches), then leave at once
        try:
            fresh = {**FACT, "overdue": True, "sector": "mining"}
            os._exit(0 if decider.decide(fresh).penalties else 3)
        except BaseException:
            os._exit(4)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done, status = os.waitpid(child, os.WNOHANG)
            if done:
                assert os.waitstatus_to_exitcode(status) == 0
                return
            time.sleep(0.05)
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked child deadlocked on a lock held by the parent's other thread")
    finally:
        release.set()
        worker.join()


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_diff_removes_its_temporary_copies_when_terminated(tmp_path: Path) -> None:
    """Defect: `diff` left its temporary copies of git revisions behind on SIGTERM."""
    repo = tmp_path / "repo"
    shutil.copytree(er.bundled_rules_dir(), repo / "rules")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    exits = repo / "rules" / "work_safety_law" / "2021" / "art105_dormitories_and_exits.yaml"
    exits.write_text(exits.read_text("utf-8").replace("50000", "60000"), "utf-8")
    git(repo, "commit", "-q", "-am", "two")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "enforcement_rules", "diff", "HEAD~1", "HEAD"],
        cwd=repo,
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(list(temporary.glob("enforcement-rules-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(list(temporary.glob("enforcement-rules-*"))) == 2
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode in (0, 1, 128 + signal.SIGTERM), stderr
    assert list(temporary.glob("enforcement-rules-*")) == []
