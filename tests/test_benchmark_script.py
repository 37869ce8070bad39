"""The benchmark script runs (a small workload; speed itself is never asserted in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_decide.py"


def test_benchmark_prints_every_figure_with_its_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--facts", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    for label in (
        "baseline (hand-written durable_rules)",
        "decide, cold cache",
        "decide_many, warm cache",
    ):
        assert label in done.stdout
    assert done.stdout.count("baseline\n") + done.stdout.count("baseline") >= 10
