"""Accident decisions (issue 11): the grade the engine chains from the figures, the unit's fine by
grade in each period, persons' fines as a share of income, and published decisions.

The expected ranges below are transcribed from the statutes independently of the rule files
(Order 493 Art. 37, Work Safety Law 2014 Art. 109 and 2021 Art. 114), so that a slip in either
place shows as a disagreement.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import enforcement_rules as er

GRADES = ("general", "larger", "major", "extraordinary")  # mildest first (Order 493 Art. 3)
TEN_THOUSAND = 10_000

#: (period's first day, a day inside it) → the unit's fine by grade, in yuan
UNIT_FINE_BY_GRADE: dict[str, dict[str, tuple[int, int]]] = {
    # Order 493 Art. 37 (2007-06-01 – 2014-11-30)
    "2010-05-01": {
        "general": (10 * TEN_THOUSAND, 20 * TEN_THOUSAND),
        "larger": (20 * TEN_THOUSAND, 50 * TEN_THOUSAND),
        "major": (50 * TEN_THOUSAND, 200 * TEN_THOUSAND),
        "extraordinary": (200 * TEN_THOUSAND, 500 * TEN_THOUSAND),
    },
    # Work Safety Law 2014 Art. 109 (2014-12-01 – 2021-08-31)
    "2018-05-01": {
        "general": (20 * TEN_THOUSAND, 50 * TEN_THOUSAND),
        "larger": (50 * TEN_THOUSAND, 100 * TEN_THOUSAND),
        "major": (100 * TEN_THOUSAND, 500 * TEN_THOUSAND),
        "extraordinary": (500 * TEN_THOUSAND, 1000 * TEN_THOUSAND),
    },
    # Work Safety Law 2021 Art. 114 ¶1 (from 2021-09-01)
    "2023-05-01": {
        "general": (30 * TEN_THOUSAND, 100 * TEN_THOUSAND),
        "larger": (100 * TEN_THOUSAND, 200 * TEN_THOUSAND),
        "major": (200 * TEN_THOUSAND, 1000 * TEN_THOUSAND),
        "extraordinary": (1000 * TEN_THOUSAND, 2000 * TEN_THOUSAND),
    },
}

#: The principal's share of the previous year's income by grade (Order 493 Art. 38, WSL 2014
#: Art. 92, WSL 2021 Art. 95: the same shares in all three).
PRINCIPAL_SHARE = {"general": 0.3, "larger": 0.4, "major": 0.6, "extraordinary": 0.8}
PRINCIPAL_SHARE_2021 = {"general": 0.4, "larger": 0.6, "major": 0.8, "extraordinary": 1.0}


def decide(**facts: Any) -> er.Decision:
    facts.setdefault("sector", "manufacturing")
    return er.decide(facts)


def unit_fine(decision: er.Decision) -> tuple[float | None, float | None]:
    fine = next(f for f in decision.to_dict()["fines"] if f["target"] == "unit")
    return fine["min_yuan"], fine["max_yuan"]


def grade_of(deaths: int, injuries: int, loss: int, on: str = "2023-05-01") -> str:
    decision = decide(
        kind="accident_unit_liable",
        occurred_on=on,
        deaths=deaths,
        serious_injuries=injuries,
        direct_loss_yuan=loss,
    )
    assert decision.accident_grade is not None
    return decision.accident_grade.value


# -- the grade (Order 493 Art. 3) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade"),
    [
        (1, 0, 0, "general"),
        (2, 9, 9_999_999, "general"),
        (3, 0, 0, "larger"),  # 以上 includes the number
        (0, 10, 0, "larger"),
        (0, 0, 10_000_000, "larger"),  # exactly 10 million yuan
        (9, 49, 49_999_999, "larger"),  # 以下 excludes it
        (10, 0, 0, "major"),
        (0, 50, 0, "major"),
        (0, 0, 50_000_000, "major"),
        (29, 99, 99_999_999, "major"),
        (30, 0, 0, "extraordinary"),
        (0, 100, 0, "extraordinary"),
        (0, 0, 100_000_000, "extraordinary"),
        (1, 0, 100_000_000, "extraordinary"),  # the highest criterion reached wins
    ],
)
def test_the_grade_follows_article_3_at_its_boundaries(
    deaths: int, injuries: int, loss: int, grade: str
) -> None:
    assert grade_of(deaths, injuries, loss) == grade


figures = st.tuples(
    st.integers(0, 40),
    st.integers(0, 120),
    st.integers(0, 120_000_000),
).filter(lambda t: any(t))


@settings(max_examples=60, deadline=None)
@given(base=figures, which=st.integers(0, 2), more=st.integers(1, 60_000_000))
def test_the_grade_is_monotone_in_each_figure(
    base: tuple[int, int, int], which: int, more: int
) -> None:
    raised = list(base)
    raised[which] += more if which == 2 else min(more, 50)
    assert GRADES.index(grade_of(*raised)) >= GRADES.index(grade_of(*base))


def test_the_grade_rules_chain_in_the_engine() -> None:
    decision = decide(kind="accident_unit_liable", occurred_on="2023-05-01", deaths=3)
    fired = decision.rules_fired
    assert "o493-3-larger-by-figures" in fired  # derived from the figures by a rule
    assert "wsl2021-114-larger" in fired  # the penalty rule joined on the derived grade


def test_a_stated_grade_below_the_figures_is_refused_naming_the_field() -> None:
    with pytest.raises(er.FactError) as caught:
        decide(
            kind="accident_unit_liable",
            occurred_on="2023-05-01",
            deaths=3,
            accident_grade="general",
        )
    assert caught.value.field == "accident_grade"


def test_an_accident_without_figures_or_grade_says_what_is_missing() -> None:
    with pytest.raises(er.FactError) as caught:
        decide(kind="accident_unit_liable", occurred_on="2023-05-01")
    message = str(caught.value)
    assert all(name in message for name in ("deaths", "serious_injuries", "direct_loss_yuan"))


# -- the unit's fine by grade and period ----------------------------------------------------


@pytest.mark.parametrize("on", sorted(UNIT_FINE_BY_GRADE))
@pytest.mark.parametrize("grade", GRADES)
def test_the_unit_fine_is_the_statutory_range_of_its_grade(on: str, grade: str) -> None:
    decision = decide(kind="accident_unit_liable", occurred_on=on, accident_grade=grade)
    assert unit_fine(decision) == UNIT_FINE_BY_GRADE[on][grade]


@pytest.mark.parametrize("on", sorted(UNIT_FINE_BY_GRADE))
def test_a_heavier_grade_never_gets_a_lighter_unit_fine(on: str) -> None:
    ranges = [
        unit_fine(decide(kind="accident_unit_liable", occurred_on=on, accident_grade=grade))
        for grade in GRADES
    ]
    assert ranges == sorted(ranges)  # type: ignore[type-var]


def test_an_especially_serious_accident_may_be_fined_up_to_five_times_the_ceiling() -> None:
    """WSL 2021 Art. 114 ¶2 *may* (可以) fine 2× to 5× the ¶1 amounts: the range open runs from
    the ¶1 floor to 5× its ceiling (the reading in the rule file), the ¶2 band is in the note."""
    plain = decide(kind="accident_unit_liable", occurred_on="2023-05-01", accident_grade="major")
    worse = decide(
        kind="accident_unit_liable",
        occurred_on="2023-05-01",
        accident_grade="major",
        especially_serious=True,
    )
    low, high = unit_fine(plain)
    assert low is not None and high is not None
    assert unit_fine(worse) == (low, 5 * high)
    assert any(f"{2 * low:,}" in note and f"{5 * high:,}" in note for note in worse.notes)


def test_the_lighter_old_law_applies_to_an_accident_decided_after_2021() -> None:
    """C7: accident 2021-07-02, decided 2022-01-19; the 2014 range is the lighter one."""
    decision = decide(
        kind="accident_unit_liable",
        occurred_on="2021-07-02",
        decided_on="2022-01-19",
        deaths=1,
        direct_loss_yuan=1_465_000,
    )
    assert unit_fine(decision) == UNIT_FINE_BY_GRADE["2018-05-01"]["general"]
    assert "work_safety_law@2014-12-01" in decision.to_dict()["law_version"]


# -- persons' fines as a share of income ----------------------------------------------------


def principal_fine(on: str, grade: str, income: int | None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "kind": "accident_principal_duty_failure",
        "occurred_on": on,
        "accident_grade": grade,
    }
    if income is not None:
        facts["annual_income_yuan"] = income
    fines = decide(**facts).to_dict()["fines"]
    return next(f for f in fines if f["target"] == "principal")


@pytest.mark.parametrize("grade", GRADES)
def test_the_principal_is_fined_a_share_of_income_by_grade(grade: str) -> None:
    share = PRINCIPAL_SHARE_2021[grade]
    fine = principal_fine("2023-05-01", grade, 200_000)
    assert fine["income_share"] == {"min": share, "max": share}
    assert fine["min_yuan"] == fine["max_yuan"] == pytest.approx(200_000 * share)


@pytest.mark.parametrize("on", ["2010-05-01", "2018-05-01"])
@pytest.mark.parametrize("grade", GRADES)
def test_before_2021_the_principal_shares_were_lower(on: str, grade: str) -> None:
    fine = principal_fine(on, grade, 100_000)
    assert fine["income_share"]["min"] == PRINCIPAL_SHARE[grade]


def test_an_unknown_income_gives_the_shares_and_no_yuan_amount() -> None:
    fine = principal_fine("2023-05-01", "major", None)
    assert fine["min_yuan"] is None and fine["max_yuan"] is None
    assert fine["income_share"] == {"min": 0.8, "max": 0.8}


@settings(max_examples=40, deadline=None)
@given(
    on=st.sampled_from(sorted(UNIT_FINE_BY_GRADE)),
    lighter=st.integers(0, 2),
    income=st.integers(1, 5_000_000),
)
def test_a_heavier_grade_never_gets_a_lower_income_share(
    on: str, lighter: int, income: int
) -> None:
    low = principal_fine(on, GRADES[lighter], income)
    high = principal_fine(on, GRADES[lighter + 1], income)
    assert high["income_share"]["min"] >= low["income_share"]["min"]
    assert high["min_yuan"] >= low["min_yuan"]


# -- published decisions (sources: /research notes, each row's address) ---------------------

#: (id, source, facts, party, the amount the bureau imposed)
PUBLISHED: list[tuple[str, str, dict[str, Any], str, float]] = [
    (
        "C3",
        "http://nlaw.org/a/sifawenshu/xingzheng/2013/1215/793.html ((2013)甬镇行初字第19号)",
        {"occurred_on": "2012-12-01", "decided_on": "2013-01-29", "accident_grade": "general"},
        "unit",
        180_000,
    ),
    (
        "C4",
        "https://agnbn.com/fanwendaquan/shenqingshu/43980.html (清水县安监局, 2015-11-29)",
        {"occurred_on": "2015-08-21", "decided_on": "2015-11-29", "deaths": 2},
        "unit",
        500_000,
    ),
    (
        "C6",
        "https://www.chinalawyer.co/blog/ (李某某 v. 蕲春县安监局, (蕲)安监局[2017]执法01号)",
        {"occurred_on": "2016-09-29", "decided_on": "2017-03-01", "deaths": 1},
        "unit",
        200_000,
    ),
    (
        "C7",
        "http://zwzx.maomin.org/zfxxgk1/fdzdgknr/zdmsxx/aqsc/zccs/4393210.shtml",
        {
            "occurred_on": "2021-07-02",
            "decided_on": "2022-01-19",
            "deaths": 1,
            "direct_loss_yuan": 1_465_000,
        },
        "unit",
        250_000,
    ),
    (
        "C8",
        "coffeezulin.com (攀枝花钢城集团“10·8”物体打击事故案, 2023-05-11)",
        {
            "occurred_on": "2022-10-08",
            "decided_on": "2023-03-06",
            "deaths": 1,
            "direct_loss_yuan": 2_032_200,
        },
        "unit",
        500_000,
    ),
    (
        "C9",
        "https://finance.sina.com.cn/stock/hkstock/ggscyd/2023-11-22/doc-imzvnvct0133568.shtml",
        {"occurred_on": "2023-08-15", "decided_on": "2023-11-22", "deaths": 1},
        "unit",
        700_000,
    ),
    (
        "C10",
        "https://www.culturechina.cn/industry/248636.html ((鲁济长)应急罚〔2023〕SG6号)",
        {"occurred_on": "2023-10-09", "decided_on": "2024-03-06", "accident_grade": "general"},
        "unit",
        750_000,
    ),
    (
        "C11",
        "http://yjj.anshan.gov.cn/html/YJJ/202412/0173450099306438.html",
        {"occurred_on": "2023-04-26", "decided_on": "2024-11-12", "deaths": 3},
        "unit",
        1_050_000,
    ),
]


@pytest.mark.parametrize(
    ("case", "source", "facts", "party", "amount"), PUBLISHED, ids=[row[0] for row in PUBLISHED]
)
def test_a_published_accident_fine_lies_in_the_range_the_law_gives(
    case: str, source: str, facts: dict[str, Any], party: str, amount: float
) -> None:
    decision = decide(kind="accident_unit_liable", **facts)
    fine = next(f for f in decision.to_dict()["fines"] if f["target"] == party)
    assert fine["min_yuan"] <= amount <= fine["max_yuan"], (case, source, fine)


def test_c2_concealment_fines_the_unit_and_the_principal_60_percent() -> None:
    """C2 (中国新闻网 2008-12-13, mirror http://m.yogviha.cn/sh/news/2008/12-13/1485754.shtml): a
    concealed one-death accident; unit 1,000,000 for concealment, principal 60% of income."""
    decision = decide(
        kind="accident_concealed",
        occurred_on="2008-10-16",
        decided_on="2008-12-01",
        deaths=1,
        annual_income_yuan=100_000,
    )
    fines = {f["target"]: f for f in decision.to_dict()["fines"]}
    assert fines["unit"]["min_yuan"] <= 1_000_000 <= fines["unit"]["max_yuan"]
    share = fines["principal"]["income_share"]
    assert share["min"] <= 0.6 <= share["max"]


def test_before_order_493_an_accident_has_no_unit_fine_by_grade() -> None:
    """No national accident fine by grade existed before 2007-06-01 (C1, 2004): the rule set
    says so instead of inventing one."""
    decision = decide(
        kind="accident_unit_liable", occurred_on="2004-04-22", decided_on="2004-09-01", deaths=1
    )
    assert decision.penalty_basis is er.PenaltyBasis.NO_PROVISION
    assert decision.fines == ()
