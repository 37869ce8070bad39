"""The durable_rules compilation agrees with the plain-Python meaning of every condition."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules.deciding import engine as engine_module
from enforcement_rules.deciding.engine import (
    SESSION_IDS,
    Engine,
    EngineSessionError,
    compile_atom,
    compile_conjunction,
    fnv1_32,
    read_firing,
)
from enforcement_rules.deciding.normalise import normalise
from enforcement_rules.proving.reference import fired_ids
from enforcement_rules.rulebook.conditions import alternatives, parse_condition
from enforcement_rules.testing import facts

RULES = er.load_rules()
ENGINE = Engine(RULES)


def blocked_exits_2022() -> dict[str, Any]:
    violation = er.Violation.from_dict({"kind": "blocked_exits", "occurred_on": "2022-01-01"})
    return normalise(violation, violation.occurred_on)


def expected_firing(message: dict[str, Any]) -> tuple[str, ...]:
    """What should fire, computed without durable_rules (the reference evaluator)."""
    return fired_ids(RULES, message)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts(RULES))
def test_engine_fires_exactly_the_rules_whose_conditions_hold(data: dict[str, Any]) -> None:
    violation = er.Violation.from_dict(data)
    message = normalise(violation, violation.occurred_on)
    assert ENGINE.evaluate([message]) == [expected_firing(message)]


@settings(max_examples=30, deadline=None)
@given(facts(RULES).flatmap(lambda first: facts(RULES).map(lambda second: [first, second])))
def test_a_batch_gives_each_fact_its_own_firing(batch: list[dict[str, Any]]) -> None:
    messages = [normalise(v, v.occurred_on) for v in map(er.Violation.from_dict, batch)]
    assert ENGINE.evaluate(messages) == [expected_firing(m) for m in messages]


def test_negations_become_plain_alternatives_by_de_morgan() -> None:
    condition = parse_condition(
        {"not": {"any": [{"overdue": True}, {"sector": {"not": ["gas", "mining"]}}]}}, ["x"]
    )
    assert alternatives(condition) == [
        (("overdue", "neq", True), ("sector", "eq", "gas")),
        (("overdue", "neq", True), ("sector", "eq", "mining")),
    ]
    assert compile_conjunction(alternatives(condition)[0]) == {
        "$and": [{"$neq": {"overdue": True}}, {"sector": "gas"}]
    }


def test_comparisons_includes_and_exists_compile_and_agree() -> None:
    condition = parse_condition(
        {
            "illegal_income_yuan": {"gte": 100000},
            "circumstances": {"includes": ["first_offence", "coerced"]},
            "decided_on": {"lt": "2021-07-15"},
        },
        ["x"],
    )
    found = alternatives(condition)
    assert len(found) == 2  # one per circumstance
    assert ("illegal_income_fen", "gte", 10_000_000) in found[0]
    assert compile_atom(("illegal_income_fen", "gte", 10_000_000)) == {
        "$gte": {"illegal_income_fen": 10_000_000}
    }
    assert compile_atom(("illegal_income_fen", "nex", 1)) == {"$nex": {"illegal_income_fen": 1}}
    fact = {"illegal_income_fen": 10_000_000, "c_first_offence": True, "decided_on": 700000}
    assert condition.holds(fact)
    assert not condition.holds({**fact, "c_first_offence": False})
    assert not condition.holds({**fact, "illegal_income_fen": 9_999_999})


def test_contradictory_alternatives_are_dropped() -> None:
    condition = parse_condition({"all": [{"kind": ["x", "y"]}, {"kind": "x"}]}, ["x", "y"])
    assert alternatives(condition) == [(("kind", "eq", "x"), ("kind", "eq", "x"))]


def meets(atom: tuple[str, str, Any], message: dict[str, Any]) -> bool:
    """A comparison as durable_rules evaluates it: a field not given meets only `nex`."""
    field, op, value = atom
    if field not in message:
        return op == "nex"
    actual = message[field]
    return {
        "eq": actual == value,
        "neq": actual != value,
        "gt": actual > value if op == "gt" else False,
        "gte": actual >= value if op == "gte" else False,
        "lt": actual < value if op == "lt" else False,
        "lte": actual <= value if op == "lte" else False,
        "ex": True,
        "nex": False,
    }[op]


@settings(max_examples=200, deadline=None)
@given(facts(RULES))
def test_every_rule_holds_exactly_when_one_of_its_alternatives_does(data: dict[str, Any]) -> None:
    violation = er.Violation.from_dict(data)
    message = normalise(violation, violation.occurred_on)
    for rule in RULES.rules:
        met = any(
            all(meets(atom, message) for atom in conjunction)
            for conjunction in alternatives(rule.when)
        )
        assert met == rule.when.holds(message), rule.id


def test_sessions_are_deleted_after_every_evaluation() -> None:
    engine = Engine(RULES)
    message = blocked_exits_2022()
    for _ in range(50):
        engine.evaluate([message])
    assert engine.live_sessions == 0
    with pytest.raises(Exception, match="309"):  # durable_rules: no such session
        engine._host.get_facts(engine._names[0], "s49")


def test_durable_rules_takes_two_facts_whose_ids_hash_alike_for_one() -> None:
    """What each fact's own `id` guards against, shown on durable_rules itself: it files a
    session's messages under `fnv1_32` of their ids, so two distinct facts whose ids hash alike
    (40189 and 797186), or a fact whose id hashes like the session's state (`sid-<sid>`), are
    refused as one fact seen twice; ids that hash apart are not."""
    message = blocked_exits_2022()
    ENGINE.evaluate([message])  # not the ruleset's first session: see the test above
    name = ENGINE._names[0]
    like_state = next(n for n in range(SESSION_IDS) if fnv1_32(str(n)) == fnv1_32("sid-s2385822"))

    def session(sid: str, first: int, second: int) -> None:
        messages = [
            {"ix": 0, **message, "sid": sid, "ix": 0, "id": first},  # noqa: F601
            {"ix": 1, **message, "sid": sid, "ix": 1, "id": second},  # noqa: F601
        ]
        engine_module._run_session(ENGINE._host, name, sid, messages)

    assert fnv1_32("40189") == fnv1_32("797186")
    with pytest.raises(EngineSessionError, match="saw a fact twice"):
        session("t0", 40189, 797186)
    with pytest.raises(EngineSessionError, match="saw a fact twice"):
        session("s2385822", 0, like_state)
    session("t1", 40189, 797187)
    session("s2385823", 0, 1)


def test_the_ids_and_sessions_the_engine_gives_hash_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each finding of a session has its number as `id`, the facts rules derive the numbers
    after, all below `SESSION_IDS` (whose numbers hash apart), and no session's state hashes
    like one of them (the session number whose would is skipped)."""
    assert len(engine_module._id_hashes()) == SESSION_IDS  # no two ids hash alike
    assert engine_module._fresh_sid("s", iter([2385822, 2385830])) == "s2385830"
    sessions: list[tuple[str, list[int]]] = []
    run = engine_module._run_session

    def spy(host: Any, ruleset: str, sid: str, messages: list[dict[str, Any]]) -> list[str]:
        sessions.append((sid, [message["id"] for message in messages]))
        return run(host, ruleset, sid, messages)

    monkeypatch.setattr(engine_module, "_run_session", spy)
    engine = Engine(RULES)
    derived: dict[str, list[int]] = {}  # per session, the ids of the facts its rules derived
    number = engine._session_id

    def numbered() -> int:
        found = number()
        derived.setdefault(sessions[-1][0], []).append(found)
        return found

    monkeypatch.setattr(engine, "_session_id", numbered)
    accident = er.Violation.from_dict(
        {"kind": "accident_unit_liable", "occurred_on": "2022-01-01", "deaths": 4}
    )
    batch = [blocked_exits_2022(), normalise(accident, accident.occurred_on)]
    engine.evaluate(batch)
    assert len(sessions) == len(engine.shards)
    for sid, ids in sessions:
        assert ids == [0, 1] and fnv1_32(f"sid-{sid}") not in engine_module._id_hashes()
    assert derived  # the accident's grade
    for ids in derived.values():
        assert ids == list(range(len(batch), len(batch) + len(ids)))


def test_a_fact_no_rule_handles_is_an_engine_error() -> None:
    with pytest.raises(er.EngineError, match="did not handle"):
        ENGINE.evaluate([{"colour": "red"}])
    assert ENGINE.live_sessions == 0


def test_an_unhandled_fact_in_a_fresh_engine_does_not_crash_the_process() -> None:
    """Deleting the session durable_rules did not handle a fact in corrupted its heap when it
    was the ruleset's first session (the process aborted: `free(): invalid size`; it showed as
    a crash of the test above under pytest-xdist). The session is now left alone and the
    shard rebuilt, and the engine goes on deciding."""
    code = (
        "import enforcement_rules as er\n"
        "from enforcement_rules.deciding.engine import Engine\n"
        "from enforcement_rules.deciding.normalise import normalise\n"
        "engine = Engine(er.load_rules())\n"
        "try:\n"
        "    engine.evaluate([{'colour': 'red'}])\n"
        "except er.EngineError:\n"
        "    pass\n"
        "v = er.Violation.from_dict({'kind': 'blocked_exits', 'occurred_on': '2022-01-01'})\n"
        "assert engine.evaluate([normalise(v, v.occurred_on)])[0]\n"
        "print(engine.abandoned_sessions, engine.live_sessions)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "0"]


def test_a_failing_action_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Engine, name: str, *_: Any) -> None:
        self._failures.append(f"{name}: boom")

    monkeypatch.setattr(Engine, "_record", broken)
    engine = Engine(RULES)
    message = blocked_exits_2022()
    with pytest.raises(er.EngineError, match="a rule action failed"):
        engine.evaluate([message])
    assert engine.live_sessions == 0


def test_two_engines_on_one_rule_set_do_not_collide() -> None:
    first, second = Engine(RULES), Engine(RULES)
    message = blocked_exits_2022()
    assert first.evaluate([message]) == second.evaluate([message])


@pytest.mark.parametrize("amount", [1e-05, 0.5, 1e11, 123456.78])
def test_amounts_reach_the_engine_whatever_their_float_form(amount: float) -> None:
    # durable_rules' JSON parser rejects "1e-05" (error 204): amounts travel as whole fen.
    violation = er.Violation.from_dict(
        {"kind": "blocked_exits", "occurred_on": "2022-01-01", "illegal_income_yuan": amount}
    )
    message = normalise(violation, violation.occurred_on)
    assert ENGINE.evaluate([message]) == [expected_firing(message)]


def test_an_exception_durable_rules_swallows_into_state_is_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def raising(*_: Any) -> None:
        raise RuntimeError("boom inside an action")

    monkeypatch.setattr(Engine, "_record", raising)
    engine = Engine(RULES)
    message = blocked_exits_2022()
    with pytest.raises(er.EngineError, match="boom inside an action"):
        engine.evaluate([message])
    assert engine.live_sessions == 0


def test_firing_rules_leaves_no_reference_cycle_for_the_collector() -> None:
    """durable_rules' own action runner made a self-referencing closure per firing; the cycles
    (a dozen objects each) were a third of a cold batch's time. Ours frees all by refcount."""
    message = blocked_exits_2022()
    ENGINE.evaluate([message])  # warm: nothing left over from the first use
    gc.collect()
    gc.disable()
    try:
        fired = ENGINE.evaluate([message] * 20)
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert all(fired) and unreachable == 0


def whole_reading(text: str) -> tuple[str, Any]:
    """A firing read by parsing all of it: its rule and its finding's index."""
    parsed = json.loads(text)
    rule_name = next(iter(parsed))
    return rule_name, parsed[rule_name]["m"].get("ix")


def test_every_firing_of_a_batch_is_read_off_its_start_as_a_whole_parse_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts: list[str] = []
    following = engine_module.durable_rules_engine.complete_and_start_action

    def kept(*arguments: Any) -> Any:
        text = following(*arguments)
        if text:
            texts.append(text)
        return text

    monkeypatch.setattr(engine_module.durable_rules_engine, "complete_and_start_action", kept)
    messages = [blocked_exits_2022()] * 5
    assert ENGINE.evaluate(messages) == [expected_firing(messages[0])] * 5
    assert len(texts) >= 10
    for text in texts:
        assert engine_module._FIRING_START.match(text), text[:200]  # the short way is taken
        assert read_firing(text) == whole_reading(text)


rule_names = st.text(st.characters(blacklist_characters='"\\'), min_size=1, max_size=20)
values = st.one_of(st.text(), st.integers(), st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(
    rule_names,
    st.integers(0, 10**6),
    st.dictionaries(st.text(max_size=8).filter(lambda k: k != "ix"), values, max_size=5),
    st.sampled_from(["first", "last", "missing"]),
    st.booleans(),
)
def test_a_firing_reads_as_a_whole_parse_reads_it_whatever_its_facts_hold(
    rule_name: str, index: int, fields: dict[str, Any], where: str, derived: bool
) -> None:
    """Values that spell `"ix": …` inside strings, an index that is not first or is absent,
    other joined facts: the rule and the index read are those of the whole JSON."""
    fields = {**fields, "decoy": f'{{"m":{{"ix": {index + 1},'}
    finding = {"ix": index, **fields} if where == "first" else dict(fields)
    if where == "last":
        finding["ix"] = index
    joined = {"m": finding, **({"d0": {"t": "derived", "ix": index}} if derived else {})}
    for separators in [(",", ":"), (", ", ": ")]:
        text = json.dumps({rule_name: joined}, ensure_ascii=False, separators=separators)
        assert read_firing(text) == whole_reading(text)
    assert read_firing({rule_name: joined}) == whole_reading(json.dumps({rule_name: joined}))
