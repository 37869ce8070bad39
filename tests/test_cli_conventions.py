"""The command line's conventions (issue 16), each run as a real subprocess: `--version`,
`python -m`, `--rules` everywhere and honoured, `-` for stdin, `--json`, progress only on a
terminal, `-v` logging, `vocabulary`, `diff` from any folder, exit codes, closed pipes and UTF-8
output whatever the locale."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.cli import EXIT_CODES, build_parser

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "tests" / "fixtures" / "minimal_rules"
EXAMPLES = REPO / "examples"
FACT = {"kind": "blocked_exits", "occurred_on": "2024-03-01", "sector": "manufacturing"}
CLI = [sys.executable, "-m", "enforcement_rules"]


def cli(
    *args: str,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
        check=False,
    )


def text(done: subprocess.CompletedProcess[bytes]) -> tuple[int, str, str]:
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def facts_file(tmp_path: Path, *facts: Mapping[str, object]) -> Path:
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts), "utf-8")
    return path


# -- version, entry points -----------------------------------------------------------------


def test_version_names_the_library_the_engine_and_python() -> None:
    status, out, _ = text(cli("--version"))
    assert status == 0
    assert out.startswith(f"enforcement-rules {metadata.version('enforcement-rules')} ")
    assert "durable-rules 2.0.28" in out and f"Python {sys.version_info[0]}." in out


def test_the_console_script_and_python_m_are_the_same_program(tmp_path: Path) -> None:
    script = shutil.which("enforcement-rules", path=str(Path(sys.executable).parent))
    assert script is not None
    path = str(facts_file(tmp_path, FACT))
    by_script = subprocess.run([script, "decide", path], capture_output=True, check=True)
    by_module = cli("decide", path)
    assert by_module.returncode == 0 and by_module.stdout == by_script.stdout


# -- --rules everywhere, and honoured ------------------------------------------------------


def test_rules_is_accepted_before_and_after_every_subcommand() -> None:
    parser = build_parser()
    for argv in (
        ["decide", "-"],
        ["explain", "-"],
        ["check"],
        ["render", "-o", "x"],
        ["diff", "HEAD"],
        ["schema"],
        ["vocabulary"],
        ["case", "record", "db", "-"],
        ["case", "show", "db", "C"],
        ["case", "due", "db", "--on", "2024-01-01"],
        ["plan", "report", "-", "--year", "2010"],
    ):
        before = parser.parse_args(["--rules", "R1", *argv])
        cut = 2 if argv[0] in ("case", "plan") else 1  # after the (sub)command's name
        after = parser.parse_args([*argv[:cut], "--rules", "R2", *argv[cut:]])
        assert (before.rules, after.rules) == ("R1", "R2"), argv


def test_case_commands_decide_under_the_rules_given(tmp_path: Path) -> None:
    finding = {
        "case_id": "C1",
        "type": "finding",
        "on": "2024-03-01",
        "facts": {"kind": "no_warning_signs", "occurred_on": "2024-03-01", "unit": "U1"},
    }
    events = json.dumps(finding, ensure_ascii=False).encode() + b"\n"
    db = str(tmp_path / "cases.db")
    bundled = cli("case", "record", db, "-", "--create", "--json", stdin=events)
    assert bundled.returncode == 0 and json.loads(bundled.stdout)["recorded"] == 1
    other = str(tmp_path / "other.db")
    minimal = cli(
        "--rules", str(MINIMAL), "case", "record", other, "-", "--create", "--json", stdin=events
    )
    status, out, err = text(minimal)
    assert status == 1 and "'no_warning_signs' is not a known kind" in err
    assert json.loads(out)["errors"][0]["error"]["field"] == "facts.kind"


def test_plan_report_names_sections_by_the_rules_routing() -> None:
    records = str(EXAMPLES / "plan_records_2010.jsonl")

    def sections(*rules: str) -> set[str]:
        done = cli(*rules, "plan", "report", records, "--year", "2010", "--json")
        assert done.returncode == 1  # the example year has shortfalls
        report = json.loads(done.stdout)
        return {s for row in report["shortfalls"] for s in row["sections"]}

    assert sections() == {"supervision_1"}  # bundled routing: hazardous chemicals → 监管一科
    assert sections("--rules", str(MINIMAL)) == set()  # the minimal rules route no such sector


def test_schema_says_that_rules_do_not_change_it() -> None:
    status, out, err = text(cli("--rules", str(MINIMAL), "schema"))
    assert status == 0 and json.loads(out)["title"].startswith("规则文件")
    assert "does not change it" in err


# -- standard input, --json ----------------------------------------------------------------


def test_dash_reads_standard_input_for_every_input_file() -> None:
    line = json.dumps(FACT).encode() + b"\n"
    assert cli("decide", "-", stdin=line).returncode == 0
    assert "第1行" in text(cli("explain", "-", stdin=line))[1]
    records = (EXAMPLES / "plan_records_2010.jsonl").read_bytes()
    by_file = cli("plan", "report", str(EXAMPLES / "plan_records_2010.jsonl"), "--year", "2010")
    by_stdin = cli("plan", "report", "-", "--year", "2010", stdin=records)
    assert by_stdin.returncode == by_file.returncode == 1
    assert by_stdin.stdout == by_file.stdout


def test_every_report_has_json(tmp_path: Path) -> None:
    facts = str(facts_file(tmp_path, FACT))
    db = str(tmp_path / "c.db")
    finding = {
        "case_id": "C1",
        "type": "finding",
        "on": "2024-03-01",
        "facts": {**FACT, "unit": "U"},
    }
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(finding) + "\n", "utf-8")
    reports = [
        ("check", str(MINIMAL), "--json"),
        ("render", str(MINIMAL), "-o", str(tmp_path / "site"), "--json"),
        ("diff", str(MINIMAL), str(MINIMAL), "--json"),
        ("vocabulary", "sectors", "--json"),
        ("explain", facts, "--json"),
        ("case", "record", db, str(events), "--create", "--json"),
        ("case", "show", db, "C1", "--json"),
        ("case", "due", db, "--on", "2024-06-01", "--json"),
        ("plan", "report", str(EXAMPLES / "plan_records_2010.jsonl"), "--year", "2010", "--json"),
    ]
    for argv in reports:
        done = cli(*argv)
        assert done.returncode in (0, 1), (argv, done.stderr[-500:])
        if argv[0] == "explain":
            assert "explanation" in json.loads(done.stdout)
        else:
            json.loads(done.stdout)


def test_explain_speaks_the_language_asked(tmp_path: Path) -> None:
    facts = str(facts_file(tmp_path, FACT))
    zh, en = (
        text(cli("explain", facts, "--lang", "zh"))[1],
        text(cli("explain", facts, "--lang", "en"))[1],
    )
    assert "法律依据:" in zh and "legal basis" not in zh
    assert "legal basis:" in en and "法律依据" not in en


# -- progress, logging ---------------------------------------------------------------------


def on_a_terminal(argv: Sequence[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (stdout to a pipe); what the terminal showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*CLI, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, **env},
    )
    os.close(follower)
    shown = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, shown.decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_and_clears_itself() -> None:
    status, shown = on_a_terminal(
        ["check", str(MINIMAL)], {"ENFORCEMENT_RULES_PROGRESS_AFTER_S": "0"}
    )
    assert status == 0
    assert "checking: " in shown and "classes walked" in shown
    assert shown.rstrip(" \r").endswith("\r") or shown.endswith("\r")  # the line is cleared


def test_progress_stays_silent_when_stderr_is_not_a_terminal() -> None:
    done = cli("check", str(MINIMAL), env={"ENFORCEMENT_RULES_PROGRESS_AFTER_S": "0"})
    assert done.returncode == 0 and done.stderr == b""


def test_verbose_logs_through_logging_on_stderr() -> None:
    quiet = cli("check", str(MINIMAL))
    assert quiet.stderr == b""
    status, _, err = text(cli("-v", "check", str(MINIMAL)))
    assert status == 0 and "INFO enforcement_rules.cli.common: loaded " in err
    assert "INFO enforcement_rules.proving.verify: walked " in err
    debug = text(cli("check", str(MINIMAL), "-vv"))[2]
    assert "DEBUG enforcement_rules.rulebook.loader: reading " in debug


# -- vocabulary ----------------------------------------------------------------------------


def test_vocabulary_lists_every_code_with_its_chinese_term() -> None:
    status, out, _ = text(cli("vocabulary", "--json"))
    lists = json.loads(out)
    assert status == 0
    assert len(lists["kinds"]) == len(er.default_rules().kinds)
    assert {"code", "zh", "en"} == set(lists["kinds"][0])
    assert {e["code"] for e in lists["sectors"]} >= {"construction", "catering"}
    assert any(e["zh"] == "初次违法" for e in lists["circumstances"])
    shown = text(cli("codes", "kinds"))[1]
    assert "blocked_exits" in shown and "出口、疏散通道不符合要求或被占用、锁闭、封堵" in shown
    minimal = json.loads(cli("--rules", str(MINIMAL), "vocabulary", "kinds", "--json").stdout)
    assert [e["code"] for e in minimal["kinds"]] == [
        "blocked_exits",
        "no_safety_staff",
        "no_safety_funding",
    ]


def test_a_misspelt_list_or_command_gets_a_suggestion_and_exit_64() -> None:
    status, _, err = text(cli("vocabulary", "sector"))
    assert status == 64 and "did you mean 'sectors'?" in err
    status, _, err = text(cli("decdie", "-"))
    assert status == 64 and "did you mean 'decide'?" in err


# -- diff from any folder ------------------------------------------------------------------


def test_diff_works_from_any_folder_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo / "rules")
    (repo / "docs" / "deep").mkdir(parents=True)
    (repo / "docs" / "deep" / "x.md").write_text("x", "utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "rules"], check=True)
    for where in (repo, repo / "docs" / "deep"):
        done = cli("diff", "HEAD", "--json", cwd=where)  # NEW: the work tree's rules/
        status, out, err = text(done)
        assert status == 0, err
        assert json.loads(out)["facts_changed"] == 0 and json.loads(out)["new"].endswith("rules")


# -- exit codes, pipes, encodings ----------------------------------------------------------


def test_exit_codes_are_documented_and_each_is_reached(tmp_path: Path) -> None:
    documented = (REPO / "docs" / "cli.md").read_text("utf-8")
    for code in EXIT_CODES:
        assert f"| {code} |" in documented, code
    good = str(facts_file(tmp_path, FACT))
    assert cli("decide", good).returncode == 0
    bad = str(facts_file(tmp_path, {**FACT, "kind": "blocked_exit"}))
    assert cli("decide", bad).returncode == 1
    assert cli("--rules", str(tmp_path), "decide", good).returncode == 2
    assert cli("decide").returncode == 64
    assert cli("--help").returncode == 0


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    many = facts_file(tmp_path, *[{**FACT, "overdue": i % 2 == 0} for i in range(4000)])
    process = subprocess.Popen(
        [*CLI, "explain", str(many)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("── 第1行".encode())
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read()
    process.wait(timeout=300)
    assert process.returncode == 141
    assert err == b"", err[-2000:]


def test_the_shell_pipe_to_head_prints_no_traceback(tmp_path: Path) -> None:
    many = facts_file(tmp_path, *[FACT] * 3000)
    command = " ".join([*CLI, "decide", str(many)]) + " | head -1"
    done = subprocess.run(["bash", "-c", command], capture_output=True, timeout=300, check=False)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 1
    assert b"Traceback" not in done.stderr and b"BrokenPipeError" not in done.stderr


@pytest.mark.parametrize(
    "locale",
    [{"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "gbk"}, {"PYTHONIOENCODING": "ascii"}],
    ids=["LANG=C", "PYTHONIOENCODING=gbk", "PYTHONIOENCODING=ascii"],
)
def test_output_is_utf8_whatever_the_locale(tmp_path: Path, locale: dict[str, str]) -> None:
    facts = str(facts_file(tmp_path, {**FACT, "kind": "blocked_exit"}, FACT))
    reference = cli("explain", facts, env={"PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"})
    done = cli("explain", facts, env=locale)
    assert done.returncode == reference.returncode == 1
    assert done.stdout == reference.stdout
    assert "¶" not in done.stdout.decode("utf-8")  # decoded: it is UTF-8
    assert "《中华人民共和国安全生产法》" in done.stdout.decode("utf-8")
    assert "did you mean 'blocked_exits'?" in done.stderr.decode("utf-8")


def test_another_encoding_can_be_asked_for(tmp_path: Path) -> None:
    facts = str(facts_file(tmp_path, FACT))
    done = cli("--encoding", "gb18030", "explain", facts, env={"LANG": "C"})
    assert done.returncode == 0
    assert "《中华人民共和国安全生产法》" in done.stdout.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        done.stdout.decode("utf-8")
    assert cli("--encoding", "klingon", "schema").returncode == 64


# -- case databases ------------------------------------------------------------------------


def test_case_commands_refuse_a_database_that_does_not_exist(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    events = tmp_path / "e.jsonl"
    events.write_text("", "utf-8")
    for argv in (
        ("case", "record", str(db), str(events)),
        ("case", "show", str(db), "C1"),
        ("case", "due", str(db), "--on", "2024-06-01"),
    ):
        status, _, err = text(cli(*argv))
        assert status == 1 and f"no event log at {db}" in err, argv
        assert not db.exists(), argv
    assert "--create" in text(cli("case", "record", str(db), str(events)))[2]
    assert cli("case", "record", str(db), str(events), "--create").returncode == 0
    assert db.exists()
