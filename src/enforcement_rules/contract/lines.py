"""JSON Lines in: one item per input line, every defect of a line a typed error in its place.

Batch commands (`decide`, `case record`, `plan report`) read their input through here, so that a
bad line never costs the lines after it and line numbers stay true:
- lines are split on `\\n` only (U+2028 and friends inside JSON strings are text, not breaks);
- each line is decoded on its own: bytes that are not UTF-8 spoil that line only; a byte-order
  mark before the first line is dropped;
- JSON is read strictly: a key given twice, `NaN` / `Infinity`, a number longer than
  `MAX_NUMBER_LENGTH` characters, nesting deeper than `MAX_DEPTH` and lone surrogates in strings
  are errors that say so (each would otherwise be accepted silently or crash a later step);
- a blank line is a `BlankLine` error in its place: `decide` answers it (one output line per
  input line), record files skip it;
- an input whose first line starts a JSON object that continues on later lines is read as one
  pretty-printed object, as people paste them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from .errors import FactError, excerpt

WHOLE = "<input>"
MAX_NUMBER_LENGTH = 40
MAX_DEPTH = 32
MAX_LINE_BYTES = 1024 * 1024
Item = tuple[int, Any]  # (1-based line number, the parsed value or the `FactError` for the line)


def read_items(lines: Iterable[bytes]) -> Iterator[Item]:
    """(line number, value or `FactError`) for every line of a JSON Lines input, in order.

    `lines` are raw lines as a binary file yields them (split on `\\n`). A final line without
    its `\\n` counts; an empty last segment after the final `\\n` does not.
    """
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    first = first.removeprefix(b"\xef\xbb\xbf")
    head = parse_line(first)
    if isinstance(head, FactError) and first.lstrip().startswith(b"{"):
        rest = list(iterator)  # maybe one object over several lines: needs all of it
        whole = parse_line(b"".join([first, *rest]), field=WHOLE)
        if not isinstance(whole, FactError) and isinstance(whole, dict):
            yield 1, whole
            return
        yield 1, head
        yield from ((number, parse_line(line)) for number, line in enumerate(rest, start=2))
        return
    yield 1, head
    yield from ((number, parse_line(line)) for number, line in enumerate(iterator, start=2))


def open_lines(source: str | os.PathLike[str]) -> Iterator[bytes]:
    """The raw lines of a file, or of standard input for `-`, read as they come (bytes: each
    line is decoded on its own by `read_items`). `OSError` now if the file cannot be opened."""
    if os.fspath(source) == "-":
        return iter(sys.stdin.buffer)
    file = open(source, "rb")  # noqa: SIM115 (closed by the generator when it ends)
    return _closing(file)


def _closing(file: BinaryIO) -> Iterator[bytes]:
    with file:
        yield from file


#: Characters JSON may leave raw that many line readers (Python's `splitlines`, JavaScript) take
#: for line breaks: written escaped, so one output line stays one line for every reader.
_LINE_BREAKING = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(data: Any) -> str:
    """One JSON Lines line (without its `\\n`): Chinese kept readable, no character in it that
    some reader would take for a line break."""
    text = json.dumps(data, ensure_ascii=False)
    if "\u0085" in text or "\u2028" in text or "\u2029" in text:  # rare: scan before mapping
        return text.translate(_LINE_BREAKING)
    return text


def split_lines(data: bytes) -> list[bytes]:
    """Lines of a whole input held in memory, split on `\\n` only (as `read_items` wants)."""
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    return [part + b"\n" for part in parts]


def parse_line(raw: bytes, field: str = "<line>", *, max_bytes: int = MAX_LINE_BYTES) -> Any:
    """One line's JSON value, or the `FactError` that says what is wrong with it (a request
    body is read the same way, with its own `max_bytes`)."""
    if len(raw) > max_bytes:
        return FactError(field, f"the line is longer than {max_bytes // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return FactError(field, f"not UTF-8 text (byte {error.start + 1} of the line)")
    if not text.strip():
        return BlankLine(field, "a blank line holds no facts")
    try:
        value = _DECODER.decode(text)
    except _Invalid as error:
        return FactError(error.field, error.problem)
    except json.JSONDecodeError as error:
        return FactError(field, f"not valid JSON: {error.msg} at column {error.colno}")
    except RecursionError:
        return FactError(field, f"not valid facts: nested more than {MAX_DEPTH} levels deep")
    # A lone surrogate can only come from a \u escape (the text is valid UTF-8), and nesting
    # is at most the number of brackets: most lines need no walk of their value.
    if "\\u" not in text and text.count("{") + text.count("[") <= MAX_DEPTH:
        return value
    problem = _check(value, MAX_DEPTH)
    return FactError(field, problem) if problem else value


class BlankLine(FactError):
    """A line with nothing on it: `decide` answers it in place; record files skip it."""


class _Invalid(ValueError):
    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(problem)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    result = {}
    for key, value in pairs:
        if key in result:
            raise _Invalid(key if key.isprintable() else excerpt(key), "the key is given twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Invalid("<line>", f"{name} is not a JSON number")


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Invalid("<line>", f"a number of {len(text):,} digits is not a reasonable value")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Invalid("<line>", f"a number of {len(text):,} characters is not a reasonable value")
    return float(text)


def _check(value: Any, depth: int, path: str = "") -> str | None:
    """A lone surrogate or nesting past the limit, anywhere in the value (None: all fine)."""
    if depth < 0:
        return f"not valid facts: nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, str):
        return _surrogate(value, path)
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            problem = _surrogate(key, where) or _check(item, depth - 1, where)
            if problem:
                return problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problem = _check(item, depth - 1, f"{path}[{index}]")
            if problem:
                return problem
    return None


#: One decoder for every line (`json.loads` with hooks would build one per call).
_DECODER = json.JSONDecoder(
    object_pairs_hook=_object,
    parse_constant=_no_constant,
    parse_int=_integer,
    parse_float=_float,
)


def _surrogate(text: str, path: str) -> str | None:
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        escaped = text[error.start].encode("unicode_escape").decode()
        where = f" in {excerpt(path)}" if path else ""
        return f"a lone surrogate ({escaped}) is not text{where}"
    return None
