from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from enforcement_rules.cli import EXIT_USAGE, main
from enforcement_rules.cli import decide as cli_decide
from enforcement_rules.deciding.decider import Decider
from enforcement_rules.rulebook.model import RuleSet

# A factory: in crowded places blocked exits are the fire service's (Fire Protection Law Art. 60).
GOOD = {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "manufacturing"}


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    source = tmp_path / "facts.jsonl"
    source.write_text(text, "utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = main([*args, str(source)], out, err)
    return status, out.getvalue(), err.getvalue()


def test_decide_writes_one_json_decision_per_line(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({**GOOD, "overdue": overdue}) for overdue in (False, True))
    status, out, err = run(tmp_path, lines + "\n", "decide")
    decisions = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and not err
    assert [d["penalties"] for d in decisions] == [["fine"], ["suspension_for_rectification"]]
    assert decisions[0]["section"] == "supervision_2"


def test_a_bad_line_is_reported_and_the_others_are_still_decided(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({**GOOD, "hazard": "enormous"}),
        json.dumps(GOOD),
    ]
    status, out, err = run(tmp_path, "\n".join(lines), "decide")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert len(rows) == 4
    assert "measures" in rows[0] and "measures" in rows[3]
    assert rows[1]["line"] == 2 and rows[1]["error"]["type"] == "FactError"
    assert rows[2]["error"]["field"] == "hazard"
    assert rows[2]["error"]["allowed"] == ["none", "general", "major"]
    assert "line 3: fact field 'hazard'" in err and "allowed: none, general, major" in err


def test_one_pretty_printed_object_is_one_input(tmp_path: Path) -> None:
    status, out, _ = run(tmp_path, json.dumps(GOOD, indent=2), "decide")
    assert status == 0 and len(out.splitlines()) == 1


def test_decide_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(GOOD).encode()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    assert main(["decide", "-"], out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["law_version"] == "work_safety_law@2021-09-01"


def test_the_cache_budget_is_the_deciders_and_changes_no_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--cache-mib` is the decider's `table_bytes` (a small budget changing no decision is
    proven on the decider itself, `test_a_small_table_budget_bounds_every_cache...`)."""
    budgets: list[int] = []

    class Recorded(Decider):
        def __init__(self, rules: RuleSet, *, table_bytes: int) -> None:
            budgets.append(table_bytes)
            super().__init__(rules, table_bytes=table_bytes)

    monkeypatch.setattr(cli_decide, "Decider", Recorded)
    lines = "\n".join(json.dumps({**GOOD, "overdue": overdue}) for overdue in (False, True))
    default = run(tmp_path, lines + "\n", "decide")
    small = run(tmp_path, lines + "\n", "decide", "--cache-mib", "3")
    assert small == default and default[0] == 0
    assert budgets == [cli_decide.CACHE_MIB * 2**20, 3 * 2**20]


@pytest.mark.parametrize(
    ("value", "said"), [("0", "0 MiB: at least 1"), ("lots", "'lots' is not a whole number")]
)
def test_a_cache_budget_that_is_not_a_positive_number_is_a_usage_error(
    tmp_path: Path, value: str, said: str
) -> None:
    status, out, err = run(tmp_path, json.dumps(GOOD), "decide", "--cache-mib", value)
    assert status == EXIT_USAGE and not out
    assert f"argument --cache-mib: {said}" in err


def test_trace_option_adds_the_fired_rules_with_their_files(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, json.dumps(GOOD), "decide", "--trace")
    trace = json.loads(out)["trace"]
    assert trace[-1]["rule_id"] == "wsl2021-105-first"
    assert trace[-1]["file"].endswith("art105_dormitories_and_exits.yaml")


def test_explain_speaks_chinese_and_english(tmp_path: Path) -> None:
    facts = {**GOOD, "hazard": "major", "safety_assured": False, "workers_in_danger": True}
    status, out, _ = run(tmp_path, json.dumps(facts), "explain")
    assert status == 0
    assert "触发的规则 (rules fired):" in out
    assert "wsl2021-105-first" in out
    assert "条件 (because): 违法行为为以下之一：“危险物品车间" in out  # in words, not codes
    assert "  - 责令从危险区域撤出作业人员 (withdraw workers)" in out
    assert "《中华人民共和国安全生产法》第一百零五条第（二）项（2021年6月10日版本）" in out
    assert "暂时停产停业" in out


def test_a_bad_rules_directory_exits_2(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["--rules", str(tmp_path), "decide", "-"], out, err) == 2
    assert "catalogue file missing" in err.getvalue()


def test_an_unreadable_input_file_exits_1(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["decide", str(tmp_path / "absent.jsonl")], io.StringIO(), err) == 1
    assert "cannot read" in err.getvalue()


def test_schema_prints_the_rule_file_json_schema() -> None:
    out = io.StringIO()
    assert main(["schema"], out, io.StringIO()) == 0
    schema = json.loads(out.getvalue())
    assert schema["title"].startswith("规则文件") and "rules" in schema["properties"]


def test_render_writes_the_catalogue(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["render", "--format", "md", "-o", str(tmp_path / "md")], out, io.StringIO()) == 0
    assert (tmp_path / "md" / "index.md").is_file() and "wrote" in out.getvalue()


def test_diff_of_a_rule_set_with_itself_is_empty_and_exits_0() -> None:
    minimal = str(Path(__file__).parent / "fixtures" / "minimal_rules")
    out = io.StringIO()
    assert main(["diff", minimal, minimal, "--format", "json"], out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["facts_changed"] == 0


def test_plan_report_lists_the_shortfalls_of_the_example_year() -> None:
    records = Path(__file__).resolve().parents[1] / "examples" / "plan_records_2010.jsonl"
    out = io.StringIO()
    assert (
        main(["plan", "report", str(records), "--year", "2010", "--json"], out, io.StringIO()) == 1
    )
    assert len(json.loads(out.getvalue())["shortfalls"]) == 5


def test_case_record_show_and_due(tmp_path: Path) -> None:
    events = [
        {
            "case_id": "C1",
            "type": "finding",
            "on": "2022-03-01",
            "facts": {**GOOD, "occurred_on": "2022-03-01", "unit": "KTV-1"},
        },
        {"case_id": "C1", "type": "order", "on": "2022-03-01", "due": "2022-03-15"},
        {"case_id": "C1", "type": "reinspection", "on": "2022-03-20", "complied": False},
        {"case_id": "C1", "type": "payment", "on": "2022-03-21", "amount_yuan": "ten"},
    ]
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events), "utf-8")
    db = str(tmp_path / "cases.db")
    out, err = io.StringIO(), io.StringIO()
    assert main(["case", "record", db, str(source), "--create", "--json"], out, err) == 1
    assert json.loads(out.getvalue())["recorded"] == 3 and "line 4" in err.getvalue()
    shown = io.StringIO()
    assert main(["case", "show", db, "C1"], shown, io.StringIO()) == 0
    assert "suspension_for_rectification" in shown.getvalue() or "停产停业整顿" in shown.getvalue()
    due = io.StringIO()
    assert main(["case", "due", db, "--on", "2022-03-16", "--json"], due, io.StringIO()) == 0
    assert any(item["case_id"] == "C1" for item in json.loads(due.getvalue()))
    assert main(["case", "show", db, "NOPE"], io.StringIO(), io.StringIO()) == 1


def test_check_refuses_a_broken_case_law_file(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal_rules", root)
    (root / "cases").mkdir()
    (root / "cases" / "case_law.yaml").write_text("closure: [oops\n", "utf-8")
    err = io.StringIO()
    assert main(["check", str(root)], io.StringIO(), err) == 2
    assert "case_law.yaml:" in err.getvalue()
