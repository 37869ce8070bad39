"""The rule model: what the loader builds from `rules/` and every other part reads.

Plain frozen attrs classes with no behaviour beyond small derived views; the law is in the data.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..contract.citation import Citation
from ..contract.fines import FineRange
from ..contract.vocabulary import (
    Authority,
    Measure,
    Penalty,
    PenaltyAdjustment,
    PenaltyBasis,
    Section,
)
from .benchmark import Benchmark
from .combination import Combining
from .conditions import Condition, atoms

#: The message field that holds the date choosing a law version (`occurred_on`, or the decision
#: date when 从旧兼从轻 compares the later version): most provisions' windows test it.
WINDOW_FIELD = "as_of"


#: The message fields that hold dates. Rules reading the same date still fire independently of
#: each other (each is judged on its own cut of the date), so dates never tie rules together
#: into one class space (`deciding.partition`, `proving.space`).
DATE_FIELDS = frozenset({WINDOW_FIELD, "occurred_on", "discovered_on", "decided_on"})


def window_field(applies_by: str) -> str:
    """The message field a provision's in-force window is tested on."""
    return WINDOW_FIELD if applies_by == "occurred_on" else applies_by


def in_force(day: dt.date, start: dt.date, until: dt.date | None) -> bool:
    """Whether `day` lies in the interval [start, until); `until` None: still in force."""
    return start <= day and (until is None or day < until)


@attrs.frozen
class ProvisionItem:
    number: int
    text_zh: str
    kinds: tuple[str, ...] = ()


@attrs.frozen
class Provision:
    """One rule file's provision: law, version, its window and article."""

    file: str
    law: str
    version: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    article: int
    title: str
    text_zh: str
    items: Mapping[int, ProvisionItem]
    source: str
    review: str
    review_note: str
    applies_by: str = "occurred_on"  # the fact date that must lie in the window
    fine_limits: Mapping[str, float] | None = None  # statutory ceiling per fine target

    @property
    def law_version(self) -> str:
        """The label decisions carry: `law@in-force-from`, as in VOCABULARY.md."""
        return f"{self.law}@{self.in_force_from.isoformat()}"

    def in_force_on(self, day: dt.date) -> bool:
        return in_force(day, self.in_force_from, self.in_force_until)


@attrs.frozen
class Outcome:
    """What a rule concludes. `penalties is None` marks a measures-only rule, unless the rule
    says the version has no provision, refers the penalty to another instrument, or names
    another deciding authority: each of those decides the penalty too."""

    measures: tuple[Measure, ...] = ()
    penalties: tuple[Penalty, ...] | None = None
    fines: tuple[FineRange, ...] = ()
    no_provision: bool = False
    notes: tuple[str, ...] = ()
    penalty_adjustment: PenaltyAdjustment = PenaltyAdjustment.NONE
    daily_fine: bool = False
    referred_to: str | None = None  # a law code: the instrument the provision refers to
    competent_authority: Authority | None = None
    #: (derived field, code): what a derivation rule derives for the fact (forward chaining).
    derive: tuple[str, str] | None = None
    #: Where a higher instrument's rule decides the same conduct, this rule still fines the
    #: parties that rule does not fine (the higher rule displaces it only where it provides).
    fills_parties: bool = False

    @property
    def decides_penalty(self) -> bool:
        return (
            self.penalties is not None
            or self.no_provision
            or self.referred_to is not None
            or self.competent_authority is not None
        )

    @property
    def penalty_basis(self) -> PenaltyBasis:
        """Why the penalties are what they are (for a penalty rule)."""
        if self.no_provision:
            return PenaltyBasis.NO_PROVISION
        if self.referred_to is not None:
            return PenaltyBasis.REFERRED
        if self.competent_authority is not None and not self.penalties:
            return PenaltyBasis.NOT_COMPETENT
        if not self.penalties:
            return PenaltyBasis.CORRECTION_FIRST
        return PenaltyBasis.DECIDED


@attrs.frozen
class Example:
    name: str
    facts: Mapping[str, Any]
    expect: Mapping[str, Any]
    line: int
    fires: bool = True  # false: a boundary case in which the rule must not fire


@attrs.frozen
class Rule:
    id: str
    title: str
    provision: Provision
    paragraph: int | None
    items: tuple[int, ...]
    when: Condition
    then: Outcome
    examples: tuple[Example, ...]
    line: int

    def citations(self, kind: str) -> tuple[Citation, ...]:
        """The legal basis this rule gives for a fact of `kind` (none for `no_provision`).

        Of the items the rule cites (all the provision's items when it cites none), those that
        cover `kind`; items without wording are cited with the provision's text.
        """
        if self.then.no_provision:
            return ()
        provision = self.provision

        def cite(item: int | None, text: str) -> Citation:
            return Citation(
                provision.law, provision.version, provision.article, self.paragraph, item, text
            )

        listed = [provision.items[n] for n in self.items or sorted(provision.items)]
        chosen = [item for item in listed if not item.kinds or kind in item.kinds]
        if chosen:
            return tuple(cite(item.number, item.text_zh) for item in chosen)
        return tuple(cite(n, provision.text_zh) for n in self.items) or (
            cite(None, provision.text_zh),
        )

    def named_kinds(self) -> frozenset[str]:
        """The kinds this rule's condition names (not those it excludes)."""
        named: set[str] = set()
        for atom in atoms(self.when):
            if atom.field == "kind" and not atom.negated:
                named.update(atom.value if isinstance(atom.value, tuple) else (str(atom.value),))
        return frozenset(named)


@attrs.frozen
class Successor:
    """The instrument that replaced a law on a day (none of the law's versions reach past it)."""

    on: dt.date
    law: str
    source: str
    note: str = ""


#: Ranks of instruments, highest first (Legislation Law: the higher prevails).
RANKS = ("law", "administrative_regulation", "departmental_rule")


@attrs.frozen
class NotEncoded:
    """Cells of an instrument that are declared, not encoded: for these kinds, on these dates, its
    text (or the article that applies) was not read. No decision may then rest on "no provision";
    the `Decider` refuses such a fact (unless a provision of another instrument decides it), and
    `check` lists the cells instead of reporting gaps."""

    law: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    kinds: tuple[str, ...]
    note: str  # bilingual: what was not read, and where it was looked for
    source: str = ""

    def covers(self, kind: str, day: dt.date) -> bool:
        return kind in self.kinds and in_force(day, self.in_force_from, self.in_force_until)


@attrs.frozen
class Law:
    code: str
    zh: str
    en: str
    family: bool = False  # a family of instruments ("the laws on hazardous materials")
    successor: Successor | None = None
    rank: str | None = None  # one of RANKS (None only for a family)
    special_over: tuple[str, ...] = ()  # instruments this one is the special provision to
    members: tuple[str, ...] = ()  # a family's instruments
    title_zh: str | None = None  # the title between 《》 where `zh` says more (an order number)

    #: Why this instrument is the special one (the instruments' own words, or the Legislation
    #: Law's): the reason a trace gives for the provisions that lose to it.
    special_over_reason: str = ""
    #: Why this instrument's provisions give way to those of a higher rank for the same conduct
    #: (e.g. the Administrative Penalty Law's limits on what a regulation or rule may set).
    yields_to_higher: str = ""
    not_encoded: tuple[NotEncoded, ...] = ()

    @property
    def title(self) -> str:
        """The title as formal citations write it between 《》 (a family: its description)."""
        return self.title_zh or self.zh

    @property
    def rank_order(self) -> int:
        """0 for a law, 1 for an administrative regulation, 2 for a departmental rule."""
        return RANKS.index(self.rank) if self.rank in RANKS else len(RANKS)


@attrs.frozen
class Kind:
    code: str
    zh: str
    en: str
    needs: tuple[str, ...] = ()  # derived fields a decision of this kind needs (kinds.yaml)


@attrs.frozen
class Routing:
    """Section by sector first, then by kind; `unassigned` where neither names one."""

    by_sector: Mapping[str, Section]
    by_kind: Mapping[str, Section]

    def section(self, kind: str, sector: str) -> Section:
        return self.by_sector.get(sector) or self.by_kind.get(kind) or Section.UNASSIGNED


@attrs.frozen
class ProcedureVersion:
    """Summary-procedure and hearing thresholds of one Administrative Penalty Law version."""

    version: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    summary_citation: Citation
    summary_limits: Mapping[str, float]  # "unit" / "individual" → amount
    summary_inclusive: bool  # True: up to and including the amount
    hearing_citation: Citation
    hearing_always_for: tuple[Penalty, ...]
    review: str
    #: One act breaking several provisions that each carry a fine: the highest fine (2021 Art. 29).
    concurrence_citation: Citation | None = None
    later_law_policy: str = "lighter_later_law"  # or "occurred_only"
    later_law_citation: Citation | None = None
    later_law_text: str = ""

    def in_force_on(self, day: dt.date) -> bool:
        return in_force(day, self.in_force_from, self.in_force_until)


@attrs.frozen
class LargeFineAmounts:
    """较大数额罚款 on the dates of a window: from these amounts (inclusive) a hearing is due.

    The national default of the penalty measures, or (`province` set) a province's own amounts.
    """

    in_force_from: dt.date
    in_force_until: dt.date | None
    from_yuan: Mapping[str, float]  # "unit" / "individual" → amount
    text_zh: str
    source: str
    review: str
    review_note: str = ""
    citation: Citation | None = None
    province: str | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return in_force(day, self.in_force_from, self.in_force_until)


@attrs.frozen
class RuleSet:
    """A loaded, validated rule set. `digest` identifies its content (not its file order)."""

    source: str
    digest: str
    laws: Mapping[str, Law]
    kinds: Mapping[str, Kind]
    rules: tuple[Rule, ...]
    routing: Routing
    procedure: tuple[ProcedureVersion, ...]
    #: The national large-fine amounts by date, and a province's own (from `hearing_amounts.yaml`).
    large_fine_amounts: tuple[LargeFineAmounts, ...] = ()
    province_amounts: tuple[LargeFineAmounts, ...] = ()
    #: Declared data files of the directory (relative path → text), read by their own stage.
    data_files: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    #: Files of the directory that are not read, with the reason (`check` lists them).
    ignored: tuple[tuple[str, str], ...] = ()
    #: Discretion benchmarks loaded and proved (`rulebook.discretion`); `applied` ones narrow
    #: decisions' fines into `suggested` bands.
    benchmarks: tuple[Benchmark, ...] = ()
    #: The law on combining one inspection's findings (`rulebook.combining`); None: not encoded.
    combining: Combining | None = None

    _by_id: Mapping[str, Rule] = attrs.field(init=False, repr=False, eq=False)
    _decider: object = attrs.field(init=False, default=None, repr=False, eq=False)
    _deciding: Mapping[str, tuple[Rule, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})
        deciding: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.then.decides_penalty:
                for kind in sorted(rule.named_kinds()):
                    deciding.setdefault(kind, []).append(rule)
        index = {kind: tuple(found) for kind, found in sorted(deciding.items())}
        object.__setattr__(self, "_deciding", index)

    @property
    def held_decider(self) -> object:
        """The decider deciding under this rule set, once one was made (see `decider_for`)."""
        return self._decider

    def hold_decider(self, decider: object) -> None:
        """Keep `decider` alive as long as this rule set (the rule book does not know its type)."""
        object.__setattr__(self, "_decider", decider)

    def __getstate__(self) -> dict[str, Any]:
        """The rule set's data for pickling (a worker process builds its own decider)."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_decider", None)
        self.__attrs_post_init__()

    @property
    def covered_kinds(self) -> tuple[str, ...]:
        """The kinds some penalty rule decides (sorted); the others raise `UncoveredKindError`."""
        return tuple(self._deciding)

    def penalty_rules(self, kind: str) -> tuple[Rule, ...]:
        """The rules that decide the penalty of `kind`, in the rule set's order (none: uncovered).

        The one index of "which penalty rules name which kind", for deciding, checking and the
        coverage table alike.
        """
        return self._deciding.get(kind, ())

    def penalty_windows(self, kind: str) -> tuple[tuple[dt.date, dt.date | None], ...]:
        """The in-force windows (from, until) of the versions whose penalty rules decide `kind`."""
        windows = (
            (rule.provision.in_force_from, rule.provision.in_force_until)
            for rule in self.penalty_rules(kind)
        )
        return tuple(dict.fromkeys(windows))

    def covers(self, kind: str, day: dt.date) -> bool:
        """Whether a version deciding `kind` is in force on `day` and no instrument declares the
        kind not encoded then: a fact of that kind and day can be decided."""
        return any(in_force(day, start, until) for start, until in self.penalty_windows(kind)) and (
            self.not_encoded(kind, day) is None
        )

    def covered_spans(self, kind: str, until: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
        """The intervals [first, last] of days up to `until` on which `covers(kind, day)` holds."""
        cuts = {until + dt.timedelta(days=1)}
        for start, end in self.penalty_windows(kind):
            cuts.update(d for d in (start, end) if d is not None)
        cuts.update(self.not_encoded_bounds(kind))
        points = sorted(d for d in cuts if d <= until + dt.timedelta(days=1))
        spans = []
        for first, after in itertools.pairwise(points):
            if self.covers(kind, first):
                spans.append((first, after - dt.timedelta(days=1)))
        return tuple(spans)

    def not_encoded_bounds(self, kind: str | None = None) -> frozenset[dt.date]:
        """The days a declaration of unread cells starts or ends (for `kind`, or for any kind):
        where whether a fact may be decided can change though no rule's window does."""
        return frozenset(
            day
            for law in self.laws.values()
            for declared in law.not_encoded
            if kind is None or kind in declared.kinds
            for day in (declared.in_force_from, declared.in_force_until)
            if day is not None
        )

    def not_encoded(self, kind: str, day: dt.date) -> NotEncoded | None:
        """The declaration that `kind` is not encoded on `day` in some instrument, if any."""
        for law in sorted(self.laws):
            for declared in self.laws[law].not_encoded:
                if declared.covers(kind, day):
                    return declared
        return None

    def successor_on(self, kind: str, day: dt.date) -> tuple[str, str, str] | None:
        """(law, successor, day) when an instrument deciding `kind` was succeeded by `day`."""
        for law in sorted({rule.provision.law for rule in self.penalty_rules(kind)}):
            successor = self.laws[law].successor
            if successor is not None and successor.on <= day:
                return law, successor.law, successor.on.isoformat()
        return None

    @property
    def provisions(self) -> tuple[Provision, ...]:
        seen: dict[str, Provision] = {}
        for rule in self.rules:
            seen.setdefault(rule.provision.file, rule.provision)
        return tuple(seen.values())

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def relative(self, file: str) -> str:
        """A rule file's path relative to the rules directory (never a machine's path)."""
        try:
            return Path(file).relative_to(self.source).as_posix()
        except ValueError:
            return file

    @property
    def applied_benchmarks(self) -> tuple[Benchmark, ...]:
        return tuple(benchmark for benchmark in self.benchmarks if benchmark.applied)

    def large_fine_on(self, day: dt.date) -> LargeFineAmounts | None:
        """The amounts in force on `day`: the province's where it set some, else the national."""
        for amounts in (*self.province_amounts, *self.large_fine_amounts):
            if amounts.in_force_on(day):
                return amounts
        return None
