"""The law on combining one inspection's findings, as loaded (read by `combining`).

`same_act`: one act breaking several provisions is fined once; `separate_acts`: several acts are
assessed separately and penalised together. Each rule holds by decision date.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..contract.citation import Citation

POLICIES = ("highest_fine", "one_fine")


@attrs.frozen
class CombiningRule:
    """One rule on combining, in force on decision dates from `in_force_from` (until excluded)."""

    in_force_from: dt.date
    in_force_until: dt.date | None
    citation: Citation
    source: str
    review: str
    policy: str | None = None  # same_act only: highest_fine or one_fine

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day < self.in_force_until
        )


@attrs.frozen
class Combining:
    same_act: tuple[CombiningRule, ...] = ()
    separate_acts: tuple[CombiningRule, ...] = ()

    def same_act_on(self, day: dt.date) -> CombiningRule | None:
        return next((rule for rule in self.same_act if rule.in_force_on(day)), None)

    def separate_acts_on(self, day: dt.date) -> CombiningRule | None:
        return next((rule for rule in self.separate_acts if rule.in_force_on(day)), None)
