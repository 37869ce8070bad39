"""A `Violation` as the engine sees it: flat JSON values, dates as day ordinals.

`as_of` is the date whose law version applies (the window every rule file adds to its rules);
circumstances become one boolean per code, since durable_rules tests scalars best; amounts
become whole fen (see `conditions.to_fen`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..contract.facts import Violation
from ..contract.vocabulary import Circumstance
from ..rulebook.conditions import circumstance_field, engine_field, to_fen
from ..rulebook.model import WINDOW_FIELD

_BOOLEANS = (
    "correctable_on_site",
    "activity_ongoing",
    "workers_in_danger",
    "safety_assured",
    "nonconforming_equipment",
    "overdue",
    "serious",
    "fined_and_refuses",
    "harmful_consequences",
    "especially_serious",
)


def full_years_before(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` that end before `end` (2020-03-01 → 2022-03-02 gives 2)."""
    years = end.year - start.year
    while years > 0 and anniversary(start, years) >= end:
        years -= 1
    return max(years, 0)


def anniversary(start: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February → 1 March in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year: the period ends on 1 March
        return dt.date(start.year + years, 3, 1)


_CIRCUMSTANCE_FIELDS = tuple((member, circumstance_field(member.value)) for member in Circumstance)


def normalise(violation: Violation, as_of: dt.date) -> dict[str, Any]:
    """The engine message for `violation`, judged under the law in force on `as_of`."""
    message: dict[str, Any] = {
        "kind": violation.kind,
        "sector": violation.sector.value,
        "hazard": violation.hazard.value,
        "occurred_on": violation.occurred_on.toordinal(),
        "discovered_on": violation.discovered_on.toordinal(),
        "decided_on": violation.decided_on.toordinal(),
        WINDOW_FIELD: as_of.toordinal(),
        "discovered_after_full_years": full_years_before(
            violation.occurred_on, violation.discovered_on
        ),
    }
    for name in _BOOLEANS:
        message[name] = getattr(violation, name)
    if violation.illegal_income_yuan is not None:
        message[engine_field("illegal_income_yuan")] = to_fen(violation.illegal_income_yuan)
    if violation.annual_income_yuan is not None:
        message[engine_field("annual_income_yuan")] = to_fen(violation.annual_income_yuan)
    message["licence_status"] = violation.licence_status.value
    message["deaths"] = violation.deaths
    message["serious_injuries"] = violation.serious_injuries
    message[engine_field("direct_loss_yuan")] = to_fen(violation.direct_loss_yuan)
    if violation.accident_grade is not None:
        message["stated_accident_grade"] = violation.accident_grade.value
    for circumstance, name in _CIRCUMSTANCE_FIELDS:
        message[name] = circumstance in violation.circumstances
    return message
