"""The legal corrections of issue 10, each on the bundled rules: referrals, repealed instruments
and their successors, the daily fine, the summary procedure, provincial hearing amounts, the
limitation period across 2021-07-15, and SAWS Order 16 in 2008–2014."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.deciding.precedence import refers_to

RULES = er.load_rules()
DECIDER = er.Decider(RULES)
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"


def decide(**facts: Any) -> er.Decision:
    return DECIDER.decide(facts)


def cited(decision: er.Decision) -> set[tuple[str, str, int]]:
    return {(c.law, c.version, c.article) for c in decision.legal_basis}


# -- 2. a referral is not "no penalty" --------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred_on", "sector", "referred_to"),
    [
        ("2017-04-11", "hazardous_chemicals", "hazardous_chemicals_regulation"),
        ("2023-04-11", "hazardous_chemicals", "hazardous_chemicals_regulation"),
        ("2026-04-30", "hazardous_chemicals", "hazardous_chemicals_regulation"),
        ("2026-05-01", "hazardous_chemicals", "hazardous_chemicals_law"),
        ("2024-01-20", "fireworks", "fireworks_regulation"),
    ],
)
def test_a_referral_is_decided_under_the_instrument_for_the_material_and_the_date(
    occurred_on: str, sector: str, referred_to: str
) -> None:
    # The referred instrument is encoded: its rule decides, and the referral yields in the trace.
    decision = decide(kind="hazmat_without_approval", occurred_on=occurred_on, sector=sector)
    assert decision.penalty_basis is er.PenaltyBasis.DECIDED
    assert decision.law_version.startswith(f"{referred_to}@")
    assert decision.referred_to is None and decision.penalties
    (referral,) = [
        step
        for step in decision.trace
        if step.decides == "penalty" and step.law_version.startswith("work_safety_law")
    ]
    assert referral.not_applied is not None and RULES.laws[referred_to].zh in referral.not_applied


@pytest.mark.parametrize("sector", ["manufacturing", "gas"])
def test_a_referral_to_a_family_not_encoded_names_it_and_decides_no_penalty(sector: str) -> None:
    decision = decide(kind="hazmat_without_approval", occurred_on="2022-09-20", sector=sector)
    assert decision.penalty_basis is er.PenaltyBasis.REFERRED
    assert decision.referred_to == "hazardous_materials_laws"
    assert decision.penalties == () and decision.procedure is None
    assert any("不得理解为不予处罚" in note for note in decision.notes)
    assert decision.to_dict()["referred_to"] == "hazardous_materials_laws"


def test_a_referral_never_counts_as_the_lighter_later_law() -> None:
    # 2002 Art. 84 fines the unit itself; 2014 Art. 97 refers to other instruments: it cannot
    # be weighed, so the version at occurrence stands for every party.
    decision = decide(
        kind="hazmat_without_approval",
        occurred_on="2013-06-02",
        decided_on="2016-01-05",
        sector="manufacturing",
    )
    assert decision.penalty_basis is er.PenaltyBasis.DECIDED
    assert decision.law_version == "work_safety_law@2002-11-01"
    assert decision.fines and all(
        f.law_version == "work_safety_law@2002-11-01" for f in decision.fines
    )
    later = next(c for c in decision.candidates if c.law_version == "work_safety_law@2014-12-01")
    assert later.decision.penalty_basis is er.PenaltyBasis.REFERRED
    assert not later.applied


def test_a_referral_is_answered_by_the_instrument_its_family_or_its_successor() -> None:
    laws = RULES.laws
    assert refers_to("hazardous_materials_laws", "fireworks_regulation", laws)
    assert refers_to("hazardous_materials_laws", "hazardous_chemicals_law", laws)
    assert refers_to("hazardous_chemicals_regulation", "hazardous_chemicals_law", laws)
    assert refers_to("fireworks_regulation", "fireworks_regulation", laws)
    assert not refers_to("fireworks_regulation", "hazardous_chemicals_regulation", laws)
    assert not refers_to("hazardous_chemicals_law", "hazardous_chemicals_regulation", laws)


# -- 3. instruments end when they are repealed ------------------------------------------------


def test_on_site_measures_after_order_15_was_repealed_cite_order_18() -> None:
    # Found in 2026: the measures are those of the law on the day of the inspection.
    decision = decide(
        kind="hazard_not_eliminated",
        occurred_on="2025-11-20",
        discovered_on="2026-03-02",
        hazard="general",
    )
    versions = {(c.law, c.version) for c in decision.legal_basis}
    assert ("penalty_measures", "2025-11-27") in versions
    assert ("penalty_measures", "2015-04-02") not in versions
    before = decide(kind="hazard_not_eliminated", occurred_on="2025-11-20", hazard="general")
    assert ("penalty_measures", "2015-04-02") in {(c.law, c.version) for c in before.legal_basis}


def test_order_18_seals_for_thirty_days_from_2026() -> None:
    decision = decide(
        kind="equipment_nonstandard", occurred_on="2026-03-02", nonconforming_equipment=True
    )
    seal = [c for c in decision.legal_basis if (c.law, c.article) == ("penalty_measures", 23)]
    assert seal and seal[0].version == "2025-11-27"
    assert er.Measure.OTHER_LAWFUL_MEASURE in decision.measures


def test_hearing_amounts_from_2026_are_order_18s() -> None:
    decision = decide(kind="blocked_exits", occurred_on="2026-03-02", overdue=True)
    assert decision.hearing is er.Hearing.REQUIRED  # suspension: always
    fined = decide(kind="no_safety_staff", occurred_on="2026-03-02", decided_on="2026-03-20")
    assert fined.hearing_thresholds_yuan == {"unit": 100000, "individual": 20000}
    assert ("penalty_measures", "2025-11-27", 55) in cited(fined)
    old = decide(kind="no_safety_staff", occurred_on="2025-03-02")
    assert old.hearing_thresholds_yuan == {"unit": 30000, "individual": 10000}


def _succeeded_rules(tmp_path: Path, until: str | None) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINIMAL, root)
    laws = (root / "laws.yaml").read_text("utf-8")
    laws = laws.replace(
        "demo_law: {zh: 示例法, en: Demo Law, rank: law}",
        "demo_law:\n    zh: 示例法\n    en: Demo Law\n    rank: law\n"
        "    successor: {from: 2024-01-01, by: new_demo_law, source: test fixture}\n"
        "  new_demo_law: {zh: 新示例法, en: New Demo Law, rank: law}",
    )
    (root / "laws.yaml").write_text(laws, "utf-8")
    rule_file = root / "demo_law" / "2020" / "art001_demo.yaml"
    window = "{from: 2020-01-01}" if until is None else f"{{from: 2020-01-01, until: {until}}}"
    text = rule_file.read_text("utf-8").replace(
        "in_force: {from: 2020-01-01}", f"in_force: {window}"
    )
    rule_file.write_text(text, "utf-8")
    return root


def test_no_version_of_a_succeeded_instrument_reaches_past_its_successor(tmp_path: Path) -> None:
    with pytest.raises(er.RuleSetError) as raised:
        er.load_rules(_succeeded_rules(tmp_path, until=None))
    message = str(raised.value)
    assert "art001_demo.yaml:3:" in message  # the in_force line
    assert "succeeded by new_demo_law on 2024-01-01" in message


def test_a_decision_after_the_successor_took_effect_names_the_successor(tmp_path: Path) -> None:
    rules = er.load_rules(_succeeded_rules(tmp_path, until="2024-01-01"))
    assert er.decide({"kind": "blocked_exits", "occurred_on": "2023-06-01"}, rules=rules)
    with pytest.raises(er.NoApplicableLawError) as raised:
        er.decide({"kind": "blocked_exits", "occurred_on": "2024-02-01"}, rules=rules)
    assert raised.value.successor == ("demo_law", "new_demo_law", "2024-01-01")
    assert "new_demo_law" in str(raised.value) and "尚未编码" in str(raised.value)


# -- 4. the daily fine --------------------------------------------------------------------------


def test_the_daily_fine_needs_the_unit_itself_fined() -> None:
    # 2021 Art. 94 fines only the principal: refusing to correct opens no daily fine.
    persons_only = decide(
        kind="principal_duty_failure",
        occurred_on="2022-06-02",
        overdue=True,
        fined_and_refuses=True,
    )
    assert {f.target for f in persons_only.fines} == {er.FineTarget.PRINCIPAL}
    assert persons_only.daily_fine is False
    unit = decide(kind="blocked_exits", occurred_on="2022-06-02", fined_and_refuses=True)
    assert er.FineTarget.UNIT in {f.target for f in unit.fines}
    assert unit.daily_fine is True


# -- 5. the summary procedure turns on the fine imposed -----------------------------------------


def test_a_range_whose_floor_allows_it_opens_the_summary_procedure() -> None:
    may_fine = decide(kind="blocked_exits", occurred_on="2022-06-02")
    assert may_fine.procedure is er.Procedure.SUMMARY_IF_FINE_WITHIN
    assert may_fine.summary_thresholds_yuan == {"unit": 3000, "individual": 200}
    assert ("administrative_penalty_law", "2021-01-22", 51) in cited(may_fine)
    under_1996 = decide(kind="no_hazard_system", occurred_on="2010-10-13")
    assert under_1996.procedure is er.Procedure.SUMMARY_IF_FINE_WITHIN
    assert under_1996.summary_thresholds_yuan == {"unit": 1000, "individual": 50}
    floor_too_high = decide(kind="blocked_exits", occurred_on="2022-06-02", overdue=True)
    assert floor_too_high.procedure is er.Procedure.GENERAL


# -- 6. provincial hearing amounts --------------------------------------------------------------

PROVINCE = """\
province: 示例省 (Example Province)
amounts:
  - in_force: {from: 2010-01-01}
    from_yuan: {unit: 20000, individual: 3000}
    text_zh: 对公民处以三千元以上、对法人或者其他组织处以二万元以上的罚款
    source: test fixture
    review: verified
"""


def test_a_province_sets_its_own_hearing_amounts(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), root)
    (root / "hearing_amounts.yaml").write_text(PROVINCE, "utf-8")
    rules = er.load_rules(root)
    fact = {"kind": "blocked_exits", "occurred_on": "2022-06-02"}
    own = er.decide(fact, rules=rules)
    assert own.hearing_thresholds_yuan == {"unit": 20000, "individual": 3000}
    assert any("示例省" in note for note in own.notes)
    national = DECIDER.decide(fact)
    assert national.hearing_thresholds_yuan == {"unit": 30000, "individual": 10000}
    before = er.decide({**fact, "occurred_on": "2009-06-02"}, rules=rules)
    assert before.hearing_thresholds_yuan != {"unit": 20000, "individual": 3000}


# -- 7. limitation ------------------------------------------------------------------------------


def test_a_period_that_ran_out_before_2021_07_15_is_not_revived() -> None:
    harm = {"kind": "no_safety_staff", "harmful_consequences": True, "discovered_on": "2022-03-02"}
    old = DECIDER.decide({**harm, "occurred_on": "2019-03-01"})
    assert old.penalty_adjustment is er.PenaltyAdjustment.TIME_BARRED
    assert old.penalties == () and old.measures
    assert "apl2021-36-not-revived" in old.rules_fired
    assert "apl2021-36-not-revived" in old.provenance.pending_rules
    running = DECIDER.decide({**harm, "occurred_on": "2019-08-01"})
    assert running.penalty_adjustment is er.PenaltyAdjustment.NONE and running.penalties
    no_harm = DECIDER.decide({**harm, "occurred_on": "2019-08-01", "harmful_consequences": False})
    assert no_harm.penalty_adjustment is er.PenaltyAdjustment.TIME_BARRED


def test_time_barred_is_not_exempt() -> None:
    barred = decide(kind="blocked_exits", occurred_on="2013-05-01", discovered_on="2016-05-02")
    assert barred.penalty_adjustment is er.PenaltyAdjustment.TIME_BARRED
    assert barred.to_dict()["penalty_adjustment"] == "time_barred"
    exempt = decide(kind="blocked_exits", occurred_on="2022-05-01", circumstances=["no_fault"])
    assert exempt.penalty_adjustment is er.PenaltyAdjustment.EXEMPT


# -- 8. SAWS Order 16 Art. 26 ------------------------------------------------------------------


def test_order_16_decides_where_the_2002_law_had_no_penalty() -> None:
    decision = decide(kind="no_hazard_system", occurred_on="2010-10-13")
    assert decision.law_version == "hazard_management_rules@2008-02-01"
    assert decision.penalties == (er.Penalty.WARNING, er.Penalty.FINE)
    assert [(f.target, f.min_yuan, f.max_yuan) for f in decision.fines] == [
        (er.FineTarget.UNIT, 0, 30000)
    ]
    assert ("hazard_management_rules", "2007-12-28", 26) in cited(decision)
    lost = [s for s in decision.trace if s.rule_id == "wsl2002-85-no-hazard-system"]
    assert lost and lost[0].not_applied
    untreated = decide(kind="hazard_not_eliminated", occurred_on="2012-05-15", hazard="general")
    assert untreated.law_version == "hazard_management_rules@2008-02-01"


def test_before_order_16_the_2002_law_still_has_no_penalty() -> None:
    decision = decide(kind="no_hazard_system", occurred_on="2007-10-13")
    assert decision.penalty_basis is er.PenaltyBasis.NO_PROVISION
    assert decision.penalties == ()


def test_order_16_against_the_2014_law_party_by_party() -> None:
    # The 2014 law's first stage for a hazard not eliminated is only an order to correct: lighter
    # for the unit than Order 16's warning and fine, so it applies.
    hazard = decide(
        kind="hazard_not_eliminated",
        occurred_on="2013-06-02",
        decided_on="2015-01-05",
        hazard="general",
    )
    assert hazard.law_version == "work_safety_law@2014-12-01"
    assert hazard.penalties == ()
    # 2014 Art. 98 may fine up to 100,000: heavier than Order 16's 30,000, so Order 16 stands.
    system = decide(kind="no_hazard_system", occurred_on="2013-06-02", decided_on="2015-01-05")
    assert system.law_version == "hazard_management_rules@2008-02-01"
    assert {c.law_version for c in system.candidates} == {
        "hazard_management_rules@2008-02-01",
        "work_safety_law@2014-12-01",
    }
