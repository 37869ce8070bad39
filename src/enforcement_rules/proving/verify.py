"""Prove a rule set consistent by walking its whole fact space through the real engine.

The walk (`space`) goes kind by kind and, within a kind, component by component: every class of
what the rules can tell apart, streamed. Each class goes through durable_rules and through the
plain-Python reference evaluator; the findings:

- cap: a sub-space with more classes than the walk's cap (`space.MAX_CLASSES`), not walked: the
  finding names the rules whose removal would shrink it most (they link otherwise separate parts);
- gap: a fact of a covered kind, inside its law's span, that no penalty rule decides (or only a
  "no provision" rule) where no instrument declares the cell not encoded (`not_encoded`);
- conflict / overlap: two penalty rules fire for one fact and disagree / agree;
- unreachable: a rule no fact fires;
- monotonicity: a more serious fact (`severity.MORE_SERIOUS`) gets a lighter penalty or loses a
  measure;
- range: rules citing the same article item at the same stage with different fines, or a fine
  above the provision's declared `fine_limits`;
- window: versions of one law whose intervals overlap or leave a hole; a decision (made as the
  fact occurred and again on each later transition day, `decisions`) that cites an instrument
  outside its window, applies a rule outside it, or refers to an instrument already succeeded;
- lighter_law: a party (unit or person) whose applied version is heavier than the version at
  occurrence (从旧兼从轻 per party), or whose fines are not those of the version applied;
- basis: an empty penalty list with no reason (`penalty_basis`), a referral naming no instrument;
- engine: durable_rules and the reference evaluator disagree;
- example: a rule file's example that fails;
- pending: files whose review is pending (listed, never failing);
- not_encoded: cells an instrument declares not encoded (text not read) that the walk reaches
  undecided (listed, never failing: the `Decider` refuses those facts with the reason);
- ignored: files of the rules directory that are not read, with the reason (never failing).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..deciding import derived, precedence
from ..deciding.decider import Decider
from ..deciding.engine import Engine
from ..deciding.severity import MORE_SERIOUS, Weight, weight
from ..rulebook.conditions import AllOf, Test
from ..rulebook.model import WINDOW_FIELD, Rule, RuleSet
from .decisions import decision_findings
from .examples import run_examples
from .reference import fired_ids
from .space import MAX_CLASSES, SubSpace, linking_rules, readable, subspaces

log = logging.getLogger(__name__)

#: Findings that are listed for review but do not fail `check`.
LISTED = ("pending", "not_encoded", "ignored")
FAILING = (
    "cap",
    "gap",
    "conflict",
    "overlap",
    "unreachable",
    "monotonicity",
    "range",
    "window",
    "lighter_law",
    "basis",
    "engine",
    "example",
)


@attrs.frozen
class Finding:
    category: str
    message: str
    rule_ids: tuple[str, ...] = ()
    example: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "message": self.message,
            "rule_ids": list(self.rule_ids),
            "example": None if self.example is None else dict(self.example),
        }


@attrs.frozen
class Report:
    findings: tuple[Finding, ...]
    classes_walked: int
    rules: int
    seconds: float

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.category in FAILING)

    @property
    def ok(self) -> bool:
        return not self.failing

    def count(self, category: str) -> int:
        return sum(1 for f in self.findings if f.category == category)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "classes_walked": self.classes_walked,
            "rules": self.rules,
            "seconds": round(self.seconds, 2),
            "counts": {c: self.count(c) for c in (*FAILING, *LISTED)},
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_text(self) -> str:
        lines = []
        for finding in self.findings:
            rules = f" [{', '.join(finding.rule_ids)}]" if finding.rule_ids else ""
            lines.append(f"{finding.category}: {finding.message}{rules}")
            if finding.example is not None:
                lines.append(f"    e.g. {_json(finding.example)}")
        counts = ", ".join(f"{c} {self.count(c)}" for c in (*FAILING, *LISTED))
        lines.append(
            f"{'OK' if self.ok else 'FAILED'}: {self.classes_walked:,} classes walked, "
            f"{self.rules} rules, {len(self.failing)} failing findings ({counts}), "
            f"{self.seconds:.1f} s"
        )
        return "\n".join(lines)


def _json(data: Mapping[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def verify(
    rules: RuleSet,
    *,
    run_rule_examples: bool = True,
    max_classes: int = MAX_CLASSES,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Walk the whole fact space of `rules` and report every finding (see the module doc).

    The walk is streamed sub-space by sub-space (`space`); a sub-space above `max_classes` is not
    walked but reported (`cap`), with the rules that link it. `progress` is told how far the
    walk has got (for a command's progress line); it never changes the report.
    """
    tell = progress or (lambda _: None)
    started = time.perf_counter()
    findings: list[Finding] = []
    findings += _window_findings(rules)
    findings += _range_findings(rules)
    engine = Engine(rules)
    spans = _law_spans(rules)
    fired_anywhere: set[str] = set()
    unwalked: set[str] = set()
    declared: set[str] = set()  # not_encoded cells, each declaration listed once
    walked = 0
    for space in subspaces(rules):
        if space.size > max_classes:
            findings.append(_cap_finding(space, rules, max_classes))
            unwalked |= space.rule_ids
            continue
        walked += space.size
        for finding in _walk(rules, engine, space, spans, fired_anywhere):
            if finding.category == "not_encoded":
                if finding.message in declared:
                    continue
                declared.add(finding.message)
            findings.append(finding)
        tell(f"{walked:,} classes walked")
    for rule in rules.rules:
        if rule.id not in fired_anywhere and rule.id not in unwalked:
            where = f"{rule.provision.file}:{rule.line}"
            findings.append(
                Finding("unreachable", f"no fact fires this rule ({where})", (rule.id,))
            )
    log.info("walked %s classes, %d findings so far", f"{walked:,}", len(findings))
    tell("deciding every class on every later transition day")
    decider = Decider(rules)
    for category, text, ids, fact in decision_findings(rules, decider, max_classes):
        findings.append(Finding(category, text, ids, fact))
    if run_rule_examples:
        tell("running the rule files' examples")
        for result in run_examples(decider):
            if not result.passed:
                findings.append(
                    Finding(
                        "example",
                        f"{result.location} {result.example.name}: " + "; ".join(result.problems),
                        (result.rule.id,),
                        dict(result.example.facts),
                    )
                )
    for provision in rules.provisions:
        if provision.review == "pending":
            findings.append(
                Finding(
                    "pending", f"{rules.relative(provision.file)}: {provision.review_note.strip()}"
                )
            )
    for benchmark in rules.benchmarks:  # proved on loading; a pending one is listed
        if benchmark.review == "pending":
            applied = "applied" if benchmark.applied else "not applied (select it by its id)"
            findings.append(
                Finding(
                    "pending",
                    f"{benchmark.file}: discretion benchmark {benchmark.id}, "
                    f"{len(benchmark.rows)} row(s), {applied}: {benchmark.review_note}",
                )
            )
    findings += [Finding("ignored", f"{file}: {reason}") for file, reason in rules.ignored]
    return Report(tuple(findings), walked, len(rules.rules), time.perf_counter() - started)


_CHUNK = 512


def _walk(
    rules: RuleSet,
    engine: Engine,
    space: SubSpace,
    spans: Mapping[str, tuple[dt.date, dt.date | None]],
    fired_anywhere: set[str],
) -> list[Finding]:
    """One sub-space through the engine and the reference evaluator, in chunks.

    Only a compact index (class key → rules fired) is kept, for the monotonicity pass.
    """
    findings: list[Finding] = []
    reported: set[tuple[str, ...]] = set()
    index: dict[tuple[Any, ...], tuple[str, ...]] = {}
    messages = space.messages()
    members = space.rule_ids
    while chunk := list(itertools.islice(messages, _CHUNK)):
        for message, ids in zip(chunk, _fire(engine, chunk, space.rule_ids), strict=True):
            fired_anywhere.update(ids)
            index[space.class_key(message)] = ids
            reference = fired_ids(rules, message, members)
            if reference != ids:
                findings.append(
                    Finding(
                        "engine",
                        f"durable_rules fired {list(ids)}, "
                        f"the reference evaluator {list(reference)}",
                        tuple(sorted(set(ids) ^ set(reference))),
                        readable(message, space.reads),
                    )
                )
            findings += _penalty_findings(rules, space, message, ids, spans, reported)
    findings += _monotonicity_findings(rules, space, index)
    return findings


def _cap_finding(space: SubSpace, rules: RuleSet, max_classes: int) -> Finding:
    linking = linking_rules(space, rules)
    because = "; ".join(
        f"without {rule_id} it would be {size:,} classes" for rule_id, size in linking
    )
    return Finding(
        "cap",
        f"{space.size:,} classes exceed the walk's cap of {max_classes:,} ({space.describe()}); "
        f"not walked. The rules reading fields of otherwise separate parts link it"
        + (f": {because}" if because else ""),
        tuple(rule_id for rule_id, _ in linking) or tuple(sorted(space.rule_ids)),
    )


def _fire(
    engine: Engine, messages: list[dict[str, Any]], members: frozenset[str]
) -> list[tuple[str, ...]]:
    return [tuple(i for i in ids if i in members) for ids in engine.evaluate(messages)]


# -- findings ------------------------------------------------------------------------------


def _law_spans(rules: RuleSet) -> dict[str, tuple[dt.date, dt.date | None]]:
    spans: dict[str, tuple[dt.date, dt.date | None]] = {}
    for p in rules.provisions:
        if p.applies_by != "occurred_on":
            continue
        start, until = spans.get(p.law, (p.in_force_from, p.in_force_until))
        later = None if until is None or p.in_force_until is None else max(until, p.in_force_until)
        spans[p.law] = (min(start, p.in_force_from), later)
    return spans


def _penalty_findings(
    rules: RuleSet,
    space: SubSpace,
    message: Mapping[str, Any],
    ids: tuple[str, ...],
    spans: Mapping[str, tuple[dt.date, dt.date | None]],
    reported: set[tuple[str, ...]],
) -> list[Finding]:
    """Gaps and conflicts of one walked class (each reported once per kind, year or rules)."""
    if not space.realizable(message):
        return []
    deciding = [i for i in ids if rules.rule(i).then.decides_penalty]
    if not deciding and not any(rule.then.decides_penalty for rule in space.members):
        return []
    kind = message["kind"]
    day = dt.date.fromordinal(int(message[WINDOW_FIELD]))
    findings: list[Finding] = []
    in_span = any(
        spans[law][0] <= day and (spans[law][1] is None or day < spans[law][1])  # type: ignore[operator]
        for law in {rule.provision.law for rule in rules.penalty_rules(kind)}
    )
    undecided = not deciding or all(rules.rule(i).then.no_provision for i in deciding)
    declared = rules.not_encoded(kind, day) if undecided else None
    if declared is not None:
        key: tuple[str, ...] = ("not_encoded", declared.law, str(declared.in_force_from))
        if key not in reported:
            reported.add(key)
            findings.append(
                Finding(
                    "not_encoded",
                    f"{declared.law} from {declared.in_force_from}: {len(declared.kinds)} kind(s) "
                    f"declared not encoded ({', '.join(declared.kinds)}): {declared.note}",
                    tuple(deciding),
                    readable(message, space.reads),
                )
            )
    elif not deciding and in_span and not derived.lacks_inputs(rules, kind, message):
        key = ("gap", kind, str(day.year))
        if key not in reported:
            reported.add(key)
            findings.append(
                Finding(
                    "gap",
                    f"no penalty rule decides kind '{kind}' here",
                    (),
                    readable(message, space.reads),
                )
            )
    if len(deciding) > 1:
        settled = _precedence(rules, message, [rules.rule(i) for i in deciding])
        if settled is not None:
            return findings + settled
        outcomes = {_outcome_signature(rules.rule(i)) for i in deciding}
        category = "conflict" if len(outcomes) > 1 else "overlap"
        key = (category, *sorted(deciding))
        if key not in reported:
            reported.add(key)
            findings.append(
                Finding(
                    category,
                    f"{len(deciding)} penalty rules fire for one fact"
                    + (" and disagree" if category == "conflict" else " (they agree)"),
                    tuple(deciding),
                    readable(message, space.reads),
                )
            )
    return findings


def _precedence(
    rules: RuleSet, message: Mapping[str, Any], deciding: list[Rule]
) -> list[Finding] | None:
    """None when the instruments' precedence leaves several rules (a conflict); otherwise the
    findings on the choice made: an Art. 29 choice must be a highest fine."""
    day = dt.date.fromordinal(int(message["decided_on"]))
    version = next((v for v in rules.procedure if v.in_force_on(day)), None)
    if version is None:
        return None
    chosen = precedence.winner(deciding, rules.laws, version)
    if chosen is None:
        return None
    if chosen.by_concurrence:
        top = weight((), chosen.winner.then.fines)
        heavier = [r.id for r, _ in chosen.lost if weight((), r.then.fines) > top]
        if heavier:
            return [
                Finding(
                    "range",
                    "the concurrence rule (APL 2021 Art. 29) chose a lower fine than "
                    f"{', '.join(heavier)}",
                    (chosen.winner.id, *heavier),
                )
            ]
    return []


def _outcome_signature(rule: Rule) -> tuple[Any, ...]:
    then = rule.then
    return (
        then.no_provision,
        tuple(sorted(then.penalties or ())),
        tuple(sorted(map(str, then.fines))),
    )


def _weight(rule: Rule, message: Mapping[str, Any]) -> Weight:
    """The rule's penalty weight for this fact (fines by income in yuan), as `severity` defines."""
    income = message.get("illegal_income_fen", 0) / 100
    return weight(rule.then.penalties or (), (f.for_income(income) for f in rule.then.fines))


def _monotonicity_findings(
    rules: RuleSet, space: SubSpace, index: Mapping[tuple[Any, ...], tuple[str, ...]]
) -> list[Finding]:
    """A more serious class never loses a measure or gets a lighter penalty than its milder
    neighbour (the same class but one `MORE_SERIOUS` field one step milder)."""
    positions = {field: n for n, field in enumerate(space.fields) if field in MORE_SERIOUS}
    findings: list[Finding] = []
    reported: set[tuple[str, ...]] = set()
    for key, ids in index.items():
        for field, position in positions.items():
            order = MORE_SERIOUS[field]
            if key[position] not in order:
                continue
            for worse in order[order.index(key[position]) + 1 :]:
                variant = (*key[:position], worse, *key[position + 1 :])
                worse_ids = index.get(variant)
                if worse_ids is None:
                    continue
                milder_message, worse_message = space.message(key), space.message(variant)
                problem = _compare(rules, milder_message, ids, worse_message, worse_ids)
                if problem and (field, *ids, *worse_ids) not in reported:
                    reported.add((field, *ids, *worse_ids))
                    findings.append(
                        Finding(
                            "monotonicity",
                            f"{field} {key[position]!r} → {worse!r}: {problem}",
                            tuple(dict.fromkeys((*ids, *worse_ids))),
                            readable(milder_message, space.reads),
                        )
                    )
    return findings


def _compare(
    rules: RuleSet,
    milder: Mapping[str, Any],
    milder_ids: tuple[str, ...],
    worse: Mapping[str, Any],
    worse_ids: tuple[str, ...],
) -> str | None:
    measures = {m for i in milder_ids for m in rules.rule(i).then.measures}
    worse_measures = {m for i in worse_ids for m in rules.rule(i).then.measures}
    if not measures <= worse_measures:
        lost = ", ".join(sorted(m.value for m in measures - worse_measures))
        return f"the more serious fact loses the measure(s) {lost}"
    deciding = [rules.rule(i) for i in milder_ids if rules.rule(i).then.decides_penalty]
    worse_deciding = [rules.rule(i) for i in worse_ids if rules.rule(i).then.decides_penalty]
    if (
        len(deciding) == 1
        and len(worse_deciding) == 1
        and _weight(worse_deciding[0], worse) < _weight(deciding[0], milder)
    ):
        return "the more serious fact gets a lighter penalty"
    return None


def _window_findings(rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    by_law: dict[str, dict[str, set[tuple[dt.date, dt.date | None]]]] = {}
    for p in rules.provisions:
        by_law.setdefault(f"{p.law} ({p.applies_by})", {}).setdefault(p.version, set()).add(
            (p.in_force_from, p.in_force_until)
        )
    for law, versions in by_law.items():
        for version, windows in versions.items():
            if len(windows) > 1:
                findings.append(
                    Finding(
                        "window",
                        f"{law} version {version} states different in-force intervals: "
                        f"{sorted(windows, key=str)}",
                    )
                )
        intervals = sorted({w for ws in versions.values() for w in ws}, key=lambda w: w[0])
        for (start, until), (next_start, _) in itertools.pairwise(intervals):
            if until is None or until > next_start:
                findings.append(
                    Finding(
                        "window",
                        f"{law}: the version from {start} overlaps the version from {next_start}",
                    )
                )
            elif until < next_start:
                findings.append(
                    Finding("window", f"{law}: no version is in force from {until} to {next_start}")
                )
    return findings


def _range_findings(rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    stages: dict[tuple[Any, ...], Rule] = {}
    for rule in rules.rules:
        fixed = tuple(
            f for f in rule.then.fines if f.income_multiple is None and f.income_share is None
        )
        if not rule.then.decides_penalty or not fixed:
            continue
        stage = _stage(rule)
        p = rule.provision
        for fine in fixed:
            limit = None if p.fine_limits is None else p.fine_limits.get(fine.target.value, 0.0)
            if limit is not None and fine.max_yuan > limit:
                findings.append(
                    Finding(
                        "range",
                        f"{p.law}@{p.version} art. {p.article}: fine for {fine.target.value} up to "
                        f"{fine.max_yuan:,.0f} exceeds the article's ceiling of {limit:,.0f}",
                        (rule.id,),
                    )
                )
        for item in rule.items or (None,):
            key = (p.law, p.version, p.article, rule.paragraph, item, stage)
            other = stages.setdefault(key, rule)
            if other is not rule and _fine_set(other) != _fine_set(rule):
                findings.append(
                    Finding(
                        "range",
                        f"{p.law}@{p.version} art. {p.article}"
                        + (f" para. {rule.paragraph}" if rule.paragraph else "")
                        + f" item {item}: same stage, "
                        f"different fines ({_fine_set(other)} vs {_fine_set(rule)})",
                        (other.id, rule.id),
                    )
                )
    return findings


def _fine_set(rule: Rule) -> tuple[tuple[str, float, float, bool], ...]:
    return tuple(
        sorted((f.target.value, f.min_yuan, f.max_yuan, f.mandatory) for f in rule.then.fines)
    )


def _stage(rule: Rule) -> tuple[str, ...]:
    """What selects the rule's stage: its condition apart from the kind and sector it names."""
    parts = rule.when.items if isinstance(rule.when, AllOf) else (rule.when,)
    return tuple(
        sorted(
            repr(part)
            for part in parts
            if not (isinstance(part, Test) and part.field in ("kind", "sector"))
        )
    )
