"""The discretion benchmark's band for a decision (`Decision.suggested`): tier by tier fact.

After the statutory decision is made (law version per party, procedure), each fine whose
provision a benchmark row narrows gets the band of the tier the facts select:
- only benchmarks that apply (national by default, others selected) and are in force on the
  decision day (`decided_on`: a benchmark guides the bureau when it decides);
- the row must narrow the fine's own law version and the fact's kind; its stage is the fact's
  `overdue` (first finding or overdue);
- where several benchmarks narrow the same fine, the most local one prevails (a province's over
  the national one), and among equals the one applied last (a bureau's own file);
- no band where the penalty is adjusted (从轻, 减轻: the benchmark's tiers presume none), where the
  tier fact is not stated, or where no tier read covers its value: a note says which.
`fines` keep the statutory range; the band is a suggestion the inspector may depart from with
reasons (应急管理部令第12号), never a limit the library enforces.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..contract.decision import Decision, Suggestion
from ..contract.facts import Violation
from ..contract.fines import FineRange, yuan
from ..contract.vocabulary import FACT_FIELDS, PenaltyAdjustment
from ..rulebook.benchmark import Benchmark, Row
from ..rulebook.model import RuleSet


def with_suggestions(rules: RuleSet, violation: Violation, decision: Decision) -> Decision:
    """`decision` with the bands of the applicable benchmark rows (unchanged if none applies)."""
    day = violation.decided_on
    benchmarks = sorted(
        (b for b in rules.applied_benchmarks if b.in_force_on(day)),
        key=lambda b: b.rank,
    )
    if not benchmarks or not decision.fines:
        return decision
    stage = "overdue" if violation.overdue else "first"
    suggested: list[Suggestion] = []
    notes: list[str] = []
    for fine in decision.fines:
        found = _row_for(benchmarks, violation.kind, fine)
        if found is None:
            continue
        benchmark, row = found
        where = f"《{benchmark.title_zh}》（{row.number}） ({benchmark.id} row {row.id})"
        if decision.penalty_adjustment is not PenaltyAdjustment.NONE:
            notes.append(
                f"{where}：存在从轻、减轻等情节，裁量阶次未适用 (the penalty is adjusted, "
                "so the benchmark's tiers are not applied)"
            )
            continue
        value = getattr(violation, row.by)
        if value is None:
            zh, en = FACT_FIELDS[row.by]
            notes.append(
                f"{where}：未提供“{zh}”，无法确定裁量阶次 ({en} `{row.by}` not stated: "
                "no tier chosen)"
            )
            continue
        tier = next((t for t in row.tiers if t.covers(value, row.sort)), None)
        band = None if tier is None else tier.band(stage, fine.target)
        if tier is None or band is None:
            notes.append(
                f"{where}：{row.by}={_shown(value)}的裁量阶次未编码（来源未见） (no tier read "
                f"for {row.by} = {_shown(value)} at the {stage} stage for {fine.target.value})"
            )
            continue
        suggested.append(
            Suggestion(
                target=fine.target,
                min_yuan=band.min_yuan,
                max_yuan=band.max_yuan,
                law_version=fine.law_version or decision.law_version,
                benchmark=benchmark.id,
                benchmark_zh=f"《{benchmark.title_zh}》（{benchmark.document}）",
                row=row.id,
                row_number=row.number,
                tier=tier.number,
                tier_zh=tier.text_zh,
                source=benchmark.source,
                review=benchmark.review,
            )
        )
        notes.append(
            f"{where}第{tier.number}阶次（{tier.text_zh}）：建议罚款{yuan(band.min_yuan)}至"
            f"{yuan(band.max_yuan)}元 (tier {tier.number} suggests {yuan(band.min_yuan)}–"
            f"{yuan(band.max_yuan)} yuan for {fine.target.value})"
        )
    if not suggested and not notes:
        return decision
    return attrs.evolve(
        decision,
        suggested=tuple(suggested),
        notes=(*decision.notes, *(note for note in notes if note not in decision.notes)),
    )


def _row_for(
    benchmarks: Sequence[Benchmark], kind: str, fine: FineRange
) -> tuple[Benchmark, Row] | None:
    """The row that narrows `fine` for `kind`: the most local benchmark's, the last applied
    among equals."""
    found: tuple[Benchmark, Row] | None = None
    for benchmark in benchmarks:  # sorted from national to local: a later match prevails
        for row in benchmark.rows:
            if kind in row.kinds and row.law_version == fine.law_version:
                found = (benchmark, row)
    return found


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
