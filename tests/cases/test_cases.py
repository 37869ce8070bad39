"""Stateful cases: scenarios, replay, crash safety and concurrent writers of the event log."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from enforcement_rules import RuleSetError
from enforcement_rules.cases import (
    Event,
    EventError,
    SqliteEventStore,
    due,
    load_case_law,
    record,
    show,
    show_json,
    timeline,
)
from enforcement_rules.cases.law import _default_path
from enforcement_rules.cases.service import deriver

D = dt.date.fromisoformat


def finding(case: str, on: str, unit: str = "U1", **facts: Any) -> dict[str, Any]:
    extra = {k: facts.pop(k) for k in ("fine_yuan",) if k in facts}
    body = {"kind": "blocked_exits", "occurred_on": on, "unit": unit, **facts}
    return {"case_id": case, "type": "finding", "on": on, "facts": body, **extra}


def major(case: str, on: str, unit: str = "U9") -> dict[str, Any]:
    return finding(
        case, on, unit, kind="hazard_not_eliminated", hazard="major", safety_assured=False
    )


def event(case: str, type_: str, on: str, **fields: Any) -> dict[str, Any]:
    return {"case_id": case, "type": type_, "on": on, **fields}


def write(tmp_path: Path, events: list[dict[str, Any]], name: str = "events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n", "utf-8")
    return path


def recorded(tmp_path: Path, events: list[dict[str, Any]]) -> Path:
    db = tmp_path / "cases.db"
    summary = record(db, write(tmp_path, events))
    assert summary.errors == [], summary.errors
    return db


def derived(db: Path, case: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every derived decision of a case, with the seq of the event it follows."""
    view = timeline(db, case, on=on).to_dict()
    return [d | {"seq": e["seq"]} for e in view["timeline"] for d in e["derived"]]


def articles(decision: dict[str, Any]) -> set[tuple[str, int]]:
    return {(c["law"], c["article"]) for c in decision["citations"]}


OVERDUE = [
    finding("C1", "2022-03-01", fine_yuan=20000),
    event("C1", "order", "2022-03-01", due="2022-03-15"),
    event("C1", "reinspection", "2022-03-16", complied=False),
]


def test_finding_then_failed_reinspection_escalates_with_stage_and_citation(
    tmp_path: Path,
) -> None:
    db = recorded(tmp_path, OVERDUE)
    penalties = [d for d in derived(db, "C1") if d["code"] == "penalty"]
    first, escalated = penalties
    assert first["details"]["stage"] == "first_finding" and first["seq"] == 1
    assert first["details"]["decision"]["penalties"] == ["fine"]
    assert escalated["details"]["stage"] == "overdue" and escalated["seq"] == 3
    assert escalated["details"]["decision"]["penalties"] == ["suspension_for_rectification"]
    assert ("work_safety_law", 105) in articles(escalated)
    reminder = next(d for d in derived(db, "C1") if d["code"] == "reminder")
    assert reminder["details"]["due"] == "2022-03-15" and reminder["citations"]


def test_reinspection_before_the_deadline_does_not_escalate(tmp_path: Path) -> None:
    db = recorded(
        tmp_path, [*OVERDUE[:2], event("C1", "reinspection", "2022-03-15", complied=False)]
    )
    stages = [d["details"]["stage"] for d in derived(db, "C1") if d["code"] == "penalty"]
    assert stages == ["first_finding"]
    assert [item.code for item in due(db, D("2022-03-15"))] == ["order_due"]


def test_compliance_closes_the_order(tmp_path: Path) -> None:
    db = recorded(
        tmp_path, [*OVERDUE[:2], event("C1", "reinspection", "2022-03-10", complied=True)]
    )
    assert any(d["code"] == "complied" for d in derived(db, "C1"))
    assert due(db, D("2022-04-01")) == []


def test_daily_fine_accrues_the_original_amount_for_each_day(tmp_path: Path) -> None:
    db = recorded(
        tmp_path,
        [
            finding("C2", "2022-03-01", fine_yuan=20000),
            event("C2", "order", "2022-03-01", due="2022-03-05"),
            event("C2", "reinspection", "2022-03-06", complied=False),
        ],
    )
    # from the day after the correction order through the as-of date: ten days
    accrual = timeline(db, "C2", on=D("2022-03-11")).daily_fine
    assert accrual is not None and accrual.ongoing
    assert (accrual.start, accrual.through, accrual.days) == (D("2022-03-02"), D("2022-03-11"), 10)
    assert accrual.total_yuan == 20000 * 10
    fine = next(d for d in derived(db, "C2", D("2022-03-11")) if d["code"] == "daily_fine")
    assert fine["details"]["total_yuan"] == 200000 and articles(fine) == {("work_safety_law", 112)}
    accruing = [i for i in due(db, D("2022-03-11")) if i.code == "daily_fine_accruing"]
    assert accruing[0].details["days"] == 10
    assert not [i for i in due(db, D("2022-03-05")) if i.code == "daily_fine_accruing"]


def test_daily_fine_stops_the_day_before_compliance(tmp_path: Path) -> None:
    db = recorded(tmp_path, [*OVERDUE, event("C1", "reinspection", "2022-03-21", complied=True)])
    accrual = timeline(db, "C1", on=D("2022-04-30")).daily_fine
    assert accrual is not None and not accrual.ongoing
    assert (accrual.through, accrual.days) == (D("2022-03-20"), 19)
    assert due(db, D("2022-04-30")) == []


def test_no_daily_fine_without_a_fine(tmp_path: Path) -> None:
    db = recorded(tmp_path, [finding("C1", "2022-03-01"), *OVERDUE[1:]])
    assert timeline(db, "C1").daily_fine is None
    assert not any(d["code"] == "daily_fine" for d in derived(db, "C1"))


def test_major_hazard_suspension_cannot_resume_before_approval(tmp_path: Path) -> None:
    db = recorded(
        tmp_path,
        [
            major("M1", "2022-05-02"),
            event("M1", "review", "2022-05-10", approved=False),
            event("M1", "review", "2022-05-20", approved=True),
        ],
    )
    resumption = [d for d in derived(db, "M1") if d["code"] == "resumption"]
    assert [(d["seq"], d["details"]["allowed"]) for d in resumption] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert all(articles(d) == {("work_safety_law", 65)} for d in resumption)
    assert timeline(db, "M1", on=D("2022-05-19")).resumption_allowed is False
    assert timeline(db, "M1").resumption_allowed is True
    assert [i.code for i in due(db, D("2022-05-15"))] == ["review_pending"]
    assert due(db, D("2022-05-20")) == []


def closures(db: Path, cases: list[str]) -> list[dict[str, Any]]:
    return [d for case in cases for d in derived(db, case) if d["code"] == "closure_proposal"]


def test_three_major_hazard_penalties_within_180_days_propose_closure(tmp_path: Path) -> None:
    dates = ["2022-01-10", "2022-03-01", "2022-07-08"]  # 179 days from the first to the third
    db = recorded(tmp_path, [major(f"M{i}", day) for i, day in enumerate(dates)])
    found = closures(db, ["M0", "M1", "M2"])
    assert len(found) == 1 and found[0]["seq"] == 1
    assert found[0]["details"]["thresholds"] == ["3 within 180 days"]
    assert [p["case_id"] for p in found[0]["details"]["penalties"]] == ["M0", "M1", "M2"]
    assert found[0]["citations"][0]["article"] == 113
    assert "一百八十日内三次" in found[0]["citations"][0]["text_zh"]
    assert closures(db, ["M0", "M1"]) == []  # shown in the case that completed the count


def test_two_penalties_or_a_wider_spread_do_not(tmp_path: Path) -> None:
    two = recorded(tmp_path, [major("A0", "2022-01-10"), major("A1", "2022-02-10")])
    assert closures(two, ["A0", "A1"]) == []
    (tmp_path / "b").mkdir()
    spread = ["2022-01-10", "2022-03-01", "2022-07-09"]  # the 180th day after the first
    db = recorded(tmp_path / "b", [major(f"B{i}", day) for i, day in enumerate(spread)])
    assert closures(db, ["B0", "B1", "B2"]) == []
    (tmp_path / "c").mkdir()
    other_units = [major(f"D{i}", day, unit=f"U{i}") for i, day in enumerate(spread[:2])]
    db = recorded(tmp_path / "c", [*other_units, major("D9", "2022-03-02", unit="U0")])
    assert closures(db, ["D0", "D1", "D9"]) == []


def test_four_within_a_year_propose_closure(tmp_path: Path) -> None:
    dates = ["2022-01-10", "2022-05-01", "2022-09-01", "2023-01-09"]
    db = recorded(tmp_path, [major(f"Y{i}", day) for i, day in enumerate(dates)])
    found = closures(db, ["Y0", "Y1", "Y2", "Y3"])
    assert [d["details"]["thresholds"] for d in found] == [["4 within 1 year(s)"]]


def test_quashed_penalties_do_not_count(tmp_path: Path) -> None:
    dates = ["2022-01-10", "2022-03-01"]
    events = [major(f"Q{i}", day) for i, day in enumerate(dates)]
    events += [event("Q0", "appeal", "2022-04-01", outcome="quashed"), major("Q2", "2022-04-02")]
    db = recorded(tmp_path, events)
    assert closures(db, ["Q2"]) == []


def test_events_are_validated_before_storage(tmp_path: Path) -> None:
    lines = [
        finding("C1", "2022-03-01", fine_yuan=90000),  # above the 50,000 ceiling
        event("C1", "order", "2022-03-01", due="2022-03-15"),  # the case has no finding
        finding("C2", "2022-03-01", kind="not_a_kind"),
        event("C3", "order", "2022-03-01", due="2022-02-01", extra=1),
        {**event("C4", "reinspection", "2022-03-01"), "complied": "yes"},
    ]
    summary = record(tmp_path / "x.db", write(tmp_path, lines))
    fields = [e["error"]["field"] for e in summary.errors]
    assert fields == ["fine_yuan", "type", "facts.kind", "extra", "complied"]
    assert summary.recorded == 0
    assert summary.errors[0]["error"]["message"].startswith("line 1: event field 'fine_yuan'")
    with pytest.raises(EventError) as caught:
        Event.from_dict(event("C1", "order", "2022-03-01", due="2022-02-30"))
    assert caught.value.field == "due"


def test_store_is_append_only(tmp_path: Path) -> None:
    db = recorded(tmp_path, OVERDUE)
    with sqlite3.connect(db) as raw, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM events")


def test_show_text_and_json_are_bilingual_with_citations(tmp_path: Path) -> None:
    db = recorded(tmp_path, OVERDUE)
    text = show(db, "C1")
    assert "逾期未改正" in text and "not corrected by the deadline" in text
    assert "art. 105 item 2" in text and "art. 112" in text
    data = json.loads(show_json(db, "C1"))
    assert [e["seq"] for e in data["timeline"]] == [1, 2, 3]
    assert all(d["citations"] for e in data["timeline"] for d in e["derived"])


REPLAY = textwrap.dedent(
    """
    import sys
    from enforcement_rules.cases import show_json
    sys.stdout.write(show_json(sys.argv[1], sys.argv[2]))
    """
)


def test_replay_gives_the_same_timeline_also_in_a_fresh_process(tmp_path: Path) -> None:
    events = [*OVERDUE, event("C1", "payment", "2022-03-20", amount_yuan=20000)]
    events += [major(f"M{i}", day) for i, day in enumerate(["2022-01-10", "2022-03-01"])]
    events += [major("M2", "2022-04-01"), event("M2", "review", "2022-04-09", approved=True)]
    db = recorded(tmp_path, events)
    again = tmp_path / "again"
    again.mkdir()
    log = [s.event.to_dict() for case in ("C1", "M0", "M1", "M2") for s in _log(db, case)]
    db2 = recorded(again, log)
    for case in ("C1", "M2"):
        assert show_json(db, case) == show_json(db2, case)
        fresh = subprocess.run(
            [sys.executable, "-c", REPLAY, str(db), case],
            capture_output=True,
            text=True,
            check=True,
        )
        assert fresh.stdout == show_json(db, case)
    assert deriver().engine.live_sessions == 0


def _log(db: Path, case: str) -> list[Any]:
    with SqliteEventStore(db) as store:
        return store.events(case)


WRITER = textwrap.dedent(
    """
    import sys
    from enforcement_rules.cases import Event, SeqConflict, SqliteEventStore, append
    db, case, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    writer = sys.argv[4] if len(sys.argv) > 4 else "w"
    store = SqliteEventStore(db)
    if not store.events(case):
        first = {"case_id": case, "type": "finding", "on": "2022-03-01",
                 "facts": {"kind": "blocked_exits", "occurred_on": "2022-03-01", "unit": "U"}}
        try:
            store.append(Event.from_dict(first), 1)  # no decision needed to test the log
        except SeqConflict:
            pass  # the other writer opened the case first
    for n in range(count):
        payment = Event.from_dict(  # equal payments of two writers: distinct event ids
            {"case_id": case, "type": "payment", "on": "2022-03-02", "amount_yuan": n,
             "event_id": f"{writer}-{n}"}
        )
        seq = append(store, payment)
        print(case, seq, n, flush=True)  # acknowledged: printed after the commit
    """
)


def test_kill_9_mid_batch_loses_no_acknowledged_event(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "K", "100000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acknowledged = []
    for line in child.stdout:
        acknowledged.append(line.split())
        if len(acknowledged) >= 150:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    acknowledged += [line.split() for line in child.stdout.read().splitlines() if line]
    with SqliteEventStore(db) as store:
        assert store.integrity() == "ok"
        stored = {s.seq: s.event for s in store.events("K")}
    for _, seq, amount in acknowledged:
        assert stored[int(seq)].amount_yuan == float(amount)
    assert sorted(stored) == list(range(1, len(stored) + 1))  # no gap, no torn write


def test_concurrent_writers_on_one_database(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    SqliteEventStore(db).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), "SHARED", "60", f"writer{number}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(2)
    ]
    outputs = [w.communicate(timeout=60) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], [err for _, err in outputs]
    with SqliteEventStore(db) as store:
        assert store.integrity() == "ok"
        stored = store.events("SHARED")
    payments = [s for s in stored if s.event.type.value == "payment"]
    assert len(payments) == 120  # every append of both writers, each once
    assert [s.seq for s in stored] == list(range(1, len(stored) + 1))
    acknowledged = sorted(int(line.split()[1]) for out, _ in outputs for line in out.splitlines())
    assert acknowledged == [s.seq for s in payments]


def test_case_law_is_data_validated_with_file_and_line(tmp_path: Path) -> None:
    law = load_case_law()
    closure = law["closure"].on(D("2022-01-01"))
    assert closure is not None
    assert [(t.count, t.days, t.years) for t in closure.thresholds] == [(3, 180, 0), (4, 0, 1)]
    assert law["closure"].on(D("2020-01-01")) is None  # Art. 113 item 1 is new in 2021
    text = _default_path().read_text("utf-8")
    broken = tmp_path / "case_law.yaml"
    broken.write_text(text.replace("count: 3", "count: three"), "utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_case_law(broken)
    (error,) = caught.value.errors
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "count: 3" in t)
    assert (error.file, error.line) == (str(broken), line)
    assert "count" in error.reason


def test_sessions_never_outlive_a_call() -> None:
    """More correlations than durable_rules' ~1,024 live sessions: none is left behind."""
    engine = deriver().engine
    fact = {"t": "order", "ix": 1, "day": 738000, "due": 738010}
    for n in range(1500):
        assert engine.correlate(f"case:N{n}", [fact]) == [("order", (("o", 1),))]
    assert engine.live_sessions == 0
