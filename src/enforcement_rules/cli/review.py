"""`render` (the catalogue for legal staff) and `diff` (what a rule change moves)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..contract.errors import RuleSetError
from ..review.diff import diff_rules, remove_extracted, repository_root, resolve_rules_arg
from ..review.render import render
from ..rulebook.loader import bundled_rules_dir
from .common import EXIT_BAD_INPUT, EXIT_OK, Command, add_json


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    render_cmd = commands.add_parser(
        "render",
        parents=[common],
        help="the rule catalogue for legal staff (HTML site or Markdown)",
    )
    render_cmd.add_argument(
        "rules_dir", nargs="?", metavar="RULES_DIR", help="default: --rules, else the bundled rules"
    )
    render_cmd.add_argument("--format", choices=("md", "html"), default="html")
    render_cmd.add_argument("-o", "--output", metavar="DIR", required=True, help="output folder")
    add_json(render_cmd, "the files written")
    render_cmd.set_defaults(run=run_render)
    diff_cmd = commands.add_parser(
        "diff",
        parents=[common],
        help="which decisions change between two rule sets (folders or git revisions)",
        description="OLD and NEW are rules folders, checkouts holding rules/, or git revisions "
        "of the repository the current folder lies in (from any of its folders). NEW defaults "
        "to --rules, else the work tree's rules/ of that repository, else the bundled rules. "
        "Exit 0 when nothing differs, 1 when decisions or rules differ.",
    )
    diff_cmd.add_argument("old", metavar="OLD_RULES")
    diff_cmd.add_argument("new", metavar="NEW_RULES", nargs="?")
    diff_cmd.add_argument("--format", choices=("text", "md", "json"), default="text")
    add_json(diff_cmd, "the report (same as --format json)")
    diff_cmd.set_defaults(run=run_diff)


def run_render(command: Command) -> int:
    args = command.args
    try:
        rules = command.rules(args.rules_dir)
    except RuleSetError as error:
        return command.fail(error)
    output = Path(str(args.output))
    with command.progress("rendering") as progress:
        written = render(rules, "md" if args.format == "md" else "html", output, progress=progress)
    if args.json:
        command.json({"output": str(output), "files": [str(path) for path in written]})
    else:
        command.print(f"wrote {len(written)} file(s) to {output}")
    return EXIT_OK


def run_diff(command: Command) -> int:
    """The diff, its temporary copies of git revisions removed however it ends (a SIGTERM or
    SIGHUP becomes an orderly exit, so they are removed then too)."""
    with _orderly_exit_on_signals():
        try:
            return _diff(command)
        finally:
            remove_extracted()


def _default_new(command: Command) -> str:
    if command.rules_dir is not None:
        return command.rules_dir
    here = Path.cwd()
    work_tree = repository_root(here) / "rules"
    if work_tree.is_dir():
        return str(work_tree)
    return str(bundled_rules_dir())


def _diff(command: Command) -> int:
    args = command.args
    old, new = str(args.old), str(args.new) if args.new is not None else _default_new(command)
    here = Path.cwd()
    try:
        before = command.rules(str(resolve_rules_arg(old, here)))
        after = command.rules(str(resolve_rules_arg(new, here)))
    except RuleSetError as error:
        return command.fail(error)
    with command.progress("comparing") as progress:
        result = diff_rules(before, after, labels=(old, new), progress=progress)
    if args.json or args.format == "json":
        command.json(result.to_dict())
    else:
        command.print(result.to_markdown() if args.format == "md" else result.to_text())
    return EXIT_OK if result.empty else EXIT_BAD_INPUT


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
