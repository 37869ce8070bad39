"""`plan report`: a year of inspection records against the bureau's plan (docs/plan.md).

Under `--rules`, each shortfall of a sector's units names the section that answers for it (the
rule set's routing of sectors to sections).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..contract.errors import EnforcementRulesError, error_object
from ..plan.records import RecordsError
from ..plan.report import plan_report
from .common import EXIT_BAD_INPUT, EXIT_OK, Command, add_json, fail_unreadable


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    plan_cmd = commands.add_parser(
        "plan", parents=[common], help="the bureau's annual enforcement plan"
    )
    plan_commands = plan_cmd.add_subparsers(dest="plan_command", required=True, metavar="COMMAND")
    report = plan_commands.add_parser(
        "report",
        parents=[common],
        help="inspection records (JSON Lines) → every shortfall against the plan",
    )
    report.add_argument("records", metavar="RECORDS.jsonl", help="a JSON Lines file, or -")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--plan", metavar="FILE", help="default: the bundled 2010 plan")
    add_json(report)
    report.set_defaults(run=run)


def run(command: Command) -> int:
    args = command.args
    unreadable = fail_unreadable(command, str(args.records))
    if unreadable is not None:
        return unreadable
    try:
        result = plan_report(args.plan, str(args.records), int(args.year), rules=command.rules())
    except RecordsError as error:
        print(error, file=command.err)
        if args.json:
            command.json({"ok": False, "errors": [error_object(e) for e in error.errors]})
        return EXIT_BAD_INPUT
    except (EnforcementRulesError, OSError) as error:
        return command.fail(error)
    if args.json:
        command.json(result.to_dict())
    else:
        command.out.write(result.to_text())
    return EXIT_OK if result.ok else EXIT_BAD_INPUT
