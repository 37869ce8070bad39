"""The fact-space walk: per kind and component, sizes known before walking, classes streamed,
facts lawful and in class; and bounded: a sub-space past the cap is a finding, not a walk."""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.deciding.normalise import normalise
from enforcement_rules.proving.reference import fired_ids
from enforcement_rules.proving.space import (
    MAX_CLASSES,
    input_facts,
    linking_rules,
    readable,
    subspaces,
    walked_kinds,
)
from enforcement_rules.proving.verify import verify
from enforcement_rules.review.diff import diff_rules


def test_each_sub_space_knows_its_size_and_yields_exactly_that_many_distinct_classes(
    rules: er.RuleSet,
) -> None:
    spaces = subspaces(rules)
    assert len(spaces) > len(rules.covered_kinds)  # per kind, plus the kind-free components
    for space in spaces:
        assert space.size == math.prod(len(v) for v in space.fields.values())
        keys = [space.class_key(message) for message in space.messages()]
        assert len(keys) == space.size == len(set(keys))


def test_the_walk_is_streamed_not_materialised(rules: er.RuleSet) -> None:
    biggest = max(subspaces(rules), key=lambda space: space.size)
    first = list(itertools.islice(biggest.messages(), 3))
    assert len(first) == 3 and biggest.size > 3


@pytest.mark.exhaustive
def test_every_rule_is_walked_and_every_penalty_rule_of_a_kind_in_one_component(
    rules: er.RuleSet,
) -> None:
    walked = {rule.id for space in subspaces(rules) for rule in space.members}
    assert walked == {rule.id for rule in rules.rules}
    for kind in rules.covered_kinds:
        holding = [
            space
            for space in subspaces(rules)
            if space.kind == kind and any(r.then.decides_penalty for r in space.members)
        ]
        assert len(holding) == 1, kind
        assert {r.id for r in rules.penalty_rules(kind)} <= holding[0].rule_ids


def test_a_component_that_does_not_read_the_kind_is_walked_once(rules: er.RuleSet) -> None:
    free = [space.rule_ids for space in subspaces(rules) if space.kind is None]
    assert free and len(free) == len(set(free))
    assert set(walked_kinds(rules)) == set(rules.covered_kinds)


def test_readable_facts_are_lawful_inputs_that_fire_what_their_class_fires(
    rules: er.RuleSet, decider: er.Decider
) -> None:
    """Every class becomes a lawful input fact; a class whose dates are in lawful order becomes a
    fact that fires the component's rules exactly as the class does. (The walk also meets
    classes no real fact has, such as a discovery before the violation; those map to a nearby
    lawful fact.)"""
    lawful_classes = 0
    for space in subspaces(rules):
        ids = space.rule_ids
        for message in space.messages():
            fact = readable(message, space.reads)
            violation = decider.violation(fact)  # raises if not a lawful input
            as_of, found, decided = (message[f] for f in ("as_of", "discovered_on", "decided_on"))
            if not (as_of <= found <= decided) or message["discovered_after_full_years"]:
                continue
            if "occurred_on" in space.fields and message["occurred_on"] != as_of:
                continue  # a class of a later decision date (or of no real case)
            lawful_classes += 1
            again = normalise(violation, violation.occurred_on)
            assert [i for i in fired_ids(rules, again) if i in ids] == [
                i for i in fired_ids(rules, message) if i in ids
            ], fact
    assert lawful_classes > 500


def test_input_facts_are_unique_and_cover_every_sector_for_each_kind(rules: er.RuleSet) -> None:
    facts = input_facts(rules)
    keys = [tuple(sorted((k, str(v)) for k, v in fact.items())) for fact in facts]
    assert len(keys) == len(set(keys))
    for kind in rules.covered_kinds:
        sectors = {fact["sector"] for fact in facts if fact["kind"] == kind}
        assert sectors == set(er.Sector.codes()), kind
    assert facts == sorted(facts, key=lambda fact: (fact["occurred_on"], fact["kind"]))


# -- the cap -------------------------------------------------------------------------------

#: Defect: one measure rule on blocked_exits that read a date threshold merged two groups into
#: 175,472,744 classes and `check` died of the OOM killer. Dates no longer tie rules together.
DATE_RULE = """
  - id: date-measure
    title: 读取日期阈值的措施规则 (a measure rule reading a date threshold)
    when:
      kind: blocked_exits
      discovered_on: {gte: '2020-01-01'}
    then: {measures: [other_lawful_measure]}
    examples:
      - name: 例 (example)
        facts: {kind: blocked_exits, occurred_on: '2022-01-01'}
        expect: {measures: [correct_by_deadline, other_lawful_measure]}
"""

#: One measure rule reading fields of three otherwise separate components of `blocked_exits`
#: (its penalty stage, the hazard measures, the circumstances of the penalty adjustments).
LINKING_RULE = """
  - id: linking-measure
    title: 把三个部分连在一起的措施规则 (a measure rule linking three parts)
    when:
      kind: blocked_exits
      hazard: major
      overdue: true
      circumstances: {includes: first_offence}
    then: {measures: [other_lawful_measure]}
    examples:
      - name: 例 (example)
        facts: {kind: blocked_exits, occurred_on: '2022-01-01', hazard: major, overdue: true,
                circumstances: [first_offence]}
        expect: {measures: [correct_by_deadline, stop_immediately, other_lawful_measure]}
"""
CAP = 2_000  # below the linked component's size, far above every other component's


def rules_with(root: Path, rule: str) -> Path:
    shutil.copytree(er.bundled_rules_dir(), root)
    target = root / "work_safety_law" / "2021" / "art105_dormitories_and_exits.yaml"
    target.write_text(target.read_text("utf-8").rstrip() + "\n" + rule, "utf-8")
    return root


@pytest.mark.exhaustive
def test_a_rule_reading_a_date_threshold_no_longer_merges_components(tmp_path: Path) -> None:
    rules = er.load_rules(rules_with(tmp_path / "rules", DATE_RULE))
    assert max(space.size for space in subspaces(rules)) < 50_000
    report = verify(rules, run_rule_examples=False)
    assert report.ok and report.count("cap") == 0


@pytest.mark.exhaustive
def test_a_linking_rule_makes_an_oversized_sub_space_that_is_reported_not_walked(
    tmp_path: Path,
) -> None:
    rules = er.load_rules(rules_with(tmp_path / "rules", LINKING_RULE))
    oversized = [space for space in subspaces(rules) if space.size > CAP]
    assert [space.kind for space in oversized] == ["blocked_exits"]
    linking = linking_rules(oversized[0], rules)
    assert "linking-measure" in [rule_id for rule_id, _ in linking]
    assert all(size < oversized[0].size for _, size in linking)
    report = verify(rules, run_rule_examples=False, max_classes=CAP)
    (cap,) = [finding for finding in report.findings if finding.category == "cap"]
    assert "linking-measure" in cap.rule_ids
    assert "not walked" in cap.message and "without linking-measure" in cap.message
    assert not report.ok
    assert MAX_CLASSES > CAP


#: `python -m enforcement_rules …`, then the process's own peak resident memory in KiB as the
#: last line of its standard error (Linux `VmHWM`, which its exec started afresh; the children's
#: rusage of this process is the largest child's, and a child forked from this test process
#: counts its pages too: it grew past 1 GiB with the suite, whatever the command took).
WITH_PEAK = (
    "import runpy, sys\n"
    "try:\n"
    "    runpy.run_module('enforcement_rules', run_name='__main__', alter_sys=True)\n"
    "finally:\n"
    "    with open('/proc/self/status', encoding='ascii') as status:\n"
    "        peak = next(line.split()[1] for line in status if line.startswith('VmHWM:'))\n"
    "    print(peak, file=sys.stderr)\n"
)


@pytest.mark.exhaustive
def test_check_on_an_oversized_rule_set_stays_bounded_in_memory_and_time(tmp_path: Path) -> None:
    root = rules_with(tmp_path / "rules", LINKING_RULE)
    done = subprocess.run(
        [sys.executable, "-c", WITH_PEAK, "check", str(root), "--max-classes", str(CAP)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "cap: " in done.stdout and "linking-measure" in done.stdout
    peak_kib = int(done.stderr.splitlines()[-1])
    assert 0 < peak_kib < 1024 * 1024  # under 1 GiB


@pytest.mark.exhaustive
def test_diff_lists_what_it_could_not_walk_and_does_not_claim_no_change(tmp_path: Path) -> None:
    rules = er.load_rules(rules_with(tmp_path / "rules", LINKING_RULE))
    result = diff_rules(rules, rules, labels=("a", "b"), max_classes=CAP)
    assert not result.empty
    assert len(result.unwalked) == 2 and result.unwalked[0].startswith("a: kind blocked_exits")
    assert "not walked (above the cap)" in result.to_text()
