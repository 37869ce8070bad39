"""Decide a table of facts at once: a pandas DataFrame or a pyarrow Table, one row per finding.

Needs the `columnar` extra (pandas; pyarrow for Arrow tables). Columns are fact fields (JSON
names, VOCABULARY.md); a null cell (None, NaN, NaT) means the field is not stated, since every
row has every column; a date column may hold `YYYY-MM-DD` strings, dates or timestamps at
midnight; `circumstances` holds lists of codes. The frame is keyed as a whole, vectorised
(`frame_key`: the distinctions the final-decision table's key draws, for every row at once),
a slice of `chunk_size` rows at a time; rows of one key get one decision, from the decider's
memo of frame keys or decided once on the key's first row by the row path (each row a fact
dict, as `decide_many` takes it), which also decides, one by one, the rows the key is in doubt
of. Each row gets the number of its decision among the distinct ones. The result keeps each
distinct decision once (without `ref`: the caller's ids are in its own column) and can be laid
out as a DataFrame of decision columns (one take).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any, cast

import attrs

from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError
from ..contract.schemas import decision_schema
from ..rulebook.conditions import FIELDS
from . import collector
from .bounded import BoundedCache
from .decider import DECISION_BYTES, Decider, Facts, decider_for
from .frame_key import FrameKey, first_places

try:
    import numpy as np
    import pandas as pd
except ImportError as missing:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "deciding a table of facts needs pandas: pip install 'enforcement-rules[columnar]'"
    ) from missing


@attrs.frozen
class ColumnarDecisions:
    """Row `i` was decided `decisions[ids[i]]` (a `Decision` without `ref`, or the row's
    error: `EnforcementRulesError`, naming the first row that had it)."""

    ids: Any  # numpy int64 array, one per row
    decisions: tuple[Decision | EnforcementRulesError, ...]

    def decision(self, row: int) -> Decision | EnforcementRulesError:
        return self.decisions[int(self.ids[row])]

    def to_pandas(self) -> Any:
        """One row per input row: the decision's JSON fields as columns (an `error` column holds
        the error object of a row that was refused, else None). The columns are `error` and
        every key the decision's JSON form always has, in its order, whatever the rows (none,
        all refused): the partitions of one dataset lay out alike (Dask's `map_partitions`
        reads the columns off an empty or made-up partition). `suggested`, which only a
        decision under a discretion benchmark has, follows where some row has it."""
        # Many small dicts and lists, none in a cycle: the collector would walk the caches'
        # heap again and again while they are made (0.47–0.87 s against 0.26 s paused, for
        # 100,000 warm rows of 18,000 distinct decisions).
        with collector.paused_for(len(self.decisions)):
            records = [
                {"error": None, **found.to_dict()}
                if isinstance(found, Decision)
                else {"error": found.to_dict()}
                for found in self.decisions
            ]
            columns = ["error", *decision_keys()]
            columns += sorted({key for record in records for key in record} - set(columns))
            distinct = pd.DataFrame.from_records(records, columns=columns)
            return distinct.take(self.ids).reset_index(drop=True)


@cache
def decision_keys() -> tuple[str, ...]:
    """The keys every decision's JSON form has (`decision_schema`'s required ones), in order."""
    return tuple(decision_schema()["required"])


def decide_frame(
    frame: Any, *, decider: Decider | None = None, chunk_size: int = 65_536
) -> ColumnarDecisions:
    """Decide every row of a DataFrame or pyarrow Table (see the module's docstring)."""
    if not isinstance(frame, pd.DataFrame):
        frame = frame.to_pandas()  # a pyarrow Table
    chosen = decider if decider is not None else decider_for()
    count = len(frame)
    if count == 0:
        return ColumnarDecisions(np.zeros(0, dtype=np.int64), ())
    today = chosen.today
    found: list[tuple[Any, list[Decision | EnforcementRulesError]]] = []
    size = max(1, chunk_size)
    with collector.paused():
        for start in range(0, count, size):
            part = frame.iloc[start : start + size]
            if chosen.tables:
                found.append(_decide_keyed(chosen, part, start, today))
            else:  # nothing is kept: every row by the row path
                rows = np.arange(len(part))
                decided = _by_rows(chosen, part, rows, start, today)
                found.append((rows, decided))
    return _numbered(count, found)


def _decide_keyed(
    decider: Decider, part: Any, start: int, today: dt.date
) -> tuple[Any, list[Decision | EnforcementRulesError]]:
    """One slice of rows (the first is row `start` of the frame): per row, the number of its
    result in the returned list. Rows of a key the memo holds get its decision; each new key
    is decided once by the row path on its first row; rows in doubt, and the rows of a key
    whose first row was refused, are decided one by one (so each error names its own row)."""
    state = decider.companion(_FrameState)
    keys = state.key(part, today.toordinal())
    memo = state.memo
    decisions: list[Decision | EnforcementRulesError | None] = list(memo.get_many(keys.keys))
    new = _missing(decisions)
    if new:
        rows = keys.first[new]
        for group, result in zip(new, _by_rows(decider, part, rows, start, today), strict=True):
            if isinstance(result, Decision):
                decisions[group] = result
                with state.lock:
                    memo.put(keys.keys[group], result)
    alone = keys.groups < 0
    refused = _missing(decisions) if new else []
    if refused:
        alone |= np.isin(keys.groups, refused)
    ids = keys.groups.copy()
    results: list[Decision | EnforcementRulesError] = decisions  # type: ignore[assignment]
    if alone.any():
        rows = np.flatnonzero(alone)
        ids[rows] = np.arange(len(results), len(results) + len(rows))
        results = [*results, *_by_rows(decider, part, rows, start, today)]
    return ids, results


def _missing(found: list[Any]) -> list[int]:
    """The positions of None in `found` (one pass in C: a Decision's `==` is Python's)."""
    identity = np.fromiter(map(id, found), dtype=np.int64, count=len(found))
    positions: list[int] = np.flatnonzero(identity == id(None)).tolist()
    return positions


def _by_rows(
    decider: Decider, part: Any, rows: Any, start: int, today: dt.date
) -> list[Decision | EnforcementRulesError]:
    """The row path: the rows as fact dicts, decided as `decide_many` decides them (errors
    collected, naming each row's position in the whole frame)."""
    facts = _facts(part, rows)
    positions = (rows + start).tolist()
    shared, _ = decider._decide_chunk(facts, positions, collect=True, today=today)
    return shared


def _numbered(
    count: int, found: list[tuple[Any, list[Decision | EnforcementRulesError]]]
) -> ColumnarDecisions:
    """The slices' results as one frame's: each distinct decision (or error) numbered once, in
    the order the slices list them (a slice's keys by their first row, then the rows decided
    one by one)."""
    # All slices' results in one list, numbered at once in C: every object is alive in it, so
    # its `id` is its identity. None (a key whose first row was refused: its rows went alone,
    # so no row points at it) takes no number.
    results = [result for _, part in found for result in part]
    identity = np.fromiter(map(id, results), dtype=np.int64, count=len(results))
    stated = np.flatnonzero(identity != id(None))
    codes = np.full(len(results), -1, dtype=np.int64)
    numbered, _ = pd.factorize(identity[stated])  # one per object, in order of first place
    codes[stated] = numbered
    first = first_places(numbered)
    decisions = [results[index] for index in stated[first].tolist()]
    ids = np.empty(count, dtype=np.int64)
    position = offset = 0
    for local, part in found:
        ids[position : position + len(local)] = codes[offset + local]
        position += len(local)
        offset += len(part)
    return ColumnarDecisions(ids, tuple(decisions))


def _facts(part: Any, rows: Any) -> list[Facts]:
    """Rows of a frame as fact dicts: each column's cells as Python values (`_column`), a null
    cell's field left out (every row has every column, so null means not stated)."""
    chosen = part.iloc[rows]
    columns = [name for name in chosen.columns if name != "ref"]
    prepared = [_column(name, chosen[name]) for name in columns]
    facts = [dict(zip(columns, values, strict=True)) for values in zip(*prepared, strict=True)]
    for name, values in zip(columns, prepared, strict=True):
        nulls = chosen[name].isna().to_numpy()
        if bool(nulls.any()):
            for row in np.flatnonzero(nulls).tolist():
                if _null(values[row]):
                    del facts[row][name]
    return cast("list[Facts]", facts)  # dicts, which `del` above needs to know


class _FrameState:
    """A decider's frame keys and its memo of their decisions (`Decider.companion`)."""

    def __init__(self, decider: Decider):
        self.key = FrameKey(decider._fast)
        # The table's budget: the memo holds the decisions of as many keys as the table does.
        self.memo: BoundedCache[Decision] = BoundedCache(decider._table.max_bytes, DECISION_BYTES)
        self.lock = decider._cache_lock


def _column(name: str, values: Any) -> list[Any]:
    """A column as Python fact values: timestamps at midnight as dates, arrays as lists, and
    the whole numbers of a count column (floats where pandas put nulls in it) as ints."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return [_day(value) for value in values.tolist()]
    found: list[Any] = values.tolist()
    if values.dtype == object:  # only an object column holds arrays (Arrow's lists)
        found = [value.tolist() if isinstance(value, np.ndarray) else value for value in found]
    if FIELDS.get(name, ("",))[0] == "count":
        found = [int(v) if isinstance(v, float) and v.is_integer() else v for v in found]
    return found


def _day(value: Any) -> Any:
    if _null(value):
        return None
    if value == value.normalize():  # a pandas Timestamp at midnight
        return dt.date(value.year, value.month, value.day)
    return value.to_pydatetime()  # a date-time: refused by the facts' validation, as in JSON


def _null(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
