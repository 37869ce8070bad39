"""Durable, append-only case event logs: a small storage interface and its SQLite default.

Appends are optimistic: the caller reads the case, validates the next event against it and
appends it at the next sequence number; a concurrent writer that took that number first makes
the append fail with `SeqConflict`, and the caller re-reads and retries. So any database with a
unique (case_id, seq) key can implement `EventStore`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import attrs

from ..contract.errors import EnforcementRulesError
from .events import Event


class SeqConflict(EnforcementRulesError):
    """Another writer appended to the case first: re-read, re-validate, retry."""


@attrs.frozen
class StoredEvent:
    seq: int  # 1, 2, … within its case
    event: Event


class EventStore(Protocol):
    """Where case logs live. `append` is acknowledged only once the event is durable."""

    def append(self, event: Event, seq: int) -> None:
        """Store `event` as number `seq` of its case; `SeqConflict` if that number is taken."""

    def events(self, case_id: str) -> list[StoredEvent]:
        """The case's log in order (empty for an unknown case)."""

    def case_ids(self) -> list[str]:
        """Every case, sorted."""

    def cases_of_unit(self, unit: str) -> list[str]:
        """The cases whose finding names `unit`, sorted."""

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    unit TEXT,
    type TEXT NOT NULL,
    on_date TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_unit ON events (unit, case_id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
"""


class SqliteEventStore:
    """The default store: one SQLite file, WAL, fsync on every commit, one event per commit.

    WAL with `synchronous=FULL` makes a committed append survive a crash or power loss; an
    append that was not committed leaves no trace. `BEGIN IMMEDIATE` takes the write lock up
    front and the busy timeout makes concurrent writers wait for it instead of failing.
    """

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0):
        self.path = str(path)
        self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._init_schema()

    def _init_schema(self) -> None:
        with self._transaction():
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    self._db.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def append(self, event: Event, seq: int) -> None:
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO events (case_id, seq, unit, type, on_date, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        event.case_id,
                        seq,
                        event.unit if event.unit is not None else self._unit(event.case_id),
                        event.type.value,
                        event.on.isoformat(),
                        event.to_json(),
                    ),
                )
        except sqlite3.IntegrityError as error:
            raise SeqConflict(f"case {event.case_id!r} already has event #{seq}") from error

    def _unit(self, case_id: str) -> str | None:
        row = self._db.execute(
            "SELECT unit FROM events WHERE case_id = ? AND seq = 1", (case_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def events(self, case_id: str) -> list[StoredEvent]:
        rows = self._db.execute(
            "SELECT seq, body FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
        ).fetchall()
        return [StoredEvent(int(seq), Event.from_json(body)) for seq, body in rows]

    def case_ids(self) -> list[str]:
        rows = self._db.execute("SELECT DISTINCT case_id FROM events ORDER BY case_id")
        return [str(row[0]) for row in rows]

    def cases_of_unit(self, unit: str) -> list[str]:
        rows = self._db.execute(
            "SELECT DISTINCT case_id FROM events WHERE unit = ? ORDER BY case_id", (unit,)
        )
        return [str(row[0]) for row in rows]

    def integrity(self) -> str:
        """`PRAGMA integrity_check`: "ok" for an intact database."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqliteEventStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
