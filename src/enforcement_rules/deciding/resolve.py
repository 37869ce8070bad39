"""Turn the rules that fired for one fact into one `Decision`, by a fixed policy.

- measures: the union over every fired rule, in the law's order of the six measures;
- penalty: exactly one fired penalty rule (none or two is a defect of the rule set, raised);
- adjustments (从轻, 减轻, 不予处罚): the heaviest one fired; `exempt` removes penalty and fines;
- procedure and hearing: from the Administrative Penalty Law version in force on `decided_on`,
  once fines measured by illegal income are in yuan for the fact (`finish`);
- section: the routing table; legal basis and trace: every fired rule, in firing order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..contract.citation import Citation
from ..contract.decision import Decision, FiredRule
from ..contract.errors import NoApplicableLawError, RuleConflictError
from ..contract.facts import Violation
from ..contract.fines import FineRange
from ..contract.vocabulary import Hearing, Measure, Penalty, PenaltyAdjustment, Procedure
from ..rulebook.model import ProcedureVersion, Rule, RuleSet

_SUMMARY_PENALTIES = frozenset({Penalty.WARNING, Penalty.FINE})


class Resolver:
    """Resolves fired rules under one rule set; what depends only on (rule, kind) is cached."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self._cited: dict[tuple[str, str], tuple[Citation, ...]] = {}
        self._steps: dict[tuple[str, str], FiredRule] = {}

    def citations(self, rule: Rule, kind: str) -> tuple[Citation, ...]:
        key = (rule.id, kind)
        found = self._cited.get(key)
        if found is None:
            found = self._cited[key] = rule.citations(kind)
        return found

    def step(self, rule: Rule, kind: str) -> FiredRule:
        key = (rule.id, kind)
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = FiredRule(
                rule_id=rule.id,
                title=rule.title,
                decides="penalty" if rule.then.decides_penalty else "measures",
                law_version=rule.provision.law_version,
                file=rule.provision.file,
                line=rule.line,
                citations=tuple(c.label for c in self.citations(rule, kind)),
            )
        return found

    def __call__(self, violation: Violation, fired_ids: Sequence[str]) -> Decision:
        """The decision for the fact's class (fines by income multiple not yet in yuan)."""
        rules = self.rules
        kind = violation.kind
        fired = [rules.rule(rule_id) for rule_id in fired_ids]
        deciding = [rule for rule in fired if rule.then.decides_penalty]
        if len(deciding) != 1:
            reason = (
                "no penalty rule fired for this fact (a gap in the rule set)"
                if not deciding
                else "more than one penalty rule fired for this fact (a conflict in the rule set)"
            )
            raise RuleConflictError(reason, [rule.id for rule in deciding])
        penalty_rule = deciding[0]
        outcome = penalty_rule.then
        adjustment = max(
            (rule.then.penalty_adjustment for rule in fired), key=PenaltyAdjustment.rank
        )
        exempt = adjustment is PenaltyAdjustment.EXEMPT
        penalties = () if exempt else tuple(sorted(outcome.penalties or (), key=Penalty.rank))
        fines = () if exempt else tuple(sorted(outcome.fines, key=lambda f: f.target.order))
        measures = tuple(
            sorted({m for rule in fired for m in rule.then.measures}, key=Measure.rank)
        )
        basis = list(dict.fromkeys(c for rule in fired for c in self.citations(rule, kind)))
        notes = list(dict.fromkeys(note for rule in fired for note in rule.then.notes))
        decision = Decision(
            measures=measures,
            penalties=penalties,
            fines=fines,
            penalty_adjustment=adjustment,
            procedure=None,
            hearing=Hearing.NO,
            daily_fine=bool(penalties) and any(rule.then.daily_fine for rule in fired),
            section=rules.routing.section(kind, violation.sector.value),
            law_version=penalty_rule.provision.law_version,
            legal_basis=tuple(basis),
            rules_fired=tuple(rule.id for rule in fired),
            notes=tuple(notes),
            trace=tuple(self.step(rule, kind) for rule in fired),
        )
        return decision if _by_income(decision) else self._with_procedure(decision, violation)

    def finish(self, decision: Decision, violation: Violation) -> Decision:
        """Fines by income multiple in yuan for this fact, and the procedure they call for."""
        if not _by_income(decision):
            return decision
        income = violation.illegal_income_yuan or 0.0
        fines = tuple(fine.for_income(income) for fine in decision.fines)
        note = (
            f"罚款按违法所得{income:,.2f}元的倍数计算 "
            f"(fines computed as multiples of the illegal income of {income:,.2f} yuan)"
        )
        fixed = attrs.evolve(decision, fines=fines, notes=(*decision.notes, note))
        return self._with_procedure(fixed, violation)

    def _with_procedure(self, decision: Decision, violation: Violation) -> Decision:
        version = procedure_version(self.rules, violation.kind, violation.decided_on)
        procedure, hearing, thresholds, extra = _procedure(
            version, decision.penalties, decision.fines
        )
        basis = (*decision.legal_basis, *(c for c in extra if c not in decision.legal_basis))
        return attrs.evolve(
            decision,
            procedure=procedure,
            hearing=hearing,
            hearing_thresholds_yuan=thresholds,
            legal_basis=basis,
        )


def _by_income(decision: Decision) -> bool:
    return any(fine.income_multiple is not None for fine in decision.fines)


def resolve(rules: RuleSet, violation: Violation, fired_ids: Sequence[str]) -> Decision:
    """One-off resolution (a `Decider` keeps a `Resolver` instead)."""
    resolver = Resolver(rules)
    return resolver.finish(resolver(violation, fired_ids), violation)


def procedure_version(rules: RuleSet, kind: str, decided_on: dt.date) -> ProcedureVersion:
    for version in rules.procedure:
        if version.in_force_on(decided_on):
            return version
    raise NoApplicableLawError(kind, f"{decided_on.isoformat()} (procedure)")


def _procedure(
    version: ProcedureVersion, penalties: tuple[Penalty, ...], fines: tuple[FineRange, ...]
) -> tuple[Procedure | None, Hearing, dict[str, float] | None, list[Citation]]:
    """Summary procedure only where every possible fine is within the on-the-spot limit."""
    if not penalties:
        return None, Hearing.NO, None, []
    basis: list[Citation] = []
    summary = set(penalties) <= _SUMMARY_PENALTIES and all(
        _within_summary(version, fine) for fine in fines
    )
    if summary:
        basis.append(version.summary_citation)
    procedure = Procedure.SUMMARY if summary else Procedure.GENERAL
    thresholds: dict[str, float] | None = None
    if any(penalty in version.hearing_always_for for penalty in penalties) or any(
        fine.min_yuan >= _large_fine(version, fine) for fine in fines
    ):
        hearing = Hearing.REQUIRED
    elif any(fine.max_yuan >= _large_fine(version, fine) for fine in fines):
        hearing = Hearing.IF_FINE_REACHES
        thresholds = dict(version.large_fine_from)
    else:
        hearing = Hearing.NO
    if hearing is not Hearing.NO:
        basis.append(version.hearing_citation)
    return procedure, hearing, thresholds, basis


def _limit_key(fine: FineRange) -> str:
    return "individual" if fine.target.is_individual else "unit"


def _within_summary(version: ProcedureVersion, fine: FineRange) -> bool:
    limit = version.summary_limits[_limit_key(fine)]
    return fine.max_yuan <= limit if version.summary_inclusive else fine.max_yuan < limit


def _large_fine(version: ProcedureVersion, fine: FineRange) -> float:
    return version.large_fine_from[_limit_key(fine)]
