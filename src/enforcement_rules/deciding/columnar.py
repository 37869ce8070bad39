"""Decide a table of facts at once: a pandas DataFrame or a pyarrow Table, one row per finding.

Needs the `columnar` extra (pandas; pyarrow for Arrow tables). Columns are fact fields (JSON
names, VOCABULARY.md); a null cell (None, NaN, NaT) means the field is not stated, since every
row has every column; a date column may hold `YYYY-MM-DD` strings, dates or timestamps at
midnight; `circumstances` holds lists of codes. Identical rows (the `ref` aside) are found with
pandas' hashing and decided once, through the final-decision table (`table`); each row then
gets the number of its decision among the distinct ones, by one vectorised take. The result
keeps each distinct decision once (without `ref`: the caller's ids are in its own column) and
can be laid out as a DataFrame of decision columns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable
from typing import Any

import attrs

from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError
from ..rulebook.conditions import FIELDS
from .decider import Decider, decider_for

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
        the error object of a row that was refused, else None)."""
        records = [
            {"error": None, **found.to_dict()}
            if isinstance(found, Decision)
            else {"error": found.to_dict()}
            for found in self.decisions
        ]
        distinct = pd.DataFrame.from_records(records)
        return distinct.take(self.ids).reset_index(drop=True)


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
    columns = [name for name in frame.columns if name != "ref"]
    prepared = {name: _column(name, frame[name]) for name in columns}
    keyed = pd.DataFrame({name: list(map(_hashable, values)) for name, values in prepared.items()})
    codes = (
        keyed.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
        if columns
        else (np.zeros(count, dtype=np.int64))
    )
    groups, first = np.unique(codes, return_index=True)
    rows = [
        {name: value for name in columns if not _null(value := prepared[name][row])}
        for row in first.tolist()
    ]
    numbers: dict[int, int] = {}
    decisions: list[Decision | EnforcementRulesError] = []
    per_group: list[int] = []
    for shared, _ in chosen.decide_chunks(rows, chunk_size=chunk_size):
        for found in shared:
            number = numbers.get(id(found))
            if number is None:
                number = numbers[id(found)] = len(decisions)
                decisions.append(found)
            per_group.append(number)
    lookup = np.zeros(int(groups.max()) + 1, dtype=np.int64)
    lookup[groups] = per_group
    return ColumnarDecisions(lookup[codes], tuple(decisions))


def _column(name: str, values: Any) -> list[Any]:
    """A column as Python fact values: timestamps at midnight as dates, arrays as lists, and
    the whole numbers of a count column (floats where pandas put nulls in it) as ints."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return [_day(value) for value in values.tolist()]
    found = [
        value.tolist() if isinstance(value, np.ndarray) else value for value in values.tolist()
    ]
    if FIELDS.get(name, ("",))[0] == "count":
        found = [int(v) if isinstance(v, float) and v.is_integer() else v for v in found]
    return found


def _day(value: Any) -> Any:
    if _null(value):
        return None
    if value == value.normalize():  # a pandas Timestamp at midnight
        return dt.date(value.year, value.month, value.day)
    return value.to_pydatetime()  # a date-time: refused by the facts' validation, as in JSON


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list):
        return ("<list>", *map(_hashable, value))
    if isinstance(value, bool | int | float | str | type(None) | dt.date):
        return (type(value).__name__, value)  # 1 and True are different cells
    return ("<other>", repr(value))


def _null(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
