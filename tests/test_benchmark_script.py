"""The benchmark scripts run on a small workload and print figures that hold together: every
rate positive, every ratio the rate over the baseline printed beside it. Speed itself is never
asserted in tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_decide.py"
ROW = re.compile(r"^  (.+?)\s+([\d,]+) decisions/s\s+×\s*([\d.]+) baseline$")
HEAD = re.compile(r"^workload '(\w+)': ([\d,]+) facts, ([\d,]+) equivalence classes$")


def test_benchmark_prints_every_figure_with_its_ratio_to_the_baseline() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--facts", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    workloads: dict[str, dict[str, tuple[float, float]]] = {}
    current = ""
    rows = [line for line in done.stdout.splitlines() if "decisions/s" in line]
    assert all(ROW.match(line) for line in rows), rows  # every figure line is read
    for line in done.stdout.splitlines():
        head = HEAD.match(line)
        if head:
            current = head.group(1)
            facts, classes = (
                int(head.group(2).replace(",", "")),
                int(head.group(3).replace(",", "")),
            )
            assert facts == 300 and 0 < classes <= facts
            workloads[current] = {}
            continue
        row = ROW.match(line)
        if row:
            rate, ratio = float(row.group(2).replace(",", "")), float(row.group(3))
            workloads[current][row.group(1).strip()] = (rate, ratio)
    assert set(workloads) == {"bureau", "uniform"}
    for figures in workloads.values():
        assert set(figures) == {
            "baseline (hand-written durable_rules)",
            "decide, cold cache",
            "decide, warm cache",
            "decide_many, cold cache",
            "decide_many, warm cache",
        }
        baseline, one = figures["baseline (hand-written durable_rules)"]
        assert baseline > 0 and one == 1.0
        for rate, ratio in figures.values():
            assert rate > 0
            assert abs(ratio - rate / baseline) <= 0.006 + 0.001 * ratio  # printed to 2 places


def test_case_benchmark_prints_a_row_of_consistent_figures_per_size() -> None:
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
        append_min, append_median = float(row[1]), float(row[3])
        read_min, read_median = float(row[4]), float(row[6])
        ratio = float(row[-1])
        assert 0 < append_min <= append_median and 0 < read_min <= read_median
        assert abs(ratio - read_median / append_median) <= 0.051 + 0.01 * ratio


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


def _figure_rows(pattern: re.Pattern[str], output: str) -> dict[str, tuple[float, ...]]:
    """Each line `pattern` matches: its name (the first group), then its figures (the other
    groups, `1,234` read as 1234)."""
    rows = {}
    for line in output.splitlines():
        row = pattern.match(line)
        if row:
            name, *figures = row.groups()
            rows[name.strip()] = tuple(float(figure.replace(",", "")) for figure in figures)
    return rows


SPEED_ROW = re.compile(
    r"^  (.+?)\s+([\d,]+) / +([\d,]+) (?:decisions|lines)/s"
    r"\s+×\s*([\d.]+) baseline\s+×\s*([\d.]+) limit"
)


def test_speed_benchmark_prints_every_rate_with_its_ratios_to_baseline_and_limit() -> None:
    script = SCRIPT.with_name("bench_speed.py")
    small = ["--facts", "300", "--repeat", "1", "--cli-lines", "200", "--scale", "200,400"]
    done = subprocess.run(
        [sys.executable, str(script), *small, "--distinct", "300", "--budget-mib", "8"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = _figure_rows(SPEED_ROW, done.stdout)
    base = rows["baseline: hand-written durable_rules"][1]
    limit = rows["limit: dict lookup on the raw fact"][1]
    assert {"decide, cold", "decide_many, warm", "decide FILE > /dev/null"} <= set(rows)
    for best, median, to_base, to_limit in rows.values():
        assert best >= median > 0
        assert abs(to_base - median / base) <= 0.006 + 0.001 * to_base
        assert abs(to_limit - median / limit) <= 0.006 + 0.001 * to_limit
    scale = [line for line in done.stdout.splitlines() if " facts " in line and "peak RSS" in line]
    assert [line.split()[0] for line in scale] == ["200", "400"]
    assert "caches' budget 8 MiB" in done.stdout
    last = re.search(
        r"table [\d,]+ entries, caches ([\d.]+) MiB of 8$", done.stdout.splitlines()[-1]
    )
    assert last and 0 < float(last.group(1)) <= 8


DASK_ROW = re.compile(r"^  (.+?)\s+([\d,]+) / +([\d,]+) rows/s\s+×\s*([\d.]+) one process$")


def test_dask_benchmark_prints_each_rate_against_one_process_and_the_same_decisions() -> None:
    pytest.importorskip("distributed")  # the [dask] extra
    script = SCRIPT.with_name("bench_dask.py")
    small = ["--facts", "600", "--partitions", "3", "--workers", "2", "--repeat", "1"]
    done = subprocess.run(
        [sys.executable, str(script), *small],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = _figure_rows(DASK_ROW, done.stdout)
    assert set(rows) == {
        "one process, cold",
        "one process, warm",
        "Dask, 2 workers, cold",
        "Dask, 2 workers, warm",
    }
    for name, (best, median, ratio) in rows.items():
        alone = rows["one process, " + name.rpartition(", ")[2]][1]
        assert best >= median > 0
        assert abs(ratio - median / alone) <= 0.006 + 0.001 * ratio
    assert "loads per worker: 1, 1" in done.stdout
    assert done.stdout.splitlines()[-1] == "decisions: 600 of 600 rows the same as in one process"


HELD = Path(__file__).resolve().parents[1] / "benchmarks" / "held_bytes.py"


def test_the_bytes_a_tabled_decision_is_counted_as_stay_near_what_it_holds() -> None:
    """The table's bound counts each distinct decision as `DECISION_BYTES`, the key's memos
    each entry as a constant; the script measures what they really keep alive. Far from it (a
    decision or a memo entry grew new fields), the bounds no longer say what the caches hold,
    and the constants must be measured again. All the caches together hold no more than
    their bounds count, and that is within the budget."""
    done = subprocess.run(
        [sys.executable, str(HELD), "3000"], capture_output=True, text=True, timeout=300, check=True
    )
    head, alive, constant, *memos, whole = done.stdout.splitlines()
    keys, distinct = _read(r"3,000 facts: ([\d,]+) table keys, ([\d,]+) distinct decisions", head)
    mebibytes, mean = _read(r"they keep ([\d.]+) MiB alive: ([\d,]+) bytes each", alive)
    (ratio,) = _read(r"DECISION_BYTES = [\d,]+ \(([\d.]+)x the mean\)", constant)
    count, each = int(distinct.replace(",", "")), int(mean.replace(",", ""))
    assert 0 < count <= int(keys.replace(",", "")) <= 3000
    assert abs(float(mebibytes) * 2**20 / count - each) <= 0.05 * 2**20 / count + 1
    assert 0.67 <= float(ratio) <= 1.5
    assert len(memos) == 3
    for line in memos:
        entries, ratio = _read(
            r"memo of [a-z -]+: ([\d,]+) entries of [\d,]+ bytes, counted as [\d,]+ \(([\d.]+)x\)",
            line,
        )
        assert int(entries.replace(",", "")) > 0 and 0.67 <= float(ratio) <= 1.5, line
    held, counted, ratio, budget = _read(
        r"caches hold ([\d.]+) MiB, counted as ([\d.]+) MiB \(([\d.]+)x\), budget (\d+) MiB",
        whole,
    )
    assert 0 < float(held) <= float(counted) <= int(budget)


def _read(pattern: str, line: str) -> tuple[str, ...]:
    found = re.fullmatch(pattern, line)
    assert found, line
    return found.groups()
