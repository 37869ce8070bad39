"""A bureau's enforcement work plan (执法工作计划) as data: model and loader.

The plan is bureau practice, not law, so it lives in `plans/` and never in `rules/` (the rule
loader reads every YAML file there as a provision). Loading mirrors `loader.load_rules`: safe YAML
with a line for every value (`rulebook.safe_yaml.read_yaml`), the JSON Schema shipped in
`plan.schema.json`, then what a schema cannot say (known codes, unique campaigns, the
schedule's numbering). Every defect is collected and raised together as `PlanError`, each one a
`RuleFileError` naming file, line, the campaign (when there is one) and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ..contract.errors import RuleFileError, RuleSetError
from ..contract.vocabulary import Sector
from ..rulebook.loader import ErrorCollector, packaged_schema, schema_errors
from ..rulebook.safe_yaml import Path as DataPath
from ..rulebook.safe_yaml import YamlDocument, read_yaml

PLAN_FILE = "baixia-2010.yaml"


def default_plan_path() -> Path:
    """The plan shipped with the package (a wheel), or `plans/baixia-2010.yaml` of a checkout.

    Mirrors `loader.bundled_rules_dir`: a wheel carries `plans/` as `bundled_plans/`.
    """
    packaged = resources.files("enforcement_rules") / "bundled_plans" / PLAN_FILE
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "plans" / PLAN_FILE


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file (also usable by editors)."""
    return packaged_schema("plan.schema.json", __package__)


class PlanError(RuleSetError):
    """The plan file did not load: every defect found, each located by file and line."""

    def __init__(self, errors: list[RuleFileError] | tuple[RuleFileError, ...]):
        super().__init__(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        self.args = (f"plan not loaded, {len(self.errors)} error(s):\n{lines}",)


@attrs.frozen
class Named:
    """A code of the plan's own vocabulary (a role, a mode) with its Chinese and English names."""

    code: str
    zh: str
    en: str

    @property
    def label(self) -> str:
        return f"{self.zh} ({self.en})"


@attrs.frozen
class StaffMember:
    """One rostered officer: checked against the quota of `role` in months from..to (inclusive)."""

    person: str
    role: str
    from_month: int = 1
    to_month: int = 12

    def covers(self, month: int) -> bool:
        return self.from_month <= month <= self.to_month


@attrs.frozen
class Requirement:
    """What a schedule row needs: `at_least` tagged records, or distinct units, of some sectors."""

    count: str  # "records" or "units"
    at_least: int
    sectors: tuple[Sector, ...] = ()
    not_sectors: tuple[Sector, ...] = ()

    def admits(self, sector: Sector) -> bool:
        if self.sectors:
            return sector in self.sectors
        return sector not in self.not_sectors

    @property
    def label(self) -> str:
        """`危险化学品 (hazardous chemicals) 单位数 (distinct units)`, for reports."""
        what = "单位数 (distinct units)" if self.count == "units" else "检查记录 (inspections)"
        if self.sectors:
            scope = (
                "、".join(s.zh for s in self.sectors)
                + f" ({', '.join(s.en for s in self.sectors)})"
            )
        elif self.not_sectors:
            names = "、".join(s.zh for s in self.not_sectors)
            scope = f"{names}以外 (other than {', '.join(s.en for s in self.not_sectors)})"
        else:
            scope = "任何行业 (any sector)"
        return f"{scope} {what}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "at_least": self.at_least,
            "sectors": [s.value for s in self.sectors],
            "not_sectors": [s.value for s in self.not_sectors],
        }


@attrs.frozen
class ScheduleRow:
    """One row of the quarterly schedule table (附表), tagged in records by `campaign`."""

    quarter: int
    item: int
    campaign: str
    text_zh: str
    title: str
    mode: Named
    countable: bool
    requires: tuple[Requirement, ...]
    counts_note: str
    line: int


@attrs.frozen
class HalfYearRule:
    """Every unit of `sector` (or of the registry) inspected at least `per_unit` times a half."""

    code: str
    cites: str
    text_zh: str
    title: str
    sector: Sector
    per_unit: int
    line: int


@attrs.frozen
class Plan:
    """The whole plan, validated; nothing in it is a default of the code."""

    file: str
    plan: str
    year: int
    title: str
    roles: Mapping[str, Named]
    modes: Mapping[str, Named]
    quota_per_person: Mapping[str, int]
    quota_cites: str
    quota_text_zh: str
    half_yearly: tuple[HalfYearRule, ...]
    schedule: tuple[ScheduleRow, ...]
    staff: tuple[StaffMember, ...] | None
    registry: tuple[str, ...] | None
    year_line: int

    def campaign(self, code: str) -> ScheduleRow | None:
        return next((row for row in self.schedule if row.campaign == code), None)


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and validate a plan file (default: `default_plan_path()`); `PlanError` lists defects."""
    file = Path(path) if path is not None else default_plan_path()
    name = str(file)
    try:
        text = file.read_text("utf-8")
    except OSError as error:
        raise PlanError(
            [RuleFileError(name, None, None, f"cannot read: {error.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise PlanError([RuleFileError(name, None, None, "not UTF-8 text")]) from None
    try:
        doc = read_yaml(text, name)
    except RuleFileError as error:
        raise PlanError([error]) from None
    out = ErrorCollector()
    if not schema_errors(doc, plan_schema(), out):
        raise PlanError(out.errors)
    plan = _build(doc, out.errors)
    if out.errors or plan is None:
        raise PlanError(out.errors)
    return plan


def _build(doc: YamlDocument, errors: list[RuleFileError]) -> Plan | None:
    data = doc.data

    def fail(path: DataPath, reason: str, campaign: str | None = None) -> None:
        errors.append(RuleFileError(doc.file, doc.line_of(path), campaign, reason))

    roles = {code: Named(code, v["zh"], v["en"]) for code, v in data["roles"].items()}
    modes = {code: Named(code, v["zh"], v["en"]) for code, v in data["modes"].items()}
    quotas: dict[str, int] = data["monthly_quota"]["per_person"]
    for role in quotas:
        if role not in roles:
            fail(
                ("monthly_quota", "per_person", role),
                f"unknown role {role!r} (roles: {', '.join(roles)})",
            )
    for role in roles:
        if role not in quotas:
            fail(("monthly_quota", "per_person"), f"role {role!r} has no monthly quota")

    half_yearly = []
    for index, raw in enumerate(data["half_yearly"]):
        sector = _sector(raw["sector"], ("half_yearly", index, "sector"), fail)
        if sector is not None:
            half_yearly.append(
                HalfYearRule(
                    raw["code"],
                    raw["cites"],
                    raw["text_zh"],
                    raw["title"],
                    sector,
                    raw["per_unit"],
                    doc.line_of(("half_yearly", index)),
                )
            )

    schedule = []
    seen: dict[str, int] = {}
    previous = (0, 0)
    for index, raw in enumerate(data["schedule"]):
        path: DataPath = ("schedule", index)
        code = raw["campaign"]
        if code in seen:
            fail((*path, "campaign"), f"campaign {code!r} already used at line {seen[code]}", code)
        seen.setdefault(code, doc.line_of((*path, "campaign")))
        quarter, item = raw["quarter"], raw["item"]
        expected = previous[1] + 1 if quarter == previous[0] else 1
        if quarter < previous[0] or item != expected:
            fail(
                (*path, "item"),
                f"row Q{quarter} item {item} is out of order: expected Q{max(quarter, previous[0])}"
                f" item {expected} (rows follow the table: quarters in order, items 1, 2, …)",
                code,
            )
        previous = (quarter, item)
        mode = modes.get(raw["mode"])
        if mode is None:
            fail((*path, "mode"), f"unknown mode {raw['mode']!r} (modes: {', '.join(modes)})", code)
        requires = []
        for number, need in enumerate(raw["requires"]):
            here = (*path, "requires", number)
            sectors = [
                _sector(s, (*here, "sectors", i), fail)
                for i, s in enumerate(need.get("sectors", ()))
            ]
            excluded = [
                _sector(s, (*here, "not_sectors", i), fail)
                for i, s in enumerate(need.get("not_sectors", ()))
            ]
            requires.append(
                Requirement(
                    need["count"],
                    need["at_least"],
                    tuple(s for s in sectors if s is not None),
                    tuple(s for s in excluded if s is not None),
                )
            )
        if mode is not None:
            schedule.append(
                ScheduleRow(
                    quarter,
                    item,
                    code,
                    raw["text_zh"],
                    raw["title"],
                    mode,
                    raw["countable"],
                    tuple(requires),
                    raw.get("counts_note", ""),
                    doc.line_of(path),
                )
            )

    staff = None
    if "staff" in data:
        staff = []
        rostered: set[tuple[str, str]] = set()
        for index, raw in enumerate(data["staff"]):
            path = ("staff", index)
            if raw["role"] not in roles:
                fail((*path, "role"), f"unknown role {raw['role']!r} (roles: {', '.join(roles)})")
            key = (raw["role"], raw["person"])
            if key in rostered:
                fail(path, f"{raw['person']!r} is listed twice as {raw['role']}")
            rostered.add(key)
            member = StaffMember(
                raw["person"], raw["role"], raw.get("from_month", 1), raw.get("to_month", 12)
            )
            if member.from_month > member.to_month:
                fail(
                    (*path, "to_month"),
                    f"to_month {member.to_month} is before from_month {member.from_month}",
                )
            staff.append(member)
    registry = None
    if "registry" in data:
        registry = tuple(data["registry"])
        for index, unit in enumerate(registry):
            if unit in registry[:index]:
                fail(("registry", index), f"unit {unit!r} is listed twice")
    if errors:
        return None
    return Plan(
        file=doc.file,
        plan=data["plan"],
        year=data["year"],
        title=data["title"],
        roles=roles,
        modes=modes,
        quota_per_person=dict(quotas),
        quota_cites=data["monthly_quota"]["cites"],
        quota_text_zh=data["monthly_quota"]["text_zh"],
        half_yearly=tuple(half_yearly),
        schedule=tuple(schedule),
        staff=tuple(staff) if staff is not None else None,
        registry=registry,
        year_line=doc.line_of(("year",)),
    )


def _sector(value: str, path: DataPath, fail: Callable[..., None]) -> Sector | None:
    try:
        return Sector.parse(value)
    except ValueError:
        fail(path, f"{value!r} is not a sector code (allowed: {', '.join(Sector.codes())})")
        return None
