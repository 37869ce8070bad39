"""`check`: prove a rule set consistent (walk its whole fact space, run its examples)."""

from __future__ import annotations

import argparse
from typing import Any

from .. import cases
from ..contract.errors import RuleSetError
from ..proving.space import MAX_CLASSES
from ..proving.verify import verify
from .common import EXIT_BAD_INPUT, EXIT_OK, Command, add_json


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check",
        parents=[common],
        help="prove a rule set consistent: walk its whole fact space, run its examples",
        description="Exit 0 when the rule set has no finding but pending reviews, 1 otherwise.",
    )
    check.add_argument(
        "rules_dir", nargs="?", metavar="RULES_DIR", help="default: --rules, else the bundled rules"
    )
    add_json(check)
    check.add_argument(
        "--max-classes",
        type=int,
        default=MAX_CLASSES,
        metavar="N",
        help=f"walk no component with more classes; report it instead (default {MAX_CLASSES:,})",
    )
    check.set_defaults(run=run)


def run(command: Command) -> int:
    args = command.args
    try:
        rules = command.rules(args.rules_dir)
        cases.case_law_of(rules)  # the case-lifecycle thresholds must load too
    except RuleSetError as error:
        return command.fail(error)
    with command.progress("checking") as progress:
        report = verify(rules, max_classes=int(args.max_classes), progress=progress)
    if args.json:
        command.json(report.to_dict())
    else:
        command.print(report.to_text())
    return EXIT_OK if report.ok else EXIT_BAD_INPUT
