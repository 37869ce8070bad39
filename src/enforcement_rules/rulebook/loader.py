"""Load `rules/` into a validated `RuleSet`: all files or nothing, every defect located.

Order of checks: safe YAML (`safe_yaml`), the JSON Schema shipped in the package (the same one
editors use), then what a schema cannot say (known codes, unique ids, coherent fines and windows).
Every problem of every file is collected before `RuleSetError` is raised, so one run shows all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import attrs
import jsonschema
from jsonschema.exceptions import best_match

from ..contract.citation import Citation
from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import (
    EXCERPT_LENGTH,
    FactError,
    FactErrors,
    RuleFileError,
    RuleSetError,
    excerpt,
)
from ..contract.facts import Violation
from ..contract.fines import FineRange
from ..contract.vocabulary import (
    Authority,
    Code,
    FineTarget,
    Measure,
    Penalty,
    PenaltyAdjustment,
    Section,
)
from .conditions import (
    DERIVED,
    FIELDS,
    AllOf,
    Condition,
    ConditionError,
    Test,
    alternatives,
    atoms,
    derived_atoms_positive,
    engine_field,
    parse_condition,
)
from .model import (
    Example,
    Kind,
    LargeFineAmounts,
    Law,
    NotEncoded,
    Outcome,
    ProcedureVersion,
    Provision,
    ProvisionItem,
    Routing,
    Rule,
    RuleSet,
    Successor,
)
from .network import MAX_CHILDREN, MAX_STACK, Network
from .safe_yaml import Path as DataPath
from .safe_yaml import YamlDocument, read_yaml
from .tree import Tree, read_tree

CATALOGUES = ("laws.yaml", "kinds.yaml", "routing.yaml", "procedure.yaml")
#: Catalogue files a rules directory may add: a province's large-fine amounts for hearings.
OPTIONAL_CATALOGUES = ("hearing_amounts.yaml",)
#: The case-lifecycle thresholds (`cases.law`): law as data, but not provision rules.
CASE_LAW_FILE = Path("cases") / "case_law.yaml"
T = TypeVar("T")
C = TypeVar("C", bound=Code)

log = logging.getLogger(__name__)


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (a wheel), or `rules/` of a source checkout."""
    packaged = resources.files("enforcement_rules") / "bundled_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "rules"


@cache
def packaged_schema(name: str, package: str = f"{__package__}.schemas") -> dict[str, Any]:
    """A JSON Schema shipped in `package` (the rule book's own by default)."""
    text = (resources.files(package) / name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema of a provision rule file (also published for editors)."""
    return packaged_schema("rule-file.schema.json")


class ErrorCollector:
    """Gathers located errors; `attempt` runs one check and records its failure."""

    def __init__(self) -> None:
        self.errors: list[RuleFileError] = []

    def add(self, doc: YamlDocument, path: DataPath, reason: str) -> None:
        self.errors.append(RuleFileError(doc.file, doc.line_of(path), _rule_id(doc, path), reason))

    def attempt(self, doc: YamlDocument, path: DataPath, build: Callable[[], T]) -> T | None:
        try:
            return build()
        except _Located as located:
            self.add(doc, located.path, located.reason)
        except ConditionError as error:
            self.add(doc, (*path, *error.path), error.reason)
        except (FactError, FactErrors) as error:
            field = error.field if isinstance(error, FactError) else error.errors[0].field
            self.add(doc, (*path, field), f"example facts are invalid: {error}")
        return None


class _Located(Exception):
    def __init__(self, path: DataPath, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(reason)


def _rule_id(doc: YamlDocument, path: DataPath) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], dict):
            rule_id = rules[path[1]].get("id")
            return rule_id if isinstance(rule_id, str) else None
    return None


def schema_message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message with the offending value cut to a short excerpt (it quotes it)."""
    shown = repr(error.instance)
    if len(shown) > EXCERPT_LENGTH and shown in error.message:
        return error.message.replace(shown, excerpt(error.instance))
    return error.message


@lru_cache(maxsize=32)
def _validator(schema_text: str) -> jsonschema.Draft202012Validator:
    """One validator per schema (building one resolves its references: a rule set's hundred
    files share a handful of schemas)."""
    return jsonschema.Draft202012Validator(json.loads(schema_text))


def schema_errors(doc: YamlDocument, schema: dict[str, Any], out: ErrorCollector) -> bool:
    validator = _validator(json.dumps(schema, sort_keys=True))
    found = False
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path))):
        shown = best_match(error.context) if error.context else error
        path = tuple(shown.absolute_path)
        where = "/".join(map(str, path)) or "the file"
        out.add(doc, path, f"{where}: {schema_message(shown)}")
        found = True
    return not found


def load_rules(path: str | Path | None = None, *, benchmarks: Sequence[str | Path] = ()) -> RuleSet:
    """Load and validate a rules directory (default: the bundled rules).

    The directory's discretion benchmarks (`discretion/*.yaml`) are proved against its rules;
    national ones apply. `benchmarks` applies more: a bundled benchmark's id, or the path of a
    bureau's own benchmark file loaded beside the rules (docs/discretion.md).

    Raises `RuleSetError` listing every defect, each naming file, line, rule id and reason.
    """
    from .combining import with_combining  # both read files with this module's helpers
    from .discretion import with_benchmarks

    root = Path(path) if path is not None else bundled_rules_dir()
    if not root.is_dir():
        raise RuleSetError([RuleFileError(str(root), None, None, "not a rules directory")])
    tree = read_tree(root)
    key = _tree_key(root, tree) if not benchmarks else None
    found = _loaded.get(key) if key is not None else None
    if found is not None:
        return found
    loaded = with_benchmarks(with_combining(_load_tree(root, tree)), benchmarks)
    if key is not None:
        _loaded[key] = loaded
    return loaded


#: Rule sets loaded in this process by the content of their directory (weakly: one goes when
#: its last user lets it go). A directory whose files have not changed since is not parsed and
#: proved again: the same, immutable rule set is returned. Files are always read, so an edit is
#: always seen.
_loaded: weakref.WeakValueDictionary[str, RuleSet] = weakref.WeakValueDictionary()


def _tree_key(root: Path, tree: Tree) -> str:
    """The identity of what a load reads: the directory's path (a rule set names its source)
    and every file's name and text, with what the tree refused or ignored."""
    digest = hashlib.sha256(str(root.resolve()).encode())
    for entry in (*tree.rule_files, *tree.data_files):
        digest.update(b"\0" + entry.relative.encode() + b"\0" + entry.text.encode())
    digest.update(repr((tree.errors, tree.ignored)).encode())
    return digest.hexdigest()


def _load_tree(root: Path, tree: Tree) -> RuleSet:
    log.debug("reading %d rule files under %s", len(tree.rule_files), root)
    out = ErrorCollector()
    out.errors.extend(tree.errors)
    docs: dict[str, YamlDocument] = {}
    for entry in tree.rule_files:
        try:
            docs[entry.relative] = read_yaml(entry.text, str(entry.path))
        except RuleFileError as error:
            out.errors.append(error)
    catalogue = _load_catalogues(root, docs, out)
    rules: list[Rule] = []
    for relative, doc in sorted(docs.items()):
        if relative in CATALOGUES or relative in OPTIONAL_CATALOGUES:
            continue
        if schema_errors(doc, rule_file_schema(), out) and catalogue is not None:
            rules.extend(_build_rules(doc, catalogue, out))
    _check_unique_ids(rules, docs, out)
    _check_derivations(rules, out)
    if out.errors or catalogue is None:
        raise RuleSetError(out.errors)
    rules.sort(
        key=lambda r: (r.provision.law, r.provision.in_force_from, r.provision.article, r.id)
    )
    data_files = {entry.relative: entry.text for entry in tree.data_files}
    return RuleSet(
        source=str(root),
        digest=_digest([*(doc.data for doc in docs.values()), *sorted(data_files.items())]),
        laws=catalogue.laws,
        kinds=catalogue.kinds,
        rules=tuple(rules),
        routing=catalogue.routing,
        procedure=catalogue.procedure,
        large_fine_amounts=catalogue.large_fine_amounts,
        province_amounts=catalogue.province_amounts,
        data_files=data_files,
        ignored=tree.ignored,
    )


def _digest(datas: Iterable[Any]) -> str:
    canonical = sorted(json.dumps(data, sort_keys=True, ensure_ascii=False) for data in datas)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()[:16]


@attrs.frozen
class Catalogue:
    """What the catalogue files define, which every rule file is checked against."""

    laws: Mapping[str, Law]
    kinds: Mapping[str, Kind]
    routing: Routing
    procedure: tuple[ProcedureVersion, ...]
    large_fine_amounts: tuple[LargeFineAmounts, ...]
    province_amounts: tuple[LargeFineAmounts, ...]


def _load_catalogues(
    root: Path, docs: Mapping[str, YamlDocument], out: ErrorCollector
) -> Catalogue | None:
    schema = packaged_schema("catalogue.schema.json")
    valid: dict[str, YamlDocument] = {}
    for name in CATALOGUES:
        doc = docs.get(name)
        if doc is None:
            out.errors.append(RuleFileError(str(root / name), None, None, "catalogue file missing"))
            continue
        part = {"$ref": f"#/$defs/{name.removesuffix('.yaml')}", "$defs": schema["$defs"]}
        if schema_errors(doc, part, out):
            valid[name] = doc
    if len(valid) != len(CATALOGUES):
        return None
    kinds = {
        code: Kind(code, v["zh"], v["en"], tuple(v.get("needs", ())))
        for code, v in valid["kinds.yaml"].data["kinds"].items()
    }
    for code, kind in kinds.items():
        for index, field in enumerate(kind.needs):
            if field not in DERIVED:
                known = ", ".join(sorted(DERIVED))
                path: DataPath = ("kinds", code, "needs", index)
                out.add(
                    valid["kinds.yaml"], path, f"{excerpt(field)} is not a derived field ({known})"
                )
    laws = _build_laws(valid["laws.yaml"], kinds, out)
    routing = _build_routing(valid["routing.yaml"], kinds, out)
    procedure = _build_procedure(valid["procedure.yaml"], laws, out)
    amounts = _build_amounts(valid["procedure.yaml"], ("large_fine_amounts",), laws, None, out)
    province: tuple[LargeFineAmounts, ...] | None = ()
    own = docs.get("hearing_amounts.yaml")
    if own is not None:
        part = {"$ref": "#/$defs/hearing_amounts", "$defs": schema["$defs"]}
        province = None
        if schema_errors(own, part, out):
            name = own.data["province"]
            province = _build_amounts(own, ("amounts",), laws, name, out)
    if routing is None or procedure is None or amounts is None or province is None:
        return None
    return Catalogue(laws, kinds, routing, procedure, amounts, province)


def _build_laws(
    doc: YamlDocument, kinds: Mapping[str, Kind], out: ErrorCollector
) -> dict[str, Law]:
    laws: dict[str, Law] = {}
    entries = doc.data["laws"]
    for code, entry in entries.items():
        successor = None
        if "successor" in entry:
            raw = entry["successor"]
            path: DataPath = ("laws", code, "successor")
            if raw["by"] not in entries:
                out.add(doc, (*path, "by"), f"{excerpt(raw['by'])} is not a law of laws.yaml")
            try:
                on = _date(raw["from"], (*path, "from"))
            except _Located as located:
                out.add(doc, located.path, located.reason)
            else:
                successor = Successor(on, raw["by"], raw["source"], raw.get("note", ""))
        for field in ("special_over", "members"):
            for index, other in enumerate(entry.get(field, ())):
                if other not in entries:
                    out.add(doc, ("laws", code, field, index), f"{excerpt(other)} is not a law")
        if entry.get("members") and not entry.get("family"):
            out.add(doc, ("laws", code, "members"), "only a family (family: true) has members")
        if entry.get("special_over_reason") and not entry.get("special_over"):
            out.add(
                doc,
                ("laws", code, "special_over_reason"),
                "a reason for special_over is given, but special_over names no instrument",
            )
        laws[code] = Law(
            code,
            entry["zh"],
            entry["en"],
            bool(entry.get("family")),
            successor,
            entry.get("rank"),
            tuple(entry.get("special_over", ())),
            tuple(entry.get("members", ())),
            entry.get("title_zh"),
            " ".join(entry.get("special_over_reason", "").split()),
            " ".join(entry.get("yields_to_higher", "").split()),
            _not_encoded(doc, code, entry.get("not_encoded", ()), kinds, out),
        )
    return laws


def _not_encoded(
    doc: YamlDocument,
    code: str,
    entries: Iterable[Mapping[str, Any]],
    kinds: Mapping[str, Kind],
    out: ErrorCollector,
) -> tuple[NotEncoded, ...]:
    """An instrument's cells declared not encoded (text not read), checked against the kinds."""
    found = []
    for index, raw in enumerate(entries):
        path: DataPath = ("laws", code, "not_encoded", index)

        def build(raw: Mapping[str, Any] = raw, path: DataPath = path) -> NotEncoded:
            start, until = _window(raw["in_force"], (*path, "in_force"))
            for number, kind in enumerate(raw["kinds"]):
                if kind not in kinds:
                    raise _Located((*path, "kinds", number), f"unknown kind {excerpt(kind)}")
            return NotEncoded(
                code,
                start,
                until,
                tuple(raw["kinds"]),
                " ".join(raw["note"].split()),
                " ".join(raw.get("source", "").split()),
            )

        declared = out.attempt(doc, path, build)
        if declared is not None:
            found.append(declared)
    return tuple(found)


def _build_amounts(
    doc: YamlDocument,
    at: DataPath,
    laws: Mapping[str, Law],
    province: str | None,
    out: ErrorCollector,
) -> tuple[LargeFineAmounts, ...] | None:
    """Large-fine amounts by window; windows of one list may not overlap."""
    found: list[LargeFineAmounts] = []
    entries = doc.data[at[0]]
    for index, entry in enumerate(entries):
        path: DataPath = (*at, index)

        def build(entry: dict[str, Any] = entry, path: DataPath = path) -> LargeFineAmounts:
            start, until = _window(entry["in_force"], (*path, "in_force"))
            return LargeFineAmounts(
                in_force_from=start,
                in_force_until=until,
                from_yuan=entry["from_yuan"],
                text_zh=entry["text_zh"],
                source=entry["source"],
                review=entry["review"],
                review_note=entry.get("review_note", ""),
                citation=_cites(entry, laws, path) if "cites" in entry else None,
                province=province,
            )

        amounts = out.attempt(doc, path, build)
        if amounts is not None:
            found.append(amounts)
    if len(found) != len(entries):
        return None
    found.sort(key=lambda a: a.in_force_from)
    for index, (first, second) in enumerate(itertools.pairwise(found), start=1):
        if first.in_force_until is None or first.in_force_until > second.in_force_from:
            out.add(doc, (*at, index), "its window overlaps the previous one")
            return None
    return tuple(found)


def _build_routing(
    doc: YamlDocument, kinds: Mapping[str, Kind], out: ErrorCollector
) -> Routing | None:
    tables: dict[str, dict[str, Section]] = {"by_sector": {}, "by_kind": {}}
    allowed = {"by_sector": _sector_codes(), "by_kind": set(kinds)}
    ok = True
    for table, sections in doc.data["routing"].items():
        for section, codes in sections.items():
            for index, code in enumerate(codes):
                path = ("routing", table, section, index)
                if code not in allowed[table]:
                    out.add(doc, path, f"{excerpt(code)} is not a known code for {table}")
                    ok = False
                elif code in tables[table]:
                    out.add(doc, path, f"{excerpt(code)} is routed to two sections")
                    ok = False
                else:
                    tables[table][code] = Section.parse(section)
    return Routing(tables["by_sector"], tables["by_kind"]) if ok else None


def _sector_codes() -> set[str]:
    from ..contract.vocabulary import Sector

    return set(Sector.codes())


def _build_procedure(
    doc: YamlDocument, laws: Mapping[str, Law], out: ErrorCollector
) -> tuple[ProcedureVersion, ...] | None:
    versions: list[ProcedureVersion] = []
    for index, entry in enumerate(doc.data["versions"]):
        path: DataPath = ("versions", index)

        def build(entry: dict[str, Any] = entry, path: DataPath = path) -> ProcedureVersion:
            start, until = _window(entry["in_force"], (*path, "in_force"))
            summary, hearing = entry["summary"], entry["hearing"]
            always = tuple(
                _code(Penalty, code, (*path, "hearing", "always_for", i))
                for i, code in enumerate(hearing["always_for"])
            )
            inclusive = "fine_up_to_yuan" in summary
            return ProcedureVersion(
                version=entry["version"],
                in_force_from=start,
                in_force_until=until,
                summary_citation=_cites(summary, laws, (*path, "summary")),
                summary_limits=summary["fine_up_to_yuan" if inclusive else "fine_below_yuan"],
                summary_inclusive=inclusive,
                hearing_citation=_cites(hearing, laws, (*path, "hearing")),
                hearing_always_for=always,
                concurrence_citation=(
                    _cites(entry["concurrence"], laws, (*path, "concurrence"))
                    if "concurrence" in entry
                    else None
                ),
                review=entry["review"],
                later_law_policy=entry["later_law"]["policy"],
                later_law_citation=(
                    _cites(entry["later_law"], laws, (*path, "later_law"))
                    if "cites" in entry["later_law"]
                    else None
                ),
                later_law_text=entry["later_law"]["text_zh"],
            )

        version = out.attempt(doc, path, build)
        if version is not None:
            versions.append(version)
    if len(versions) != len(doc.data["versions"]):
        return None
    return tuple(sorted(versions, key=lambda v: v.in_force_from))


def _cites(block: Mapping[str, Any], laws: Mapping[str, Law], path: DataPath) -> Citation:
    cites = block["cites"]
    if cites["law"] not in laws:
        raise _Located((*path, "cites", "law"), f"unknown law {excerpt(cites['law'])}")
    return Citation(
        cites["law"],
        cites["version"],
        cites["article"],
        cites.get("paragraph"),
        cites.get("item"),
        block["text_zh"],
    )


def _window(block: Mapping[str, Any], path: DataPath) -> tuple[dt.date, dt.date | None]:
    start = _date(block["from"], (*path, "from"))
    until = _date(block["until"], (*path, "until")) if "until" in block else None
    if until is not None and until <= start:
        raise _Located((*path, "until"), f"in force until {until} is not after from {start}")
    return start, until


def _date(value: str, path: DataPath) -> dt.date:
    try:
        return parse_date(value)
    except InvalidValue as error:
        raise _Located(path, error.problem) from None


def _code(enum_type: type[C], value: str, path: DataPath) -> C:
    try:
        return enum_type.parse(value)
    except ValueError:
        allowed = ", ".join(enum_type.codes())
        raise _Located(
            path, f"{excerpt(value)} is not a {enum_type.__name__} code (allowed: {allowed})"
        ) from None


def _build_rules(doc: YamlDocument, catalogue: Catalogue, out: ErrorCollector) -> list[Rule]:
    laws, kinds = catalogue.laws, catalogue.kinds
    data = doc.data

    def provision() -> Provision:
        if data["law"] not in laws:
            raise _Located(
                ("law",), f"unknown law {excerpt(data['law'])} (known: {', '.join(laws)})"
            )
        start, until = _window(data["in_force"], ("in_force",))
        successor = laws[data["law"]].successor
        if successor is not None and (until is None or until > successor.on):
            raise _Located(
                ("in_force", "until"),
                f"{data['law']} was succeeded by {successor.law} on {successor.on.isoformat()}: "
                f"no version of it may be in force after that day (until ≤ "
                f"{successor.on.isoformat()})",
            )
        items = {}
        for number, item in data["provision"].get("items", {}).items():
            for index, kind in enumerate(item.get("kinds", ())):
                if kind not in kinds:
                    raise _Located(
                        ("provision", "items", number, "kinds", index),
                        f"unknown kind {excerpt(kind)}",
                    )
            items[int(number)] = ProvisionItem(
                int(number), item["text_zh"], tuple(item.get("kinds", ()))
            )
        return Provision(
            file=doc.file,
            law=data["law"],
            version=data["version"],
            in_force_from=start,
            in_force_until=until,
            article=data["provision"]["article"],
            title=data["provision"]["title"],
            text_zh=data["provision"].get("text_zh", data["provision"]["title"]),
            items=items,
            source=data.get("source", ""),
            review=data["review"],
            review_note=data.get("review_note", ""),
            applies_by=data.get("applies_by", "occurred_on"),
            fine_limits=data["provision"].get("fine_limits"),
        )

    built = out.attempt(doc, (), provision)
    if built is None:
        return []
    rules = []
    for index, raw in enumerate(data["rules"]):
        path: DataPath = ("rules", index)

        def build(raw: Mapping[str, Any] = raw, path: DataPath = path) -> Rule:
            return _rule(raw, built, doc, catalogue, path)

        rule = out.attempt(doc, path, build)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule(
    raw: Mapping[str, Any],
    provision: Provision,
    doc: YamlDocument,
    catalogue: Catalogue,
    path: DataPath,
) -> Rule:
    laws, kinds = catalogue.laws, catalogue.kinds
    cites = raw.get("cites", {})
    item = cites.get("item", ())
    items = (item,) if isinstance(item, int) else tuple(item)
    for number in items:
        if provision.items and number not in provision.items:
            raise _Located(
                (*path, "cites", "item"), f"item {number} is not listed in provision.items"
            )
    try:
        when = parse_condition(raw["when"], kinds)
        paths = alternatives(when)
    except ConditionError as error:
        raise _Located((*path, "when", *error.path), error.reason) from None
    if not all(derived_atoms_positive(conjunction) for conjunction in paths):
        raise _Located(
            (*path, "when"),
            "a derived field is tested under 'not': the engine derives it as a fact, and its "
            "absence cannot be tested; name the codes that apply instead",
        )
    then: Outcome = _outcome(raw["then"], (*path, "then"))
    if then.referred_to is not None and then.referred_to not in laws:
        known = ", ".join(laws)
        raise _Located(
            (*path, "then", "referred_to"),
            f"{excerpt(then.referred_to)} is not a law of laws.yaml (known: {known})",
        )
    if any(fine.income_multiple for fine in then.fines) and not _requires_income(when):
        raise _Located(
            (*path, "when"),
            "a fine by income multiple needs illegal_income_yuan: {exists: true} or {gte: …}",
        )
    examples = []
    for number, example in enumerate(raw["examples"]):
        here = (*path, "examples", number)
        try:
            Violation.from_dict(example["facts"], kinds=kinds)
        except FactError as error:
            raise _Located(
                (*here, "facts", error.field), f"example facts are invalid: {error}"
            ) from None
        except FactErrors as error:
            raise _Located(
                (*here, "facts", error.errors[0].field), f"example facts are invalid: {error}"
            ) from None
        _check_expect(example["expect"], (*here, "expect"))
        examples.append(
            Example(
                example["name"],
                example["facts"],
                example["expect"],
                doc.line_of(here),
                example.get("fires", True),
            )
        )
    rule = Rule(
        id=raw["id"],
        title=raw["title"],
        provision=provision,
        paragraph=cites.get("paragraph"),
        items=items,
        when=when,
        then=then,
        examples=tuple(examples),
        line=doc.line_of(path),
    )
    try:
        fits = Network.alone(rule)
    except ConditionError as error:  # more alternatives than the engine takes per rule
        raise _Located((*path, "when"), error.reason) from None
    if not fits:
        raise _Located(
            (*path, "when"),
            "the condition's network exceeds the engine's limits even in a ruleset of its own "
            f"(at most {MAX_STACK} comparisons that one fact can meet at once, "
            f"{MAX_CHILDREN} alternatives below one comparison; docs/engine.md): split the rule",
        )
    return rule


def _outcome(raw: Mapping[str, Any], path: DataPath) -> Outcome:
    measures = tuple(
        _code(Measure, m, (*path, "measures", i)) for i, m in enumerate(raw.get("measures", ()))
    )
    penalties = None
    if "penalties" in raw:
        penalties = tuple(
            _code(Penalty, p, (*path, "penalties", i)) for i, p in enumerate(raw["penalties"])
        )
    fines = tuple(_fine(f, (*path, "fines", i)) for i, f in enumerate(raw.get("fines", ())))
    no_provision = bool(raw.get("no_provision", False))
    if no_provision and (penalties is not None or fines):
        raise _Located(path, "no_provision excludes penalties and fines")
    has_fine = penalties is not None and Penalty.FINE in penalties
    if fines and not has_fine:
        raise _Located((*path, "fines"), "fines are given but 'fine' is not in penalties")
    if has_fine and not fines:
        raise _Located((*path, "penalties"), "'fine' is in penalties but no fine range is given")
    targets = [fine.target for fine in fines]
    if len(set(targets)) != len(targets):
        raise _Located((*path, "fines"), "two fine ranges for the same target")
    if no_provision and not raw.get("notes"):
        raise _Located(path, "a no_provision rule must say why in notes")
    adjustment = (
        _code(PenaltyAdjustment, raw["penalty_adjustment"], (*path, "penalty_adjustment"))
        if "penalty_adjustment" in raw
        else PenaltyAdjustment.NONE
    )
    referred_to = raw.get("referred_to")
    authority = (
        _code(Authority, raw["competent_authority"], (*path, "competent_authority"))
        if "competent_authority" in raw
        else None
    )
    if referred_to is not None and (no_provision or penalties):
        raise _Located(path, "a referral (referred_to) decides no penalty of its own here")
    if referred_to is not None and not raw.get("notes"):
        raise _Located(path, "a referral must say in notes what the other instrument decides")
    deciding = penalties is not None or no_provision or referred_to or authority
    if adjustment is not PenaltyAdjustment.NONE and deciding:
        raise _Located(
            path, "an adjustment rule (penalty_adjustment) cannot also decide the penalty"
        )
    derive = _derive(raw, path) if "derive" in raw else None
    if derive is not None and (
        measures or deciding or adjustment is not PenaltyAdjustment.NONE or raw.get("daily_fine")
    ):
        raise _Located((*path, "derive"), "a derivation rule (derive) has no other outcome")
    fills = bool(raw.get("fills_parties", False))
    if fills and not fines:
        raise _Located((*path, "fills_parties"), "fills_parties needs the fines it would fill")
    return Outcome(
        measures,
        penalties,
        fines,
        no_provision,
        tuple(raw.get("notes", ())),
        adjustment,
        bool(raw.get("daily_fine", False)),
        referred_to,
        authority,
        derive,
        fills,
    )


def _derive(raw: Mapping[str, Any], path: DataPath) -> tuple[str, str]:
    ((field, value),) = raw["derive"].items()
    here = (*path, "derive", field)
    if field not in DERIVED:
        raise _Located(
            here, f"{excerpt(field)} is not a derived field ({', '.join(sorted(DERIVED))})"
        )
    enum_type = FIELDS[field][1]
    assert enum_type is not None
    if value not in enum_type.codes():  # type: ignore[attr-defined]
        allowed = ", ".join(enum_type.codes())  # type: ignore[attr-defined]
        raise _Located(here, f"{excerpt(value)} is not a {field} code (allowed: {allowed})")
    return field, str(value)


def _requires_income(condition: Condition) -> bool:
    """Whether the condition, at its top level, requires an illegal income to be stated."""
    parts = condition.items if isinstance(condition, AllOf) else (condition,)
    return any(
        isinstance(part, Test)
        and part.field == engine_field("illegal_income_yuan")
        and not part.negated
        and (part.op in ("gt", "gte") or (part.op == "exists" and part.value is True))
        for part in parts
    )


def _fine(raw: Mapping[str, Any], path: DataPath) -> FineRange:
    target = _code(FineTarget, raw["target"], (*path, "target"))
    mandatory = bool(raw.get("mandatory", True))
    if "max_income_multiple" in raw:
        low, high = float(raw.get("min_income_multiple", 0)), float(raw["max_income_multiple"])
        if low > high:
            raise _Located(
                path, f"min_income_multiple {low:g} exceeds max_income_multiple {high:g}"
            )
        return FineRange(target, 0.0, 0.0, mandatory, (low, high))
    if "max_income_share" in raw:
        low, high = float(raw.get("min_income_share", 0)), float(raw["max_income_share"])
        if low > high:
            raise _Located(path, f"min_income_share {low:g} exceeds max_income_share {high:g}")
        if target is FineTarget.UNIT:
            raise _Located(
                path, "a share of the previous year's income fines a person, not the unit"
            )
        return FineRange(target, 0.0, 0.0, mandatory, income_share=(low, high), amount_known=False)
    fine = FineRange(target, float(raw.get("min_yuan", 0)), float(raw["max_yuan"]), mandatory)
    if fine.min_yuan > fine.max_yuan:
        raise _Located(path, f"min_yuan {fine.min_yuan:g} exceeds max_yuan {fine.max_yuan:g}")
    return fine


def _check_expect(expect: Mapping[str, Any], path: DataPath) -> None:
    for key, enum_type in (("measures", Measure), ("penalties", Penalty)):
        for index, code in enumerate(expect.get(key, ())):
            _code(enum_type, code, (*path, key, index))
    for index, fine in enumerate(expect.get("fines", ())):
        _code(FineTarget, fine["target"], (*path, "fines", index, "target"))


def _check_derivations(rules: list[Rule], out: ErrorCollector) -> None:
    """Every derived field a rule tests is derived by some rule, and no derived field depends on
    itself (through the fields its derivation rules test): the chaining terminates."""
    derived_by: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.then.derive is not None:
            derived_by.setdefault(rule.then.derive[0], []).append(rule)
    reads = {
        field: {t.field for rule in producers for t in atoms(rule.when)} & DERIVED
        for field, producers in derived_by.items()
    }
    for rule in rules:
        for field in sorted({t.field for t in atoms(rule.when)} & DERIVED):
            if field not in derived_by:
                out.errors.append(
                    RuleFileError(
                        rule.provision.file,
                        rule.line,
                        rule.id,
                        f"tests the derived field {field!r}, which no rule derives",
                    )
                )
    for field, producers in sorted(derived_by.items()):
        seen: set[str] = set()
        todo = list(reads[field])
        while todo:
            other = todo.pop()
            if other == field:
                rule = producers[0]
                out.errors.append(
                    RuleFileError(
                        rule.provision.file,
                        rule.line,
                        rule.id,
                        f"the derived field {field!r} depends on itself through its conditions",
                    )
                )
                break
            if other not in seen:
                seen.add(other)
                todo.extend(reads.get(other, ()))


def _check_unique_ids(
    rules: list[Rule], docs: Mapping[str, YamlDocument], out: ErrorCollector
) -> None:
    first: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in first:
            other = first[rule.id]
            out.errors.append(
                RuleFileError(
                    rule.provision.file,
                    rule.line,
                    rule.id,
                    f"duplicate rule id (also at {other.provision.file}:{other.line})",
                )
            )
        else:
            first[rule.id] = rule
