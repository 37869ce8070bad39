"""`decide --inspection` and `--benchmark`: inspections by line, benchmarks beside the rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

from enforcement_rules.cli import main

FINDINGS = [
    {"kind": "no_warning_signs", "occurred_on": "2023-04-03", "instances": 3},
    {"kind": "obstructing_inspection", "occurred_on": "2023-04-03", "overdue": True},
]


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    source = tmp_path / "inspections.jsonl"
    source.write_text(text, "utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = main([*args, str(source)], out, err)
    return status, out.getvalue(), err.getvalue()


def test_each_line_is_one_inspection_and_a_bad_one_gets_its_error(tmp_path: Path) -> None:
    lines = [
        json.dumps({"findings": FINDINGS, "ref": "insp-1"}),
        json.dumps({"findings": [{**FINDINGS[0], "kind": "no_such_kind"}]}),
    ]
    status, out, err = run(tmp_path, "\n".join(lines) + "\n", "decide", "--inspection")
    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 1 and "line 2" in err
    assert first["ref"] == "insp-1" and len(first["findings"]) == 2
    assert first["combined"]["findings"] == [0, 1]
    assert second == {"line": 2, "error": second["error"]}
    assert second["error"]["field"] == "findings[0].kind"


def test_benchmark_option_adds_the_suggested_band(tmp_path: Path) -> None:
    line = json.dumps({"findings": FINDINGS}) + "\n"
    _, plain, _ = run(tmp_path, line, "decide", "--inspection")
    status, out, err = run(tmp_path, line, "decide", "--inspection", "--benchmark", "shanxi-2021")
    assert status == 0 and not err
    assert "suggested" not in json.loads(plain)["findings"][0]
    decided = json.loads(out)
    assert decided["findings"][0]["suggested"][0]["tier"] == 3
    # the refusal finding states no headcount: no band for it, so no combined band either
    assert decided["combined"]["suggested"] == []
    assert any("no combined band" in note for note in decided["combined"]["notes"])
    counted = [FINDINGS[0], {**FINDINGS[1], "employees": 20}]
    _, out, _ = run(
        tmp_path,
        json.dumps({"findings": counted}) + "\n",
        "decide",
        "--inspection",
        "--benchmark",
        "shanxi-2021",
    )
    assert json.loads(out)["combined"]["suggested"] == [
        {"target": "unit", "min_yuan": 40000, "max_yuan": 130000},
        {"target": "responsible_persons", "min_yuan": 10000, "max_yuan": 20000},
    ]


def test_a_bad_benchmark_exits_2_naming_it(tmp_path: Path) -> None:
    status, _, err = run(tmp_path, "{}\n", "decide", "--benchmark", "no-such-benchmark")
    assert status == 2
    assert "no bundled benchmark 'no-such-benchmark'" in err
