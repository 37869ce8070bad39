"""Reading and proving discretion benchmark files against the rule set they narrow.

A benchmark is loaded only beside a loaded rule set: every band is proved against the statutory
range the rule set's own penalty rules give for that provision, kind, stage and target. The file
is refused (a `RuleSetError`, each defect naming file, line and row) where
- it does not match `schemas/discretion.schema.json`;
- a row names a provision, item or kind the rule set does not have together;
- a band lies outside the statutory range of the stage (or the law fines no such target then);
- two tiers of a row overlap, or leave a gap (before the last tier; after it, unless the row says
  it is `complete`, the values are simply not covered: a band no source states is not encoded);
- a heavier tier gives a lower band than a milder one (floor or ceiling), or a band's floor is
  above its ceiling.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..contract.errors import RuleFileError, RuleSetError, excerpt
from ..contract.fines import yuan
from ..contract.vocabulary import FineTarget
from .benchmark import MILDER_FLAG, STAGES, TIER_FACTS, Band, Benchmark, Row, Tier
from .conditions import alternatives
from .loader import ErrorCollector, packaged_schema, schema_errors
from .model import Rule, RuleSet
from .safe_yaml import Path as DataPath
from .safe_yaml import YamlDocument, read_yaml
from .tree import read_file

#: Bundled benchmark files: `discretion/<id>.yaml` in the rules directory.
FOLDER = "discretion"


def benchmark_schema() -> dict[str, Any]:
    """The JSON Schema of a benchmark file (published for editors and bureaus)."""
    return packaged_schema("discretion.schema.json")


def with_benchmarks(rules: RuleSet, selected: Sequence[str | Path] = ()) -> RuleSet:
    """`rules` with its discretion benchmarks loaded and proved.

    Every bundled file (`discretion/*.yaml` of the rules directory) is read and proved; the
    national ones apply by default. `selected` adds others: a bundled benchmark's id (e.g.
    "shanxi-2021") or the path of a bureau's own file. Raises `RuleSetError` naming file, line and
    row of every defect.
    """
    out = ErrorCollector()
    bundled: dict[str, Benchmark] = {}
    for relative, text in sorted(rules.data_files.items()):
        if relative.startswith(f"{FOLDER}/"):
            found = _read(text, relative, rules, out)
            if found is not None and found.id in bundled:
                out.errors.append(
                    RuleFileError(
                        relative,
                        1,
                        None,
                        f"benchmark id {found.id!r} is also {bundled[found.id].file}'s",
                    )
                )
            elif found is not None:
                bundled[found.id] = attrs.evolve(found, applied=found.level == "national")
    extra: list[Benchmark] = []
    texts: list[str] = []
    for choice in selected:
        name = str(choice)
        if name in bundled:
            bundled[name] = attrs.evolve(bundled[name], applied=True)
            texts.append(f"selected:{name}")
            continue
        path = Path(name)
        if not path.suffix:
            known = ", ".join(sorted(bundled)) or "none"
            out.errors.append(
                RuleFileError(name, None, None, f"no bundled benchmark {excerpt(name)} ({known})")
            )
            continue
        try:
            text = read_file(path)
        except RuleFileError as error:
            out.errors.append(error)
            continue
        found = _read(text, name, rules, out)
        if found is not None:
            if found.id in bundled or any(b.id == found.id for b in extra):
                out.errors.append(
                    RuleFileError(name, 1, None, f"benchmark id {found.id!r} is already loaded")
                )
                continue
            extra.append(found)
            texts.append(text)
    if out.errors:
        raise RuleSetError(out.errors)
    benchmarks = (*bundled.values(), *extra)
    digest = rules.digest
    if texts:
        digest = hashlib.sha256("\n".join([digest, *texts]).encode()).hexdigest()[:16]
    return attrs.evolve(rules, benchmarks=benchmarks, digest=digest)


def load_benchmark(path: str | Path, rules: RuleSet) -> Benchmark:
    """One benchmark file read and proved against `rules` (`RuleSetError` if it is not sound)."""
    out = ErrorCollector()
    found = None
    try:
        found = _read(read_file(Path(path)), str(path), rules, out)
    except RuleFileError as error:
        out.errors.append(error)
    if out.errors or found is None:
        raise RuleSetError(out.errors)
    return found


def _read(text: str, file: str, rules: RuleSet, out: ErrorCollector) -> Benchmark | None:
    try:
        doc = read_yaml(text, file)
    except RuleFileError as error:
        out.errors.append(error)
        return None
    if not schema_errors(doc, benchmark_schema(), out):
        return None
    before = len(out.errors)
    data = doc.data
    rows: list[Row] = []
    ids: set[str] = set()
    for index, raw in enumerate(data["rows"]):
        path: DataPath = ("rows", index)
        if raw["id"] in ids:
            _fail(out, doc, (*path, "id"), raw["id"], "the row id is used twice in the file")
            continue
        ids.add(raw["id"])
        row = _row(doc, raw, path, rules, out)
        if row is not None:
            rows.append(row)
    window = data["in_force"]
    start = _date(doc, window["from"], ("in_force", "from"), out)
    until = _date(doc, window["until"], ("in_force", "until"), out) if "until" in window else None
    scope = data["scope"]
    if scope["level"] != "national" and "region" not in scope:
        _fail(out, doc, ("scope",), None, "a benchmark below the national level names its region")
    if len(out.errors) > before or start is None:
        return None
    return Benchmark(
        id=data["benchmark"],
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        issuer=data["issuer"],
        document=data["document"],
        level=scope["level"],
        region=scope.get("region"),
        in_force_from=start,
        in_force_until=until,
        source=" ".join(data["source"].split()),
        review=data["review"],
        review_note=" ".join(data.get("review_note", "").split()),
        file=file,
        rows=tuple(rows),
    )


def _fail(
    out: ErrorCollector, doc: YamlDocument, path: DataPath, row: str | None, reason: str
) -> None:
    """A located error naming the row (`row <id>`) where there is one."""
    if row is None and len(path) >= 2 and path[0] == "rows" and isinstance(path[1], int):
        rows = doc.data.get("rows", [])
        if path[1] < len(rows) and isinstance(rows[path[1]], dict):
            row = str(rows[path[1]].get("id"))
    label = f"row {row}" if row is not None else None
    out.errors.append(RuleFileError(doc.file, doc.line_of(path), label, reason))


def _date(doc: YamlDocument, value: Any, path: DataPath, out: ErrorCollector) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _fail(out, doc, path, None, f"{excerpt(value)} is not a date (YYYY-MM-DD)")
        return None


def _row(
    doc: YamlDocument, raw: Mapping[str, Any], path: DataPath, rules: RuleSet, out: ErrorCollector
) -> Row | None:
    before = len(out.errors)
    row_id = raw["id"]
    law, version, article, item = raw["law"], str(raw["version"]), raw["article"], raw.get("item")
    provisions = [
        p
        for p in rules.provisions
        if p.law == law and p.version == version and p.article == article
    ]
    if not provisions:
        _fail(
            out,
            doc,
            (*path, "article"),
            row_id,
            f"the rule set has no provision {law}@{version} Art. {article}",
        )
        return None
    if item is not None and not any(item in p.items for p in provisions):
        _fail(out, doc, (*path, "item"), row_id, f"Art. {article} has no item {item}")
        return None
    named: set[str] = set()
    for provision in provisions:
        if item is not None:
            named.update(provision.items[item].kinds)
    of_provision = [
        rule
        for rule in rules.rules
        if rule.then.decides_penalty
        and rule.provision.law == law
        and rule.provision.version == version
        and rule.provision.article == article
        and (item is None or not rule.items or item in rule.items)
    ]
    if item is None:
        named.update(kind for rule in of_provision for kind in rule.named_kinds())
    for index, kind in enumerate(raw["kinds"]):
        if kind not in named:
            where = f"item {item}" if item is not None else f"Art. {article}"
            _fail(
                out,
                doc,
                (*path, "kinds", index),
                row_id,
                f"{excerpt(kind)} is not a kind of {where} (it names {', '.join(sorted(named))})",
            )
    if len(out.errors) > before:
        return None
    deciding = [rule for rule in of_provision if rule.named_kinds() & set(raw["kinds"])]
    by = raw["by"]
    sort = TIER_FACTS[by]
    tiers: list[Tier] = []
    for number, tier_raw in enumerate(raw["tiers"], start=1):
        tier = _tier(doc, tier_raw, (*path, "tiers", number - 1), number, row_id, sort, out)
        if tier is not None:
            tiers.append(tier)
    if len(out.errors) > before:
        return None
    _check_cover(doc, path, row_id, by, sort, raw["complete"], tiers, out)
    _check_order(doc, path, row_id, tiers, out)
    for tier in tiers:
        for stage, bands in tier.bands.items():
            for band in bands:
                _check_statutory(doc, row_id, band, stage, deciding, raw["kinds"], out)
    if len(out.errors) > before:
        return None
    return Row(
        id=row_id,
        number=str(raw["number"]),
        law=law,
        version=version,
        article=article,
        item=item,
        kinds=tuple(raw["kinds"]),
        by=by,
        complete=raw["complete"],
        text_zh=" ".join(raw["text_zh"].split()),
        tiers=tuple(tiers),
        line=doc.line_of(path),
        law_version=provisions[0].law_version,
        note=" ".join(raw.get("note", "").split()),
    )


def _tier(
    doc: YamlDocument,
    raw: Mapping[str, Any],
    path: DataPath,
    number: int,
    row_id: str,
    sort: str,
    out: ErrorCollector,
) -> Tier | None:
    when = raw["when"]
    low: int | None = None
    high: int | None = None
    flag: bool | None = None
    if sort == "flag":
        if not isinstance(when, bool):
            _fail(out, doc, (*path, "when"), row_id, "a yes/no tier fact takes true or false")
            return None
        flag = when
    else:
        if not isinstance(when, dict):
            _fail(out, doc, (*path, "when"), row_id, "a count or amount takes {min, max}")
            return None
        scale = 100 if sort == "amount" else 1
        for key, value in when.items():
            units = value * scale
            if not float(units).is_integer():
                whole = "whole fen" if sort == "amount" else "whole numbers"
                _fail(out, doc, (*path, "when", key), row_id, f"{value} is not in {whole}")
                return None
        if "min" in when:
            low = int(when["min"] * scale)
        if "above" in when:
            low = int(when["above"] * scale) + 1
        if "max" in when:
            high = int(when["max"] * scale)
        if "below" in when:
            high = int(when["below"] * scale) - 1
        if low is not None and high is not None and low > high:
            _fail(
                out,
                doc,
                (*path, "when"),
                row_id,
                "the tier covers no value (its floor is above its ceiling)",
            )
            return None
    bands: dict[str, tuple[Band, ...]] = {}
    for stage in STAGES:
        if stage not in raw["bands"]:
            continue
        found = []
        for target_code, amounts in raw["bands"][stage].items():
            where: DataPath = (*path, "bands", stage, target_code)
            band = Band(
                FineTarget.parse(target_code),
                float(amounts["min_yuan"]),
                float(amounts["max_yuan"]),
                doc.line_of(where),
            )
            if band.min_yuan > band.max_yuan:
                _fail(
                    out, doc, where, row_id, f"tier {number}: the band's floor is above its ceiling"
                )
                continue
            found.append(band)
        bands[stage] = tuple(sorted(found, key=lambda b: b.target.order))
    return Tier(number, raw["text_zh"], low, high, flag, bands, doc.line_of(path))


def _check_cover(
    doc: YamlDocument,
    path: DataPath,
    row_id: str,
    by: str,
    sort: str,
    complete: bool,
    tiers: Sequence[Tier],
    out: ErrorCollector,
) -> None:
    """Tiers in order do not overlap and leave no gap; a complete row reaches every value."""
    where = (*path, "tiers")
    if sort == "flag":
        values = [tier.flag for tier in tiers]
        if len(set(values)) != len(values):
            _fail(out, doc, where, row_id, f"two tiers cover {by} = {values[-1]}: tiers overlap")
        elif values and values[0] is not MILDER_FLAG[by]:
            _fail(
                out, doc, where, row_id, f"tiers run mildest first: {by} = {MILDER_FLAG[by]} first"
            )
        elif complete and len(values) != 2:
            _fail(out, doc, where, row_id, f"a complete row covers {by} both true and false")
        return
    for number, (first, second) in enumerate(itertools_pairwise(tiers), start=1):
        if first.high is None or (second.low is not None and second.low <= first.high):
            _fail(
                out,
                doc,
                (*where, number),
                row_id,
                f"tiers {number} and {number + 1} overlap ({_span(first, sort)} and "
                f"{_span(second, sort)})",
            )
        elif second.low is None or second.low > first.high + 1:
            _fail(
                out,
                doc,
                (*where, number),
                row_id,
                f"a gap between tiers {number} and {number + 1} ({_span(first, sort)} and "
                f"{_span(second, sort)})",
            )
    if complete and tiers and tiers[-1].high is not None:
        _fail(
            out,
            doc,
            (*where, len(tiers) - 1),
            row_id,
            f"the row says it is complete but its last tier ends at {_span(tiers[-1], sort)}",
        )


def itertools_pairwise(tiers: Sequence[Tier]) -> Iterable[tuple[Tier, Tier]]:
    return itertools.pairwise(tiers)


def _span(tier: Tier, sort: str) -> str:
    def shown(units: int | None) -> str:
        if units is None:
            return "…"
        return yuan(units / 100) if sort == "amount" else str(units)

    return f"{shown(tier.low)}–{shown(tier.high)}"


def _check_order(
    doc: YamlDocument, path: DataPath, row_id: str, tiers: Sequence[Tier], out: ErrorCollector
) -> None:
    """A heavier tier never gives a lower band (floor or ceiling) for the same stage and target."""
    for earlier, later in itertools_pairwise(tiers):
        for stage, bands in later.bands.items():
            for band in bands:
                milder = earlier.band(stage, band.target)
                if milder is None:
                    continue
                if band.min_yuan < milder.min_yuan or band.max_yuan < milder.max_yuan:
                    out.errors.append(
                        RuleFileError(
                            doc.file,
                            band.line,
                            f"row {row_id}",
                            f"tier {later.number} ({stage}, {band.target.value}) gives "
                            f"{_band(band)}, lower than tier {earlier.number}'s {_band(milder)}: "
                            "a heavier tier never gives a lower band",
                        )
                    )


def _band(band: Band) -> str:
    return f"{yuan(band.min_yuan)}–{yuan(band.max_yuan)} yuan"


def _stage_of(rule: Rule, kinds: Sequence[str]) -> set[str]:
    """The stages (first, overdue) at which `rule` can fire for one of `kinds`."""
    stages: set[str] = set()
    for conjunction in alternatives(rule.when):
        kind_ok = all(
            not (field == "kind" and op == "eq" and value not in kinds)
            for field, op, value in conjunction
        )
        if not kind_ok:
            continue
        for stage, overdue in (("first", False), ("overdue", True)):
            if all(
                (value is overdue) if op == "eq" else (value is not overdue)
                for field, op, value in conjunction
                if field == "overdue" and op in ("eq", "neq")
            ):
                stages.add(stage)
    return stages


def _check_statutory(
    doc: YamlDocument,
    row_id: str,
    band: Band,
    stage: str,
    deciding: Sequence[Rule],
    kinds: Sequence[str],
    out: ErrorCollector,
) -> None:
    """The band lies inside the fine every penalty rule of that stage gives the target."""
    ranges = [
        (rule, fine)
        for rule in deciding
        if stage in _stage_of(rule, kinds)
        for fine in rule.then.fines
        if fine.target is band.target and fine.income_multiple is None
    ]
    if not ranges:
        out.errors.append(
            RuleFileError(
                doc.file,
                band.line,
                f"row {row_id}",
                f"the law fines no {band.target.value} at the {stage} stage of this provision "
                "in the rule set: a band needs a statutory range to narrow",
            )
        )
        return
    for rule, fine in ranges:
        if band.min_yuan < fine.min_yuan or band.max_yuan > fine.max_yuan:
            out.errors.append(
                RuleFileError(
                    doc.file,
                    band.line,
                    f"row {row_id}",
                    f"the band {_band(band)} ({stage}, {band.target.value}) lies outside the "
                    f"statutory range {yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} yuan of rule "
                    f"{rule.id}",
                )
            )
            return
