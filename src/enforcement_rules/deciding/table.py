"""The final-decision table: a class key read straight off the raw fact dict, in one pass.

The full path validates a fact (cattrs, `Violation`), normalises it once or twice (从旧兼从轻),
computes its class keys, and resolves and chooses its decision. Facts of one class get one
decision, so once a class is decided its final decision (without the caller's `ref`) can be
looked up from the raw dict alone. `FastKey` reads that dict:

- fields that may take few values (codes, booleans, the kind) are kept as they are, with their
  exact types (so `1` is never taken for `true`), and the whole group is numbered once;
- dates (strings as the JSON gives them) become their positions among the thresholds the rule
  set's class key uses for each date field (the law-version date of each evaluation included),
  and the years between occurrence and discovery likewise;
- amounts and counts become their positions among their thresholds.

The key is at least as fine as the class keys the full path computes, so two facts with one key
get one decision. It is computed only where the dict's shape leaves no doubt (a plain dict of
known fields, dates written `YYYY-MM-DD`, numbers of the exact JSON types, in order, not after
the decision day); anything else gives no key, and the fact takes the full path, which raises
the library's own errors. The table holds only what the full path decided for a fact with that
key, so a key found is a fact the full path accepts. A decision whose fines follow the income
stated is tabled under the key and the exact amounts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence, Sized
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

import attrs

from ..contract.codec import InvalidValue, parse_date
from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError
from ..contract.facts import MAX_AMOUNT_YUAN, MAX_COUNT, MAX_REF_LENGTH, Violation
from ..rulebook.conditions import engine_field, to_fen
from ..rulebook.model import WINDOW_FIELD
from .bounded import BoundedCache
from .normalise import full_years_before
from .partition import Partition, Reduction

MISSING: Any = object()  # a field the fact does not state
#: The memory the key's memos take by default (`FastKey`'s `memo_bytes`).
MEMO_BYTES = 32 * 2**20
#: What one entry of a memo holds, as the memos' bounds count it (measured on the realistic
#: workload, `benchmarks/held_bytes.py`, and rounded up):
#: - a raw-value group: its tuple of the few-valued fields' values stated and the tuple round
#:   it, its number, the cache's slot and links (374 bytes; its texts and types are shared);
GROUP_ENTRY_BYTES = 400
#: - a date triple: the tuple, its packed int, the slot (149 bytes; the texts are shared);
DATES_ENTRY_BYTES = 160
#: - a day read and a text shared (195 and 81 bytes), bounded to one count;
DAY_ENTRY_BYTES = 300
#: - one entry of each other memo (a value checked, a types' tuple, a dates' or a figures'
#:   part: 237, 224, 156 and 170 bytes), bounded to one count (few fill it).
SMALL_ENTRIES_BYTES = 800
_DATES = ("occurred_on", "discovered_on", "decided_on")
_AMOUNTS = ("direct_loss_yuan", "illegal_income_yuan", "annual_income_yuan")
_NULLABLE = frozenset({"illegal_income_yuan", "annual_income_yuan"})
_COUNTS = ("deaths", "serious_injuries")
_INCOME = ("illegal_income_yuan", "annual_income_yuan")
_OWN = frozenset({*_DATES, *_AMOUNTS, *_COUNTS, "ref", "circumstances"})
#: The few-valued fields (a raw-value group's), in the class's order.
_STATIC = tuple(field.name for field in attrs.fields(Violation) if field.name not in _OWN)
#: The values `FastKey.validated` checks one by one: the kind first (the others are checked
#: beside it), in the order `_build_violation` takes them.
_CHECKED = (*_STATIC, "circumstances")
assert _CHECKED[0] == "kind", _CHECKED
_YEARS = "discovered_after_full_years"
_NUMBERS = (*_AMOUNTS, *_COUNTS)
NUMBERS = _NUMBERS  # the amounts and counts, as `figure` takes them
DATES = _DATES
YEARS = _YEARS

Reducer = Callable[[Any], Hashable]
T = TypeVar("T")
_DEFAULTS = {field.name: field.default for field in attrs.fields(Violation)}
_INVALID: Any = object()  # a value the validation refuses
_SOME_DAY = "2000-01-01"  # a valid date beside a value checked alone (`FastKey._check`)


def _ignored(_: Any) -> Hashable:
    return None


class FastKey:
    """Class keys of raw fact dicts under one rule set; `None` wherever the dict is in doubt."""

    def __init__(
        self,
        partition: Partition,
        version_bounds: Sequence[int],
        band_cuts: Sequence[int] = (),
        exact_income: bool = False,
        unread_cuts: Sequence[int] = (),
        memo_bytes: int = MEMO_BYTES,
        validate: Callable[[Mapping[str, Any]], Violation] = Violation.from_dict,
    ):
        """`version_bounds` (day ordinals): where some law's version changes, so a fact whose
        occurrence and decision dates lie on two sides of one is judged twice (从旧兼从轻).
        `band_cuts` (day ordinals) and `exact_income`: what else the decisions read beside
        the class keys (a discretion benchmark's bands read the decision date against their
        windows, and the illegal income as a tier fact): the key then also holds the decision
        date's position among the cuts and the exact illegal income stated. `unread_cuts` (day
        ordinals): where an instrument's declaration that a kind is not encoded starts or ends
        (`laws.yaml` `not_encoded`): a fact judged on a day inside one is refused, so the key
        holds each evaluation day's position among them. `memo_bytes`: the memory the memos
        may take: half for the raw-value groups (the oldest unused go first, see `__call__`),
        a quarter for the date triples, an eighth for the days and texts, an eighth for the
        other memos (each of these forgotten at once when full: what they give never changes,
        or is numbered anew). `validate`: the validation of the full path (`validated` checks
        each value by it)."""
        fields = tuple(field.name for field in attrs.fields(Violation))
        self.known = frozenset(fields)
        self.static = _STATIC
        whole = partition.key
        #: How the key reduces each date read (the columnar path computes the same, vectorised)
        self.reductions: dict[str, Reduction] = {
            name: whole.reduction(name) for name in (*_DATES, WINDOW_FIELD, _YEARS)
        }

        def reduce(field: str) -> Reducer:
            return whole.reducer(field) or _ignored

        self._occurred, self._discovered, self._decided = (reduce(name) for name in _DATES)
        self._as_of = reduce(WINDOW_FIELD)
        self._years = reduce(_YEARS)
        self._numbers_reduced = tuple(
            (name, reduce(name if name in _COUNTS else engine_field(name))) for name in _NUMBERS
        )
        self.version_bounds = tuple(sorted(version_bounds))
        self.band_cuts = tuple(sorted(band_cuts))
        self.unread_cuts = tuple(sorted(unread_cuts))
        self._exact_income = exact_income
        self._statics: BoundedCache[int] = BoundedCache(
            memo_bytes // 2, entry_bytes=GROUP_ENTRY_BYTES
        )
        self._static_hit = self._statics.peek
        self._dates_entries = max(1, memo_bytes // 4 // DATES_ENTRY_BYTES)
        self._day_entries = max(1, memo_bytes // 8 // DAY_ENTRY_BYTES)
        self._memo_entries = max(1, memo_bytes // 8 // SMALL_ENTRIES_BYTES)
        self._signatures: dict[tuple[type, ...], tuple[type, ...]] = {}
        self._shapes: dict[tuple[str, ...], _Shape | None] = {}  # a dict's fields → `_shape`
        self._texts: dict[str, str] = {}  # the texts the memos hold, each once
        self._numbers = itertools.count()
        # Date triple -> the dates' part number << 32; where the fact states no decision day,
        # minus that and the day it is decided on: one int a triple, not a tuple of three.
        self._dates: dict[tuple[Any, Any, Any], int | None] = {}
        self._day_keys: dict[Hashable, int] = {}
        self._days: dict[Any, _Day | None] = {}  # a stated date → what the key reads of it
        self._figure_keys: dict[Hashable, int] = {}
        self._part_numbers = itertools.count(1)  # 0: a fact that states no amount or count
        # (field, type, value as given) → the value validated alone, or _INVALID (`validated`)
        self._checked: dict[tuple[str, type, Any], Any] = {}
        self._validate = validate

    def changed(self, occurred: int, decided: int) -> bool:
        """Whether a version boundary of some encoded law lies between the two days."""
        return self._version_of(occurred) != self._version_of(decided)

    def _version_of(self, day: int) -> int:
        """The day's position among the version bounds: two days in one position are judged
        under the same version of every encoded law."""
        return bisect.bisect_right(self.version_bounds, day)

    @property
    def bytes(self) -> int:
        """The memory the memos hold, as their bounds count it (at most `memo_bytes`)."""
        small: tuple[Sized, ...] = (
            self._checked,
            self._signatures,
            self._shapes,
            self._day_keys,
            self._figure_keys,
        )
        return (
            self._statics.bytes
            + len(self._dates) * DATES_ENTRY_BYTES
            + max(len(self._days), len(self._texts)) * DAY_ENTRY_BYTES
            + max(map(len, small)) * SMALL_ENTRIES_BYTES
        )

    def clear(self) -> None:
        self._statics.clear()
        self._checked.clear()
        self._signatures.clear()
        self._shapes.clear()
        self._texts.clear()
        self._dates.clear()
        self._day_keys.clear()
        self._days.clear()
        self._figure_keys.clear()

    def _part_number(self, memo: dict[Hashable, int], part: Hashable) -> int | None:
        """The number of a dates' or figures' part of a key: numbered once, never reused while
        old keys may still match (see `__call__`). None when the numbers ran out: every memo is
        cleared and numbering starts again, and the fact at hand (whose raw-value group was
        numbered before) takes the full path."""
        number = memo.get(part)
        if number is None:
            if len(memo) >= self._memo_entries:
                memo.clear()  # later parts get new numbers: old keys just stop matching
            number = next(self._part_numbers)
            if number >= _PART_LIMIT:  # a new epoch: every later key has a new static number
                self.clear()
                self._part_numbers = itertools.count(1)
                return None
            memo[part] = number
        return number

    def __call__(self, fact: Mapping[str, Any], today: int) -> int | None:
        """The table key of `fact` decided on `today` (a day ordinal when it states no
        `decided_on`), or None: the full path must judge it.

        One int (some 40 bytes, hashed at once, where a tuple of tuples is hashed item by item
        on each lookup and holds a few hundred bytes): the numbers of the raw-value group, of
        the dates' part and of the figures' part, in fields of 64 and 32 bits. The parts'
        numbers stay below 2**32; before one would reach it, every memo is cleared, so each
        later key carries a static number no earlier key has."""
        if type(fact) is not dict:
            return None
        fields = tuple(fact)
        shape = self._shapes.get(fields, MISSING)
        if shape is MISSING:
            shape = self._shape(fields)
        if shape is None:  # a field the library does not know
            return None
        present, static_of, stated_circumstances, stated_numbers = shape
        get = fact.get
        values = static_of(fact)
        circumstances = get("circumstances", MISSING) if stated_circumstances else MISSING
        if circumstances is not MISSING:
            if type(circumstances) is not list:
                return None
            circumstances = tuple(circumstances)
            for code in circumstances:
                if type(code) is not str:
                    return None
        static = (present, values, tuple(map(type, values)), circumstances)
        try:
            number = self._static_hit(static)
        except TypeError:  # an unhashable value (a list or a dict where a code belongs)
            return None
        if number is None:
            number = self._statics.get(static)
        if number is None:
            # Numbers are never reused: the keys of a group the memo let go just stop matching
            # (the table lets them go in turn), and the group met again is numbered anew.
            number = next(self._numbers)
            self._statics.put(self._held(static), number)
        dates = (
            get("occurred_on", MISSING),
            get("discovered_on", MISSING),
            get("decided_on", MISSING),
        )
        try:
            found = self._dates.get(dates, MISSING)
        except TypeError:
            return None
        if found is MISSING:
            if len(self._dates) >= self._dates_entries:
                self._dates.clear()
            computed = self._date_key(*dates)
            held = self._shared(dates)
            if computed is None:
                found = self._dates[held] = None
            else:
                day_key, decided, stated = computed
                day_number = self._part_number(self._day_keys, day_key)
                if day_number is None:
                    return None
                bits = day_number << 32
                found = self._dates[held] = bits if stated else -(bits | decided)
        if found is None:
            return None
        day_bits: int = found
        if day_bits < 0:  # decided today: no date may lie after it
            day_bits = -day_bits
            if day_bits & _LOW > today:
                return None
            day_bits &= ~_LOW
        if not stated_numbers:
            return number << 64 | day_bits
        numbers = tuple(map(get, _NUMBERS, repeat(MISSING)))
        figures = self._figures(numbers)
        if figures is None:
            return None
        figures_number = self._figure_keys.get(figures)
        if figures_number is None:
            figures_number = self._part_number(self._figure_keys, figures)
            if figures_number is None:
                return None
        return number << 64 | day_bits | figures_number

    def _shape(self, fields: tuple[str, ...]) -> _Shape | None:
        """What `__call__` reads of a dict with these fields, in this order (remembered): None
        if one is not a field of the facts."""
        if not self.known.issuperset(fields):
            found = None
        else:
            stated = [name for name in self.static if name in fields]
            present = sum(1 << self.static.index(name) for name in stated)
            found = _Shape(
                present,
                _getter(stated),
                "circumstances" in fields,
                any(name in fields for name in _NUMBERS),
            )
        if len(self._shapes) >= self._memo_entries:
            self._shapes.clear()
        self._shapes[self._shared(fields)] = found  # each parsed line has its own field names
        return found

    def _held(self, static: _Static) -> _Static:
        """A raw-value group as the memo keeps it, equal to the one looked up: its types' tuple
        shared with every group of those types (a few hundred bytes an entry otherwise), and
        its texts shared with every other entry (each parsed line brings its own copies)."""
        present, values, types, circumstances = static
        if len(self._signatures) >= self._memo_entries:
            self._signatures.clear()
        types = self._signatures.setdefault(types, types)
        return present, self._shared(values), types, circumstances

    def _shared(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """The tuple with each text in it replaced by the equal one the memos already hold.
        Not `sys.intern`: Python 3.12 never frees an interned string, and the texts are the
        caller's (a stream of distinct bad codes would grow the process for good)."""
        texts = self._texts
        if len(texts) >= self._day_entries:
            texts.clear()  # later entries share among themselves only
        return tuple(
            texts.setdefault(value, value) if type(value) is str else value for value in values
        )

    def validated(self, fact: Mapping[str, Any]) -> Violation | None:
        """The `Violation` the full path builds of `fact`, a fact with a table key, without
        cattrs or the checks of `__init__`; None when its `ref` or some other value is in
        doubt (the full path then says what is wrong).

        A fact with a key has only known fields, dates written `YYYY-MM-DD` in order and not
        after the decision day, and amounts and counts of the exact JSON types in range: all
        the validation reads of them. Each other value (a code, a flag, a tier fact, the
        circumstances) is validated alone, once per field, type and value (`_check`), by the
        validation itself (`validate`).
        The defaults are filled in as there, amounts become floats as the converter makes
        them."""
        ref = ref_of(fact)
        if ref is MISSING:
            return None
        values = self._check_group(fact)
        if values is None:
            return None
        get = fact.get
        occurred = self._day(get("occurred_on"))
        discovered = self._day_or(get("discovered_on", MISSING), occurred)
        decided = self._day_or(get("decided_on", MISSING), discovered)
        if occurred is None or discovered is None or decided is None:
            return None
        figures = []
        for name in _NUMBERS:
            value = get(name, MISSING)
            if value is MISSING:
                value = _DEFAULTS[name]
            elif value is not None and name not in _COUNTS:
                value = float(value)
            figures.append(value)
        return _build_violation(
            None, *values, occurred.date, discovered.date, decided.date, *figures, ref
        )

    def _check_group(self, fact: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The values of the fact's raw-value group (in `_CHECKED` order) as the
        validation makes them, each checked alone; None if it refuses one."""
        values: list[Any] = []
        checked = self._checked
        for name in _CHECKED:
            value = fact.get(name, MISSING)
            if type(value) is list:
                value = tuple(value)
            found = checked.get((name, type(value), value), _INVALID)
            if found is _INVALID:
                found = self._check(name, value, values[0] if values else None)
            if found is _INVALID:
                return None
            values.append(found)
        return tuple(values)

    def _check(self, name: str, value: Any, kind: str | None) -> Any:
        """One value of `name` as the validation makes it (given alone, beside the fact's valid
        `kind` and a valid date), remembered; `_INVALID` where it refuses it."""
        if len(self._checked) >= self._memo_entries:
            self._checked.clear()  # a stream of distinct bad codes must not grow it for good
        data: dict[str, Any] = {"kind": kind, "occurred_on": _SOME_DAY}
        if value is not MISSING:
            data[name] = list(value) if name == "circumstances" else value
        try:
            found = getattr(self._validate(data), name)
        except EnforcementRulesError:
            found = _INVALID
        self._checked[(name, type(value), value)] = found
        return found

    def income(self, fact: Mapping[str, Any]) -> Hashable:
        """The exact incomes stated (for a decision whose fines follow them)."""
        return tuple(
            None if fact.get(name) is None else repr(float(fact[name])) for name in _INCOME
        )

    def _figures(self, numbers: tuple[Any, ...]) -> Hashable | None:
        """Amounts and counts as the class key keeps them; None if one is in doubt."""
        parts: list[Hashable] = []
        for value, (name, reduce) in zip(numbers, self._numbers_reduced, strict=True):
            if value is MISSING or (value is None and name in _NULLABLE):
                parts.append(value)
                continue
            kind = type(value)
            if name in _COUNTS:
                if kind is not int or not 0 <= value <= MAX_COUNT:
                    return None
                parts.append(reduce(value))
                continue
            if kind is not float and kind is not int:
                return None
            if not (math.isfinite(value) and 0 <= value <= MAX_AMOUNT_YUAN):
                return None
            parts.append(reduce(to_fen(float(value))))
            if self._exact_income and name == "illegal_income_yuan":
                parts.append(float(value))
        return tuple(parts)

    def figure(self, name: str, value: Any) -> Hashable | None:
        """What the key keeps of one amount or count stated (`value`, not MISSING), with the
        exact income where a decision may follow it (`income`); None if it is in doubt. The
        columnar path keys each distinct cell by this."""
        numbers = tuple(value if field == name else MISSING for field in _NUMBERS)
        found = self._figures(numbers)
        if found is None:
            return None
        exact = repr(float(value)) if name in _INCOME and value is not None else None
        return found, exact

    def _date_key(
        self, occurred: Any, discovered: Any, decided: Any
    ) -> tuple[Hashable, int, bool] | None:
        """(the dates' part of the key, the decision day, whether the fact states it)."""
        if occurred is MISSING:
            return None
        first = self._day(occurred)
        found = first if discovered is MISSING else self._day(discovered)
        stated = decided is not MISSING
        last = self._day(decided) if stated else found
        if first is None or found is None or last is None:
            return None
        if not first.ordinal <= found.ordinal <= last.ordinal:
            return None
        changed = first.version != last.version
        key = (
            first.as_occurred,
            found.as_discovered,
            last.as_decided,
            self._years(full_years_before(first.date, found.date)),
            first.window,
            last.window if changed else MISSING,
            last.band,
            first.unread,
            last.unread if changed else MISSING,
        )
        return key, last.ordinal, stated

    def _day(self, value: Any) -> _Day | None:
        """What the key reads of one stated date, remembered by the value as stated: a batch
        names a few thousand days in some hundred thousand distinct triples of them."""
        found = self._days.get(value, MISSING)
        if found is MISSING:
            if len(self._days) >= self._day_entries:
                self._days.clear()  # what a day gives never changes: nothing to renumber
            ordinal = day_of(value)
            found = self._days[value] = None if ordinal is None else self._read_day(ordinal)
        return found  # type: ignore[no-any-return]

    def _day_or(self, value: Any, default: _Day | None) -> _Day | None:
        """The day of a date the fact states, else `default` (its default: the earlier date)."""
        return default if value is MISSING else self._day(value)

    def _read_day(self, ordinal: int) -> _Day:
        return _Day(
            ordinal,
            dt.date.fromordinal(ordinal),
            self._version_of(ordinal),
            self._occurred(ordinal),
            self._discovered(ordinal),
            self._decided(ordinal),
            self._as_of(ordinal),
            bisect.bisect_right(self.band_cuts, ordinal) if self.band_cuts else 0,
            bisect.bisect_right(self.unread_cuts, ordinal),
        )


#: A raw-value group as `FastKey` numbers it: which few-valued fields the fact states (bits in
#: `FastKey.static` order), their values and the values' types, and the circumstances.
_Static = tuple[int, tuple[Any, ...], tuple[type, ...], Any]


class _Shape(NamedTuple):
    """What `FastKey` reads of a dict with one sequence of (known) fields."""

    present: int  # the few-valued fields stated, as bits in `FastKey.static` order
    static_of: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # their values, in that order
    circumstances: bool  # whether it states the circumstances
    numbers: bool  # whether it states some amount or count


def _getter(names: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of `names` (all stated) as a tuple, in one call."""
    if len(names) > 1:
        return itemgetter(*names)
    return lambda fact: tuple(fact[name] for name in names)


class _Day(NamedTuple):
    """One day as the table key reads it in each of the three dates' places."""

    ordinal: int
    date: dt.date
    version: int  # its position among the law versions' bounds (从旧兼从轻 changes between two)
    as_occurred: Hashable
    as_discovered: Hashable
    as_decided: Hashable
    window: Hashable  # its position among the law versions' windows (the class key's `as_of`)
    band: int  # among a discretion benchmark's band cuts
    unread: int  # among the bounds of the "not encoded" declarations


#: `date(1970, 1, 1).toordinal()`: numpy's days and months count from there, `day_of` from 1.
ORDINAL_OF_EPOCH = 719_163


def day_of(value: Any) -> int | None:
    """The day ordinal of a stated date the fast path reads (`YYYY-MM-DD` text or a `date`);
    None for anything else (null, a number, a date-time, a bad date): the full path says what
    is wrong with it."""
    if type(value) is not str and type(value) is not dt.date:
        return None
    try:
        return parse_date(value).toordinal()
    except InvalidValue:
        return None


_PART_LIMIT = 2**32  # the dates' and figures' parts are numbered below it (see `FastKey`)
_LOW = 2**32 - 1  # the low field of a packed number


def ref_of(fact: Mapping[str, Any]) -> Any:
    """The fact's `ref` if the fast path may echo it as it is, else MISSING."""
    ref = fact.get("ref")
    if ref is None:
        return None
    if type(ref) is str and len(ref) <= MAX_REF_LENGTH and ref.isprintable():
        return ref
    return MISSING


def _replacer(cls: type[T], names: Sequence[str]) -> Callable[..., T]:
    """`attrs.evolve(instance, **dict(zip(names, values)))` without `__init__`, for an instance
    whose other fields are checked already: the slots copied through their descriptors, in
    straight-line code generated once (as attrs makes `__init__`), three times evolve's speed.
    The function takes the instance, then the new values of `names` in order."""
    fields = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    assert set(names) <= set(fields), names
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    given = [f"v{number}" for number in range(len(names))]
    lines = [f"def replaced(instance, {', '.join(given)}):", "    clone = new(cls)"]
    for number, name in enumerate(fields):
        scope[f"set{number}"] = getattr(cls, name).__set__
        value = given[names.index(name)] if name in names else f"instance.{name}"
        lines.append(f"    set{number}(clone, {value})")
    lines.append("    return clone")
    exec("\n".join(lines), scope)  # our own text, made of the class's field names
    return scope["replaced"]  # type: ignore[no-any-return]


#: A tabled decision with the caller's `ref` (its other fields are the tabled decision's).
with_ref: Callable[[Decision, str | None], Decision] = _replacer(Decision, ("ref",))
#: A `Violation` of validated values, in the order `FastKey.validated` gives them (the first
#: argument, an instance to copy other fields from, is None: the names are all the fields).
_build_violation: Callable[..., Violation] = _replacer(
    Violation,
    (*_CHECKED, *_DATES, *_NUMBERS, "ref"),
)
