"""A date column held in Arrow is read as `day_of` reads each of its texts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")
from enforcement_rules.deciding.arrow_days import _days, arrow_texts, day_codes  # noqa: E402
from enforcement_rules.deciding.frame_key import ABSENT, DOUBT  # noqa: E402
from enforcement_rules.deciding.table import day_of  # noqa: E402

#: Texts near the pattern: real days, impossible days (30 February, month 13, year 0), other
#: separators and widths, non-ASCII digits and characters wider than a byte.
TEXTS = (
    st.dates().map(lambda day: day.isoformat())
    | st.text(alphabet="0123456789-", min_size=9, max_size=11)
    | st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)
    | st.sampled_from(
        [
            "0000-01-01",
            "0001-01-01",
            "9999-12-31",
            "2023-02-29",
            "2024-02-29",
            "1900-02-29",
            "2000-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-1-01",
            "2024/01/01",
            "20240101",
            " 2024-01-01",
            "2024-01-01\n",
            "２０２４-01-01",
            "2024-01-0١",
            "2024–01-01",
            "",
        ]
    )
    | st.text(max_size=12)
)


def _expected(cells: list[str | None]) -> list[int]:
    found = []
    for cell in cells:
        day = None if cell is None else day_of(cell)
        found.append(ABSENT if cell is None else DOUBT if day is None else day)
    return found


@pytest.mark.parametrize(
    "dtype",
    [
        pd.StringDtype("pyarrow"),
        pd.ArrowDtype(pa.string()),
        pd.ArrowDtype(pa.large_string()),
    ],
    ids=["str", "arrow-string", "arrow-large-string"],
)
@given(cells=st.lists(TEXTS | st.none(), max_size=40), skip=st.integers(0, 3))
def test_each_text_is_read_as_day_of_reads_it(
    dtype: Any, cells: list[str | None], skip: int
) -> None:
    """Whatever the Arrow type, and in a slice of the column (its texts start further in)."""
    column = pd.Series(cells, dtype=dtype).iloc[skip:]
    texts = arrow_texts(column)
    assert texts is not None
    assert day_codes(texts, ABSENT, DOUBT).tolist() == _expected(cells[skip:])


@given(
    st.lists(TEXTS, max_size=30),
    st.integers(0, 5),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_the_texts_of_an_arrow_slice_are_read_from_where_the_slice_starts(
    cells: list[str], skip: int, kind: Any
) -> None:
    """The distinct texts are read in place, from their buffers: a slice starts further in."""
    texts = pa.array(cells, type=kind).slice(skip)
    assert _days(texts, DOUBT).tolist() == _expected(cells[skip:])


@given(st.lists(TEXTS, min_size=1, max_size=10), st.lists(TEXTS, min_size=1, max_size=10))
def test_a_column_of_two_chunks_is_read_whole(first: list[str], second: list[str]) -> None:
    chunks = pa.chunked_array([pa.array(first, pa.string()), pa.array(second, pa.string())])
    column = pd.Series(pd.arrays.ArrowExtensionArray(chunks))
    texts = arrow_texts(column)
    assert day_codes(texts, ABSENT, DOUBT).tolist() == _expected([*first, *second])


def test_a_column_not_held_in_arrow_is_left_to_the_row_by_row_reading() -> None:
    assert arrow_texts(pd.Series(["2024-01-01"], dtype=object)) is None
    assert arrow_texts(pd.Series(["2024-01-01"], dtype=pd.StringDtype("python"))) is None
    assert arrow_texts(pd.Series([1], dtype=pd.ArrowDtype(pa.int64()))) is None


def test_a_column_of_nulls_and_empty_texts_names_no_day() -> None:
    texts = arrow_texts(pd.Series([None, "", None], dtype=pd.StringDtype("pyarrow")))
    assert day_codes(texts, ABSENT, DOUBT).tolist() == [ABSENT, DOUBT, ABSENT]
    texts = arrow_texts(pd.Series([None, None], dtype=pd.StringDtype("pyarrow")))
    assert day_codes(texts, ABSENT, DOUBT).tolist() == [ABSENT, ABSENT]
