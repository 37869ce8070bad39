"""The `serve` and `schema` commands: their arguments and what they do, for `cli` to register.

Nothing here imports the web framework until `serve` runs, so the other commands work without
the `service` extra, and `serve` without it says which extra to install.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ..contract.errors import EnforcementRulesError, RuleSetError
from ..rulebook.loader import load_rules, rule_file_schema
from .operations import Limits
from .published import PUBLISHED, published, schema_text, write_published

EXIT_OK, EXIT_BAD_INPUT, EXIT_BAD_RULES = 0, 1, 2


def add_schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name",
        nargs="?",
        choices=list(PUBLISHED),
        metavar="NAME",
        help=f"a published schema: {', '.join(PUBLISHED)} (none: the rule-file schema)",
    )
    parser.add_argument(
        "--for-rules",
        action="store_true",
        help="with the rule set's kinds as a closed list (--rules, else the bundled rules)",
    )
    parser.add_argument("--write", metavar="DIR", help="write every published schema into DIR")


def schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`schema`: the rule-file schema; `schema NAME`: a published one; `--write DIR`: all."""
    if args.write:
        written = write_published(args.write)
        print(f"wrote {len(written)} schema(s) to {args.write}", file=out)
        return EXIT_OK
    if args.name is None:
        print(json.dumps(rule_file_schema(), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    rules = None
    if args.for_rules:
        try:
            rules = load_rules(getattr(args, "rules", None))
        except RuleSetError as error:
            print(error, file=err)
            return EXIT_BAD_RULES
    out.write(schema_text(published(args.name, rules)))
    return EXIT_OK


def add_serve_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser] | None = None,
) -> argparse.ArgumentParser:
    """The `serve` sub-command; with `parents` (the CLI's common options, `--rules` among
    them) it takes the rules directory from there."""
    serve_cmd = commands.add_parser(
        "serve",
        parents=parents or [],
        help="the HTTP service, the page to try decisions and the catalogue",
    )
    defaults = Limits()
    serve_cmd.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="default 8000; 0: a free port")
    if not parents:
        serve_cmd.add_argument(
            "--rules", dest="serve_rules", metavar="DIR", help="rules directory (default: bundled)"
        )
        serve_cmd.add_argument(
            "--benchmark",
            dest="serve_benchmarks",
            metavar="ID|FILE",
            action="append",
            help="apply a discretion benchmark: a bundled one's id or a bureau's own file",
        )
    serve_cmd.add_argument(
        "--db", metavar="FILE", help="the case log (SQLite, as `case`); without it no /v1/cases"
    )
    serve_cmd.add_argument(
        "--max-body-bytes",
        type=int,
        default=defaults.max_body_bytes,
        metavar="N",
        help=f"larger request bodies get 413 (default {defaults.max_body_bytes:,})",
    )
    serve_cmd.add_argument(
        "--max-batch",
        type=int,
        default=defaults.max_batch,
        metavar="N",
        help=f"facts per decide_many request (default {defaults.max_batch:,})",
    )
    serve_cmd.add_argument("--no-access-log", action="store_true", help="no access log lines")
    serve_cmd.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    return serve_cmd


def serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from .server import serve as run
    except ImportError as error:
        print(
            f"enforcement-rules serve needs the service extra ({error.name} is missing): "
            "pip install 'enforcement-rules[service]'",
            file=err,
        )
        return EXIT_BAD_INPUT
    if args.max_body_bytes < 1 or args.max_batch < 1:
        print("--max-body-bytes and --max-batch must be at least 1", file=err)
        return EXIT_BAD_INPUT
    try:
        rules = load_rules(
            getattr(args, "serve_rules", None) or getattr(args, "rules", None),
            benchmarks=tuple(
                getattr(args, "serve_benchmarks", None) or getattr(args, "benchmark", None) or ()
            ),
        )
    except RuleSetError as error:
        print(error, file=err)
        return EXIT_BAD_RULES
    applied = ", ".join(b.id for b in rules.applied_benchmarks) or "none"
    print(f"discretion benchmarks applied: {applied}", file=err)
    try:
        run(
            rules,
            host=args.host,
            port=args.port,
            db=args.db,
            limits=Limits(max_body_bytes=args.max_body_bytes, max_batch=args.max_batch),
            access_log=not args.no_access_log,
            log_level=args.log_level,
        )
    except OSError as error:
        print(f"cannot serve on {args.host}:{args.port}: {error.strerror or error}", file=err)
        return EXIT_BAD_INPUT
    except EnforcementRulesError as error:  # the case log cannot be opened, say
        print(error, file=err)
        return EXIT_BAD_INPUT
    return EXIT_OK
