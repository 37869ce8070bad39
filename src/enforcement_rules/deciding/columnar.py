"""Decide a table of facts at once: a pandas DataFrame or a pyarrow Table, one row per finding.

Needs the `columnar` extra (pandas; pyarrow for Arrow tables). Columns are fact fields (JSON
names, VOCABULARY.md); a null cell (None, NaN, NaT) means the field is not stated, since every
row has every column; a date column may hold `YYYY-MM-DD` strings, dates or timestamps at
midnight; `circumstances` holds lists of codes. The columns are read into Python values once
each (nulls found per column, vectorised), the rows decided in chunks through the
final-decision table (`table`), and each row gets the number of its decision among the
distinct ones. The result keeps each distinct decision once (without `ref`: the caller's ids
are in its own column) and can be laid out as a DataFrame of decision columns (one take).
"""

from __future__ import annotations

import datetime as dt
import math
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
    prepared = [_column(name, frame[name]) for name in columns]
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*prepared, strict=True)]
    for name, values, nulls in zip(
        columns, prepared, (frame[n].isna() for n in columns), strict=True
    ):
        if bool(nulls.any()):  # a null cell: the field is not stated in that row
            for row in np.flatnonzero(nulls.to_numpy()).tolist():
                if _null(values[row]):
                    del rows[row][name]
    numbers: dict[int, int] = {}
    decisions: list[Decision | EnforcementRulesError] = []
    ids = np.empty(count, dtype=np.int64)
    position = 0
    for shared, _ in chosen.decide_chunks(rows, chunk_size=chunk_size):
        for found in shared:
            number = numbers.get(id(found))
            if number is None:
                number = numbers[id(found)] = len(decisions)
                decisions.append(found)
            ids[position] = number
            position += 1
    return ColumnarDecisions(ids, tuple(decisions))


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


def _null(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
