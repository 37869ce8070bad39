"""The case law data (`case_law.yaml`): thresholds and citations of what follows a finding.

Kept as data, validated like rule files (safe YAML, JSON Schema, then dates and laws), so legal
staff review the 180-day / one-year thresholds and the citations where they review the rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import jsonschema
from jsonschema.exceptions import best_match

from ..contract.citation import Citation
from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import RuleFileError, RuleSetError
from ..rulebook.loader import CASE_LAW_FILE, bundled_rules_dir, packaged_schema
from ..rulebook.model import RuleSet, in_force
from ..rulebook.safe_yaml import YamlDocument, read_yaml
from ..rulebook.tree import read_file

PROVISIONS = ("correction_order", "resumption", "daily_fine", "closure")
KNOWN_LAWS = ("work_safety_law", "penalty_measures", "administrative_penalty_law")


@attrs.frozen
class Threshold:
    """`count` penalties within a period that starts on the first of them (end exclusive)."""

    count: int
    days: int = 0
    years: int = 0

    def end(self, start: dt.date) -> dt.date:
        """The first day outside the period opened on `start` (29 Feb + 1 year: 1 March)."""
        if self.days:
            return start + dt.timedelta(days=self.days)
        try:
            return start.replace(year=start.year + self.years)
        except ValueError:
            return dt.date(start.year + self.years, 3, 1)

    @property
    def label(self) -> str:
        period = f"{self.days} days" if self.days else f"{self.years} year(s)"
        return f"{self.count} within {period}"


@attrs.frozen
class ProvisionVersion:
    in_force_from: dt.date
    in_force_until: dt.date | None
    citation: Citation
    thresholds: tuple[Threshold, ...] = ()

    def in_force_on(self, day: dt.date) -> bool:
        return in_force(day, self.in_force_from, self.in_force_until)


@attrs.frozen
class CaseProvision:
    code: str
    title_zh: str
    title_en: str
    versions: tuple[ProvisionVersion, ...]

    def on(self, day: dt.date) -> ProvisionVersion | None:
        """The version in force on `day`, or None (then nothing is derived under it)."""
        return next((v for v in self.versions if v.in_force_on(day)), None)


@attrs.frozen
class CaseLaw:
    source: str
    provisions: Mapping[str, CaseProvision]

    def __getitem__(self, code: str) -> CaseProvision:
        return self.provisions[code]


def _default_path() -> Path:
    """`rules/cases/case_law.yaml` of the bundled rules: the law lives in `rules/` only."""
    return bundled_rules_dir() / CASE_LAW_FILE


def _schema() -> dict[str, Any]:
    return packaged_schema("case_law.schema.json", __package__)


def load_case_law(path: str | Path | None = None) -> CaseLaw:
    """Read and validate the case law file; every defect raises `RuleSetError` with its line."""
    file = Path(path) if path is not None else _default_path()
    try:
        text = read_file(file)
    except RuleFileError as error:
        raise RuleSetError([error]) from None
    return parse_case_law(text, str(file))


def case_law_of(rules: RuleSet) -> CaseLaw | None:
    """The case law a loaded rules directory declares (`cases/case_law.yaml`), if it has one."""
    text = rules.data_files.get(CASE_LAW_FILE.as_posix())
    if text is None:
        return None
    return parse_case_law(text, str(Path(rules.source) / CASE_LAW_FILE))


def parse_case_law(text: str, file: str) -> CaseLaw:
    """Validate the text of a case law file; every defect raises `RuleSetError` with its line."""
    try:
        doc = read_yaml(text, file)
    except RuleFileError as error:
        raise RuleSetError([error]) from None
    errors = [
        _located(doc, tuple(shown.absolute_path), shown.message)
        for error in jsonschema.Draft202012Validator(_schema()).iter_errors(doc.data)
        for shown in [best_match(error.context) if error.context else error]
    ]
    if errors:
        raise RuleSetError(errors)
    provisions: dict[str, CaseProvision] = {}
    for code in PROVISIONS:
        raw = doc.data["provisions"][code]
        versions = tuple(
            _version(doc, ("provisions", code, "versions", index), entry)
            for index, entry in enumerate(raw["versions"])
        )
        errors.extend(_overlaps(doc, code, versions))
        provisions[code] = CaseProvision(code, raw["title"]["zh"], raw["title"]["en"], versions)
    if errors:
        raise RuleSetError(errors)
    return CaseLaw(source=file, provisions=provisions)


def _located(doc: YamlDocument, path: tuple[str | int, ...], reason: str) -> RuleFileError:
    where = "/".join(map(str, path)) or "the file"
    return RuleFileError(doc.file, doc.line_of(path), None, f"{where}: {reason}")


def _version(
    doc: YamlDocument, path: tuple[str | int, ...], entry: Mapping[str, Any]
) -> ProvisionVersion:
    def date(key: str) -> dt.date:
        try:
            return parse_date(entry["in_force"][key])
        except InvalidValue as error:
            raise RuleSetError([_located(doc, (*path, "in_force", key), error.problem)]) from None

    start = date("from")
    until = date("until") if "until" in entry["in_force"] else None
    if until is not None and until <= start:
        raise RuleSetError(
            [_located(doc, (*path, "in_force", "until"), f"{until} is not after {start}")]
        )
    cites = entry["cites"]
    if cites["law"] not in KNOWN_LAWS:
        reason = f"unknown law {cites['law']!r} (allowed: {', '.join(KNOWN_LAWS)})"
        raise RuleSetError([_located(doc, (*path, "cites", "law"), reason)])
    citation = Citation(
        cites["law"],
        cites["version"],
        cites["article"],
        cites.get("paragraph"),
        cites.get("item"),
        entry["text_zh"],
    )
    thresholds = tuple(
        Threshold(t["count"], t["within"].get("days", 0), t["within"].get("years", 0))
        for t in entry.get("thresholds", ())
    )
    return ProvisionVersion(start, until, citation, thresholds)


def _overlaps(
    doc: YamlDocument, code: str, versions: tuple[ProvisionVersion, ...]
) -> list[RuleFileError]:
    """Two versions in force on one day would make the citation ambiguous."""
    ordered = sorted(enumerate(versions), key=lambda pair: pair[1].in_force_from)
    errors = []
    for (_, earlier), (index, later) in itertools.pairwise(ordered):
        if earlier.in_force_until is None or earlier.in_force_until > later.in_force_from:
            path = ("provisions", code, "versions", index, "in_force")
            errors.append(_located(doc, path, "in force together with another version"))
    return errors


@cache
def default_case_law() -> CaseLaw:
    """The bundled case law, loaded once per process."""
    return load_case_law()
