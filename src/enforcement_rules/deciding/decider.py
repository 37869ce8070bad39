"""The public entry points: `decide`, `decide_many` and the reusable `Decider`.

Deciding is a hot path: no file I/O, parsing or schema work happens here. Facts that fall in the
same equivalence class (see `partition`) get the same decision, so each class is resolved once
and its immutable `Decision` reused; and what each independent rule group fires is cached by the
group's own (much smaller) class, so the engine sees a fact only when some group meets a new
class. Caches are bounded (least recently stored out first).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import cache, partial
from typing import Any, Literal, NoReturn, TypeVar, overload

from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError, NoApplicableLawError, UncoveredKindError
from ..contract.facts import Violation
from ..contract.vocabulary import PenaltyBasis
from ..rulebook.loader import load_rules
from ..rulebook.model import RuleSet, in_force
from . import collector, derived
from .bounded import BoundedCache
from .discretion import with_suggestions
from .engine import Engine
from .forksafe import ForkSafeLock
from .normalise import normalise
from .partition import Partition
from .resolve import Resolver, by_income, procedure_version
from .table import MISSING, FastKey, ref_of, with_ref
from .temporal import choose

Facts = Violation | Mapping[str, Any]
C = TypeVar("C")
#: In the final-decision table: the class's fines follow the income, see the income table.
_BY_INCOME: Any = object()
#: The default budget of a decider's caches (see `Decider`). A decider is reused over many
#: batches, where a budget smaller than the classes met again makes every pass a cold one; a
#: one-pass run may take less (the CLI's `--cache-mib`, docs/scale.md).
TABLE_BYTES = 256 * 2**20
#: How the budget is shared, in sixteenths: the final-decision table 5; the table key's memos
#: 5, because a table key is found only while its raw-value group is remembered (`FastKey`),
#: and on the realistic workload a group has some 1.6 table keys; the resolver's memo and the
#: rule groups' firings 2 each; the choice's memo and the table of decisions whose fines
#: follow the income 1 each (`benchmarks/held_bytes.py` shows what each holds).
TABLE_SHARE, KEY_SHARE, RESOLVED_SHARE, FIRED_SHARE, CHOSEN_SHARE, INCOME_SHARE = 5, 5, 2, 2, 1, 1
assert TABLE_SHARE + RESOLVED_SHARE + FIRED_SHARE + KEY_SHARE + CHOSEN_SHARE + INCOME_SHARE == 16
#: What a distinct decision the table holds keeps alive beside what the rule set holds (its
#: tuples, candidates, notes, fines), as the table's bound counts it: measured, a mean of
#: 1,491 bytes over the 31,100 decisions tabled after 300,000 realistic facts.
DECISION_BYTES = 1536
#: What one tuple of rule ids a rule group fired is counted as (they are shared: equal
#: tuples are one object, see `Decider._fire`).
FIRED_BYTES = 120
#: A candidate decision and the key `Decider._resolved` memoises it on.
Resolved = tuple[Hashable, Decision]
#: The most distinct tuples of fired rule ids shared at once (a few hundred on the bundled
#: rule set; past this the sharing starts afresh).
_PARTS_KEPT = 4096


class Decider:
    """Decides facts under one rule set. Thread-safe; create once, use for every decision."""

    def __init__(
        self,
        rules: RuleSet,
        *,
        cache_size: int = 100_000,
        batch_size: int = 512,
        today: Callable[[], dt.date] = dt.date.today,
        table_bytes: int = TABLE_BYTES,
        chunk_size: int = 4096,
    ):
        """`today` gives the decision day of facts that state no `decided_on` (no date of the
        facts may lie after it); the real date unless a caller fixes it. `table_bytes` bounds
        the memory all the decider's caches take (their keys, slots and the decisions they
        alone hold), shared as `TABLE_SHARE` and the others say: the final-decision table
        (`table`), the resolver's and the choice's memos, the rule groups' firings and the
        table key's memos. `cache_size` bounds the rule groups' firings by count as well (0:
        no caching at all, table included). `chunk_size` facts are validated and decided
        together (streaming, `decide_iter`)."""
        self.rules = rules
        self._today = today
        self._engine = Engine(rules)
        self._partition = Partition(rules)
        self._resolve = Resolver(rules)
        self._chunk_size = max(1, chunk_size)
        self._benchmarked = bool(rules.applied_benchmarks)
        self._companions: dict[Callable[[Decider], Any], Any] = {}
        # A benchmark's bands read what the class key reduces: the decision date (against the
        # benchmarks' windows) and the illegal income (a tier fact); with one applied, the table
        # key carries both (`FastKey`). The other tier facts are kept exactly by the key.
        band_cuts = {b.in_force_from for b in rules.applied_benchmarks} | {
            b.in_force_until for b in rules.applied_benchmarks if b.in_force_until
        }
        budget = table_bytes if cache_size else 0  # no cache at all: nothing tabled either
        #: The budget of all the caches (0 where nothing is cached).
        self.table_bytes = budget
        self._table: BoundedCache[Decision] = BoundedCache(
            budget * TABLE_SHARE // 16, DECISION_BYTES
        )
        self._by_income: BoundedCache[Decision] = BoundedCache(
            budget * INCOME_SHARE // 16, DECISION_BYTES
        )
        # Each resolution is a decision of its own (no two keys share one): counted as such.
        self._resolutions: BoundedCache[Decision] = BoundedCache(
            budget * RESOLVED_SHARE // 16, DECISION_BYTES
        )
        # The choices: mostly the table's own decisions, but those the table let go are this
        # cache's alone (bounded by count, they kept some 50 MiB beyond a 32 MiB budget).
        self._merged: BoundedCache[Decision] = BoundedCache(
            budget * CHOSEN_SHARE // 16, DECISION_BYTES
        )
        # What each rule group fired, by (group, the group's class key); the tuples of rule
        # ids are shared (`_parts`), so each distinct one is counted once.
        self._fired: BoundedCache[tuple[str, ...]] = BoundedCache(
            budget * FIRED_SHARE // 16, FIRED_BYTES, max_entries=cache_size
        )
        self._parts: dict[tuple[str, ...], tuple[str, ...]] = {}
        # Choices something else still holds (the table, a caller): a class decided again after
        # `_merged` let its choice go gets that same object, not an equal copy beside it.
        self._chosen_alive: weakref.WeakValueDictionary[Hashable, Decision] = (
            weakref.WeakValueDictionary()
        )
        self._batch_size = batch_size
        self._cache_lock = ForkSafeLock()
        self._kinds = frozenset(rules.kinds)
        by_occurrence = [p for p in rules.provisions if p.applies_by == "occurred_on"]
        version_bounds = {p.in_force_from for p in by_occurrence} | {
            p.in_force_until for p in by_occurrence if p.in_force_until is not None
        }
        self._fast = FastKey(
            self._partition,
            [day.toordinal() for day in version_bounds],
            band_cuts=[day.toordinal() for day in band_cuts],
            exact_income=self._benchmarked,
            unread_cuts=[day.toordinal() for day in rules.not_encoded_bounds()],
            memo_bytes=budget * KEY_SHARE // 16,
            validate=partial(Violation.from_dict, kinds=rules.kinds),
        )

    def companion(self, make: Callable[[Decider], C]) -> C:
        """What `make` builds for this decider, built once and dropped by `clear_cache` (the
        columnar path keeps its cell codes and its memo of decisions here, so neither outlives
        the caches it was filled from)."""
        with self._cache_lock:
            found = self._companions.get(make)
            if found is None:
                found = self._companions[make] = make(self)
            return found

    @property
    def today(self) -> dt.date:
        """The decision day of facts that state none (see `__init__`)."""
        return self._today()

    @property
    def tables(self) -> bool:
        """Whether decisions are kept (a `cache_size` of 0 keeps none: every fact is decided
        afresh)."""
        return self._table.max_bytes > 0

    @property
    def cache_bytes(self) -> int:
        """The memory the caches hold as their bounds count it: at most `table_bytes`."""
        with self._cache_lock:
            caches = (self._table, self._by_income, self._resolutions, self._merged, self._fired)
            return sum(cache.bytes for cache in caches) + self._fast.bytes

    @property
    def engine(self) -> Engine:
        return self._engine

    def violation(self, facts: Facts, *, today: dt.date | None = None) -> Violation:
        """Validate facts (a dict or a `Violation`) against this rule set's kinds; a dict's
        dates may not lie after its decision day (`decided_on`, else `today`, else the real
        date). A `Violation` built in code is taken as dated on purpose."""
        if isinstance(facts, Violation):
            if facts.kind not in self._kinds:
                return Violation.from_dict(facts.to_dict(), kinds=self.rules.kinds)
            return facts
        return Violation.from_dict(
            facts, kinds=self.rules.kinds, today=today if today is not None else self._today()
        )

    def decide(self, facts: Facts) -> Decision:
        today = self._today()
        if type(facts) is dict and self._table.max_bytes > 0:  # a known class: no batch made
            with self._cache_lock:
                found = self._tabled(facts, self._fast(facts, today.toordinal()))
            if found is not None:
                decision, ref = found
                return decision if ref is None else with_ref(decision, ref)
        shared, refs = self._decide_chunk([facts], 0, collect=False, today=today)
        (decided,) = _with_refs(shared, refs)
        assert isinstance(decided, Decision)  # collect=False: an error was raised
        return decided

    @overload
    def decide_many(
        self, many: Iterable[Facts], *, errors: Literal["raise"] = "raise"
    ) -> list[Decision]: ...

    @overload
    def decide_many(
        self, many: Iterable[Facts], *, errors: Literal["collect"]
    ) -> list[Decision | EnforcementRulesError]: ...

    def decide_many(
        self, many: Iterable[Facts], *, errors: Literal["raise", "collect"] = "raise"
    ) -> list[Decision] | list[Decision | EnforcementRulesError]:
        """Decide a batch; the same decisions as `decide` one by one, in input order.

        `errors="raise"`: an invalid fact raises its error (noting its position); the facts
        before it may already be decided (and cached), none is returned. `errors="collect"`:
        each fact's error takes its place in the result and the other facts are decided.
        `many` may be any iterable: it is decided in chunks as it is read (`decide_iter`).
        """
        results: list[Decision | EnforcementRulesError] = []
        # A list or tuple is the caller's data, read without running the caller's code: the
        # collector then waits for the whole batch, not between chunks (each restart walked
        # the chunk's new objects and, every few chunks, a heap the caches make large).
        whole = collector.paused_for(len(many)) if isinstance(many, list | tuple) else None
        with whole or contextlib.nullcontext():
            for start, chunk in self._chunks(many, self._chunk_size):
                shared, refs = self._decide_chunk(chunk, start, collect=errors == "collect")
                with collector.paused_for(len(shared)):
                    results += _with_refs(shared, refs)
        return results

    def decide_iter(
        self, many: Iterable[Facts], *, chunk_size: int | None = None
    ) -> Iterator[Decision | EnforcementRulesError]:
        """Decide a stream of facts, yielding each decision (or the fact's error, in its place)
        in input order; reads and decides `chunk_size` facts at a time, so memory stays bounded
        whatever the input's length."""
        for shared, refs in self.decide_chunks(many, chunk_size=chunk_size):
            with collector.paused_for(len(shared)):
                decided = _with_refs(shared, refs)
            yield from decided

    def decide_chunks(
        self, many: Iterable[Facts], *, chunk_size: int | None = None
    ) -> Iterator[tuple[list[Decision | EnforcementRulesError], list[str | None]]]:
        """`decide_iter` a chunk at a time, for writers that serialise each distinct decision
        once: per chunk, each fact's decision *without* its `ref` (one object shared by the
        facts of a class; never mutate it) or its error, and beside them the facts' refs."""
        for start, chunk in self._chunks(many, chunk_size or self._chunk_size):
            yield self._decide_chunk(chunk, start, collect=True)

    @staticmethod
    def _chunks(many: Iterable[Facts], size: int) -> Iterator[tuple[int, list[Facts]]]:
        iterator = iter(many)
        start = 0
        while chunk := list(itertools.islice(iterator, size)):
            yield start, chunk
            start += len(chunk)

    def _decide_chunk(
        self,
        chunk: list[Facts],
        offset: int | Sequence[int],
        *,
        collect: bool,
        today: dt.date | None = None,
    ) -> tuple[list[Decision | EnforcementRulesError], list[str | None]]:
        """One chunk: facts whose class is in the final-decision table straight from it (see
        `table`), the others by the full path, which then tables their decisions. Decisions
        come without the caller's `ref`; the refs beside them. The cycle collector waits
        (`collector`)."""
        with collector.paused_for(len(chunk)):
            return self._decide_chunk_now(chunk, offset, collect, today or self._today())

    def _decide_chunk_now(
        self, chunk: list[Facts], offset: int | Sequence[int], collect: bool, today: dt.date
    ) -> tuple[list[Decision | EnforcementRulesError], list[str | None]]:
        """`offset`: the first fact's position in the caller's input, or each fact's."""
        results: list[Decision | EnforcementRulesError | None] = [None] * len(chunk)
        refs: list[str | None] = [None] * len(chunk)
        slow: list[int] = []
        slow_keys: list[int | None] = []
        if self._table.max_bytes > 0:
            fast, tabled = self._fast, self._tabled
            day = today.toordinal()
            with self._cache_lock:
                for index, facts in enumerate(chunk):
                    key = fast(facts, day) if type(facts) is dict else None
                    found = tabled(facts, key)  # type: ignore[arg-type]
                    if found is not None:
                        results[index], refs[index] = found
                        continue
                    slow.append(index)
                    slow_keys.append(key)
        else:
            slow = list(range(len(chunk)))
            slow_keys = [None] * len(chunk)
        if slow:
            if isinstance(offset, int):
                positions = [offset + index for index in slow]
            else:
                positions = [offset[index] for index in slow]
            decided = self._full(
                [chunk[index] for index in slow], positions, collect, today, slow_keys
            )
            with self._cache_lock:
                for index, key, (result, ref, income) in zip(slow, slow_keys, decided, strict=True):
                    results[index] = result
                    refs[index] = ref
                    if key is None or not isinstance(result, Decision):
                        continue
                    if income:
                        self._table.put(key, _BY_INCOME)
                        self._by_income.put((key, self._fast.income(chunk[index])), result)  # type: ignore[arg-type]
                    else:
                        self._table.put(key, result)
        return results, refs  # type: ignore[return-value]

    def _tabled(self, facts: dict[str, Any], key: int | None) -> tuple[Decision, str | None] | None:
        """The tabled decision (without `ref`) of a raw fact whose table key is `key`, and its
        `ref`; or None: the fact takes the full path (a new class, or a shape in doubt, see
        `table`). The caller holds the cache lock."""
        if key is None:
            return None
        found = self._table.get(key)
        if found is _BY_INCOME:
            found = self._by_income.get((key, self._fast.income(facts)))
        if found is None:
            return None
        ref = ref_of(facts)
        return None if ref is MISSING else (found, ref)

    def _full(
        self,
        many: list[Facts],
        positions: list[int],
        collect: bool,
        today: dt.date,
        table_keys: Sequence[int | None],
    ) -> list[tuple[Decision | EnforcementRulesError, str | None, bool]]:
        """The full path: (the decision without `ref` or the error, the fact's `ref`, whether
        its fines follow the income stated) for each fact. Errors name the fact's position in
        the caller's input. `table_keys`: each fact's table key, if it has one; such a fact is
        built from values validated once each (`FastKey.validated`), not by cattrs."""
        failed: dict[int, EnforcementRulesError] = {}

        def fail(index: int, error: EnforcementRulesError) -> None:
            error.add_note(f"in fact #{positions[index]}")
            if not collect:
                raise error
            failed.setdefault(index, error)

        violations: dict[int, Violation] = {}
        validated = self._fast.validated
        for index, (facts, table_key) in enumerate(zip(many, table_keys, strict=True)):
            if table_key is not None:
                with self._cache_lock:
                    found = validated(facts)  # type: ignore[arg-type]
                if found is not None:
                    violations[index] = found
                    continue
            try:
                violations[index] = self.violation(facts, today=today)
            except EnforcementRulesError as error:
                fail(index, error)
        # Each fact is judged under the law in force when it occurred and, where another version
        # was in force on the decision date, under that one too (从旧兼从轻, see `temporal`).
        evaluations: list[tuple[int, dt.date]] = []
        for index, violation in violations.items():
            evaluations.append((index, violation.occurred_on))
            if self._version_changed(violation.occurred_on, violation.decided_on):
                evaluations.append((index, violation.decided_on))
        messages = [normalise(violations[index], day) for index, day in evaluations]
        keys = [self._partition.key(message) for message in messages]
        todo: dict[Hashable, tuple[Violation, dict[str, Any]]] = {}
        unavailable: set[Hashable] = set()
        for key, (index, day), message in zip(keys, evaluations, messages, strict=True):
            if key in todo or key in unavailable or index in failed:
                continue
            try:
                self._check_covered(violations[index], day)
            except NoApplicableLawError as error:
                if day == violations[index].occurred_on:
                    fail(index, error)
                else:
                    unavailable.add(key)  # no later version to compare with
                continue
            except EnforcementRulesError as error:
                fail(index, error)
                continue
            todo[key] = (violations[index], message)
        known: dict[Hashable, Resolved] = {}  # within the chunk: the class caches are per group
        refused: dict[Hashable, EnforcementRulesError] = {}
        for key, ids in self._fire([message for _, message in todo.values()], list(todo)):
            try:
                derived.check(self.rules, todo[key][0], ids)
                known[key] = self._resolved(todo[key][0], ids)
            except EnforcementRulesError as error:
                if not collect:
                    raise
                refused[key] = error
        per_fact: dict[int, list[Hashable]] = {index: [] for index in violations}
        for key, (index, day) in zip(keys, evaluations, strict=True):
            if key in refused:
                failed.setdefault(index, refused[key])
            elif key not in known:
                continue
            elif not self._unread(violations[index], day, known[key][1]):
                per_fact[index].append(key)
            elif day == violations[index].occurred_on:
                try:
                    self._refuse(violations[index], day)
                except EnforcementRulesError as error:
                    if not collect:
                        raise
                    failed.setdefault(index, error)
        results: list[tuple[Decision | EnforcementRulesError, str | None, bool]] = []
        for index in range(len(many)):
            if index in failed:
                results.append((failed[index], None, False))
                continue
            violation = violations[index]
            try:
                chosen, income = self._choose(violation, per_fact[index], known)
            except EnforcementRulesError as error:
                if not collect:
                    raise
                results.append((error, None, False))
                continue
            if self._benchmarked:  # per fact: no table is kept (see __init__)
                chosen = with_suggestions(self.rules, violation, chosen)
            results.append((chosen, violation.ref, income))
        return results

    def _resolved(self, violation: Violation, fired_ids: tuple[str, ...]) -> Resolved:
        """The resolver's decision, memoised on all it reads: the rules fired, the kind, the
        section the sector routes to and the procedure version of the decision date; with that
        key (what the choice among candidates is memoised on, see `_choose`)."""
        version = procedure_version(self.rules, violation.kind, violation.decided_on)
        section = self.rules.routing.section(violation.kind, violation.sector.value)
        key = (fired_ids, violation.kind, section, version.version)
        with self._cache_lock:
            found = self._resolutions.get(key)
        if found is None:
            found = self._resolve(violation, fired_ids)
            with self._cache_lock:
                self._resolutions.put(key, found)
        return key, found

    def _choose(
        self, violation: Violation, keys: list[Hashable], known: Mapping[Hashable, Resolved]
    ) -> tuple[Decision, bool]:
        """The applicable decision of the fact's candidates (per party), with its procedure,
        without the caller's `ref`; and whether its fines follow the fact's income (then it is
        not cached by class)."""
        candidates = tuple(known[key][1] for key in keys)
        income = any(by_income(candidate) for candidate in candidates)
        version = procedure_version(self.rules, violation.kind, violation.decided_on)
        # Without fines by income, the choice reads only the candidates (each what `_resolved`
        # gives for its key), the procedure version and the large-fine amounts of the decision
        # date (the rule set's own objects): many classes share one.
        amounts = self.rules.large_fine_on(violation.decided_on)
        merged_key = (tuple(known[key][0] for key in keys), version.version, id(amounts))
        held = remembered = None
        if not income:
            with self._cache_lock:
                held = remembered = self._merged.get(merged_key)
                if held is None:
                    held = self._chosen_alive.get(merged_key)
        if held is not None:
            chosen = held
        else:
            found = [self._resolve.finish(candidate, violation) for candidate in candidates]
            merged = choose(found[0], found[1] if len(found) > 1 else None, version)
            chosen = self._resolve.with_procedure(merged, violation)
        if not income and remembered is None:  # new to the memo, or back in it
            with self._cache_lock:
                self._merged.put(merged_key, chosen)
                if self.tables and held is None:
                    self._chosen_alive[merged_key] = chosen
        return chosen, income

    def _version_changed(self, occurred_on: dt.date, decided_on: dt.date) -> bool:
        """Whether a version boundary of some encoded law lies between the two dates (as the
        table key tells them apart)."""
        return self._fast.changed(occurred_on.toordinal(), decided_on.toordinal())

    def _fire(
        self, messages: list[dict[str, Any]], keys: list[Hashable]
    ) -> Iterator[tuple[Hashable, tuple[str, ...]]]:
        """The rules each message fires: from the per-group cache, else from the engine."""
        group_keys = [self._partition.kind_group_keys(message) for message in messages]
        with self._cache_lock:
            remembered = self._fired.get
            cached = [
                [() if k is None else remembered((g, k)) for g, k in enumerate(keys_of)]
                for keys_of in group_keys
            ]
        # Evaluate only messages that bring a group class no earlier message brings.
        providers: list[dict[Hashable, int]] = [{} for _ in self._partition.groups]
        to_evaluate = []
        for i, parts in enumerate(cached):
            brings_new = False
            for g, part in enumerate(parts):
                if part is None and group_keys[i][g] not in providers[g]:
                    providers[g][group_keys[i][g]] = i
                    brings_new = True
            if brings_new:
                to_evaluate.append(i)
        fresh: list[dict[Hashable, tuple[str, ...]]] = [{} for _ in self._partition.groups]
        for start in range(0, len(to_evaluate), self._batch_size):
            chunk = to_evaluate[start : start + self._batch_size]
            fired = self._engine.evaluate([messages[i] for i in chunk])
            with self._cache_lock:
                for i, ids in zip(chunk, fired, strict=True):
                    for g, group in enumerate(self._partition.groups):
                        if group_keys[i][g] is None:  # no rule of the group for the kind
                            continue
                        part = tuple(rule_id for rule_id in ids if rule_id in group.rule_ids)
                        if len(self._parts) >= _PARTS_KEPT:
                            self._parts.clear()  # later tuples are shared among themselves
                        part = self._parts.setdefault(part, part)
                        fresh[g][group_keys[i][g]] = part
                        self._fired.put((g, group_keys[i][g]), part)
        for i, parts in enumerate(cached):
            for g, part in enumerate(parts):
                if part is None:
                    parts[g] = () if group_keys[i][g] is None else fresh[g][group_keys[i][g]]
        for key, parts in zip(keys, cached, strict=True):
            fired_ids = [rule_id for part in parts for rule_id in part or ()]
            yield key, tuple(sorted(fired_ids, key=self._engine.rank))

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._table.clear()
            self._by_income.clear()
            self._companions.clear()
            self._fast.clear()
            self._resolutions.clear()
            self._merged.clear()
            self._chosen_alive.clear()
            self._fired.clear()
            self._parts.clear()

    def _check_covered(self, violation: Violation, day: dt.date) -> None:
        windows = self.rules.penalty_windows(violation.kind)
        if not windows:
            raise UncoveredKindError(violation.kind, self.rules.covered_kinds)
        if not any(in_force(day, start, until) for start, until in windows):
            self._refuse(violation, day)

    def _unread(self, violation: Violation, day: dt.date, decision: Decision) -> bool:
        """Whether the decision would rest on "no provision" where an instrument's text for the
        kind is declared unread on `day` (`laws.yaml` `not_encoded`): not a decision to give."""
        return decision.penalty_basis is PenaltyBasis.NO_PROVISION and (
            self.rules.not_encoded(violation.kind, day) is not None
        )

    def _refuse(self, violation: Violation, day: dt.date) -> NoReturn:
        declared = self.rules.not_encoded(violation.kind, day)
        raise NoApplicableLawError(
            violation.kind,
            day.isoformat(),
            self.rules.successor_on(violation.kind, day),
            None if declared is None else (declared.law, declared.note),
        )


def _with_refs(
    shared: list[Decision | EnforcementRulesError], refs: list[str | None]
) -> list[Decision | EnforcementRulesError]:
    """Each decision with its fact's `ref` (a copy where there is one), errors as they are."""
    return [
        found if ref is None or not isinstance(found, Decision) else with_ref(found, ref)
        for found, ref in zip(shared, refs, strict=True)
    ]


#: Deciders by rule-set digest, weakly: equal rule sets (a reload, a copy sent to a worker
#: process) share one, and it goes when the last of them goes (each holds its own strongly).
_deciders: weakref.WeakValueDictionary[str, Decider] = weakref.WeakValueDictionary()
_deciders_lock = ForkSafeLock()


@cache
def default_rules() -> RuleSet:
    """The bundled rule set, loaded once per process."""
    return load_rules()


def decider_for(rules: RuleSet | None = None) -> Decider:
    """The shared `Decider` of a rule set: one per rule-set content (digest) and process.

    The rule set holds its decider, so the decider (and its engine memory) lives as long as
    some rule set with that content does, and no longer.
    """
    chosen = rules if rules is not None else default_rules()
    held = chosen.held_decider
    if isinstance(held, Decider):
        return held
    with _deciders_lock:
        decider = _deciders.get(chosen.digest)
        if decider is None:
            decider = _deciders[chosen.digest] = Decider(chosen)
        chosen.hold_decider(decider)
        return decider


def decide(facts: Facts, *, rules: RuleSet | None = None) -> Decision:
    """Decide one violation (a dict in the JSON form of VOCABULARY.md, or a `Violation`)."""
    return decider_for(rules).decide(facts)


@overload
def decide_many(
    many: Iterable[Facts], *, rules: RuleSet | None = None, errors: Literal["raise"] = "raise"
) -> list[Decision]: ...


@overload
def decide_many(
    many: Iterable[Facts], *, rules: RuleSet | None = None, errors: Literal["collect"]
) -> list[Decision | EnforcementRulesError]: ...


def decide_many(
    many: Iterable[Facts],
    *,
    rules: RuleSet | None = None,
    errors: Literal["raise", "collect"] = "raise",
) -> list[Decision] | list[Decision | EnforcementRulesError]:
    """Decide many violations at once: the same results as `decide`, faster.

    `errors="collect"` puts each bad fact's error (an `EnforcementRulesError`) in its place in
    the result instead of raising, and decides the others.
    """
    if errors == "collect":
        return decider_for(rules).decide_many(many, errors="collect")
    return decider_for(rules).decide_many(many, errors=errors)
