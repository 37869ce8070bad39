"""`FineRange`: a fine range for one target, the unit of `fines` in rules and decisions."""

from __future__ import annotations

from typing import Any

import attrs

from .vocabulary import FineTarget


@attrs.frozen
class FineRange:
    """A fine range for one target; `mandatory` is false for 可以处 (the bureau may fine)."""

    target: FineTarget
    min_yuan: float
    max_yuan: float
    mandatory: bool = True
    #: (min, max) multiples of the illegal income; the yuan bounds are computed per fact.
    income_multiple: tuple[float, float] | None = None
    #: In a decision: the law version this party's fine was taken from (从旧兼从轻 is decided per
    #: party, so the unit and a person may stand under different versions). None in rules.
    law_version: str | None = None

    def for_income(self, income_yuan: float) -> FineRange:
        """The range in yuan for a fact's illegal income (unchanged for fixed ranges)."""
        if self.income_multiple is None:
            return self
        low, high = self.income_multiple
        return attrs.evolve(self, min_yuan=low * income_yuan, max_yuan=high * income_yuan)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.value,
            "min_yuan": _number(self.min_yuan),
            "max_yuan": _number(self.max_yuan),
            "mandatory": self.mandatory,
            "law_version": self.law_version,
        }


def _number(value: float) -> int | float:
    return json_amount(value)


def json_amount(value: float) -> int | float:
    """An amount of yuan in JSON: whole yuan as an integer (`50000`, never `50000.0` or
    `5e4`), else the number to the fen. One number shape for decisions, cases and plans."""
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


def yuan(amount: float) -> str:
    """An amount as people read it: thousands separated, no needless decimals (`1,350,000`,
    `12,345.60`), never in exponent form."""
    if float(amount).is_integer():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"
