"""The memory-bounded cache keeps to its budget and keeps what is used through a long scan."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enforcement_rules.deciding.bounded import SLOT_BYTES, BoundedCache, size_of


def test_the_cache_never_holds_more_bytes_than_its_budget() -> None:
    cache: BoundedCache[int] = BoundedCache(50_000)
    for number in range(5_000):
        cache.put((number, "key"), number)
        assert cache.bytes <= 50_000
    assert 0 < len(cache) < 5_000 and cache.evicted == 5_000 - len(cache)
    assert cache.bytes == sum(
        size_of((n, "key")) + SLOT_BYTES for n in range(5_000) if (n, "key") in cache
    )


def test_entries_met_again_survive_a_scan_of_new_ones() -> None:
    cache: BoundedCache[int] = BoundedCache(200_000)
    hot = [(number, "hot") for number in range(200)]
    for key in hot:
        cache.put(key, 1)
        assert cache.get(key) == 1  # met twice: protected
    for number in range(20_000):  # a scan far larger than the budget
        cache.put((number, "scan"), 2)
    assert all(cache.get(key) == 1 for key in hot)
    assert cache.get((0, "scan")) is None  # the scan's oldest went first


def test_a_zero_budget_stores_nothing_and_clear_empties() -> None:
    off: BoundedCache[int] = BoundedCache(0)
    off.put(("a",), 1)
    assert off.get(("a",)) is None and len(off) == 0
    cache: BoundedCache[int] = BoundedCache(10_000)
    cache.put(("a",), 1)
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0 and cache.get(("a",)) is None


def test_get_many_finds_what_get_finds_and_promotes_alike() -> None:
    one: BoundedCache[int] = BoundedCache(100_000)
    many: BoundedCache[int] = BoundedCache(100_000)
    for cache in (one, many):
        for number in range(300):
            cache.put(number, number + 1)
        cache.get(7)  # protected; the rest on probation
    keys = [7, 8, 299, 1_000, 8]
    assert many.get_many(keys) == [one.get(key) for key in keys] == [8, 9, 300, None, 9]
    assert many._protected.keys() == one._protected.keys()  # 8 and 299 promoted in both


def _held_bytes(segment: object) -> int:
    return sum(size_of(key) + SLOT_BYTES for key in segment)  # type: ignore[attr-defined]


keys = st.one_of(
    st.integers(0, 40),
    st.integers(2**70, 2**70 + 5),
    st.tuples(st.integers(0, 9), st.text(max_size=3)),
)


@given(st.lists(st.tuples(st.sampled_from(["put", "get"]), keys), max_size=200))
def test_the_bytes_counted_are_the_bytes_held_through_any_puts_and_gets(
    steps: list[tuple[str, object]],
) -> None:
    """Sizes are computed again when an entry is promoted, demoted or evicted (not stored):
    the counts must still match what each segment holds, whatever the order of operations."""
    cache: BoundedCache[int] = BoundedCache(2_000)
    for operation, key in steps:
        if operation == "put":
            cache.put(key, 1)  # type: ignore[arg-type]
        else:
            cache.get(key)  # type: ignore[arg-type]
        assert cache._protected_bytes == _held_bytes(cache._protected)
        assert cache._probation_bytes == _held_bytes(cache._probation)
        assert cache.bytes <= 2_000


@given(st.lists(st.tuples(st.sampled_from(["put", "get"]), keys, st.integers(0, 6)), max_size=200))
def test_each_distinct_value_is_counted_once_while_some_entry_holds_it(
    steps: list[tuple[str, object, int]],
) -> None:
    """Keys share values (many classes, one decision): a value object is counted once however
    many entries hold it, and no longer once the last of them went."""
    values = [object() for _ in range(7)]
    cache: BoundedCache[object] = BoundedCache(3_000, value_bytes=500)
    for operation, key, value in steps:
        if operation == "put":
            cache.put(key, values[value])  # type: ignore[arg-type]
        else:
            cache.get(key)  # type: ignore[arg-type]
        held = [*cache._protected.values(), *cache._probation.values()]
        distinct = {id(value) for value in held}
        keys_bytes = _held_bytes(cache._protected) + _held_bytes(cache._probation)
        assert cache.bytes == keys_bytes + 500 * len(distinct)
        assert cache._holders == {id(v): sum(h is v for h in held) for v in values if v in held}
        assert cache.bytes <= 3_000
    cache.clear()
    assert cache.bytes == 0 and not cache._holders


def test_entries_of_a_fixed_size_and_a_count_bound_are_kept_to() -> None:
    """`entry_bytes` counts every entry alike (keys measured once, not sized one by one) and
    `max_entries` bounds the count too; `peek` finds only protected entries, as `get` does
    there, and moves nothing; iteration gives the protected keys, then probation's."""
    sized: BoundedCache[int] = BoundedCache(1_000, entry_bytes=100)
    for number in range(50):
        sized.put(("a much longer key than a hundred bytes would hold", number), number)
        assert sized.bytes <= 1_000
    assert len(sized) == 10 and sized.bytes == 1_000 and sized.evicted == 40
    counted: BoundedCache[int] = BoundedCache(10**9, max_entries=3)
    for number in range(5):
        counted.put(number, number + 1)
    assert len(counted) == 3 and list(counted) == [2, 3, 4]
    assert counted.peek(3) is None  # on probation: `get` promotes it
    assert counted.get(3) == 4 and counted.peek(3) == 4
    assert list(counted) == [3, 2, 4]
