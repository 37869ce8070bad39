"""The record of what the suite produces (filled by `conftest.py`, checked by
`service/test_published.py`); a module of its own so every test folder imports the same one."""

from __future__ import annotations

import hashlib

import attrs


@attrs.define
class Produced:
    """The JSON form of everything the suite's tests produced in this process, each distinct
    text once (by digest: the record stays small however many decisions a test makes)."""

    seen: set[bytes] = attrs.Factory(set)
    decisions: list[str] = attrs.Factory(list)
    events: list[str] = attrs.Factory(list)
    timelines: list[str] = attrs.Factory(list)
    calls: int = 0

    def keep(self, into: list[str], text: str) -> None:
        self.calls += 1
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest not in self.seen:
            self.seen.add(digest)
            into.append(text)


PRODUCED = Produced()
