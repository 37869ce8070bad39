"""The case commands: `record` an events file, `show` a case, list what is `due`.

Functions of paths and dates, so the CLI only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from ..contract.errors import EnforcementRulesError, FactError, error_object, excerpt
from ..contract.lines import BlankLine, open_lines, read_items
from ..deciding.decider import Decider, decider_for
from ..rulebook.model import RuleSet
from .derive import CaseDeriver
from .events import Event, EventError, EventType, check_sequence
from .law import CaseLaw, default_case_law
from .store import CaseLogError, DuplicateEventError, EventStore, SeqConflict, SqliteEventStore
from .view import DueItem, Timeline, due_items

#: Derivers per decider (weakly: they go with it) and case law.
_derivers: weakref.WeakKeyDictionary[Decider, dict[int, tuple[CaseLaw, CaseDeriver]]] = (
    weakref.WeakKeyDictionary()
)


def deriver(rules: RuleSet | None = None, law: CaseLaw | None = None) -> CaseDeriver:
    """The shared deriver of a rule set and case law (one engine host each per process)."""
    chosen = law if law is not None else default_case_law()
    decider = decider_for(rules)
    by_law = _derivers.setdefault(decider, {})
    entry = by_law.get(id(chosen))
    if entry is None or entry[0] is not chosen:
        entry = by_law[id(chosen)] = (chosen, CaseDeriver(decider, chosen))
    return entry[1]


class CaseNotFoundError(EnforcementRulesError):
    def __init__(self, case_id: str):
        self.case_id = case_id
        super().__init__(f"no case {excerpt(case_id)} in the event log")


@attrs.frozen
class RecordSummary:
    """What `record` stored: events per case, the lines already recorded before (skipped, each
    with its case and event identity), and every rejected line with its error."""

    recorded: int
    cases: dict[str, int]
    errors: list[dict[str, Any]]
    already_recorded: list[dict[str, Any]] = attrs.field(factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded,
            "cases": self.cases,
            "already_recorded": self.already_recorded,
            "errors": self.errors,
        }


@contextmanager
def _open(db: str | Path | EventStore, *, readonly: bool = False) -> Iterator[EventStore]:
    if isinstance(db, str | Path):
        store = SqliteEventStore(db, readonly=readonly)
        try:
            yield store
        finally:
            store.close()
    else:
        yield db


def append(
    store: EventStore, event: Event, derive: CaseDeriver | None = None, *, retries: int = 50
) -> int | None:
    """Validate `event` against its case and append it: its sequence number, or None when the
    case already holds this very event (nothing is written: recording a file twice is safe).

    Returns only once the event is durable (acknowledged). Costs the same whatever the case's
    length (the store keeps the case's head). A concurrent writer that took the next number
    first makes the head be re-read and the event re-validated.
    """
    known = store.find(event.case_id, event.identity)
    if known is not None:
        if known.to_json() == event.to_json():
            return None
        raise DuplicateEventError(
            f"case {excerpt(event.case_id)}: event id {excerpt(event.identity)} already names "
            "a different event"
        )
    if event.type is EventType.FINDING:
        (derive or deriver()).check_finding(event)
    for _ in range(retries):
        head = store.head(event.case_id)
        check_sequence(head, event)
        seq = (head.events if head is not None else 0) + 1
        try:
            stored = store.append(event, seq)
        except SeqConflict:
            continue
        return seq if stored else None
    raise SeqConflict(f"case {excerpt(event.case_id)}: gave up after {retries} conflicting appends")


def record(
    db_path: str | Path | EventStore,
    events_path: str | Path,
    *,
    rules: RuleSet | None = None,
    law: CaseLaw | None = None,
    create: bool = True,
) -> RecordSummary:
    """Append every valid event of a JSON Lines file (`-`: stdin); report the bad lines.

    A bad line is not stored and does not stop the others (like `decide`). With `create` false,
    a log path that does not exist is refused (`CaseLogError`) instead of created: a mistyped
    path then says so rather than starting an empty log.
    """
    if not create and isinstance(db_path, str | Path) and not Path(db_path).exists():
        raise CaseLogError(
            f"no event log at {db_path} (nothing was created: check the path, or ask for a new "
            "log with --create)"
        )
    derive = deriver(rules, law)
    kinds = derive.decider.rules.kinds
    try:
        lines = open_lines(events_path)
    except OSError as error:
        raise CaseLogError(f"cannot read {events_path}: {error.strerror or error}") from None
    cases: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    with _open(db_path) as store:
        for number, item in read_items(lines):
            try:
                if isinstance(item, BlankLine):
                    continue
                if isinstance(item, FactError):
                    raise EventError(item.field, item.problem)
                event = Event.from_dict(item, kinds=kinds)
                seq = append(store, event, derive)
            except EventError as error:
                located = error.at(f"line {number}: ")
                errors.append(_error(number, located, error.field))
                continue
            except CaseLogError as error:  # the log itself failed: stop, say what was stored
                stored = sum(cases.values())
                raise CaseLogError(
                    f"{error}; stopped at line {number}: {stored} event(s) of the earlier lines "
                    "were stored, this line and the later ones were not"
                ) from error
            except EnforcementRulesError as error:
                errors.append(_error(number, error, None))
                continue
            if seq is None:
                skipped.append(
                    {"line": number, "case_id": event.case_id, "event_id": event.identity}
                )
            else:
                cases[event.case_id] = cases.get(event.case_id, 0) + 1
    return RecordSummary(sum(cases.values()), cases, errors, skipped)


def _error(line: int, error: Exception, field: str | None) -> dict[str, Any]:
    """A rejected line in the one error shape (`contract.errors.error_object`)."""
    shape = error_object(error)
    if field is not None:
        shape["field"] = field
    return {"line": line, "error": shape}


def timeline(
    db_path: str | Path | EventStore,
    case_id: str,
    *,
    on: dt.date | None = None,
    rules: RuleSet | None = None,
    law: CaseLaw | None = None,
) -> Timeline:
    """A case's timeline as of `on` (default: its last event's date), with Art. 113 checked
    across every case of the same unit."""
    derive = deriver(rules, law)
    with _open(db_path, readonly=True) as store:
        log = store.events(case_id)
        if not log:
            raise CaseNotFoundError(case_id)
        as_of = on if on is not None else log[-1].event.on
        case = derive.local(case_id, log, as_of)
        unit_cases = [case] + [
            derive.local(other, events, as_of)
            for other in store.cases_of_unit(case.unit)
            if other != case_id and (events := store.events(other))[0].event.on <= as_of
        ]
    closures = derive.closures(case.unit, unit_cases)
    extra = {seq: (d,) for (cid, seq), d in closures.items() if cid == case_id}
    return Timeline.build(case, extra)


def show(
    db_path: str | Path | EventStore,
    case_id: str,
    *,
    on: dt.date | None = None,
    rules: RuleSet | None = None,
    law: CaseLaw | None = None,
) -> str:
    """`case show DB CASE_ID`: the timeline in Chinese and English."""
    return timeline(db_path, case_id, on=on, rules=rules, law=law).to_text()


def show_json(
    db_path: str | Path | EventStore,
    case_id: str,
    *,
    on: dt.date | None = None,
    rules: RuleSet | None = None,
    law: CaseLaw | None = None,
) -> str:
    """`case show --json`: the timeline's JSON form."""
    return timeline(db_path, case_id, on=on, rules=rules, law=law).to_json()


def due(
    db_path: str | Path | EventStore,
    on: dt.date,
    *,
    rules: RuleSet | None = None,
    law: CaseLaw | None = None,
) -> list[DueItem]:
    """`case due DB --on DATE`: open orders due, reviews pending, daily fines accruing."""
    derive = deriver(rules, law)
    items: list[DueItem] = []
    with _open(db_path, readonly=True) as store:
        for case_id in store.case_ids():
            log = store.events(case_id)
            if log[0].event.on <= on:
                items.extend(due_items(derive.local(case_id, log, on)))
    return sorted(items, key=lambda item: (item.due, item.case_id, item.code))
