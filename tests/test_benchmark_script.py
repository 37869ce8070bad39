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


def test_case_benchmark_prints_a_row_of_positive_figures_per_size() -> None:
    script = SCRIPT.with_name("bench_cases.py")
    done = subprocess.run(
        [sys.executable, str(script), "--sizes", "50,100", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["50", "100"]
    for row in rows:
        append_ms, read_ms, ratio = float(row[1]), float(row[4]), float(row[-1])
        assert append_ms > 0 and read_ms > 0 and ratio > 0
