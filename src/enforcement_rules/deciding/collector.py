"""The cycle collector paused while a chunk of facts is decided.

Deciding a chunk allocates many small objects (keys, decisions copied with the caller's `ref`)
and frees them by reference counting; none of them forms a cycle. Yet every 700 allocations
start a collection that walks the young objects, and the full ones walk the whole heap, which a
warm decider's caches make large: on the realistic workload of `benchmarks/bench_speed.py` the
collector took half the time of a warm batch. It is paused for the chunk and restored after, so
cycles made meanwhile (an error's traceback) wait one chunk to be collected.

Process-wide, like the collector itself: the first decider thread to enter pauses it, the last
to leave restores it, and a collector the program had disabled stays disabled.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from .forksafe import ForkSafeLock

_lock = ForkSafeLock()
_depth = 0
_was_enabled = False


#: Fewer objects than this are not worth a pause: a single decision allocates too little for a
#: collection to start inside it, and toggling the collector around each would cost more.
PAUSE_FROM = 64


def paused_for(count: int) -> AbstractContextManager[None]:
    """`paused()` for work on `count` facts, if that many are worth it."""
    return paused() if count >= PAUSE_FROM else nullcontext()


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off inside the block (nested and concurrent blocks share one pause)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
