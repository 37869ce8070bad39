"""Which provision decides when penalty rules of several instruments fire for one fact (法条竞合).

Within one instrument one penalty rule fires per fact (two is a defect of the rule set). Across
instruments the law settles it, and the order here is data-driven (`laws.yaml`: each
instrument's `rank` and `special_over`; the concurrence rule of the Administrative Penalty Law in
`procedure.yaml`):

1. "no provision" in one instrument does not bar a penalty another instrument sets: a departmental
   rule may set warnings and fines where no law or regulation does (APL 2021 Art. 13), so a rule
   that decides outranks a rule that finds no provision;
2. a provision that refers the penalty to another instrument yields to that instrument's rule;
3. a provision that gives the matter to another authority (`competent_authority` without
   penalties of the bureau's own: penalty basis `not_competent`) settles who decides: the bureau
   transfers the finding, whatever the other provisions would impose (Work Safety Law 2014
   Art. 110, 2021 Art. 115: penalties are decided by the departments according to their duties);
4. a higher instrument prevails over a lower one for the same conduct (Legislation Law: 上位法),
   with the reason the lower instrument's entry gives (`yields_to_higher`), where it gives one;
5. among instruments of one rank, one declared special (`special_over`) prevails over the
   general one, with its stated reason (`special_over_reason`);
6. what remains, each with a fine, is one act breaking several provisions: one fine, under the
   provision with the highest fine (APL 2021 Art. 29; before 2021-07-15 no rule is encoded, and
   two left is a conflict). The comparison must hold for every fact of the class, so fines by
   multiples of the illegal income are not compared (that too is left to the data: a conflict).

`winner` returns the rule that decides and every rule that lost with the reason; `None` when the
data do not settle it (a conflict `check` reports).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..contract.fines import FineRange
from ..contract.vocabulary import FineTarget, PenaltyBasis
from ..rulebook.model import Law, ProcedureVersion, Rule
from .severity import weight


@attrs.frozen
class Outcome:
    """The rule that decides, and the rules that lost, each with why (Chinese and English)."""

    winner: Rule
    lost: tuple[tuple[Rule, str], ...] = ()
    by_concurrence: bool = False  # chosen by the highest fine (APL 2021 Art. 29)
    #: Lower-ranked rules that still fine the parties the winner does not (`fills_parties`),
    #: each with those parties.
    fillers: tuple[tuple[Rule, tuple[FineTarget, ...]], ...] = ()


def winner(
    deciding: Sequence[Rule], laws: Mapping[str, Law], procedure: ProcedureVersion
) -> Outcome | None:
    """The deciding rule among `deciding` (all fired for one fact), or None if unsettled."""
    if len(deciding) == 1:
        return Outcome(deciding[0])
    if len({rule.provision.law for rule in deciding}) != len(deciding):
        return None  # two rules of one instrument: a defect, not a concurrence
    lost: list[tuple[Rule, str]] = []
    left = list(deciding)

    def drop(rule: Rule, reason: str) -> None:
        left.remove(rule)
        lost.append((rule, reason))

    if any(not rule.then.no_provision for rule in left):
        for rule in [r for r in left if r.then.no_provision]:
            drop(rule, _NO_PROVISION)
    for rule in [r for r in left if r.then.referred_to]:
        target = rule.then.referred_to or ""
        if any(refers_to(target, other.provision.law, laws) for other in left if other is not rule):
            law = laws.get(target)
            drop(rule, _REFERRED.format(law=law.zh if law is not None else target))
    transfers = [r for r in left if r.then.penalty_basis is PenaltyBasis.NOT_COMPETENT]
    if len(transfers) == 1:
        transfer = transfers[0]
        for rule in [r for r in left if r is not transfer]:
            drop(rule, _competence(transfer, laws))
    best = min(laws[rule.provision.law].rank_order for rule in left)
    outranked = [r for r in left if laws[r.provision.law].rank_order > best]
    for rule in outranked:
        drop(rule, laws[rule.provision.law].yields_to_higher or _HIGHER)
    special = {
        other: laws[rule.provision.law].special_over_reason or _SPECIAL
        for rule in left
        for other in laws[rule.provision.law].special_over
        if any(r.provision.law == other for r in left)
    }
    for rule in [r for r in left if r.provision.law in special]:
        drop(rule, special[rule.provision.law])
    if len(left) == 1:
        return _with_fillers(Outcome(left[0], tuple(lost)), outranked)
    fixed = [rule for rule in left if rule.then.fines and not _by_income(rule.then.fines)]
    if procedure.concurrence_citation is None or len(fixed) != len(left):
        return None
    ranked = sorted(left, key=lambda rule: weight((), rule.then.fines), reverse=True)
    if weight((), ranked[0].then.fines) == weight((), ranked[1].then.fines):
        return None  # two provisions with the very same fines: the data must say which applies
    for rule in ranked[1:]:
        lost.append((rule, _CONCURRENCE))
    return Outcome(ranked[0], tuple(lost), by_concurrence=True)


def _with_fillers(outcome: Outcome, outranked: Sequence[Rule]) -> Outcome:
    """Move to `fillers` each rule that lost to a higher instrument (`outranked`) but fills the
    parties the winner leaves unfined."""
    named = {fine.target for fine in outcome.winner.then.fines}
    fillers = []
    lost = []
    for rule, reason in outcome.lost:
        parties = tuple(dict.fromkeys(f.target for f in rule.then.fines if f.target not in named))
        if rule in outranked and rule.then.fills_parties and parties:
            fillers.append((rule, parties))
            named.update(parties)
        else:
            lost.append((rule, reason))
    return attrs.evolve(outcome, lost=tuple(lost), fillers=tuple(fillers))


def refers_to(target: str | None, law: str, laws: Mapping[str, Law]) -> bool:
    """Whether a referral to `target` is answered by a rule of `law`: the instrument itself, a
    member of the family it names, or an instrument that succeeded it (a referral to the
    hazardous-chemicals regulations is answered by their successor law)."""
    seen: set[str] = set()
    while target is not None and target not in seen:
        seen.add(target)
        entry = laws.get(target)
        if target == law or (entry is not None and law in entry.members):
            return True
        target = entry.successor.law if entry is not None and entry.successor else None
    return False


def _competence(transfer: Rule, laws: Mapping[str, Law]) -> str:
    authority = transfer.then.competent_authority
    assert authority is not None
    law = laws[transfer.provision.law]
    return _COMPETENCE.format(
        zh=authority.zh,
        en=authority.en,
        law_zh=law.zh,
        law_en=law.en,
        article=transfer.provision.article,
    )


def _by_income(fines: Sequence[FineRange]) -> bool:
    return any(f.income_multiple is not None or f.income_share is not None for f in fines)


_NO_PROVISION = (
    "本规定对此无罚则，由设定处罚的规定决定 (this provision sets no penalty; the one that does "
    "decides)"
)
_REFERRED = (
    "本条依照{law}予以处罚，由该文件的规定决定 (this provision refers the penalty to {law}, "
    "whose provision decides)"
)
_COMPETENCE = (
    "该事项由{zh}依照{law_zh}第{article}条处理，本局移送，不依本规定处罚 (the matter belongs to "
    "{en} under Art. {article} of the {law_en}: the bureau transfers it and imposes no penalty "
    "under this provision)"
)
_HIGHER = "上位法优先，由效力更高的规定决定 (the higher instrument prevails)"
_SPECIAL = "特别规定优先于一般规定 (the special provision prevails over the general one)"
_CONCURRENCE = (
    "同一违法行为违反多个法律规范应当给予罚款的，按罚款数额高的规定处罚 (one act breaking "
    "several provisions with fines: the provision with the highest fine applies)"
)
