"""The kind × version coverage tables, derived from the rule set (never written by hand).

python -m enforcement_rules.review.coverage > docs/legal-coverage.md

One table per instrument that decides some kind: its versions are the columns, the kinds it decides
(or declares not encoded) the rows. A cell names the article (item) whose penalty rules decide the
kind in that version, the rule declaring no provision, the instrument's declaration that the cell is
not encoded (its text was not read), or, where the instrument has nothing for the kind in that
version, the instruments that decide it then (`→`). A cell with none of these is "not encoded yet":
a hole the tests refuse for every kind some rule decides.
"""

from __future__ import annotations

import datetime as dt

from ..rulebook.loader import load_rules
from ..rulebook.model import NotEncoded, Provision, Rule, RuleSet

MISSING = "not encoded yet"
Window = tuple[dt.date, dt.date | None]


def deciding_rules(rules: RuleSet, law: str) -> dict[tuple[str, dt.date], list[Rule]]:
    """(kind, in-force-from of a version of `law`) → the rules that decide its penalty there."""
    cells: dict[tuple[str, dt.date], list[Rule]] = {}
    for kind in rules.covered_kinds:
        for rule in rules.penalty_rules(kind):
            if rule.provision.law == law:
                cells.setdefault((kind, rule.provision.in_force_from), []).append(rule)
    return cells


def versions(rules: RuleSet, law: str) -> list[Window]:
    """The windows of `law`'s versions that decide some kind, in order."""
    found = {
        (rule.provision.in_force_from, rule.provision.in_force_until)
        for kind in rules.covered_kinds
        for rule in rules.penalty_rules(kind)
        if rule.provision.law == law
    }
    found |= {
        (declared.in_force_from, declared.in_force_until)
        for declared in rules.laws[law].not_encoded
        if not any(_overlaps(w, _window_of(declared)) for w in found)
    }
    return sorted(found, key=lambda w: w[0])


def cells(rules: RuleSet, law: str) -> dict[str, list[str]]:
    """kind → one cell per version of `law` (`versions`), for the kinds the instrument names."""
    windows = versions(rules, law)
    named = {kind for (kind, _), _ in deciding_rules(rules, law).items()}
    named |= {kind for declared in rules.laws[law].not_encoded for kind in declared.kinds}
    return {kind: [_cell(rules, law, kind, window) for window in windows] for kind in sorted(named)}


def _cell(rules: RuleSet, law: str, kind: str, window: Window) -> str:
    own = [
        rule
        for rule in rules.penalty_rules(kind)
        if rule.provision.law == law and rule.provision.in_force_from == window[0]
    ]
    texts = sorted({_describe(rule, kind) for rule in own})
    unread = [
        f"not encoded {_span(_window_of(declared))} (text not read)"
        for declared in rules.laws[law].not_encoded
        if kind in declared.kinds and _overlaps(window, _window_of(declared))
    ]
    others = sorted(
        {
            f"→ {rule.provision.law} Art. {rule.provision.article}"
            for rule in rules.penalty_rules(kind)
            if rule.provision.law != law
            and _overlaps(window, (rule.provision.in_force_from, rule.provision.in_force_until))
        }
    )
    if texts:
        return "; ".join([*texts, *unread])
    if unread:
        return "; ".join([*unread, *others])
    return ", ".join(others) or MISSING


def _describe(rule: Rule, kind: str) -> str:
    if rule.then.no_provision:
        return f"no provision ({rule.id})"
    provision = rule.provision
    items = [n for n, item in provision.items.items() if kind in item.kinds]
    item = f"({', '.join(map(str, items))})" if items else ""
    if rule.paragraph and not items:
        item = f" ¶{rule.paragraph}"
    authority = rule.then.competent_authority
    who = f", for {authority.value}" if authority is not None and not rule.then.penalties else ""
    return f"Art. {provision.article}{item}, {provision.review}{who}"


def _window_of(declared: NotEncoded) -> Window:
    return (declared.in_force_from, declared.in_force_until)


def _overlaps(a: Window, b: Window) -> bool:
    a_end = a[1] or dt.date.max
    b_end = b[1] or dt.date.max
    return a[0] < b_end and b[0] < a_end


def _span(window: Window) -> str:
    return f"{window[0].isoformat()} – {window[1].isoformat() if window[1] else ''}".rstrip()


def coverage_table(rules: RuleSet, law: str = "work_safety_law") -> str:
    """The coverage document: the Work Safety Law first, then every other deciding instrument."""
    deciding = sorted(
        {rule.provision.law for kind in rules.covered_kinds for rule in rules.penalty_rules(kind)}
        | {code for code, entry in rules.laws.items() if entry.not_encoded}
    )
    order = [law, *(code for code in deciding if code != law)]
    lines = [
        "# Legal coverage",
        "",
        "Generated from the rule set by `python -m enforcement_rules.review.coverage`; a test",
        "keeps it in step with `rules/`. One table per instrument that decides some kind: a cell",
        "names the article (item) whose penalty rules decide the kind in that version and the",
        "file's review status (and the other authority, where the rule gives the finding to one),",
        "the rule declaring no provision, the instrument's declaration that the cell is not",
        "encoded (text not read: decisions there are refused), or, where the instrument has",
        "nothing for the kind in that version, the instruments that decide it then (→). Which",
        "of several firing provisions decides is settled by `deciding/precedence.py` from the",
        "data listed under *Precedence*.",
        "Sources: the `source` and `review_note` of each rule file, and `laws.yaml`.",
        "",
    ]
    for code in order:
        if code in rules.laws and code in deciding:
            lines += _table(rules, code)
    uncovered = sorted(set(rules.kinds) - set(rules.covered_kinds))
    if uncovered:
        lines += ["## Kinds no rule decides yet", ""]
        lines += [f"- `{kind}` {rules.kinds[kind].zh}" for kind in uncovered]
        lines.append("")
    lines += [*_precedence(rules), *_sources(rules), *_review_status(rules)]
    return "\n".join(lines) + "\n"


def _table(rules: RuleSet, law: str) -> list[str]:
    windows = versions(rules, law)
    title = rules.laws[law]
    header = [f"in force {start.isoformat()}" for start, _ in windows]
    lines = [
        f"## {title.zh} ({title.en.strip()})",
        "",
        "| kind | " + " | ".join(header) + " |",
        "|---|" + "---|" * len(windows),
    ]
    for kind, row in cells(rules, law).items():
        lines.append(f"| `{kind}` {rules.kinds[kind].zh} | " + " | ".join(row) + " |")
    return [*lines, ""]


def _precedence(rules: RuleSet) -> list[str]:
    lines = [
        "## Precedence",
        "",
        "| instrument | rank | gives way or prevails | why |",
        "|---|---|---|---|",
    ]
    for code, law in sorted(rules.laws.items()):
        if law.family:
            continue
        if law.special_over:
            why = law.special_over_reason or "—"
            lines.append(
                f"| `{code}` | {law.rank} | special over {', '.join(law.special_over)} | {why} |"
            )
        if law.yields_to_higher:
            lines.append(
                f"| `{code}` | {law.rank} | yields to higher ranks | {law.yields_to_higher} |"
            )
        if law.successor is not None:
            successor = law.successor
            lines.append(
                f"| `{code}` | {law.rank} | succeeded by {successor.law} from "
                f"{successor.on.isoformat()} | {' '.join(successor.note.split()) or '—'} |"
            )
    return [*lines, ""]


def _name(rules: RuleSet, file: str) -> str:
    return rules.relative(file)


def _sources(rules: RuleSet) -> list[str]:
    lines = ["## Sources", "", "| file | review | source |", "|---|---|---|"]
    for provision in sorted(rules.provisions, key=lambda p: _name(rules, p.file)):
        source = " ".join(provision.source.split()).replace("|", "/")
        lines.append(f"| `{_name(rules, provision.file)}` | {provision.review} | {source} |")
    return [*lines, ""]


def _review_status(rules: RuleSet) -> list[str]:
    provisions: tuple[Provision, ...] = rules.provisions
    pending = sorted(
        (p for p in provisions if p.review == "pending"), key=lambda p: _name(rules, p.file)
    )
    lines = [
        "## Files pending legal review",
        "",
        f"{len(pending)} of {len(provisions)} rule files are pending review "
        f"({len(provisions) - len(pending)} verified in a full text).",
        "",
    ]
    for provision in pending:
        note = " ".join(provision.review_note.split())
        lines.append(f"- `{_name(rules, provision.file)}`: {note}")
    declared = [
        (code, item) for code, law in sorted(rules.laws.items()) for item in law.not_encoded
    ]
    if declared:
        lines += ["", "## Cells declared not encoded", ""]
        for code, item in declared:
            lines.append(
                f"- `{code}` {_span((item.in_force_from, item.in_force_until))}: "
                f"{', '.join(f'`{k}`' for k in item.kinds)}. {item.note}"
            )
    return lines


if __name__ == "__main__":  # pragma: no cover
    print(coverage_table(load_rules()), end="")
