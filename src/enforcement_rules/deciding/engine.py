"""The only module that touches durable_rules: compile, post, collect, clean up, translate errors.

Traps handled here (see docs/engine.md):
- rules are given as dict rulesets with our rule ids as names and as action names (`get_action`);
- facts are asserted (every matching rule fires), never posted as events (first match only);
- the session state is itself a message: no condition may test a field the state has (`id`, `sid`);
- each evaluation uses a fresh session id and deletes it in `finally` (about 1,024 live sessions
  exhaust the engine); one `Host` per rule set, guarded by a lock;
- `Host` starts two never-ending timer threads; this library uses no timers, so they are disabled;
- an exception inside an action is swallowed by durable_rules: actions record their own failures
  and the evaluation raises `EngineError`;
- loading mutates the ruleset dict: a deep copy is passed;
- a rule fires once per matching `$or` branch: fired ids are collected as a set per fact.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from durable import engine as durable_engine

from ..contract.errors import EngineError
from ..rulebook.conditions import AllOf, AnyOf, Condition, Not, Test, circumstance_field
from ..rulebook.model import RuleSet
from .normalise import window_field

_SENTINEL = "__evaluated__"
_MAX_PRIORITY_GAP = 10  # room between rule priorities; the sentinel fires after every rule


def compile_condition(condition: Condition) -> dict[str, Any]:
    """Translate our condition tree into durable_rules' JSON condition syntax."""
    if isinstance(condition, AllOf):
        return {"$and": [compile_condition(item) for item in condition.items]}
    if isinstance(condition, AnyOf):
        return {"$or": [compile_condition(item) for item in condition.items]}
    if isinstance(condition, Not):
        return _negate(condition.item)
    return _compile_test(condition)


def _compile_test(test: Test) -> dict[str, Any]:
    field, value = test.field, test.value
    compiled: dict[str, Any]
    if test.op == "eq":
        compiled = {field: value}
    elif test.op == "in":
        assert isinstance(value, tuple)
        compiled = {"$or": [{field: option} for option in value]}
    elif test.op == "includes":
        assert isinstance(value, tuple)
        compiled = {"$or": [{circumstance_field(code): True} for code in value]}
    elif test.op == "exists":
        compiled = {"$ex" if value else "$nex": {field: 1}}
    else:
        compiled = {f"${test.op}": {field: value}}
    if test.negated:
        return _negate(Test(test.field, test.op, test.value))
    return compiled


def _negate(condition: Condition) -> dict[str, Any]:
    """durable_rules has no general `not`: push negation down to the atoms (De Morgan)."""
    if isinstance(condition, Not):
        return compile_condition(condition.item)
    if isinstance(condition, AllOf):
        return {"$or": [_negate(item) for item in condition.items]}
    if isinstance(condition, AnyOf):
        return {"$and": [_negate(item) for item in condition.items]}
    if condition.negated:
        return _compile_test(Test(condition.field, condition.op, condition.value))
    field, value = condition.field, condition.value
    if condition.op == "eq":
        return {"$neq": {field: value}}
    if condition.op == "in":
        assert isinstance(value, tuple)
        return {"$and": [{"$neq": {field: option}} for option in value]}
    if condition.op == "includes":
        assert isinstance(value, tuple)
        return {"$and": [{circumstance_field(code): False} for code in value]}
    if condition.op == "exists":
        return {"$nex" if value else "$ex": {field: 1}}
    opposite = {"gt": "$lte", "gte": "$lt", "lt": "$gte", "lte": "$gt"}[condition.op]
    return {opposite: {field: value}}


def compile_ruleset(rules: RuleSet) -> dict[str, Any]:
    """The durable_rules definition of a rule set: one rule per rule id, plus the sentinel.

    Each rule's condition is its `when` and its file's window on the date that selects the law
    version (`as_of`, or the date named by the file's `applies_by`). Priorities follow the rule
    set's canonical order, so the firing order is fixed.
    """
    definition: dict[str, Any] = {}
    for rank, rule in enumerate(rules.rules):
        provision = rule.provision
        field = window_field(provision.applies_by)
        window: list[dict[str, Any]] = [{"$gte": {field: provision.in_force_from.toordinal()}}]
        if provision.in_force_until is not None:
            window.append({"$lt": {field: provision.in_force_until.toordinal()}})
        definition[rule.id] = {
            "all": [{"m": {"$and": [*window, compile_condition(rule.when)]}}],
            "pri": 1 + rank,
            "run": rule.id,
        }
    definition[_SENTINEL] = {
        "all": [{"m": {"$ex": {"kind": 1}}}],
        "pri": 1 + len(rules.rules) + _MAX_PRIORITY_GAP,
        "run": _SENTINEL,
    }
    return definition


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A host whose actions report to a callback, without the background timer threads."""

    def __init__(self, on_fire: Callable[[str, Any], None]):
        self._on_fire = on_fire
        super().__init__()

    def _run(self) -> None:
        """Disabled: durable_rules' dispatch threads serve timers and async actions, unused here."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        on_fire = self._on_fire

        def action(closure: Any) -> None:
            on_fire(action_name, closure)

        return action


_host_names = itertools.count()


def _run_session(
    host: _Host, ruleset: str, sid: str, messages: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Assert `messages` in session `sid`, then delete the session whatever happened.

    Returns the failures durable_rules swallowed into the session state; raises `EngineError`
    for its own errors (the first error wins over a failed clean-up of a session never made).
    """
    failures: list[str] = []
    failed = True
    try:
        if len(messages) == 1:
            host.assert_fact(ruleset, messages[0])
        else:
            host.assert_facts(ruleset, list(messages))
        swallowed = host.get_state(ruleset, sid).get("exception")
        if swallowed:
            failures.append(f"durable_rules caught: {swallowed}")
        failed = False
    except durable_engine.MessageNotHandledException as error:
        raise EngineError(f"durable_rules did not handle a fact: {error}") from error
    except durable_engine.MessageObservedException as error:
        raise EngineError(f"durable_rules saw a fact twice: {error}") from error
    except Exception as error:
        raise EngineError(f"durable_rules failed: {error}") from error
    finally:
        try:
            host.delete_state(ruleset, sid)
        except Exception as error:
            if not failed:
                raise EngineError(f"could not delete session {sid}: {error}") from error
    return failures


class Engine:
    """One compiled rule set on its own durable_rules host. Thread-safe; reusable."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self._rank = {rule.id: rank for rank, rule in enumerate(rules.rules)}
        self.rank = self._rank.__getitem__  # firing order of a rule id
        self._name = f"enforcement_{rules.digest}_{next(_host_names)}"
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        self._fired: list[list[str]] = []
        self._seen: list[bool] = []
        self._failures: list[str] = []
        self.live_sessions = 0  # sessions not yet deleted: 0 between calls (tests check it)
        self._host = _Host(lambda name, closure: self._record(name, closure))
        try:
            self._host.set_rulesets({self._name: copy.deepcopy(compile_ruleset(rules))})
        except Exception as error:
            raise EngineError(f"durable_rules rejected the compiled rule set: {error}") from error

    def _record(self, action_name: str, closure: Any) -> None:
        try:
            index = int(closure.m["ix"])
            if action_name == _SENTINEL:
                self._seen[index] = True
            else:
                self._fired[index].append(action_name)
        except Exception as error:  # durable_rules would swallow it
            self._failures.append(f"{action_name}: {error!r}")

    def evaluate(self, facts: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]]:
        """Assert normalised facts in one fresh session; per fact, the ids of the rules fired.

        Ids come in firing order (the rule set's canonical priority order).
        """
        if not facts:
            return []
        with self._lock:
            sid = f"s{next(self._sessions)}"
            self._fired = [[] for _ in facts]
            self._seen = [False] * len(facts)
            self._failures = []
            messages = [{**fact, "sid": sid, "ix": index} for index, fact in enumerate(facts)]
            self.live_sessions += 1
            try:
                self._failures += _run_session(self._host, self._name, sid, messages)
            finally:
                self.live_sessions -= 1
            if self._failures:
                raise EngineError("a rule action failed: " + "; ".join(self._failures))
            if not all(self._seen):
                raise EngineError("durable_rules skipped a fact (the sentinel rule did not fire)")
            # A rule whose condition has several `$or` branches fires once per branch that
            # matches: a rule either fired for a fact or it did not.
            return [tuple(sorted(set(ids), key=self.rank)) for ids in self._fired]


# --- Stateful case sessions -------------------------------------------------------------------
# A case's events (and a unit's penalties) are facts of one session, correlated by joins on
# their sequence numbers (`ix`), day ordinals and due days. One more trap: a `$not` over facts
# fires as soon as its positive part matches, before later facts of the same batch arrive, so
# it depends on arrival order. The case rules use positive joins only; absence ("no compliance
# before this re-inspection") is read from the full set of firings by the caller.

Chain = Sequence[tuple[str, dict[str, Any]]]  # (fact alias, durable_rules condition) in order


@dataclasses.dataclass(frozen=True)
class ClosureSpec:
    """A repeated-penalty threshold as a rule: `count` penalties, the last before `end_field`."""

    name: str
    count: int
    end_field: str  # a penalty fact's field: the day ordinal that ends its period
    start: int  # day ordinals of the law version's window
    until: int | None


def _after(alias: str) -> dict[str, Any]:
    return {"$gt": {"ix": {alias: "ix"}}}


def case_ruleset(closures: Sequence[ClosureSpec]) -> dict[str, Chain]:
    """The correlation rules of a case session (events) and a unit session (penalties)."""
    finding = {"$and": [{"t": "finding"}, {"suspends": True}]}
    order = {"t": "order"}
    rules: dict[str, Chain] = {
        "order": [("o", order)],
        "order-overdue": [
            ("o", order),
            (
                "r",
                {
                    "$and": [
                        {"t": "reinspection"},
                        {"complied": False},
                        _after("o"),
                        {"$gt": {"day": {"o": "due"}}},
                    ]
                },
            ),
        ],
        "order-complied": [
            ("o", order),
            ("r", {"$and": [{"t": "reinspection"}, {"complied": True}, _after("o")]}),
        ],
        "suspension": [("f", finding)],
        "review": [("f", finding), ("v", {"$and": [{"t": "review"}, _after("f")]})],
        "appeal-quashed": [("a", {"$and": [{"t": "appeal"}, {"quashed": True}]})],
    }
    for spec in closures:
        chain: list[tuple[str, dict[str, Any]]] = []
        for k in range(spec.count):
            tests: list[dict[str, Any]] = [{"t": "penalty"}, {"$gte": {"day": spec.start}}]
            if spec.until is not None:
                tests.append({"$lt": {"day": spec.until}})
            if k:
                tests.append(_after(f"p{k - 1}"))
            if k == spec.count - 1:
                tests.append({"$lt": {"day": {"p0": spec.end_field}}})
            chain.append((f"p{k}", {"$and": tests}))
        rules[spec.name] = chain
    return rules


Firing = tuple[str, tuple[tuple[str, int], ...]]  # rule name, (alias, fact ix) pairs


class CaseEngine:
    """Correlation rules on their own host; one session per case or unit, deleted after use.

    A session lives only while its facts are asserted and the firings read: the durable event
    log is the state, so no session outlives a call (durable_rules fails at ~1,024 live ones).
    """

    def __init__(self, rules: Mapping[str, Chain]):
        self._aliases = {name: tuple(alias for alias, _ in chain) for name, chain in rules.items()}
        definition: dict[str, Any] = {
            name: {"all": [{alias: test} for alias, test in chain], "run": name}
            for name, chain in rules.items()
        }
        definition[_SENTINEL] = {
            "all": [{"m": {"$ex": {"t": 1}}}],
            "pri": len(definition) + _MAX_PRIORITY_GAP,
            "run": _SENTINEL,
        }
        self._name = f"cases_{next(_host_names)}"
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        self._fired: list[Firing] = []
        self._seen = 0
        self._failures: list[str] = []
        self.live_sessions = 0
        self._host = _Host(self._record)
        try:
            self._host.set_rulesets({self._name: copy.deepcopy(definition)})
        except Exception as error:
            raise EngineError(f"durable_rules rejected the case rules: {error}") from error

    def _record(self, action_name: str, closure: Any) -> None:
        try:
            if action_name == _SENTINEL:
                self._seen += 1
                return
            bound = tuple((a, int(getattr(closure, a)["ix"])) for a in self._aliases[action_name])
            self._fired.append((action_name, bound))
        except Exception as error:  # durable_rules would swallow it
            self._failures.append(f"{action_name}: {error!r}")

    def correlate(self, session: str, facts: Sequence[Mapping[str, Any]]) -> list[Firing]:
        """Assert one case's (or unit's) facts in a fresh session; every firing, sorted, once.

        Sorted and de-duplicated (a rule fires once per `$or` branch), so replaying the same
        facts gives the same firings whatever order the engine used.
        """
        if not facts:
            return []
        with self._lock:
            sid = f"{session}#{next(self._sessions)}"
            self._fired, self._seen, self._failures = [], 0, []
            messages = [{**fact, "sid": sid} for fact in facts]
            self.live_sessions += 1
            try:
                self._failures += _run_session(self._host, self._name, sid, messages)
            except EngineError as error:
                raise EngineError(f"{error} (case session {session})") from error.__cause__
            finally:
                self.live_sessions -= 1
            if self._failures:
                raise EngineError("a case rule action failed: " + "; ".join(self._failures))
            if self._seen != len(messages):
                raise EngineError(f"durable_rules skipped a fact of {session}")
            return sorted(set(self._fired))
