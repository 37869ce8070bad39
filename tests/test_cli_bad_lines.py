"""A batch never dies on one line: `decide`, `case record` and `plan report` on the command line
answer every line of an input mixing hostile lines with good ones (issue 17)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from enforcement_rules.cli import main

FACT = {"kind": "blocked_exits", "occurred_on": "2022-03-01"}
HOSTILE = [
    b'{"x": ' + b"9" * 5000 + b"}",
    b'{"x": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"kind": "\\ud800"}',
    b"\xff\xfe not utf-8",
    b'{"kind": "a", "kind": "b"}',
    json.dumps({**FACT, "kind": "x\u2028y"}, ensure_ascii=False).encode(),
]


def mixed(tmp_path: Path, good: bytes) -> tuple[Path, int]:
    lines = [b"\xef\xbb\xbf" + good]
    for hostile in HOSTILE:
        lines += [hostile, good]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, len(lines)


def test_decide_answers_every_line_in_place(tmp_path: Path) -> None:
    path, count = mixed(tmp_path, json.dumps(FACT).encode())
    out, err = io.StringIO(), io.StringIO()
    assert main(["decide", str(path)], out=out, err=err) == 1
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(answers) == count
    for number, answer in enumerate(answers, start=1):
        if number % 2:  # the good lines: 1, 3, 5, …
            assert answer["penalties"] == ["fine"], number
        else:
            assert answer["line"] == number and answer["error"]["type"] == "FactError"


def test_case_record_stores_every_good_line_and_names_every_bad_one(tmp_path: Path) -> None:
    finding = {
        "case_id": "C-1",
        "type": "finding",
        "on": "2022-03-01",
        "facts": {**FACT, "unit": "U1"},
    }
    path, count = mixed(tmp_path, json.dumps(finding).encode())
    out, err = io.StringIO(), io.StringIO()
    db = str(tmp_path / "c.db")
    status = main(["case", "record", db, str(path), "--create", "--json"], out=out, err=err)
    summary = json.loads(out.getvalue())
    assert status == 1
    assert summary["recorded"] == 1 and len(summary["already_recorded"]) == len(HOSTILE)
    assert [problem["line"] for problem in summary["errors"]] == list(range(2, count, 2))


def test_plan_report_names_every_bad_line(tmp_path: Path) -> None:
    record = {
        "date": "2010-03-02",
        "officer": "张三",
        "unit": "U1",
        "sector": "fireworks",
        "role": "inspector",
    }
    path, count = mixed(tmp_path, json.dumps(record, ensure_ascii=False).encode())
    out, err = io.StringIO(), io.StringIO()
    status = main(["plan", "report", str(path), "--year", "2010"], out=out, err=err)
    assert status == 1
    reported = {
        int(line.split(":")[1]) for line in err.getvalue().splitlines() if ".jsonl:" in line
    }
    assert set(range(2, count, 2)) <= reported
