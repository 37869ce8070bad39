"""The 2010 enforcement plan: a synthetic year with known shortfalls is reported exactly.

The year is built here, deterministically, from figures stated independently of the plan file
(the "1234" quotas and the schedule's numbers as read in the plan text), so a wrong number in
`plans/baixia-2010.yaml` or a wrong count in `plan.py` both fail these tests.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from enforcement_rules.contract.errors import FactError, RuleFileError
from enforcement_rules.plan.report import (
    PlanError,
    RecordError,
    RecordsError,
    default_plan_path,
    load_plan,
    plan_report,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan_records_2010.jsonl"
YEAR = 2010
QUOTA = {"director": 1, "deputy_director": 2, "section_chief": 3, "inspector": 4}
STAFF = [
    ("director", "王永强"),
    ("deputy_director", "陈建国"),
    ("deputy_director", "刘红"),
    ("section_chief", "张伟"),
    ("section_chief", "李娜"),
    ("inspector", "赵磊"),  # inspector A: leads the campaigns (above quota is fine)
    ("inspector", "孙悦"),  # inspector B
    ("inspector", "周敏"),  # does the half-yearly round of the traders
    ("inspector", "吴强"),
]
TRADERS = [f"危化品经营单位{n:02d}" for n in range(1, 56)]
KEY_UNITS = [f"重点单位{n:02d}" for n in range(1, 56)]
LAST_TRADER = TRADERS[-1]  # never among the 50 of Q3, so H2 can leave it out

Record = dict[str, Any]


def _record(
    day: dt.date, who: tuple[str, str], unit: str, sector: str, campaign: str = ""
) -> Record:
    role, person = who
    record: Record = {
        "date": day.isoformat(),
        "role": role,
        "person": person,
        "unit": unit,
        "sector": sector,
    }
    if campaign:
        record["campaign"] = campaign
    return record


def _campaigns() -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """Campaign code → (month, units with sectors) that fulfil the row as the plan text reads."""
    key = [(unit, "manufacturing") for unit in KEY_UNITS]
    chem = [(unit, "hazardous_chemicals") for unit in TRADERS]
    return {
        "q1_fireworks": (2, [("烟花爆竹销售点", "fireworks")]),
        "q1_construction": (3, [("建筑工地甲", "construction")]),
        "q1_festival_supervision": (2, [("商场甲", "crowded_place")]),
        "q2_key_units": (5, key[:30] + chem[:30]),
        "q2_construction_sweep": (4, [("拆迁工地甲", "demolition")]),
        "q2_seven_campaigns": (5, [("商场乙", "crowded_place")]),
        "q2_listed_hazards": (4, [("挂牌隐患单位", "manufacturing")]),
        "q2_safety_month": (6, [("宣传单位", "other")]),
        "q3_key_units": (8, key[:50] + chem[:50]),
        "q3_listed_hazards": (7, [("挂牌隐患单位", "manufacturing")]),
        "q3_construction_summer": (7, [("建筑工地乙", "construction")]),
        "q3_national_day_supervision": (9, [("商场甲", "crowded_place")]),
        "q4_occupational_hazards": (10, [("粉尘作业厂", "manufacturing")]),
        "q4_illegal_gas": (11, [("液化气站", "gas")]),
        "q4_thirty_units": (11, key[:30]),
        "q4_subdistrict_review": (12, [("洪武路街道", "other")]),
        "q4_new_year_supervision": (12, [("商场甲", "crowded_place")]),
    }


def synthetic_year(*, with_shortfalls: bool) -> list[Record]:
    """A year in which everything is done, or everything but the four known shortfalls."""
    less: dict[tuple[str, int], int] = {}
    skip_campaigns: set[str] = set()
    if with_shortfalls:
        less = {("陈建国", 3): 1, ("孙悦", 7): 1, ("孙悦", 8): 2, ("孙悦", 9): 4}
        skip_campaigns = {"q2_safety_month"}
    records: list[Record] = []
    for month in range(1, 13):
        for index, (role, person) in enumerate(STAFF):
            for n in range(QUOTA[role] - less.get((person, month), 0)):
                unit = KEY_UNITS[(index * 7 + n + month) % len(KEY_UNITS)]
                day = dt.date(YEAR, month, 1 + n)
                records.append(_record(day, (role, person), unit, "manufacturing"))
    for code, (month, units) in _campaigns().items():
        if code in skip_campaigns:
            continue
        for n, (unit, sector) in enumerate(units):
            day = dt.date(YEAR, month, 1 + n % 28)
            records.append(_record(day, STAFF[5], unit, sector, code))
    for month in (3, 10):  # the half-yearly round of every trader
        for n, unit in enumerate(TRADERS):
            if with_shortfalls and month == 10 and unit == LAST_TRADER:
                continue
            day = dt.date(YEAR, month, 1 + n % 28)
            records.append(_record(day, STAFF[7], unit, "hazardous_chemicals"))
    return records


def _keys(report: Any) -> set[tuple[Any, ...]]:
    return {
        (s.kind, s.period, s.role, s.person, s.unit, s.campaign, s.done, s.required)
        for s in report.shortfalls
    }


def test_the_plan_encodes_the_1234_rule_and_every_row_of_the_schedule_table() -> None:
    plan = load_plan()
    assert plan.year == YEAR
    assert dict(plan.quota_per_person) == QUOTA
    assert [plan.roles[r].zh for r in QUOTA] == ["局长", "副局长", "科长", "监管人员"]
    rows = [(row.quarter, row.item, row.mode.zh) for row in plan.schedule]
    assert rows == [
        (1, 1, "专项"), (1, 2, "专项"), (1, 3, "督查"),
        (2, 1, "专项"), (2, 2, "专项"), (2, 3, "日常"), (2, 4, "专项"), (2, 5, "专项"),
        (3, 1, "日常"), (3, 2, "专项"), (3, 3, "专项"), (3, 4, "专项"),
        (4, 1, "日常"), (4, 2, "专项"), (4, 3, "日常"), (4, 4, "专项"), (4, 5, "专项"),
    ]  # fmt: skip
    assert set(_campaigns()) == {row.campaign for row in plan.schedule}
    seed = {row.campaign: row.text_zh for row in plan.schedule}
    assert seed["q2_safety_month"] == "组织开展“安全生产月”活动。"
    units = {
        row.campaign: [(need.at_least, [s.value for s in need.sectors]) for need in row.requires]
        for row in plan.schedule
        if any(need.count == "units" for need in row.requires)
    }
    assert units == {
        "q2_key_units": [(30, []), (30, ["hazardous_chemicals"])],
        "q3_key_units": [(50, []), (50, ["hazardous_chemicals"])],
        "q4_thirty_units": [(30, [])],
    }
    assert [(r.sector.value, r.per_unit) for r in plan.half_yearly] == [("hazardous_chemicals", 1)]


def test_a_year_with_known_shortfalls_reports_exactly_those() -> None:
    report = plan_report(None, synthetic_year(with_shortfalls=True), YEAR)
    assert _keys(report) == {
        ("monthly_quota", "2010-03", "deputy_director", "陈建国", None, None, 1, 2),
        ("monthly_quota", "2010-07", "inspector", "孙悦", None, None, 3, 4),
        ("monthly_quota", "2010-08", "inspector", "孙悦", None, None, 2, 4),
        ("monthly_quota", "2010-09", "inspector", "孙悦", None, None, 0, 4),
        ("half_yearly", "2010-H2", None, None, LAST_TRADER, None, 0, 1),
        ("schedule", "2010-Q2", None, None, None, "q2_safety_month", 0, 1),
    }
    kinds = [s.kind for s in report.shortfalls]  # quotas, then half years, then the schedule
    assert kinds == ["monthly_quota"] * 4 + ["half_yearly", "schedule"]
    assert len(report.officers) == len(STAFF) and len(report.traders) == len(TRADERS)
    assert not report.ok
    text = report.to_text()
    assert "2010年3月 (March 2010) 副局长 (deputy director) 陈建国" in text
    assert "完成 1，要求至少 2 (done 1 of at least 2)" in text
    assert "2010年下半年 (second half 2010)" in text and LAST_TRADER in text
    assert "q2_safety_month: 未完成 (NOT MET)" in text
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["ok"] is False and len(data["shortfalls"]) == 6
    assert data["shortfalls"][0]["person"] == "陈建国"
    row = next(r for r in data["schedule"] if r["campaign"] == "q2_safety_month")
    assert row["met"] is False and row["requires"][0]["done"] == 0


def test_a_perfect_year_reports_no_shortfall() -> None:
    report = plan_report(default_plan_path(), synthetic_year(with_shortfalls=False), YEAR)
    assert report.shortfalls == ()
    assert report.ok and all(status.met for status in report.schedule)
    assert "无缺口 (no shortfalls)" in report.to_text()


def test_one_unit_too_few_is_a_shortfall_of_one() -> None:
    records = [
        r
        for r in synthetic_year(with_shortfalls=False)
        if not (r.get("campaign") == "q3_key_units" and r["unit"] == TRADERS[0])
    ]
    report = plan_report(None, records, YEAR)
    assert _keys(report) == {("schedule", "2010-Q3", None, None, None, "q3_key_units", 49, 50)}
    assert report.shortfalls[0].requirement == 1


def test_records_of_another_year_are_not_counted() -> None:
    records = synthetic_year(with_shortfalls=False)
    records.append(_record(dt.date(2009, 12, 31), STAFF[0], "商场甲", "crowded_place"))
    report = plan_report(None, records, YEAR)
    assert report.ok and report.outside_year == 1


def test_the_example_file_runs_and_shows_its_known_shortfalls() -> None:
    report = plan_report(None, EXAMPLE, YEAR)
    assert _keys(report) == {
        ("monthly_quota", "2010-02", "deputy_director", "刘红", None, None, 1, 2),
        ("monthly_quota", "2010-12", "inspector", "周敏", None, None, 3, 4),
        ("half_yearly", "2010-H2", None, None, "南京太平南路东方化学试剂商行", None, 0, 1),
        ("schedule", "2010-Q3", None, None, None, "q3_key_units", 47, 50),
        ("schedule", "2010-Q4", None, None, None, "q4_subdistrict_review", 0, 1),
    }
    assert report.records == sum(1 for line in EXAMPLE.read_text("utf-8").splitlines() if line)


# --- bad records: every bad field, with its line and the allowed values -------------------------


def _errors(records: Any) -> list[RecordError]:
    return _errors_for_plan(None, records)


def _errors_for_plan(plan: Path | None, records: Any) -> list[RecordError]:
    with pytest.raises(RecordsError) as caught:
        plan_report(plan, records, YEAR)
    errors = [e for e in caught.value.errors if isinstance(e, RecordError)]
    assert len(errors) == len(caught.value.errors)
    return errors


GOOD = {"date": "2010-03-04", "role": "inspector", "person": "孙悦", "unit": "甲", "sector": "gas"}


@pytest.mark.parametrize(
    ("change", "field", "problem", "allowed"),
    [
        (
            {"sector": "chemicals"},
            "sector",
            "'chemicals' is not a sector code",
            "hazardous_chemicals",
        ),
        ({"role": "boss"}, "role", "'boss' is not a role of plan", "deputy_director"),
        ({"date": "2010-02-30"}, "date", "not a real calendar date", "YYYY-MM-DD"),
        ({"person": ""}, "person", "not a non-empty string", None),
        ({"campaign": "q9_party"}, "campaign", "not a campaign of plan", "q1_fireworks"),
        ({"campaign": "q2_safety_month"}, "campaign", "scheduled for Q2 2010", "q1_fireworks"),
        ({"leader": "x"}, "leader", "unknown field", "date, role, person, unit, sector"),
        ({"unit": None}, "unit", "None is not a non-empty string", None),
    ],
)
def test_a_bad_record_names_the_field_and_the_allowed_values(
    change: Record, field: str, problem: str, allowed: str | None
) -> None:
    (error,) = _errors([{**GOOD, **change}])
    assert (error.source, error.line, error.field) == ("<records>", 1, field)
    assert problem in error.problem
    if allowed is not None:
        assert error.allowed is not None and allowed in error.allowed


def test_every_bad_line_of_a_records_file_is_reported_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "records.jsonl"
    lines = [
        json.dumps(GOOD),
        "",
        "{not json",
        json.dumps({**GOOD, "sector": "chem", "role": "chief"}),
        json.dumps({k: v for k, v in GOOD.items() if k != "unit"}),
    ]
    file.write_text("\n".join(lines) + "\n", "utf-8")
    errors = _errors(file)
    assert [(e.line, e.field) for e in errors] == [
        (3, "<record>"),
        (4, "role"),
        (4, "sector"),
        (5, "unit"),
    ]
    assert str(errors[0]).startswith(f"{file}:3: record field '<record>': not valid JSON")
    assert "missing" in errors[3].problem
    assert isinstance(errors[1], FactError)


def test_a_roster_and_a_registry_in_the_plan_decide_who_and_what_is_checked(
    tmp_path: Path,
) -> None:
    roster = "".join(
        f"  - {{person: {person}, role: {role}"
        + (", from_month: 10}" if person == "孙悦" else "}")
        + "\n"
        for role, person in STAFF
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        default_plan_path().read_text("utf-8")
        + f"staff:\n{roster}registry: [{TRADERS[0]}, {TRADERS[1]}]\n",
        "utf-8",
    )
    (error,) = _errors_for_plan(plan, [{**GOOD, "person": "钱多"}])
    assert (error.field, error.allowed) == ("person", "赵磊, 孙悦, 周敏, 吴强")
    (error,) = _errors_for_plan(plan, [GOOD])  # 孙悦 in March, before she joined
    assert (error.field, error.allowed) == ("date", "2010-10..2010-12")
    records = synthetic_year(with_shortfalls=True)
    report = plan_report(
        plan, [r for r in records if r["person"] != "孙悦" or r["date"] >= "2010-10"], YEAR
    )
    # 孙悦 joined in October: her summer is not checked; the last trader is not in the registry.
    assert _keys(report) == {
        ("monthly_quota", "2010-03", "deputy_director", "陈建国", None, None, 1, 2),
        ("schedule", "2010-Q2", None, None, None, "q2_safety_month", 0, 1),
    }
    assert report.traders == (TRADERS[0], TRADERS[1])


# --- bad plan files: file, line and what is wrong -----------------------------------------------


def _bad_plan(tmp_path: Path, old: str, new: str, marker: str, reason: str) -> RuleFileError:
    """The plan with `old` replaced by `new`; the error with `reason` is on the line of `marker`.

    `marker` is found in `new`, or else as the first line of the changed file that holds it.
    """
    text = default_plan_path().read_text("utf-8")
    start = text.index(old)
    file = tmp_path / "bad-plan.yaml"
    changed = text.replace(old, new, 1)
    file.write_text(changed, "utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(file)
    assert all(error.file == str(file) for error in caught.value.errors)
    found = [error for error in caught.value.errors if reason in error.reason]
    assert len(found) == 1, str(caught.value)
    if marker in new:
        line = text[: start + new.index(marker)].count("\n") + 1
    else:
        line = next(n for n, t in enumerate(changed.splitlines(), 1) if marker in t)
    assert found[0].line == line, str(found[0])
    return found[0]


@pytest.mark.parametrize(
    ("old", "new", "marker", "reason"),
    [
        ("inspector: 4\n", "inspector: -4\n", "inspector", "-4 is less than the minimum of 1"),
        ("inspector: 4\n", "inspector: 4\n    inspector: 5\n", "inspector: 5", "duplicate key"),
        ("inspector: 4\n", "clerk: 4\n", "clerk", "unknown role 'clerk'"),
        ("inspector: 4\n", "clerk: 4\n", "per_person", "role 'inspector' has no monthly quota"),
        ("sectors: [fireworks]", "sectors: [firework]", "firework", "'firework' is not a sector"),
        ("campaign: q1_construction", "campaign: q1_fireworks", "c", "'q1_fireworks' already used"),
        ("mode: supervision\n", "mode: inspection\n", "mode", "unknown mode 'inspection'"),
        ("item: 5\n    campaign: q2", "item: 6\n    campaign: q2", "item", "out of order"),
        ("count: units, at_least: 50", "count: unit, at_least: 50", "c", "'unit' is not one of"),
        ("year: 2010", "year: '2010'", "y", "'2010' is not of type 'integer'"),
        ("- quarter: 1\n    item: 1\n", "- quarter: 1\n", "-", "'item' is a required property"),
    ],
)
def test_a_bad_plan_file_names_file_line_and_reason(
    tmp_path: Path, old: str, new: str, marker: str, reason: str
) -> None:
    error = _bad_plan(tmp_path, old, new, marker, reason)
    assert str(error).startswith(f"{tmp_path / 'bad-plan.yaml'}:{error.line}:")


def test_a_plan_for_another_year_is_refused() -> None:
    with pytest.raises(PlanError) as caught:
        plan_report(None, [], 2011)
    (error,) = caught.value.errors
    assert error.line == load_plan().year_line and "the plan is for 2010" in error.reason


def test_a_missing_plan_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "none.yaml")
