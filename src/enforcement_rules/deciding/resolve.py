"""Turn the rules that fired for one fact into one `Decision`, by a fixed policy.

- measures: the union over every fired rule, in the law's order of the six measures;
- penalty: exactly one fired penalty rule (none or two is a defect of the rule set, raised); it
  gives the penalty basis (decided, no provision, correction first, referred, another authority)
  and, per fine, the law version it stands under;
- adjustments (从轻, 减轻, 不予处罚, 超过时效): the heaviest one fired; `exempt` and `time_barred`
  remove penalties and fines;
- the daily fine (按日连续处罚) only where the unit itself was fined under the provision (at some
  stage: the overdue stage may add only a suspension); not where only persons are fined;
- procedure and hearing (`with_procedure`): from the Administrative Penalty Law version and the
  large-fine amounts in force on `decided_on`, once the fines are known in yuan and the law
  version of each party is chosen (`temporal`); a range whose floor allows the summary procedure
  gives `summary_if_fine_within`;
- section: the routing table; legal basis and trace: every fired rule, in firing order;
- provenance: the library, the rule set's digest and the fired rules still pending review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..contract.citation import Citation
from ..contract.decision import Decision, FiredRule, Provenance
from ..contract.errors import NoApplicableLawError, RuleConflictError
from ..contract.facts import Violation
from ..contract.fines import FineRange, yuan
from ..contract.version import library_version
from ..contract.vocabulary import (
    FineTarget,
    Hearing,
    Measure,
    Penalty,
    PenaltyAdjustment,
    Procedure,
)
from ..rulebook.conditions import DERIVED, atoms
from ..rulebook.model import LargeFineAmounts, ProcedureVersion, Rule, RuleSet
from . import derived, precedence

_SUMMARY_PENALTIES = frozenset({Penalty.WARNING, Penalty.FINE})
_NO_PENALTY = (PenaltyAdjustment.EXEMPT, PenaltyAdjustment.TIME_BARRED)


class Resolver:
    """Resolves fired rules under one rule set; what depends only on (rule, kind) is cached."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self._cited: dict[tuple[str, str], tuple[Citation, ...]] = {}
        self._steps: dict[tuple[str, str], FiredRule] = {}
        self._version = library_version()

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
                decides=(
                    "penalty"
                    if rule.then.decides_penalty
                    else "derives"
                    if rule.then.derive is not None
                    else "measures"
                ),
                law_version=rule.provision.law_version,
                file=self.rules.relative(rule.provision.file),
                line=rule.line,
                citations=tuple(c.label for c in self.citations(rule, kind)),
            )
        return found

    def _step(
        self, rule: Rule, kind: str, lost: str | None, fills: tuple[str, ...] = ()
    ) -> FiredRule:
        step = self.step(rule, kind)
        if lost is None and not fills:
            return step
        return attrs.evolve(step, not_applied=lost, fills=fills)

    def __call__(self, violation: Violation, fired_ids: Sequence[str]) -> Decision:
        """The decision for the fact's class: fines by income multiple not yet in yuan, and no
        procedure yet (both depend on more than the class: see `finish`, `with_procedure`)."""
        rules = self.rules
        kind = violation.kind
        fired = [rules.rule(rule_id) for rule_id in fired_ids]
        deciding = [rule for rule in fired if rule.then.decides_penalty]
        if not deciding:
            raise RuleConflictError(
                "no penalty rule fired for this fact (a gap in the rule set)", []
            )
        procedure = procedure_version(rules, kind, violation.decided_on)
        chosen = precedence.winner(deciding, rules.laws, procedure)
        if chosen is None:
            raise RuleConflictError(
                "more than one penalty rule fired for this fact and the instruments' precedence "
                "does not settle which applies (a conflict in the rule set)",
                [rule.id for rule in deciding],
            )
        penalty_rule = chosen.winner
        lost = dict((rule.id, reason) for rule, reason in chosen.lost)
        fills = {rule.id: tuple(p.value for p in parties) for rule, parties in chosen.fillers}
        outcome = penalty_rule.then
        version = penalty_rule.provision.law_version
        adjustment = max(
            (rule.then.penalty_adjustment for rule in fired), key=PenaltyAdjustment.rank
        )
        excused = adjustment in _NO_PENALTY
        penalties = () if excused else tuple(sorted(outcome.penalties or (), key=Penalty.rank))
        fines = () if excused else _fines_of(outcome.fines, version)
        filled: list[FineRange] = []
        for filler, parties in chosen.fillers:
            filled += [
                fine
                for fine in _fines_of(filler.then.fines, filler.provision.law_version)
                if fine.target in parties
            ]
        if filled and not excused:
            fines = tuple(sorted((*fines, *filled), key=lambda f: f.target.order))
            penalties = tuple(sorted({*penalties, Penalty.FINE}, key=Penalty.rank))
        measures = tuple(
            sorted({m for rule in fired for m in rule.then.measures}, key=Measure.rank)
        )
        # A derivation is part of the decision where the kind needs what it derives or the
        # penalty rule tests it (an accident's grade), not for a fact that merely states figures.
        deciding_rules = [penalty_rule, *(filler for filler, _ in chosen.fillers)]
        used = set(rules.kinds[kind].needs) | {
            t.field for rule in deciding_rules for t in atoms(rule.when) if t.field in DERIVED
        }
        applied = [
            rule
            for rule in fired
            if rule.id not in lost and (rule.then.derive is None or rule.then.derive[0] in used)
        ]
        basis = list(dict.fromkeys(c for rule in applied for c in self.citations(rule, kind)))
        if chosen.by_concurrence and procedure.concurrence_citation is not None:
            basis.append(procedure.concurrence_citation)
        notes = list(dict.fromkeys(note for rule in applied for note in rule.then.notes))
        notes += [f"未适用 {rule_id}：{reason} (not applied)" for rule_id, reason in lost.items()]
        notes += [
            f"{filler.id}适用于{'、'.join(p.zh for p in parties)}：效力更高的规定对其未设处罚 "
            f"({filler.id} applies to {', '.join(p.value for p in parties)}: the higher "
            "instrument provides no penalty for them)"
            for filler, parties in chosen.fillers
        ]
        pending = tuple(rule.id for rule in applied if rule.provision.review == "pending")
        daily = not excused and any(rule.then.daily_fine for rule in fired)
        return Decision(
            measures=measures,
            penalties=penalties,
            penalty_basis=outcome.penalty_basis,
            referred_to=outcome.referred_to,
            competent_authority=outcome.competent_authority,
            accident_grade=(
                derived.accident_grade(rules, fired_ids) if "accident_grade" in used else None
            ),
            fines=fines,
            penalty_adjustment=adjustment,
            procedure=None,
            hearing=Hearing.NO,
            daily_fine=daily and self._fines_unit(penalty_rule, kind),
            section=rules.routing.section(kind, violation.sector.value),
            law_version=version,
            legal_basis=tuple(basis),
            rules_fired=tuple(rule.id for rule in fired),
            notes=tuple(notes),
            provenance=Provenance(self._version, rules.digest, pending),
            trace=tuple(
                self._step(rule, kind, lost.get(rule.id), fills.get(rule.id, ())) for rule in fired
            ),
        )

    def _fines_unit(self, penalty_rule: Rule, kind: str) -> bool:
        """Whether the provision of `penalty_rule` fines the unit for `kind` at some stage."""
        return any(
            fine.target is FineTarget.UNIT
            for rule in self.rules.penalty_rules(kind)
            if rule.provision.file == penalty_rule.provision.file
            for fine in rule.then.fines
        )

    def finish(self, decision: Decision, violation: Violation) -> Decision:
        """Fines by income multiple or income share in yuan for this fact (fixed: unchanged)."""
        if not by_income(decision):
            return decision
        notes = list(decision.notes)
        fines = decision.fines
        if any(fine.income_multiple is not None for fine in fines):
            income = violation.illegal_income_yuan or 0.0
            fines = tuple(fine.for_income(income) for fine in fines)
            notes.append(
                f"罚款按违法所得{yuan(income)}元的倍数计算 "
                f"(fines computed as multiples of the illegal income of {yuan(income)} yuan)"
            )
        if any(fine.income_share is not None for fine in fines):
            annual = violation.annual_income_yuan
            fines = tuple(fine.for_annual_income(annual) for fine in fines)
            notes.append(
                "罚款按上一年年收入的比例计算，年收入未提供，仅列比例 (fines are shares of the "
                "previous year's income, which was not given: shares only)"
                if annual is None
                else f"罚款按上一年年收入{yuan(annual)}元的比例计算 (fines computed as shares of "
                f"the previous year's income of {yuan(annual)} yuan)"
            )
        return attrs.evolve(decision, fines=fines, notes=tuple(notes))

    def with_procedure(self, decision: Decision, violation: Violation) -> Decision:
        """Procedure and hearing for the decision as finally chosen."""
        day = violation.decided_on
        version = procedure_version(self.rules, violation.kind, day)
        amounts = self.rules.large_fine_on(day)
        procedure, summary, hearing, thresholds, extra, notes = _procedure(
            version, amounts, decision.penalties, decision.fines
        )
        basis = (*decision.legal_basis, *(c for c in extra if c not in decision.legal_basis))
        return attrs.evolve(
            decision,
            procedure=procedure,
            summary_thresholds_yuan=summary,
            hearing=hearing,
            hearing_thresholds_yuan=thresholds,
            legal_basis=basis,
            notes=(*decision.notes, *(note for note in notes if note not in decision.notes)),
        )


def _fines_of(fines: Sequence[FineRange], version: str) -> tuple[FineRange, ...]:
    ordered = sorted(fines, key=lambda f: f.target.order)
    return tuple(attrs.evolve(fine, law_version=version) for fine in ordered)


def by_income(decision: Decision) -> bool:
    """Whether some fine of the decision is a multiple of the illegal income (per fact)."""
    return any(
        fine.income_multiple is not None or fine.income_share is not None for fine in decision.fines
    )


def resolve(rules: RuleSet, violation: Violation, fired_ids: Sequence[str]) -> Decision:
    """One-off resolution without 从旧兼从轻 (a `Decider` keeps a `Resolver` instead)."""
    resolver = Resolver(rules)
    found = resolver.finish(resolver(violation, fired_ids), violation)
    return resolver.with_procedure(found, violation)


def procedure_version(rules: RuleSet, kind: str, decided_on: dt.date) -> ProcedureVersion:
    for version in rules.procedure:
        if version.in_force_on(decided_on):
            return version
    raise NoApplicableLawError(kind, f"{decided_on.isoformat()} (procedure)")


Thresholds = dict[str, float] | None


def _procedure(
    version: ProcedureVersion,
    amounts: LargeFineAmounts | None,
    penalties: tuple[Penalty, ...],
    fines: tuple[FineRange, ...],
) -> tuple[Procedure | None, Thresholds, Hearing, Thresholds, list[Citation], list[str]]:
    """Procedure (with the summary limits where they decide it), hearing (with the large-fine
    amounts where they decide it), the citations both rest on, and notes."""
    if not penalties:
        return None, None, Hearing.NO, None, [], []
    basis: list[Citation] = []
    notes: list[str] = []
    procedure, summary = Procedure.GENERAL, None
    if set(penalties) <= _SUMMARY_PENALTIES:
        if all(_within_summary(version, fine.max_yuan, fine) for fine in fines):
            procedure = Procedure.SUMMARY
        elif all(_within_summary(version, fine.min_yuan, fine) for fine in fines):
            procedure, summary = Procedure.SUMMARY_IF_FINE_WITHIN, dict(version.summary_limits)
        if procedure is not Procedure.GENERAL:
            basis.append(version.summary_citation)
    thresholds: Thresholds = None
    if any(penalty in version.hearing_always_for for penalty in penalties):
        hearing = Hearing.REQUIRED
    elif not fines:
        hearing = Hearing.NO
    elif amounts is None:
        hearing = Hearing.IF_FINE_REACHES
        notes.append(
            "该日期适用的较大数额罚款标准未编码，是否告知听证权利须按当时规定判断 (the large-fine "
            "amount in force on this date is not encoded: whether a hearing is due must be judged "
            "under the rules of the time)"
        )
    elif any(fine.amount_known and fine.min_yuan >= _amount(amounts, fine) for fine in fines):
        hearing = Hearing.REQUIRED
    elif any(not fine.amount_known or fine.max_yuan >= _amount(amounts, fine) for fine in fines):
        hearing, thresholds = Hearing.IF_FINE_REACHES, dict(amounts.from_yuan)
    else:
        hearing = Hearing.NO
    if hearing is not Hearing.NO:
        basis.append(version.hearing_citation)
        if amounts is not None and amounts.citation is not None:
            basis.append(amounts.citation)
        if amounts is not None and amounts.province is not None:
            notes.append(
                f"较大数额罚款按{amounts.province}规定的数额 (large fines as set by "
                f"{amounts.province}; source: {amounts.source})"
            )
    return procedure, summary, hearing, thresholds, basis, notes


def _limit_key(fine: FineRange) -> str:
    return "individual" if fine.target.is_individual else "unit"


def _within_summary(version: ProcedureVersion, amount: float, fine: FineRange) -> bool:
    if not fine.amount_known:  # a share of an income not given: the amount cannot be judged
        return False
    limit = version.summary_limits[_limit_key(fine)]
    return amount <= limit if version.summary_inclusive else amount < limit


def _amount(amounts: LargeFineAmounts, fine: FineRange) -> float:
    return amounts.from_yuan[_limit_key(fine)]
