"""The final-decision table's keys for every row of a DataFrame at once (the columnar path).

`FastKey` reads one raw fact dict. Here the same distinctions are drawn for a whole frame with
numpy, so a warm frame is decided without a Python step per row:

- each column's distinct cells are found once (pandas' `factorize`; in object columns holding
  cells of more than one type, cells of different types are kept apart, so `1` is never
  `true` nor a text subclass plain text),
  and each distinct cell is read as `FastKey` reads it: a code, flag or kind by its exact value
  and type, an amount or count by what the class key keeps of it (and the exact income), a date
  by its day;
- the dates' positions among the class key's thresholds, the full years between occurrence and
  discovery, the law-version change between occurrence and decision and the benchmark band are
  computed for all rows at once, from the same thresholds (`FastKey.reductions`).

A row's key is the tuple of these codes (as bytes). Each cell's code is numbered once per
decider and never reused, so one key always means one `FastKey` key (and the same exact
incomes): rows with one key get one decision. A row `FastKey` would be in doubt of (a field it
does not know, a bad date or amount, dates out of order or after the decision day) gets no key
and takes the row path, which says what is wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..rulebook.model import WINDOW_FIELD
from .partition import Reduction
from .table import DATES, NUMBERS, ORDINAL_OF_EPOCH, YEARS, FastKey, day_of

try:
    from . import arrow_days
except ImportError:  # pragma: no cover - without pyarrow, pandas holds no column in Arrow
    arrow_days = None  # type: ignore[assignment]

#: A cell's code where the field is not stated (a null cell, or no such column).
ABSENT = -1
#: A cell's code where `FastKey` is in doubt: the row takes the row path.
DOUBT = -2
_CELLS_KEPT = 500_000  # cell codes remembered (then forgotten at once; numbers never reused)


@attrs.frozen
class FrameKeys:
    """Rows grouped by key: `groups[row]` is the row's group (-1: in doubt, no key), and per
    group its key (`keys`) and its first row (`first`)."""

    groups: Any  # numpy int64, one per row
    keys: list[bytes]
    first: Any  # numpy int64, one per group


class FrameKey:
    """Keys of a decider's frames: one per decider (`Decider.companion`), whose cell numbers
    live as long as the memo of decisions they key (numbers are never reused, so a number
    forgotten and a new one given to the same cell only make a key miss)."""

    def __init__(self, fast: FastKey):
        self._fast = fast
        self._layout = (*fast.static, "circumstances", *NUMBERS)
        self._column_of = {name: number for number, name in enumerate(self._layout)}
        self._cells: dict[Hashable, int] = {}
        self._numbers = itertools.count()
        self._days: dict[Any, int] = {}  # a date cell → its day
        self._read: dict[Hashable, int] = {}  # (field, type, cell) → its code
        self._bounds = np.asarray(fast.version_bounds, dtype=np.int64)
        self._bands = np.asarray(fast.band_cuts, dtype=np.int64)
        self._unread = np.asarray(fast.unread_cuts, dtype=np.int64)
        self._reduce = {name: _reducer(how) for name, how in fast.reductions.items()}

    def __call__(self, frame: pd.DataFrame, today: int) -> FrameKeys:
        """The keys of `frame`'s rows (its `ref` column aside) for decision day `today`."""
        count = len(frame)
        doubt = np.zeros(count, dtype=bool)
        stated: dict[int, Any] = {}  # layout column → each row's code (absent columns: none)
        days = {name: np.full(count, ABSENT, dtype=np.int64) for name in DATES}
        for name in frame.columns:
            if name == "ref":
                continue
            column = frame[name]
            if name in days:
                days[name] = self._day_codes(column)
                continue
            if name == "circumstances":
                codes = self._circumstance_codes(column)
            elif name in self._column_of:
                read = self._figure_of(name) if name in NUMBERS else _exact
                codes = self._codes(name, column, read)
            else:  # a field FastKey does not know: the rows that state it are in doubt
                doubt |= column.notna().to_numpy()
                continue
            doubt |= codes == DOUBT
            stated[self._column_of[name]] = codes
        dated = self._date_codes(days, today, doubt)
        keyed = None if not doubt.any() else np.flatnonzero(~doubt)
        groups = np.full(count, -1, dtype=np.int64)
        if keyed is not None and not len(keyed):
            return FrameKeys(groups, [], np.zeros(0, dtype=np.int64))
        columns = [*stated.values(), *dated]
        found, first = _group([c if keyed is None else c[keyed] for c in columns])
        if keyed is None:
            groups = found
        else:
            groups[keyed] = found
            first = keyed[first]
        rows = np.full((len(first), len(self._layout) + len(dated)), ABSENT, dtype=np.int64)
        for number, codes in stated.items():
            rows[:, number] = codes[first]
        for number, codes in enumerate(dated, start=len(self._layout)):
            rows[:, number] = codes[first]
        rows = _narrowest(rows)
        width = rows.shape[1] * rows.itemsize
        keys: list[bytes] = rows.view(np.dtype((np.void, width))).ravel().tolist()
        return FrameKeys(groups, keys, first)

    def _number(self, cell: Hashable) -> int:
        number = self._cells.get(cell)
        if number is None:
            if len(self._cells) >= _CELLS_KEPT:
                self._cells.clear()  # old keys just stop matching
            number = self._cells[cell] = next(self._numbers)
        return number

    def _codes(self, name: str, column: pd.Series, read: Callable[[Any], Hashable]) -> Any:
        """Each row's code for its cell: the number of what `read` keeps of the cell (DOUBT
        where `read` gives None), ABSENT for a null cell."""
        try:
            codes, cells = _distinct(name, column)
        except TypeError:  # unhashable cells (lists where a code belongs): the row path
            return np.where(column.notna().to_numpy(), DOUBT, ABSENT)
        memo = self._read
        numbers = np.empty(len(cells) + 1, dtype=np.int64)
        numbers[-1] = ABSENT  # codes of -1 (null cells) index the last slot
        for index, cell in enumerate(cells):
            exact = (name, type(cell), cell)
            number = memo.get(exact)
            if number is None:
                if len(memo) >= _CELLS_KEPT:
                    memo.clear()
                kept = read(cell)
                number = memo[exact] = DOUBT if kept is None else self._number((name, kept))
            numbers[index] = number
        return numbers[codes]

    def _figure_of(self, name: str) -> Callable[[Any], Hashable]:
        figure = self._fast.figure
        return lambda cell: figure(name, cell)

    def _day_codes(self, column: pd.Series) -> Any:
        """Each row's day ordinal (ABSENT: null; DOUBT: not a date `FastKey` reads)."""
        texts = None if arrow_days is None else arrow_days.arrow_texts(column)
        if texts is not None:
            return arrow_days.day_codes(texts, ABSENT, DOUBT)
        try:
            codes, cells = _distinct(str(column.name), column)
        except TypeError:
            return np.where(column.notna().to_numpy(), DOUBT, ABSENT)
        memo = self._days
        try:
            found = list(map(memo.get, cells))
        except TypeError:  # an unhashable cell: read them one by one
            found = [None] * len(cells)
        if None in found:  # cells not met before
            for index, day in enumerate(found):
                if day is None:
                    day = found[index] = day_of(cells[index])
                    if day is not None:
                        if len(memo) >= _CELLS_KEPT:
                            memo.clear()
                        memo[cells[index]] = day
            found = [DOUBT if day is None else day for day in found]
        return np.array([*found, ABSENT], dtype=np.int64)[codes]

    def _circumstance_codes(self, column: pd.Series) -> Any:
        """Lists of codes: each distinct list numbered once. The common case, where every
        stated cell is a list of texts, is checked for the whole column at once (the types of
        all cells, then of all their codes); otherwise each cell is read alone."""
        codes = np.full(len(column), ABSENT, dtype=np.int64)
        stated = np.flatnonzero(column.notna().to_numpy())
        cells = [
            cell.tolist() if isinstance(cell, np.ndarray) else cell
            for cell in column.to_numpy()[stated].tolist()
        ]
        if set(map(type, cells)) <= {list} and set(
            map(type, itertools.chain.from_iterable(cells))
        ) <= {str}:
            lists = list(map(tuple, cells))
            number = {listed: self._number(("circumstances", listed)) for listed in set(lists)}
            codes[stated] = np.fromiter(map(number.__getitem__, lists), np.int64, len(lists))
        else:
            codes[stated] = [self._circumstances(cell) for cell in cells]
        return codes

    def _circumstances(self, cell: Any) -> int:
        """One cell's code: a list of texts by its codes, anything else DOUBT."""
        if type(cell) is not list or any(type(code) is not str for code in cell):
            return DOUBT
        return self._number(("circumstances", tuple(cell)))

    def _date_codes(self, days: dict[str, Any], today: int, doubt: Any) -> list[Any]:
        """The dates' part of each row's key, as `FastKey._date_key` makes it; rows it would be
        in doubt of are marked in `doubt`."""
        occurred, discovered, decided = (days[name] for name in DATES)
        doubt |= (occurred < 0) | (discovered == DOUBT) | (decided == DOUBT)
        discovered = np.where(discovered == ABSENT, occurred, discovered)
        stated = decided != ABSENT
        decided = np.where(stated, decided, discovered)
        doubt |= (occurred > discovered) | (discovered > decided)
        doubt |= ~stated & (decided > today)
        # Rows in doubt may hold codes, not days: give them a harmless day for the arithmetic.
        occurred, discovered, decided = (
            np.where(doubt, ORDINAL_OF_EPOCH, day) for day in (occurred, discovered, decided)
        )
        if self._fast.reductions[YEARS][0] == "ignored":
            years = np.zeros(len(occurred), dtype=np.int64)
        else:
            years = full_years_between(occurred, discovered)
        bounds, unread, bands = self._bounds, self._unread, self._bands
        window = self._reduce[WINDOW_FIELD]
        reduce_occurred, reduce_decided = self._reduce["occurred_on"], self._reduce["decided_on"]

        def of_occurrence(day: Any) -> Any:
            version = np.searchsorted(bounds, day, "right")
            position = np.searchsorted(unread, day, "right")
            return np.stack([version, reduce_occurred(day), window(day), position])

        def of_decision(day: Any) -> Any:
            version = np.searchsorted(bounds, day, "right")
            position = np.searchsorted(unread, day, "right")
            band = np.searchsorted(bands, day, "right") if len(bands) else np.zeros_like(day)
            return np.stack([version, reduce_decided(day), window(day), position, band])

        version_then, occurred_part, window_then, unread_then = per_day(of_occurrence, occurred)
        version_now, decided_part, window_now, unread_now, band = per_day(of_decision, decided)
        changed = version_then != version_now
        parts = [
            occurred_part,
            per_day(self._reduce["discovered_on"], discovered),
            decided_part,
            self._reduce[YEARS](years),
            window_then,
            np.where(changed, window_now, ABSENT),
            band,
            unread_then,
            np.where(changed, unread_now, ABSENT),
        ]
        return [np.asarray(part, dtype=np.int64) for part in parts]


def _narrowest(rows: Any) -> Any:
    """The rows in the narrowest integer type that holds all their codes: shorter keys hash
    and compare faster (16-bit keys are a third quicker to look up than 32-bit ones). A key's
    length tells its width (every key of a decider has as many codes), so keys of different
    widths never meet: one class may be memoised under two widths, never two under one."""
    if len(rows):
        low, high = int(rows.min()), int(rows.max())
        for narrow in (np.int16, np.int32):
            limits = np.iinfo(narrow)
            if limits.min <= low and high <= limits.max:
                return rows.astype(narrow)
    return rows


def _exact(cell: Any) -> Hashable:
    """A code, flag, kind or tier fact: kept as it is, with its exact type."""
    return (type(cell), cell)


def _reducer(how: Reduction) -> Callable[[Any], Any]:
    """`KeyFunction`'s reduction of a field, over an array of whole numbers: the value itself,
    its position among the thresholds (numbered `2 × index + exact`, as `_position` tells
    them apart), or nothing."""
    kind, thresholds = how
    if kind == "same":
        return lambda values: values
    if kind == "ignored":
        return lambda values: np.zeros(len(values), dtype=np.int64)
    whole = all(float(cut).is_integer() and abs(cut) < 2**53 for cut in thresholds)
    cuts = np.asarray(thresholds, dtype=np.int64 if whole else np.float64)

    def positions(values: Any) -> Any:
        points = values if whole else values.astype(np.float64)  # days and years: whole
        index = np.searchsorted(cuts, points, "left")
        exact = np.zeros(len(points), dtype=bool)
        inside = index < len(cuts)
        exact[inside] = cuts[index[inside]] == points[inside]
        return index * 2 + exact

    return positions


def full_years_between(start: Any, end: Any) -> Any:
    """`normalise.full_years_before` over arrays of day ordinals: whole years from each start
    that end before its end (an anniversary on 29 February falls on 1 March in a common
    year)."""
    first_year, first_month, first_day = _calendar(start)
    last_year, last_month, last_day = _calendar(end)
    leap = (last_year % 4 == 0) & ((last_year % 100 != 0) | (last_year % 400 == 0))
    moved = (first_month == 2) & (first_day == 29) & ~leap
    month = np.where(moved, 3, first_month)
    day = np.where(moved, 1, first_day)
    years = last_year - first_year
    not_yet = (month > last_month) | ((month == last_month) & (day >= last_day))
    years = np.where((years > 0) & not_yet, years - 1, years)
    return np.maximum(years, 0)


def per_day(function: Callable[[Any], Any], days: Any) -> Any:
    """`function` of an array of day ordinals (elementwise, along its last axis). Where the
    days span fewer days than there are rows (a frame's dates over some years, and many rows),
    it is computed once for each day of the span and the rows look theirs up: the date
    arithmetic and searches are most of the frame key's time."""
    if len(days):
        low = int(days.min())
        span = int(days.max()) - low + 1
        if span < len(days):
            table = function(np.arange(low, low + span, dtype=np.int64))
            return np.take(table, days - low, axis=-1)  # 4× faster than `table[..., days - low]`
    return function(days)


def _calendar(ordinals: Any) -> tuple[Any, Any, Any]:
    """(year, month, day) of each day ordinal."""

    def split(days: Any) -> Any:
        return np.stack(_parts((days - ORDINAL_OF_EPOCH).astype("datetime64[D]")))

    year, month, day = per_day(split, ordinals)
    return year, month, day


def _parts(days: Any) -> tuple[Any, Any, Any]:
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _distinct(name: str, column: pd.Series) -> tuple[Any, list[Any]]:
    """Each row's code among the column's distinct cells (-1: a null cell) and those cells as
    Python values, as the row path reads them (`columnar._column`). Cells `factorize` takes for
    one but the row path tells apart are kept apart: in an object column of more than one type,
    cells equal across types (`1`, `1.0`, `true`); in a float column, -0.0 and 0.0."""
    from .columnar import _column

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    apart = None
    if column.dtype == object:
        values = column.to_numpy()
        if len(set(map(type, values))) > 1:
            apart = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
            apart = apart[0]
    elif column.dtype.kind == "f":
        values = column.to_numpy()
        negative_zero = (values == 0) & np.signbit(values)
        if negative_zero.any():
            apart = negative_zero.astype(np.int64)
    if apart is None:
        return np.asarray(codes, dtype=np.int64), _column(name, pd.Series(uniques))
    split = np.where(codes >= 0, codes * (int(apart.max()) + 1) + apart, -1)
    stated = split >= 0
    codes = np.full(len(column), -1, dtype=np.int64)
    codes[stated] = pd.factorize(split[stated])[0]
    first = first_places(codes[stated])
    return codes, _column(name, column.iloc[np.flatnonzero(stated)[first]])


def _group(columns: list[Any]) -> tuple[Any, Any]:
    """Rows of equal codes in every column numbered together, in order of first appearance;
    and each group's first row. Columns are folded into one number at a time (factorized
    whenever the next column would overflow it)."""
    group = np.zeros(len(columns[0]), dtype=np.int64)
    size = 1
    for column in columns:
        low = int(column.min())
        span = int(column.max()) - low + 1
        if span == 1:
            continue
        if size * span >= 2**62:
            group, uniques = pd.factorize(group)
            size = len(uniques)
        group = group * span + (column - low)
        size *= span
    found, uniques = pd.factorize(group)
    return np.asarray(found, dtype=np.int64), first_places(found)


def first_places(codes: Any) -> Any:
    """Where each code is met first, for codes numbered in order of first appearance (as
    `factorize` numbers them): there the running maximum grows. One pass, no sort (`np.unique`
    with `return_index` sorts, and was a tenth of a frame key's time)."""
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
