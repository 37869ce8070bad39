"""`enforcement-rules …` (also `python -m enforcement_rules …`): the command line.

Commands: decide | explain | check | render | diff | schema | vocabulary | case | plan |
serve. Each
lives in a module of this package that defines `register(commands, common)` (see `common`);
`COMMANDS` lists them, so adding one is one module and one line here.

Conventions every command keeps (docs/cli.md): `--rules DIR` before or after the command name;
`-` for standard input; `--json` on every report; `-v` / `-vv` logging on stderr; a progress line
on stderr for long work, only when stderr is a terminal; output in UTF-8 whatever the locale
(`--encoding` for another); a closed pipe (`| head`) ends quietly; the exit statuses of
`common.EXIT_CODES`.

Why argparse and not click or typer: it is in the standard library (no runtime dependency for
what is a thin layer), it already gives sub-commands, shared parent options, `--version`, help
and typed arguments, and what click would add (did-you-mean, stream handling) is a few lines
here, tested like the rest (docs/cli.md, "Why argparse").
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING, NoReturn, TextIO

from ..contract.errors import RuleSetError, suggest
from ..contract.version import library_version
from . import cases, check, decide, plan, review, schema, serve, vocabulary
from .common import (
    EXIT_BAD_INPUT,
    EXIT_BAD_RULES,
    EXIT_BROKEN_PIPE,
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    common_options,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_BAD_RULES",
    "EXIT_BROKEN_PIPE",
    "EXIT_CODES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "main",
]

#: The command modules, in the order `--help` lists them.
COMMANDS = (decide, check, review, schema, vocabulary, cases, plan, serve)

PROG = "enforcement-rules"


class _UsageError(Exception):
    def __init__(self, status: int):
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse that writes to the command's streams, suggests the command or choice meant,
    and ends with `EXIT_USAGE` (help and `--version` with 0) instead of exiting the process."""

    streams: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            out, err = _Parser.streams
            (out if file is None or file is sys.stdout else err).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise _UsageError(EXIT_OK if status == 0 else EXIT_USAGE)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}{_did_you_mean(message)}\n")


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def _did_you_mean(message: str) -> str:
    found = _INVALID_CHOICE.search(message)
    if found is None:
        return ""
    choices = [part.strip().strip("'\"") for part in found.group(2).split(",")]
    meant = suggest(found.group(1), choices)
    return f"; did you mean '{meant}'?" if meant else ""


def _versions() -> str:
    try:
        engine = metadata.version("durable-rules")
    except metadata.PackageNotFoundError:
        engine = "not installed"
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{PROG} {library_version()} (durable-rules {engine}, Python {python})"


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = _Parser(
        prog=PROG,
        parents=[common],
        description="Decide on-site measures and penalties for work-safety violations, and "
        "prove, render and compare the rule set that decides them.",
        epilog="exit status: "
        + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()),
    )
    parser.add_argument("--version", action="version", version=_versions())
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        default="utf-8",
        help="encoding of the output (default utf-8, whatever the locale; e.g. gb18030)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands, common)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run one command; returns its exit status (`common.EXIT_CODES`). `out` and `err` default
    to the process's standard streams, which are then written in UTF-8 (or `--encoding`)."""
    streams_given = out is not None
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    if not streams_given:
        _encode(out, "utf-8", "backslashreplace")
        _encode(err, "utf-8", "backslashreplace")
    _Parser.streams = (out, err)
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as stop:
        return stop.status
    finally:
        _Parser.streams = (sys.stdout, sys.stderr)
    encoding = str(args.encoding)
    try:
        codecs.lookup(encoding)
    except LookupError:
        print(f"{PROG}: error: unknown --encoding {encoding!r} (e.g. utf-8, gb18030)", file=err)
        return EXIT_USAGE
    if not streams_given and codecs.lookup(encoding).name != "utf-8":
        _encode(out, encoding, "replace")
    handler = _logging(err, int(getattr(args, "verbose", 0) or 0))
    command = Command(args, out, err)
    try:
        status = int(args.run(command))
        out.flush()
        return status
    except RuleSetError as error:  # --rules (or a file it names) did not load
        return command.fail(error, EXIT_BAD_RULES)
    except BrokenPipeError:
        _quiet_closed_stdout(out)
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return EXIT_INTERRUPTED
    finally:
        if handler is not None:
            logging.getLogger("enforcement_rules").removeHandler(handler)


def _encode(stream: TextIO, encoding: str, errors: str) -> None:
    """Write the process's stream in `encoding`, whatever the locale (`LANG=C`,
    `PYTHONIOENCODING=gbk`): a redirected file is then the same bytes on every machine."""
    if isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            stream.reconfigure(encoding=encoding, errors=errors)


def _quiet_closed_stdout(out: TextIO) -> None:
    """The reader closed the pipe: point stdout at /dev/null so that the interpreter's last
    flush finds nowhere to fail (no 'Exception ignored … BrokenPipeError' at exit)."""
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def _logging(err: TextIO, verbosity: int) -> logging.Handler | None:
    """`-v`: the library's INFO messages on stderr; `-vv`: DEBUG too."""
    if verbosity <= 0:
        return None
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("enforcement_rules")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    return handler
