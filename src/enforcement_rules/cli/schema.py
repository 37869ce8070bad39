"""`schema`: the JSON Schema of a rule file, for editors that validate and complete them.

The format is the same for every rules directory, so `--rules` does not change it (the command
says so on stderr when it is given, rather than ignore it silently).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..rulebook.loader import rule_file_schema
from .common import EXIT_OK, Command


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the rule-file JSON Schema (for editors)",
        description="The JSON Schema every rule file is validated with (the same for every "
        "rules directory).",
    )
    schema.set_defaults(run=run)


def run(command: Command) -> int:
    if command.rules_dir is not None:
        print(
            "note: the rule-file schema is the same for every rules directory; --rules "
            f"{command.rules_dir} does not change it",
            file=command.err,
        )
    command.json(rule_file_schema())
    return EXIT_OK
