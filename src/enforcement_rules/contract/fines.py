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


def fine_from_json(data: Any) -> FineRange:
    """A fine entry of a decision's JSON form (`FineRange.to_dict`) back as a `FineRange`."""
    if not isinstance(data, dict):
        raise ValueError(f"{data!r} is not a fine object")
    known = {"target", "min_yuan", "max_yuan", "mandatory", "law_version", "income_share"}
    extra = set(data) - known
    if extra:
        raise ValueError(f"unknown keys {sorted(extra)} in a fine")
    target = FineTarget.parse(data["target"])
    share = data.get("income_share")
    income_share = None
    if share is not None:
        income_share = (_as_number(share["min"]), _as_number(share["max"]))
    low, high = data.get("min_yuan"), data.get("max_yuan")
    known_amount = low is not None and high is not None
    if not known_amount and income_share is None:
        raise ValueError("a fine without yuan bounds must state its income_share")
    mandatory = data.get("mandatory", True)
    if not isinstance(mandatory, bool):
        raise ValueError(f"mandatory {mandatory!r} is not a boolean")
    version = data.get("law_version")
    if version is not None and not isinstance(version, str):
        raise ValueError(f"law_version {version!r} is not a string")
    return FineRange(
        target,
        _as_number(low) if low is not None else 0.0,
        _as_number(high) if high is not None else 0.0,
        mandatory,
        law_version=version,
        income_share=income_share,
        amount_known=known_amount,
    )


def _as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


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
