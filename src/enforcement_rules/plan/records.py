"""Inspection records (执法检查记录), JSON Lines, validated against a plan.

One line is one inspection of one unit:
`{"date": "2010-03-04", "role": "deputy_director", "person": "陈建国", "unit": "金陵化工贸易公司",
"sector": "hazardous_chemicals", "campaign": "q1_fireworks"}`; `campaign` is optional.
`role` is a role of the plan, `sector` a `Sector` code, `campaign` a campaign of the plan's
schedule and the record must then be dated in that row's quarter; when the plan has a `staff`
roster, (role, person) must be rostered and the date inside that officer's months. Records dated
outside the plan's year are checked for shape only and are not counted.

Every bad field of every line is reported at once (`RecordsError`), each a `RecordError` naming
line, field and what is allowed, so a clerk can fix the whole file in one pass.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import FactError, FactErrors, suggest
from ..contract.lines import BlankLine, open_lines, read_items
from ..contract.vocabulary import Sector
from .model import Plan

FIELDS = ("date", "role", "person", "unit", "sector", "campaign")
REQUIRED = ("date", "role", "person", "unit", "sector")

RecordSource = str | os.PathLike[str] | Iterable[Mapping[str, Any]]


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


class RecordError(FactError):
    """One bad field of one record, located by source and line (1-based; blank lines count)."""

    noun = "record field"

    def __init__(
        self,
        source: str,
        line: int,
        field: str,
        problem: str,
        allowed: str | Iterable[str] | None = None,
        suggestion: str | None = None,
    ):
        super().__init__(
            field,
            problem,
            allowed if allowed is None or isinstance(allowed, str) else tuple(allowed),
            suggestion,
            where=f"{source}:{line}: ",
        )
        self.source = source
        self.line = line

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"line": self.line}


class RecordsError(FactErrors):
    """The records did not load: every bad field of every line, a `RecordError` each."""

    def __init__(self, errors: Iterable[RecordError]):
        super().__init__(list(errors))
        lines = "\n".join(f"  {error}" for error in self.errors)
        self.args = (f"records not loaded, {len(self.errors)} error(s):\n{lines}",)


@attrs.frozen
class InspectionRecord:
    """One validated inspection: who led it (role, person), where, when, under which campaign."""

    date: dt.date
    role: str
    person: str
    unit: str
    sector: Sector
    campaign: str | None
    line: int

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.date.isoformat(),
            "role": self.role,
            "person": self.person,
            "unit": self.unit,
            "sector": self.sector.value,
        }
        if self.campaign is not None:
            data["campaign"] = self.campaign
        return data


def read_records(source: RecordSource, plan: Plan) -> tuple[InspectionRecord, ...]:
    """Validate every record of a JSON Lines file (a path) or an iterable of mappings."""
    errors: list[RecordError] = []
    records: list[InspectionRecord] = []
    for name, line, raw in _raw_records(source, errors):
        record = parse_record(raw, plan, source=name, line=line, errors=errors)
        if record is not None:
            records.append(record)
    if errors:
        raise RecordsError(errors)
    return tuple(records)


def _raw_records(source: RecordSource, errors: list[RecordError]) -> Iterable[tuple[str, int, Any]]:
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            lines = open_lines(name)
        except OSError as error:
            errors.append(RecordError(name, 0, "<file>", f"cannot read: {error.strerror}"))
            return
        for number, item in read_items(lines):
            if isinstance(item, BlankLine):
                continue
            if isinstance(item, FactError):
                errors.append(RecordError(name, number, "<record>", item.problem))
            else:
                yield name, number, item
        return
    for number, raw in enumerate(source, start=1):
        yield "<records>", number, raw


def parse_record(
    raw: Any, plan: Plan, *, source: str, line: int, errors: list[RecordError]
) -> InspectionRecord | None:
    """One record, or None with its every bad field appended to `errors`."""

    def bad(
        field: str,
        problem: str,
        allowed: str | Iterable[str] | None = None,
        suggestion: str | None = None,
    ) -> None:
        errors.append(RecordError(source, line, field, problem, allowed, suggestion))

    if not isinstance(raw, Mapping):
        bad("<record>", f"{type(raw).__name__} is not a JSON object")
        return None
    before = len(errors)
    missing = [key for key in REQUIRED if key not in raw]
    for key in raw:
        if key not in FIELDS:
            # A misspelt field is one error, not "unknown" plus "missing".
            meant = suggest(str(key), [name for name in FIELDS if name not in raw])
            if meant in missing:
                missing.remove(meant)
            bad(str(key), "unknown field", FIELDS, meant)
    for key in missing:
        bad(key, "missing")
    day = None
    if "date" in raw:
        try:
            day = parse_date(raw["date"])
        except InvalidValue as error:
            bad("date", error.problem, error.allowed, error.suggestion)
    role = raw.get("role")
    if "role" in raw and role not in plan.roles:
        names = {code: named.zh for code, named in plan.roles.items()}
        bad(
            "role",
            f"{role!r} is not a role of plan {plan.plan}",
            plan.roles,
            suggest(role, plan.roles, names),
        )
    for key in ("person", "unit"):
        value = raw.get(key)
        if key in raw and (not isinstance(value, str) or not value.strip()):
            bad(key, f"{value!r} is not a non-empty string")
    sector = None
    if "sector" in raw:
        if raw["sector"] in Sector.codes():
            sector = Sector.parse(raw["sector"])
        if sector is None:
            bad(
                "sector",
                f"{raw['sector']!r} is not a sector code",
                Sector.codes(),
                suggest(raw["sector"], Sector.codes(), Sector.names()),
            )
    campaign = raw.get("campaign")
    if campaign is not None and not isinstance(campaign, str):
        bad("campaign", f"{campaign!r} is not a campaign code", [r.campaign for r in plan.schedule])
        campaign = None
    in_year = day is not None and day.year == plan.year
    if campaign is not None and in_year and day is not None:
        row = plan.campaign(campaign)
        if row is None:
            campaigns = [r.campaign for r in plan.schedule]
            bad(
                "campaign",
                f"{campaign!r} is not a campaign of plan {plan.plan}",
                campaigns,
                suggest(campaign, campaigns),
            )
        elif quarter_of(day) != row.quarter:
            bad(
                "campaign",
                f"{campaign!r} is scheduled for Q{row.quarter} {plan.year}, "
                f"but the record is dated {day.isoformat()} (Q{quarter_of(day)})",
                [r.campaign for r in plan.schedule if r.quarter == quarter_of(day)],
            )
    person = raw.get("person")
    if plan.staff is not None and isinstance(role, str) and role in plan.roles and in_year:
        rostered = [m.person for m in plan.staff if m.role == role]
        windows = [m for m in plan.staff if m.role == role and m.person == person]
        if isinstance(person, str) and person not in rostered:
            bad(
                "person",
                f"{person!r} is not on the plan's staff roster as {role}",
                rostered,
                suggest(person, rostered),
            )
        elif day is not None and windows and not any(m.covers(day.month) for m in windows):
            spans = [
                f"{plan.year}-{m.from_month:02d}..{plan.year}-{m.to_month:02d}" for m in windows
            ]
            bad(
                "date",
                f"{person!r} is on the roster as {role} only in {', '.join(spans)}",
                spans,
            )
    if len(errors) > before:
        return None
    assert day is not None and sector is not None  # every field was checked above
    return InspectionRecord(
        date=day,
        role=str(role),
        person=str(person),
        unit=str(raw["unit"]),
        sector=sector,
        campaign=campaign,
        line=line,
    )
