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
from ..rulebook.conditions import DERIVED, Conjunction, atoms
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
    A derived fact lives in the session of the ruleset that derived it, so a shard that holds a
    rule testing a derived field also holds every rule deriving it (derivation rules may so sit
    in several shards: a rule fired twice is one rule fired). Raises `ShardError` for a rule
    that does not fit even in a shard of its own (the loader refuses such a rule, so this is a
    defect of the library, not of the rules).
    """
    derivers: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.then.derive is not None:
            derivers.setdefault(rule.then.derive[0], []).append(rule)
    needed_by = {rule.id: _needed(rule, derivers) for rule in rules}
    shards: list[Shard] = []
    network = _fresh(sentinel)
    members: list[str] = []
    paths_of: list[tuple[str, Conjunction]] = []
    for rule in rules:
        if rule.id in members:
            continue  # already here for a rule that tests what it derives
        group = [dep for dep in needed_by[rule.id] if dep.id not in members] + [rule]
        paths = [(member.id, path) for member in group for path in rule_paths(member)]
        if not network.fits(network.add_all(path for _, path in paths)):
            if not members:
                raise ShardError(rule.id, len(paths))
            shards.append(Shard(len(shards), tuple(members), tuple(paths_of)))
            network, members, paths_of = _fresh(sentinel), [], []
            group = [*needed_by[rule.id], rule]
            paths = [(member.id, path) for member in group for path in rule_paths(member)]
            if not network.fits(network.add_all(path for _, path in paths)):
                raise ShardError(rule.id, len(paths))
        members.extend(member.id for member in group)
        paths_of.extend(paths)
    if members or not shards:
        shards.append(Shard(len(shards), tuple(members), tuple(paths_of)))
    return tuple(shards)


def _needed(rule: Rule, derivers: dict[str, list[Rule]]) -> list[Rule]:
    """The derivation rules `rule` depends on (transitively), dependencies first."""
    found: dict[str, Rule] = {}

    def visit(current: Rule) -> None:
        for field in sorted({t.field for t in atoms(current.when)} & DERIVED):
            for dep in derivers.get(field, ()):
                if dep.id != rule.id and dep.id not in found:
                    visit(dep)
                    found[dep.id] = dep

    visit(rule)
    return list(found.values())


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
