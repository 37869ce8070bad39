"""The discretion benchmark (裁量基准) as data: rows that narrow a statutory fine range by tiers.

A benchmark file (`rules/discretion/*.yaml`, or a bureau's own file loaded beside the rules; see
docs/discretion.md) holds rows. A row narrows one provision (law, version, article, item) for
the kinds it names; its tiers are chosen by one tier fact (`by`), mildest tier first, and each
tier gives a band per stage (`first`: before the deadline; `overdue`: 逾期未改正) and fine target.
This module holds the loaded form only (no rule set, no reading): `discretion` reads and proves
the files, `deciding.discretion` chooses a tier for a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ..contract.vocabulary import FineTarget

#: The facts a tier may be chosen by, and their sort: a count of persons, places or days, an
#: amount in yuan (compared in whole fen) or a yes/no fact.
TIER_FACTS: dict[str, str] = {
    "instances": "count",
    "employees": "count",
    "duration_days": "count",
    "illegal_income_yuan": "amount",
    "repeat_offence": "flag",
    "corrected_before_decision": "flag",
    "harmful_consequences": "flag",
}
#: For yes/no facts: the value of the milder tier (correction before the decision is milder).
MILDER_FLAG: dict[str, bool] = {
    "repeat_offence": False,
    "corrected_before_decision": True,
    "harmful_consequences": False,
}
STAGES = ("first", "overdue")
#: How local a benchmark is: a more local one prevails where both narrow the same provision.
LEVELS = ("national", "provincial", "municipal", "county")


@attrs.frozen
class Band:
    """The band a tier gives one fine target, in yuan (both ends included)."""

    target: FineTarget
    min_yuan: float
    max_yuan: float
    line: int


@attrs.frozen
class Tier:
    """One tier (裁量阶次) of a row: the tier fact's values it covers and its bands by stage.

    For a count or an amount, `low`/`high` are inclusive bounds in whole units (persons, days,
    or fen for an amount); None is open. For a yes/no fact, `flag` is the value covered.
    """

    number: int
    text_zh: str
    low: int | None
    high: int | None
    flag: bool | None
    bands: Mapping[str, tuple[Band, ...]]
    line: int

    def covers(self, value: Any, sort: str) -> bool:
        if sort == "flag":
            return value is self.flag
        units = round(float(value) * 100) if sort == "amount" else int(value)
        return (self.low is None or units >= self.low) and (self.high is None or units <= self.high)

    def band(self, stage: str, target: FineTarget) -> Band | None:
        return next((band for band in self.bands.get(stage, ()) if band.target is target), None)


@attrs.frozen
class Row:
    """One benchmark row: the provision it narrows and its tiers, mildest first."""

    id: str
    number: str  # the row's number in the source, as printed (e.g. 十九, 26)
    law: str
    version: str
    article: int
    item: int | None
    kinds: tuple[str, ...]
    by: str
    complete: bool  # the tiers cover every value from the first tier up (else: as far as read)
    text_zh: str
    tiers: tuple[Tier, ...]
    line: int
    law_version: str = ""  # the provision's law@in-force date, set on loading
    note: str = ""

    @property
    def sort(self) -> str:
        return TIER_FACTS[self.by]

    @property
    def cites(self) -> str:
        item = f"第{self.item}项" if self.item is not None else ""
        return f"{self.law}@{self.version} 第{self.article}条{item}"


@attrs.frozen
class Benchmark:
    """One benchmark instrument as loaded: where it applies, when, and its rows."""

    id: str
    title_zh: str
    title_en: str
    issuer: str
    document: str
    level: str
    region: str | None
    in_force_from: dt.date
    in_force_until: dt.date | None
    source: str
    review: str
    review_note: str
    file: str  # relative to the rules directory when bundled, else as given
    rows: tuple[Row, ...]
    #: Whether decisions use it: national bundled files by default, others when selected.
    applied: bool = True

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day < self.in_force_until
        )

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)
