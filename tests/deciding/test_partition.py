"""Class keys: the compiled keys of a kind give, per rule group, what the group's key reads.

A kind's keys are generated code that reads each field once and places each ordered value once
for all of the kind's groups. Each key is compared with the key read field by field from what
it is made of (`KeyFunction.parts`: exact values, then positions among thresholds), on messages
hypothesis draws around the thresholds, with values missing, null or of other types.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.deciding import partition
from enforcement_rules.deciding.partition import KeyFunction, Partition, compile_keys

RULES = er.load_rules()
PARTITION = Partition(RULES)
KINDS = sorted(RULES.kinds)


def read_field_by_field(function: KeyFunction, message: Mapping[str, Any]) -> Hashable:
    """The key as its parts say: each exact field's value, then each ordered value's place."""
    exact, ordered = function.parts()
    found: list[Hashable] = [message.get(field) for field in exact]
    for field, cuts, _ in ordered:
        value = message.get(field)
        if value is None:
            found.append(None)
        else:
            index = bisect.bisect_left(cuts, float(value))
            found.append((index, index < len(cuts) and cuts[index] == float(value)))
    return tuple(found)


def _fields() -> tuple[list[str], dict[str, list[float]]]:
    exact: set[str] = set()
    cuts: dict[str, set[float]] = {}
    for functions in PARTITION._by_kind.values():
        for function in functions:
            if function is None:
                continue
            names, ordered = function.parts()
            exact.update(names)
            for field, thresholds, _ in ordered:
                cuts.setdefault(field, set()).update(thresholds)
    return sorted(exact - set(cuts) - {"kind"}), {
        field: sorted(values) for field, values in cuts.items()
    }


EXACT, ORDERED = _fields()


def near(cuts: list[float]) -> st.SearchStrategy[Any]:
    """A number on, just beside or far from some threshold, or a boolean (read as 0 or 1)."""
    on = st.sampled_from(cuts) if cuts else st.just(0.0)
    beside = st.tuples(on, st.sampled_from([-1, 0, 1])).map(lambda pair: int(pair[0]) + pair[1])
    return st.one_of(beside, st.integers(-(10**12), 10**12), st.booleans())


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = {"kind": draw(st.sampled_from(KINDS))}
    for field in EXACT:
        value = draw(
            st.one_of(st.booleans(), st.sampled_from(["none", "valid", "x"]), st.integers(0, 3))
        )
        if draw(st.booleans()):
            message[field] = value
    for field, cuts in ORDERED.items():
        choice = draw(st.sampled_from(["value", "value", "null", "missing"]))
        if choice == "value":
            message[field] = draw(near(cuts))
        elif choice == "null":
            message[field] = None
    return message


@settings(max_examples=300, deadline=None)
@given(messages())
def test_a_kinds_compiled_keys_are_its_groups_keys_read_field_by_field(
    message: dict[str, Any],
) -> None:
    kind = message["kind"]
    expected = tuple(
        None if function is None else (kind, read_field_by_field(function, message))
        for function in PARTITION._by_kind[kind]
    )
    assert PARTITION.kind_group_keys(message) == expected


@settings(max_examples=100, deadline=None)
@given(messages())
def test_the_whole_key_is_read_field_by_field(message: dict[str, Any]) -> None:
    assert PARTITION.key(message) == read_field_by_field(PARTITION.key, message)


def test_a_kind_is_compiled_once_when_its_first_fact_comes() -> None:
    fresh = Partition(RULES)
    assert fresh._compiled == {}
    message = {"kind": KINDS[0], "as_of": 738000}
    first = fresh.kind_group_keys(message)
    compiled = fresh._compiled[KINDS[0]]
    assert fresh.kind_group_keys(message) == first
    assert fresh._compiled == {KINDS[0]: compiled}


@pytest.mark.parametrize("kind", ["no_such_kind", None, 7])
def test_a_kind_the_rule_set_lacks_gets_the_plain_group_keys_marked_apart(kind: Any) -> None:
    message = {"kind": kind, "as_of": 738000}
    expected = tuple(("*", group.key(message)) for group in PARTITION.groups)
    assert PARTITION.kind_group_keys(message) == expected
    assert all(part[0] == "*" for part in expected)


def test_keys_sharing_a_field_under_other_thresholds_place_it_apart() -> None:
    fields_a, fields_b = partition._Fields(), partition._Fields()
    fields_a.ordered["deaths"] = {1.0, 3.0}
    fields_b.ordered["deaths"] = {10.0}
    fields_b.exact.add("kind")
    memos: dict[tuple[float, ...], partition.Positions] = {}
    first, second = KeyFunction(fields_a, memos), KeyFunction(fields_b, memos)
    keys = compile_keys([first, None, second], "k")
    message = {"kind": "k", "deaths": 3}
    assert keys(message) == (("k", ((1, True),)), None, ("k", ("k", (0, False))))
    assert keys({}) == (("k", (None,)), None, ("k", (None, None)))


def test_remembered_positions_are_forgotten_at_once_and_still_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partition, "_POSITIONS_KEPT", 3)
    fields = partition._Fields()
    fields.ordered["deaths"] = {2.0, 5.0}
    memos: dict[tuple[float, ...], partition.Positions] = {}
    function = KeyFunction(fields, memos)
    for value in range(10):
        assert function({"deaths": value}) == read_field_by_field(function, {"deaths": value})
        assert len(memos[(2.0, 5.0)]) <= 3


def test_a_compiled_key_holds_no_field_name_in_its_text() -> None:
    """The generated text is made of generated names: a field is only bound in its scope."""
    fields = partition._Fields()
    fields.exact.add("sector")
    fields.ordered["as_of"] = {738000.0}
    keys = compile_keys([KeyFunction(fields, {})], None)
    assert "sector" in keys.__globals__.values()
    assert "sector" not in (*keys.__code__.co_names, *keys.__code__.co_consts)
    assert keys({"sector": "mining", "as_of": 738000}) == (("mining", (0, True)),)
