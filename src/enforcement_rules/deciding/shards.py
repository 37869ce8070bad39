"""The rule set cut into durable_rules rulesets that each stay inside the engine's limits.

`rulebook.network` rebuilds the alpha network durable_rules makes of rules and knows the engine's
fixed tables. Here rules are packed, in the rule set's order, into as few shards as keep every
shard's network within those limits; `engine` compiles each shard into a ruleset of its own.
Semantics do not change: every rule tests one fact, so which ruleset holds it does not matter.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..contract.errors import EngineError
from ..rulebook.conditions import Conjunction
from ..rulebook.model import Rule
from ..rulebook.network import SENTINEL, Network, rule_paths


@attrs.frozen
class Shard:
    """Rules compiled into one durable ruleset, with the engine rules (paths) of each."""

    index: int
    rule_ids: tuple[str, ...]
    paths: tuple[tuple[str, Conjunction], ...]  # (rule id, conjunction), in order


def plan_shards(rules: Sequence[Rule], sentinel: Conjunction = SENTINEL) -> tuple[Shard, ...]:
    """Pack rules into shards in the rule set's order, each shard's network inside the limits.

    Every shard also holds `sentinel`, the path of the engine rule that tells a fact was seen.
    Raises `ShardError` for a rule that does not fit even in a shard of its own (the loader
    refuses such a rule, so this is a defect of the library, not of the rules).
    """
    shards: list[Shard] = []
    network = _fresh(sentinel)
    members: list[str] = []
    paths_of: list[tuple[str, Conjunction]] = []
    for rule in rules:
        paths = rule_paths(rule)
        if not network.fits(network.add_all(paths)):
            if not members:
                raise ShardError(rule.id, len(paths))
            shards.append(Shard(len(shards), tuple(members), tuple(paths_of)))
            network, members, paths_of = _fresh(sentinel), [], []
            if not network.fits(network.add_all(paths)):
                raise ShardError(rule.id, len(paths))
        members.append(rule.id)
        paths_of.extend((rule.id, path) for path in paths)
    if members or not shards:
        shards.append(Shard(len(shards), tuple(members), tuple(paths_of)))
    return tuple(shards)


def _fresh(sentinel: Conjunction) -> Network:
    network = Network()
    network.add(sentinel)
    return network


class ShardError(EngineError):
    """A single rule's network is beyond the engine's limits even in a ruleset of its own."""

    def __init__(self, rule_id: str, paths: int):
        self.rule_id = rule_id
        super().__init__(
            f"rule {rule_id!r} ({paths} alternatives) does not fit in one durable_rules ruleset "
            "within the engine's limits (docs/engine.md): split its condition"
        )
