"""The shared server of the service tests (`service_server`): one process per session."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from service_server import MAX_BATCH, MAX_BODY, Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("service") / "cases.sqlite"
    running = start_server(["--max-body-bytes", str(MAX_BODY), "--max-batch", str(MAX_BATCH)], db)
    yield running
    assert running.stopped_cleanly(), "".join(running.raw[-20:])


@pytest.fixture(scope="session")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
