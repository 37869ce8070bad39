"""`enforcement-rules decide | explain | check | render | diff | schema | case | plan | serve`.

decide/explain read one JSON object or JSON Lines and write JSON Lines or text.

Each input line is decided on its own: a bad line gets an error object in its place on stdout and
a message on stderr, the other lines are still decided, and the exit status is 1. `check` exits 1
on any finding but pending reviews, `diff` exits 1 when decisions or rules differ; both exit 2 when
rules do not load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import cases
from .contract.codec import InvalidValue, parse_date
from .contract.errors import EnforcementRulesError, FactError, FactErrors, RuleSetError
from .contract.lines import json_line, open_lines, read_items
from .deciding.decider import Decider
from .plan.report import plan_report
from .proving.space import MAX_CLASSES
from .proving.verify import verify
from .review.diff import diff_rules, remove_extracted, resolve_rules_arg
from .review.explain import explain
from .review.render import render
from .rulebook.loader import load_rules
from .service import commands as service_commands

EXIT_OK, EXIT_BAD_INPUT, EXIT_BAD_RULES = 0, 1, 2


def _error_object(line: int, error: EnforcementRulesError) -> dict[str, Any]:
    fields = (
        [e.field for e in error.errors]
        if isinstance(error, FactErrors)
        else [error.field]
        if isinstance(error, FactError)
        else []
    )
    return {
        "line": line,
        "error": {"type": type(error).__name__, "fields": fields, "message": str(error)},
    }


def _decide_lines(
    decider: Decider,
    lines: Iterable[bytes],
    out: TextIO,
    err: TextIO,
    *,
    as_text: bool,
    trace: bool,
) -> int:
    """Decide every line: one output line per input line, a bad line an error object in its
    place (and a message on stderr), the other lines decided all the same."""
    status = EXIT_OK
    for number, data in read_items(lines):
        try:
            if isinstance(data, EnforcementRulesError):
                raise data
            violation = decider.violation(data)
            decision = decider.decide(violation)
        except EnforcementRulesError as error:
            status = EXIT_BAD_INPUT
            print(f"line {number}: {error}", file=err)
            if not as_text:
                print(json_line(_error_object(number, error)), file=out)
            continue
        if as_text:
            print(f"── 第{number}行 (line {number}) ──", file=out)
            print(explain(decider.rules, violation, decision), file=out)
            print(file=out)
        else:
            print(decision.to_json(trace=trace), file=out)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-rules",
        description="Decide on-site measures and penalties for work-safety violations.",
    )
    parser.add_argument("--rules", metavar="DIR", help="rules directory (default: bundled rules)")
    commands = parser.add_subparsers(dest="command", required=True)
    decide = commands.add_parser(
        "decide", help="facts (JSON or JSON Lines) → decisions (JSON Lines)"
    )
    decide.add_argument("input", metavar="FILE", help="a JSON or JSON Lines file, or - for stdin")
    decide.add_argument("--trace", action="store_true", help="add the trace of fired rules")
    explain_cmd = commands.add_parser("explain", help="facts → the decision explained in words")
    explain_cmd.add_argument(
        "input", metavar="FILE", help="a JSON or JSON Lines file, or - for stdin"
    )
    check = commands.add_parser(
        "check", help="prove a rule set consistent: walk its whole fact space, run its examples"
    )
    check.add_argument(
        "rules_dir", nargs="?", metavar="RULES_DIR", help="default: --rules, else the bundled rules"
    )
    check.add_argument("--json", action="store_true", help="the report as JSON")
    check.add_argument(
        "--max-classes",
        type=int,
        default=MAX_CLASSES,
        metavar="N",
        help=f"walk no component with more classes; report it instead (default {MAX_CLASSES:,})",
    )
    schema_cmd = commands.add_parser(
        "schema", help="print the rule-file JSON Schema (for editors), or a published one"
    )
    service_commands.add_schema_arguments(schema_cmd)
    service_commands.add_serve_parser(commands)
    render_cmd = commands.add_parser("render", help="the rule catalogue for legal staff")
    render_cmd.add_argument(
        "rules_dir", nargs="?", metavar="RULES_DIR", help="default: --rules, else the bundled rules"
    )
    render_cmd.add_argument("--format", choices=("md", "html"), default="html")
    render_cmd.add_argument("-o", "--output", metavar="DIR", required=True, help="output folder")
    diff_cmd = commands.add_parser(
        "diff", help="which decisions change between two rule sets (folders or git revisions)"
    )
    diff_cmd.add_argument("old", metavar="OLD_RULES")
    diff_cmd.add_argument("new", metavar="NEW_RULES")
    diff_cmd.add_argument("--format", choices=("text", "md", "json"), default="text")
    case_cmd = commands.add_parser("case", help="enforcement cases: an event log per case")
    case_commands = case_cmd.add_subparsers(dest="case_command", required=True)
    case_record = case_commands.add_parser("record", help="append the events of a JSON Lines file")
    case_record.add_argument("db", metavar="DB", help="the SQLite event log (created if absent)")
    case_record.add_argument("events", metavar="EVENTS.jsonl", help="a JSON Lines file, or -")
    case_show = case_commands.add_parser("show", help="a case's timeline with every decision")
    case_show.add_argument("db", metavar="DB")
    case_show.add_argument("case_id", metavar="CASE_ID")
    case_show.add_argument("--json", action="store_true", help="the timeline as JSON")
    case_due = case_commands.add_parser("due", help="what falls due on or before a date")
    case_due.add_argument("db", metavar="DB")
    case_due.add_argument("--on", required=True, metavar="DATE", help="an ISO date YYYY-MM-DD")
    plan_cmd = commands.add_parser("plan", help="the bureau's annual enforcement plan")
    plan_commands = plan_cmd.add_subparsers(dest="plan_command", required=True)
    report = plan_commands.add_parser(
        "report", help="inspection records (JSON Lines) → every shortfall against the plan"
    )
    report.add_argument("records", metavar="RECORDS.jsonl")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--plan", metavar="FILE", help="default: the bundled 2010 plan")
    report.add_argument("--json", action="store_true", help="the report as JSON")
    return parser


def _case(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        if args.case_command == "record":
            summary = cases.record(args.db, args.events)
            print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2), file=out)
            for skipped in summary.already_recorded:
                print(f"line {skipped['line']}: already recorded, skipped", file=err)
            for problem in summary.errors:
                print(f"line {problem['line']}: {problem['error']['message']}", file=err)
            return EXIT_BAD_INPUT if summary.errors else EXIT_OK
        if args.case_command == "show":
            shown = (
                cases.show_json(args.db, args.case_id)
                if args.json
                else cases.show(args.db, args.case_id)
            )
            print(shown, file=out)
            return EXIT_OK
        items = cases.due(args.db, parse_date(args.on))
        print(
            json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=2), file=out
        )
        return EXIT_OK
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    except (EnforcementRulesError, InvalidValue, OSError) as error:
        print(error, file=err)
        return EXIT_BAD_INPUT


def _plan_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        result = plan_report(args.plan, Path(args.records), int(args.year))
    except (RuleSetError, FactError, FactErrors) as error:
        print(error, file=err)
        return EXIT_BAD_RULES if isinstance(error, RuleSetError) else EXIT_BAD_INPUT
    except OSError as error:
        print(f"cannot read {args.records}: {error}", file=err)
        return EXIT_BAD_INPUT
    text = (
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else result.to_text()
    )
    print(text, file=out)
    return EXIT_OK if result.ok else EXIT_BAD_INPUT


def _render(rules_dir: str | None, fmt: str, output: str, out: TextIO, err: TextIO) -> int:
    try:
        rules = load_rules(rules_dir)
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    written = render(rules, "md" if fmt == "md" else "html", Path(output))
    print(f"wrote {len(written)} file(s) to {output}", file=out)
    return EXIT_OK


def _diff(old: str, new: str, fmt: str, out: TextIO, err: TextIO) -> int:
    """The diff, its temporary copies of git revisions removed however it ends (a SIGTERM or
    SIGHUP becomes an orderly exit, so they are removed then too)."""
    with _orderly_exit_on_signals():
        try:
            return _diff_revisions(old, new, fmt, out, err)
        finally:
            remove_extracted()


@contextlib.contextmanager
def _orderly_exit_on_signals() -> Iterator[None]:
    def stop(signum: int, _: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous = {number: signal.signal(number, stop) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _diff_revisions(old: str, new: str, fmt: str, out: TextIO, err: TextIO) -> int:
    try:
        before = load_rules(resolve_rules_arg(old, Path.cwd()))
        after = load_rules(resolve_rules_arg(new, Path.cwd()))
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    result = diff_rules(before, after, labels=(old, new))
    if fmt == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), file=out)
    else:
        print(result.to_markdown() if fmt == "md" else result.to_text(), file=out)
    return EXIT_OK if result.empty else EXIT_BAD_INPUT


def _check(rules_dir: str | None, as_json: bool, max_classes: int, out: TextIO, err: TextIO) -> int:
    try:
        rules = load_rules(rules_dir)
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    try:
        cases.case_law_of(rules)  # the case-lifecycle thresholds must load too
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    report = verify(rules, max_classes=max_classes)
    text = (
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.to_text()
    )
    print(text, file=out)
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "case":
        return _case(args, out, err)
    if args.command == "plan":
        return _plan_report(args, out, err)
    if args.command == "render":
        return _render(args.rules_dir or args.rules, str(args.format), str(args.output), out, err)
    if args.command == "diff":
        return _diff(str(args.old), str(args.new), str(args.format), out, err)
    if args.command == "schema":
        return service_commands.schema(args, out, err)
    if args.command == "serve":
        return service_commands.serve(args, out, err)
    if args.command == "check":
        rules_dir: str | None = args.rules_dir or args.rules
        return _check(rules_dir, bool(args.json), int(args.max_classes), out, err)
    try:
        rules = load_rules(args.rules)
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    try:
        lines = open_lines(args.input)
    except OSError as error:
        print(f"cannot read {args.input}: {error.strerror or error}", file=err)
        return EXIT_BAD_INPUT
    decider = Decider(rules)
    as_text = args.command == "explain"
    return _decide_lines(
        decider, lines, out, err, as_text=as_text, trace=getattr(args, "trace", False)
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
