"""A case as a timeline (every event, then the decisions derived after it) and what is due."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ..contract.fines import yuan
from .derive import DailyFine, Derived, LocalCase
from .events import Event, EventType

_EVENT_NAMES = {
    EventType.FINDING: ("发现违法行为", "finding"),
    EventType.ORDER: ("责令限期改正", "correction order"),
    EventType.REINSPECTION: ("复查", "re-inspection"),
    EventType.REVIEW: ("重大事故隐患整改审查", "review of the major hazard's removal"),
    EventType.PAYMENT: ("缴纳罚款", "payment"),
    EventType.APPEAL: ("复议或诉讼结果", "appeal outcome"),
}


@attrs.frozen
class Entry:
    seq: int
    event: Event
    derived: tuple[Derived, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event": self.event.to_dict(),
            "derived": [d.to_dict() for d in self.derived],
        }


@attrs.frozen
class Timeline:
    """`case show`: the replayable view of one case as of a date."""

    case_id: str
    unit: str
    as_of: dt.date
    entries: tuple[Entry, ...]
    open_orders: tuple[tuple[int, dt.date], ...]
    resumption_allowed: bool | None
    daily_fine: DailyFine | None

    @classmethod
    def build(cls, case: LocalCase, extra: Mapping[int, tuple[Derived, ...]]) -> Timeline:
        entries = tuple(
            Entry(s.seq, s.event, case.derived.get(s.seq, ()) + extra.get(s.seq, ()))
            for s in case.events
        )
        return cls(
            case.case_id,
            case.unit,
            case.as_of,
            entries,
            case.open_orders,
            case.resumption_allowed,
            case.daily_fine,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "unit": self.unit,
            "as_of": self.as_of.isoformat(),
            "timeline": [entry.to_dict() for entry in self.entries],
            "status": {
                "open_orders": [{"seq": s, "due": d.isoformat()} for s, d in self.open_orders],
                "resumption_allowed": self.resumption_allowed,
                "daily_fine": None if self.daily_fine is None else self.daily_fine.to_dict(),
            },
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        """The timeline in Chinese and English, each decision with its citations."""
        lines = [
            f"案件 {self.case_id} (case) · 单位 {self.unit} (unit) · 截至 {self.as_of} (as of)"
        ]
        for entry in self.entries:
            zh, en = _EVENT_NAMES[entry.event.type]
            lines.append(
                f"#{entry.seq} {entry.event.on} {zh} ({en}): {_event_summary(entry.event)}"
            )
            for derived in entry.derived:
                lines.append(f"    → {derived.zh}")
                lines.append(f"      ({derived.en})")
                for citation in derived.citations:
                    lines.append(f"      依据 (basis): {citation.label} — {citation.text_zh}")
        return "\n".join(lines)


def _event_summary(event: Event) -> str:
    data = event.to_dict()
    for key in ("case_id", "type", "on"):
        data.pop(key)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@attrs.frozen
class DueItem:
    """Something that falls due on or before a date: an order, a review, a daily fine."""

    case_id: str
    unit: str
    code: str  # order_due, review_pending, daily_fine_accruing
    due: dt.date
    zh: str
    en: str
    details: Mapping[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "unit": self.unit,
            "code": self.code,
            "due": self.due.isoformat(),
            "zh": self.zh,
            "en": self.en,
            "details": dict(self.details),
        }


def due_items(case: LocalCase) -> list[DueItem]:
    """What of one case falls due on or before its as-of date."""
    items = [
        DueItem(
            case.case_id,
            case.unit,
            "order_due",
            due,
            f"第 {seq} 号责令改正期限 {due} 已到，尚未复查合格",
            f"order #{seq} due {due}, not yet found complied with",
            {"order": seq},
        )
        for seq, due in case.open_orders
        if due <= case.as_of
    ]
    if case.resumption_allowed is False:
        items.append(
            DueItem(
                case.case_id,
                case.unit,
                "review_pending",
                case.as_of,
                "重大事故隐患整改待审查同意，不得恢复",
                "review of the major hazard's removal pending: no resumption",
            )
        )
    if case.daily_fine is not None and case.daily_fine.ongoing:
        fine = case.daily_fine
        items.append(
            DueItem(
                case.case_id,
                case.unit,
                "daily_fine_accruing",
                case.as_of,
                f"按日连续处罚计至 {fine.through}：{fine.days:,} 日，{yuan(fine.total_yuan)} 元",
                f"daily fine through {fine.through}: {fine.days:,} days, "
                f"{yuan(fine.total_yuan)} yuan",
                fine.to_dict(),
            )
        )
    return items
