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
import json
from typing import Any

from drawn import batches, outcome, over_batches
from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules.deciding.decider import KEY_SHARE
from enforcement_rules.deciding.table import (
    DATES_ENTRY_BYTES,
    DAY_ENTRY_BYTES,
    GROUP_ENTRY_BYTES,
    with_ref,
)
from enforcement_rules.testing import facts

RULES = er.load_rules()
TODAY = dt.date(2027, 6, 1)  # some drawn dates lie after it: refused unless decided_on says so
WITH_TABLE = er.Decider(RULES, today=lambda: TODAY)
FULL_PATH = er.Decider(RULES, today=lambda: TODAY, cache_size=0)


@over_batches(120)
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


def test_facts_either_side_of_a_not_encoded_declaration_are_told_apart() -> None:
    """A kind declared not encoded from some day is refused from that day on, though no rule's
    threshold lies there: the key must tell the two days apart (a regression: it did not)."""
    cases = {
        (kind, bound)
        for law in RULES.laws.values()
        for declared in law.not_encoded
        for kind in declared.kinds
        for bound in (declared.in_force_from, declared.in_force_until)
        if bound is not None and bound < TODAY
    }
    assert cases
    decider = EMPTIED
    for kind, bound in sorted(cases):
        days = [bound + dt.timedelta(days=shift) for shift in (-1, 0)]
        pair = [{"kind": kind, "occurred_on": day.isoformat()} for day in days]
        expected = [outcome(FULL_PATH.decide_many([fact], errors="collect")[0]) for fact in pair]
        for order in (pair, pair[::-1]):  # each tabled before the other is met
            decider.clear_cache()
            got = [outcome(decider.decide_many([fact], errors="collect")[0]) for fact in order]
            assert got == (expected if order is pair else expected[::-1])


def test_keys_stay_apart_when_the_parts_numbers_run_out(monkeypatch: Any) -> None:
    """A key packs the numbers of its dates' and figures' parts below a limit; when numbering
    would pass it, it starts again and every later fact gets a new raw-value number. Under a
    limit of a few parts, facts met again after the restart must still get their own
    decisions, never those of an earlier fact that had the same part numbers."""
    from enforcement_rules.deciding import table

    monkeypatch.setattr(table, "_PART_LIMIT", 4)
    decider = er.Decider(RULES, today=lambda: TODAY)
    kinds = sorted(RULES.kinds)[:3]
    batch = [
        {"kind": kind, "occurred_on": f"20{year}-03-0{day}", "deaths": deaths}
        for kind in kinds
        for year in (11, 16, 22)
        for day in (1, 2)
        for deaths in (0, 3)
    ]
    expected = [outcome(FULL_PATH.decide_many([fact], errors="collect")[0]) for fact in batch]
    for order in (batch, batch[::-1], batch):  # restarts fall on other facts each pass
        got = [outcome(decider.decide_many([fact], errors="collect")[0]) for fact in order]
        assert got == (expected if order is batch else expected[::-1])
    keys = [decider._fast(fact, TODAY.toordinal()) for fact in batch]
    assert None in keys  # the limit was reached: those facts took the full path


def test_a_key_reads_the_fields_stated_not_their_order() -> None:
    """The key is read by the dict's sequence of fields (`FastKey._shape`): the same fields in
    another order give the same key, a field stated null is not a field left out, and a field
    the facts do not have gives no key (the full path names it)."""
    fast = er.Decider(RULES, today=lambda: TODAY)._fast
    day = TODAY.toordinal()
    fact = {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "mining"}
    key = fast(fact, day)
    assert key is not None
    assert fast(dict(reversed(fact.items())), day) == key
    assert fast({**fact, "serious": None}, day) not in (None, key)
    assert fast({**fact, "deaths": 0}, day) not in (None, key)
    assert fast({**fact, "unknown_field": 1}, day) is None
    assert fast({**fact, "serious": True}, day) != fast({**fact, "serious": 1}, day)


def test_the_memos_share_texts_and_type_tuples_across_parsed_lines() -> None:
    """Each parsed line brings its own copies of its texts; what the key's memos keep of a line
    (its raw values and dates) is shared with every other entry, so a long run of lines does
    not hold a copy of each line's codes and dates."""
    decider = er.Decider(RULES, today=lambda: TODAY)
    lines = [
        {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "mining"},
        {
            "kind": "blocked_exits",
            "occurred_on": "2025-09-09",
            "discovered_on": "2025-09-10",
            "sector": "construction",
        },
    ]
    parsed = [json.loads(json.dumps(line)) for line in lines]
    assert parsed[0]["kind"] is not parsed[1]["kind"]
    for fact in parsed:
        assert decider._fast(fact, TODAY.toordinal()) is not None
    (_, first_values, first_types, _), (_, second_values, second_types, _) = decider._fast._statics
    assert first_types is second_types
    assert decider._fast.static[0] == "kind"  # the first value stated, in both lines
    assert first_values[0] is second_values[0] == "blocked_exits"
    first_dates, second_dates = decider._fast._dates
    assert first_dates[0] is second_dates[0]
    first_fields, second_fields = decider._fast._shapes  # the second states `discovered_on`
    assert first_fields[0] is second_fields[0] == "kind"


def test_the_texts_the_memos_share_go_when_the_memos_forget() -> None:
    """The shared texts are the callers' (a stream of distinct bad codes, say): they are kept
    only while the memo of shared texts has room, never interned for the process's life; and
    each memo keeps to its share of the key's budget."""
    budget = 256 * 1024
    decider = er.Decider(RULES, today=lambda: TODAY, table_bytes=budget)
    memo_bytes = budget * KEY_SHARE // 16
    for number in range(200):
        fact = {
            "kind": f"no-such-kind-{number}",
            "occurred_on": f"2025-0{1 + number % 9}-0{1 + number % 7}",
        }
        decider._fast(fact, TODAY.toordinal())
    fast = decider._fast
    texts = fast._texts
    assert 0 < len(fast._statics) * GROUP_ENTRY_BYTES <= memo_bytes // 2 < 200 * GROUP_ENTRY_BYTES
    assert fast._statics.evicted  # the oldest groups went, one by one
    assert 0 < len(fast._dates) * DATES_ENTRY_BYTES <= memo_bytes // 4
    assert 0 < len(texts) * DAY_ENTRY_BYTES <= memo_bytes // 8
    assert "no-such-kind-0" not in texts and "no-such-kind-199" in texts


VALIDATING = er.Decider(RULES, today=lambda: TODAY)


@over_batches(120)
@given(batches())
def test_a_fact_with_a_key_is_validated_as_the_full_path_validates_it(batch: list[Any]) -> None:
    """`FastKey.validated` builds the `Violation` of a fact with a table key from values
    checked alone: it must be the one `Violation.from_dict` builds, field for field, and
    never a fact that `from_dict` refuses (the raw-value groups met again in the batch, and
    facts of one group under other dates, figures and refs, included)."""
    fast = VALIDATING._fast
    fast.clear()
    for _ in range(2):  # each value checked, then remembered
        for fact in batch:
            key = fast(fact, TODAY.toordinal()) if type(fact) is dict else None
            if key is None:
                continue
            built = fast.validated(fact)
            try:
                expected = er.Violation.from_dict(fact, kinds=RULES.kinds, today=TODAY)
            except er.EnforcementRulesError:
                assert built is None, fact
                continue
            assert built is not None, fact  # a valid fact with a key and a printable ref
            assert built == expected
            assert [type(getattr(built, name)) for name in fast.known] == [
                type(getattr(expected, name)) for name in fast.known
            ]
