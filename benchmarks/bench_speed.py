"""Speed and scale on the realistic workload, against the engine alone and the dict-lookup limit.

    python benchmarks/bench_speed.py [--facts 100000] [--repeat 3] [--cli-lines 100000]
                                     [--scale 1000,10000,100000] [--distinct 200000]
                                     [--budget-mib 256]

Everything runs in this one invocation on the same facts (`workload.realistic`, drawn from the
bundled rule set's kinds and windows). Rates are decisions (or lines) per second, the minimum
and median of `--repeat` runs, each beside its ratio to the hand-written durable_rules baseline
(`bench_decide.baseline`: the engine asked directly, no validation or resolution) and to the
dict-lookup limit (the final decision looked up by the raw fact in a dict: what any cache in
front of the library could at most reach in Python). `cold` starts a fresh `Decider`; `warm`
decides the same facts again. The CLI runs as a separate process on a JSON Lines file (peak RSS
from the operating system); the scale curve streams `decide_iter` over generated facts in a
child process per size, with its peak RSS and how far its memory moved after the first chunk;
`--distinct` decides that many facts of (almost) all distinct classes twice, to show the
memory-bounded table does not thrash. The scale curve and `--distinct` give their deciders
`--budget-mib` (`Decider(table_bytes=…)`, the library's default unless told).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import enforcement_rules as er
from enforcement_rules.contract.vocabulary import LicenceStatus
from enforcement_rules.deciding.decider import TABLE_BYTES
from enforcement_rules.deciding.normalise import normalise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_decide import baseline
from workload import realistic

Timing = tuple[float, float]  # (best rate, median rate)


def rates(
    count: int, run: Callable[[], object], repeat: int, setup: Callable[[], Any] | None = None
) -> Timing:
    found = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        found.append(count / (time.perf_counter() - start))
    return max(found), statistics.median(found)


def raw_key(fact: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in fact.items())


def library_figures(
    facts: list[dict[str, Any]], rules: er.RuleSet, repeat: int
) -> dict[str, Timing]:
    messages = [normalise(v, v.occurred_on) for v in map(er.Violation.from_dict, facts)]
    count = len(facts)
    figures: dict[str, Timing] = {}
    figures["baseline: hand-written durable_rules"] = rates(
        count, lambda: baseline(messages), repeat
    )
    answers = er.Decider(rules).decide_many(facts)
    table = {raw_key(fact): answer for fact, answer in zip(facts, answers, strict=True)}
    figures["limit: dict lookup on the raw fact"] = rates(
        count, lambda: [table[raw_key(fact)] for fact in facts], repeat
    )
    state: dict[str, er.Decider] = {}

    def fresh() -> None:
        state["decider"] = er.Decider(rules)

    figures["decide, cold"] = rates(
        count, lambda: [state["decider"].decide(f) for f in facts], repeat, fresh
    )
    figures["decide, warm"] = rates(
        count, lambda: [state["decider"].decide(f) for f in facts], repeat
    )
    figures["decide_many, cold"] = rates(
        count, lambda: state["decider"].decide_many(facts), repeat, fresh
    )
    figures["decide_many, warm"] = rates(count, lambda: state["decider"].decide_many(facts), repeat)
    try:
        from enforcement_rules.deciding.columnar import decide_frame
    except ImportError:  # pandas is not installed
        print("  (columnar path skipped: install enforcement-rules[columnar])")
        return figures
    import pandas as pd

    frame = pd.DataFrame.from_records(facts)
    figures["columnar (DataFrame), cold"] = rates(
        count, lambda: decide_frame(frame, decider=state["decider"]), repeat, fresh
    )
    figures["columnar (DataFrame), warm"] = rates(
        count, lambda: decide_frame(frame, decider=state["decider"]), repeat
    )
    return figures


def run_child(arguments: list[str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes, stdout) of `python <this script> <arguments>`. The peak is
    the child's own (`VmHWM`, which its exec started afresh, printed by the child as its last
    line): the rusage of a child forked from this process counts this process's pages too."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, *arguments], stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"child {arguments} failed with {done.returncode}")
    output, _, peak = done.stdout.rstrip("\n").rpartition("\n")
    return time.perf_counter() - start, int(peak), output


def peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux: VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def cli_figures(facts: list[dict[str, Any]], repeat: int) -> tuple[Timing, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.jsonl"
        with path.open("w", encoding="utf-8") as file:
            for fact in facts:
                file.write(json.dumps(fact, ensure_ascii=False) + "\n")
        runs = [run_child(["--child-cli", str(path)]) for _ in range(repeat)]
    found = [len(facts) / seconds for seconds, _, _ in runs]
    return (max(found), statistics.median(found)), max(rss for _, rss, _ in runs)


def child_cli(path: str) -> None:
    """The CLI as a user runs it (`enforcement-rules decide FILE > /dev/null`), in this process."""
    from enforcement_rules.cli import main

    with open(os.devnull, "w", encoding="utf-8") as sink:
        sys.stdout = sink
        status = main(["decide", path])
    sys.stdout = sys.__stdout__
    if status not in (0, None):
        raise SystemExit(status)
    print(peak_rss())


def stream(rules: er.RuleSet, count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` realistic facts, made a block at a time (the whole input is never held)."""
    block = 10_000
    for start in range(0, count, block):
        yield from realistic(rules, min(block, count - start), seed=seed + start)


def rss_now() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child_scale(count: int, budget: int) -> None:
    """Stream `count` facts through `decide_iter` with a decider of `budget` bytes; print the
    rate and the memory after each tenth (the first after the first tenth)."""
    rules = er.load_rules()
    decider = er.Decider(rules, table_bytes=budget)
    marks = []
    step = max(count // 10, 1)
    start = time.perf_counter()
    for number, _ in enumerate(decider.decide_iter(stream(rules, count)), start=1):
        if number % step == 0:
            marks.append(rss_now())
    seconds = time.perf_counter() - start
    print(json.dumps({"rate": count / seconds, "marks": marks}))
    print(peak_rss())


def scale_figures(sizes: list[int], budget_mib: int) -> list[tuple[int, float, int, int]]:
    rows = []
    for size in sizes:
        _, peak, output = run_child(["--child-scale", str(size), "--budget-mib", str(budget_mib)])
        data = json.loads(output)
        marks = data["marks"]
        drift = max(marks) - min(marks) if marks else 0
        rows.append((size, data["rate"], peak, drift))
    return rows


def distinct_figures(rules: er.RuleSet, count: int, budget: int) -> tuple[float, float, int, int]:
    """(cold rate, warm rate, table entries, table bytes) for facts of all-distinct
    classes: every flag and code drawn uniformly, amounts spread."""
    import random

    generator = random.Random(15)
    facts = realistic(rules, count, seed=15)
    for fact in facts:
        for name in (
            "overdue",
            "correctable_on_site",
            "activity_ongoing",
            "workers_in_danger",
            "safety_assured",
            "nonconforming_equipment",
            "serious",
            "fined_and_refuses",
            "harmful_consequences",
            "especially_serious",
        ):
            fact[name] = generator.random() < 0.5
        fact["hazard"] = generator.choice(er.Hazard.codes())
        fact["sector"] = generator.choice(er.Sector.codes())
        fact["licence_status"] = generator.choice(LicenceStatus.codes())
    decider = er.Decider(rules, table_bytes=budget)
    start = time.perf_counter()
    decider.decide_many(facts)
    cold = count / (time.perf_counter() - start)
    start = time.perf_counter()
    decider.decide_many(facts)
    warm = count / (time.perf_counter() - start)
    return cold, warm, len(decider._table), decider.cache_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli-lines", type=int, default=100_000)
    parser.add_argument("--scale", default="1000,10000,100000")
    parser.add_argument("--distinct", type=int, default=200_000)
    parser.add_argument("--budget-mib", type=int, default=TABLE_BYTES // 2**20)
    parser.add_argument("--child-cli", help=argparse.SUPPRESS)
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_cli:
        return child_cli(args.child_cli)
    if args.child_scale:
        return child_scale(args.child_scale, args.budget_mib * 2**20)
    rules = er.load_rules()
    facts = realistic(rules, args.facts)
    kinds = len({fact["kind"] for fact in facts})
    print(
        f"workload: {len(facts):,} realistic facts of {kinds} kinds (min / median of {args.repeat})"
    )
    figures = library_figures(facts, rules, args.repeat)
    base = figures["baseline: hand-written durable_rules"][1]
    limit = figures["limit: dict lookup on the raw fact"][1]
    for name, (best, median) in figures.items():
        print(
            f"  {name:<40} {best:>11,.0f} / {median:>11,.0f} decisions/s"
            f"   ×{median / base:6.2f} baseline   ×{median / limit:5.2f} limit"
        )
    cli_facts = realistic(rules, args.cli_lines, seed=7)
    (best, median), peak = cli_figures(cli_facts, args.repeat)
    print(f"CLI end to end: {len(cli_facts):,} lines")
    print(
        f"  {'decide FILE > /dev/null':<40} {best:>11,.0f} / {median:>11,.0f} lines/s"
        f"   ×{median / base:6.2f} baseline   ×{median / limit:5.2f} limit"
        f"   peak RSS {peak / 2**20:,.0f} MiB"
    )
    print(
        "scale: decide_iter streaming generated facts (one process per size),"
        f" caches' budget {args.budget_mib:,} MiB"
    )
    sizes = [int(s) for s in args.scale.split(",") if s]
    for size, rate, peak, drift in scale_figures(sizes, args.budget_mib):
        print(
            f"  {size:>11,} facts {rate:>11,.0f} decisions/s   peak RSS {peak / 2**20:7,.0f} MiB"
            f"   moved {drift / 2**20:6,.1f} MiB after the first tenth"
        )
    if args.distinct:
        cold, warm, entries, size = distinct_figures(rules, args.distinct, args.budget_mib * 2**20)
        print(f"distinct classes: {args.distinct:,} facts, {entries:,} table entries")
        print(
            f"  cold {cold:,.0f} decisions/s, warm {warm:,.0f} decisions/s"
            f"   table {entries:,} entries, caches {size / 2**20:,.1f} MiB"
            f" of {args.budget_mib:,}"
        )


if __name__ == "__main__":
    main()
