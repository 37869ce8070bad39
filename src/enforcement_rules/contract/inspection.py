"""One inspection, several findings against one unit: its input and its combined decision.

`Inspection` is the input (VOCABULARY: docs/vocabulary.md, "Inspections"): the findings (each the
facts of one violation) and the groups of findings that are one act breaking several provisions
(`same_act`). `InspectionDecision` is the output: each finding's own decision, the acts, the
bureau's combined decision (measures, fines per target added up, procedure and hearing on the
combined amounts) and the findings other authorities decide, listed apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from .citation import Citation
from .decision import Decision, Provenance
from .errors import FactError, FactErrors, excerpt
from .facts import Kinds, Violation
from .fines import FineRange, json_amount
from .lines import json_line
from .vocabulary import Authority, FineTarget, Hearing, Measure, Penalty, Procedure

#: At most this many findings in one inspection (far above any real one; keeps a request small).
MAX_FINDINGS = 200
_KEYS = ("findings", "same_act", "ref")
_REF_LENGTH = 200


@attrs.frozen
class Inspection:
    """The findings of one inspection of one unit, decided on one day.

    `same_act` lists groups of finding positions (0-based) that are one act breaking several
    provisions: such a group is fined once (see `rules/inspections/combining.yaml`).
    """

    findings: tuple[Violation, ...]
    same_act: tuple[tuple[int, ...], ...] = ()
    ref: str | None = None

    @property
    def decided_on(self) -> dt.date:
        return self.findings[0].decided_on

    @classmethod
    def from_dict(
        cls, data: Any, *, kinds: Kinds | None = None, today: dt.date | None = None
    ) -> Inspection:
        """Validate an inspection object; a bad finding's error names it (`findings[2].kind`).

        Raises `FactError` / `FactErrors` naming every bad field."""
        if not isinstance(data, Mapping):
            raise FactError("<inspection>", f"{type(data).__name__} is not a JSON object")
        unknown = [key for key in data if key not in _KEYS]
        if unknown:
            raise FactError(
                f"<inspection>.{unknown[0]}",
                f"{excerpt(unknown[0])} is not a key of an inspection",
                _KEYS,
            )
        raw = data.get("findings")
        if not isinstance(raw, list) or not raw:
            raise FactError("findings", f"{excerpt(raw)} is not a non-empty list of facts")
        if len(raw) > MAX_FINDINGS:
            raise FactError(
                "findings", f"{len(raw)} findings", f"at most {MAX_FINDINGS} in one inspection"
            )
        errors: list[FactError] = []
        findings: list[Violation] = []
        for index, item in enumerate(raw):
            try:
                findings.append(Violation.from_dict(item, kinds=kinds, today=today))
            except FactErrors as error:
                errors += [_within(index, inner) for inner in error.errors]
            except FactError as error:
                errors.append(_within(index, error))
        if not errors:
            day = findings[0].decided_on
            for index, finding in enumerate(findings[1:], start=1):
                if finding.decided_on != day:
                    errors.append(
                        FactError(
                            f"findings[{index}].decided_on",
                            f"{finding.decided_on} differs from findings[0]'s {day}",
                            "one decision date for every finding of an inspection (one decision)",
                        )
                    )
        groups = _groups(data.get("same_act", []), len(raw), errors)
        ref = data.get("ref")
        if ref is not None and (
            not isinstance(ref, str) or len(ref) > _REF_LENGTH or not ref.isprintable()
        ):
            errors.append(
                FactError("ref", f"{excerpt(ref)} is not a reference", "printable text, or null")
            )
        if errors:
            raise errors[0] if len(errors) == 1 else FactErrors(errors)
        return cls(tuple(findings), groups, ref)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [finding.to_dict() for finding in self.findings],
            "same_act": [list(group) for group in self.same_act],
            "ref": self.ref,
        }


def _within(index: int, error: FactError) -> FactError:
    return FactError(
        f"findings[{index}].{error.field}", error.problem, error.allowed_values, error.suggestion
    )


def _groups(raw: Any, count: int, errors: list[FactError]) -> tuple[tuple[int, ...], ...]:
    allowed = f"lists of two or more finding positions from 0 to {count - 1}, each used once"
    if not isinstance(raw, list):
        errors.append(FactError("same_act", f"{excerpt(raw)} is not a list", allowed))
        return ()
    seen: set[int] = set()
    groups: list[tuple[int, ...]] = []
    for number, group in enumerate(raw):
        field = f"same_act[{number}]"
        if (
            not isinstance(group, list)
            or len(group) < 2
            or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < count for i in group
            )
        ):
            errors.append(FactError(field, f"{excerpt(group)} is not a group of findings", allowed))
            continue
        if len(set(group)) != len(group) or seen & set(group):
            errors.append(FactError(field, "a finding is listed twice", allowed))
            continue
        seen.update(group)
        groups.append(tuple(sorted(group)))
    return tuple(groups)


@attrs.frozen
class Band:
    """A suggested band for one fine target, added up over the acts (yuan, both ends included)."""

    target: FineTarget
    min_yuan: float
    max_yuan: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.value,
            "min_yuan": json_amount(self.min_yuan),
            "max_yuan": json_amount(self.max_yuan),
        }


@attrs.frozen(kw_only=True)
class CombinedDecision:
    """The bureau's own decision for the inspection: the findings it decides, combined."""

    findings: tuple[int, ...]
    measures: tuple[Measure, ...]
    penalties: tuple[Penalty, ...]
    fines: tuple[FineRange, ...]
    suggested: tuple[Band, ...]
    procedure: Procedure | None
    summary_thresholds_yuan: Mapping[str, float] | None
    hearing: Hearing
    hearing_thresholds_yuan: Mapping[str, float] | None
    legal_basis: tuple[Citation, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": list(self.findings),
            "measures": [measure.value for measure in self.measures],
            "penalties": [penalty.value for penalty in self.penalties],
            "fines": [fine.to_dict() for fine in self.fines],
            "suggested": [band.to_dict() for band in self.suggested],
            "procedure": None if self.procedure is None else self.procedure.value,
            "summary_thresholds_yuan": _amounts(self.summary_thresholds_yuan),
            "hearing": self.hearing.value,
            "hearing_thresholds_yuan": _amounts(self.hearing_thresholds_yuan),
            "legal_basis": [citation.to_dict() for citation in self.legal_basis],
            "notes": list(self.notes),
        }


@attrs.frozen(kw_only=True)
class Transfer:
    """Findings another authority decides (移送): listed apart, never added to the bureau's."""

    competent_authority: Authority
    findings: tuple[int, ...]
    legal_basis: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "competent_authority": self.competent_authority.value,
            "findings": list(self.findings),
            "legal_basis": [citation.to_dict() for citation in self.legal_basis],
        }


@attrs.frozen(kw_only=True)
class InspectionDecision:
    """An inspection decided: each finding on its own, the acts, the bureau's combined decision
    (null if another authority decides every finding) and the other authorities' findings."""

    findings: tuple[Decision, ...]
    acts: tuple[tuple[int, ...], ...]
    combined: CombinedDecision | None
    other_authorities: tuple[Transfer, ...]
    provenance: Provenance | None = None
    ref: str | None = None

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        return {
            "findings": [decision.to_dict(trace=trace) for decision in self.findings],
            "acts": [list(act) for act in self.acts],
            "combined": None if self.combined is None else self.combined.to_dict(),
            "other_authorities": [transfer.to_dict() for transfer in self.other_authorities],
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "ref": self.ref,
        }

    def to_json(self, *, trace: bool = False) -> str:
        return json_line(self.to_dict(trace=trace))


def _amounts(amounts: Mapping[str, float] | None) -> dict[str, int | float] | None:
    if amounts is None:
        return None
    return {key: json_amount(value) for key, value in amounts.items()}
