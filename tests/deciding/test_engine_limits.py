"""durable_rules' hard limits are designed around, not met: rule sets far past them load and decide.

Each test names the defect it guards against (issue 17): a fact firing 56+ rules aborted the
process; a compile past ~511 children of one node hung; a rule set of ~1,100 rules hung.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.deciding import engine as engine_module
from enforcement_rules.deciding.engine import Engine
from enforcement_rules.deciding.normalise import normalise
from enforcement_rules.rulebook.network import MAX_STACK, Network, rule_paths
from enforcement_rules.rulebook.tree import DATA_FOLDERS

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
SYNTHETIC = "demo_law/2020/art002_synthetic.yaml"


def synthetic_rules(root: Path, whens: list[str], *, measure: str = "other_lawful_measure") -> Path:
    """The minimal rule set plus one file of measures-only rules with the given conditions."""
    shutil.copytree(MINIMAL, root)
    lines = [
        "law: demo_law",
        "version: 2020-01-01",
        "in_force: {from: 2020-01-01}",
        "provision: {article: 2, title: 合成规则 (synthetic rules)}",
        "source: test fixture",
        "review: verified",
        "rules:",
    ]
    for number, when in enumerate(whens):
        lines += [
            f"  - id: syn-{number}",
            f"    title: 合成规则{number} (synthetic rule {number})",
            f"    when: {when}",
            f"    then: {{measures: [{measure}]}}",
            "    examples:",
            "      - name: 例 (example)",
            "        facts: {kind: blocked_exits, occurred_on: 2021-01-01, "
            "illegal_income_yuan: 10000000}",
            "        expect: {penalties: [fine]}",
        ]
    (root / SYNTHETIC).write_text("\n".join(lines) + "\n", "utf-8")
    return root


FACT = {"kind": "blocked_exits", "occurred_on": "2021-01-01", "illegal_income_yuan": 10_000_000}


def test_a_fact_matching_100_rules_decides_without_a_crash(tmp_path: Path) -> None:
    """Defect: 56 or more rules firing for one fact aborted the process (durable's 64-entry
    stack overflowed; error 303, then a double free)."""
    whens = [f"{{illegal_income_yuan: {{gte: {amount}}}}}" for amount in range(100)]
    rules = er.load_rules(synthetic_rules(tmp_path / "rules", whens))
    engine = Engine(rules)
    assert len(engine.shards) > 1  # one ruleset could not hold them
    decision = er.Decider(rules).decide(FACT)
    assert {f"syn-{n}" for n in range(100)} <= set(decision.rules_fired)
    assert engine.live_sessions == 0


def test_600_thresholds_on_one_field_compile_and_decide_quickly(tmp_path: Path) -> None:
    """Defect: ~680 rules with many thresholds on one field hung `create_ruleset` (a node's
    512-slot child table filled up and its probe never ended)."""
    whens = [f"{{kind: blocked_exits, illegal_income_yuan: {{gte: {n * 7}}}}}" for n in range(600)]
    rules = er.load_rules(synthetic_rules(tmp_path / "rules", whens))
    started = time.perf_counter()
    decider = er.Decider(rules)
    decision = decider.decide({**FACT, "illegal_income_yuan": 2000.0})  # meets 286 thresholds
    assert time.perf_counter() - started < 20
    fired = {rule_id for rule_id in decision.rules_fired if rule_id.startswith("syn-")}
    assert fired == {f"syn-{n}" for n in range(600) if n * 7 <= 2000}


def five_times_the_bundled_rules(root: Path) -> Path:
    """The bundled rules and four renamed copies of every provision file, on copied kinds."""
    source = er.bundled_rules_dir()
    shutil.copytree(source, root)
    kinds_file = root / "kinds.yaml"
    kinds = re.findall(r"^  ([a-z_]+): ", kinds_file.read_text("utf-8"), re.MULTILINE)
    pattern = re.compile(r"\b(" + "|".join(sorted(kinds, key=len, reverse=True)) + r")\b")
    extra = []
    for copy in range(1, 5):
        suffix = f"_c{copy}"
        extra += [
            f"  {kind}{suffix}: {{zh: 副本{copy}, en: copy {copy} of {kind}}}" for kind in kinds
        ]
        for file in sorted(source.rglob("*.yaml")):
            relative = file.relative_to(source)
            if len(relative.parts) == 1 or relative.parts[0] in DATA_FOLDERS:
                continue  # catalogues and the data files (case law, benchmarks) stay single
            text = file.read_text("utf-8")
            text = pattern.sub(rf"\1{suffix}", text)
            text = re.sub(r"(- id: )(\S+)", rf"\1\2-c{copy}", text)
            target = root / relative.with_name(f"{relative.stem}_c{copy}.yaml")
            target.write_text(text, "utf-8")
    kinds_file.write_text(kinds_file.read_text("utf-8") + "\n".join(extra) + "\n", "utf-8")
    return root


def test_five_times_the_bundled_rule_set_loads_and_decides_in_bounded_time(
    tmp_path: Path, rules: er.RuleSet
) -> None:
    """Defect: building the Decider hung at ~1,100 rules of today's shape."""
    big = er.load_rules(five_times_the_bundled_rules(tmp_path / "rules"))
    assert len(big.rules) == 5 * len(rules.rules)
    started = time.perf_counter()
    decider = er.Decider(big)
    copied = decider.decide({"kind": "blocked_exits_c3", "occurred_on": "2023-05-01"})
    original = decider.decide({"kind": "blocked_exits", "occurred_on": "2023-05-01"})
    assert time.perf_counter() - started < 30
    assert copied.fines == original.fines and copied.penalties == original.penalties
    assert "wsl2021-105-first-c3" in copied.rules_fired


def test_a_rule_with_too_many_alternatives_is_refused_at_load_with_its_place(
    tmp_path: Path,
) -> None:
    codes = ", ".join(er.Circumstance.codes())
    whens = [
        "{all: ["
        + ", ".join(f"{{circumstances: {{includes: [{codes}]}}}}" for _ in range(3))
        + "]}"
    ]
    root = synthetic_rules(tmp_path / "rules", whens)
    with pytest.raises(er.RuleSetError) as caught:
        er.load_rules(root)
    (error,) = caught.value.errors
    assert error.file.endswith("art002_synthetic.yaml")
    assert error.rule_id == "syn-0"
    assert error.line is not None and "alternatives" in error.reason


def test_no_shard_of_the_bundled_rules_can_overflow_the_matching_stack(rules: er.RuleSet) -> None:
    for shard in Engine(rules).shards:
        network = Network()
        for _, path in shard.paths:
            network.add(path)
        assert network.fits([])
    assert all(Network.alone(rule) for rule in rules.rules)
    assert MAX_STACK < 64


def test_paths_lead_with_the_version_window_then_kind(rules: er.RuleSet) -> None:
    rule = rules.rule("wsl2021-97-first")
    for path in rule_paths(rule):
        assert path[0] == ("as_of", "gte", rule.provision.in_force_from.toordinal())
        assert path[1][0] == "kind"


def test_a_poisoned_session_is_abandoned_not_touched_and_the_ruleset_rebuilt(
    rules: er.RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """durable_rules' session is corrupt after error 303: deleting it crashes the process."""
    engine = Engine(rules)
    violation = er.Violation.from_dict({"kind": "blocked_exits", "occurred_on": "2022-01-01"})
    message = normalise(violation, violation.occurred_on)
    before = engine.evaluate([message])
    names = list(engine._names)
    touched: list[str] = []

    def overflowing(*args: Any) -> None:
        raise Exception("Could not assert fact, error code: 303")

    with monkeypatch.context() as patch:
        patch.setattr(engine._host, "assert_fact", overflowing)
        patch.setattr(engine._host, "delete_state", lambda name, sid: touched.append(sid))
        patch.setattr(engine._host, "get_state", lambda name, sid: touched.append(sid))
        with pytest.raises(er.EngineError, match="303"):
            engine.evaluate([message])
    assert touched == [] and engine.abandoned_sessions == 1
    assert engine._names != names  # the shard was rebuilt under a new name
    assert engine.evaluate([message]) == before
    assert engine.live_sessions == 0


def test_a_compile_that_does_not_finish_is_an_error_not_a_hang(
    rules: er.RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "COMPILE_TIMEOUT_SECONDS", 0.2)

    def stuck(self: Any, definitions: Any) -> None:
        time.sleep(2)

    monkeypatch.setattr(engine_module._Host, "set_rulesets", stuck)
    started = time.perf_counter()
    with pytest.raises(er.EngineError, match="did not finish compiling"):
        Engine(rules)
    assert time.perf_counter() - started < 1.5
