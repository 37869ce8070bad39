"""What every command shares: exit codes, the `Command` context, output, progress, errors.

A command module defines `register(commands, common)`: it adds its subparser (with `common`
among its parents, so `--rules` and `-v` work after the subcommand too) and sets `run`, a
function of a `Command` that returns the exit status. `cli/__init__.py` lists the modules.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..contract.errors import EnforcementRulesError, RuleSetError, error_object
from ..rulebook.loader import load_rules
from ..rulebook.model import RuleSet

#: Exit statuses (docs/cli.md): the same for every command.
EXIT_OK = 0
EXIT_BAD_INPUT = 1  # some input was bad, or the report has findings (check, diff, plan)
EXIT_BAD_RULES = 2  # the rules directory (or the plan file) did not load
EXIT_USAGE = 64  # the command line itself is wrong (sysexits' EX_USAGE)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # the reader went away, as a program killed by SIGPIPE (128 + 13)

EXIT_CODES = {
    EXIT_OK: "success; for check, diff and plan: nothing to report",
    EXIT_BAD_INPUT: "some input was bad (each bad line answered in place), "
    "or check / diff / plan found something",
    EXIT_BAD_RULES: "the rules directory, case law or plan file did not load",
    EXIT_USAGE: "the command line is wrong (unknown command or option, missing argument)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_BROKEN_PIPE: "the output's reader closed the pipe (e.g. `| head`); nothing is printed",
}

log = logging.getLogger(__name__)

Run = Callable[["Command"], int]


@attrs.define
class Command:
    """One run of one command: its arguments, where it writes, and the rules it reads."""

    args: argparse.Namespace
    out: TextIO
    err: TextIO
    _rules: RuleSet | None = None

    @property
    def rules_dir(self) -> str | None:
        """`--rules DIR` (None: the bundled rules)."""
        value = getattr(self.args, "rules", None)
        return None if value is None else str(value)

    @property
    def benchmarks(self) -> tuple[str, ...]:
        """`--benchmark ID|FILE`, repeatable: discretion benchmarks applied beside the rules."""
        return tuple(getattr(self.args, "benchmark", None) or ())

    def rules(self, directory: str | None = None) -> RuleSet:
        """The rule set to use: `directory`, else `--rules`, else the bundled one (loaded once;
        `RuleSetError` when it does not load), with the `--benchmark`s applied."""
        if directory is not None:
            return _load(directory, self.benchmarks)
        if self._rules is None:
            self._rules = _load(self.rules_dir, self.benchmarks)
        return self._rules

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def json(self, data: Any) -> None:
        """A report as indented JSON (Chinese kept readable)."""
        print(json.dumps(data, ensure_ascii=False, indent=2), file=self.out)

    def fail(self, error: BaseException, status: int = EXIT_BAD_INPUT) -> int:
        """Report an error that stops the command: its message on stderr and, with `--json`,
        its JSON shape on stdout (one shape everywhere); returns `status`."""
        if isinstance(error, RuleSetError):
            status = EXIT_BAD_RULES
        print(error, file=self.err)
        if getattr(self.args, "json", False):
            self.json({"ok": False, "error": error_object(error)})
        return status

    def progress(self, label: str) -> Progress:
        return Progress(self.err, label)


def _load(directory: str | None, benchmarks: tuple[str, ...] = ()) -> RuleSet:
    started = time.perf_counter()
    rules = load_rules(directory, benchmarks=benchmarks)
    log.info(
        "loaded %s: %d rules in %d files, %.2f s",
        rules.source,
        len(rules.rules),
        len({p.file for p in rules.provisions}),
        time.perf_counter() - started,
    )
    return rules


class Progress:
    """A one-line status on stderr for work that takes a while: shown only when stderr is a
    terminal and only after `AFTER_S` seconds, updated at most ten times a second, cleared at
    the end. Silent in pipes, files and CI logs."""

    AFTER_S = 2.0
    #: Seconds before the line appears, instead of `AFTER_S` (e.g. 0 to see it at once).
    AFTER_S_VARIABLE = "ENFORCEMENT_RULES_PROGRESS_AFTER_S"

    def __init__(self, stream: TextIO, label: str, *, after_s: float | None = None):
        self.stream = stream
        self.label = label
        if after_s is None:
            try:
                after_s = float(os.environ.get(self.AFTER_S_VARIABLE, self.AFTER_S))
            except ValueError:
                after_s = self.AFTER_S
        self.after_s = after_s
        self.active = _is_terminal(stream)
        self.started = time.monotonic()
        self._shown = 0.0
        self._width = 0

    def __call__(self, status: str) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if now - self.started < self.after_s or now - self._shown < 0.1:
            return
        self._shown = now
        line = f"{self.label}: {status} ({now - self.started:.0f} s)"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def done(self) -> None:
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.done()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def common_options() -> argparse.ArgumentParser:
    """The options every subcommand accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rules",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="rules directory (default: the bundled rules)",
    )
    common.add_argument(
        "--benchmark",
        metavar="ID|FILE",
        action="append",
        default=argparse.SUPPRESS,
        help="apply a discretion benchmark: a bundled one's id (e.g. shanxi-2021) or a "
        "bureau's own file (docs/discretion.md); repeatable",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log what is done on stderr (-v: steps, -vv: details)",
    )
    return common


def add_json(parser: argparse.ArgumentParser, what: str = "the report") -> None:
    parser.add_argument("--json", action="store_true", help=f"{what} as JSON")


def input_argument(parser: argparse.ArgumentParser, name: str, metavar: str, what: str) -> None:
    parser.add_argument(name, metavar=metavar, help=f"{what}, or - for standard input")


def readable(path: str) -> str | None:
    """Why an input path cannot be read (None: it can, or it is `-`)."""
    if path == "-":
        return None
    file = Path(path)
    if not file.exists():
        return f"cannot read {path}: no such file"
    if file.is_dir():
        return f"cannot read {path}: it is a folder"
    return None


def fail_unreadable(command: Command, path: str) -> int | None:
    problem = readable(path)
    if problem is None:
        return None
    return command.fail(InputFileError(problem))


class InputFileError(EnforcementRulesError):
    """An input file named on the command line cannot be read."""
