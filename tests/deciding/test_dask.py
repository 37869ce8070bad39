"""A dataset decided on a local Dask cluster of two worker processes gets the decisions one
process gives, and each worker loads the rules once (docs/scale.md, "Beyond one machine")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import enforcement_rules as er  # noqa: E402
from enforcement_rules.deciding.columnar import decide_frame  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from workload import realistic  # noqa: E402

COLUMNS = ["law_version", "penalty_basis", "section", "procedure", "hearing", "decided"]


def decide_partition(frame: Any) -> Any:
    """What each worker runs on its partitions: the bundled rules' shared decider."""
    import json

    import pandas as pd

    result = decide_frame(frame)
    rows = []
    for row in range(len(frame)):
        found = result.decision(row)
        data = (
            found.to_dict() if isinstance(found, er.Decision) else {"error": type(found).__name__}
        )
        rows.append([data.get(c) for c in COLUMNS[:-1]] + [json.dumps(data, sort_keys=True)])
    return pd.DataFrame(rows, columns=COLUMNS, index=frame.index)


def docs_recipe(frame: Any) -> Any:
    """docs/scale.md's `decide_partition`, as written there."""
    result = decide_frame(frame)
    return result.to_pandas()[["law_version", "penalties", "section"]]


def rules_loaded() -> int:
    from enforcement_rules.deciding.decider import default_rules

    return default_rules.cache_info().misses


def test_two_worker_processes_decide_as_one_process_does(tmp_path: Path) -> None:
    """Both as the test lays it out (partitions of an in-memory frame, `meta` given) and as
    docs/scale.md does (a Parquet dataset, one of its files empty, no `meta`: Dask reads the
    columns off a made-up partition, every row of which is refused)."""
    import pandas as pd

    facts = realistic(er.load_rules(), 200, seed=11)
    frame = pd.DataFrame.from_records(facts)
    expected = decide_partition(frame)
    for number, start in enumerate((0, 120, 200)):
        frame.iloc[start : start + 120 if start < 200 else start].to_parquet(
            tmp_path / f"part-{number}.parquet"
        )
    recipe_expected = docs_recipe(frame)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # Dask would turn the circumstances lists into their repr (a string): keep objects.
        with dask.config.set({"dataframe.convert-string": False}):
            parts = dd.from_pandas(frame, npartitions=4)
        meta = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        got = parts.map_partitions(decide_partition, meta=meta).compute()
        recipe = dd.read_parquet(tmp_path).map_partitions(docs_recipe).compute()
        loads = client.run(rules_loaded)
    assert got.sort_index()["decided"].tolist() == expected["decided"].tolist()
    assert len(recipe) == len(facts)
    assert recipe.reset_index(drop=True).astype(str).equals(recipe_expected.astype(str))
    assert len(loads) == 2 and set(loads.values()) == {1}  # each worker loaded the rules once
