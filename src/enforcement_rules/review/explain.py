"""A decision explained in readable Chinese and English: the facts, every rule fired and why."""

from __future__ import annotations

import datetime as dt

from ..contract.decision import Decision
from ..contract.facts import Violation
from ..contract.fines import FineRange
from ..rulebook.conditions import AllOf, AnyOf, Condition, Not, Test
from ..rulebook.model import RuleSet

_OPS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}

#: A rule file's review status as legal staff read it: Chinese first.
REVIEW_LABELS = {"verified": "已核对 verified", "pending": "待核 pending"}


def review_label(review: str) -> str:
    return REVIEW_LABELS.get(review, review)


def describe(condition: Condition) -> str:
    """A condition in words, e.g. `kind ∈ {a, b} 且 (and) overdue = false`."""
    if isinstance(condition, AllOf):
        return " 且 (and) ".join(_wrap(item) for item in condition.items)
    if isinstance(condition, AnyOf):
        return " 或 (or) ".join(_wrap(item) for item in condition.items)
    if isinstance(condition, Not):
        return f"非 (not) [{describe(condition.item)}]"
    return _describe_test(condition)


def _wrap(condition: Condition) -> str:
    text = describe(condition)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _describe_test(test: Test) -> str:
    value = test.value
    if test.op == "eq":
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f"{test.field} {'≠' if test.negated else '='} {shown}"
    if test.op == "in":
        assert isinstance(value, tuple)
        return f"{test.field} {'∉' if test.negated else '∈'} {{{', '.join(value)}}}"
    if test.op == "includes":
        assert isinstance(value, tuple)
        return f"{test.field} {'excludes' if test.negated else 'includes'} {', '.join(value)}"
    if test.op == "exists":
        field = (
            test.field.removesuffix("_fen") + "_yuan" if test.field.endswith("_fen") else test.field
        )
        return f"{field} {'is given' if value else 'is not given'}"
    field, shown = test.field, str(value)
    if field.endswith("_on") and isinstance(value, int):
        shown = dt.date.fromordinal(value).isoformat()
    elif field.endswith("_fen") and isinstance(value, int | float):
        field, shown = field.removesuffix("_fen") + "_yuan", yuan(value / 100)
    return f"{field} {_OPS[test.op]} {shown}"


def yuan(amount: float) -> str:
    """An amount as legal staff write it: thousands separated, no needless decimals."""
    return f"{int(amount):,}" if float(amount).is_integer() else f"{amount:,.2f}"


def describe_fine(fine: FineRange) -> str:
    """A fine range as the law states it: yuan bounds, or multiples of the illegal income."""
    how = "应当处 (mandatory)" if fine.mandatory else "可以处 (discretionary)"
    if fine.income_share is not None:
        bottom, top = (f"{share * 100:g}%" for share in fine.income_share)
        shares = bottom if bottom == top else f"{bottom}–{top}"
        text = f"上一年年收入的 {shares} ({shares} of the previous year's income)"
        if fine.amount_known:
            text += f" = {yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} 元 (yuan)"
        return f"{text}, {how}"
    if fine.income_multiple is not None and fine.max_yuan == 0:
        low, high = fine.income_multiple
        return f"违法所得 {low:g}–{high:g} 倍 ({low:g} to {high:g} times the illegal income), {how}"
    return f"{yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} 元 (yuan), {how}"


def explain(rules: RuleSet, violation: Violation, decision: Decision) -> str:
    """The trace of one decision as text for inspectors and legal staff."""
    kind = rules.kinds[violation.kind]
    lines = [
        f"违法行为 (violation): {kind.zh} ({kind.en}) [{violation.kind}]",
        f"发生日期 (occurred on): {violation.occurred_on}; 发现 (discovered): "
        f"{violation.discovered_on}; 决定 (decided): {violation.decided_on}",
        f"行业 (sector): {violation.sector.label}; 事故隐患 (hazard): {violation.hazard.label}",
        f"适用法律版本 (law version applied): {decision.law_version}",
        "",
        "触发的规则 (rules fired):",
    ]
    if len(decision.candidates) > 1:
        applied = {True: "适用 (applied)", False: "未适用 (not applied)"}
        lines[4:4] = [
            f"  候选 (candidate) {c.law_version}: {applied[c.applied]}" for c in decision.candidates
        ] + [f"  理由 (reason): {decision.candidates[0].reason}"]
    else:
        lines.insert(
            4, "  违法行为发生时施行的版本 (the version in force when the violation occurred)"
        )
    for number, step in enumerate(decision.trace, start=1):
        rule = rules.rule(step.rule_id)
        lines.append(f"  {number}. {step.rule_id} — {step.title}")
        lines.append(f"     条件 (because): {describe(rule.when)}")
        if step.citations:
            lines.append(f"     依据 (cites): {'; '.join(step.citations)}")
        lines.append(
            f"     文件 (file): {step.file}:{step.line}  [{review_label(rule.provision.review)}]"
        )
        if step.not_applied:
            lines.append(f"     未适用 (not applied): {step.not_applied}")
    lines.append("")
    lines.append("现场处理措施 (on-site measures):")
    lines.extend(f"  - {m.label}" for m in decision.measures)
    if decision.penalties:
        lines.append("行政处罚 (penalties): " + "; ".join(p.label for p in decision.penalties))
    else:
        lines.append("行政处罚 (penalties): 无 (none)")
    basis = decision.penalty_basis
    if basis is not None:
        lines.append(f"处罚依据 (penalty basis): {basis.label}")
    if decision.referred_to is not None:
        law = rules.laws.get(decision.referred_to)
        name = f"{law.zh} ({law.en})" if law is not None else decision.referred_to
        lines.append(f"  转引 (referred to): {name}")
    if decision.competent_authority is not None:
        lines.append(f"  决定机关 (decided by): {decision.competent_authority.label}")
    for fine in decision.fines:
        version = f" [{fine.law_version}]" if fine.law_version else ""
        lines.append(f"  罚款 (fine) {fine.target.label}: {describe_fine(fine)}{version}")
    if decision.penalty_adjustment.value != "none":
        lines.append(f"处罚调整 (penalty adjustment): {decision.penalty_adjustment.label}")
    if decision.daily_fine:
        lines.append("按日连续处罚 (daily fine): 可以适用 (may follow)")
    procedure = "—" if decision.procedure is None else decision.procedure.label
    lines.append(f"程序 (procedure): {procedure}; 听证 (hearing): {decision.hearing.label}")
    if decision.hearing_thresholds_yuan:
        amounts = ", ".join(f"{k} ≥ {v:,.0f}" for k, v in decision.hearing_thresholds_yuan.items())
        lines.append(f"  听证门槛 (hearing thresholds, yuan): {amounts}")
    lines.append(f"主管科室 (section): {decision.section.label}")
    lines.append("法律依据 (legal basis):")
    for citation in decision.legal_basis:
        lines.append(f"  - {citation.label}: {citation.text_zh}")
    if decision.notes:
        lines.append("备注 (notes):")
        lines.extend(f"  - {note}" for note in decision.notes)
    provenance = decision.provenance
    if provenance is not None:
        pending = ", ".join(provenance.pending_rules) or "无 (none)"
        lines.append(
            f"来源 (provenance): enforcement-rules {provenance.library_version}, 规则集 (rules) "
            f"{provenance.rules_digest}; 待核规则 (rules pending review): {pending}"
        )
    return "\n".join(lines)
