"""The container: the Dockerfile's shape (two stages, the compiler only in the first, an
unprivileged user, a health check that works) checked everywhere; and, where a docker daemon
answers, the image built and run: healthy, deciding, not root."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
FACTS = {"kind": "blocked_exits", "occurred_on": "2025-09-09"}


def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined), split by FROM."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text("utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    found: list[list[str]] = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            found.append([])
        if found:
            found[-1].append(line)
    return found


def test_the_dockerfile_builds_in_one_stage_and_runs_in_another() -> None:
    build, runtime = stages()
    assert build[0].endswith(" AS build") and runtime[0].endswith(" AS runtime")
    assert any("gcc" in line for line in build), "durable-rules is compiled in the build stage"
    assert any(line.startswith("RUN pip wheel") and "[service]" in line for line in build)
    assert not any("gcc" in line for line in runtime), "no compiler in the runtime image"
    assert any(line.startswith("COPY --from=build /wheels") for line in runtime)
    assert any("--no-index" in line for line in runtime), "the runtime installs built wheels only"


def test_the_image_runs_unprivileged_and_serves_with_a_health_check() -> None:
    runtime = stages()[-1]
    (user,) = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert user not in ("root", "0")
    (entry,) = [line for line in runtime if line.startswith("ENTRYPOINT")]
    (cmd,) = [line for line in runtime if line.startswith("CMD")]
    assert json.loads(entry.split(None, 1)[1]) == ["enforcement-rules"]
    command = json.loads(cmd.split(None, 1)[1])
    assert command[:1] == ["serve"] and "0.0.0.0" in command and "/data/cases.sqlite" in command
    assert any(line.startswith("HEALTHCHECK") and "/v1/healthz" in line for line in runtime)


def test_the_health_check_command_passes_on_a_live_service_and_fails_without_one() -> None:
    """The HEALTHCHECK's own command, pointed at a server of the test suite's, then nowhere."""
    from service_server import start_server

    (check,) = [line for line in stages()[-1] if line.startswith("HEALTHCHECK")]
    probe = json.loads(check.split("CMD", 1)[1])
    assert probe[:2] == ["python", "-c"]
    server = start_server(["--no-access-log"], db=None)
    try:
        live = probe[2].replace("http://127.0.0.1:8000", server.url)
        assert subprocess.run([sys.executable, "-c", live], timeout=60).returncode == 0
    finally:
        assert server.stopped_cleanly()
    dead = probe[2].replace("http://127.0.0.1:8000", server.url)
    assert subprocess.run([sys.executable, "-c", dead], capture_output=True, timeout=60).returncode
    assert (REPO / ".dockerignore").read_text("utf-8").count("!src/") == 1


# ---------------------------------------------------------------- where docker answers


def _docker_missing() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not installed (no docker command on PATH)"
    info = subprocess.run(
        ["docker", "info", "--format", "{{.ServerVersion}}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if info.returncode != 0:
        reason = (info.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"the docker daemon does not answer: {reason}"
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    missing = _docker_missing()
    if missing:
        pytest.skip(f"image not built: {missing}")
    tag = f"enforcement-rules-test:{uuid.uuid4().hex[:12]}"
    subprocess.run(["docker", "build", "-t", tag, str(REPO)], check=True, timeout=1800)
    yield tag
    subprocess.run(["docker", "image", "rm", "-f", tag], check=False, timeout=120)


def test_the_image_is_healthy_decides_and_is_not_root(image: str) -> None:
    who = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", image, "-u"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert who.stdout.strip() not in ("", "0")
    name = f"er-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            name,
            "-p",
            "127.0.0.1::8000",
            "--health-interval",
            "2s",
            "--health-start-period",
            "2s",
            image,
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    try:
        port = (
            subprocess.run(
                ["docker", "port", name, "8000/tcp"],
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            )
            .stdout.strip()
            .rsplit(":", 1)[1]
        )
        health = ""
        for _ in range(120):
            health = subprocess.run(
                ["docker", "inspect", "--format", "{{.State.Health.Status}}", name],
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout.strip()
            if health == "healthy":
                break
            time.sleep(1)
        assert health == "healthy"
        answer = httpx.post(f"http://127.0.0.1:{port}/v1/decide", json=FACTS, timeout=30)
        assert answer.status_code == 200 and answer.json()["penalties"] == ["fine"]
    finally:
        subprocess.run(["docker", "rm", "-f", name], check=False, timeout=120, capture_output=True)
