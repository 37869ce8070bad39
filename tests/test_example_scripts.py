"""The scripts in examples/ are what bureau developers copy first: they must run as shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_script_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_batch_example_decides_every_case() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "batch_from_jsonl.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    cases = (EXAMPLES / "cases.jsonl").read_text("utf-8").strip().splitlines()
    assert len(done.stdout.strip().splitlines()) == len(cases)
