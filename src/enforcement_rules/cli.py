"""`enforcement-rules decide | explain | check`: JSON or JSON Lines in, JSON or text out.

Each input line is decided on its own: a bad line gets an error object in its place on stdout and
a message on stderr, the other lines are still decided, and the exit status is 1. `check` exits 1
on any finding but pending reviews, 2 when the rules do not load.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from .api import Decider
from .errors import EnforcementRulesError, FactError, FactErrors, RuleSetError
from .explain import explain
from .loader import load_rules, rule_file_schema
from .verify import verify

EXIT_OK, EXIT_BAD_INPUT, EXIT_BAD_RULES = 0, 1, 2


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    return Path(source).read_text("utf-8")


def read_inputs(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON or the error) for one JSON object or for JSON Lines."""
    stripped = text.strip()
    if stripped.startswith("{") and "\n" in stripped:
        try:
            yield 1, json.loads(stripped)
            return
        except json.JSONDecodeError:
            pass  # not one multi-line object: read as JSON Lines
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            yield (
                number,
                FactError("<facts>", f"not valid JSON: {error.msg} at column {error.colno}"),
            )


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
    decider: Decider, text: str, out: TextIO, err: TextIO, *, as_text: bool, trace: bool
) -> int:
    status = EXIT_OK
    for number, data in read_inputs(text):
        try:
            if isinstance(data, EnforcementRulesError):
                raise data
            violation = decider.violation(data)
            decision = decider.decide(violation)
        except EnforcementRulesError as error:
            status = EXIT_BAD_INPUT
            print(f"line {number}: {error}", file=err)
            if not as_text:
                print(json.dumps(_error_object(number, error), ensure_ascii=False), file=out)
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
    commands.add_parser("schema", help="print the rule-file JSON Schema (for editors)")
    return parser


def _check(rules_dir: str | None, as_json: bool, out: TextIO, err: TextIO) -> int:
    try:
        rules = load_rules(rules_dir)
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    report = verify(rules)
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
    if args.command == "schema":
        print(json.dumps(rule_file_schema(), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    if args.command == "check":
        rules_dir: str | None = args.rules_dir or args.rules
        return _check(rules_dir, bool(args.json), out, err)
    try:
        rules = load_rules(args.rules)
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    try:
        text = _read(args.input)
    except OSError as error:
        print(f"cannot read {args.input}: {error}", file=err)
        return EXIT_BAD_INPUT
    decider = Decider(rules)
    as_text = args.command == "explain"
    return _decide_lines(
        decider, text, out, err, as_text=as_text, trace=getattr(args, "trace", False)
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
