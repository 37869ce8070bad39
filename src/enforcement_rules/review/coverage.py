"""The kind × law-version coverage table, derived from the rule set (never written by hand).

python -m enforcement_rules.review.coverage > docs/legal-coverage.md
"""

from __future__ import annotations

import datetime as dt

from ..rulebook.loader import load_rules
from ..rulebook.model import Rule, RuleSet


def deciding_rules(rules: RuleSet, law: str) -> dict[tuple[str, dt.date], list[Rule]]:
    """(kind, in-force-from of a version of `law`) → the rules that decide its penalty there."""
    cells: dict[tuple[str, dt.date], list[Rule]] = {}
    for kind in rules.covered_kinds:
        for rule in rules.penalty_rules(kind):
            if rule.provision.law == law:
                cells.setdefault((kind, rule.provision.in_force_from), []).append(rule)
    return cells


def coverage_table(rules: RuleSet, law: str = "work_safety_law") -> str:
    versions = sorted({r.provision.in_force_from for r in rules.rules if r.provision.law == law})
    cells: dict[tuple[str, object], set[str]] = {}
    for (kind, version), deciding in deciding_rules(rules, law).items():
        for rule in deciding:
            provision = rule.provision
            if rule.then.no_provision:
                text = f"no provision ({rule.id})"
            else:
                items = [n for n, item in provision.items.items() if kind in item.kinds]
                item = f"({', '.join(map(str, items))})" if items else ""
                text = f"Art. {provision.article}{item}, {provision.review}"
            cells.setdefault((kind, version), set()).add(text)
    spans = {
        v: next(
            (
                r.provision.in_force_until
                for r in rules.rules
                if r.provision.law == law and r.provision.in_force_from == v
            ),
            None,
        )
        for v in versions
    }
    for kind in {k for k, _ in cells}:
        for version in versions:
            if (kind, version) in cells:
                continue
            end = spans[version]
            others = {
                f"{r.provision.law} Art. {r.provision.article}, {r.provision.review}"
                for r in rules.penalty_rules(kind)
                if r.provision.law != law
                and (end is None or r.provision.in_force_from < end)
                and (r.provision.in_force_until is None or r.provision.in_force_until > version)
            }
            if others:
                cells[(kind, version)] = {f"this law: none; {o}" for o in others}
    title = rules.laws[law]
    lines = [
        f"# Legal coverage: {title.zh} ({title.en})",
        "",
        "Generated from the rule set by `python -m enforcement_rules.review.coverage`; a",
        "test keeps it in step with `rules/`. A cell names the article (item) whose penalty rules",
        "decide the kind in that version and the file's review status, or the rule declaring no",
        "provision; where this law has no rule for the kind, the other instruments that decide it",
        "in the version's window.",
        "Sources: the `source` and `review_note` of each rule file.",
        "",
        "| kind | " + " | ".join(f"in force {v.isoformat()}" for v in versions) + " |",
        "|---|" + "---|" * len(versions),
    ]
    in_law = sorted({kind for kind, _ in cells})
    for kind in in_law:
        row = [
            "; ".join(sorted(cells.get((kind, version), {"not encoded yet"})))
            for version in versions
        ]
        lines.append(f"| `{kind}` {rules.kinds[kind].zh} | " + " | ".join(row) + " |")
    uncovered = [kind for kind in sorted(rules.kinds) if kind not in rules.covered_kinds]
    lines += ["", *_other_instruments(rules, law)]
    if uncovered:
        lines += [
            "## Kinds no rule decides yet",
            "",
            "Valid codes of the vocabulary that no loaded rule decides (deciding one raises "
            "`UncoveredKindError`):",
            "",
            *(f"- `{kind}` {rules.kinds[kind].zh}" for kind in uncovered),
            "",
        ]
    lines += [*_sources(rules), *_review_status(rules)]
    return "\n".join(lines) + "\n"


def _other_instruments(rules: RuleSet, law: str) -> list[str]:
    """The penalty provisions of every other instrument: which kinds they decide, and when."""
    rows = []
    for provision in sorted(rules.provisions, key=lambda p: (p.law, p.in_force_from, p.article)):
        if provision.law == law:
            continue
        kinds = [
            kind
            for kind in rules.covered_kinds
            if any(rule.provision.file == provision.file for rule in rules.penalty_rules(kind))
        ]
        if not kinds:
            continue
        until = provision.in_force_until.isoformat() if provision.in_force_until else "—"
        title = rules.laws[provision.law]
        rows.append(
            f"| {title.zh} Art. {provision.article} | {provision.in_force_from.isoformat()} – "
            f"{until} | {', '.join(f'`{k}`' for k in kinds)} | {provision.review} |"
        )
    if not rows:
        return []
    return [
        "## Other instruments that decide kinds",
        "",
        "| provision | in force | kinds | review |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _name(rules: RuleSet, file: str) -> str:
    return rules.relative(file)


def _sources(rules: RuleSet) -> list[str]:
    lines = ["## Sources", "", "| file | review | source |", "|---|---|---|"]
    for provision in sorted(rules.provisions, key=lambda p: _name(rules, p.file)):
        source = " ".join(provision.source.split()).replace("|", "/")
        lines.append(f"| `{_name(rules, provision.file)}` | {provision.review} | {source} |")
    return [*lines, ""]


def _review_status(rules: RuleSet) -> list[str]:
    provisions = rules.provisions
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
    return lines


if __name__ == "__main__":  # pragma: no cover
    print(coverage_table(load_rules()), end="")
