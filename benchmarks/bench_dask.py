"""The Dask run: realistic findings decided on a local cluster of worker processes, against one.

    python benchmarks/bench_dask.py [--facts 400000] [--partitions 16] [--workers 2]
                                    [--repeat 3]

Needs `pip install 'enforcement-rules[dask]'`. The workload (`workload.realistic`) is written
once to a Parquet dataset of `--partitions` files in a temporary folder. Each run reads it with
`dask.dataframe.read_parquet` and decides every partition as docs/scale.md ("Beyond one
machine") says: `decide_frame` with the bundled rules' shared decider, loaded once per worker
process, keeping the decision columns `law_version`, `penalties` and `section`, brought back to
this process (`compute`). The one-process
figure is the same work without Dask: each Parquet file read with pandas and decided in turn.
`cold` starts with every decider's caches empty (the rules loaded: their load is timed apart),
`warm` decides the same dataset again. Rates are rows per second, the minimum and median of
`--repeat` runs, each beside its ratio to the one-process rate of the same temperature. After
the timed runs each row's whole decision (its JSON, without the caller's `ref`) is compared
between the cluster and this process, and each worker's rule loads and peak RSS are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speed import Timing, peak_rss, rates
from workload import realistic

try:
    import dask
    import dask.dataframe as dd
    import distributed
    import pandas as pd
except ImportError:  # the [dask] extra is not installed
    dask = None

import enforcement_rules as er

COLUMNS = ["law_version", "penalties", "section"]


def decide_partition(frame: Any, run: int = 0) -> Any:
    """What each worker runs on a partition (docs/scale.md): the decision columns kept. `run`
    numbers the timed runs: a graph of new keys each time, so none is answered from results
    the cluster still holds of the run before."""
    from enforcement_rules.deciding.columnar import decide_frame

    return decide_frame(frame).to_pandas()[COLUMNS]


def digest_partition(frame: Any) -> Any:
    """Each row's whole decision as a digest of its JSON (sorted keys, no `ref`), made once per
    distinct decision: what the cluster and this process are compared on."""
    from enforcement_rules.deciding.columnar import decide_frame

    result = decide_frame(frame)
    digests = [
        hashlib.sha256(json.dumps(found.to_dict(), sort_keys=True).encode()).hexdigest()
        for found in result.decisions
    ]
    return pd.DataFrame({"digest": [digests[int(i)] for i in result.ids]}, index=frame.index)


def clear_caches() -> None:
    """Empty this process's shared decider (its rules stay loaded)."""
    from enforcement_rules.deciding.decider import decider_for

    decider_for().clear_cache()


def load_rules() -> float:
    """Load the bundled rules into this process's shared decider; the seconds it took."""
    from enforcement_rules.deciding.decider import decider_for

    start = time.perf_counter()
    decider_for()
    return time.perf_counter() - start


def rules_loaded() -> int:
    from enforcement_rules.deciding.decider import default_rules

    return default_rules.cache_info().misses


def write_dataset(folder: Path, facts: list[dict[str, Any]], partitions: int) -> list[Path]:
    frame = pd.DataFrame.from_records(facts)
    size = -(-len(frame) // partitions)
    paths = []
    for number, start in enumerate(range(0, len(frame), size)):
        path = folder / f"part-{number:04d}.parquet"
        frame.iloc[start : start + size].to_parquet(path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=400_000)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if dask is None:
        raise SystemExit("the Dask run needs: pip install 'enforcement-rules[dask]'")
    facts = realistic(er.load_rules(), args.facts)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_dataset(Path(folder), facts, args.partitions)
        print(
            f"workload: {len(facts):,} realistic facts in {len(paths)} Parquet files;"
            f" {args.workers} worker processes of one thread (min / median of {args.repeat})"
        )

        def one_process(work: Callable[[Any], Any]) -> list[Any]:
            return [work(pd.read_parquet(path)) for path in paths]

        load_seconds = load_rules()
        figures: dict[str, Timing] = {
            "one process, cold": rates(
                len(facts), lambda: one_process(decide_partition), args.repeat, clear_caches
            ),
            "one process, warm": rates(
                len(facts), lambda: one_process(decide_partition), args.repeat
            ),
        }
        expected = pd.concat(one_process(digest_partition)).sort_index()["digest"].tolist()
        with (
            distributed.LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            loads = client.run(load_rules)
            frame = dd.read_parquet(folder)
            meta = decide_partition(pd.read_parquet(paths[0]).head(0))
            runs = itertools.count()

            def on_cluster() -> Any:
                return frame.map_partitions(decide_partition, next(runs), meta=meta).compute()

            figures[f"Dask, {args.workers} workers, cold"] = rates(
                len(facts), on_cluster, args.repeat, lambda: client.run(clear_caches)
            )
            figures[f"Dask, {args.workers} workers, warm"] = rates(
                len(facts), on_cluster, args.repeat
            )
            digest_meta = pd.DataFrame({"digest": pd.Series(dtype=object)})
            got = frame.map_partitions(digest_partition, meta=digest_meta).compute()
            loaded = client.run(rules_loaded)
            peaks = client.run(peak_rss)
    for name, (best, median) in figures.items():
        same = "one process, " + name.rpartition(", ")[2]
        print(
            f"  {name:<32} {best:>11,.0f} / {median:>11,.0f} rows/s"
            f"   ×{median / figures[same][1]:5.2f} one process"
        )
    print(
        f"rules: {load_seconds:.1f} s to load in this process,"
        f" {', '.join(f'{s:.1f}' for s in loads.values())} s in the workers;"
        f" loads per worker: {', '.join(map(str, loaded.values()))}"
    )
    print(f"peak RSS per worker: {', '.join(f'{p / 2**20:,.0f}' for p in peaks.values())} MiB")
    found = got.sort_index()["digest"].tolist()
    same_rows = sum(a == b for a, b in zip(found, expected, strict=True))
    print(f"decisions: {same_rows:,} of {len(expected):,} rows the same as in one process")


if __name__ == "__main__":
    main()
