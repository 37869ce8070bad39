"""The fact-space walk: sizes known before walking, classes streamed, facts lawful and in class."""

from __future__ import annotations

import itertools
import math

import enforcement_rules as er
from enforcement_rules.deciding.normalise import normalise
from enforcement_rules.proving.reference import fired_ids
from enforcement_rules.proving.space import group_spaces, input_facts, readable


def test_each_group_knows_its_size_and_yields_exactly_that_many_distinct_classes(
    rules: er.RuleSet,
) -> None:
    spaces = group_spaces(rules)
    assert len(spaces) > 1  # the bundled rules fall into independent groups
    for space in spaces:
        assert space.size == math.prod(len(v) for v in space.fields.values())
        keys = [space.class_key(message) for message in space.messages()]
        assert len(keys) == space.size == len(set(keys))


def test_the_walk_is_streamed_not_materialised(rules: er.RuleSet) -> None:
    biggest = max(group_spaces(rules), key=lambda space: space.size)
    first = list(itertools.islice(biggest.messages(), 3))
    assert len(first) == 3 and biggest.size > 3


def test_every_rule_lies_in_exactly_one_group(rules: er.RuleSet) -> None:
    members = [rule.id for space in group_spaces(rules) for rule in space.members]
    assert sorted(members) == sorted(rule.id for rule in rules.rules)


def test_readable_facts_are_lawful_inputs_that_fire_what_their_class_fires(
    rules: er.RuleSet, decider: er.Decider
) -> None:
    """Every class becomes a lawful input fact; a class whose dates are in lawful order becomes a
    fact that fires the group's rules exactly as the class does. (The walk also meets classes no
    real fact has, such as a discovery before the violation; those map to a nearby lawful fact.)"""
    lawful_classes = 0
    for space in group_spaces(rules):
        ids = space.group.rule_ids
        for message in space.messages():
            fact = readable(message, space.reads)
            violation = decider.violation(fact)  # raises if not a lawful input
            as_of, found, decided = (message[f] for f in ("as_of", "discovered_on", "decided_on"))
            if not (as_of <= found <= decided) or message["discovered_after_full_years"]:
                continue
            lawful_classes += 1
            again = normalise(violation, violation.occurred_on)
            assert [i for i in fired_ids(rules, again) if i in ids] == [
                i for i in fired_ids(rules, message) if i in ids
            ], fact
    assert lawful_classes > 1000


def test_input_facts_are_unique_and_cover_every_sector_for_each_kind(rules: er.RuleSet) -> None:
    facts = input_facts(rules)
    keys = [tuple(sorted((k, str(v)) for k, v in fact.items())) for fact in facts]
    assert len(keys) == len(set(keys))
    for kind in rules.covered_kinds:
        sectors = {fact["sector"] for fact in facts if fact["kind"] == kind}
        assert sectors == set(er.Sector.codes()), kind
    assert facts == sorted(facts, key=lambda fact: (fact["occurred_on"], fact["kind"]))
