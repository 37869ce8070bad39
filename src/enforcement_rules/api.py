"""The public entry points: `decide`, `decide_many` and the reusable `Decider`.

Deciding is a hot path: no file I/O, parsing or schema work happens here. Facts that fall in the
same equivalence class (see `partition`) get the same decision, so each class goes through the
engine once and its immutable `Decision` is reused.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from functools import cache
from typing import Any

from .conditions import atoms
from .decision import Decision
from .engine import Engine
from .errors import EnforcementRulesError, NoApplicableLawError, UncoveredKindError
from .facts import Violation
from .loader import load_rules
from .model import RuleSet
from .normalise import normalise
from .partition import Partition
from .resolve import resolve

Facts = Violation | Mapping[str, Any]


class Decider:
    """Decides facts under one rule set. Thread-safe; create once, use for every decision."""

    def __init__(self, rules: RuleSet, *, cache_size: int = 100_000, batch_size: int = 512):
        self.rules = rules
        self._engine = Engine(rules)
        self._partition = Partition(rules)
        self._cache: OrderedDict[Hashable, Decision] = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size
        self._cache_lock = threading.Lock()
        self._kinds = frozenset(rules.kinds)
        self._windows = _penalty_windows(rules)

    @property
    def engine(self) -> Engine:
        return self._engine

    def violation(self, facts: Facts) -> Violation:
        """Validate facts (a dict or a `Violation`) against this rule set's kinds."""
        if isinstance(facts, Violation):
            if facts.kind not in self._kinds:
                return Violation.from_dict(facts.to_dict(), kinds=self._kinds)
            return facts
        return Violation.from_dict(facts, kinds=self._kinds)

    def decide(self, facts: Facts) -> Decision:
        return self.decide_many([facts])[0]

    def decide_many(self, many: Iterable[Facts]) -> list[Decision]:
        """Decide a batch; the same decisions as `decide` one by one, in input order.

        An invalid fact raises its error (noting its position) before anything is decided.
        """
        violations: list[Violation] = []
        for position, facts in enumerate(many):
            try:
                violations.append(self.violation(facts))
            except EnforcementRulesError as error:
                error.add_note(f"in fact #{position}")
                raise
        # The law version is chosen by the day the violation occurred.
        messages = [normalise(violation, violation.occurred_on) for violation in violations]
        keys = [self._partition.key(message) for message in messages]
        with self._cache_lock:
            known = {key: self._cache[key] for key in keys if key in self._cache}
        todo: dict[Hashable, tuple[Violation, dict[str, Any]]] = {}
        for key, violation, message in zip(keys, violations, messages, strict=True):
            if key not in known and key not in todo:
                self._check_covered(violation, violation.occurred_on)
                todo[key] = (violation, message)
        pending = list(todo.items())
        for start in range(0, len(pending), self._batch_size):
            chunk = pending[start : start + self._batch_size]
            fired = self._engine.evaluate([message for _, (_, message) in chunk])
            for (key, (violation, _)), ids in zip(chunk, fired, strict=True):
                known[key] = resolve(self.rules, violation, ids)
        with self._cache_lock:
            for key in todo:
                self._cache[key] = known[key]
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return [known[key] for key in keys]

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def _check_covered(self, violation: Violation, day: dt.date) -> None:
        windows = self._windows.get(violation.kind)
        if windows is None:
            raise UncoveredKindError(violation.kind, self.rules.covered_kinds)
        if not any(start <= day and (until is None or day < until) for start, until in windows):
            raise NoApplicableLawError(violation.kind, day.isoformat())


def _penalty_windows(rules: RuleSet) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    windows: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for rule in rules.rules:
        if not rule.then.decides_penalty:
            continue
        window = (rule.provision.in_force_from, rule.provision.in_force_until)
        for atom in atoms(rule.when):
            if atom.field == "kind" and not atom.negated:
                values = atom.value if isinstance(atom.value, tuple) else (str(atom.value),)
                for kind in values:
                    if window not in windows.setdefault(kind, []):
                        windows[kind].append(window)
    return windows


_deciders: dict[int, tuple[RuleSet, Decider]] = {}
_deciders_lock = threading.Lock()


@cache
def default_rules() -> RuleSet:
    """The bundled rule set, loaded once per process."""
    return load_rules()


def decider_for(rules: RuleSet | None = None) -> Decider:
    """The shared `Decider` of a rule set (one engine host per rule set and process)."""
    chosen = rules if rules is not None else default_rules()
    with _deciders_lock:
        entry = _deciders.get(id(chosen))
        if entry is None or entry[0] is not chosen:
            entry = (chosen, Decider(chosen))
            _deciders[id(chosen)] = entry
        return entry[1]


def decide(facts: Facts, *, rules: RuleSet | None = None) -> Decision:
    """Decide one violation (a dict in the JSON form of VOCABULARY.md, or a `Violation`)."""
    return decider_for(rules).decide(facts)


def decide_many(many: Iterable[Facts], *, rules: RuleSet | None = None) -> list[Decision]:
    """Decide many violations at once: the same results as `decide`, faster."""
    return decider_for(rules).decide_many(many)
