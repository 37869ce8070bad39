"""The final-decision table decides every fact as the full validated path does, valid or not.

A decider with the table (warm: each fact decided again once its class is tabled, and facts of
one class met under other dates, figures and spellings) is compared with one without any cache,
fact by fact, on facts hypothesis draws: valid facts of every covered kind, and variants that
keep or break validity in the ways the raw-dict key must not miss (a number for a boolean, a
date object, a null, an unknown field, dates out of order or after the decision day, a bad ref,
circumstances listed twice, amounts out of range, -0.0, NaN).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.deciding.table import with_ref
from enforcement_rules.testing import facts, invalid_facts

RULES = er.load_rules()
TODAY = dt.date(2027, 6, 1)  # some drawn dates lie after it: refused unless decided_on says so
WITH_TABLE = er.Decider(RULES, today=lambda: TODAY)
FULL_PATH = er.Decider(RULES, today=lambda: TODAY, cache_size=0)


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


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batches())
def test_the_table_decides_every_fact_as_the_full_path(batch: list[Any]) -> None:
    expected = [outcome(FULL_PATH.decide_many([fact], errors="collect")[0]) for fact in batch]
    for _ in range(2):  # cold, then warm (each class tabled by the first pass)
        got = [outcome(result) for result in WITH_TABLE.decide_many(batch, errors="collect")]
        assert got == expected
    one_by_one = [outcome(WITH_TABLE.decide_many([fact], errors="collect")[0]) for fact in batch]
    assert one_by_one == expected


EMPTIED = er.Decider(RULES, today=lambda: TODAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts(RULES))
def test_a_valid_fact_gets_a_key_and_is_then_answered_from_the_table(fact: dict[str, Any]) -> None:
    decider = EMPTIED
    decider.clear_cache()  # an empty table (a fresh decider per example compiled the engine)
    assert decider._fast(fact, TODAY.toordinal()) is not None
    first = decider.decide(fact)
    assert len(decider._table) == 1
    again = decider.decide({**fact, "ref": "F-7"})
    assert again.ref == "F-7" and again == with_ref(first, "F-7")


def test_a_fact_the_full_path_refuses_is_never_tabled() -> None:
    decider = er.Decider(RULES, today=lambda: TODAY)
    bad = {"kind": "no_safety_staff", "occurred_on": "2026-01-01", "overdue": 1}
    good = {**bad, "overdue": True}
    assert isinstance(decider.decide_many([bad], errors="collect")[0], er.FactError)
    assert decider.decide(good).rules_fired
    # 1 == True in Python: the key keeps the value's type, so the bad fact is still refused
    result = decider.decide_many([bad], errors="collect")[0]
    assert isinstance(result, er.FactError) and result.field == "overdue"


def test_the_decision_day_bounds_facts_that_state_none() -> None:
    days = iter([dt.date(2026, 3, 1), dt.date(2026, 1, 1)])
    decider = er.Decider(RULES, today=lambda: next(days))
    fact = {"kind": "no_safety_staff", "occurred_on": "2026-02-01"}
    assert decider.decide(fact).rules_fired  # decided on 2026-03-01
    result = decider.decide_many([fact], errors="collect")[0]  # now "today" is 2026-01-01
    assert isinstance(result, er.FactError) and result.field == "occurred_on"


def test_decide_iter_streams_in_chunks_with_each_error_in_its_place() -> None:
    decider = er.Decider(RULES, today=lambda: TODAY, chunk_size=3)
    good = {"kind": "no_safety_staff", "occurred_on": "2025-01-01"}
    read: list[int] = []

    def stream() -> Any:
        for number in range(10):
            read.append(number)
            yield {**good, "kind": "jaywalking"} if number == 4 else {**good, "ref": f"r{number}"}

    results = decider.decide_iter(stream())
    first = next(results)
    assert isinstance(first, er.Decision) and first.ref == "r0"
    assert read == [0, 1, 2]  # one chunk read, not the whole input
    rest = list(results)
    assert len(rest) == 9 and isinstance(rest[3], er.FactError)
    assert rest[3].__notes__ == ["in fact #4"]
    assert [r.ref for r in rest if isinstance(r, er.Decision)] == [
        f"r{n}" for n in range(1, 10) if n != 4
    ]
