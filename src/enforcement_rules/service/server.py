"""`enforcement-rules serve`: the app on uvicorn, on a socket bound before it starts.

Binding first lets `--port 0` choose a free port and the `listening` log line say which, so a
test or a supervisor knows where the service is once it answers.
"""

from __future__ import annotations

import logging
import logging.config
import socket
from typing import Any

import uvicorn

from ..rulebook.model import RuleSet
from .app import create_app
from .logs import log_config
from .operations import Limits

LOG = logging.getLogger("enforcement_rules.service")


class _Server(uvicorn.Server):
    """Says where it listens once it does."""

    def __init__(self, config: uvicorn.Config, announce: dict[str, Any]) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            LOG.info("listening", extra=self.announce)


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port); port 0: a free one. `OSError` if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(
    rules: RuleSet,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    db: str | None = None,
    limits: Limits | None = None,
    access_log: bool = True,
    log_level: str = "info",
) -> None:
    """Serve until SIGINT or SIGTERM (then finish the requests under way and stop)."""
    logging.config.dictConfig(log_config(log_level))
    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    app = create_app(rules, db=db, limits=limits, access_log=access_log)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,  # the app writes its own structured access log
        server_header=False,
        timeout_graceful_shutdown=10,
        lifespan="on",
    )
    announce = {
        "host": bound_host,
        "port": bound_port,
        "url": f"http://{bound_host if ':' not in bound_host else f'[{bound_host}]'}:{bound_port}",
        "rules_digest": rules.digest,
        "case_log": db,
    }
    _Server(config, announce).run(sockets=[sock])
