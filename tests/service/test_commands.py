"""`enforcement-rules serve` as a command: without the service extra it says what to install;
a taken port, bad limits and a case log it cannot open are refused with a message, not a
traceback."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from enforcement_rules.cli import main


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), out=out, err=err), err.getvalue()


def test_without_the_service_extra_serve_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "enforcement_rules.service.server", None)
    status, err = run("serve")
    assert status == 1
    assert "pip install 'enforcement-rules[service]'" in err


def test_limits_below_one_are_refused() -> None:
    status, err = run("serve", "--max-batch", "0")
    assert status == 1 and "--max-batch" in err


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "enforcement_rules", "serve", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_taken_port_is_refused_with_a_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve("--port", str(port))
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_a_case_log_that_cannot_be_opened_is_refused_with_a_message(tmp_path: Path) -> None:
    not_a_log = tmp_path / "notes.txt"
    not_a_log.write_text("not sqlite at all " * 100, "utf-8")
    done = _serve("--port", "0", "--db", str(not_a_log))
    assert done.returncode == 1
    assert "not an enforcement-rules event log" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_benchmark_file_stops_the_service_before_it_serves(tmp_path: Path) -> None:
    bad = tmp_path / "bureau.yaml"
    bad.write_text("benchmark: bureau\n", encoding="utf-8")
    status, err = run("serve", "--benchmark", str(bad))
    assert status == 2
    assert str(bad) in err and "rows" in err and "Traceback" not in err
