"""Which version of a changed law applies (从旧兼从轻), as the procedure data says.

The version in force when the violation occurred applies; where the version in force on the
decision date gives a lighter outcome for the same facts (`severity.is_lighter`), that one applies.
Both candidates stay in the decision (`candidates`) with the reason, and a note says which won.
"""

from __future__ import annotations

import attrs

from ..contract.decision import Candidate, Decision
from ..rulebook.model import ProcedureVersion
from .severity import is_lighter


def _candidate(decision: Decision, applied: bool, reason: str) -> Candidate:
    return Candidate(attrs.evolve(decision, candidates=()), applied, reason)


def choose(
    at_occurrence: Decision, at_decision: Decision | None, policy: ProcedureVersion
) -> Decision:
    """The applicable decision of the two candidates, with both kept and the reason noted."""
    if at_decision is None or at_decision.law_version == at_occurrence.law_version:
        only = "违法行为发生时与决定时施行同一版本 (the same version was in force throughout)"
        return attrs.evolve(at_occurrence, candidates=(_candidate(at_occurrence, True, only),))
    later_is_lighter = is_lighter(at_decision, at_occurrence)
    if policy.later_law_policy == "lighter_later_law" and later_is_lighter:
        chosen = at_decision
        reason = (
            f"从旧兼从轻：决定时施行的{at_decision.law_version}处罚较轻，适用新的规定 "
            f"(the version in force at the decision, {at_decision.law_version}, is lighter "
            "and applies)"
        )
    else:
        chosen = at_occurrence
        reason = (
            f"适用违法行为发生时施行的{at_occurrence.law_version}，决定时的规定不更轻 "
            f"(the version in force when the violation occurred, {at_occurrence.law_version}, "
            "applies: the later one is not lighter)"
        )
    basis = chosen.legal_basis
    if policy.later_law_citation is not None and policy.later_law_citation not in basis:
        basis = (*basis, policy.later_law_citation)
    return attrs.evolve(
        chosen,
        legal_basis=basis,
        notes=(*chosen.notes, reason),
        candidates=(
            _candidate(at_occurrence, chosen is at_occurrence, reason),
            _candidate(at_decision, chosen is at_decision, reason),
        ),
    )
