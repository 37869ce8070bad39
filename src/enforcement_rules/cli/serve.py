"""`serve`: the HTTP service (`service` subpackage; needs the `[service]` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ..service import commands as service_commands
from .common import Command


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    serve = service_commands.add_serve_parser(commands, parents=[common])
    serve.set_defaults(run=run)


def run(command: Command) -> int:
    return service_commands.serve(command.args, command.out, command.err)
