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
    title = rules.laws[law]
    lines = [
        f"# Legal coverage: {title.zh} ({title.en})",
        "",
        "Generated from the rule set by `python -m enforcement_rules.review.coverage`; a",
        "test keeps it in step with `rules/`. A cell names the article (item) whose penalty rules",
        "decide the kind in that version and the file's review status, or the rule declaring no",
        "provision.",
        "Sources: the `source` and `review_note` of each rule file (legal reference passes 1–3).",
        "",
        "| kind | " + " | ".join(f"in force {v.isoformat()}" for v in versions) + " |",
        "|---|" + "---|" * len(versions),
    ]
    for kind in sorted(rules.kinds):
        row = [
            "; ".join(sorted(cells.get((kind, version), {"not encoded yet"})))
            for version in versions
        ]
        lines.append(f"| `{kind}` {rules.kinds[kind].zh} | " + " | ".join(row) + " |")
    lines += [
        "",
        "## Sources",
        "",
        "| file | review | source in the legal reference |",
        "|---|---|---|",
    ]
    for provision in sorted(rules.provisions, key=lambda p: p.file):
        if provision.law != law:
            continue
        name = provision.file.split("rules/", 1)[-1]
        source = " ".join(provision.source.split()).replace("|", "/")
        lines.append(f"| `{name}` | {provision.review} | {source} |")
    pending = sorted({r.provision.file for r in rules.rules if r.provision.review == "pending"})
    lines += ["", "## Files pending legal review", ""]
    for file in pending:
        provision = next(r.provision for r in rules.rules if r.provision.file == file)
        name = file.split("rules/", 1)[-1]
        lines.append(f"- `{name}`: {provision.review_note.strip()}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(coverage_table(load_rules()), end="")
