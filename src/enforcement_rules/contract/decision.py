"""`Decision`: the library's output, mirroring the JSON form of VOCABULARY.md."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
from cattrs.errors import BaseValidationError

from .citation import Citation
from .codec import CONVERTER, field_errors
from .errors import FactErrors
from .facts import Violation
from .fines import FineRange, json_amount
from .lines import json_line
from .vocabulary import (
    AccidentGrade,
    Authority,
    FineTarget,
    Hearing,
    Measure,
    Penalty,
    PenaltyAdjustment,
    PenaltyBasis,
    Procedure,
    Section,
)


@attrs.frozen
class FiredRule:
    """One step of the trace: a rule that fired, where it is written and what it cites."""

    rule_id: str
    title: str
    decides: str  # "measures", "penalty" or "derives" (a derived fact: the accident grade)
    law_version: str
    file: str
    line: int
    citations: tuple[str, ...]
    #: A penalty rule that fired but lost to another instrument's (法条竞合), and why.
    not_applied: str | None = None
    #: A penalty rule that lost to a higher instrument's but fines the parties it does not.
    fills: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False) | {
            "citations": list(self.citations),
            "fills": list(self.fills),
        }


@attrs.frozen
class Candidate:
    """A law version considered for the penalty (从旧兼从轻): its decision, and the parties
    (unit, principal, …) it applied to; none if the other version applied to all of them."""

    decision: Decision
    parties: tuple[FineTarget, ...]
    reason: str

    @property
    def law_version(self) -> str:
        return self.decision.law_version

    @property
    def applied(self) -> bool:
        return bool(self.parties)

    def to_dict(self) -> dict[str, Any]:
        return {
            "law_version": self.law_version,
            "penalties": [penalty.value for penalty in self.decision.penalties],
            "fines": [fine.to_dict() for fine in self.decision.fines],
            "rules_fired": list(self.decision.rules_fired),
            "applied_to": [party.value for party in self.parties],
            "reason": self.reason,
        }


@attrs.frozen
class Suggestion:
    """The band a discretion benchmark (裁量基准) gives one fine target inside its statutory
    range: which benchmark, row and tier, and that row's source and review status."""

    target: FineTarget
    min_yuan: float
    max_yuan: float
    #: The law version of the fine it narrows (a party's version, as in `fines`).
    law_version: str
    benchmark: str
    benchmark_zh: str
    row: str
    row_number: str
    tier: int
    tier_zh: str
    source: str
    review: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False) | {
            "target": self.target.value,
            "min_yuan": json_amount(self.min_yuan),
            "max_yuan": json_amount(self.max_yuan),
        }


@attrs.frozen
class Provenance:
    """What produced a decision: the library, the rule set's content, and the fired rules whose
    legal review is still pending (empty: every fired rule is verified)."""

    library_version: str
    rules_digest: str
    pending_rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "library_version": self.library_version,
            "rules_digest": self.rules_digest,
            "pending_rules": list(self.pending_rules),
        }


@attrs.frozen(kw_only=True)
class Decision:
    """What the law allows for one violation: measures, penalty, procedure and their basis.

    `trace` explains every fired rule and `candidates` the law versions considered; neither is
    part of the JSON contract (`to_dict(trace=True)` adds both).
    """

    measures: tuple[Measure, ...]
    penalties: tuple[Penalty, ...]
    penalty_basis: PenaltyBasis = PenaltyBasis.DECIDED
    referred_to: str | None = None
    competent_authority: Authority | None = None
    #: The accident grade the decision used (derived by rules from the figures, or stated).
    accident_grade: AccidentGrade | None = None
    fines: tuple[FineRange, ...]
    #: The bands the applied discretion benchmarks give inside `fines` (absent in JSON if none).
    suggested: tuple[Suggestion, ...] = ()
    penalty_adjustment: PenaltyAdjustment = PenaltyAdjustment.NONE
    procedure: Procedure | None
    summary_thresholds_yuan: Mapping[str, float] | None = None
    hearing: Hearing
    hearing_thresholds_yuan: Mapping[str, float] | None = None
    daily_fine: bool = False
    section: Section
    law_version: str
    legal_basis: tuple[Citation, ...]
    rules_fired: tuple[str, ...]
    notes: tuple[str, ...] = ()
    provenance: Provenance | None = None
    ref: str | None = None
    trace: tuple[FiredRule, ...] = attrs.field(default=(), eq=False, repr=False)
    candidates: tuple[Candidate, ...] = attrs.field(default=(), eq=False, repr=False)

    def to_dict(self, *, trace: bool = False, facts: Violation | None = None) -> dict[str, Any]:
        """The JSON form (VOCABULARY.md), keys in the documented order. With `trace`: every fired
        rule, the law versions considered and, given `facts`, the facts as normalised."""
        data: dict[str, Any] = {
            "measures": [measure.value for measure in self.measures],
            "penalties": [penalty.value for penalty in self.penalties],
            "penalty_basis": self.penalty_basis.value,
            "referred_to": self.referred_to,
            "competent_authority": (
                None if self.competent_authority is None else self.competent_authority.value
            ),
            "accident_grade": None if self.accident_grade is None else self.accident_grade.value,
            "fines": [fine.to_dict() for fine in self.fines],
        }
        if self.suggested:
            data["suggested"] = [suggestion.to_dict() for suggestion in self.suggested]
        data |= {
            "penalty_adjustment": self.penalty_adjustment.value,
            "procedure": None if self.procedure is None else self.procedure.value,
            "summary_thresholds_yuan": _amounts(self.summary_thresholds_yuan),
            "hearing": self.hearing.value,
            "hearing_thresholds_yuan": _amounts(self.hearing_thresholds_yuan),
            "daily_fine": self.daily_fine,
            "section": self.section.value,
            "law_version": self.law_version,
            "legal_basis": [citation.to_dict() for citation in self.legal_basis],
            "rules_fired": list(self.rules_fired),
            "notes": list(self.notes),
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "ref": self.ref,
        }
        if trace:
            if facts is not None:
                data["facts"] = facts.to_dict()
            data["trace"] = [step.to_dict() for step in self.trace]
            data["candidates"] = [candidate.to_dict() for candidate in self.candidates]
        return data

    def to_json(
        self, *, trace: bool = False, facts: Violation | None = None, indent: int | None = None
    ) -> str:
        """The JSON form as text: one JSON Lines line, or `indent`ed for people."""
        data = self.to_dict(trace=trace, facts=facts)
        if indent is None:
            return json_line(data)
        return json.dumps(data, ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Read a decision's JSON form (as other bureau software stores it)."""
        raw = {
            key: value for key, value in data.items() if key not in ("trace", "candidates", "facts")
        }
        try:
            return CONVERTER.structure(raw, cls)
        except BaseValidationError as error:
            raise FactErrors(field_errors(error)) from None


_TRACE_KEYS = ("trace", "candidates", "facts")


def _amounts(amounts: Mapping[str, float] | None) -> dict[str, int | float] | None:
    if amounts is None:
        return None
    return {
        key: int(value) if float(value).is_integer() else value for key, value in amounts.items()
    }
