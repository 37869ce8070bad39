"""How heavy an outcome is: the one definition of "lighter" and "more serious".

Penalty category first (the vocabulary's severity order), then the fine ceiling, then the floor.
Measures are compared as sets: a more serious fact must keep every measure and may add more.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contract.decision import Decision
from ..contract.fines import FineRange
from ..contract.vocabulary import Hazard, Penalty

#: Fact fields whose later values describe a more serious situation, mildest value first.
#: A more serious fact must never get a lighter penalty or lose an on-site measure.
MORE_SERIOUS: dict[str, tuple[object, ...]] = {
    "overdue": (False, True),
    "serious": (False, True),
    "hazard": (Hazard.NONE.value, Hazard.GENERAL.value, Hazard.MAJOR.value),
    "workers_in_danger": (False, True),
    "safety_assured": (True, False),
}


def weight(penalties: Iterable[Penalty], fines: Iterable[FineRange]) -> tuple[int, float, float]:
    """Comparable weight of a penalty: (heaviest category, top fine ceiling, top fine floor)."""
    ranges = list(fines)
    category = max((Penalty.rank(penalty) + 1 for penalty in penalties), default=0)
    ceiling = max((fine.max_yuan for fine in ranges), default=0.0)
    floor = max((fine.min_yuan for fine in ranges), default=0.0)
    return category, ceiling, floor


def penalty_weight(decision: Decision) -> tuple[int, float, float]:
    """The weight of a decision's penalty (see `weight`)."""
    return weight(decision.penalties, decision.fines)


def is_lighter(candidate: Decision, than: Decision) -> bool:
    """True when `candidate`'s penalty weighs strictly less than `than`'s."""
    return penalty_weight(candidate) < penalty_weight(than)


def keeps_measures(serious: Decision, milder: Decision) -> bool:
    """A more serious fact keeps every on-site measure of the milder one."""
    return set(milder.measures) <= set(serious.measures)
