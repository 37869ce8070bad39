"""Check a year of inspection records against the bureau's enforcement work plan.

`plan_report(plan_path, records, year)` loads the plan (`plan.model`, data in `plans/`), validates
the records (`plan.records`) and lists every shortfall exactly: who (role and person) or which
unit or campaign, which month, quarter or half year, and what was required against what was done.

Why plain Python and not durable_rules: the engine decides one violation at a time by matching
conditions on a single fact, which is what the law's provisions are. A plan is different: its
requirements are counts over a whole year of records (per person per month, per unit per half
year, distinct units per campaign per quarter). That is aggregation, not rule matching; done in the
engine it would need accumulating state across facts and would be slower and harder to read. So
the numbers and the scope of every count live in the plan file, and this module only groups and
counts, with no figure of the plan written in the code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..contract.errors import RuleFileError
from ..contract.vocabulary import Section, Sector
from ..rulebook.model import RuleSet
from .model import (
    Plan,
    PlanError,
    Requirement,
    ScheduleRow,
    default_plan_path,
    load_plan,
)
from .records import (
    InspectionRecord,
    RecordError,
    RecordsError,
    RecordSource,
    quarter_of,
    read_records,
)

__all__ = [
    "InspectionRecord",
    "PlanError",
    "PlanReport",
    "RecordError",
    "RecordsError",
    "RequirementStatus",
    "RowStatus",
    "Shortfall",
    "default_plan_path",
    "evaluate",
    "load_plan",
    "plan_report",
    "read_records",
]

KINDS = ("monthly_quota", "half_yearly", "schedule")
_QUARTERS_ZH = ("一", "二", "三", "四")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_period(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def quarter_period(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def half_period(year: int, half: int) -> str:
    return f"{year}-H{half}"


def period_label(period: str) -> str:
    """`2010-03` → `2010年3月 (March 2010)`; also quarters (`2010-Q2`) and halves (`2010-H2`)."""
    year, part = period.split("-")
    if part.startswith("Q"):
        quarter = int(part[1:])
        return f"{year}年第{_QUARTERS_ZH[quarter - 1]}季度 (Q{quarter} {year})"
    if part.startswith("H"):
        first = part == "H1"
        return (
            f"{year}年{'上' if first else '下'}半年 ({'first' if first else 'second'} half {year})"
        )
    return f"{year}年{int(part)}月 ({_MONTHS_EN[int(part) - 1]} {year})"


@attrs.frozen
class Shortfall:
    """One unmet requirement: `done` is below `required` for its subject in its period.

    `kind` is `monthly_quota` (subject: role and person), `half_yearly` (subject: unit; `code` is
    the rule's code) or `schedule` (subject: campaign; `requirement` is its index in the row).
    """

    kind: str
    period: str
    code: str
    required: int
    done: int
    what: str
    role: str | None = None
    person: str | None = None
    unit: str | None = None
    campaign: str | None = None
    requirement: int | None = None
    #: The bureau sections that answer for it, by the rule set's routing of its sectors (empty
    #: for a person's monthly quota, or when no rule set was given).
    sections: tuple[Section, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["sections"] = [section.value for section in self.sections]
        return data


@attrs.frozen
class RequirementStatus:
    requirement: Requirement
    done: int

    @property
    def met(self) -> bool:
        return self.done >= self.requirement.at_least


@attrs.frozen
class RowStatus:
    """How far one schedule row got: a status for each of its requirements."""

    row: ScheduleRow
    requirements: tuple[RequirementStatus, ...]

    @property
    def met(self) -> bool:
        return all(status.met for status in self.requirements)

    def to_dict(self) -> dict[str, Any]:
        row = self.row
        return {
            "quarter": row.quarter,
            "item": row.item,
            "campaign": row.campaign,
            "title": row.title,
            "mode": row.mode.code,
            "countable": row.countable,
            "met": self.met,
            "requires": [
                {**s.requirement.to_dict(), "done": s.done, "met": s.met} for s in self.requirements
            ],
        }


@attrs.frozen
class PlanReport:
    """The plan checked against a year of records; `shortfalls` is empty when it was all done."""

    plan: Plan
    year: int
    records: int
    outside_year: int
    officers: tuple[tuple[str, str], ...]
    traders: tuple[str, ...]
    shortfalls: tuple[Shortfall, ...]
    schedule: tuple[RowStatus, ...]

    @property
    def ok(self) -> bool:
        return not self.shortfalls

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan.plan,
            "plan_file": self.plan.file,
            "year": self.year,
            "records": self.records,
            "records_outside_year": self.outside_year,
            "officers": [{"role": role, "person": person} for role, person in self.officers],
            "traders": list(self.traders),
            "ok": self.ok,
            "shortfalls": [shortfall.to_dict() for shortfall in self.shortfalls],
            "schedule": [status.to_dict() for status in self.schedule],
        }

    def to_text(self) -> str:
        """The report in Chinese with English, for the bureau's half-year and year-end review."""
        plan = self.plan
        out = [
            f"{plan.title}",
            f"{self.year}年执行情况 (plan check for {self.year})",
            f"计划文件 (plan file): {plan.file}",
            f"检查记录 (inspection records): {self.records}; "
            f"{self.year}年以外、未计入 (outside {self.year}, not counted): {self.outside_year}",
            f"被考核人员 (officers checked): {len(self.officers)}; "
            f"危险化学品经营单位等 (units under the half-yearly rule): {len(self.traders)}",
            f"缺口 (shortfalls): {len(self.shortfalls)}"
            + ("，全部完成 (everything done)" if self.ok else ""),
            "",
            f"一、每月带队检查 (monthly inspections led per person) — {plan.quota_cites}",
            f"    {plan.quota_text_zh}",
        ]
        out += self._lines("monthly_quota")
        out.append("")
        out.append("二、每半年检查 (half-yearly inspections)")
        for rule in plan.half_yearly:
            out.append(f"    {rule.cites} {rule.title}")
        out += self._lines("half_yearly")
        out.append("")
        out.append("三、附表季度计划 (quarterly schedule table)")
        out.append(
            "    只计带本行活动标记、日期在本季度内的记录 "
            "(only records tagged with the row's campaign and dated in its quarter count)"
        )
        for status in self.schedule:
            row = status.row
            mark = "完成 (met)" if status.met else "未完成 (NOT MET)"
            evidence = "" if row.countable else "；以标记记录为证 (evidence: a tagged record)"
            out.append(
                f"  {_QUARTERS_ZH[row.quarter - 1]}季度第{row.item}项 (Q{row.quarter} item "
                f"{row.item}) [{row.mode.label}{evidence}] {row.campaign}: {mark}"
            )
            out.append(f"      {row.text_zh}")
            for need in status.requirements:
                req = need.requirement
                out.append(f"      {req.label}: {_done(need.done, req.at_least)}")
        return "\n".join(out) + "\n"

    def _lines(self, kind: str) -> list[str]:
        found = [s for s in self.shortfalls if s.kind == kind]
        if not found:
            return ["  无缺口 (no shortfalls)"]
        return [
            f"  {period_label(s.period)} {s.what}: {_done(s.done, s.required)}{_answering(s)}"
            for s in found
        ]


def plan_report(
    plan_path: str | Path | None,
    records_path_or_iterable: RecordSource,
    year: int,
    *,
    rules: RuleSet | None = None,
) -> PlanReport:
    """Load the plan (None: the default plan), validate the records and check the year.

    Given `rules`, each shortfall of a sector's units names the bureau sections that answer for
    it (the rule set's `routing.yaml`). Raises `PlanError` (plan file defects, or a plan for
    another year) and `RecordsError`.
    """
    plan = load_plan(plan_path)
    if year != plan.year:
        reason = f"the plan is for {plan.year}; cannot check {year} against it"
        raise PlanError([RuleFileError(plan.file, plan.year_line, None, reason)])
    routing = rules.routing.by_sector if rules is not None else None
    return evaluate(plan, read_records(records_path_or_iterable, plan), routing=routing)


def _sections(
    routing: Mapping[str, Section] | None, sectors: Iterable[Sector]
) -> tuple[Section, ...]:
    if routing is None:
        return ()
    found = {routing[sector.value] for sector in sectors if sector.value in routing}
    return tuple(sorted(found, key=Section.rank))


def evaluate(
    plan: Plan,
    records: Iterable[InspectionRecord],
    *,
    routing: Mapping[str, Section] | None = None,
) -> PlanReport:
    """Count the plan year's records against every requirement of the plan; `routing` (sector
    code → section) names who answers for each shortfall of a sector's units."""
    everything = tuple(records)
    in_year = [r for r in everything if r.date.year == plan.year]
    officers = _officers(plan, in_year)
    traders: list[str] = []
    shortfalls = _quota_shortfalls(plan, in_year, officers)
    for rule in plan.half_yearly:
        units = (
            list(plan.registry)
            if plan.registry is not None
            else sorted({r.unit for r in in_year if r.sector is rule.sector})
        )
        traders += [unit for unit in units if unit not in traders]
        inspected = Counter((r.unit, _half(r.date)) for r in in_year)
        for half in (1, 2):
            for unit in units:
                if inspected[unit, half] < rule.per_unit:
                    shortfalls.append(
                        Shortfall(
                            kind="half_yearly",
                            period=half_period(plan.year, half),
                            code=rule.code,
                            required=rule.per_unit,
                            done=inspected[unit, half],
                            what=f"{rule.sector.label} {unit} 检查次数 (inspections of the unit)",
                            unit=unit,
                            sections=_sections(routing, (rule.sector,)),
                        )
                    )
    statuses = []
    for row in plan.schedule:
        tagged = [r for r in in_year if r.campaign == row.campaign]
        needs = []
        for index, need in enumerate(row.requires):
            admitted = [r for r in tagged if need.admits(r.sector)]
            done = len(admitted) if need.count == "records" else len({r.unit for r in admitted})
            needs.append(RequirementStatus(need, done))
            if done < need.at_least:
                shortfalls.append(
                    Shortfall(
                        kind="schedule",
                        period=quarter_period(plan.year, row.quarter),
                        code=row.campaign,
                        required=need.at_least,
                        done=done,
                        what=f"第{row.item}项 (item {row.item}) {row.campaign} {row.title}："
                        f"{need.label}",
                        campaign=row.campaign,
                        requirement=index,
                        sections=_sections(routing, need.sectors),
                    )
                )
        statuses.append(RowStatus(row, tuple(needs)))
    return PlanReport(
        plan=plan,
        year=plan.year,
        records=len(in_year),
        outside_year=len(everything) - len(in_year),
        officers=tuple(officers),
        traders=tuple(traders),
        shortfalls=tuple(sorted(shortfalls, key=lambda s: _order(plan, s))),
        schedule=tuple(statuses),
    )


def _officers(plan: Plan, in_year: list[InspectionRecord]) -> list[tuple[str, str]]:
    """Who is checked: the staff roster if the plan has one, else every (role, person) seen."""
    if plan.staff is not None:
        found = [(member.role, member.person) for member in plan.staff]
    else:
        found = list({(r.role, r.person) for r in in_year})
    roles = list(plan.roles)
    return sorted(dict.fromkeys(found), key=lambda key: (roles.index(key[0]), key[1]))


def _quota_shortfalls(
    plan: Plan, in_year: list[InspectionRecord], officers: list[tuple[str, str]]
) -> list[Shortfall]:
    done = Counter((r.role, r.person, r.date.month) for r in in_year)
    months = {(role, person): range(1, 13) for role, person in officers}
    for member in plan.staff or ():
        months[member.role, member.person] = range(member.from_month, member.to_month + 1)
    found = []
    for role, person in officers:
        required = plan.quota_per_person[role]
        for month in months[role, person]:
            if done[role, person, month] < required:
                found.append(
                    Shortfall(
                        kind="monthly_quota",
                        period=month_period(plan.year, month),
                        code="monthly_quota",
                        required=required,
                        done=done[role, person, month],
                        what=f"{plan.roles[role].label} {person} 带队检查次数 (inspections led)",
                        role=role,
                        person=person,
                    )
                )
    return found


def _answering(shortfall: Shortfall) -> str:
    if not shortfall.sections:
        return ""
    return " → " + "、".join(section.label for section in shortfall.sections)


def _done(done: int, required: int) -> str:
    return f"完成 {done}，要求至少 {required} (done {done} of at least {required})"


def _half(day: dt.date) -> int:
    return 1 if quarter_of(day) <= 2 else 2


def _order(plan: Plan, shortfall: Shortfall) -> tuple[Any, ...]:
    roles = list(plan.roles)
    campaigns = [row.campaign for row in plan.schedule]
    return (
        KINDS.index(shortfall.kind),
        shortfall.period,
        roles.index(shortfall.role) if shortfall.role is not None else -1,
        shortfall.person or shortfall.unit or "",
        campaigns.index(shortfall.campaign) if shortfall.campaign is not None else -1,
        shortfall.requirement or 0,
    )
