"""Several findings of one inspection against one unit: each decided, then combined.

Each finding is decided on its own by the `Decider` (its own law version, stage, measures,
basis and, with a benchmark, its band). The combination follows the law in
`rules/inspections/combining.yaml`, by the decision date:
- findings another authority decides (`competent_authority`) are listed apart, by authority,
  and never added to the bureau's; a finding of which the bureau still fines a party (the
  principal who absconded: the bureau fines, public security detains) is in both;
- the bureau's findings form acts: a `same_act` group is one act breaking several provisions,
  fined once: from 2021-07-15 under the provision with the highest fine (APL 2021 Art. 29, the
  `concurrence` of procedure.yaml that precedence applies within one finding, ranked by the same
  `severity.weight`); before, APL 1996 Art. 24 says only "once" (combining.yaml): the range spans
  the provisions' ranges; every other finding is an act of its own;
- the acts' fines are added up per target (分别裁量、合并处罚): floors of mandatory fines only
  (a 可以处 fine may be left out), ceilings of all; the suggested bands likewise, where every
  fined act has one for that target;
- measures and penalty categories are the union, in the law's order; procedure and hearing are
  judged on the combined amounts, as for one decision (`resolve._procedure`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..contract.citation import Citation
from ..contract.decision import Decision, Provenance
from ..contract.errors import FactError
from ..contract.fines import FineRange, yuan
from ..contract.inspection import (
    Band,
    CombinedDecision,
    Inspection,
    InspectionDecision,
    Transfer,
)
from ..contract.version import library_version
from ..contract.vocabulary import Authority, FineTarget, Measure, Penalty, PenaltyBasis
from ..rulebook.model import RuleSet
from .decider import Decider, decider_for
from .resolve import _procedure, procedure_version
from .severity import weight


def decide_inspection(
    inspection: Inspection | Mapping[str, Any], *, rules: RuleSet | None = None
) -> InspectionDecision:
    """Decide an inspection (an `Inspection`, or its JSON form: docs/vocabulary.md)."""
    return InspectionDecider(decider_for(rules)).decide(inspection)


class InspectionDecider:
    """Decides inspections with one `Decider` (its caches are shared with single decisions)."""

    def __init__(self, decider: Decider):
        self.decider = decider
        self.rules = decider.rules

    def inspection(self, data: Inspection | Mapping[str, Any]) -> Inspection:
        if isinstance(data, Inspection):
            return data
        return Inspection.from_dict(data, kinds=self.rules.kinds, today=self.decider._today())

    def decide(self, data: Inspection | Mapping[str, Any]) -> InspectionDecision:
        inspection = self.inspection(data)
        decisions = tuple(self.decider.decide_many(inspection.findings))
        others: dict[Authority, list[int]] = {}
        own: list[int] = []
        for index, decision in enumerate(decisions):
            authority = decision.competent_authority
            if authority is not None:  # the whole finding, or a part of it (a referral)
                others.setdefault(authority, []).append(index)
            if authority is None or (
                decision.penalty_basis is not PenaltyBasis.NOT_COMPETENT and decision.fines
            ):
                own.append(index)
        grouped = {i for group in inspection.same_act for i in group}
        for number, group in enumerate(inspection.same_act):
            if len({i in own for i in group}) > 1:
                raise FactError(
                    f"same_act[{number}]",
                    "the group mixes findings of the bureau and of another authority",
                    "findings of one act decided by one authority",
                )
        acts = sorted(
            [*inspection.same_act, *((i,) for i in range(len(decisions)) if i not in grouped)],
            key=lambda act: act[0],
        )
        own_acts = [act for act in acts if act[0] in own]
        combined = self._combine(inspection, decisions, own_acts) if own else None
        transfers = tuple(
            Transfer(
                competent_authority=authority,
                findings=tuple(indices),
                legal_basis=_union(decisions[i].legal_basis for i in indices),
            )
            for authority, indices in sorted(
                others.items(), key=lambda item: list(Authority).index(item[0])
            )
        )
        pending = _union(d.provenance.pending_rules for d in decisions if d.provenance is not None)
        return InspectionDecision(
            findings=decisions,
            acts=tuple(acts),
            combined=combined,
            other_authorities=transfers,
            provenance=Provenance(library_version(), self.rules.digest, pending),
            ref=inspection.ref,
        )

    def _combine(
        self,
        inspection: Inspection,
        decisions: Sequence[Decision],
        acts: Sequence[tuple[int, ...]],
    ) -> CombinedDecision:
        day = inspection.decided_on
        combining = self.rules.combining
        notes: list[str] = []
        basis: list[Citation] = []
        findings = tuple(i for act in acts for i in act)
        per_act: list[tuple[tuple[FineRange, ...], dict[FineTarget, Band] | None]] = []
        for act in acts:
            if len(act) == 1:
                decision = decisions[act[0]]
                per_act.append((decision.fines, _bands(decision)))
                continue
            citation, policy = self._same_act_rule(inspection, day)
            basis.append(citation)
            per_act.append(self._one_act(act, decisions, policy, notes))
        if len(acts) > 1:
            rule = None if combining is None else combining.separate_acts_on(day)
            if rule is not None:
                basis.append(rule.citation)
                notes.append(
                    "数个违法行为分别裁量、合并处罚，罚款按处罚对象相加 (several violations: each "
                    "assessed, penalised together; fines added up per target)"
                )
            else:
                notes.append(
                    "该决定日期未编码数个违法行为合并处罚的规定，各违法行为分别处罚，罚款按处罚对象"
                    f"相加 (no rule on combining several violations is encoded for {day}: each "
                    "violation carries its own penalty; fines added up per target)"
                )
        fines = _sum_fines([fines for fines, _ in per_act])
        suggested, gaps = _sum_bands(per_act, fines)
        for target in gaps:
            notes.append(
                f"并非每项罚款都有裁量基准档次，{target.zh}的合计建议档次未给出 (not every fine of "
                f"{target.value} has a benchmark band: no combined band)"
            )
        bureau = [decisions[i] for i in findings]
        measures = tuple(sorted({m for d in bureau for m in d.measures}, key=Measure.rank))
        penalties = tuple(sorted({p for d in bureau for p in d.penalties}, key=Penalty.rank))
        kind = inspection.findings[findings[0]].kind
        version = procedure_version(self.rules, kind, day)
        procedure, summary, hearing, thresholds, extra, procedure_notes = _procedure(
            version, self.rules.large_fine_on(day), penalties, fines
        )
        if fines:
            totals = "; ".join(
                f"{fine.target.zh} {yuan(fine.min_yuan)}–{yuan(fine.max_yuan)}"
                for fine in fines
                if fine.amount_known
            )
            if totals:
                notes.append(
                    f"程序和听证按合并后的罚款数额判断：{totals}元 (procedure and hearing judged "
                    "on the combined amounts)"
                )
        return CombinedDecision(
            findings=findings,
            measures=measures,
            penalties=penalties,
            fines=fines,
            suggested=suggested,
            procedure=procedure,
            summary_thresholds_yuan=summary,
            hearing=hearing,
            hearing_thresholds_yuan=thresholds,
            legal_basis=_union([basis, extra]),
            notes=(*notes, *procedure_notes),
        )

    def _same_act_rule(self, inspection: Inspection, day: dt.date) -> tuple[Citation, str]:
        """The rule for one act breaking several provisions on `day`: the concurrence rule of
        procedure.yaml (the one precedence uses for one finding), else combining.yaml's."""
        version = procedure_version(self.rules, inspection.findings[0].kind, day)
        if version.concurrence_citation is not None:
            return version.concurrence_citation, "highest_fine"
        combining = self.rules.combining
        rule = None if combining is None else combining.same_act_on(day)
        if rule is None or rule.policy is None:
            raise FactError(
                "same_act",
                f"the rule set encodes no rule for one act breaking several provisions on {day}",
                "no same_act groups for this decision date",
            )
        return rule.citation, rule.policy

    def _one_act(
        self,
        act: tuple[int, ...],
        decisions: Sequence[Decision],
        policy: str,
        notes: list[str],
    ) -> tuple[tuple[FineRange, ...], dict[FineTarget, Band] | None]:
        """The fine of one act breaking several provisions: once, under the combining rule."""
        shown = "、".join(str(i) for i in act)
        fined = [i for i in act if decisions[i].fines]
        if not fined:
            return (), None
        if policy == "highest_fine":
            ranked = sorted(
                fined, key=lambda i: weight((), decisions[i].fines), reverse=True
            )  # stable: the first listed wins a tie
            chosen = ranked[0]
            tie = len(ranked) > 1 and weight((), decisions[ranked[1]].fines) == weight(
                (), decisions[chosen].fines
            )
            notes.append(
                f"发现{shown}为同一违法行为，按罚款数额高的规定（发现{chosen}）处罚一次 "
                f"(findings {', '.join(map(str, act))} are one act: fined once, under the "
                f"provision with the highest fine, finding {chosen})"
                + ("；罚款相同，取所列第一项 (equal fines: the first listed)" if tie else "")
            )
            return decisions[chosen].fines, _bands(decisions[chosen])
        # one_fine: once, but the law does not say whose: any one of the provisions' ranges.
        notes.append(
            f"发现{shown}为同一违法行为，只能罚款一次；法律未规定适用哪一规定，罚款幅度为各规定"
            f"幅度的并集，由执法人员择一适用 (findings {', '.join(map(str, act))} are one act: "
            "one fine only; the law does not say whose, so the range spans the provisions')"
        )
        spans: dict[FineTarget, list[FineRange]] = {}
        for i in fined:
            for fine in decisions[i].fines:
                spans.setdefault(fine.target, []).append(fine)
        fines = tuple(
            FineRange(
                target,
                min(f.min_yuan for f in found),
                max(f.max_yuan for f in found),
                all(f.mandatory for f in found),
                law_version=_one_version(found),
                amount_known=all(f.amount_known for f in found),
            )
            for target, found in sorted(spans.items(), key=lambda item: item[0].order)
        )
        return fines, None


def _bands(decision: Decision) -> dict[FineTarget, Band]:
    return {s.target: Band(s.target, s.min_yuan, s.max_yuan) for s in decision.suggested}


def _one_version(fines: Sequence[FineRange]) -> str | None:
    versions = {fine.law_version for fine in fines}
    return versions.pop() if len(versions) == 1 else None


def _sum_fines(acts: Sequence[Sequence[FineRange]]) -> tuple[FineRange, ...]:
    """The acts' fines added up per target: floors of mandatory fines, ceilings of all."""
    by_target: dict[FineTarget, list[FineRange]] = {}
    for fines in acts:
        for fine in fines:
            by_target.setdefault(fine.target, []).append(fine)
    return tuple(
        FineRange(
            target,
            sum(f.min_yuan for f in found if f.mandatory),
            sum(f.max_yuan for f in found),
            any(f.mandatory for f in found),
            law_version=_one_version(found),
            amount_known=all(f.amount_known for f in found),
        )
        for target, found in sorted(by_target.items(), key=lambda item: item[0].order)
    )


def _sum_bands(
    acts: Sequence[tuple[Sequence[FineRange], dict[FineTarget, Band] | None]],
    fines: Sequence[FineRange],
) -> tuple[tuple[Band, ...], list[FineTarget]]:
    """Bands added up per target where every act fining that target has one; else a gap."""
    bands: list[Band] = []
    gaps: list[FineTarget] = []
    for fine in fines:
        found = [
            (band or {}).get(fine.target)
            for act_fines, band in acts
            if any(f.target is fine.target for f in act_fines)
        ]
        if all(b is not None for b in found) and found:
            present = [b for b in found if b is not None]
            bands.append(
                Band(
                    fine.target,
                    sum(b.min_yuan for b in present),
                    sum(b.max_yuan for b in present),
                )
            )
        elif any(b is not None for b in found):
            gaps.append(fine.target)
    return tuple(bands), gaps


def _union(groups: Iterable[Iterable[Any]]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))
