"""A DataFrame or an Arrow table of facts is decided row by row as `decide_many` decides them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from drawn import batches, over_batches
from hypothesis import given

import enforcement_rules as er

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")
from enforcement_rules.deciding.columnar import _facts, _FrameState, decide_frame  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from workload import realistic  # noqa: E402

RULES = er.load_rules()
TODAY = dt.date(2027, 6, 1)


def expected(facts: list[dict[str, Any]]) -> list[Any]:
    decider = er.Decider(RULES, today=lambda: TODAY, cache_size=0)
    found = decider.decide_many(
        [{k: v for k, v in f.items() if k != "ref"} for f in facts], errors="collect"
    )
    return [
        r.to_dict(trace=True) if isinstance(r, er.Decision) else type(r).__name__ for r in found
    ]


def got(result: Any, count: int) -> list[Any]:
    rows = [result.decision(row) for row in range(count)]
    return [r.to_dict(trace=True) if isinstance(r, er.Decision) else type(r).__name__ for r in rows]


def test_a_dataframe_is_decided_as_decide_many_decides_its_rows() -> None:
    facts = realistic(RULES, 400, seed=3)
    facts += [{**facts[0], "kind": "jaywalking"}, {**facts[1], "overdue": 1}, dict(facts[2])]
    frame = pd.DataFrame.from_records(facts)
    result = decide_frame(frame, decider=er.Decider(RULES, today=lambda: TODAY))
    assert got(result, len(facts)) == expected(facts)
    assert len(result.decisions) < len(facts)  # each distinct decision is kept once
    columns = result.to_pandas()
    assert len(columns) == len(facts) and columns["error"].notna().sum() == 2
    assert list(columns["law_version"][:3]) == [result.decision(i).law_version for i in range(3)]


def test_an_arrow_table_with_date_columns_and_nulls_is_decided_the_same() -> None:
    facts = [
        {"kind": "no_safety_staff", "occurred_on": dt.date(2020, 5, 1), "overdue": True},
        {"kind": "blocked_exits", "occurred_on": dt.date(2013, 2, 1), "overdue": None},
        {"kind": "no_safety_staff", "occurred_on": dt.date(2020, 5, 2), "overdue": True},
    ]
    table = pa.Table.from_pylist(facts)
    result = decide_frame(table, decider=er.Decider(RULES, today=lambda: TODAY))
    stated = [{k: v for k, v in f.items() if v is not None} for f in facts]
    assert got(result, 3) == expected(stated)
    assert result.ids[0] == result.ids[2]  # one class, one decision


def test_an_empty_frame_gives_no_decisions() -> None:
    result = decide_frame(pd.DataFrame({"kind": []}))
    assert len(result.ids) == 0 and result.decisions == ()


def test_the_decision_columns_are_laid_out_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each distinct decision's JSON form is made with the cycle collector paused (many small
    acyclic objects, beside a warm decider's large heap), and the collector is back after."""
    import gc

    result = decide_frame(pd.DataFrame.from_records(realistic(RULES, 400, seed=9)))
    assert len(result.decisions) >= 64  # enough to pause for (`collector.PAUSE_FROM`)
    enabled: list[bool] = []
    to_dict = er.Decision.to_dict

    def watched(self: er.Decision, **options: Any) -> dict[str, Any]:
        enabled.append(gc.isenabled())
        return to_dict(self, **options)

    monkeypatch.setattr(er.Decision, "to_dict", watched)
    assert gc.isenabled()
    result.to_pandas()
    assert enabled and not any(enabled) and gc.isenabled()


def test_the_decision_columns_do_not_depend_on_the_rows() -> None:
    """An empty frame, a frame of refused rows and a frame of decided ones lay out the same
    columns (Dask reads a partition's columns off an empty or made-up one)."""
    decider = er.Decider(RULES, today=lambda: TODAY)
    frames = [
        pd.DataFrame({"kind": []}),
        pd.DataFrame({"kind": ["jaywalking"], "occurred_on": ["2020-01-01"]}),
        pd.DataFrame.from_records(realistic(RULES, 50, seed=5)),
    ]
    layouts = [list(decide_frame(frame, decider=decider).to_pandas().columns) for frame in frames]
    decided = decide_frame(frames[2], decider=decider).decision(0)
    assert isinstance(decided, er.Decision) and not decided.suggested
    assert layouts[0] == layouts[1] == layouts[2] == ["error", *decided.to_dict()]


DRAWN = er.Decider(RULES, today=lambda: TODAY)
FULL_PATH = er.Decider(RULES, today=lambda: TODAY, cache_size=0)  # keeps nothing: reusable


@over_batches(80)
@given(batches())
def test_a_frame_of_drawn_rows_is_decided_as_its_rows_are_one_by_one(batch: list[Any]) -> None:
    """Cold and warm, every row as the full path decides the row's fact (its error, with the
    row's own position, in its place): odd cells (numbers for flags, dates as objects, -0.0,
    unknown fields) included."""
    rows = [fact for fact in batch if isinstance(fact, dict)]
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows)
    facts = _facts(frame, np.arange(len(frame)))
    expected = [
        _outcome(FULL_PATH.decide_many([fact], errors="collect")[0], row)
        for row, fact in enumerate(facts)
    ]
    for _ in range(2):  # cold, then warm (every key known to the memo)
        result = decide_frame(frame, decider=DRAWN, chunk_size=7)
        assert [_outcome(result.decision(row), row) for row in range(len(rows))] == expected
        # Each distinct result is kept once, and each one kept is some row's.
        assert len(set(map(id, result.decisions))) == len(result.decisions)
        assert set(result.ids.tolist()) == set(range(len(result.decisions)))


def _outcome(result: Any, row: int) -> Any:
    if isinstance(result, er.Decision):
        return result.to_dict(trace=True)
    notes = [note.replace("#0", f"#{row}") for note in getattr(result, "__notes__", [])]
    return type(result).__name__, str(result), notes


def test_a_frame_decided_by_a_decider_that_keeps_nothing_is_decided_row_by_row() -> None:
    facts = realistic(RULES, 50, seed=5)
    frame = pd.DataFrame.from_records(facts)
    result = decide_frame(frame, decider=er.Decider(RULES, today=lambda: TODAY, cache_size=0))
    assert got(result, len(facts)) == expected(facts)


def test_a_cleared_decider_forgets_its_frame_memo() -> None:
    decider = er.Decider(RULES, today=lambda: TODAY)
    frame = pd.DataFrame.from_records(realistic(RULES, 30, seed=6))
    decide_frame(frame, decider=decider)
    state = decider.companion(_FrameState)
    assert len(state.memo) > 0
    decider.clear_cache()
    assert decider.companion(_FrameState) is not state


def test_each_key_of_a_cold_frame_is_decided_once_and_a_warm_frame_by_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The row path sees one row per new key (its first), and none once the memo knows them
    all: a key decided on its first row is not decided again for its other rows."""
    facts = realistic(RULES, 400, seed=8)
    frame = pd.DataFrame.from_records(facts)
    decider = er.Decider(RULES, today=lambda: TODAY)
    decided: list[int] = []
    chunk = decider._decide_chunk

    def counted(facts: Any, *args: Any, **kwargs: Any) -> Any:
        decided.append(len(facts))
        return chunk(facts, *args, **kwargs)

    monkeypatch.setattr(decider, "_decide_chunk", counted)
    result = decide_frame(frame, decider=decider)
    keys = decider.companion(_FrameState).key(frame, TODAY.toordinal())
    assert (keys.groups >= 0).all()  # realistic rows: none in doubt
    assert sum(decided) == len(keys.keys) < len(facts)
    decided.clear()
    assert got(decide_frame(frame, decider=decider), len(facts)) == got(result, len(facts))
    assert decided == []
