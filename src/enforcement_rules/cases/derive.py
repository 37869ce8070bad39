"""Derive a case's decisions from its events: escalation, resumption, daily fine, closure.

The law comes from two places only: the catalogue (`Decider`, re-deciding the finding's facts
with `overdue: true` for the escalation stage) and `case_law.yaml` (thresholds and citations).
The correlation of events is done by durable_rules (`CaseEngine`); this module turns firings
into dated, cited decisions. Deadlines are data: due dates are compared with event dates and
the as-of date, never with the clock, so a replayed log derives the same decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..contract.citation import Citation
from ..contract.decision import Decision
from ..contract.fines import json_amount, yuan
from ..contract.vocabulary import FineTarget, Hazard, Measure, Penalty
from ..deciding.decider import Decider
from ..deciding.engine import CaseEngine, ClosureSpec, Firing, case_ruleset
from .events import AppealOutcome, Event, EventError, EventType
from .law import CaseLaw, CaseProvision, Threshold
from .store import StoredEvent

_SUSPENSIONS = (Penalty.SUSPENSION, Penalty.SUSPENSION_FOR_RECTIFICATION)
_DAY = dt.timedelta(days=1)


@attrs.frozen
class Derived:
    """One decision derived after an event: what, in both languages, on which legal basis."""

    code: str  # penalty, reminder, complied, daily_fine, resumption, closure_proposal
    on: dt.date
    zh: str
    en: str
    citations: tuple[Citation, ...]
    details: Mapping[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "on": self.on.isoformat(),
            "zh": self.zh,
            "en": self.en,
            "citations": [c.to_dict() | {"label": c.label} for c in self.citations],
            "details": dict(self.details),
        }


@attrs.frozen
class DailyFine:
    """Art. 112 accrual: the original fine for each day from `start` through `through`."""

    amount_yuan: float
    start: dt.date
    through: dt.date
    ongoing: bool  # no compliance yet: accrual continues after the as-of date

    @property
    def days(self) -> int:
        return max(0, (self.through - self.start).days + 1)

    @property
    def total_yuan(self) -> float:
        return self.amount_yuan * self.days

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount_yuan": json_amount(self.amount_yuan),
            "from": self.start.isoformat(),
            "through": self.through.isoformat(),
            "days": self.days,
            "total_yuan": json_amount(self.total_yuan),
            "ongoing": self.ongoing,
        }


@attrs.frozen
class PenaltyRecord:
    """A penalty imposed in a case, as Art. 113 counts it (major hazard, not quashed)."""

    case_id: str
    seq: int
    on: dt.date
    counts: bool


@attrs.frozen
class LocalCase:
    """What one case's own events derive (before the unit-wide closure check)."""

    case_id: str
    unit: str
    as_of: dt.date
    events: tuple[StoredEvent, ...]
    derived: Mapping[int, tuple[Derived, ...]]  # seq → decisions derived after that event
    penalties: tuple[PenaltyRecord, ...]
    open_orders: tuple[tuple[int, dt.date], ...]  # (seq, due) not complied by as_of
    resumption_allowed: bool | None  # None: nothing suspended
    daily_fine: DailyFine | None


def closure_specs(law: CaseLaw) -> list[ClosureSpec]:
    """Each Art. 113 threshold of each version as a correlation rule of the unit session."""
    specs = []
    for v, version in enumerate(law["closure"].versions):
        for t, threshold in enumerate(version.thresholds):
            specs.append(
                ClosureSpec(
                    name=f"closure-{v}-{t}",
                    count=threshold.count,
                    end_field=f"end_{v}_{t}",
                    start=version.in_force_from.toordinal(),
                    until=None
                    if version.in_force_until is None
                    else version.in_force_until.toordinal(),
                )
            )
    return specs


class CaseDeriver:
    """Derives case timelines under one rule set (`Decider`) and one case law."""

    def __init__(self, decider: Decider, law: CaseLaw):
        self.decider = decider
        self.law = law
        self._specs = closure_specs(law)
        self.engine = CaseEngine(case_ruleset(self._specs))

    def check_finding(self, event: Event) -> Decision:
        """Decide a finding before it is stored: its kind must be covered, its fine lawful."""
        assert event.facts is not None
        decision = self.decider.decide(event.facts)
        if event.fine_yuan is not None:
            unit = [f for f in decision.fines if f.target is FineTarget.UNIT]
            if not unit:
                raise EventError("fine_yuan", "the decision allows no fine on the unit")
            if not unit[0].min_yuan <= event.fine_yuan <= unit[0].max_yuan:
                allowed = f"{yuan(unit[0].min_yuan)} to {yuan(unit[0].max_yuan)} yuan"
                raise EventError("fine_yuan", f"{yuan(event.fine_yuan)} is out of range", allowed)
        return decision

    def local(self, case_id: str, log: Sequence[StoredEvent], as_of: dt.date) -> LocalCase:
        """Correlate one case's events dated on or before `as_of`."""
        stored = tuple(s for s in log if s.event.on <= as_of)
        finding = stored[0].event
        assert finding.facts is not None and finding.unit is not None
        first = self.decider.decide(finding.facts)
        violation = self.decider.violation(finding.facts)
        major = violation.hazard is Hazard.MAJOR
        fined = bool(finding.fine_yuan) and Penalty.FINE in first.penalties
        suspends = major and (
            Measure.SUSPEND_TEMPORARILY in first.measures
            or any(p in first.penalties for p in _SUSPENSIONS)
        )
        by_seq = {s.seq: s.event for s in stored}
        firings = self.engine.correlate(
            f"case:{case_id}", [_fact(s, suspends=suspends) for s in stored]
        )
        out: dict[int, list[Derived]] = {s.seq: [] for s in stored}
        penalties: list[PenaltyRecord] = []
        quashed: list[dt.date] = []  # a quashed appeal: earlier penalties no longer count

        def penalty(seq: int, stage: str, decision: Decision, zh: str, en: str) -> None:
            on = by_seq[seq].on
            details: dict[str, Any] = {"stage": stage, "decision": decision.to_dict()}
            if stage == "first_finding" and finding.fine_yuan is not None:
                details["fine_yuan"] = finding.fine_yuan
            names_zh = "、".join(p.zh for p in decision.penalties) or "不予处罚种类"
            names_en = ", ".join(p.en for p in decision.penalties) or "no penalty category"
            out[seq].append(
                Derived(
                    "penalty",
                    on,
                    f"{zh}：{names_zh}",
                    f"{en}: {names_en}",
                    decision.legal_basis,
                    details,
                )
            )
            if decision.penalties:
                penalties.append(PenaltyRecord(case_id, seq, on, major))

        penalty(stored[0].seq, "first_finding", first, "首次发现", "first finding")
        if suspends:
            self._resumption(out, stored[0].seq, finding.on, allowed=False)

        bound = _bindings(firings)
        for (a,) in bound.get("appeal-quashed", []):
            quashed.append(by_seq[a].on)
        complied: dict[int, int] = {}
        for o, r in bound.get("order-complied", []):
            complied[o] = min(r, complied.get(o, r))
        open_orders = []
        for (o,) in bound.get("order", []):
            order = by_seq[o]
            assert order.due is not None
            cites = self._cite(self.law["correction_order"], order.on)
            if cites:
                out[o].append(
                    Derived(
                        "reminder",
                        order.on,
                        f"责令限期改正，期限至 {order.due}",
                        f"ordered to correct by {order.due}",
                        cites,
                        {"due": order.due.isoformat()},
                    )
                )
                if o in complied:
                    r = complied[o]
                    out[r].append(
                        Derived(
                            "complied",
                            by_seq[r].on,
                            f"复查：已按第 {o} 号责令改正完成整改",
                            f"re-inspection: order #{o} complied with",
                            cites,
                            {"order": o},
                        )
                    )
            if o not in complied:
                open_orders.append((o, order.due))

        daily: DailyFine | None = None
        overdue: dict[int, int] = {}
        for o, r in bound.get("order-overdue", []):
            if r < complied.get(o, r + 1):
                overdue[o] = min(r, overdue.get(o, r))
        for o, r in sorted(overdue.items(), key=lambda pair: pair[1]):
            when = by_seq[r].on
            facts = {
                **finding.facts,
                "overdue": True,
                "fined_and_refuses": fined,
                "decided_on": max(when, violation.decided_on).isoformat(),
            }
            escalated = self.decider.decide(facts)
            penalty(r, "overdue", escalated, "逾期未改正", "not corrected by the deadline")
            if daily is None and escalated.daily_fine and finding.fine_yuan:
                daily = self._daily_fine(out, r, by_seq, o, complied.get(o), finding, as_of)
        for _, v in bound.get("review", []):
            review = by_seq[v]
            self._resumption(out, v, review.on, allowed=bool(review.approved))
        approvals = [v for _, v in bound.get("review", []) if by_seq[v].approved]
        return LocalCase(
            case_id=case_id,
            unit=finding.unit,
            as_of=as_of,
            events=stored,
            derived={seq: tuple(items) for seq, items in out.items()},
            penalties=tuple(
                attrs.evolve(p, counts=p.counts and not any(q >= p.on for q in quashed))
                for p in penalties
            ),
            open_orders=tuple(open_orders),
            resumption_allowed=None if not suspends else bool(approvals),
            daily_fine=daily,
        )

    def _cite(self, provision: CaseProvision, day: dt.date) -> tuple[Citation, ...]:
        version = provision.on(day)
        return () if version is None else (version.citation,)

    def _resumption(
        self, out: dict[int, list[Derived]], seq: int, day: dt.date, *, allowed: bool
    ) -> None:
        cites = self._cite(self.law["resumption"], day)
        if not cites:
            return
        if allowed:
            zh, en = "审查同意：可以恢复生产经营和使用", "review approved: resumption allowed"
        else:
            zh = "重大事故隐患排除并经审查同意前，不得恢复生产经营和使用"
            en = "no resumption before the major hazard's removal is reviewed and approved"
        out[seq].append(Derived("resumption", day, zh, en, cites, {"allowed": allowed}))

    def _daily_fine(
        self,
        out: dict[int, list[Derived]],
        seq: int,
        by_seq: Mapping[int, Event],
        order_seq: int,
        complied_seq: int | None,
        finding: Event,
        as_of: dt.date,
    ) -> DailyFine | None:
        """Art. 112: from the day after the order, to the day before compliance or as-of."""
        refused_on = by_seq[seq].on
        cites = self._cite(self.law["daily_fine"], refused_on)
        if not cites or not finding.fine_yuan:
            return None
        end = as_of if complied_seq is None else by_seq[complied_seq].on - _DAY
        accrual = DailyFine(
            finding.fine_yuan, by_seq[order_seq].on + _DAY, end, complied_seq is None
        )
        out[seq].append(
            Derived(
                "daily_fine",
                refused_on,
                f"按日连续处罚：自 {accrual.start} 起每日 {yuan(accrual.amount_yuan)} 元，"
                f"至 {accrual.through} 共 {accrual.days:,} 日，计 {yuan(accrual.total_yuan)} 元",
                f"daily fine: {yuan(accrual.amount_yuan)} yuan a day from {accrual.start}; "
                f"{accrual.days:,} days through {accrual.through}, {yuan(accrual.total_yuan)} yuan",
                cites,
                accrual.to_dict(),
            )
        )
        return accrual

    def closures(self, unit: str, cases: Sequence[LocalCase]) -> dict[tuple[str, int], Derived]:
        """Art. 113 across a unit's cases: the penalty that completes a threshold, and why."""
        counted = sorted(
            (p for case in cases for p in case.penalties if p.counts),
            key=lambda p: (p.on, p.case_id, p.seq),
        )
        facts = []
        for ix, record in enumerate(counted):
            fact: dict[str, Any] = {"t": "penalty", "ix": ix, "day": record.on.toordinal()}
            for spec, threshold in zip(self._specs, self._thresholds(), strict=True):
                fact[spec.end_field] = threshold.end(record.on).toordinal()
            facts.append(fact)
        met: dict[int, dict[str, tuple[int, ...]]] = {}
        for name, chain in self.engine.correlate(f"unit:{unit}", facts):
            ixs = tuple(ix for _, ix in chain)
            met.setdefault(ixs[-1], {}).setdefault(name, ixs)
        found: dict[tuple[str, int], Derived] = {}
        for last, rules in sorted(met.items()):
            record = counted[last]
            version = self.law["closure"].on(record.on)
            if version is None:
                continue
            labels = [self._threshold(name).label for name in sorted(rules)]
            chains = [rules[name] for name in sorted(rules)]
            found[(record.case_id, record.seq)] = Derived(
                "closure_proposal",
                record.on,
                "存在重大事故隐患受到行政处罚达到法定次数：应当提请地方人民政府予以关闭",
                "penalised for major accident hazards as often as the law allows: propose "
                "closure to the local people's government",
                (version.citation,),
                {
                    "thresholds": labels,
                    "penalties": [
                        {
                            "case_id": counted[ix].case_id,
                            "seq": counted[ix].seq,
                            "on": counted[ix].on.isoformat(),
                        }
                        for ix in sorted({ix for chain in chains for ix in chain})
                    ],
                },
            )
        return found

    def _thresholds(self) -> list[Threshold]:
        return [t for v in self.law["closure"].versions for t in v.thresholds]

    def _threshold(self, name: str) -> Threshold:
        _, v, t = name.split("-")
        return self.law["closure"].versions[int(v)].thresholds[int(t)]


def _fact(stored: StoredEvent, *, suspends: bool) -> dict[str, Any]:
    """An event as the case rules see it: day ordinals, flags, the sequence number as `ix`."""
    event = stored.event
    fact: dict[str, Any] = {"t": event.type.value, "ix": stored.seq, "day": event.on.toordinal()}
    if event.type is EventType.FINDING:
        fact["suspends"] = suspends
    elif event.due is not None:
        fact["due"] = event.due.toordinal()
    elif event.complied is not None:
        fact["complied"] = event.complied
    elif event.approved is not None:
        fact["approved"] = event.approved
    elif event.outcome is not None:
        fact["quashed"] = event.outcome is AppealOutcome.QUASHED
    return fact


def _bindings(firings: Sequence[Firing]) -> dict[str, list[tuple[int, ...]]]:
    by_rule: dict[str, list[tuple[int, ...]]] = {}
    for name, bound in firings:
        by_rule.setdefault(name, []).append(tuple(ix for _, ix in bound))
    return by_rule
