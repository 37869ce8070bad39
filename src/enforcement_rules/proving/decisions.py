"""Properties of whole decisions over the walked fact space, across every version transition.

The engine walk (`verify`) proves what fires; these properties are about what the `Decider` makes
of it once 从旧兼从轻, precedence, adjustments and procedure have run. Every walked class is decided
as it occurred and, again, with the decision dated on each later day some instrument changes
(a version, a procedure text, large-fine amounts, a successor), so every transition a real case
can cross is decided once. For each decision:

- window: every citation is of an instrument version in force on a date of the fact, every fired
  rule that the decision applies was in force on the date it applies by (the occurrence or, for
  the version chosen at the decision, the decision date; the discovery for on-site measures), and
  a referral never names an instrument on or after the day its successor took effect;
- lighter_law: per party (unit, principal, responsible persons, investor) the version applied is
  never heavier than the version at occurrence, and adds no party, category or heavier range;
- basis: an empty penalty list always says why (`penalty_basis` other than `decided`, or an
  adjustment that removes the penalty), a referral names its instrument and `not_competent` its
  authority and the legal basis of the transfer (a citation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from ..contract.citation import Citation
from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError, FactError, FactErrors
from ..contract.vocabulary import PenaltyAdjustment, PenaltyBasis
from ..deciding.decider import Decider
from ..deciding.severity import PARTIES, party_weight
from ..rulebook.model import RuleSet, in_force
from .space import canonical_text, readable, subspaces

Window = tuple[dt.date, dt.date | None]
_DATES = ("occurred_on", "discovered_on", "decided_on")
_NO_PENALTY = (PenaltyAdjustment.EXEMPT, PenaltyAdjustment.TIME_BARRED)


def transition_days(rules: RuleSet) -> tuple[dt.date, ...]:
    """Every day on which some encoded instrument, procedure text or amount changes."""
    days: set[dt.date] = set()
    for provision in rules.provisions:
        days.add(provision.in_force_from)
        if provision.in_force_until is not None:
            days.add(provision.in_force_until)
    for version in rules.procedure:
        days.add(version.in_force_from)
    for amounts in (*rules.large_fine_amounts, *rules.province_amounts):
        days.add(amounts.in_force_from)
    days.update(law.successor.on for law in rules.laws.values() if law.successor is not None)
    return tuple(sorted(days))


def transition_facts(rules: RuleSet, max_classes: int) -> Iterator[list[dict[str, Any]]]:
    """Each walked class as it occurred (one list per class, the fact as walked first) and, for
    the classes of components that decide a penalty, decided again on every later transition
    day (on-site measures follow the discovery, which a later decision day does not move)."""
    days = transition_days(rules)
    seen: set[str] = set()
    for space in subspaces(rules):
        if space.size > max_classes or space.derivations_only:
            continue
        penalty = any(rule.then.decides_penalty for rule in space.members)
        reads = space.reads
        for message in space.messages():
            if not space.realizable(message):
                continue
            fact = readable(message, reads)
            variants = [fact]
            if penalty:
                discovered = dt.date.fromisoformat(fact["discovered_on"])
                variants += [{**fact, "decided_on": d.isoformat()} for d in days if d > discovered]
            fresh = []
            for variant in variants:
                text = canonical_text(variant)
                if text not in seen:
                    seen.add(text)
                    fresh.append(variant)
            if fresh:
                yield fresh


def citation_windows(rules: RuleSet) -> dict[tuple[str, str], list[Window]]:
    """(law, version) → the windows in which a citation of it may stand."""
    windows: dict[tuple[str, str], list[Window]] = {}

    def add(citation: Citation | None, window: Window) -> None:
        if citation is not None:
            windows.setdefault((citation.law, citation.version), []).append(window)

    for provision in rules.provisions:
        key = (provision.law, provision.version)
        windows.setdefault(key, []).append((provision.in_force_from, provision.in_force_until))
    for version in rules.procedure:
        span = (version.in_force_from, version.in_force_until)
        for citation in (
            version.summary_citation,
            version.hearing_citation,
            version.concurrence_citation,
            version.later_law_citation,
        ):
            add(citation, span)
    for amounts in (*rules.large_fine_amounts, *rules.province_amounts):
        add(amounts.citation, (amounts.in_force_from, amounts.in_force_until))
    return windows


def problems(
    rules: RuleSet,
    decision: Decision,
    fact: Mapping[str, Any],
    windows: Mapping[tuple[str, str], list[Window]],
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(category, description, rule ids) for each property the decision breaks."""
    found: list[tuple[str, str, tuple[str, ...]]] = []
    dates = {name: dt.date.fromisoformat(fact[name]) for name in _DATES}
    for citation in decision.legal_basis:
        spans = windows.get((citation.law, citation.version), [])
        if not any(in_force(day, *span) for span in spans for day in dates.values()):
            found.append(("window", f"cites {citation.label} outside its window", ()))
    for step in decision.trace:
        if step.not_applied is not None:
            continue
        provision = rules.rule(step.rule_id).provision
        by = provision.applies_by
        allowed = ("occurred_on", "decided_on") if by == "occurred_on" else (by,)
        if not any(
            in_force(dates[name], provision.in_force_from, provision.in_force_until)
            for name in allowed
        ):
            found.append(("window", f"applies {step.rule_id} outside its window", (step.rule_id,)))
    referred = rules.laws.get(decision.referred_to or "")
    successor = referred.successor if referred is not None else None
    if successor is not None and dates["occurred_on"] >= successor.on:
        found.append(
            (
                "window",
                f"refers to {decision.referred_to}, succeeded by {successor.law} on "
                f"{successor.on.isoformat()}",
                tuple(decision.rules_fired),
            )
        )
    found += _lighter_law(decision)
    found += _basis(decision)
    return found


def _lighter_law(decision: Decision) -> list[tuple[str, str, tuple[str, ...]]]:
    if len(decision.candidates) < 2:
        return []
    at_occurrence = decision.candidates[0].decision
    found = []
    for party in PARTIES:
        applied = next((c for c in decision.candidates if party in c.parties), None)
        if applied is None:
            continue
        if party_weight(applied.decision, party) > party_weight(at_occurrence, party):
            found.append(
                (
                    "lighter_law",
                    f"{party.value}: the version applied ({applied.law_version}) is heavier "
                    f"than the version at occurrence ({at_occurrence.law_version})",
                    tuple(applied.decision.rules_fired),
                )
            )
        ours = sorted(map(str, (f for f in decision.fines if f.target is party)))
        theirs = sorted(map(str, (f for f in applied.decision.fines if f.target is party)))
        if ours != theirs:
            found.append(
                (
                    "lighter_law",
                    f"{party.value}: the decision's fines are not those of the version applied "
                    f"({applied.law_version})",
                    tuple(decision.rules_fired),
                )
            )
    return found


def _basis(decision: Decision) -> list[tuple[str, str, tuple[str, ...]]]:
    ids = tuple(decision.rules_fired)
    basis = decision.penalty_basis
    if basis is PenaltyBasis.REFERRED and decision.referred_to is None:
        return [("basis", "a referral that names no instrument (referred_to)", ids)]
    if basis is PenaltyBasis.NOT_COMPETENT and decision.competent_authority is None:
        return [("basis", "another authority decides, but none is named", ids)]
    if basis is PenaltyBasis.NOT_COMPETENT:
        giving = {
            step.law_version.split("@")[0]
            for step in decision.trace
            if step.decides == "penalty" and step.not_applied is None
        }
        if not giving or not giving <= {citation.law for citation in decision.legal_basis}:
            return [
                (
                    "basis",
                    "another authority decides, but the provision that gives it the finding is "
                    "not cited",
                    ids,
                )
            ]
    if decision.penalties or decision.penalty_adjustment in _NO_PENALTY:
        return []
    if basis is PenaltyBasis.DECIDED:
        return [("basis", "an empty penalty list whose penalty_basis is 'decided'", ids)]
    return []


def decision_findings(
    rules: RuleSet, decider: Decider, max_classes: int
) -> Iterator[tuple[str, str, tuple[str, ...], dict[str, Any]]]:
    """Each broken property once per (category, description), with the first fact showing it.

    A class the rule set cannot decide as walked (a gap, a conflict, a day no version covers) is
    the engine walk's finding; one it decides as walked but not on a later decision day is a
    `gap` here."""
    windows = citation_windows(rules)
    reported: set[tuple[str, str]] = set()

    def once(
        category: str, text: str, ids: tuple[str, ...], fact: dict[str, Any]
    ) -> Iterator[tuple[str, str, tuple[str, ...], dict[str, Any]]]:
        if (category, text) not in reported:
            reported.add((category, text))
            yield category, text, ids, fact

    for chunk in _chunks(transition_facts(rules, max_classes), _CHUNK):
        for variants, decisions in zip(chunk, _decide_all(decider, chunk), strict=True):
            for position, (fact, decision) in enumerate(zip(variants, decisions, strict=True)):
                if isinstance(decision, EnforcementRulesError):
                    if position == 0:
                        break
                    if isinstance(decision, FactError | FactErrors):
                        continue  # a fact the later law refuses (a stated grade it contradicts)
                    text = (
                        "decided on a later day, the fact is not decided: "
                        f"{type(decision).__name__}"
                    )
                    yield from once("gap", text, (), fact)
                    continue
                for category, text, ids in problems(rules, decision, fact, windows):
                    yield from once(category, text, ids, fact)


_CHUNK = 256  # classes decided together: one engine session per shard for all their variants


def _chunks(
    items: Iterator[list[dict[str, Any]]], size: int
) -> Iterator[list[list[dict[str, Any]]]]:
    chunk: list[list[dict[str, Any]]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _decide_all(
    decider: Decider, chunk: list[list[dict[str, Any]]]
) -> list[list[Decision | EnforcementRulesError]]:
    """Every variant decided in one batch, each failure in its own fact's place."""
    facts = [fact for variants in chunk for fact in variants]
    flat = decider.decide_many(facts, errors="collect")
    out: list[list[Decision | EnforcementRulesError]] = []
    start = 0
    for variants in chunk:
        out.append(flat[start : start + len(variants)])
        start += len(variants)
    return out
