"""Which version of a changed law applies (从旧兼从轻), party by party, as the procedure data says.

APL 2021 Art. 37 (and the principle before it): the version in force when the violation occurred
applies; where the version in force on the decision date punishes more lightly, that one applies.
The unit and each person fined are separate parties with separate penalty decisions, so the
comparison is made for each party (`severity.party_weight`): the unit by its penalty categories
and fine, each person by their fine. A later version never adds a party, a category or a heavier
range the version at occurrence did not have for that party; where the later version is lighter
for one party and heavier for another, each keeps its own lighter version. A version that refers
the penalty to another instrument cannot be weighed and never counts as the lighter one.

Both candidates stay in the decision (`candidates`), each with the parties it applied to; the
notes say per party which version applied and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from ..contract.decision import Candidate, Decision
from ..contract.vocabulary import FineTarget, Penalty, PenaltyBasis
from ..rulebook.model import ProcedureVersion
from .severity import PARTIES, comparable, party_weight

T = TypeVar("T")
_SAME = "违法行为发生时与决定时施行同一版本 (the same version was in force throughout)"


def choose(
    at_occurrence: Decision, at_decision: Decision | None, policy: ProcedureVersion
) -> Decision:
    """The applicable decision of the two candidates, chosen per party, with both kept."""
    if at_decision is None or at_decision.law_version == at_occurrence.law_version:
        return attrs.evolve(at_occurrence, candidates=(_candidate(at_occurrence, PARTIES, _SAME),))
    later_counts = policy.later_law_policy == "lighter_later_law" and PenaltyBasis.REFERRED not in (
        at_occurrence.penalty_basis,
        at_decision.penalty_basis,
    )
    chosen: dict[FineTarget, Decision] = {}
    for party in PARTIES:
        lighter = comparable(at_decision, at_occurrence, party) and party_weight(
            at_decision, party
        ) < party_weight(at_occurrence, party)
        chosen[party] = at_decision if later_counts and lighter else at_occurrence
    unit = chosen[FineTarget.UNIT]
    fines = tuple(fine for party in PARTIES for fine in chosen[party].fines if fine.target is party)
    categories = tuple(p for p in unit.penalties if p is not Penalty.FINE)
    penalties = tuple(sorted({*categories, *((Penalty.FINE,) if fines else ())}, key=Penalty.rank))
    named = _parties(at_occurrence, at_decision)
    used = [d for d in (at_occurrence, at_decision) if any(chosen[p] is d for p in named)]
    reason = _reason(chosen, at_occurrence, at_decision, later_counts)
    basis = unit.penalty_basis
    if penalties and basis in (PenaltyBasis.CORRECTION_FIRST, PenaltyBasis.NO_PROVISION):
        basis = PenaltyBasis.DECIDED  # a person's fine stands under the other version
    merged = attrs.evolve(
        unit,
        penalties=penalties,
        penalty_basis=basis,
        fines=fines,
        legal_basis=_union(d.legal_basis for d in used),
        rules_fired=_union(d.rules_fired for d in used),
        trace=_union(d.trace for d in used),
        notes=(*_union(d.notes for d in used), reason),
        candidates=tuple(
            _candidate(d, tuple(p for p in named if chosen[p] is d), reason)
            for d in (at_occurrence, at_decision)
        ),
    )
    later_law = policy.later_law_citation
    if later_law is not None and later_law not in merged.legal_basis:
        merged = attrs.evolve(merged, legal_basis=(*merged.legal_basis, later_law))
    return merged


def _parties(*decisions: Decision) -> tuple[FineTarget, ...]:
    """The unit, and every person some candidate fines: the parties the choice is about."""
    fined = {fine.target for decision in decisions for fine in decision.fines}
    return tuple(p for p in PARTIES if p is FineTarget.UNIT or p in fined)


def _candidate(decision: Decision, parties: tuple[FineTarget, ...], reason: str) -> Candidate:
    return Candidate(attrs.evolve(decision, candidates=()), parties, reason)


def _union(groups: Iterable[Iterable[T]]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _reason(
    chosen: dict[FineTarget, Decision],
    old: Decision,
    new: Decision,
    later_counts: bool,
) -> str:
    if not later_counts:
        why = (
            "一方规定系依照其他法律、行政法规处罚，无从比较轻重 (one version refers the penalty "
            "to another instrument and cannot be weighed)"
            if PenaltyBasis.REFERRED in (old.penalty_basis, new.penalty_basis)
            else "程序数据规定只适用违法行为发生时的规定 (the procedure data applies the version "
            "at occurrence only)"
        )
        return (
            f"适用违法行为发生时施行的{old.law_version}：{why} "
            f"(the version in force when the violation occurred, {old.law_version}, applies)"
        )
    named = _parties(old, new)
    parts_zh = "；".join(f"{p.zh}适用{chosen[p].law_version}" for p in named)
    parts_en = "; ".join(f"{p.en}: {chosen[p].law_version}" for p in named)
    return (
        f"从旧兼从轻，逐一当事人比较：{parts_zh}（决定时施行的规定对该当事人较轻的，适用新的规定） "
        f"(the lighter law, party by party: {parts_en}; the version in force at the decision "
        "applies to a party for whom it is lighter)"
    )
