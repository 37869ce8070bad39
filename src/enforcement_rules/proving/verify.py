"""Prove a rule set consistent by walking its whole fact space through the real engine.

Every field a rule reads is cut into the classes its conditions can tell apart (codes by the sets
they appear in, booleans, ordered values at the thresholds and version boundaries). Rules that read
disjoint fields form independent groups (see `partition`), so each group's classes are walked on
their own: that is exhaustive for what the group decides, and small. Each class goes through
durable_rules and through the plain-Python reference evaluator; the findings:

- gap: a fact of a covered kind, inside its law's span, that no penalty rule decides;
- conflict / overlap: two penalty rules fire for one fact and disagree / agree;
- unreachable: a rule no fact fires;
- monotonicity: a more serious fact (`severity.MORE_SERIOUS`) gets a lighter penalty or loses a
  measure;
- range: rules citing the same article item at the same stage with different fines, or a fine
  above the provision's declared `fine_limits`;
- window: versions of one law whose intervals overlap or leave a hole;
- engine: durable_rules and the reference evaluator disagree;
- example: a rule file's example that fails;
- pending: files whose review is pending (listed, never failing).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..deciding.decider import Decider
from ..deciding.engine import Engine
from ..deciding.severity import MORE_SERIOUS, weight
from ..rulebook.conditions import AllOf, Test
from ..rulebook.model import WINDOW_FIELD, Rule, RuleSet
from .examples import run_examples
from .reference import fired_ids
from .space import group_reads, group_spaces, readable

FAILING = (
    "gap",
    "conflict",
    "overlap",
    "unreachable",
    "monotonicity",
    "range",
    "window",
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
            "counts": {c: self.count(c) for c in (*FAILING, "pending")},
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_text(self) -> str:
        lines = []
        for finding in self.findings:
            rules = f" [{', '.join(finding.rule_ids)}]" if finding.rule_ids else ""
            lines.append(f"{finding.category}: {finding.message}{rules}")
            if finding.example is not None:
                lines.append(f"    e.g. {_json(finding.example)}")
        counts = ", ".join(f"{c} {self.count(c)}" for c in (*FAILING, "pending"))
        lines.append(
            f"{'OK' if self.ok else 'FAILED'}: {self.classes_walked:,} classes walked, "
            f"{self.rules} rules, {len(self.failing)} failing findings ({counts}), "
            f"{self.seconds:.1f} s"
        )
        return "\n".join(lines)


def _json(data: Mapping[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def verify(rules: RuleSet, *, run_rule_examples: bool = True) -> Report:
    """Walk the whole fact space of `rules` and report every finding (see the module doc)."""
    started = time.perf_counter()
    findings: list[Finding] = []
    findings += _window_findings(rules)
    findings += _range_findings(rules)
    engine = Engine(rules)
    fired_anywhere: set[str] = set()
    walked = 0
    for space in group_spaces(rules):
        members, rule_ids = space.members, space.group.rule_ids
        messages = list(space.messages())
        walked += len(messages)
        fired = _fire(engine, messages, rule_ids)
        for message, ids in zip(messages, fired, strict=True):
            fired_anywhere.update(ids)
            reference = tuple(i for i in fired_ids(rules, message) if i in rule_ids)
            if reference != ids:
                findings.append(
                    Finding(
                        "engine",
                        f"durable_rules fired {list(ids)}, "
                        f"the reference evaluator {list(reference)}",
                        tuple(sorted(set(ids) ^ set(reference))),
                        readable(message, group_reads(members)),
                    )
                )
        findings += _penalty_findings(rules, members, messages, fired)
        findings += _monotonicity_findings(rules, members, messages, fired)
    for rule in rules.rules:
        if rule.id not in fired_anywhere:
            where = f"{rule.provision.file}:{rule.line}"
            findings.append(
                Finding("unreachable", f"no fact fires this rule ({where})", (rule.id,))
            )
    if run_rule_examples:
        for result in run_examples(Decider(rules)):
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
                Finding("pending", f"{provision.file}: {provision.review_note.strip()}")
            )
    return Report(tuple(findings), walked, len(rules.rules), time.perf_counter() - started)


def _fire(
    engine: Engine, messages: list[dict[str, Any]], members: frozenset[str]
) -> list[tuple[str, ...]]:
    fired: list[tuple[str, ...]] = []
    for start in range(0, len(messages), 512):
        for ids in engine.evaluate(messages[start : start + 512]):
            fired.append(tuple(i for i in ids if i in members))
    return fired


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
    members: Sequence[Rule],
    messages: Sequence[Mapping[str, Any]],
    fired: Sequence[tuple[str, ...]],
) -> list[Finding]:
    if not any(rule.then.decides_penalty for rule in members):
        return []
    spans = _law_spans(rules)
    findings: list[Finding] = []
    reported: set[tuple[str, ...]] = set()
    for message, ids in zip(messages, fired, strict=True):
        deciding = [i for i in ids if rules.rule(i).then.decides_penalty]
        kind = message["kind"]
        day = dt.date.fromordinal(int(message[WINDOW_FIELD]))
        in_span = any(
            spans[law][0] <= day and (spans[law][1] is None or day < spans[law][1])  # type: ignore[operator]
            for law in {rule.provision.law for rule in rules.penalty_rules(kind)}
        )
        if not deciding and in_span:
            key: tuple[str, ...] = ("gap", kind, str(day.year))
            if key not in reported:
                reported.add(key)
                findings.append(
                    Finding(
                        "gap",
                        f"no penalty rule decides kind '{kind}' here",
                        (),
                        readable(message, group_reads(members)),
                    )
                )
        if len(deciding) > 1:
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
                        readable(message, group_reads(members)),
                    )
                )
    return findings


def _outcome_signature(rule: Rule) -> tuple[Any, ...]:
    then = rule.then
    return (
        then.no_provision,
        tuple(sorted(then.penalties or ())),
        tuple(sorted(map(str, then.fines))),
    )


def _weight(rule: Rule, message: Mapping[str, Any]) -> tuple[int, float, float]:
    """The rule's penalty weight for this fact (fines by income in yuan), as `severity` defines."""
    income = message.get("illegal_income_fen", 0) / 100
    return weight(rule.then.penalties or (), (f.for_income(income) for f in rule.then.fines))


def _monotonicity_findings(
    rules: RuleSet,
    members: Sequence[Rule],
    messages: Sequence[Mapping[str, Any]],
    fired: Sequence[tuple[str, ...]],
) -> list[Finding]:
    index = {_freeze(message): ids for message, ids in zip(messages, fired, strict=True)}
    findings: list[Finding] = []
    reported: set[tuple[str, ...]] = set()
    for message, ids in zip(messages, fired, strict=True):
        for field, order in MORE_SERIOUS.items():
            if field not in message or message[field] not in order:
                continue
            position = order.index(message[field])
            for worse in order[position + 1 :]:
                variant = {**message, field: worse}
                worse_ids = index.get(_freeze(variant))
                if worse_ids is None:
                    continue
                problem = _compare(rules, message, ids, variant, worse_ids)
                if problem and (field, *ids, *worse_ids) not in reported:
                    reported.add((field, *ids, *worse_ids))
                    findings.append(
                        Finding(
                            "monotonicity",
                            f"{field} {message[field]!r} → {worse!r}: {problem}",
                            tuple(dict.fromkeys((*ids, *worse_ids))),
                            readable(message, group_reads(members)),
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


def _freeze(message: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(message.items()))


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
        fixed = tuple(f for f in rule.then.fines if f.income_multiple is None)
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
            key = (p.law, p.version, p.article, item, stage)
            other = stages.setdefault(key, rule)
            if other is not rule and _fine_set(other) != _fine_set(rule):
                findings.append(
                    Finding(
                        "range",
                        f"{p.law}@{p.version} art. {p.article} item {item}: same stage, "
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
