"""JSON Lines input: one item per line, every defect typed in place (issue 17)."""

from __future__ import annotations

import json

import pytest

from enforcement_rules.contract.errors import FactError
from enforcement_rules.contract.lines import BlankLine, read_items, split_lines

GOOD = {"kind": "blocked_exits", "occurred_on": "2025-09-09"}


def items(data: bytes) -> list[tuple[int, object]]:
    return list(read_items(split_lines(data)))


def problem(item: object) -> str:
    assert isinstance(item, FactError), item
    return item.problem


def test_u2028_inside_a_json_string_does_not_split_the_line() -> None:
    """Defect: `str.splitlines()` split on U+2028, shifting every later line number."""
    text = json.dumps({**GOOD, "kind": "x\u2028y"}, ensure_ascii=False) + "\n" + json.dumps(GOOD)
    found = items(text.encode())
    assert [number for number, _ in found] == [1, 2]
    assert found[1][1] == GOOD


def test_a_byte_order_mark_does_not_lose_the_first_fact() -> None:
    assert items(b"\xef\xbb\xbf" + json.dumps(GOOD).encode()) == [(1, GOOD)]


def test_bytes_that_are_not_utf8_spoil_only_their_line() -> None:
    found = items(b"\xff\xfe{}\n" + json.dumps(GOOD).encode())
    assert "not UTF-8" in problem(found[0][1]) and found[1] == (2, GOOD)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"kind": "a", "kind": "b"}', "the key is given twice"),
        ('{"x": ' + "9" * 5000 + "}", "5,000 digits"),
        ('{"x": ' + "[" * 5000 + "]" * 5000 + "}", "nested"),
        ('{"x": "\\ud800"}', "lone surrogate"),
        ('{"x": NaN}', "NaN is not a JSON number"),
        ('{"x": -Infinity}', "-Infinity is not a JSON number"),
        ("{not json", "not valid JSON"),
    ],
)
def test_each_malformed_line_is_a_typed_error_naming_the_problem(line: str, expected: str) -> None:
    (found,) = items(line.encode())
    assert expected in problem(found[1])


def test_a_duplicate_key_is_named() -> None:
    (found,) = items(b'{"kind": "a", "kind": "b"}')
    assert isinstance(found[1], FactError) and found[1].field == "kind"


def test_a_blank_line_keeps_its_place() -> None:
    found = items(json.dumps(GOOD).encode() + b"\n\n" + json.dumps(GOOD).encode() + b"\n")
    assert [number for number, _ in found] == [1, 2, 3]
    assert isinstance(found[1][1], BlankLine)


def test_one_pretty_printed_object_is_read_as_one_fact() -> None:
    assert items(json.dumps(GOOD, indent=2).encode()) == [(1, GOOD)]


def test_a_broken_first_line_is_still_read_line_by_line() -> None:
    found = items(b"{broken\n" + json.dumps(GOOD).encode())
    assert isinstance(found[0][1], FactError) and found[1] == (2, GOOD)
