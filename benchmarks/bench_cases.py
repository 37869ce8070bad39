"""Appends to a case's event log: seconds per append as the case grows, against reading the case.

    python benchmarks/bench_cases.py [--sizes 1000,2000,4000] [--repeat 3]

One process, a fresh SQLite log in a temporary folder per size. For each size N, a case is built
with a finding and N payments through `cases.append` (the library's path: duplicate check, the
case's head, validation, one durable commit). The baseline in the same run is what each append
used to cost on top of that: reading the whole case back (`store.events`), which grew with the
case (1,000 / 2,000 / 4,000 events took 11.6 / 34.8 / 99 s before). Figures are min and median of
`--repeat` runs; the per-append time should stay flat as N grows while the baseline's grows.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from enforcement_rules.cases import Event, SqliteEventStore, append

FINDING = {
    "case_id": "C-1",
    "type": "finding",
    "on": "2022-03-01",
    "facts": {"kind": "blocked_exits", "occurred_on": "2022-03-01", "unit": "U1"},
}


def build(folder: Path, size: int) -> tuple[float, float]:
    """(seconds per library append, seconds per whole-case read at the end) for one size."""
    with SqliteEventStore(folder / f"cases-{size}.db") as store:
        append(store, Event.from_dict(FINDING))
        payments = [
            Event.from_dict(
                {"case_id": "C-1", "type": "payment", "on": "2022-03-02", "amount_yuan": n}
            )
            for n in range(size)
        ]
        started = time.perf_counter()
        for event in payments:
            append(store, event)
        per_append = (time.perf_counter() - started) / size
        started = time.perf_counter()
        reads = 20
        for _ in range(reads):
            store.events("C-1")
        per_read = (time.perf_counter() - started) / reads
    return per_append, per_read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,4000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"{'events':>7} {'append (ms) min / median':>26} {'baseline: read the case (ms)':>30}")
    for size in sizes:
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as folder:
                runs.append(build(Path(folder), size))
        appends = [run[0] * 1000 for run in runs]
        reads = [run[1] * 1000 for run in runs]
        print(
            f"{size:>7} {min(appends):>12.3f} / {statistics.median(appends):<11.3f}"
            f" {min(reads):>14.3f} / {statistics.median(reads):<.3f}"
            f"   read ÷ append: {min(reads) / min(appends):.1f}"
        )


if __name__ == "__main__":
    main()
