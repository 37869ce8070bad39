"""The law on combining one inspection's findings (`inspections/combining.yaml`), read and proved.

Two questions, each answered by date (the decision date) in data, never in code:
- `same_act`: one act breaking several provisions is fined once: where procedure.yaml states a
  concurrence rule (APL 2021 Art. 29, from 2021-07-15: the provision with the highest fine),
  that one; before, the file's own entries (APL 1996 Art. 24: once, whose fine unstated);
- `separate_acts`: several acts are each assessed and penalised together (Order 15 Art. 52/53:
  分别裁量、合并处罚), the fines added up.
A rules directory without the file combines separate acts by adding up and refuses same-act
groups (it encodes no rule for them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..contract.citation import Citation
from ..contract.errors import RuleFileError, RuleSetError, excerpt
from .combination import Combining, CombiningRule
from .loader import ErrorCollector, packaged_schema, schema_errors
from .model import Law, RuleSet
from .safe_yaml import Path as DataPath
from .safe_yaml import YamlDocument, read_yaml

FILE = "inspections/combining.yaml"


def with_combining(rules: RuleSet) -> RuleSet:
    """`rules` with its combining law read and proved (unchanged without the file)."""
    text = rules.data_files.get(FILE)
    if text is None:
        return rules
    out = ErrorCollector()
    try:
        doc = read_yaml(text, FILE)
    except RuleFileError as error:
        raise RuleSetError([error]) from None
    combining = None
    if schema_errors(doc, packaged_schema("combining.schema.json"), out):
        combining = Combining(
            same_act=_entries(doc, "same_act", rules.laws, out),
            separate_acts=_entries(doc, "separate_acts", rules.laws, out),
        )
        for index, entry in enumerate(combining.same_act):
            for version in rules.procedure:
                if version.concurrence_citation is not None and _overlap(
                    entry,
                    CombiningRule(
                        version.in_force_from,
                        version.in_force_until,
                        version.concurrence_citation,
                        "",
                        "",
                    ),
                ):
                    out.add(
                        doc,
                        ("same_act", index, "in_force"),
                        f"procedure.yaml states the concurrence rule of {version.version} "
                        "for these dates: it is not repeated here",
                    )
    if out.errors or combining is None:
        raise RuleSetError(out.errors)
    return attrs.evolve(rules, combining=combining)


def _entries(
    doc: YamlDocument, key: str, laws: Mapping[str, Law], out: ErrorCollector
) -> tuple[CombiningRule, ...]:
    found: list[CombiningRule] = []
    for index, raw in enumerate(doc.data[key]):
        path: DataPath = (key, index)
        entry = _entry(doc, raw, path, laws, out)
        if entry is None:
            continue
        for other in found:
            if _overlap(entry, other):
                out.add(doc, (*path, "in_force"), "its window overlaps an earlier entry's")
        found.append(entry)
    return tuple(found)


def _entry(
    doc: YamlDocument,
    raw: Mapping[str, Any],
    path: DataPath,
    laws: Mapping[str, Law],
    out: ErrorCollector,
) -> CombiningRule | None:
    cites = raw["cites"]
    if cites["law"] not in laws:
        out.add(doc, (*path, "cites", "law"), f"unknown law {excerpt(cites['law'])}")
        return None
    dates: list[dt.date | None] = []
    for name in ("from", "until"):
        value = raw["in_force"].get(name)
        if value is None:
            dates.append(None)
            continue
        try:
            dates.append(dt.date.fromisoformat(str(value)))
        except ValueError:
            out.add(doc, (*path, "in_force", name), f"{excerpt(value)} is not a date")
            return None
    start, until = dates
    if start is None:
        return None
    if until is not None and until <= start:
        out.add(doc, (*path, "in_force"), "the window ends before it starts")
        return None
    citation = Citation(
        cites["law"],
        str(cites["version"]),
        cites["article"],
        cites.get("paragraph"),
        cites.get("item"),
        " ".join(raw["text_zh"].split()),
    )
    return CombiningRule(
        start, until, citation, " ".join(raw["source"].split()), raw["review"], raw.get("policy")
    )


def _overlap(first: CombiningRule, second: CombiningRule) -> bool:
    ends: Sequence[dt.date] = (dt.date.max,)
    first_end = first.in_force_until or ends[0]
    second_end = second.in_force_until or ends[0]
    return first.in_force_from < second_end and second.in_force_from < first_end
