"""Durable, append-only case event logs: a small storage interface and its SQLite default.

Appends are optimistic: the caller reads the case's head (how many events, the last date,
whether an order exists), validates the next event against it and appends it at the next
sequence number; a concurrent writer that took that number first makes the append fail with
`SeqConflict`, and the caller re-reads and retries. So any database with a unique
(case_id, seq) key can implement `EventStore`, and an append costs the same whatever the length
of the case. Each event has an identity in its case (`Event.identity`): appending it again is a
no-op that says so.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import attrs

from ..contract.errors import EnforcementRulesError, excerpt
from .events import Event, EventType

#: The schema this version writes and reads (`PRAGMA user_version`); 0 is the first layout.
SCHEMA_VERSION = 2


class SeqConflict(EnforcementRulesError):
    """Another writer appended to the case first: re-read, re-validate, retry."""


class CaseLogError(EnforcementRulesError):
    """The event log could not be opened, read or written; says what and why (never a raw
    sqlite traceback)."""


class DuplicateEventError(EnforcementRulesError):
    """An event id already names a different event of the case."""


@attrs.frozen
class StoredEvent:
    seq: int  # 1, 2, … within its case
    event: Event


@attrs.frozen
class CaseHead:
    """What validating the next event of a case needs, kept with every append."""

    events: int
    last_on: dt.date
    has_order: bool
    unit: str


class EventStore(Protocol):
    """Where case logs live. `append` is acknowledged only once the event is durable."""

    def append(self, event: Event, seq: int) -> bool:
        """Store `event` as number `seq` of its case: True; False when the case already holds
        this very event (same identity and content: nothing is written). `SeqConflict` if the
        number is taken, `DuplicateEventError` if the identity names a different event."""

    def head(self, case_id: str) -> CaseHead | None:
        """The case's head, or None for a case not in the log."""

    def find(self, case_id: str, identity: str) -> Event | None:
        """The stored event of the case with this identity, if any."""

    def events(self, case_id: str) -> list[StoredEvent]:
        """The case's log in order (empty for an unknown case)."""

    def case_ids(self) -> list[str]:
        """Every case, sorted."""

    def cases_of_unit(self, unit: str) -> list[str]:
        """The cases whose finding names `unit`, sorted."""

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE events (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    identity TEXT NOT NULL,
    unit TEXT NOT NULL,
    type TEXT NOT NULL,
    on_date TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, identity)
) WITHOUT ROWID;
CREATE INDEX events_by_unit ON events (unit, case_id);
CREATE TABLE heads (
    case_id TEXT PRIMARY KEY,
    events INTEGER NOT NULL,
    last_on TEXT NOT NULL,
    has_order INTEGER NOT NULL,
    unit TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE case_id = NEW.case_id
             AND (seq = NEW.seq OR identity = NEW.identity))
BEGIN SELECT RAISE(ABORT, 'case events are append-only: that place or event is taken'); END;
CREATE TRIGGER heads_no_delete BEFORE DELETE ON heads
BEGIN SELECT RAISE(ABORT, 'case heads follow the append-only log'); END;
"""


class SqliteEventStore:
    """The default store: one SQLite file, WAL, fsync on every commit, one event per commit.

    WAL with `synchronous=FULL` makes a committed append survive a crash or power loss; an
    append that was not committed leaves no trace. `BEGIN IMMEDIATE` takes the write lock up
    front and the busy timeout makes concurrent writers wait for it instead of failing. The
    event rows cannot be updated, deleted or replaced (`INSERT OR REPLACE` included), by this
    library or any other client: triggers refuse it. `readonly` opens an existing log without
    ever creating or changing one.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, busy_timeout_s: float = 30.0):
        self.path = str(path)
        self.readonly = readonly
        if readonly and not os.path.isfile(self.path):
            raise CaseLogError(f"no event log at {self.path} (a read-only command creates none)")
        try:
            self._db = _connect(self.path, readonly, busy_timeout_s)
            self._check_schema()
        except sqlite3.Error as error:
            raise CaseLogError(_explain(self.path, "open", error)) from error

    def _check_schema(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            str(row[0])
            for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version > SCHEMA_VERSION:
            raise CaseLogError(
                f"{self.path} holds event-log schema {version}, written by a newer "
                f"enforcement-rules; this one reads schema {SCHEMA_VERSION} and writes nothing"
            )
        if version == SCHEMA_VERSION:
            return
        if self.readonly:
            if not tables:
                raise CaseLogError(f"{self.path} is an empty database, not an event log")
            raise CaseLogError(
                f"{self.path} holds an older event-log layout (schema {version}); record into "
                "it once (a writing command) to bring it up to date"
            )
        with self._transaction():
            if "events" in tables:
                _upgrade(self._db)
            else:
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def append(self, event: Event, seq: int) -> bool:
        identity = event.identity
        body = event.to_json()
        try:
            with self._transaction():
                known = self._db.execute(
                    "SELECT body FROM events WHERE case_id = ? AND identity = ?",
                    (event.case_id, identity),
                ).fetchone()
                if known is not None:
                    if known[0] == body:
                        return False
                    raise DuplicateEventError(
                        f"case {excerpt(event.case_id)}: event id {excerpt(identity)} already "
                        "names a different event"
                    )
                taken = self._db.execute(
                    "SELECT 1 FROM events WHERE case_id = ? AND seq = ?", (event.case_id, seq)
                ).fetchone()
                if taken is not None:
                    raise SeqConflict(f"case {excerpt(event.case_id)} already has event #{seq}")
                head = self._head(event.case_id)
                unit = event.unit if event.unit is not None else (head.unit if head else None)
                if unit is None:
                    raise CaseLogError(f"case {excerpt(event.case_id)} has no finding")
                self._db.execute(
                    "INSERT INTO events (case_id, seq, identity, unit, type, on_date, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        event.case_id,
                        seq,
                        identity,
                        unit,
                        event.type.value,
                        event.on.isoformat(),
                        body,
                    ),
                )
                has_order = (head is not None and head.has_order) or event.type is EventType.ORDER
                self._db.execute(
                    "INSERT INTO heads (case_id, events, last_on, has_order, unit)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET"
                    " events = excluded.events, last_on = excluded.last_on,"
                    " has_order = excluded.has_order",
                    (event.case_id, seq, event.on.isoformat(), int(has_order), unit),
                )
        except sqlite3.Error as error:
            raise CaseLogError(_explain(self.path, "append to", error)) from error
        return True

    def head(self, case_id: str) -> CaseHead | None:
        try:
            return self._head(case_id)
        except sqlite3.Error as error:
            raise CaseLogError(_explain(self.path, "read", error)) from error

    def _head(self, case_id: str) -> CaseHead | None:
        row = self._db.execute(
            "SELECT events, last_on, has_order, unit FROM heads WHERE case_id = ?", (case_id,)
        ).fetchone()
        if row is None:
            return None
        return CaseHead(int(row[0]), dt.date.fromisoformat(row[1]), bool(row[2]), str(row[3]))

    def find(self, case_id: str, identity: str) -> Event | None:
        row = self._read(
            "SELECT body FROM events WHERE case_id = ? AND identity = ?", (case_id, identity)
        )
        return Event.from_json(row[0][0]) if row else None

    def events(self, case_id: str) -> list[StoredEvent]:
        rows = self._read("SELECT seq, body FROM events WHERE case_id = ? ORDER BY seq", (case_id,))
        return [StoredEvent(int(seq), Event.from_json(body)) for seq, body in rows]

    def case_ids(self) -> list[str]:
        return [str(row[0]) for row in self._read("SELECT case_id FROM heads ORDER BY case_id")]

    def cases_of_unit(self, unit: str) -> list[str]:
        rows = self._read("SELECT case_id FROM heads WHERE unit = ? ORDER BY case_id", (unit,))
        return [str(row[0]) for row in rows]

    def _read(self, query: str, parameters: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        try:
            return list(self._db.execute(query, parameters).fetchall())
        except sqlite3.Error as error:
            raise CaseLogError(_explain(self.path, "read", error)) from error

    def integrity(self) -> str:
        """`PRAGMA integrity_check`: "ok" for an intact database."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqliteEventStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _connect(path: str, readonly: bool, busy_timeout_s: float) -> sqlite3.Connection:
    if readonly:
        uri = "file:" + Path(path).absolute().as_posix().replace("?", "%3f") + "?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None)
    else:
        db = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    return db


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a log of the first layout (no identities, no heads) to this schema, in place."""
    rows = db.execute(
        "SELECT case_id, seq, unit, type, on_date, body FROM events ORDER BY case_id, seq"
    ).fetchall()
    db.execute("DROP TABLE events")
    for statement in _SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
    heads: dict[str, tuple[int, str, bool, str]] = {}
    for case_id, seq, unit, kind, on_date, body in rows:
        event = Event.from_json(body)
        unit = unit or heads[case_id][3]
        db.execute(
            "INSERT INTO events (case_id, seq, identity, unit, type, on_date, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, seq, event.identity, unit, kind, on_date, body),
        )
        has_order = (case_id in heads and heads[case_id][2]) or kind == EventType.ORDER.value
        heads[case_id] = (seq, on_date, has_order, unit)
    for case_id, (events, last_on, has_order, unit) in heads.items():
        db.execute(
            "INSERT INTO heads (case_id, events, last_on, has_order, unit) VALUES (?, ?, ?, ?, ?)",
            (case_id, events, last_on, int(has_order), unit),
        )


def _explain(path: str, action: str, error: sqlite3.Error) -> str:
    """A sqlite failure in words a user can act on."""
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and "locked" in text:
        why = "another program holds its lock (try again when it is done)"
    elif "readonly" in text or "read-only" in text:
        why = "it is on read-only storage or not writable by this user"
    elif "disk is full" in text or "database or disk is full" in text:
        why = "the disk is full"
    elif "not a database" in text or "malformed" in text:
        why = "the file is not an enforcement-rules event log (not an SQLite database)"
    elif "unable to open" in text:
        why = "the file or its folder cannot be opened"
    elif "append-only" in text:
        why = "event-log rows can be neither changed nor replaced"
    else:
        why = text
    return f"cannot {action} the event log {path}: {why}"
