"""Shared fixtures: the bundled rule set, loaded once, and a decider over it; and a record of
every decision, case event and timeline the suite produces, which the published schemas must
accept (`tests/service/test_published.py`, run last)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from chromium import CHROMIUM
from produced import PRODUCED

import enforcement_rules as er
from enforcement_rules.cases.events import Event
from enforcement_rules.cases.store import SqliteEventStore
from enforcement_rules.cases.view import Timeline


@pytest.fixture(scope="session")
def rules() -> er.RuleSet:
    return er.load_rules()


@pytest.fixture(scope="session")
def decider(rules: er.RuleSet) -> er.Decider:
    return er.Decider(rules)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright driving Debian's `CHROMIUM`): the
    module's pages are opened in it one after another, not each in a browser of its own."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


pytest_plugins = ["pytester"]


@pytest.fixture(scope="session", autouse=True)
def _record_what_the_suite_produces() -> Iterator[None]:
    decide_many = er.Decider.decide_many
    append = SqliteEventStore.append
    build = Timeline.build.__func__  # type: ignore[attr-defined]

    def recording_decide_many(self: er.Decider, many: Iterable[Any], **options: Any) -> Any:
        decisions = decide_many(self, many, **options)
        for decision in decisions:
            if isinstance(decision, er.Decision):
                PRODUCED.keep(PRODUCED.decisions, decision.to_json(trace=True))
        return decisions

    def recording_append(self: SqliteEventStore, event: Event, seq: int) -> bool:
        PRODUCED.keep(PRODUCED.events, json.dumps(event.to_dict(), ensure_ascii=False))
        return append(self, event, seq)

    def recording_build(cls: type[Timeline], *args: Any, **kwargs: Any) -> Timeline:
        timeline = build(cls, *args, **kwargs)
        PRODUCED.keep(PRODUCED.timelines, timeline.to_json())
        return timeline

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(er.Decider, "decide_many", recording_decide_many)
        patch.setattr(SqliteEventStore, "append", recording_append)
        patch.setattr(Timeline, "build", classmethod(recording_build))
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The test of everything the suite produced runs after everything else."""
    last = [item for item in items if item.get_closest_marker("after_everything")]
    rest = [item for item in items if not item.get_closest_marker("after_everything")]
    items[:] = rest + last


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "after_everything: runs after every other test (it checks what they produced)"
    )
