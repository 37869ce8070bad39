"""`case record | show | due`: enforcement cases, an event log per case (docs/cases.md).

Every case command decides under `--rules` (and the case law that rules directory declares in
`cases/case_law.yaml`, else the bundled one). A log path that does not exist is refused, by
`record` too unless `--create` asks for a new log: a mistyped path never starts an empty log or
reports that nothing is due.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import cases
from ..contract.codec import InvalidValue, parse_date
from ..contract.errors import EnforcementRulesError, FactError
from ..rulebook.model import RuleSet
from .common import EXIT_BAD_INPUT, EXIT_OK, Command, add_json, fail_unreadable


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    case_cmd = commands.add_parser(
        "case", parents=[common], help="enforcement cases: an event log per case"
    )
    case_commands = case_cmd.add_subparsers(dest="case_command", required=True, metavar="COMMAND")
    record = case_commands.add_parser(
        "record", parents=[common], help="append the events of a JSON Lines file"
    )
    record.add_argument("db", metavar="DB", help="the SQLite event log")
    record.add_argument("events", metavar="EVENTS.jsonl", help="a JSON Lines file, or -")
    record.add_argument(
        "--create", action="store_true", help="create the event log if DB does not exist"
    )
    add_json(record, "the summary")
    record.set_defaults(run=run_record)
    show = case_commands.add_parser(
        "show", parents=[common], help="a case's timeline with every decision"
    )
    show.add_argument("db", metavar="DB")
    show.add_argument("case_id", metavar="CASE_ID")
    add_json(show, "the timeline")
    show.set_defaults(run=run_show)
    due = case_commands.add_parser(
        "due", parents=[common], help="what falls due on or before a date"
    )
    due.add_argument("db", metavar="DB")
    due.add_argument("--on", required=True, metavar="DATE", help="an ISO date YYYY-MM-DD")
    add_json(due, "the list")
    due.set_defaults(run=run_due)


def _law(rules: RuleSet) -> cases.CaseLaw | None:
    return cases.case_law_of(rules)


def run_record(command: Command) -> int:
    args = command.args
    unreadable = fail_unreadable(command, str(args.events))
    if unreadable is not None:
        return unreadable
    try:
        rules = command.rules()
        summary = cases.record(
            args.db, args.events, rules=rules, law=_law(rules), create=bool(args.create)
        )
    except (EnforcementRulesError, OSError) as error:
        return command.fail(error)
    for skipped in summary.already_recorded:
        print(f"line {skipped['line']}: already recorded, skipped", file=command.err)
    for problem in summary.errors:
        print(f"line {problem['line']}: {problem['error']['message']}", file=command.err)
    if args.json:
        command.json(summary.to_dict())
    else:
        per_case = ", ".join(f"{case} {count:,}" for case, count in summary.cases.items())
        command.print(
            f"记录事件 (events recorded): {summary.recorded:,}"
            + (f" ({per_case})" if per_case else "")
        )
        repeated = len(summary.already_recorded)
        command.print(f"已记录过、跳过 (already recorded, skipped): {repeated:,}")
        command.print(f"有错误的行 (lines with errors): {len(summary.errors):,}")
    return EXIT_BAD_INPUT if summary.errors else EXIT_OK


def run_show(command: Command) -> int:
    args = command.args
    try:
        rules = command.rules()
        law = _law(rules)
        if args.json:
            command.print(cases.show_json(args.db, args.case_id, rules=rules, law=law))
        else:
            command.print(cases.show(args.db, args.case_id, rules=rules, law=law))
    except (EnforcementRulesError, OSError) as error:
        return command.fail(error)
    return EXIT_OK


def run_due(command: Command) -> int:
    args = command.args
    try:
        day = parse_date(args.on)
    except InvalidValue as error:
        return command.fail(FactError("--on", error.problem, error.allowed, error.suggestion))
    try:
        rules = command.rules()
        items = cases.due(args.db, day, rules=rules, law=_law(rules))
    except (EnforcementRulesError, OSError) as error:
        return command.fail(error)
    if args.json:
        command.json([item.to_dict() for item in items])
        return EXIT_OK
    if not items:
        command.print(f"截至 {day} 无到期事项 (nothing falls due by {day})")
    for item in items:
        command.print(f"{item.due}  {item.case_id}  {item.unit}  {item.zh} ({item.en})")
    return EXIT_OK
