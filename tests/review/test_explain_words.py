"""`explain` for legal staff (issue 16): conditions in words, formal citations, zh | en | both."""

from __future__ import annotations

import pytest

import enforcement_rules as er
from enforcement_rules.review.explain import LANGS, formal_citation, in_words

FACTS = {"kind": "no_warning_signs", "occurred_on": "2024-03-01", "overdue": True}


def test_a_condition_names_the_kind_in_chinese_not_its_code(rules: er.RuleSet) -> None:
    rule = rules.rule("wsl2021-99-overdue")
    zh = in_words(rule.when, rules.kinds, "zh")
    assert "违法行为为以下之一：“未设置明显的安全警示标志”" in zh
    assert "逾期未改正：是" in zh and "情节严重：否" in zh
    assert "no_warning_signs" not in zh and "overdue" not in zh
    en = in_words(rule.when, rules.kinds, "en")
    assert "violation is one of: no conspicuous safety warning signs" in en
    assert "overdue: yes; and serious: no" in en
    assert in_words(rule.when, rules.kinds, "both") == f"{zh} ({en})"


def test_every_condition_of_the_bundled_rules_reads_without_field_codes(
    rules: er.RuleSet,
) -> None:
    for rule in rules.rules:
        text = in_words(rule.when, rules.kinds, "zh")
        assert "_" not in text, (rule.id, text)  # no code such as illegal_income_fen


def test_amounts_and_years_read_as_people_say_them(rules: er.RuleSet) -> None:
    income = next(r for r in rules.rules if "illegal_income_yuan ≥ 100,000" in er_describe(r))
    assert "违法所得 ≥ 100,000 元" in in_words(income.when, rules.kinds, "zh")
    barred = next(r for r in rules.rules if "discovered_after_full_years" in er_describe(r))
    assert "违法行为发生后满2年才被发现" in in_words(barred.when, rules.kinds, "zh")


def er_describe(rule: er.Rule) -> str:
    from enforcement_rules.review.explain import describe

    return describe(rule.when)


def test_a_citation_is_written_in_the_formal_chinese_form(rules: er.RuleSet) -> None:
    citation = er.Citation("work_safety_law", "2021-06-10", 99, None, 3)
    assert formal_citation(rules.laws, citation, "zh") == (
        "《中华人民共和国安全生产法》第九十九条第（三）项（2021年6月10日版本）"
    )
    measures = er.Citation("penalty_measures", "2015-04-02", 14, 1, 2)
    assert formal_citation(rules.laws, measures, "zh").startswith(
        "《安全生产违法行为行政处罚办法》第十四条第一款第（二）项"
    )  # the title from laws.yaml's title_zh, not its longer zh with the order numbers
    assert formal_citation(rules.laws, citation, "en") == (
        "Work Safety Law of the People's Republic of China (2021-06-10) Art. 99 item 3"
    )


def test_explain_is_public_and_speaks_the_language_asked() -> None:
    both = er.explain(FACTS)
    assert "法律依据 (legal basis):" in both and "《中华人民共和国安全生产法》第九十九条" in both
    zh = er.explain(FACTS, lang="zh")
    assert "法律依据:" in zh and "(legal basis)" not in zh
    en = er.explain(FACTS, lang="en")
    assert "legal basis:" in en and "法律依据" not in en and "Art. 99 item 1" in en
    assert set(LANGS) == {"zh", "en", "both"}
    with pytest.raises(ValueError, match="allowed: zh, en, both"):
        er.explain(FACTS, lang="fr")  # type: ignore[arg-type]


def test_explain_raises_the_typed_errors_of_decide() -> None:
    with pytest.raises(er.FactError, match="did you mean 'no_warning_signs'"):
        er.explain({**FACTS, "kind": "no_warning_sign"})
