"""The alpha network a rule makes in durable_rules, and the engine's hard limits on it.

durable_rules 2.0.28 builds one alpha network per ruleset: a trie of the comparisons of its rules
(`rete.c`, `findAlpha`: a child is reused when field, operator and value are equal; an `$and` is a
chain). Its tables are fixed (read in the C source and measured; docs/engine.md):

- a node's hashed children live in a 512-slot table: past ~511, `create_ruleset` never returns;
- `$nex` children (and `$or` links) in a 128-entry list: past it, error 107;
- rules ending at one node in a 256-entry list: past it, error 108;
- matching a fact walks the trie depth first on a 64-entry stack of matched nodes: past it,
  error 303, after which touching that session crashes the process.

Each rule becomes one engine rule per alternative of its condition (`conditions.alternatives`),
its comparisons in a canonical order (the version window first, then kind and sector) so that
paths share prefixes. `Network` rebuilds the trie those paths make and checks it against limits
about half the engine's own, with a sound bound on the matching stack. The loader refuses a rule
whose network does not fit even alone; `deciding.shards` packs the rest into as few rulesets as fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from .conditions import DERIVED, Atom, Conjunction, Scalar, alternatives
from .model import Rule, window_field

#: Limits per shard, each about half of the engine's own (see the module docstring).
MAX_CHILDREN = 255  # hashed children of one node (the engine hangs past 511)
MAX_ABSENCE_CHILDREN = 63  # `nex` children of one node (error 107 past 127)
MAX_RULES_AT_NODE = 127  # engine rules ending at one node (error 108 past 255)
MAX_STACK = 40  # bound on the matching stack (error 303 past 64; 56 crashed in a past run)
MAX_PATHS = 600  # engine rules per shard: keeps each ruleset small and fast to compile

_FIRST_FIELDS = ("kind", "sector")
#: The path of the engine rule every ruleset has, which tells that a fact was seen.
SENTINEL: Conjunction = (("kind", "ex", 1),)
#: The test that tells a derived fact (asserted by a derivation rule) from a fact of a finding.
DERIVED_FACT: Atom = ("t", "eq", "derived")


def rule_paths(rule: Rule) -> list[Conjunction]:
    """The rule's conjunctions, each led by its file's window, in canonical order."""
    provision = rule.provision
    window = window_atoms(
        window_field(provision.applies_by), provision.in_force_from, provision.in_force_until
    )
    paths = []
    for conjunction in alternatives(rule.when):
        rest = sorted(dict.fromkeys(a for a in conjunction if a not in window), key=_order)
        paths.append((*window, *rest))
    return paths


def window_atoms(field: str, start: dt.date, until: dt.date | None) -> list[Atom]:
    """A version window as comparisons on the date field that selects the version."""
    atoms: list[Atom] = [(field, "gte", start.toordinal())]
    if until is not None:
        atoms.append((field, "lt", until.toordinal()))
    return atoms


def _order(atom: Atom) -> tuple[int, str, str, str]:
    field, op, value = atom
    rank = _FIRST_FIELDS.index(field) if field in _FIRST_FIELDS else len(_FIRST_FIELDS)
    return rank, field, op, repr(value)


class _Node:
    __slots__ = ("absent", "bound", "children", "ends")

    def __init__(self) -> None:
        self.children: dict[Atom, _Node] = {}
        self.absent = 0  # children testing that a field is not given (`nex`)
        self.ends = 0  # engine rules (paths) ending here
        self.bound: int | None = None  # cached `_stack_bound`; None: to compute


class Network:
    """The alpha network durable_rules would build for the paths added, and its worst cases.

    `add` returns the nodes whose tables it changed, for `fits` to check: a network is only ever
    grown, so checking the changed nodes and the stack bound (cached per node) suffices.
    """

    def __init__(self) -> None:
        self.root = _Node()
        self.paths = 0

    def add_all(self, paths: Iterable[Conjunction]) -> list[_Node]:
        """Add paths; the nodes whose tables changed."""
        return [node for path in paths for node, _ in self.add(path)]

    @classmethod
    def alone(cls, rule: Rule, sentinel: Conjunction = SENTINEL) -> bool:
        """Whether `rule` fits in a ruleset of its own (with the sentinel every ruleset has)."""
        network = cls()
        network.add(sentinel)
        return network.fits(network.add_all(rule_paths(rule)))

    def add(self, path: Conjunction) -> list[tuple[_Node, Atom | None]]:
        """Add one path; the (node, new child or None for the path's end) it changed.

        A test of a derived field is a join with a derived fact, which durable_rules matches on
        an alpha chain of its own (the fact's type, then the field): it is added as such."""
        own = tuple(atom for atom in path if atom[0] not in DERIVED)
        joined = [atom for atom in path if atom[0] in DERIVED]
        changes = self._add(own)
        for atom in joined:
            changes += self._add((DERIVED_FACT, atom), counted=False)
        return changes

    def _add(self, path: Conjunction, counted: bool = True) -> list[tuple[_Node, Atom | None]]:
        changes: list[tuple[_Node, Atom | None]] = []
        node = self.root
        node.bound = None
        for atom in path:
            child = node.children.get(atom)
            if child is None:
                child = node.children[atom] = _Node()
                if atom[1] == "nex":
                    node.absent += 1
                changes.append((node, atom))
            node = child
            node.bound = None
        node.ends += 1
        changes.append((node, None))
        self.paths += counted
        return changes

    def fits(self, touched: Iterable[_Node]) -> bool:
        """Whether the network is inside every limit; only `touched` nodes' tables changed."""
        if self.paths > MAX_PATHS:
            return False
        for node in touched:
            hashed = len(node.children) - node.absent
            if (
                hashed > MAX_CHILDREN
                or node.absent > MAX_ABSENCE_CHILDREN
                or node.ends > MAX_RULES_AT_NODE
            ):
                return False
        return _stack_bound(self.root) <= MAX_STACK


def _stack_bound(node: _Node) -> int:
    """The most stack entries matching one fact can need below `node` (a sound upper bound).

    Expanding a node pushes every child that matches; the last pushed is expanded next while the
    others wait. So the bound is (children that can match together - 1) + the deepest child's.
    """
    if node.bound is None:
        if not node.children:
            node.bound = 0
        else:
            together = co_matching(node.children)
            deepest = max(_stack_bound(child) for child in node.children.values())
            node.bound = together - 1 + max(1, deepest)
    return node.bound


def co_matching(atoms: Iterable[Atom]) -> int:
    """How many of these comparisons one fact can meet at once: per field, the most that any
    one value (or the field's absence) meets, summed over the fields."""
    by_field: dict[str, list[tuple[str, Scalar]]] = {}
    for field, op, value in atoms:
        by_field.setdefault(field, []).append((op, value))
    return sum(_most_met(tests) for tests in by_field.values())


def _most_met(tests: Sequence[tuple[str, Scalar]]) -> int:
    absent = sum(1 for op, _ in tests if op == "nex")
    candidates: list[Scalar | object] = [_FRESH]
    for op, value in tests:
        if op in ("eq", "neq"):
            candidates.append(value)
        elif op not in ("ex", "nex") and isinstance(value, int | float):
            candidates.extend((value - 1, value, value + 1))
    best = max(sum(1 for op, value in tests if _meets(op, value, v)) for v in candidates)
    return max(absent, best)


_FRESH = object()  # a value that no comparison names


def _meets(op: str, bound: Scalar, actual: Scalar | object) -> bool:
    if op == "ex":
        return True
    if op == "nex":
        return False
    if op == "eq":
        return actual is not _FRESH and actual == bound
    if op == "neq":
        return actual is _FRESH or actual != bound
    if actual is _FRESH or isinstance(actual, bool) or not isinstance(actual, int | float):
        return True  # a value no threshold names may lie on either side: count it as met
    assert isinstance(bound, int | float)
    if op == "gt":
        return actual > bound
    if op == "gte":
        return actual >= bound
    if op == "lt":
        return actual < bound
    return actual <= bound
