"""The case log cannot be bent: each test is named after a defect of issue 17."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from enforcement_rules.cases import (
    CaseLogError,
    DuplicateEventError,
    Event,
    EventError,
    SqliteEventStore,
    append,
    due,
    record,
    show,
)
from enforcement_rules.cases.store import SCHEMA_VERSION
from enforcement_rules.cli import main

D = "2022-03-01"


def finding(case_id: str, unit: str = "U1") -> dict[str, Any]:
    facts = {"kind": "blocked_exits", "occurred_on": D, "unit": unit}
    return {"case_id": case_id, "type": "finding", "on": D, "facts": facts}


def order(case_id: str, due_on: str = "2022-03-10") -> dict[str, Any]:
    return {"case_id": case_id, "type": "order", "on": D, "due": due_on}


def payment(case_id: str, amount: float, **extra: Any) -> dict[str, Any]:
    return {"case_id": case_id, "type": "payment", "on": D, "amount_yuan": amount, **extra}


def write_events(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")
    return path


def test_case_ids_with_quotes_and_backslashes_no_longer_break_case_due(tmp_path: Path) -> None:
    """Defect: a case id with `"` or `\\` was spliced into durable_rules' session id, whose C
    JSON parser mis-read it (error 309), and `case due` failed for every case."""
    db = tmp_path / "cases.db"
    odd = 'C-"quoted"\\back'
    events = write_events(
        tmp_path / "e.jsonl", [finding(odd), order(odd), finding("C-plain"), order("C-plain")]
    )
    summary = record(db, events)
    assert summary.errors == [] and summary.recorded == 4
    items = due(db, __import__("datetime").date(2022, 3, 20))
    assert {item.case_id for item in items} == {odd, "C-plain"}


@pytest.mark.parametrize(
    "case_id", ["C\x00-nul", "C\n-newline", "C-\x1b[31m", "C-\ud800", " C-space", "x" * 200]
)
def test_unprintable_or_overlong_ids_are_refused_with_the_field_named(case_id: str) -> None:
    with pytest.raises(EventError) as caught:
        Event.from_dict(finding(case_id))
    assert caught.value.field == "case_id"
    with pytest.raises(EventError) as caught:
        Event.from_dict(finding("C-1", unit=case_id))
    assert caught.value.field == "facts.unit"


def test_recording_a_file_twice_appends_nothing_the_second_time(tmp_path: Path) -> None:
    """Defect: there were no event ids, so re-running a file after a crash appended payments
    twice."""
    db = tmp_path / "cases.db"
    events = write_events(tmp_path / "e.jsonl", [finding("C-1"), payment("C-1", 500)])
    first = record(db, events)
    again = record(db, events)
    assert first.recorded == 2 and again.recorded == 0
    assert [skip["line"] for skip in again.already_recorded] == [1, 2]
    with SqliteEventStore(db) as store:
        assert len(store.events("C-1")) == 2


def test_equal_events_with_distinct_event_ids_are_both_kept(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    events = [
        finding("C-1"),
        payment("C-1", 500, event_id="p1"),
        payment("C-1", 500, event_id="p2"),
    ]
    assert record(db, write_events(tmp_path / "e.jsonl", events)).recorded == 3


def test_an_event_id_reused_for_another_event_is_refused(tmp_path: Path) -> None:
    with SqliteEventStore(tmp_path / "cases.db") as store:
        append(store, Event.from_dict(finding("C-1")))
        append(store, Event.from_dict(payment("C-1", 500, event_id="p1")))
        with pytest.raises(DuplicateEventError, match="already names a different event"):
            append(store, Event.from_dict(payment("C-1", 600, event_id="p1")))


def test_insert_or_replace_is_refused_by_the_database_itself(tmp_path: Path) -> None:
    """Defect: `INSERT OR REPLACE` bypassed the append-only triggers (REPLACE deletes without
    firing them)."""
    db = tmp_path / "cases.db"
    with SqliteEventStore(db) as store:
        append(store, Event.from_dict(finding("C-1")))
    raw = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(
            "INSERT OR REPLACE INTO events (case_id, seq, identity, unit, type, on_date, body)"
            " VALUES ('C-1', 1, 'forged', 'U1', 'finding', '2022-03-01', '{}')"
        )
    for statement in ("UPDATE events SET body = '{}'", "DELETE FROM events", "DELETE FROM heads"):
        with pytest.raises(sqlite3.IntegrityError, match=r"append-only|follow"):
            raw.execute(statement)
    raw.close()


def test_an_append_does_not_read_the_whole_case(tmp_path: Path) -> None:
    """Defect: each append re-read the whole case (1,000 / 2,000 / 4,000 events took 11.6 /
    34.8 / 99 s). The statements of one append do not depend on the case's length
    (benchmarks/bench_cases.py measures the time)."""
    store = SqliteEventStore(tmp_path / "cases.db")
    append(store, Event.from_dict(finding("C-1")))
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    counts = []
    for n in range(1, 300):
        statements.clear()
        append(store, Event.from_dict(payment("C-1", n)))
        counts.append(len(statements))
        assert not any("SELECT seq, body" in s for s in statements)
    assert len(set(counts)) == 1
    store.close()


@pytest.mark.parametrize("command", ["due", "show"])
def test_read_only_commands_never_create_a_database(tmp_path: Path, command: str) -> None:
    """Defect: `case due` on a mistyped path created it and said nothing was due."""
    db = tmp_path / "typo.db"
    argv = (
        ["case", "due", str(db), "--on", D]
        if command == "due"
        else ["case", "show", str(db), "C-1"]
    )
    err = io.StringIO()
    assert main(argv, out=io.StringIO(), err=err) == 1
    assert "no event log at" in err.getvalue()
    assert not db.exists()


def test_a_log_of_a_newer_schema_is_neither_read_nor_written(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    SqliteEventStore(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = db.read_bytes()
    with pytest.raises(CaseLogError, match="newer enforcement-rules"):
        SqliteEventStore(db)
    assert db.read_bytes() == before


def test_a_log_of_the_first_layout_is_upgraded_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    raw = sqlite3.connect(db)
    raw.executescript(
        """
        CREATE TABLE events (case_id TEXT NOT NULL, seq INTEGER NOT NULL, unit TEXT,
            type TEXT NOT NULL, on_date TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (case_id, seq)) WITHOUT ROWID;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
        """
    )
    for seq, data in enumerate([finding("C-1"), order("C-1")], start=1):
        event = Event.from_dict(data)
        raw.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
            ("C-1", seq, "U1" if seq == 1 else None, event.type.value, D, event.to_json()),
        )
    raw.commit()
    raw.close()
    with pytest.raises(CaseLogError, match="older event-log layout"):
        SqliteEventStore(db, readonly=True)
    with SqliteEventStore(db) as store:
        head = store.head("C-1")
        assert head is not None and (head.events, head.has_order, head.unit) == (2, True, "U1")
        assert [s.seq for s in store.events("C-1")] == [1, 2]
        reinspection = {"case_id": "C-1", "type": "reinspection", "on": D, "complied": True}
        assert append(store, Event.from_dict(reinspection)) == 3
    assert "C-1" in show(db, "C-1")


def test_a_file_that_is_not_a_database_gives_a_typed_error(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 100, "utf-8")
    with pytest.raises(CaseLogError, match="not an enforcement-rules event log"):
        SqliteEventStore(db)


def test_a_held_lock_gives_a_typed_error_after_the_timeout(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    SqliteEventStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = SqliteEventStore(db, busy_timeout_s=0.2)
        with pytest.raises(CaseLogError, match="holds its lock"):
            store.append(Event.from_dict(finding("C-1")), 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_disk_stops_record_with_a_summary_of_what_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    with SqliteEventStore(db) as store:
        append(store, Event.from_dict(finding("C-0")))
        pages = int(store._db.execute("PRAGMA page_count").fetchone()[0])
        store._db.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        big = [payment("C-0", n, event_id="x" * 120 + str(n)) for n in range(200)]
        path = write_events(tmp_path / "big.jsonl", big)
        with pytest.raises(CaseLogError) as caught:
            record(store, path)
    assert "the disk is full" in str(caught.value)
    assert "event(s) of the earlier lines were stored" in str(caught.value)


def test_writing_through_a_read_only_store_is_a_typed_error(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    SqliteEventStore(db).close()
    with (
        SqliteEventStore(db, readonly=True) as store,
        pytest.raises(CaseLogError, match="read-only storage"),
    ):
        store.append(Event.from_dict(finding("C-1")), 1)
