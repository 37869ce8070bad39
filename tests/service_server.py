"""A real `enforcement-rules serve` process on a free loopback port, for the service tests.

The server is started as users start it (the command, a subprocess), with a case log in a
temporary folder; its structured log lines (stderr) are collected so tests can read the access
log. It is stopped with SIGTERM, as a supervisor would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import httpx

STARTUP_TIMEOUT_S = 60


@attrs.define
class Server:
    url: str
    process: subprocess.Popen[str]
    db: Path | None
    lines: list[dict[str, Any]] = attrs.Factory(list)
    raw: list[str] = attrs.Factory(list)

    def log(self, **match: Any) -> list[dict[str, Any]]:
        """Log lines whose keys have the given values (a snapshot: the list still grows)."""
        return [
            line for line in list(self.lines) if all(line.get(k) == v for k, v in match.items())
        ]

    def stop(self) -> int:
        """SIGTERM, and the exit status: 0, or -SIGTERM (uvicorn finishes its requests and
        shuts down gracefully, then re-raises the signal it caught, as a supervisor expects)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return int(self.process.returncode)

    def stopped_cleanly(self) -> bool:
        status = self.stop()
        finished = any(line.get("message", "").startswith("Finished server") for line in self.lines)
        return status in (0, -signal.SIGTERM) and finished


def start_server(args: Sequence[str], db: Path | None) -> Server:
    """`enforcement-rules serve --port 0 …` and wait for its `listening` line."""
    command = [sys.executable, "-m", "enforcement_rules", "serve", "--port", "0", *args]
    if db is not None:
        command += ["--db", str(db)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    server = Server(url="", process=process, db=db)
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for text in process.stderr:
            server.raw.append(text)
            try:
                line = json.loads(text)
            except ValueError:
                continue
            server.lines.append(line)
            if line.get("message") == "listening":
                server.url = str(line["url"])
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(STARTUP_TIMEOUT_S) or not server.url:
        server.stop()
        raise RuntimeError("the server did not start:\n" + "".join(server.raw[-30:]))
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.url + "/v1/healthz", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("the server did not answer /v1/healthz")


#: The limits the shared server runs with (small, so the limit tests stay small).
MAX_BODY = 256 * 1024
MAX_BATCH = 200
