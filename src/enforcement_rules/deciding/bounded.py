"""A cache bounded by the memory its entries take, that a long scan does not flush.

The decider's caches map class keys to shared, immutable results. A fixed entry count either
wastes memory (small keys) or thrashes: a batch with more distinct classes than the count evicts
every entry before it is used again, and warm speed falls to cold. Here the bound is bytes:
each entry's key and slot and, where the cache is given a `value_bytes`, each distinct value
object once while some entry holds it. Many keys share one decision: counted per key, it would
be counted many times over; not counted at all, a table of small keys would hold far more than
its budget in the decisions it alone keeps alive. A key's size is computed again when it moves
or goes, not stored beside it (that would take a second dict as large as the cache).

Entries live in two segments (2Q): new entries enter `probation`, an entry hit there moves to
`protected`, and eviction takes the oldest of probation first. A one-off scan so only churns
probation; the classes a workload keeps meeting stay in protected. A hit in protected costs one
dict lookup: nothing is reordered on the hot path.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")

#: What one slot costs beyond its key: the ordered dict's entry, link and index, spare room
#: (measured on CPython 3.11: some 110 bytes an entry for 200,000 int keys).
SLOT_BYTES = 112
#: The protected segment's share of the budget; the rest is probation.
PROTECTED_SHARE = 0.8


def _measured(key: Hashable) -> int:
    return size_of(key) + SLOT_BYTES


def size_of(key: Hashable) -> int:
    """The bytes a key holds: the tuple and what it holds (one level of nesting further)."""
    size = sys.getsizeof(key)
    if isinstance(key, tuple):
        for item in key:
            size += sys.getsizeof(item)
            if isinstance(item, tuple):
                size += sum(sys.getsizeof(part) for part in item)
    return size


class BoundedCache(Generic[V]):
    """Key → value, at most `max_bytes` of keys, slots and (with `value_bytes`) distinct values
    (0: stores nothing). Not locked: the caller holds its lock around `put` and `clear`; `get`
    is one atomic dict read or move."""

    def __init__(
        self,
        max_bytes: int,
        value_bytes: int = 0,
        *,
        entry_bytes: int = 0,
        max_entries: int | None = None,
    ):
        """`value_bytes`: what one distinct value object is counted as (0: values are not
        counted, their owner bounds them). `entry_bytes`: what each entry (key and slot) is
        counted as, where keys are all alike and measured once, instead of sizing each key
        (`size_of`). `max_entries`: a bound by count as well."""
        self.max_bytes = max_bytes
        self.value_bytes = value_bytes
        self.max_entries = max_entries
        self._size: Callable[[Hashable], int] = (
            (lambda _: entry_bytes) if entry_bytes else _measured
        )
        self._holders: dict[int, int] = {}  # a held value's id -> the entries holding it
        self._values_bytes = 0
        self._protected: OrderedDict[Hashable, V] = OrderedDict()
        self._probation: OrderedDict[Hashable, V] = OrderedDict()
        #: The protected segment's `dict.get`, for a hot path: a value found there is what
        #: `get` finds (nothing moves on such a hit); None means "ask `get`".
        self.peek = self._protected.get
        self._protected_bytes = 0
        self._probation_bytes = 0
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._protected) + len(self._probation)

    def __iter__(self) -> Iterator[Hashable]:
        """The keys, the protected segment's first, each segment oldest first."""
        yield from self._protected
        yield from self._probation

    @property
    def bytes(self) -> int:
        return self._protected_bytes + self._probation_bytes + self._values_bytes

    def __contains__(self, key: Hashable) -> bool:
        return key in self._protected or key in self._probation

    def get(self, key: Hashable) -> V | None:
        found = self._protected.get(key)
        if found is not None:
            return found
        found = self._probation.pop(key, None)
        if found is not None:
            self._promote(key, found)
        return found

    def get_many(self, keys: Sequence[Hashable]) -> list[V | None]:
        """`get` of each key, in order (the protected segment read in one pass)."""
        found = list(map(self._protected.get, keys))
        if self._probation:
            for index, value in enumerate(found):
                if value is None:
                    found[index] = self.get(keys[index])
        return found

    def put(self, key: Hashable, value: V) -> None:
        if self.max_bytes <= 0 or key in self:
            return
        self._probation[key] = value
        self._probation_bytes += self._size(key)
        if self.value_bytes:
            held = self._holders.get(id(value), 0)
            if not held:
                self._values_bytes += self.value_bytes
            self._holders[id(value)] = held + 1
        self._shrink()

    def clear(self) -> None:
        self._protected.clear()
        self._probation.clear()
        self._holders.clear()
        self._protected_bytes = self._probation_bytes = self._values_bytes = 0

    def _let_go(self, value: V) -> None:
        """An entry holding `value` went (the id stays the value's while an entry holds it)."""
        held = self._holders.pop(id(value)) - 1
        if held:
            self._holders[id(value)] = held
        else:
            self._values_bytes -= self.value_bytes

    def _promote(self, key: Hashable, value: V) -> None:
        size = self._size(key)
        self._probation_bytes -= size
        self._protected[key] = value
        self._protected_bytes += size
        limit = self.max_bytes * PROTECTED_SHARE
        while self._protected_bytes > limit and self._protected:
            old, old_value = self._protected.popitem(last=False)  # demoted to probation
            moved = self._size(old)
            self._protected_bytes -= moved
            self._probation[old] = old_value
            self._probation_bytes += moved
        self._shrink()

    def _shrink(self) -> None:
        limit = self.max_entries
        while self.bytes > self.max_bytes or (limit is not None and len(self) > limit):
            segment = self._probation or self._protected
            if not segment:
                return
            old, value = segment.popitem(last=False)
            if self.value_bytes:
                self._let_go(value)
            size = self._size(old)
            if segment is self._probation:
                self._probation_bytes -= size
            else:
                self._protected_bytes -= size
            self.evicted += 1
