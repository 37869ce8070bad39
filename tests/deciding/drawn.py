"""Facts hypothesis draws to compare the fast paths with the full validated path: valid facts
of every covered kind, and variants that keep or break validity in the ways a raw-value key must
not miss (a number for a boolean, a date object, a null, an unknown field, dates out of order or
after the decision day, a bad ref, circumstances listed twice, amounts out of range, -0.0, NaN).
Shared by the final-decision table's tests and the columnar path's."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.testing import facts, invalid_facts

RULES = er.load_rules()


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


@st.composite
def variant(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """The fact with one change that may keep it in its class, move it, or spoil it."""
    fact = dict(base)
    change = draw(
        st.sampled_from(
            [
                "same",
                "shift_dates",
                "drop_dates",
                "disorder",
                "bool_as_int",
                "date_object",
                "null",
                "unknown_field",
                "ref",
                "figures",
                "circumstances",
                "drop_field",
            ]
        )
    )
    if change == "shift_dates":
        days = draw(st.integers(-400, 400))
        for name in ("occurred_on", "discovered_on", "decided_on"):
            fact[name] = _shift(fact[name], days)
    elif change == "drop_dates":
        for name in draw(st.sets(st.sampled_from(["discovered_on", "decided_on"]), min_size=1)):
            del fact[name]
    elif change == "disorder":
        fact["discovered_on"] = _shift(fact["occurred_on"], -draw(st.integers(1, 30)))
    elif change == "bool_as_int":
        name = draw(st.sampled_from(["overdue", "serious", "safety_assured", "activity_ongoing"]))
        fact[name] = draw(st.sampled_from([0, 1, 1.0, 0.0, "true", None]))
    elif change == "date_object":
        name = draw(st.sampled_from(["occurred_on", "discovered_on", "decided_on"]))
        day = dt.date.fromisoformat(fact[name])
        fact[name] = draw(st.sampled_from([day, dt.datetime(day.year, day.month, day.day)]))
    elif change == "null":
        name = draw(st.sampled_from(sorted(fact)))
        fact[name] = None
    elif change == "unknown_field":
        fact[draw(st.sampled_from(["colour", "Kind", "grade"]))] = draw(st.sampled_from([1, "x"]))
    elif change == "ref":
        fact["ref"] = draw(
            st.sampled_from(["F-1", "", "x" * 200, "x" * 201, "a\nb", 7, None, "检查-3"])
        )
    elif change == "figures":
        name = draw(
            st.sampled_from(
                ["deaths", "serious_injuries", "direct_loss_yuan", "illegal_income_yuan"]
            )
        )
        fact[name] = draw(
            st.sampled_from([0, 1, 3, 3.0, 2.5, -0.0, -1, math.nan, math.inf, 1e13, True, "5"])
            | st.integers(0, 200)
            | st.floats(0, 2e8, allow_nan=False)
        )
    elif change == "circumstances":
        codes = er.Circumstance.codes()
        fact["circumstances"] = draw(
            st.lists(st.sampled_from(codes), max_size=3) | st.just([codes[0], codes[0]])
        )
    elif change == "drop_field":
        name = draw(st.sampled_from(sorted(fact)))
        del fact[name]
    return fact


@st.composite
def batches(draw: st.DrawFn) -> list[Any]:
    bases = draw(st.lists(facts(RULES), min_size=1, max_size=3))
    drawn: list[Any] = list(bases)
    for base in bases:
        drawn += draw(st.lists(variant(base), min_size=1, max_size=5))
    drawn += [fact for fact, _ in draw(st.lists(invalid_facts(RULES), max_size=2))]
    drawn += draw(st.lists(st.sampled_from([None, [], "x", 3, {}]), max_size=1))
    return draw(st.permutations(drawn))


def outcome(result: er.Decision | er.EnforcementRulesError) -> Any:
    if isinstance(result, er.Decision):
        return result.to_dict(trace=True)
    return type(result).__name__, str(result)


def over_batches(examples: int) -> settings:
    """The settings of a property over drawn `batches`: no deadline (a batch decides several
    facts, the first ones cold) and large draws allowed."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
