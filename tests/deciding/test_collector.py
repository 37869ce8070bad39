"""The cycle collector is paused while chunks are decided, and always restored after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.deciding import collector

FACT = {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "manufacturing"}


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after_nested_blocks() -> None:
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds the pause
    assert gc.isenabled()


def test_a_collector_the_program_disabled_stays_disabled() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_error_inside_the_block_restores_the_collector() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_threads_sharing_the_pause_leave_the_collector_as_they_found_it() -> None:
    gc.enable()
    inside = threading.Barrier(4)
    seen: list[bool] = []

    def work() -> None:
        with collector.paused():
            inside.wait()
            seen.append(gc.isenabled())
            inside.wait()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [False] * 4
    assert gc.isenabled()


def test_deciding_a_batch_pauses_the_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gc.enable()
    states: list[bool] = []
    decider = er.Decider(er.load_rules())
    full = decider._full

    def spy(*args: object, **kwargs: object) -> object:
        states.append(gc.isenabled())
        return full(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decider, "_full", spy)
    batch = [
        {**FACT, "occurred_on": f"2025-0{1 + day % 9}-{10 + day % 19}"}
        for day in range(collector.PAUSE_FROM)
    ]
    decisions = decider.decide_many(batch)
    assert len(decisions) == len(batch) and states == [False]
    assert gc.isenabled()
    decider.decide({**FACT, "overdue": True})  # one fact of a new class: not worth a pause
    assert states == [False, True]
    spoiled = [*batch[:-1], {**FACT, "hazard": "enormous"}]
    with pytest.raises(er.EnforcementRulesError):
        decider.decide_many(spoiled)
    assert gc.isenabled()


def test_a_list_is_decided_under_one_pause_and_a_stream_under_one_a_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A list is the caller's data (no caller code runs while it is read): the collector waits
    for the whole batch. A stream's iterator is the caller's code: it runs with the collector
    on, between chunks."""
    gc.enable()
    decider = er.Decider(er.load_rules(), chunk_size=collector.PAUSE_FROM)
    chunk = decider._decide_chunk
    states: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        states.append(gc.isenabled())
        return chunk(*args, **kwargs)

    monkeypatch.setattr(decider, "_decide_chunk", spy)
    batch = [
        {**FACT, "occurred_on": f"2024-0{1 + day % 9}-{10 + day % 19}"}
        for day in range(3 * collector.PAUSE_FROM)
    ]
    assert len(decider.decide_many(batch)) == len(batch)
    assert states == [False] * 3 and gc.isenabled()
    states.clear()
    assert len(decider.decide_many(iter(batch))) == len(batch)
    assert states == [True] * 3 and gc.isenabled()
