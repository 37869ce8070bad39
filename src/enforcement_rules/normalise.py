"""A `Violation` as the engine sees it: flat JSON values, dates as day ordinals.

`as_of` is the date whose law version applies (the window every rule file adds to its rules);
circumstances become one boolean per code, since durable_rules tests scalars best; amounts
become whole fen (see `conditions.to_fen`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conditions import circumstance_field, engine_field, to_fen
from .facts import Violation
from .vocabulary import Circumstance

WINDOW_FIELD = "as_of"

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
)

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
    }
    for name in _BOOLEANS:
        message[name] = getattr(violation, name)
    if violation.illegal_income_yuan is not None:
        message[engine_field("illegal_income_yuan")] = to_fen(violation.illegal_income_yuan)
    for circumstance, name in _CIRCUMSTANCE_FIELDS:
        message[name] = circumstance in violation.circumstances
    return message
