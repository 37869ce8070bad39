"""Day ordinals of a column of date texts that pandas holds in Arrow, with no Python step a cell.

The frame key reads a date column by its distinct cells. Read one by one, each distinct text
becomes a Python string and a dictionary lookup, a third of a warm frame's date columns. Where
the column is Arrow text (pandas' `str` columns when pyarrow is installed, or an `ArrowDtype`
of strings), its distinct texts are found by Arrow's dictionary encoding and read all at once,
as `table.day_of` reads each one: written as the contract's `YYYY-MM-DD` and naming a real day
of the years 1 to 9999 (what Python's `date` holds); any other text is not a date the fast path
reads, and its row takes the row path, which says what is wrong with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .table import ORDINAL_OF_EPOCH


def arrow_texts(column: pd.Series) -> Any:
    """The column's cells as one Arrow text array, if pandas holds them in Arrow; else None."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        if dtype.storage != "pyarrow":
            return None
    elif not (
        isinstance(dtype, pd.ArrowDtype)
        and (
            pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    ):
        return None
    texts = pa.array(column.array)
    return texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts


def day_codes(texts: Any, absent: int, doubt: int) -> Any:
    """Each cell's day ordinal (numpy int64): `absent` for a null cell, `doubt` for a text that
    is not an ISO date of a real day."""
    encoded = pc.dictionary_encode(texts)
    days = np.append(_days(encoded.dictionary, doubt), absent)
    nulls_last = pc.fill_null(encoded.indices, len(encoded.dictionary))
    return days[nulls_last.to_numpy(zero_copy_only=False)]


def _days(texts: Any, doubt: int) -> Any:
    """The day ordinal of each text (none null), `doubt` where it names no day. The texts'
    bytes are read in place: a text of the contract's pattern is ten bytes, each an ASCII digit
    but the fifth and eighth, hyphens (a byte of a wider character is never one of those)."""
    found = np.full(len(texts), doubt, dtype=np.int64)
    offsets_type = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    _, offsets, data = texts.buffers()
    if data is None:  # no text has a byte
        return found
    # Where each text starts in `data`, and where the last ends.
    starts: Any = np.frombuffer(offsets, dtype=offsets_type)[texts.offset :][: len(texts) + 1]
    candidates = np.flatnonzero(np.diff(starts) == len(_HYPHENS))
    if not len(candidates):
        return found
    at = starts[candidates, None] + np.arange(len(_HYPHENS))
    written = np.frombuffer(data, dtype=np.uint8)[at].astype(np.int64)
    digits = written - ord("0")
    shaped = np.where(_HYPHENS, written == ord("-"), (digits >= 0) & (digits <= 9)).all(axis=1)
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 5] * 10 + digits[:, 6]
    day = digits[:, 8] * 10 + digits[:, 9]
    real = shaped & (year >= 1) & (month >= 1) & (month <= 12)
    months = np.where(real, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[D]").astype(np.int64) - first
    real &= (day >= 1) & (day <= length)
    found[candidates] = np.where(real, first + day - 1 + ORDINAL_OF_EPOCH, doubt)
    return found


#: Where `YYYY-MM-DD` has its hyphens (ISO_DATE_PATTERN, byte by byte).
_HYPHENS = np.array([False] * 4 + [True] + [False] * 2 + [True] + [False] * 2)
