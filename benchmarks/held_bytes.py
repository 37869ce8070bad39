"""What a decision the final-decision table holds keeps alive, beside the rule set's own objects.

The table's bound counts each distinct decision it holds as `DECISION_BYTES`
(`deciding/decider.py`); this measures the real mean on the realistic workload: stream facts
through a decider, then walk each tabled decision's objects (tuples, candidates, notes, fines),
counting each object once and none that the rule set, engine or resolver already reach.

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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
