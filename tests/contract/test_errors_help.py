"""Errors that help (issue 16): each bad-input kind says what was meant, in one error shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.contract.citation import chinese_numeral, formal_zh
from enforcement_rules.contract.errors import error_object, suggest
from enforcement_rules.contract.fines import json_amount, yuan

BASE = {"kind": "blocked_exits", "occurred_on": "2024-03-01"}
SHAPE = {"type", "field", "allowed", "suggestion", "message"}


def error_of(facts: dict[str, Any], **kwargs: Any) -> er.EnforcementRulesError:
    decider = er.Decider(er.default_rules(), today=lambda: dt.date(2026, 12, 1), **kwargs)
    with pytest.raises(er.EnforcementRulesError) as caught:
        decider.decide(facts)
    return caught.value


@pytest.mark.parametrize(
    ("facts", "field", "meant"),
    [
        ({**BASE, "kind": "blocked_exit"}, "kind", "blocked_exits"),
        ({**BASE, "kind": "Blocked-Exits"}, "kind", "blocked_exits"),
        ({**BASE, "kind": "no_warning_sign"}, "kind", "no_warning_signs"),
        ({**BASE, "sector": "constructoin"}, "sector", "construction"),
        ({**BASE, "hazard": "Major"}, "hazard", "major"),
        ({**BASE, "circumstances": ["first_offense"]}, "circumstances[0]", "first_offence"),
    ],
)
def test_a_misspelt_code_gets_the_code_meant(facts: dict[str, Any], field: str, meant: str) -> None:
    error = error_of(facts)
    assert isinstance(error, er.FactError)
    assert (error.field, error.suggestion) == (field, meant)
    assert f"did you mean '{meant}'?" in str(error)
    assert error.allowed_values is not None and meant in error.allowed_values


def test_a_misspelt_kind_does_not_list_every_code_in_the_message() -> None:
    kinds = len(er.default_rules().kinds)
    assert kinds > 34  # the Work Safety Law's 34 and the accident and regulation kinds
    error = error_of({**BASE, "kind": "blocked_exit"})
    assert f"{kinds} values allowed" in str(error)
    assert "catering_gas_alarm_missing" not in str(error)
    assert len(error.to_dict()["allowed"]) == kinds  # the list is there for programs


def test_a_kind_nothing_resembles_lists_the_allowed_codes() -> None:
    error = error_of({**BASE, "kind": "jaywalking"})
    assert error.suggestion is None and "allowed: accident_absconding, " in str(error)
    assert error.allowed_values is not None and "blocked_exits" in error.allowed_values


def test_a_chinese_name_two_kinds_share_equally_suggests_neither() -> None:
    # 安全警示标志 is in 未设置明显的安全警示标志 (WSL) and in the hazardous-chemicals kind
    # 未设置通讯、报警装置或安全警示标志: guessing one would send the caller to the wrong law
    assert error_of({**BASE, "kind": "没有安全警示标志"}).suggestion is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("出口、疏散通道不符合要求或被占用、锁闭、封堵", "blocked_exits"),  # the exact term
        ("安全出口被锁闭", "blocked_exits"),  # in other words
        ("特种作业人员无证", "uncertified_special_worker"),
        ("安全警示标志不明显", "no_warning_signs"),
    ],
)
def test_a_chinese_kind_name_is_answered_with_its_code(name: str, code: str) -> None:
    error = error_of({**BASE, "kind": name})
    assert isinstance(error, er.FactError) and error.suggestion == code
    assert code in str(error)


def test_the_exact_chinese_name_is_said_to_be_one() -> None:
    error = error_of({**BASE, "kind": "出口、疏散通道不符合要求或被占用、锁闭、封堵"})
    assert "is the Chinese name of kind 'blocked_exits' (write the code)" in str(error)
    sector = error_of({**BASE, "sector": "建筑施工"})
    assert "is the Chinese name of sector 'construction'" in str(sector)


def test_a_chinese_word_too_short_to_tell_suggests_nothing() -> None:
    assert error_of({**BASE, "kind": "违法"}).suggestion is None


def test_a_misspelt_field_is_one_error_not_missing_plus_unknown() -> None:
    error = error_of({"kind": "blocked_exits", "occured_on": "2024-03-01"})
    assert isinstance(error, er.FactError)  # one error, not FactErrors
    assert (error.field, error.suggestion) == ("occured_on", "occurred_on")
    assert "did you mean 'occurred_on'?" in str(error)


def test_a_misspelt_optional_field_is_suggested_too() -> None:
    error = error_of({**BASE, "sectr": "mining"})
    assert (error.field, error.suggestion) == ("sectr", "sector")


def test_a_misspelt_field_beside_other_errors_stays_one_error_each() -> None:
    error = error_of({"kind": "blocked_exits", "occured_on": "2024-03-01", "hazard": "huge"})
    assert isinstance(error, er.FactErrors)
    assert sorted(e.field for e in error.errors) == ["hazard", "occured_on"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2024/03/01", "2024-03-01"),
        ("2024.3.1", "2024-03-01"),
        ("20240301", "2024-03-01"),
        ("2024年3月1日", "2024-03-01"),
        ("2024-3-1", "2024-03-01"),
        ("2024-03-01T09:30:00", "2024-03-01"),
    ],
)
def test_a_date_in_another_format_says_the_format_and_the_day_meant(
    written: str, meant: str
) -> None:
    error = error_of({**BASE, "occurred_on": written})
    assert isinstance(error, er.FactError) and error.suggestion == meant
    assert "is not written as YYYY-MM-DD" in str(error) and f"did you mean '{meant}'?" in str(error)
    assert error.allowed == "an ISO date YYYY-MM-DD"


def test_a_day_that_does_not_exist_says_why() -> None:
    assert "(2023-02 has 28 days)" in str(error_of({**BASE, "occurred_on": "2023-02-29"}))
    assert "(there is no month 13)" in str(error_of({**BASE, "occurred_on": "2024-13-01"}))


def test_a_day_month_year_date_gets_no_guess() -> None:
    error = error_of({**BASE, "occurred_on": "01/03/2024"})  # 1 March or 3 January?
    assert error.suggestion is None and "YYYY-MM-DD" in str(error)


def test_a_date_after_today_is_an_error_without_a_stated_decision_day() -> None:
    error = error_of({**BASE, "occurred_on": "2052-03-01"})
    assert isinstance(error, er.FactError) and error.field == "occurred_on"
    assert "in the future of the decision day 2026-12-01" in str(error)
    assert error.allowed == "a date on or before 2026-12-01"


def test_a_stated_decision_day_may_lie_ahead_and_bounds_the_other_dates() -> None:
    decider = er.Decider(er.default_rules(), today=lambda: dt.date(2026, 12, 1))
    ahead = decider.decide({**BASE, "occurred_on": "2027-01-04", "decided_on": "2027-02-01"})
    assert ahead.law_version == "work_safety_law@2021-09-01"
    error = error_of({**BASE, "occurred_on": "2024-03-01", "decided_on": "2024-02-01"})
    assert (error.field, "2024-02-01 is before occurred_on 2024-03-01") == (
        "decided_on",
        str(error).split(": ", 1)[1].split(" (")[0],
    )


def test_every_error_has_one_json_shape() -> None:
    errors: list[BaseException] = [
        error_of({**BASE, "kind": "blocked_exit"}),
        error_of({**BASE, "hazard": "huge", "overdue": "yes"}),
        error_of({**BASE, "occurred_on": "1999-03-01"}),
        er.RuleSetError([er.RuleFileError("x.yaml", 3, "r-1", "bad")]),
        OSError("disk gone"),
    ]
    for error in errors:
        shape = error_object(error)
        assert set(shape) >= SHAPE, shape
        assert shape["allowed"] is None or all(isinstance(v, str) for v in shape["allowed"])
        json.dumps(shape)
    several = error_object(errors[1])
    assert [e["field"] for e in several["errors"]] == ["hazard", "overdue"]
    assert several["errors"][0]["allowed"] == ["none", "general", "major"]
    assert error_object(errors[3])["errors"][0]["line"] == 3


def test_suggest_returns_nothing_for_far_off_values() -> None:
    assert suggest("zzz", ["blocked_exits", "no_safety_staff"]) is None
    assert suggest(42, ["a"]) is None


def test_numbers_have_one_shape() -> None:
    assert [json_amount(v) for v in (50000.0, 12.5, 0.1 + 0.2)] == [50000, 12.5, 0.3]
    assert [yuan(v) for v in (1_350_000.0, 12345.6, 0)] == ["1,350,000", "12,345.60", "0"]


def test_chinese_numerals_and_formal_citations() -> None:
    assert [chinese_numeral(n) for n in (3, 10, 14, 20, 99, 105, 110, 1000, 1005)] == [
        "三", "十", "十四", "二十", "九十九", "一百零五", "一百一十", "一千", "一千零五",
    ]  # fmt: skip
    assert formal_zh("中华人民共和国安全生产法", 99, None, 3) == (
        "《中华人民共和国安全生产法》第九十九条第（三）项"
    )
    assert formal_zh("有关危险物品安全管理的法律、行政法规", 5, 2, None, family=True) == (
        "有关危险物品安全管理的法律、行政法规第五条第二款"
    )
