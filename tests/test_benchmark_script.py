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


def test_service_benchmark_prints_a_row_per_endpoint_and_client_count() -> None:
    script = SCRIPT.with_name("bench_service.py")
    small = ["--requests", "30", "--batch", "5", "--clients", "1,4", "--facts", "40"]
    done = subprocess.run(
        [sys.executable, str(script), *small, "--memory-requests", "200", "--memory-every", "100"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("/v1/")]
    assert [(row[0], row[1]) for row in rows] == [
        ("/v1/decide", "1"),
        ("/v1/decide", "4"),
        ("/v1/decide_many", "1"),
        ("/v1/decide_many", "4"),
    ]
    for row in rows:
        rate, decisions, p50, p99, ratio = (float(v.replace(",", "")) for v in row[3:8])
        assert rate > 0 and decisions >= rate and 0 < p50 <= p99 and ratio > 0
    assert "in-process decide_many, warm cache:" in done.stdout
    memory = next(line for line in done.stdout.splitlines() if line.startswith("  0: "))
    assert memory.count("MiB") == 3  # before, after 100 and after 200 requests
