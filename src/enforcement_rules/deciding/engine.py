"""The only module that touches durable_rules: compile, assert, collect, clean up, translate errors.

Traps handled here (see docs/engine.md):
- each rule is compiled to one durable rule per alternative (conjunction) of its condition, named
  `rule id#n` with the rule id as action name (`runs`): no `$or` in the network, so a rule
  fires once per alternative that holds, and fired ids are collected as a set per fact;
- the rule set is cut into shards (`shards`), one durable ruleset each, so that no ruleset nears the
  engine's fixed tables (a hang past ~511 children of a node, errors 107/108, and the 64-entry
  matching stack whose error 303 poisons the session); compiling runs under a watchdog;
- facts are asserted (every matching rule fires), never posted as events (first match only);
- the session state is itself a message: no condition may test a field the state has (`id`, `sid`);
- every fact of a session carries its own `id`, its number in the session: durable_rules tells
  facts apart by a 32-bit hash of their ids and, left to hash whole facts, takes two distinct
  ones for one seen twice now and then (`SESSION_IDS`);
- each evaluation uses a fresh session id and deletes it in `finally` (about 1,024 live sessions
  exhaust the engine), except a session the engine failed in: touching that one crashes the
  process, so it is abandoned and the ruleset rebuilt under a new name;
- one `Host` per rule set, guarded by a fork-safe lock; its rulesets are deleted when it goes;
- `Host` starts two never-ending timer threads; this library uses no timers, so they are disabled;
- an exception inside an action is swallowed by durable_rules: actions record their own failures
  and the evaluation raises `EngineError`;
- loading mutates the ruleset dict: a fresh one is built for every registration.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as _datetime
import functools
import itertools
import json
import re
import threading
import types
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..contract.errors import EngineError
from ..rulebook.conditions import DERIVED, Atom, Conjunction
from ..rulebook.model import RuleSet
from ..rulebook.network import DERIVED_FACT, SENTINEL
from .forksafe import ForkSafeLock
from .shards import Shard, plan_shards

#: How to build durable-rules 2.0.28 on Python 3.13, whose C API no longer has the function its
#: extension calls (README, "Python 3.13"); an install without it imports with this error.
REBUILD_313 = (
    "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject "
    "pip install --no-cache-dir --force-reinstall durable-rules==2.0.28"
)

try:
    import durable_rules_engine
    from durable import engine as durable_engine
except ImportError as error:  # pragma: no cover (only where the engine was built wrongly)
    if "PyEval_CallObject" not in str(error):
        raise
    raise ImportError(
        "durable-rules was compiled without the setting Python 3.13 needs (its C extension "
        f"calls PyEval_CallObject, removed in 3.13); rebuild it: {REBUILD_313}",
        name="durable_rules_engine",
    ) from error


def _unix_now() -> float:
    """durable_rules' own clock (`durable.engine._unix_now`: local time as seconds since the
    epoch), without `datetime.utcfromtimestamp`, which Python 3.12 deprecates with a warning on
    every call: durable calls it for every action, which made every decision warn (and a test
    run that records warnings grow by ~100 MB over 20,000 decisions). The same value:
    `utcfromtimestamp(0)` is `datetime(1970, 1, 1)`."""
    return (_datetime.datetime.now() - _EPOCH).total_seconds()


_EPOCH = _datetime.datetime(1970, 1, 1)
durable_engine._unix_now = _unix_now

_SENTINEL = "__evaluated__"
_DERIVED_SINK = "__derived__"
_MAX_PRIORITY_GAP = 10  # room between rule priorities; the sentinel fires after every rule
#: Seconds a ruleset may take to compile before the engine is declared stuck (a healthy shard
#: compiles in milliseconds; durable_rules loops forever on some oversized networks).
COMPILE_TIMEOUT_SECONDS = 30.0
#: durable_rules files the messages of a session under a 32-bit FNV-1 hash of their id (the
#: `id` field, else a digest of the whole fact; the session's own state is `sid-<sid>`) and
#: refuses a fact whose id hashes like one it holds, as "observed" (`storeMessage` in its
#: state.c), whatever the facts. Left to its digests, a session of 512 facts meets such a pair
#: about once in 30,000 sessions: deciding 400,000 realistic findings met one ("durable_rules
#: saw a fact twice"). So each fact of a session gets its number in the session as `id`, below
#: `SESSION_IDS`, whose decimal numbers all hash apart (the first two alike are 40,189 and
#: 797,186), and a session's id is one whose state hashes apart from them all (`_fresh_sid`).
SESSION_IDS = 1 << 16
#: The most findings one session is given (an evaluation of more takes several sessions), so
#: that they and the facts their rules derive stay numbered below `SESSION_IDS`.
SESSION_FACTS = 8192
#: Error codes after which durable_rules' session is corrupt (touching it crashes the process).
_POISONING_ERRORS = ("error code: 303", "error code: 304")


def fnv1_32(text: str) -> int:
    """durable_rules' `fnv1Hash32` of an ASCII text: what it files a message id under."""
    found = 0x811C9DC5
    for byte in text.encode("ascii"):
        found = ((found ^ byte) * 16_777_619) & 0xFFFF_FFFF
    return found


@functools.cache
def _id_hashes() -> frozenset[int]:
    """The hashes of the ids a session numbers its facts with (all distinct: tested)."""
    return frozenset(fnv1_32(str(number)) for number in range(SESSION_IDS))


def _fresh_sid(prefix: str, numbers: Iterator[int]) -> str:
    """The next session id whose state (`sid-<sid>`) hashes apart from every fact's id."""
    ids = _id_hashes()
    while True:
        sid = f"{prefix}{next(numbers)}"
        if fnv1_32(f"sid-{sid}") not in ids:
            return sid


def compile_atom(atom: Atom) -> dict[str, Any]:
    """One comparison in durable_rules' JSON condition syntax."""
    field, op, value = atom
    if op == "eq":
        return {field: value}
    if op in ("ex", "nex"):
        return {f"${op}": {field: 1}}
    return {f"${op}": {field: value}}


def compile_conjunction(conjunction: Conjunction) -> dict[str, Any]:
    """A conjunction as the condition of one durable rule (a chain of alpha nodes)."""
    if len(conjunction) == 1:
        return compile_atom(conjunction[0])
    return {"$and": [compile_atom(atom) for atom in conjunction]}


def compile_path(path: Conjunction) -> list[dict[str, Any]]:
    """The facts one engine rule joins: the finding (`m`), and for each test of a derived field
    a derived fact of that finding (`d0`, `d1`, …) with that value (forward chaining)."""
    own = tuple(atom for atom in path if atom[0] not in DERIVED)
    joined = [atom for atom in path if atom[0] in DERIVED]
    facts: list[dict[str, Any]] = [{"m": compile_conjunction(own)}]
    for number, (field, _, value) in enumerate(joined):
        test = [compile_atom(DERIVED_FACT), {field: value}, {"ix": {"m": "ix"}}]
        facts.append({f"d{number}": {"$and": test}})
    return facts


def compile_shard(shard: Shard, rank: Mapping[str, int], derives: bool = False) -> dict[str, Any]:
    """The durable_rules definition of one shard: an engine rule per path, plus the sentinel
    (and, where rules derive facts, a rule that takes every derived fact, so that none is left
    unhandled).

    Priorities follow the rule set's canonical order, so the firing order is fixed.
    """
    definition: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for rule_id, path in shard.paths:
        number = counts[rule_id] = counts.get(rule_id, -1) + 1
        definition[f"{rule_id}#{number}"] = {
            "all": compile_path(path),
            "pri": 1 + rank[rule_id],
            "run": rule_id,
        }
    definition[_SENTINEL] = {
        "all": [{"m": compile_conjunction(SENTINEL)}],
        "pri": 1 + len(rank) + _MAX_PRIORITY_GAP,
        "run": _SENTINEL,
    }
    if derives:
        definition[_DERIVED_SINK] = {
            "all": [{"d": compile_atom(DERIVED_FACT)}],
            "pri": 2 + len(rank) + _MAX_PRIORITY_GAP,
            "run": _DERIVED_SINK,
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


def _unused_action(action_name: str, _: Any) -> None:
    """The decision engine's actions as durable_rules would run them: never, since its rulesets
    hand their firings to `_flush_actions`; a firing that came here is reported, not lost."""
    raise EngineError(f"durable_rules ran {action_name!r} outside the engine's own loop")


#: A firing as the decision engine records it: (the rule's action name, the index of the finding
#: it fired for as the fact gave it (`ix`; None where it gave none), the ruleset, the session
#: state).
OnFiring = Callable[[str, Any, Any, Mapping[str, Any]], None]

#: The start of a pending firing as durable_rules writes it when the finding (`m`, the first
#: fact every engine rule joins) is a message of `Engine._evaluate_shard`, whose first field is
#: its index: `{"rule id#n":{"m":{"ix": 12, …`. Anchored at the start, so nothing inside the
#: facts' values can be read as it.
_FIRING_START = re.compile(r'\{"([^"\\]+)":\{"m":\{"ix": ?(\d+)[,}]')


def read_firing(message: str | Mapping[str, Any]) -> tuple[str, Any]:
    """A pending firing's engine rule name and its finding's index (`ix`, None if absent).

    durable_rules hands each firing over as JSON holding every fact it joined; only the rule
    and the index are read. Where the text starts as `_FIRING_START` says they are read off it
    (a whole parse was a quarter of the engine's time on a cold batch); any other text, or a
    firing durable_rules parsed itself, is read whole."""
    if isinstance(message, str):
        start = _FIRING_START.match(message)
        if start is not None:
            return start[1], int(start[2])
        message = json.loads(message)
    assert isinstance(message, Mapping)
    rule_name, joined = next(iter(message.items()))
    finding = joined.get("m") if isinstance(joined, Mapping) else None
    return rule_name, finding.get("ix") if isinstance(finding, Mapping) else None


def _flush_actions(
    ruleset: Any,
    state: dict[str, Any],
    result: dict[str, Any],
    state_offset: int,
    complete: Callable[[Any, Any], None],
    *,
    on_firing: OnFiring,
    runs: Mapping[str, str],
) -> None:
    """durable_rules' `Ruleset._flush_actions`, for actions that only record what fired.

    Each pending firing is handed to `on_firing` (`runs`: each engine rule's action name; the
    firing as `read_firing` reads it), then completed and the next one started, as there.
    Unlike there, no `Closure` is built, no `Promise` chain run and no lease timed (a record
    cannot outlive its call), and the session state goes back to the engine only with the error
    of a record that failed (the evaluation then raises it). durable_rules' loop did all of that
    for every firing, and its lease-renewal closure, which refers to itself, left a reference
    cycle per firing for the collector."""
    handle = ruleset._handle
    pending: str | Mapping[str, Any] = result.pop("message")  # the first, parsed by durable
    while True:
        rule_name, index = read_firing(pending)
        failed: str | None = None
        try:
            on_firing(runs[rule_name], index, ruleset, state)
        except Exception as error:  # kept in the state, as durable_rules keeps an action's
            state["exception"] = f"exception caught {error}"
            failed = json.dumps(state, ensure_ascii=False)
        try:
            if failed is not None:
                durable_rules_engine.update_state(handle, failed)
            following = durable_rules_engine.complete_and_start_action(handle, state_offset)
        except BaseException as error:  # as durable_rules: the action abandoned, error reported
            durable_rules_engine.abandon_action(handle, state_offset)
            complete(error, None)
            return
        if not following:
            complete(None, state)
            return
        pending = following


_host_names = itertools.count()


def _register(host: _Host, definitions: Mapping[str, Callable[[], dict[str, Any]]]) -> None:
    """Compile rulesets on `host` under a watchdog: `EngineError` instead of a hang."""
    failure: list[BaseException] = []

    def work() -> None:
        try:
            host.set_rulesets({name: build() for name, build in definitions.items()})
        except BaseException as error:  # reported to the caller below
            failure.append(error)

    worker = threading.Thread(target=work, name="durable_rules compile", daemon=True)
    worker.start()
    worker.join(COMPILE_TIMEOUT_SECONDS)
    if worker.is_alive():
        raise EngineError(
            f"durable_rules did not finish compiling {len(definitions)} ruleset(s) within "
            f"{COMPILE_TIMEOUT_SECONDS:g} s (an oversized network; see docs/engine.md)"
        )
    if failure:
        error = failure[0]
        raise EngineError(f"durable_rules rejected a compiled ruleset: {error}") from error


def _delete_rulesets(handles: Sequence[int]) -> None:
    """Free durable_rules' memory of rulesets no one can use any more.

    Called by `weakref.finalize` with the handles only: the rulesets themselves point back to
    their host and so to the engine, which the finalizer would otherwise keep alive.
    """
    for handle in handles:
        with contextlib.suppress(Exception):  # at exit the engine may already be gone
            durable_rules_engine.delete_ruleset(handle)


def _handle(host: _Host, name: str) -> int:
    return int(host.get_ruleset(name)._handle)


class EngineSessionError(EngineError):
    """durable_rules failed inside a session; `poisoned` when the session must not be touched."""

    def __init__(self, message: str, *, poisoned: bool):
        self.poisoned = poisoned
        super().__init__(message)


def _run_session(
    host: _Host, ruleset: str, sid: str, messages: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Assert `messages` in session `sid`, then delete the session, unless the engine failed in a
    way that corrupts it (then it is abandoned: deleting it would crash the process).

    Returns the failures durable_rules swallowed into the session state; raises
    `EngineSessionError` for its own errors.
    """
    failures: list[str] = []
    poisoned = False
    try:
        if len(messages) == 1:
            host.assert_fact(ruleset, messages[0])
        else:
            host.assert_facts(ruleset, list(messages))
        swallowed = host.get_state(ruleset, sid).get("exception")
        if swallowed:
            failures.append(f"durable_rules caught: {swallowed}")
    except durable_engine.MessageNotHandledException as error:
        # Deleting the session after this corrupts durable_rules' heap (`free(): invalid size`,
        # the process aborts) when it is the ruleset's first session: leave it alone.
        poisoned = True
        raise EngineSessionError(
            f"durable_rules did not handle a fact: {error}", poisoned=True
        ) from error
    except durable_engine.MessageObservedException as error:
        raise EngineSessionError(
            f"durable_rules saw a fact twice: {error}", poisoned=False
        ) from error
    except Exception as error:
        poisoned = any(code in str(error) for code in _POISONING_ERRORS)
        raise EngineSessionError(f"durable_rules failed: {error}", poisoned=poisoned) from error
    finally:
        if not poisoned:
            try:
                host.delete_state(ruleset, sid)
            except Exception as error:
                failures.append(f"could not delete session {sid}: {error}")
    return failures


class Engine:
    """One compiled rule set on its own durable_rules host, in shards. Thread-safe; reusable."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self._rank = {rule.id: rank for rank, rule in enumerate(rules.rules)}
        self.rank = self._rank.__getitem__  # firing order of a rule id
        self.shards = plan_shards(rules.rules, SENTINEL)
        #: rule id → (field, value) it derives; each derived fact has its own `id`: one value
        #: may be derived along several alternatives, and durable_rules refuses a fact twice
        self._derives = {r.id: r.then.derive for r in rules.rules if r.then.derive is not None}
        self._next_id = 0  # the `id` of the next fact asserted in the session under way
        self._prefix = f"enforcement_{rules.digest}_{next(_host_names)}"
        self._lock = ForkSafeLock()
        self._sessions = itertools.count()
        self._fired: list[list[str]] = []
        self._seen: list[int] = []
        self._failures: list[str] = []
        self.live_sessions = 0  # sessions not yet deleted: 0 between calls (tests check it)
        self.abandoned_sessions = 0  # sessions the engine failed in and that were left alone
        self._host = _Host(_unused_action)
        self._handles: list[int] = []  # deleted with the engine (grows when a shard is rebuilt)
        self._finalizer = weakref.finalize(self, _delete_rulesets, self._handles)
        self._names = [self._build(shard) for shard in self.shards]

    def _build(self, shard: Shard, generation: int = 0) -> str:
        name = f"{self._prefix}_s{shard.index}_g{generation}"
        derives = any(rule_id in self._derives for rule_id in shard.rule_ids)
        definition = compile_shard(shard, self._rank, derives)
        runs = {rule_name: rule["run"] for rule_name, rule in definition.items()}
        _register(self._host, {name: lambda: definition})
        ruleset = self._host.get_ruleset(name)
        ruleset._flush_actions = types.MethodType(
            functools.partial(_flush_actions, on_firing=self._record, runs=runs), ruleset
        )
        self._handles.append(_handle(self._host, name))
        return name

    def _record(self, action_name: str, ix: Any, ruleset: Any, state: Mapping[str, Any]) -> None:
        """One firing (`_flush_actions`): the rule's id under its finding's index `ix`; a rule
        that derives a value asserts it as a fact of the finding in the same session."""
        if action_name == _DERIVED_SINK:
            return
        try:
            index = int(ix)
            if action_name == _SENTINEL:
                self._seen[index] += 1
                return
            self._fired[index].append(action_name)
            derived = self._derives.get(action_name)
            if derived is not None:  # forward chaining: the derived value becomes a fact
                field, value = derived
                ruleset.assert_fact(
                    {
                        "t": DERIVED_FACT[2],
                        "ix": index,
                        field: value,
                        "sid": state["sid"],
                        "id": self._session_id(),
                    }
                )
        except Exception as error:  # as durable_rules would, kept to raise after the session
            self._failures.append(f"{action_name}: {error!r}")

    def evaluate(self, facts: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]]:
        """Assert normalised facts in a fresh session of every shard (`SESSION_FACTS` at a
        time); per fact, the ids of the rules fired, in firing order (the rule set's canonical
        priority order)."""
        fired: list[tuple[str, ...]] = []
        for start in range(0, len(facts), SESSION_FACTS):
            fired += self._evaluate_some(facts[start : start + SESSION_FACTS])
        return fired

    def _evaluate_some(self, facts: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]]:
        with self._lock:
            self._fired = [[] for _ in facts]
            self._seen = [0] * len(facts)
            self._failures = []
            for shard in self.shards:
                self._evaluate_shard(shard, facts)
            if self._failures:
                raise EngineError("a rule action failed: " + "; ".join(self._failures))
            if any(seen != len(self.shards) for seen in self._seen):
                raise EngineError("durable_rules skipped a fact (the sentinel rule did not fire)")
            return [tuple(sorted(set(ids), key=self.rank)) for ids in self._fired]

    def _session_id(self) -> int:
        """The `id` of the next fact a rule derives in the session under way."""
        number = self._next_id
        if number >= SESSION_IDS:
            raise EngineError(f"more than {SESSION_IDS:,} facts in one session")
        self._next_id += 1
        return number

    def _evaluate_shard(self, shard: Shard, facts: Sequence[Mapping[str, Any]]) -> None:
        sid = _fresh_sid("s", self._sessions)
        # The index first (`read_firing` reads it off the start of each firing), and ours
        # whatever the fact holds; the finding's number in the session as its `id`.
        messages = [
            {"ix": index, **fact, "sid": sid, "ix": index, "id": index}  # noqa: F601 (first, and ours)
            for index, fact in enumerate(facts)
        ]
        self._next_id = len(messages)  # the facts derived in the session come after
        self.live_sessions += 1
        try:
            self._failures += _run_session(self._host, self._names[shard.index], sid, messages)
        except EngineSessionError as error:
            if error.poisoned:  # leave the session alone; later facts use a rebuilt ruleset
                self.abandoned_sessions += 1
                self._names[shard.index] = self._build(shard, self.abandoned_sessions)
            raise
        finally:
            self.live_sessions -= 1


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
        self._definition = definition
        self._name = f"cases_{next(_host_names)}"
        self._lock = ForkSafeLock()
        self._sessions = itertools.count()
        self._fired: list[Firing] = []
        self._seen = 0
        self._failures: list[str] = []
        self.live_sessions = 0
        self._host = _Host(lambda name, closure: self._record(name, closure))
        _register(self._host, {self._name: lambda: copy.deepcopy(definition)})
        self._handles = [_handle(self._host, self._name)]
        self._finalizer = weakref.finalize(self, _delete_rulesets, self._handles)

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
            # The session id never contains the caller's case or unit id: durable_rules' own
            # JSON reading mis-reads quotes, backslashes and control characters in it.
            sid = _fresh_sid("c", self._sessions)
            self._fired, self._seen, self._failures = [], 0, []
            if len(facts) > SESSION_IDS:
                raise EngineError(f"{session!r} has more than {SESSION_IDS:,} facts")
            # Each its number as `id`, as in `Engine._evaluate_shard` (see `SESSION_IDS`).
            messages = [{**fact, "sid": sid, "id": number} for number, fact in enumerate(facts)]
            self.live_sessions += 1
            try:
                self._failures += _run_session(self._host, self._name, sid, messages)
            except EngineSessionError as error:
                if error.poisoned:
                    self._name = f"{self._name}_r"
                    _register(self._host, {self._name: lambda: copy.deepcopy(self._definition)})
                    self._handles.append(_handle(self._host, self._name))
                raise EngineError(f"{error} (case session {session!r})") from error.__cause__
            finally:
                self.live_sessions -= 1
            if self._failures:
                raise EngineError("a case rule action failed: " + "; ".join(self._failures))
            if self._seen != len(messages):
                raise EngineError(f"durable_rules skipped a fact of {session}")
            return sorted(set(self._fired))
