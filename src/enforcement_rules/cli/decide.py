"""`decide` and `explain`: facts (one JSON object or JSON Lines) in, decisions out.

Each input line is decided on its own: a bad line gets an error object in its place on stdout
(`{"line": N, "error": {type, field, allowed, suggestion, message}}`) and a message on stderr,
the other lines are still decided, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..contract.errors import EnforcementRulesError, error_object
from ..contract.inspection import Inspection
from ..contract.lines import json_line, open_lines, read_items
from ..deciding.decider import Decider
from ..deciding.inspection import InspectionDecider
from ..review.explain import LANGS, Lang, explain
from .common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Command,
    fail_unreadable,
    input_argument,
)


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    decide = commands.add_parser(
        "decide",
        parents=[common],
        help="facts (JSON or JSON Lines) → decisions (JSON Lines)",
        description="Decide every fact of a JSON object or JSON Lines input; one JSON "
        "decision per input line (a bad line gets an error object in its place).",
    )
    input_argument(decide, "input", "FILE", "a JSON or JSON Lines file")
    decide.add_argument("--trace", action="store_true", help="add the trace of fired rules")
    decide.add_argument(
        "--inspection",
        action="store_true",
        help="each input line is one inspection ({findings, same_act, ref}): each finding "
        "decided, then combined into one decision (docs/vocabulary.md, Inspections)",
    )
    decide.set_defaults(run=run_decide)
    explain_cmd = commands.add_parser(
        "explain",
        parents=[common],
        help="facts → the decision explained in words (Chinese and English)",
        description="Explain each decision for inspectors and legal staff: the law version "
        "and why, every rule fired with its condition in words and its formal citation.",
    )
    input_argument(explain_cmd, "input", "FILE", "a JSON or JSON Lines file")
    explain_cmd.add_argument(
        "--lang",
        choices=LANGS,
        default="both",
        help="zh: Chinese only; en: English only; both (default): 中文 (English)",
    )
    explain_cmd.add_argument(
        "--json",
        action="store_true",
        help="one JSON line per input: the decision with its explanation under 'explanation'",
    )
    explain_cmd.set_defaults(run=run_explain)


def run_decide(command: Command) -> int:
    return _run(command, as_text=False)


def run_explain(command: Command) -> int:
    return _run(command, as_text=not command.args.json)


def _run(command: Command, *, as_text: bool) -> int:
    source = str(command.args.input)
    unreadable = fail_unreadable(command, source)
    if unreadable is not None:
        return unreadable
    decider = Decider(command.rules())
    try:
        lines = open_lines(source)
    except OSError as error:
        print(f"cannot read {source}: {error.strerror or error}", file=command.err)
        return EXIT_BAD_INPUT
    if getattr(command.args, "inspection", False):
        return decide_inspections(command, InspectionDecider(decider), lines)
    return decide_lines(command, decider, lines, as_text=as_text)


def decide_inspections(command: Command, decider: InspectionDecider, lines: Iterable[bytes]) -> int:
    """Decide every line as an inspection; a bad line gets an error object in its place."""
    out, err = command.out, command.err
    trace = bool(getattr(command.args, "trace", False))
    today = dt.date.today()
    status = EXIT_OK
    with command.progress("deciding inspections") as progress:
        for number, data in read_items(lines):
            progress(f"line {number:,}")
            try:
                if isinstance(data, EnforcementRulesError):
                    raise data
                inspection = Inspection.from_dict(data, kinds=decider.rules.kinds, today=today)
                decided = decider.decide(inspection)
            except EnforcementRulesError as error:
                status = EXIT_BAD_INPUT
                print(f"line {number}: {error}", file=err)
                print(json_line({"line": number, "error": error_object(error)}), file=out)
                continue
            print(decided.to_json(trace=trace), file=out)
    return status


def decide_lines(
    command: Command, decider: Decider, lines: Iterable[bytes], *, as_text: bool
) -> int:
    """Decide every line: one output line per input line, a bad line an error object in its
    place (and a message on stderr), the other lines decided all the same."""
    out, err = command.out, command.err
    trace = bool(getattr(command.args, "trace", False))
    lang: Lang = getattr(command.args, "lang", "both")
    explaining = command.args.command == "explain"
    today = dt.date.today()
    status = EXIT_OK
    with command.progress("deciding") as progress:
        for number, data in read_items(lines):
            progress(f"line {number:,}")
            try:
                if isinstance(data, EnforcementRulesError):
                    raise data
                violation = decider.violation(data, today=today)
                decision = decider.decide(violation)
            except EnforcementRulesError as error:
                status = EXIT_BAD_INPUT
                print(f"line {number}: {error}", file=err)
                if not as_text:
                    print(json_line({"line": number, "error": error_object(error)}), file=out)
                continue
            if as_text:
                heading = {"zh": f"第{number}行", "en": f"line {number}"}.get(
                    lang, f"第{number}行 (line {number})"
                )
                print(f"── {heading} ──", file=out)
                print(explain(decider.rules, violation, decision, lang), file=out)
                print(file=out)
            elif explaining:
                data = decision.to_dict(trace=trace)
                data["explanation"] = explain(decider.rules, violation, decision, lang)
                print(json_line(data), file=out)
            else:
                print(decision.to_json(trace=trace), file=out)
    return status
