"""`vocabulary`: every code facts and decisions use, with its Chinese term (docs/vocabulary.md).

The kinds come from the rule set (`--rules`), the other lists from the library's vocabulary.
`vocabulary kinds` lists one list; `--json` gives `{list: [{code, zh, en}, …]}`.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..contract.errors import RuleSetError, suggest
from ..contract.vocabulary import (
    FACT_FIELDS,
    Authority,
    Circumstance,
    Code,
    FineTarget,
    Hazard,
    Hearing,
    Measure,
    Penalty,
    PenaltyAdjustment,
    PenaltyBasis,
    Procedure,
    Section,
    Sector,
)
from ..rulebook.model import RuleSet
from .common import EXIT_OK, EXIT_USAGE, Command, add_json

#: The lists, in the order of docs/vocabulary.md; `kinds` and `fields` are built, not enums.
CODE_LISTS: dict[str, tuple[str, str, type[Code] | None]] = {
    "kinds": ("违法行为", "violation kinds", None),
    "fields": ("事实字段", "fact fields", None),
    "sectors": ("行业", "sectors", Sector),
    "hazards": ("事故隐患", "hazards", Hazard),
    "circumstances": ("情节", "circumstances", Circumstance),
    "measures": ("现场处理措施", "on-site measures", Measure),
    "penalties": ("行政处罚", "penalties", Penalty),
    "fine_targets": ("罚款对象", "fine targets", FineTarget),
    "penalty_adjustments": ("处罚调整", "penalty adjustments", PenaltyAdjustment),
    "penalty_bases": ("处罚依据类型", "penalty bases", PenaltyBasis),
    "procedures": ("程序", "procedures", Procedure),
    "hearings": ("听证", "hearings", Hearing),
    "sections": ("主管科室", "sections", Section),
    "authorities": ("其他机关", "other authorities", Authority),
}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    vocabulary = commands.add_parser(
        "vocabulary",
        aliases=["codes"],
        parents=[common],
        help="list every code (kinds, sectors, circumstances, …) with its Chinese term",
        description="The codes facts and decisions use. LIST is one of: " + ", ".join(CODE_LISTS),
    )
    vocabulary.add_argument("list", metavar="LIST", nargs="?", help="only this list")
    add_json(vocabulary, "the lists")
    vocabulary.set_defaults(run=run)


def entries(name: str, rules: RuleSet) -> list[dict[str, str]]:
    """One list as `{code, zh, en}` entries, in the vocabulary's order."""
    if name == "kinds":
        return [{"code": k.code, "zh": k.zh, "en": k.en} for k in rules.kinds.values()]
    if name == "fields":
        return [{"code": f, "zh": zh, "en": en} for f, (zh, en) in FACT_FIELDS.items()]
    enum = CODE_LISTS[name][2]
    assert enum is not None
    return [{"code": m.value, "zh": m.zh, "en": m.en} for m in enum]


def run(command: Command) -> int:
    wanted = command.args.list
    if wanted is not None and wanted not in CODE_LISTS:
        meant = suggest(wanted, CODE_LISTS)
        hint = f"; did you mean {meant!r}?" if meant else ""
        print(
            f"no list {wanted!r}{hint} (lists: {', '.join(CODE_LISTS)})",
            file=command.err,
        )
        return EXIT_USAGE
    try:
        rules = command.rules()
    except RuleSetError as error:
        return command.fail(error)
    names = [wanted] if wanted is not None else list(CODE_LISTS)
    if command.args.json:
        command.json({name: entries(name, rules) for name in names})
        return EXIT_OK
    for index, name in enumerate(names):
        zh, en, _ = CODE_LISTS[name]
        found = entries(name, rules)
        if index:
            command.print()
        command.print(f"{zh} ({en}, {len(found)}):")
        width = max(len(entry["code"]) for entry in found)
        for entry in found:
            command.print(f"  {entry['code'].ljust(width)}  {entry['zh']} ({entry['en']})")
    return EXIT_OK
