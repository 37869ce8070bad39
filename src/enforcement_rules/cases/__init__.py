"""Stage 6, enforcement cases: dated events in a durable log, and the decisions they derive.

`record`, `show`, `show_json` and `due` back the `enforcement-rules case` commands. It may import
the lower stages (contract to review), not its sibling `plan`.
"""

from __future__ import annotations

from .derive import CaseDeriver, DailyFine, Derived
from .events import Event, EventError, EventType
from .law import CaseLaw, case_law_of, load_case_law
from .service import (
    CaseNotFoundError,
    RecordSummary,
    append,
    due,
    record,
    show,
    show_json,
    timeline,
)
from .store import (
    CaseHead,
    CaseLogError,
    DuplicateEventError,
    EventStore,
    SeqConflict,
    SqliteEventStore,
    StoredEvent,
)
from .view import DueItem, Timeline

__all__ = [
    "CaseDeriver",
    "CaseHead",
    "CaseLaw",
    "CaseLogError",
    "CaseNotFoundError",
    "DailyFine",
    "Derived",
    "DueItem",
    "DuplicateEventError",
    "Event",
    "EventError",
    "EventStore",
    "EventType",
    "RecordSummary",
    "SeqConflict",
    "SqliteEventStore",
    "StoredEvent",
    "Timeline",
    "append",
    "case_law_of",
    "due",
    "load_case_law",
    "record",
    "show",
    "show_json",
    "timeline",
]
