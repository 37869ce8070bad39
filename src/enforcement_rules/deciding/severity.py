"""How heavy an outcome is: the one definition of "lighter" and "more serious".

Penalty category first (the vocabulary's severity order), then the fine ceiling, then the floor.
Measures are compared as sets: a more serious fact must keep every measure and may add more.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contract.decision import Decision
from ..contract.fines import FineRange
from ..contract.vocabulary import FineTarget, Hazard, Penalty

#: Fact fields whose later values describe a more serious situation, mildest value first.
#: A more serious fact must never get a lighter penalty or lose an on-site measure.
MORE_SERIOUS: dict[str, tuple[object, ...]] = {
    "overdue": (False, True),
    "serious": (False, True),
    "hazard": (Hazard.NONE.value, Hazard.GENERAL.value, Hazard.MAJOR.value),
    "workers_in_danger": (False, True),
    "safety_assured": (True, False),
}


Weight = tuple[int, float, float, float, float]


def weight(penalties: Iterable[Penalty], fines: Iterable[FineRange]) -> Weight:
    """Comparable weight of a penalty: (heaviest category, top fine ceiling, top fine floor, top
    income-share ceiling, top income-share floor). Shares of a person's income weigh through
    their yuan bounds where the income is known, and through the shares themselves (which apply
    to the same income in every version) where it is not."""
    ranges = list(fines)
    category = max((Penalty.rank(penalty) + 1 for penalty in penalties), default=0)
    ceiling = max((fine.max_yuan for fine in ranges if fine.amount_known), default=0.0)
    floor = max((fine.min_yuan for fine in ranges if fine.amount_known), default=0.0)
    shares = [fine.income_share for fine in ranges if fine.income_share is not None]
    share_ceiling = max((high for _, high in shares), default=0.0)
    share_floor = max((low for low, _ in shares), default=0.0)
    return category, ceiling, floor, share_ceiling, share_floor


def comparable(first: Decision, second: Decision, party: FineTarget) -> bool:
    """Whether the two decisions' fines for `party` can be weighed against each other: not when
    one is a share of an income not known and the other an amount in yuan."""
    unknown = [
        any(f.target is party and not f.amount_known for f in d.fines) for d in (first, second)
    ]
    fixed = [
        any(f.target is party and f.income_share is None for f in d.fines) for d in (first, second)
    ]
    return not ((unknown[0] and fixed[1]) or (unknown[1] and fixed[0]))


#: The parties a decision's penalties fall on: the unit bears the penalty categories and its
#: fine; each natural person only a fine.
PARTIES: tuple[FineTarget, ...] = tuple(FineTarget)


def party_weight(decision: Decision, party: FineTarget) -> Weight:
    """How heavy the decision is for one party (`weight` of what falls on that party).

    The unit carries the penalty categories (warning, suspension, revocation…) and its own fine;
    a person carries only a fine. A party the decision does not name weighs nothing.
    """
    fines = [fine for fine in decision.fines if fine.target is party]
    if party is FineTarget.UNIT:
        categories = [p for p in decision.penalties if p is not Penalty.FINE or fines]
        return weight(categories, fines)
    return weight((Penalty.FINE,) if fines else (), fines)


def penalty_weight(decision: Decision) -> Weight:
    """The weight of a decision's penalty (see `weight`)."""
    return weight(decision.penalties, decision.fines)


def is_lighter(candidate: Decision, than: Decision) -> bool:
    """True when `candidate`'s penalty weighs strictly less than `than`'s."""
    return penalty_weight(candidate) < penalty_weight(than)


def keeps_measures(serious: Decision, milder: Decision) -> bool:
    """A more serious fact keeps every on-site measure of the milder one."""
    return set(milder.measures) <= set(serious.measures)
