"""A decision explained in readable Chinese and English: the facts, every rule fired and why."""

from __future__ import annotations

import datetime as dt

from ..contract.decision import Decision
from ..contract.facts import Violation
from ..contract.fines import FineRange, yuan
from ..rulebook.conditions import AllOf, AnyOf, Condition, Not, Test
from ..rulebook.model import RuleSet

_OPS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


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


def describe_fine(fine: FineRange) -> str:
    """A fine range as the law states it: yuan bounds, or multiples of the illegal income."""
    how = "应当处 (mandatory)" if fine.mandatory else "可以处 (discretionary)"
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
        lines.append(f"     文件 (file): {step.file}:{step.line}  [{rule.provision.review}]")
    lines.append("")
    lines.append("现场处理措施 (on-site measures):")
    lines.extend(f"  - {m.label}" for m in decision.measures)
    if decision.penalties:
        lines.append("行政处罚 (penalties): " + "; ".join(p.label for p in decision.penalties))
    else:
        lines.append("行政处罚 (penalties): 无 (none)")
    lines.extend(
        f"  罚款 (fine) {fine.target.label}: {describe_fine(fine)}" for fine in decision.fines
    )
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
    return "\n".join(lines)
