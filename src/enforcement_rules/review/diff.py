"""What a change to the rules changes in law: the decisions that differ, and the rules edited.

A lawyer reviewing a change to `rules/` wants the facts it decides differently, not a text diff of
YAML. `diff_rules` walks the fact space of both rule sets the way `check` does (one fact per
class of each kind's components, see `proving.space`), decides every fact under both, and collapses
the facts that change the same way (per kind and law version) into one entry with a count and an
example. Facts one rule set cannot decide (a gap, no law in force, an unknown kind) are
"undecidable" there, which is a change when the other side decides them.

The walk inherits `check`'s reach: each component's classes with the other fields at defaults,
dates decided at once (no 从旧兼从轻 across versions unless a group reads the decision date).
Catalogue edits (kinds, laws, routing, procedure) are listed as well, since the walk meets only
some of their cells.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import json
import logging
import os
import secrets
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from ..contract.decision import Decision
from ..contract.errors import (
    EnforcementRulesError,
    FactError,
    FactErrors,
    RuleConflictError,
    RuleFileError,
    RuleSetError,
)
from ..contract.facts import Violation
from ..contract.fines import yuan
from ..deciding.decider import Decider
from ..proving.space import MAX_CLASSES, canonical_text, input_facts, subspaces
from ..rulebook.loader import CATALOGUES
from ..rulebook.model import Rule, RuleSet
from .explain import describe

log = logging.getLogger(__name__)

#: The parts of a decision a change is judged by (the basis and trace are shown, not compared).
COMPARED = (
    "measures",
    "penalties",
    "penalty_basis",
    "referred_to",
    "competent_authority",
    "fines",
    "penalty_adjustment",
    "procedure",
    "summary_thresholds_yuan",
    "hearing",
    "hearing_thresholds_yuan",
    "daily_fine",
    "section",
    "law_version",
)
DECIDED = "decided"
_BATCH = 512
_MISSING = object()
Result = Decision | EnforcementRulesError


@attrs.frozen
class Change:
    """One field that differs, with its old and new value (JSON values; None where absent)."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@attrs.frozen
class Side:
    """One rule set's view of an example fact: its outcome or why it is undecidable, and the
    rules that fired with what each cites."""

    outcome: Mapping[str, Any] | None
    error: str | None
    rules_fired: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, result: Result) -> Side:
        if isinstance(result, EnforcementRulesError):
            return cls(None, f"{type(result).__name__}: {result}")
        steps = tuple((step.rule_id, step.citations) for step in result.trace)
        return cls(_outcome(result), None, steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": None if self.outcome is None else dict(self.outcome),
            "undecidable": self.error,
            "rules_fired": [{"rule_id": i, "citations": list(c)} for i, c in self.rules_fired],
        }


@attrs.frozen
class FactChange:
    """Facts of one kind and law version whose decisions change the same way.

    `facts[0]` is the example; `old` and `new` show how each rule set decides it.
    """

    kind: str
    law_version: str
    changes: tuple[Change, ...]
    facts: tuple[Mapping[str, Any], ...]
    old: Side
    new: Side

    @property
    def count(self) -> int:
        return len(self.facts)

    @property
    def example(self) -> Mapping[str, Any]:
        return self.facts[0]

    def to_dict(self, *, all_facts: bool = False) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "law_version": self.law_version,
            "count": self.count,
            "changes": [change.to_dict() for change in self.changes],
            "example": dict(self.example),
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
        }
        if all_facts:
            data["facts"] = [dict(fact) for fact in self.facts]
        return data


@attrs.frozen
class RuleChange:
    """A rule added, removed, or edited (same id, different content: `changes` says what)."""

    rule_id: str
    status: str  # "added", "removed" or "edited"
    law_version: str
    file: str  # relative to its rules directory
    title: str
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "status": self.status,
            "law_version": self.law_version,
            "file": self.file,
            "title": self.title,
            "changes": [change.to_dict() for change in self.changes],
        }


@attrs.frozen
class RuleDiff:
    """Everything that differs between two rule sets, for review by legal staff."""

    old_source: str
    new_source: str
    facts: tuple[FactChange, ...]
    rules: tuple[RuleChange, ...]
    catalogues: tuple[Change, ...]
    facts_walked: int
    undecidable_old: int
    undecidable_new: int
    seconds: float
    #: Sub-spaces above the walk's cap, not walked (side label and description): where they are,
    #: the diff cannot say that nothing changed.
    unwalked: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.facts or self.rules or self.catalogues or self.unwalked)

    @property
    def facts_changed(self) -> int:
        return sum(entry.count for entry in self.facts)

    def rules_with(self, status: str) -> tuple[RuleChange, ...]:
        return tuple(change for change in self.rules if change.status == status)

    def to_dict(self, *, all_facts: bool = False) -> dict[str, Any]:
        """The JSON form; `all_facts` lists every changed fact, not just each entry's example."""
        return {
            "old": self.old_source,
            "new": self.new_source,
            "empty": self.empty,
            "facts_walked": self.facts_walked,
            "facts_changed": self.facts_changed,
            "undecidable": {"old": self.undecidable_old, "new": self.undecidable_new},
            "unwalked": list(self.unwalked),
            "seconds": round(self.seconds, 2),
            "rules": {
                status: [c.to_dict() for c in self.rules_with(status)]
                for status in ("added", "removed", "edited")
            },
            "catalogues": [change.to_dict() for change in self.catalogues],
            "decisions": [entry.to_dict(all_facts=all_facts) for entry in self.facts],
        }

    def to_text(self) -> str:
        lines = [f"--- {self.old_source}", f"+++ {self.new_source}"]
        for status in ("added", "removed", "edited"):
            for rule in self.rules_with(status):
                lines.append(f"rule {status}: {rule.rule_id} ({rule.law_version}, {rule.file})")
                if status != "edited":
                    lines.append(f"    {rule.title}")
                lines.extend(f"    {line}" for c in rule.changes for line in _change_lines(c))
        for change in self.catalogues:
            lines.extend(_change_lines(change, prefix="catalogue "))
        for (kind, version), entries in _grouped(self.facts):
            lines.append(f"{kind} — {version or 'no law version'}:")
            for entry in entries:
                lines.append(f"  {entry.count} fact(s):")
                lines.extend(f"    {line}" for c in entry.changes for line in _change_lines(c))
                lines.append(f"    e.g. {_json(brief(entry.example))}")
                for label, side in (("old", entry.old), ("new", entry.new)):
                    lines.append(f"    {label}: {_side_text(side, entry)}")
        lines.append(self._summary())
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = [f"# Rule diff: `{self.old_source}` → `{self.new_source}`", "", self._summary()]
        if self.rules:
            lines += ["", "## Rules", "", "| rule | change | law version | file | what |"]
            lines.append("|---|---|---|---|---|")
            for rule in self.rules:
                what = "<br>".join(
                    _md(line) for c in rule.changes for line in _change_lines(c, inline=True)
                )
                lines.append(
                    f"| `{rule.rule_id}` | {rule.status} | {rule.law_version} | `{rule.file}` | "
                    f"{what or _md(rule.title)} |"
                )
        if self.catalogues:
            lines += ["", "## Catalogues", ""]
            for change in self.catalogues:
                lines.extend(f"- {_md(line)}" for line in _change_lines(change, inline=True))
        for (kind, version), entries in _grouped(self.facts):
            lines += ["", f"## {kind} — {version or 'no law version'}"]
            for entry in entries:
                lines += ["", f"**{entry.count} fact(s)**", ""]
                for change in entry.changes:
                    lines.extend(f"- {_md(line)}" for line in _change_lines(change, inline=True))
                lines += ["", f"Example: `{_json(brief(entry.example))}`", ""]
                for label, side in (("old", entry.old), ("new", entry.new)):
                    lines.append(f"- {label}: {_md(_side_text(side, entry))}")
        return "\n".join(lines) + "\n"

    def _summary(self) -> str:
        if self.empty:
            return f"no change ({self.facts_walked:,} facts walked, {self.seconds:.1f} s)"
        unwalked = "".join(f"\nnot walked (above the cap): {entry}" for entry in self.unwalked)
        counts = ", ".join(
            f"{len(self.rules_with(status))} {status}" for status in ("added", "removed", "edited")
        )
        return (
            f"rules: {counts}; catalogue entries changed: {len(self.catalogues)}; "
            f"{self.facts_changed:,} of {self.facts_walked:,} facts walked decided differently "
            f"({len(self.facts)} entries); undecidable: {self.undecidable_old:,} old, "
            f"{self.undecidable_new:,} new; {self.seconds:.1f} s{unwalked}"
        )


# -- the walk ------------------------------------------------------------------------------


def diff_rules(
    old: RuleSet,
    new: RuleSet,
    *,
    labels: tuple[str, str] | None = None,
    max_classes: int = MAX_CLASSES,
    progress: Callable[[str], None] | None = None,
) -> RuleDiff:
    """Compare two rule sets: rules and catalogues edited, and every walked fact decided
    differently. `labels` name the two sides in reports (default: their directories). The walk
    is `check`'s, with the same cap: a sub-space above it is listed as not walked. `progress`
    is told how far deciding has got (for a command's progress line)."""
    started = time.perf_counter()
    facts = input_facts(old, new, max_classes=max_classes)
    old_label, new_label = labels or (old.source, new.source)
    unwalked = tuple(
        f"{label}: {space.describe()}, {space.size:,} classes"
        for label, rules in ((old_label, old), (new_label, new))
        for space in subspaces(rules)
        if space.size > max_classes
    )
    log.info("deciding %s facts under both rule sets", f"{len(facts):,}")
    results = [
        decide_all(Decider(rules), facts, progress=progress, side=side)
        for side, rules in (("old", old), ("new", new))
    ]
    entries: dict[tuple[str, str, str], list[tuple[dict[str, Any], Result, Result]]] = {}
    changes_of: dict[tuple[str, str, str], tuple[Change, ...]] = {}
    for fact, before, after in zip(facts, *results, strict=True):
        changes = _changes_between(before, after)
        if not changes:
            continue
        version = next((r.law_version for r in (before, after) if isinstance(r, Decision)), "")
        key = (str(fact["kind"]), version, canonical_text([c.to_dict() for c in changes]))
        entries.setdefault(key, []).append((fact, before, after))
        changes_of[key] = changes
    fact_changes: list[FactChange] = []
    for key, found in sorted(entries.items(), key=lambda item: (item[0][:2], -len(item[1]))):
        found.sort(key=lambda item: len(brief(item[0])))  # the plainest fact is the example
        fact_changes.append(
            FactChange(
                kind=key[0],
                law_version=key[1],
                changes=changes_of[key],
                facts=tuple(fact for fact, _, _ in found),
                old=Side.of(found[0][1]),
                new=Side.of(found[0][2]),
            )
        )
    return RuleDiff(
        old_source=old_label,
        new_source=new_label,
        facts=tuple(fact_changes),
        rules=rule_changes(old, new),
        catalogues=catalogue_changes(old, new),
        facts_walked=len(facts),
        undecidable_old=sum(isinstance(r, EnforcementRulesError) for r in results[0]),
        undecidable_new=sum(isinstance(r, EnforcementRulesError) for r in results[1]),
        seconds=time.perf_counter() - started,
        unwalked=unwalked,
    )


def brief(fact: Mapping[str, Any]) -> dict[str, Any]:
    """The fact without the fields at their defaults (the same input, easier to read)."""
    try:
        default = Violation(kind=fact["kind"], occurred_on=_date(fact["occurred_on"])).to_dict()
    except (EnforcementRulesError, KeyError, ValueError, TypeError):
        return dict(fact)
    keep = ("kind", "occurred_on")
    return {k: v for k, v in fact.items() if k in keep or default.get(k, _MISSING) != v}


def decide_all(
    decider: Decider,
    facts: Sequence[Mapping[str, Any]],
    *,
    progress: Callable[[str], None] | None = None,
    side: str = "",
) -> list[Result]:
    """Each fact's decision, or the error that makes it undecidable under this rule set.

    Batches go through `decide_many` (much faster than one by one); a batch that raises is
    halved until the facts that raise stand alone.
    """
    results: list[Result] = []
    for start in range(0, len(facts), _BATCH):
        results += _decide_batch(decider, facts[start : start + _BATCH])
        if progress is not None:
            progress(f"{side} rules: {len(results):,} of {len(facts):,} facts decided")
    return results


def _decide_batch(decider: Decider, facts: Sequence[Mapping[str, Any]]) -> list[Result]:
    try:
        decided: list[Result] = [*decider.decide_many(facts)]
    except EnforcementRulesError as error:
        if len(facts) == 1:
            return [error]
        middle = len(facts) // 2
        return _decide_batch(decider, facts[:middle]) + _decide_batch(decider, facts[middle:])
    return decided


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _outcome(decision: Decision) -> dict[str, Any]:
    data = decision.to_dict()
    return {field: data[field] for field in COMPARED}


def _changes_between(before: Result, after: Result) -> tuple[Change, ...]:
    if isinstance(before, Decision) and isinstance(after, Decision):
        old, new = _outcome(before), _outcome(after)
        return tuple(Change(f, old[f], new[f]) for f in COMPARED if old[f] != new[f])
    old_status, new_status = _status(before), _status(after)
    return () if old_status == new_status else (Change("decision", old_status, new_status),)


def _status(result: Result) -> str:
    """`decided`, or why not, in words that do not depend on the fact (so facts collapse)."""
    if isinstance(result, Decision):
        return DECIDED
    name = f"undecidable ({type(result).__name__}"
    if isinstance(result, RuleConflictError):
        return f"{name}: {result})"
    if isinstance(result, FactErrors | FactError):
        errors = result.errors if isinstance(result, FactErrors) else (result,)
        return f"{name}: fact field(s) {', '.join(e.field for e in errors)})"
    return name + ")"


# -- rules and catalogues ------------------------------------------------------------------


def rule_changes(old: RuleSet, new: RuleSet) -> tuple[RuleChange, ...]:
    """Rules added, removed, and edited (title, when, then, cites, examples, provision, window)."""
    old_rules = {rule.id: rule for rule in old.rules}
    new_rules = {rule.id: rule for rule in new.rules}
    found: list[RuleChange] = []
    for rule_id in sorted(old_rules.keys() | new_rules.keys()):
        before, after = old_rules.get(rule_id), new_rules.get(rule_id)
        if before is None or after is None:
            status, rule, root = (
                ("added", after, new.source) if before is None else ("removed", before, old.source)
            )
            assert rule is not None
            found.append(_rule_change(rule, root, status))
            continue
        changes = _changes(_rule_view(before, old.source), _rule_view(after, new.source), 3)
        if changes:
            found.append(_rule_change(after, new.source, "edited", changes))
    return tuple(sorted(found, key=lambda c: (c.law_version, c.rule_id)))


def _rule_change(rule: Rule, root: str, status: str, changes: Sequence[Change] = ()) -> RuleChange:
    return RuleChange(
        rule.id,
        status,
        rule.provision.law_version,
        _relative(rule.provision.file, root),
        rule.title,
        tuple(changes),
    )


def _rule_view(rule: Rule, root: str) -> dict[str, Any]:
    """A rule as comparable JSON values, by the aspects a reviewer names (lines left out)."""
    provision = _plain(rule.provision)
    window = {key: provision.pop(key) for key in ("in_force_from", "in_force_until", "applies_by")}
    provision["file"] = _relative(rule.provision.file, root)
    examples: dict[str, Any] = {}
    for example in rule.examples:
        name = example.name
        while name in examples:
            name += " (again)"
        examples[name] = {"facts": _plain(example.facts), "expect": _plain(example.expect)}
        examples[name]["fires"] = example.fires
    return {
        "title": rule.title,
        "when": describe(rule.when),
        "then": _plain(rule.then),
        "cites": {"paragraph": rule.paragraph, "items": list(rule.items)},
        "examples": examples,
        "provision": provision,
        "window": window,
    }


def catalogue_changes(old: RuleSet, new: RuleSet) -> tuple[Change, ...]:
    """Edits of kinds, laws, routing and procedure versions, entry by entry; then the discretion
    benchmarks' bands, band by band (`benchmark shanxi-2021 wsl2021-99-1 tier 3 overdue unit`)."""
    found = _changes(_catalogue_view(old), _catalogue_view(new), 3)
    before, after = _bands_view(old), _bands_view(new)
    for key in dict.fromkeys([*before, *after]):
        if before.get(key) != after.get(key):
            found.append(Change(f"benchmark {key}", before.get(key), after.get(key)))
    return tuple(found)


def _bands_view(rules: RuleSet) -> dict[str, str]:
    """Every band of every loaded benchmark, and each benchmark's window and whether it applies
    (a tier's condition is part of its key: a tier moved is a band removed and one added)."""
    view: dict[str, str] = {}
    for benchmark in rules.benchmarks:
        until = benchmark.in_force_until or "…"
        view[f"{benchmark.id} window"] = f"{benchmark.in_force_from} – {until}" + (
            "" if benchmark.applied else " (not applied unless selected)"
        )
        for row in benchmark.rows:
            for tier in row.tiers:
                for stage, bands in tier.bands.items():
                    for band in bands:
                        key = (
                            f"{benchmark.id} {row.id} tier {tier.number} ({tier.text_zh}) "
                            f"{stage} {band.target.value}"
                        )
                        view[key] = f"{yuan(band.min_yuan)}–{yuan(band.max_yuan)}"
    return view


def _catalogue_view(rules: RuleSet) -> dict[str, Any]:
    return {
        "kinds": _plain(rules.kinds),
        "laws": _plain(rules.laws),
        "routing": _plain(rules.routing),
        "procedure": {version.version: _plain(version) for version in rules.procedure},
    }


def _changes(old: Mapping[str, Any], new: Mapping[str, Any], levels: int) -> list[Change]:
    """Differing entries, named by up to `levels` keys (`then.fines`, `routing.by_kind.x`)."""
    found: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if levels > 1 and isinstance(before, dict) and isinstance(after, dict):
            found += [
                Change(f"{key}.{c.field}", c.old, c.new)
                for c in _changes(before, after, levels - 1)
            ]
        else:
            found.append(Change(str(key), before, after))
    return found


def _plain(value: Any) -> Any:
    """A model value as JSON values (attrs classes as objects, codes and dates as strings)."""
    if attrs.has(type(value)):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if f.eq and f.name not in ("file", "line")
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = [_plain(item) for item in value]
        return sorted(items, key=canonical_text) if isinstance(value, frozenset | set) else items
    return value


def _relative(file: str, root: str) -> str:
    try:
        return Path(file).relative_to(root).as_posix()
    except ValueError:
        return file


# -- rules directories at git revisions ----------------------------------------------------


#: Temporary copies of rules directories taken from git, removed by `remove_extracted` (the
#: command line calls it on every exit, SIGTERM and SIGHUP included) or when the process exits.
_extracted: list[Path] = []


def remove_extracted() -> None:
    """Remove every temporary copy `load_revision` made. A copy is forgotten only once removed,
    so a signal interrupting the removal leaves it for the next call (the one at exit)."""
    while _extracted:
        shutil.rmtree(_extracted[-1], ignore_errors=True)
        _extracted.pop()


atexit.register(remove_extracted)


def load_revision(repo: Path, rev: str, subdir: str = "rules") -> Path:
    """`subdir` as committed at `rev` in `repo`, extracted into a temporary directory (removed
    by `remove_extracted`, at the latest when the process exits), so a rule set can be compared
    with an earlier one."""
    where = f"{rev}:{subdir}"
    if rev.startswith("-"):  # never let a revision be read as an option of git
        raise _not_rules(where, "a revision cannot start with '-'")
    try:
        archived = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", where],
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise _not_rules(where, f"git could not run: {error}") from error
    if archived.returncode != 0:
        reason = archived.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _not_rules(where, f"not found in {repo} ({reason[-1] if reason else 'git failed'})")
    target = _new_extraction_folder()
    with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target


def _new_extraction_folder() -> Path:
    """A new private folder under the temporary directory, recorded for removal before it is
    made: `tempfile.mkdtemp` records nothing until it returns, so a SIGTERM arriving between its
    `mkdir` and the caller's bookkeeping left the folder behind."""
    for _ in range(_NAME_ATTEMPTS):
        target = (
            Path(tempfile.gettempdir()) / f"enforcement-rules-{os.getpid()}-{secrets.token_hex(6)}"
        )
        _extracted.append(target)
        try:
            target.mkdir(mode=0o700)
        except FileExistsError:  # another's folder (48 random bits collided): not ours to remove
            _extracted.pop()
            continue
        return target
    raise FileExistsError(f"no unused temporary folder name after {_NAME_ATTEMPTS} attempts")


#: Names to try before giving up on a temporary folder (as `tempfile` does, with fewer).
_NAME_ATTEMPTS = 100


def resolve_rules_arg(arg: str, repo: Path) -> Path:
    """A rules directory for a command-line argument: a folder (a rules directory, or a checkout
    holding `rules/`), else a git revision of the repository `repo` lies in, whichever of its
    folders that is (folders win when a name is both)."""
    path = Path(arg)
    if path.is_dir():
        if not any((path / name).is_file() for name in CATALOGUES) and (path / "rules").is_dir():
            return path / "rules"
        return path
    return load_revision(repository_root(repo), arg)


def repository_root(start: Path) -> Path:
    """The top folder of the git work tree holding `start` (`start` itself outside one, or
    without git: `load_revision` then says what is wrong)."""
    try:
        found = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return start
    top = found.stdout.strip()
    return Path(top) if found.returncode == 0 and top else start


def _not_rules(where: str, reason: str) -> RuleSetError:
    return RuleSetError([RuleFileError(where, None, None, f"no rules directory: {reason}")])


# -- rendering -----------------------------------------------------------------------------


def _grouped(
    entries: Sequence[FactChange],
) -> list[tuple[tuple[str, str], list[FactChange]]]:
    groups: dict[tuple[str, str], list[FactChange]] = {}
    for entry in entries:
        groups.setdefault((entry.kind, entry.law_version), []).append(entry)
    return list(groups.items())


def _change_lines(change: Change, *, prefix: str = "", inline: bool = False) -> list[str]:
    old, new = _show(change.old), _show(change.new)
    if inline or len(old) + len(new) < 80:
        return [f"{prefix}{change.field}: {old} → {new}"]
    return [f"{prefix}{change.field}:", f"  - {old}", f"  + {new}"]


def _side_text(side: Side, entry: FactChange) -> str:
    if side.error is not None:
        return side.error
    fired = "; ".join(
        f"{rule_id} [{', '.join(citations)}]" if citations else rule_id
        for rule_id, citations in side.rules_fired
    )
    if any(change.field == "decision" for change in entry.changes) and side.outcome is not None:
        decided = ", ".join(f"{k} {_show(v)}" for k, v in side.outcome.items())
        return f"{decided}; rules fired: {fired}"
    return f"rules fired: {fired}"


def _show(value: Any) -> str:
    """A value as a reader wants it: fines as ranges, lists joined, absent as a dash."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value) if value else "none"
    if isinstance(value, dict) and {"target", "min_yuan", "max_yuan"} <= value.keys():
        how = "mandatory" if value.get("mandatory", True) else "discretionary"
        low, high = _number(value["min_yuan"]), _number(value["max_yuan"])
        return f"{value['target']} {low}–{high} ({how})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _json(value)
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
