"""`decide` and `explain`: facts (one JSON object or JSON Lines) in, decisions out.

Each input line is decided on its own: a bad line gets an error object in its place on stdout
(`{"line": N, "error": {type, field, allowed, suggestion, message}}`) and a message on stderr,
the other lines are still decided, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import stat
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ..contract.decision import Decision
from ..contract.errors import EnforcementRulesError, error_object
from ..contract.inspection import Inspection
from ..contract.lines import json_line, open_lines, read_items
from ..deciding.decider import Decider
from ..deciding.inspection import InspectionDecider
from ..deciding.table import with_ref
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
    cache_argument(decide)
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
    cache_argument(explain_cmd)
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


#: The decider's budget for one pass over an input (`Decider(table_bytes=…)`, all its caches
#: together): less than a reused decider's, since what a single pass loses is only the
#: classes met again after the budget let them go. On 1M realistic lines: 7.6k lines/s in a
#: 360 MiB peak, against 5.7k in 283 MiB at 128 and 4.5k in 225 MiB at 64 (docs/scale.md).
CACHE_MIB = 192


def cache_argument(parser: argparse.ArgumentParser) -> None:
    """`--cache-mib`: the decider's budget (`Decider(table_bytes=…)`), for a run to trade."""
    parser.add_argument(
        "--cache-mib",
        type=_mebibytes,
        default=CACHE_MIB,
        metavar="MIB",
        help="memory for what is kept between lines: all the decider's caches together (the "
        "final-decision table, the resolver's, the rule groups' and the key's memos, "
        "docs/scale.md): more is faster on inputs of very many classes met again "
        f"(default: {CACHE_MIB})",
    )


def _mebibytes(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of MiB") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} MiB: at least 1")
    return number


def run_decide(command: Command) -> int:
    return _run(command, as_text=False)


def run_explain(command: Command) -> int:
    return _run(command, as_text=not command.args.json)


def _run(command: Command, *, as_text: bool) -> int:
    source = str(command.args.input)
    unreadable = fail_unreadable(command, source)
    if unreadable is not None:
        return unreadable
    decider = Decider(command.rules(), table_bytes=command.args.cache_mib * 2**20)
    try:
        lines = open_lines(source)
    except OSError as error:
        print(f"cannot read {source}: {error.strerror or error}", file=command.err)
        return EXIT_BAD_INPUT
    if getattr(command.args, "inspection", False):
        return decide_inspections(command, InspectionDecider(decider), lines)
    chunk = CHUNK_LINES if _regular_file(source) else 1
    return decide_lines(command, decider, lines, as_text=as_text, chunk=chunk)


def error_line(number: int, error: EnforcementRulesError) -> str:
    """The output line standing in for input line `number` that could not be decided."""
    return json_line({"line": number, "error": error_object(error)})


def line_by_line(
    command: Command,
    lines: Iterable[bytes],
    activity: str,
    decide_line: Callable[[int, Any], str],
    *,
    error_lines: bool = True,
) -> int:
    """The loop every line-by-line writer shares: read each input line, decide it
    (`decide_line(number, data)` gives its output text), write the text; a line that cannot be
    decided gets its message on stderr and, unless the output is text for reading
    (`error_lines=False`), an error object in its place. The exit status says whether any
    line failed."""
    status = EXIT_OK
    with command.progress(activity) as progress:
        for number, data in read_items(lines):
            progress(f"line {number:,}")
            try:
                if isinstance(data, EnforcementRulesError):
                    raise data
                text = decide_line(number, data)
            except EnforcementRulesError as error:
                status = EXIT_BAD_INPUT
                print(f"line {number}: {error}", file=command.err)
                if error_lines:
                    print(error_line(number, error), file=command.out)
                continue
            print(text, file=command.out)
    return status


def decide_inspections(command: Command, decider: InspectionDecider, lines: Iterable[bytes]) -> int:
    """Decide every line as an inspection; a bad line gets an error object in its place."""
    trace = bool(getattr(command.args, "trace", False))
    today = dt.date.today()

    def decide_line(_: int, data: Any) -> str:
        inspection = Inspection.from_dict(data, kinds=decider.rules.kinds, today=today)
        return decider.decide(inspection).to_json(trace=trace)

    return line_by_line(command, lines, "deciding inspections", decide_line)


def decide_lines(
    command: Command, decider: Decider, lines: Iterable[bytes], *, as_text: bool, chunk: int = 1
) -> int:
    """Decide every line: one output line per input line, a bad line an error object in its
    place (and a message on stderr), the other lines decided all the same. `decide` streams
    (`_stream`); `explain` explains each line, as text or as JSON with an `explanation`."""
    trace = bool(getattr(command.args, "trace", False))
    lang: Lang = getattr(command.args, "lang", "both")
    if not as_text and command.args.command != "explain":
        return _stream(command, decider, lines, trace=trace, chunk=chunk)
    today = dt.date.today()

    def explain_line(number: int, data: Any) -> str:
        violation = decider.violation(data, today=today)
        decision = decider.decide(violation)
        explanation = explain(decider.rules, violation, decision, lang)
        if not as_text:
            shown = decision.to_dict(trace=trace)
            shown["explanation"] = explanation
            return json_line(shown)
        heading = {"zh": f"第{number}行", "en": f"line {number}"}.get(
            lang, f"第{number}行 (line {number})"
        )
        return f"── {heading} ──\n{explanation}\n"

    return line_by_line(command, lines, "deciding", explain_line, error_lines=not as_text)


#: Lines read and decided together when the input is a file; a pipe or terminal is answered
#: line by line, so that a caller that writes a line and waits for its answer gets it.
CHUNK_LINES = 2048
#: The memory the remembered JSON texts of distinct decisions may take (then they are forgotten
#: at once): bounded by bytes, not by count, since one text is 2–8 KB (Chinese is two bytes a
#: character in a Python string) and a count of 50,000 alone held some 300 MiB.
TEXT_BYTES = 32 * 2**20


def _stream(
    command: Command, decider: Decider, lines: Iterable[bytes], *, trace: bool, chunk: int
) -> int:
    """`decide`: the input read and decided a chunk at a time, each chunk's lines written as
    soon as it is decided, one output line per input line. Each distinct decision (shared by
    the facts of its class) is serialised once; a fact's `ref` is spliced into its text."""
    out, err = command.out, command.err
    status = EXIT_OK
    texts = _Texts()
    items = read_items(lines)
    with command.progress("deciding") as progress:
        while batch := list(itertools.islice(items, chunk)):
            progress(f"line {batch[-1][0]:,}")
            facts = [data for _, data in batch if not isinstance(data, EnforcementRulesError)]
            decided = iter(decider.decide_chunks(facts, chunk_size=len(facts) or 1))
            shared, refs = next(decided) if facts else ([], [])
            position = 0
            written: list[str] = []
            for number, data in batch:
                result: Decision | EnforcementRulesError
                if isinstance(data, EnforcementRulesError):
                    result, ref = data, None
                else:
                    result, ref = shared[position], refs[position]
                    position += 1
                if isinstance(result, EnforcementRulesError):
                    status = EXIT_BAD_INPUT
                    print(f"line {number}: {result}", file=err)
                    written.append(error_line(number, result))
                elif trace:
                    found = result if ref is None else with_ref(result, ref)
                    written.append(found.to_json(trace=True))
                else:
                    written.append(_text(texts, result, ref))
            out.write("\n".join(written) + "\n")
            out.flush()
    return status


class _Texts(dict[int, tuple[Decision, str]]):
    """Distinct decisions' JSON texts by the decision's id (each entry holds its decision, so
    the id stays its), with the bytes they take."""

    held_bytes = 0


def _text(texts: _Texts, decision: Decision, ref: str | None) -> str:
    """The decision's JSON line with `ref`; the text of the decision without it is made once
    (it ends with the ref, `null`, and the object's closing brace)."""
    held = texts.get(id(decision))
    if held is None:
        text = decision.to_json()
        assert decision.ref is None and text.endswith(_NO_REF), text[-20:]
        stem = text[: -len(_NO_REF)]
        size = sys.getsizeof(stem)
        if texts.held_bytes + size > TEXT_BYTES:
            texts.clear()
            texts.held_bytes = 0
        held = texts[id(decision)] = (decision, stem)
        texts.held_bytes += size
    if ref is None:
        return held[1] + _NO_REF
    return held[1] + json_line(ref) + "}"


_NO_REF = "null}"


def _regular_file(source: str) -> bool:
    """Whether the input is a regular file (read ahead freely) rather than a pipe or terminal."""
    try:
        if source == "-":
            return stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)
        return stat.S_ISREG(os.stat(source).st_mode)
    except (OSError, ValueError):
        return False
