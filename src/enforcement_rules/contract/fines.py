"""`FineRange`: a fine range for one target, the unit of `fines` in rules and decisions."""

from __future__ import annotations

from typing import Any

import attrs

from .vocabulary import FineTarget


@attrs.frozen
class FineRange:
    """A fine range for one target; `mandatory` is false for 可以处 (the bureau may fine).

    Three forms: yuan bounds; multiples of the illegal income (`income_multiple`); shares of the
    person's previous year's income (`income_share`, 上一年年收入). For the last two the yuan
    bounds are computed per fact (`for_income`, `for_annual_income`); a share whose income is
    not known keeps the shares and has no yuan bounds (`amount_known` false, null in JSON).
    """

    target: FineTarget
    min_yuan: float
    max_yuan: float
    mandatory: bool = True
    #: (min, max) multiples of the illegal income; the yuan bounds are computed per fact.
    income_multiple: tuple[float, float] | None = None
    #: In a decision: the law version this party's fine was taken from (从旧兼从轻 is decided per
    #: party, so the unit and a person may stand under different versions). None in rules.
    law_version: str | None = None
    #: (min, max) shares of the previous year's income (0.4 = 40 %).
    income_share: tuple[float, float] | None = None
    #: False for a share fine whose income is unknown: the yuan bounds mean nothing then.
    amount_known: bool = True

    def for_income(self, income_yuan: float) -> FineRange:
        """The range in yuan for a fact's illegal income (unchanged for fixed ranges)."""
        if self.income_multiple is None:
            return self
        low, high = self.income_multiple
        return attrs.evolve(self, min_yuan=low * income_yuan, max_yuan=high * income_yuan)

    def for_annual_income(self, income_yuan: float | None) -> FineRange:
        """The range in yuan for the person's previous year's income, or shares only."""
        if self.income_share is None:
            return self
        if income_yuan is None:
            return attrs.evolve(self, min_yuan=0.0, max_yuan=0.0, amount_known=False)
        low, high = self.income_share
        return attrs.evolve(
            self, min_yuan=low * income_yuan, max_yuan=high * income_yuan, amount_known=True
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": self.target.value,
            "min_yuan": _number(self.min_yuan) if self.amount_known else None,
            "max_yuan": _number(self.max_yuan) if self.amount_known else None,
            "mandatory": self.mandatory,
            "law_version": self.law_version,
        }
        if self.income_share is not None:
            low, high = self.income_share
            data["income_share"] = {"min": low, "max": high}
        return data


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
