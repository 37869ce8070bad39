"""A decision explained for inspectors and legal staff: Chinese first, English beside.

`explain` writes the facts, the law version and why it applies, every rule that fired with its
condition in words (the kind's Chinese name, not its code) and its formal citation
(《中华人民共和国安全生产法》第九十九条第（三）项), then the outcome. `lang` chooses `zh`, `en` or
`both` (`中文 (English)`). `describe` keeps the condition as written in the rule file, for
developers and the diff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal, Protocol

from ..contract.citation import Citation, chinese_date
from ..contract.decision import Decision
from ..contract.facts import Violation
from ..contract.fines import FineRange, yuan
from ..contract.vocabulary import (
    FACT_FIELDS,
    AccidentGrade,
    Circumstance,
    Code,
    Hazard,
    LicenceStatus,
    Sector,
)
from ..deciding.decider import Facts, decider_for
from ..rulebook.conditions import AllOf, AnyOf, Condition, Not, Test
from ..rulebook.model import Law, RuleSet

Lang = Literal["zh", "en", "both"]
LANGS: tuple[Lang, ...] = ("zh", "en", "both")

_OPS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def describe(condition: Condition) -> str:
    """A condition as the rule file writes it, e.g. `kind ∈ {a, b} 且 (and) overdue = false`."""
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


# -- conditions in words -------------------------------------------------------------------


class Named(Protocol):
    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...


_CODES: dict[str, type[Code]] = {
    "sector": Sector,
    "hazard": Hazard,
    "circumstances": Circumstance,
    "licence_status": LicenceStatus,
    "accident_grade": AccidentGrade,
    "stated_accident_grade": AccidentGrade,
    "grade_by_numbers": AccidentGrade,
}


def in_words(condition: Condition, kinds: Mapping[str, Named], lang: Lang = "both") -> str:
    """A condition in words: `违法行为为“未设置明显的安全警示标志”；且 逾期未改正：否` in Chinese,
    `violation is no warning signs; and overdue: no` in English, or both (Chinese, then the
    English in parentheses)."""
    if lang == "both":
        return f"{in_words(condition, kinds, 'zh')} ({in_words(condition, kinds, 'en')})"
    return _words(condition, kinds, lang)


def _words(condition: Condition, kinds: Mapping[str, Named], lang: Lang) -> str:
    zh = lang == "zh"
    if isinstance(condition, AllOf | AnyOf):
        if not condition.items:
            return "任何情形" if zh else "always"
        joiner = (
            ("；且 " if zh else "; and ")
            if isinstance(condition, AllOf)
            else ("；或者 " if zh else "; or ")
        )
        return joiner.join(_words_wrapped(item, kinds, lang) for item in condition.items)
    if isinstance(condition, Not):
        inner = _words(condition.item, kinds, lang)
        return f"并非〔{inner}〕" if zh else f"not [{inner}]"
    return _test_words(condition, kinds, zh)


def _words_wrapped(condition: Condition, kinds: Mapping[str, Named], lang: Lang) -> str:
    text = _words(condition, kinds, lang)
    if isinstance(condition, AllOf | AnyOf) and len(condition.items) > 1:
        return f"〔{text}〕" if lang == "zh" else f"[{text}]"
    return text


def _field_name(field: str, zh: bool) -> str:
    base = field.removesuffix("_fen") + "_yuan" if field.endswith("_fen") else field
    names = FACT_FIELDS.get(base)
    if names is None:
        return field
    return names[0] if zh else names[1]


def _value_name(field: str, code: str, kinds: Mapping[str, Named], zh: bool) -> str:
    named: Named | None = None
    if field == "kind":
        named = kinds.get(code)
    elif field in _CODES:
        try:
            named = _CODES[field].parse(code)
        except ValueError:
            named = None
    if named is None:
        return code
    return f"“{named.zh}”" if zh else named.en


def _test_words(test: Test, kinds: Mapping[str, Named], zh: bool) -> str:
    field, value, negated = test.field, test.value, test.negated
    name = _field_name(field, zh)
    if test.op == "eq" and isinstance(value, bool):
        yes = value != negated
        return f"{name}：{'是' if yes else '否'}" if zh else f"{name}: {'yes' if yes else 'no'}"
    if test.op in ("eq", "in"):
        codes = (value,) if not isinstance(value, tuple) else value
        shown = [_value_name(field, str(code), kinds, zh) for code in codes]
        if zh:
            listed = "、".join(shown)
            if len(shown) == 1:
                return f"{name}{'不' if negated else ''}为{listed}"
            return f"{name}{'不为以下任一' if negated else '为以下之一'}：{listed}"
        listed = "; ".join(shown)
        if len(shown) == 1:
            return f"{name} is {'not ' if negated else ''}{listed}"
        return f"{name} is {'none' if negated else 'one'} of: {listed}"
    if test.op == "includes":
        assert isinstance(value, tuple)
        shown = [_value_name(field, code, kinds, zh) for code in value]
        if zh:
            return f"{'不具有' if negated else '具有'}{'或'.join(shown)}情节"
        return f"{'without' if negated else 'with'} circumstance {' or '.join(shown)}"
    if test.op == "exists":
        known = bool(value) != negated
        if zh:
            return f"{name}{'已查明' if known else '未查明'}"
        return f"{name} {'is known' if known else 'is not known'}"
    number: str = str(value)
    if field.endswith("_on") and isinstance(value, int):
        day = dt.date.fromordinal(value).isoformat()
        number = chinese_date(day) if zh else day
    elif field.endswith("_fen") and isinstance(value, int | float):
        number = f"{yuan(value / 100)} {'元' if zh else 'yuan'}"
    if field == "discovered_after_full_years" and test.op == "gte" and isinstance(value, int):
        if zh:
            return f"违法行为发生后满{value}年才被发现"
        return f"discovered {value} or more full years after it occurred"
    return f"{name} {_OPS[test.op]} {number}"


# -- amounts and citations -------------------------------------------------------------------


def describe_fine(fine: FineRange, lang: Lang = "both") -> str:
    """A fine range as the law states it: yuan bounds, multiples of the illegal income, or
    shares of the previous year's income."""
    pick = _picker(lang)
    how = pick("应当处", "mandatory") if fine.mandatory else pick("可以处", "discretionary")
    if fine.income_share is not None:
        bottom, top = (f"{share * 100:g}%" for share in fine.income_share)
        shares = bottom if bottom == top else f"{bottom}–{top}"
        text = pick(f"上一年年收入的 {shares}", f"{shares} of the previous year's income")
        if fine.amount_known:
            text += f" = {yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} {pick('元', 'yuan')}"
        return f"{text}, {how}"
    if fine.income_multiple is not None and fine.max_yuan == 0:
        low, high = fine.income_multiple
        amount = pick(
            f"违法所得 {low:g}–{high:g} 倍", f"{low:g} to {high:g} times the illegal income"
        )
        return f"{amount}, {how}"
    return f"{yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} {pick('元', 'yuan')}, {how}"


def formal_citation(laws: Mapping[str, Law], citation: Citation, lang: Lang = "both") -> str:
    """A citation as legal documents write it, with its version:
    `《中华人民共和国安全生产法》第九十九条第（三）项（2021年6月10日版本）`, in English
    `Work Safety Law of the People's Republic of China (2021-06-10) Art. 99 item 3`."""
    law = laws.get(citation.law)
    zh = citation.formal_zh(law.title if law else None, family=bool(law and law.family))
    zh += f"（{chinese_date(citation.version)}版本）"
    en = f"{law.en if law else citation.law} ({citation.version}) Art. {citation.article}"
    if citation.paragraph is not None:
        en += f" para. {citation.paragraph}"
    if citation.item is not None:
        en += f" item {citation.item}"
    return _picker(lang)(zh, en)


#: A rule file's review status as legal staff read it: Chinese first.
REVIEW_LABELS = {"verified": ("已核对", "verified"), "pending": ("待核", "pending")}


def review_label(review: str, lang: Lang = "both") -> str:
    zh, en = REVIEW_LABELS.get(review, (review, review))
    return {"zh": zh, "en": en}.get(lang, f"{zh} {en}")


def _picker(lang: Lang) -> Callable[[str, str], str]:
    if lang == "zh":
        return lambda zh, en: zh
    if lang == "en":
        return lambda zh, en: en
    return lambda zh, en: f"{zh} ({en})"


def _named(code: Code, lang: Lang) -> str:
    return _picker(lang)(code.zh, code.en)


# -- the explanation -------------------------------------------------------------------------


def explain(rules: RuleSet, violation: Violation, decision: Decision, lang: Lang = "both") -> str:
    """The trace of one decision as text for inspectors and legal staff."""
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} (allowed: {', '.join(LANGS)})")
    t = _picker(lang)
    kind = rules.kinds[violation.kind]
    lines = [
        f"{t('违法行为', 'violation')}: {t(kind.zh, kind.en)} [{violation.kind}]",
        f"{t('发生日期', 'occurred on')}: {violation.occurred_on}; "
        f"{t('发现', 'discovered')}: {violation.discovered_on}; "
        f"{t('决定', 'decided')}: {violation.decided_on}",
        f"{t('行业', 'sector')}: {_named(violation.sector, lang)}; "
        f"{t('事故隐患', 'hazard')}: {_named(violation.hazard, lang)}",
    ]
    if violation.ref is not None:
        lines.append(f"{t('编号', 'reference')}: {violation.ref}")
    lines.append(f"{t('适用法律版本', 'law version applied')}: {decision.law_version}")
    if len(decision.candidates) > 1:
        applied = {True: t("适用", "applied"), False: t("未适用", "not applied")}
        lines += [
            f"  {t('候选', 'candidate')} {c.law_version}: {applied[c.applied]}"
            for c in decision.candidates
        ]
        lines.append(f"  {t('理由', 'reason')}: {decision.candidates[0].reason}")
    else:
        lines.append(
            "  " + t("违法行为发生时施行的版本", "the version in force when the violation occurred")
        )
    lines += ["", t("触发的规则", "rules fired") + ":"]
    for number, step in enumerate(decision.trace, start=1):
        rule = rules.rule(step.rule_id)
        lines.append(f"  {number}. {step.rule_id} — {step.title}")
        lines.append(f"     {t('条件', 'because')}: {in_words(rule.when, rules.kinds, lang)}")
        cited = rule.citations(violation.kind)
        if cited:
            formal = "；".join(formal_citation(rules.laws, c, lang) for c in cited)
            lines.append(f"     {t('依据', 'cites')}: {formal}")
        review = review_label(rule.provision.review, lang)
        lines.append(f"     {t('文件', 'file')}: {step.file}:{step.line}  [{review}]")
        if step.not_applied:
            lines.append(f"     {t('未适用', 'not applied')}: {step.not_applied}")
        if step.fills:
            lines.append(f"     {t('适用于', 'applies to')}: {', '.join(step.fills)}")
    lines += ["", t("现场处理措施", "on-site measures") + ":"]
    lines.extend(f"  - {_named(m, lang)}" for m in decision.measures)
    if decision.penalties:
        shown = "; ".join(_named(p, lang) for p in decision.penalties)
    else:
        shown = t("无", "none")
    lines.append(f"{t('行政处罚', 'penalties')}: {shown}")
    lines.append(f"{t('处罚依据', 'penalty basis')}: {_named(decision.penalty_basis, lang)}")
    if decision.referred_to is not None:
        law = rules.laws.get(decision.referred_to)
        name = t(law.zh, law.en) if law is not None else decision.referred_to
        lines.append(f"  {t('转引', 'referred to')}: {name}")
    if decision.competent_authority is not None:
        authority = _named(decision.competent_authority, lang)
        lines.append(f"  {t('决定机关', 'decided by')}: {authority}")
    if decision.accident_grade is not None:
        lines.append(f"{t('事故等级', 'accident grade')}: {_named(decision.accident_grade, lang)}")
    for fine in decision.fines:
        version = f" [{fine.law_version}]" if fine.law_version else ""
        fined = describe_fine(fine, lang)
        lines.append(f"  {t('罚款', 'fine')} {_named(fine.target, lang)}: {fined}{version}")
    if decision.penalty_adjustment.value != "none":
        adjustment = _named(decision.penalty_adjustment, lang)
        lines.append(f"{t('处罚调整', 'penalty adjustment')}: {adjustment}")
    if decision.daily_fine:
        lines.append(f"{t('按日连续处罚', 'daily fine')}: {t('可以适用', 'may follow')}")
    procedure = "—" if decision.procedure is None else _named(decision.procedure, lang)
    lines.append(
        f"{t('程序', 'procedure')}: {procedure}; "
        f"{t('听证', 'hearing')}: {_named(decision.hearing, lang)}"
    )
    summary = t("简易程序限额（元）", "summary procedure limits, yuan")
    hearing = t("听证门槛（元）", "hearing thresholds, yuan")
    for label, amounts in (
        (summary, decision.summary_thresholds_yuan),
        (hearing, decision.hearing_thresholds_yuan),
    ):
        if amounts:
            shown = ", ".join(f"{key} ≥ {yuan(value)}" for key, value in amounts.items())
            lines.append(f"  {label}: {shown}")
    lines.append(f"{t('主管科室', 'section')}: {_named(decision.section, lang)}")
    lines.append(t("法律依据", "legal basis") + ":")
    for citation in decision.legal_basis:
        lines.append(f"  - {formal_citation(rules.laws, citation, lang)}")
        if citation.text_zh and lang != "en":
            lines.append(f"    {citation.text_zh}")
    if decision.notes:
        lines.append(t("备注", "notes") + ":")
        lines.extend(f"  - {note}" for note in decision.notes)
    provenance = decision.provenance
    if provenance is not None:
        pending = ", ".join(provenance.pending_rules) or t("无", "none")
        lines.append(
            f"{t('来源', 'provenance')}: enforcement-rules {provenance.library_version}, "
            f"{t('规则集', 'rules')} {provenance.rules_digest}; "
            f"{t('待核规则', 'rules pending review')}: {pending}"
        )
    return "\n".join(lines)


def explain_facts(facts: Facts, *, rules: RuleSet | None = None, lang: Lang = "both") -> str:
    """Decide `facts` (a dict in the JSON form, or a `Violation`) and explain the decision in
    words: `er.explain(facts)`. Bad facts raise the same typed errors as `er.decide`."""
    decider = decider_for(rules)
    violation = decider.violation(facts)
    return explain(decider.rules, violation, decider.decide(violation), lang)
