"""What the decider's caches keep alive, beside the rule set's own objects, against their bounds.

The table's bound counts each distinct decision it holds as `DECISION_BYTES`
(`deciding/decider.py`), the table key's memos each entry as a constant (`deciding/table.py`);
this measures the real means on the realistic workload: stream facts through a decider, then
walk each tabled decision's objects (tuples, candidates, notes, fines) and each memo entry's,
counting each object once and none that the rule set, engine or resolver already reach; and
last, what all the caches hold against what their bounds count and the budget.

    python benchmarks/held_bytes.py [facts]
"""

from __future__ import annotations

import enum
import gc
import sys
import types
from collections.abc import Iterable
from typing import Any

from bench_speed import stream

import enforcement_rules as er
from enforcement_rules.deciding.decider import DECISION_BYTES
from enforcement_rules.deciding.table import DATES_ENTRY_BYTES, DAY_ENTRY_BYTES, GROUP_ENTRY_BYTES

#: Not walked into: shared by everything (types, enum members, code) or the decider itself.
_SHARED = (
    type,
    enum.Enum,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    er.Decider,
)


def _walk(roots: Iterable[Any], seen: set[int]) -> int:
    """The bytes of every object reachable from `roots` not in `seen` (which it fills)."""
    total = 0
    stack = list(roots)
    while stack:
        found = stack.pop()
        if found is None or id(found) in seen or isinstance(found, _SHARED):
            continue
        seen.add(id(found))
        total += sys.getsizeof(found)
        if not isinstance(found, str | int | float | bool):
            stack.extend(gc.get_referents(found))
    return total


def main(count: int) -> None:
    rules = er.load_rules()
    decider = er.Decider(rules)
    for _ in decider.decide_iter(stream(rules, count)):
        pass
    table = decider._table
    held = {id(value): value for value in [*table._protected.values(), *table._probation.values()]}
    decisions = [value for value in held.values() if isinstance(value, er.Decision)]
    seen: set[int] = set()
    _walk([rules, decider.engine, decider._partition, decider._resolve], seen)
    total = _walk(decisions, seen)
    mean = total / max(1, len(decisions))
    print(f"{count:,} facts: {len(table):,} table keys, {len(decisions):,} distinct decisions")
    print(f"they keep {total / 2**20:.1f} MiB alive: {mean:,.0f} bytes each")
    print(f"DECISION_BYTES = {DECISION_BYTES:,} ({DECISION_BYTES / mean:.2f}x the mean)")
    memos(decider, seen)
    caches(decider, seen, total)


def memos(decider: er.Decider, seen: set[int]) -> None:
    """What an entry of each of the table key's memos holds, against what its bound counts.
    The texts the memos share are walked first, with the days (whose keys are texts)."""
    fast = decider._fast
    kinds = [
        ("days and texts", [fast._texts, fast._days], len(fast._days), DAY_ENTRY_BYTES),
        ("raw-value groups", [fast._statics], len(fast._statics), GROUP_ENTRY_BYTES),
        ("date triples", [fast._dates], len(fast._dates), DATES_ENTRY_BYTES),
    ]
    for name, roots, entries, counted in kinds:
        each = _walk(roots, seen) / max(1, entries)
        print(
            f"memo of {name}: {entries:,} entries of {each:,.0f} bytes,"
            f" counted as {counted:,} ({counted / max(each, 1):.2f}x)"
        )


def caches(decider: er.Decider, seen: set[int], decisions: int) -> None:
    """What all the caches hold (the decisions above included), against what their bounds
    count and the budget."""
    rest = [
        decider._by_income,
        decider._resolutions,
        decider._merged,
        decider._fired,
        decider._parts,
        decider._fast,
    ]
    held = decisions + _walk([decider._table, *rest], seen)
    counted = decider.cache_bytes
    print(
        f"caches hold {held / 2**20:.1f} MiB, counted as {counted / 2**20:.1f} MiB"
        f" ({counted / held:.2f}x), budget {decider.table_bytes / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
