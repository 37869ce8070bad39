"""`schema`: the JSON Schema of a rule file (for editors), or a published contract schema.

`schema` alone prints the rule-file schema, the same for every rules directory (so `--rules`
does not change it: the command says so on stderr rather than ignore it silently). `schema NAME`
prints a published schema (facts, decision, error, case events…), `--for-rules` with the kinds
of the rule set as a closed list, `--write DIR` every one of them (the service publishes them).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..service import commands as service_commands
from .common import Command


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the rule-file JSON Schema (for editors), or a published one",
        description="The JSON Schema every rule file is validated with (the same for every "
        "rules directory), or a schema of the published contract.",
    )
    service_commands.add_schema_arguments(schema)
    schema.set_defaults(run=run)


def run(command: Command) -> int:
    args = command.args
    if args.name is None and not args.write and command.rules_dir is not None:
        print(
            "note: the rule-file schema is the same for every rules directory; --rules "
            f"{command.rules_dir} does not change it",
            file=command.err,
        )
    return service_commands.schema(args, command.out, command.err)
