"""The columnar path's row keys draw the distinctions `FastKey` draws, for whole frames at once."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from drawn import RULES, batches, over_batches
from hypothesis import given
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.deciding.normalise import full_years_before

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
from enforcement_rules.deciding.columnar import _facts  # noqa: E402
from enforcement_rules.deciding.frame_key import (  # noqa: E402
    FrameKey,
    _calendar,
    _narrowest,
    first_places,
    full_years_between,
    per_day,
)

TODAY = dt.date(2027, 6, 1)
DECIDER = er.Decider(RULES, today=lambda: TODAY)


def _assert_full_years_as_normalise_counts(pairs: list[tuple[dt.date, dt.date]]) -> None:
    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    starts = np.array([a.toordinal() for a, _ in pairs], dtype=np.int64)
    ends = np.array([b.toordinal() for _, b in pairs], dtype=np.int64)
    assert full_years_between(starts, ends).tolist() == [full_years_before(a, b) for a, b in pairs]


@given(st.lists(st.tuples(st.dates(), st.dates()), min_size=1, max_size=50))
def test_full_years_are_counted_as_normalise_counts_them(pairs: list[Any]) -> None:
    _assert_full_years_as_normalise_counts(pairs)


@given(
    st.dates(max_value=dt.date(9990, 1, 1)),
    st.integers(0, 6),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=45, max_size=90),
)
def test_full_years_are_counted_alike_when_many_rows_share_few_days(
    base: dt.date, years: int, offsets: list[tuple[int, int]]
) -> None:
    """Many rows over a few weeks of starts and of ends (some years later): the days are
    read from a calendar of the span, not row by row, and must count the same."""
    later = base + dt.timedelta(days=365 * years)
    pairs = [(base + dt.timedelta(days=a), later + dt.timedelta(days=b)) for a, b in offsets]
    _assert_full_years_as_normalise_counts(pairs)


@given(st.dates(max_value=dt.date(9990, 1, 1)), st.lists(st.integers(0, 60), max_size=90))
def test_each_day_is_read_as_its_date_row_by_row_or_from_a_calendar_of_the_span(
    base: dt.date, offsets: list[int]
) -> None:
    """Rows over a few weeks (the calendar of the span once there are more rows than days)
    and fewer rows than days (read one by one) give each day's year, month and day."""
    days = [base + dt.timedelta(days=offset) for offset in offsets]
    found = _calendar(np.array([day.toordinal() for day in days], dtype=np.int64))
    assert [list(map(int, parts)) for parts in zip(*found, strict=True)] == [
        [day.year, day.month, day.day] for day in days
    ]


@given(
    st.integers(1, 3_000_000),
    st.lists(st.integers(0, 80), max_size=120),
    st.lists(st.integers(-100, 100), max_size=6),
)
def test_a_function_of_days_is_the_same_computed_per_day_of_the_span(
    low: int, offsets: list[int], cuts: list[int]
) -> None:
    """`per_day` computes once per day of a narrow span and looks the rows up: the result
    must be the function's own, for a 1-D and a stacked function alike."""
    days = np.array([low + offset for offset in offsets], dtype=np.int64)
    bounds = np.array(sorted(low + cut for cut in cuts), dtype=np.int64)

    def positions(day: Any) -> Any:
        return np.searchsorted(bounds, day, "right")

    def stacked(day: Any) -> Any:
        return np.stack([positions(day), day % 7, day * 2])

    assert per_day(positions, days).tolist() == positions(days).tolist()
    assert per_day(stacked, days).tolist() == stacked(days).tolist()


def test_an_anniversary_on_29_february_falls_on_1_march_in_a_common_year() -> None:
    start = dt.date(2020, 2, 29)
    ends = [dt.date(2021, 2, 28), dt.date(2021, 3, 1), dt.date(2021, 3, 2), dt.date(2024, 2, 29)]
    found = full_years_between(
        np.array([start.toordinal()] * 4), np.array([e.toordinal() for e in ends])
    )
    assert found.tolist() == [0, 0, 1, 3]


@over_batches(80)
@given(batches())
def test_rows_of_one_key_have_one_fast_key_and_doubt_is_where_fast_key_doubts(
    batch: list[Any],
) -> None:
    rows = [fact for fact in batch if isinstance(fact, dict)]
    if rows:
        _assert_keys_agree(rows)


def _assert_keys_agree(rows: list[dict[str, Any]]) -> None:
    """The frame's keys are in doubt exactly where `FastKey` is, and rows of one frame key
    have one fast key (and one exact income)."""
    frame = pd.DataFrame.from_records(rows)
    keys = FrameKey(DECIDER._fast)(frame, TODAY.toordinal())
    facts = _facts(frame, np.arange(len(frame)))
    fast = [DECIDER._fast(fact, TODAY.toordinal()) for fact in facts]
    assert [group < 0 for group in keys.groups.tolist()] == [key is None for key in fast]
    seen: dict[int, Any] = {}
    for row, group in enumerate(keys.groups.tolist()):
        if group >= 0:
            exact = (fast[row], DECIDER._fast.income(facts[row]))
            assert seen.setdefault(group, exact) == exact
    assert len(set(keys.keys)) == len(keys.keys)  # one key per group


def test_keys_agree_on_many_rows_over_a_few_weeks_around_each_version_change() -> None:
    """More rows than days: the frame key computes its date parts once per day of the span
    (`per_day`), which small drawn frames never reach. Around every day some law's version
    changes, with and without a stated decision day, the keys must still agree."""
    generator = random.Random(15)
    kinds = sorted(RULES.kinds)
    checked = 0
    for bound in DECIDER._fast.version_bounds:
        if not dt.date(1990, 1, 1).toordinal() < bound < TODAY.toordinal() - 200:
            continue
        rows = []
        for _ in range(150):
            occurred = dt.date.fromordinal(bound + generator.randrange(-40, 40))
            discovered = occurred + dt.timedelta(days=generator.randrange(30))
            fact: dict[str, Any] = {
                "kind": generator.choice(kinds),
                "occurred_on": occurred.isoformat(),
                "discovered_on": discovered.isoformat(),
            }
            if generator.random() < 0.8:
                decided = discovered + dt.timedelta(days=generator.randrange(30))
                fact["decided_on"] = decided.isoformat()
            rows.append(fact)
        _assert_keys_agree(rows)
        checked += 1
    assert checked > 10


def test_a_key_is_the_same_in_another_frame_whatever_its_columns() -> None:
    fact = {"kind": "no_safety_staff", "occurred_on": "2024-05-01", "overdue": True}
    other = {"kind": "blocked_exits", "occurred_on": "2013-02-01", "deaths": 1}
    key = FrameKey(DECIDER._fast)
    alone = key(pd.DataFrame.from_records([fact]), TODAY.toordinal())
    mixed = key(pd.DataFrame.from_records([other, fact]), TODAY.toordinal())
    assert alone.keys[0] == mixed.keys[mixed.groups[1]]
    assert alone.keys[0] != mixed.keys[mixed.groups[0]]


@given(st.lists(st.integers(-3, 30), max_size=200))
def test_first_places_are_where_each_factorized_code_is_met_first(values: list[int]) -> None:
    codes, _ = pd.factorize(np.array(values, dtype=np.int64))
    assert first_places(codes).tolist() == np.unique(codes, return_index=True)[1].tolist()


class _Text(str):
    """A text subclass: its codes are not plain texts, as `FastKey` reads them."""


_CODES = er.Circumstance.codes()
_CELLS: list[Any] = [
    [],
    [_CODES[0]],
    [_CODES[0], _CODES[1]],
    [_CODES[1], _CODES[0]],
    [_CODES[0], _CODES[0]],
    [_Text(_CODES[0])],
    [_CODES[0], 1],
    _CODES[0],
    (_CODES[0],),
    np.array([_CODES[1]], dtype=object),
    None,
]


@given(st.lists(st.integers(0, len(_CELLS) - 1), min_size=1, max_size=40))
def test_circumstance_cells_are_read_as_fast_key_reads_them_whatever_the_column_holds(
    chosen: list[int],
) -> None:
    """A column of lists of plain texts is read at once; one odd cell (a text subclass, a
    number, a text, a tuple) sends the column cell by cell. Either way the keys agree with
    `FastKey`, and rows stating the same list of plain texts share a key."""
    rows = [
        {"kind": "no_safety_staff", "occurred_on": "2024-05-01", "circumstances": _CELLS[index]}
        for index in chosen
    ]
    _assert_keys_agree(rows)
    keys = FrameKey(DECIDER._fast)(pd.DataFrame.from_records(rows), TODAY.toordinal())
    groups: dict[tuple[str, ...], set[int]] = {}
    for index, group in zip(chosen, keys.groups.tolist(), strict=True):
        cell = _CELLS[index]
        if type(cell) is list and all(type(code) is str for code in cell):
            groups.setdefault(tuple(cell), set()).add(group)
    assert all(len(found) == 1 for found in groups.values())


@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=12), st.integers(1, 3))
def test_key_rows_are_kept_in_the_narrowest_type_that_holds_every_code(
    codes: list[int], width: int
) -> None:
    rows = np.array(codes * width, dtype=np.int64).reshape(width, -1)
    narrow = _narrowest(rows)
    assert narrow.tolist() == rows.tolist()
    fits = [t for t in (np.int16, np.int32, np.int64) if np.iinfo(t).min <= min(codes)]
    fits = [t for t in fits if max(codes) <= np.iinfo(t).max]
    assert narrow.dtype == fits[0]
