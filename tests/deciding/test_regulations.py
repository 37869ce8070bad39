"""Beyond the Work Safety Law (issue 12): hazardous chemicals, fireworks, the penalty measures' own
article, which provision wins when several fire, and who decides.

The seed's own campaigns (the bureau's 2010 plan: fireworks sales points in the first quarter,
hazardous-chemicals traders every half year) are decided end to end, in 2010 and again in 2025.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.proving.verify import verify
from enforcement_rules.review.coverage import MISSING, cells, versions

RULES = er.load_rules()
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
ON_THE_SPOT = (
    "improper_operation",
    "unsafe_orders",
    "violation_not_stopped",
    "over_capacity_production",
    "seal_broken",
    "hazard_concealed",
    "inspection_order_defied",
)
NEW_KINDS = (
    tuple(kind for kind in RULES.kinds if kind.startswith(("hazchem_", "fireworks_"))) + ON_THE_SPOT
)


def decide(**facts: Any) -> er.Decision:
    return er.decide(facts, rules=RULES)


def lost(decision: er.Decision) -> dict[str, str]:
    """Rule id → why it was not applied, for the penalty rules that fired and lost."""
    return {s.rule_id: s.not_applied for s in decision.trace if s.not_applied is not None}


def cites(decision: er.Decision) -> set[tuple[str, int]]:
    return {(c.law, c.article) for c in decision.legal_basis}


# -- 1. the seed's campaigns, end to end -----------------------------------------------------------


def test_2010_first_quarter_fireworks_point_over_its_stored_quantity() -> None:
    # 第一季度 烟花爆竹销售点安全检查: the county's short-term retail licence (临时销售许可证)
    # limits the quantity stored; in 2010 neither the Regulations nor (as far as read) Order 7
    # penalise it.
    decision = decide(
        kind="fireworks_retail_over_quantity", occurred_on="2010-01-28", sector="fireworks"
    )
    assert decision.measures == (er.Measure.CORRECT_BY_DEADLINE,)
    assert decision.penalties == () and decision.penalty_basis is er.PenaltyBasis.NO_PROVISION
    assert decision.law_version == "fireworks_regulation@2006-01-21"
    assert decision.section is er.Section.SUPERVISION_1
    assert "fw2006-no-penalty-licence-terms" in decision.provenance.pending_rules
    # Decided in 2014, after Order 65 set a penalty: the new penalty is heavier, the old law stands.
    later = decide(
        kind="fireworks_retail_over_quantity",
        occurred_on="2010-01-28",
        decided_on="2014-01-10",
        sector="fireworks",
    )
    assert later.penalties == () and later.law_version == "fireworks_regulation@2006-01-21"


def test_2010_half_yearly_inspection_unlicensed_chemicals_trader() -> None:
    # 每半年组织1次对区域内危险化学品经营单位安全检查: the 2002 Regulations' Art. 57 was not
    # read; the Work Safety Law 2002 Art. 84 penalises the same act itself, and the law prevails.
    for kind in ("hazchem_unlicensed_trading", "hazmat_without_approval"):
        decision = decide(
            kind=kind, occurred_on="2010-06-08", sector="hazardous_chemicals", licence_status="none"
        )
        assert decision.law_version == "work_safety_law@2002-11-01"
        assert decision.penalties == (er.Penalty.FINE,)
        assert [(f.target, f.min_yuan, f.max_yuan) for f in decision.fines] == [
            (er.FineTarget.UNIT, 20000, 100000)
        ]
        assert ("work_safety_law", 84) in cites(decision)
        assert decision.section is er.Section.SUPERVISION_1


def test_2025_first_quarter_fireworks_point_over_its_stored_quantity() -> None:
    decision = decide(
        kind="fireworks_retail_over_quantity", occurred_on="2025-01-20", sector="fireworks"
    )
    assert decision.law_version == "fireworks_licensing_measures@2013-12-01"
    assert [(f.min_yuan, f.max_yuan) for f in decision.fines] == [(1000, 5000)]
    assert decision.procedure is er.Procedure.SUMMARY_IF_FINE_WITHIN
    assert "本规定对此无罚则" in lost(decision)["fw2016-no-penalty-licence-terms"]
    serious = decide(
        kind="fireworks_retail_over_quantity",
        occurred_on="2025-01-20",
        sector="fireworks",
        serious=True,
    )
    assert [(f.min_yuan, f.max_yuan) for f in serious.fines] == [(5000, 30000)]


def test_2025_expired_temporary_sales_licence_is_unlicensed_trading() -> None:
    decision = decide(
        kind="fireworks_unlicensed_trading",
        occurred_on="2025-02-10",
        sector="fireworks",
        licence_status="expired",
    )
    assert decision.law_version == "fireworks_regulation@2016-02-06"
    assert decision.penalties == (er.Penalty.FINE, er.Penalty.CONFISCATION)
    reason = lost(decision)["o65-31-unlicensed"]
    assert reason == RULES.laws["fireworks_licensing_measures"].yields_to_higher


def test_2025_half_yearly_inspection_unlicensed_chemicals_trader() -> None:
    trading = decide(
        kind="hazchem_unlicensed_trading",
        occurred_on="2025-06-10",
        sector="hazardous_chemicals",
        licence_status="none",
    )
    assert trading.law_version == "hazardous_chemicals_regulation@2013-12-07"
    assert trading.penalties == (er.Penalty.FINE, er.Penalty.CONFISCATION)
    assert [(f.min_yuan, f.max_yuan) for f in trading.fines] == [(100000, 200000)]
    # The Work Safety Law's referral (2021 Art. 100) yields to the article it refers to.
    referred = decide(
        kind="hazmat_without_approval", occurred_on="2025-06-10", sector="hazardous_chemicals"
    )
    assert referred.penalty_basis is er.PenaltyBasis.DECIDED and referred.referred_to is None
    assert cites(referred) >= {("hazardous_chemicals_regulation", 77)}
    assert "危险化学品安全管理条例" in lost(referred)["wsl2021-100-hazchem-referred"]


def test_the_2026_successor_decides_chemicals_never_the_regulations() -> None:
    for occurred in ("2026-05-01", "2026-09-30"):
        decision = decide(
            kind="hazchem_not_in_dedicated_store",
            occurred_on=occurred,
            sector="hazardous_chemicals",
        )
        assert decision.law_version == "hazardous_chemicals_law@2026-05-01"
        assert all(c.law != "hazardous_chemicals_regulation" for c in decision.legal_basis)
    # Conduct of April 2026 decided in June: the regulations' fine; the law is not lighter.
    spanning = decide(
        kind="hazchem_unlicensed_trading",
        occurred_on="2026-04-20",
        decided_on="2026-06-15",
        sector="hazardous_chemicals",
    )
    assert spanning.law_version == "hazardous_chemicals_regulation@2013-12-07"
    assert {c.law_version for c in spanning.candidates} == {
        "hazardous_chemicals_regulation@2013-12-07",
        "hazardous_chemicals_law@2026-05-01",
    }


# -- 2. which provision wins -----------------------------------------------------------------------


def test_before_2014_the_law_prevails_over_the_regulations_for_unlicensed_trading() -> None:
    decision = decide(
        kind="fireworks_unlicensed_trading", occurred_on="2012-01-10", sector="fireworks"
    )
    assert decision.law_version == "work_safety_law@2002-11-01"
    assert (
        lost(decision)["fw2006-36-1-unlicensed"]
        == RULES.laws["fireworks_regulation"].yields_to_higher
    )
    chemicals = decide(
        kind="hazchem_unlicensed_trading", occurred_on="2013-03-01", sector="hazardous_chemicals"
    )
    assert "hc2011-77-3-trading" in lost(chemicals)


def test_a_rule_yields_to_the_regulation_for_the_same_supply() -> None:
    # Order 65 Art. 33 adds suspension and withholding the licence; the Regulations' Art. 38 ¶1
    # does not: a departmental rule may not add penalty kinds, the Regulations decide.
    decision = decide(
        kind="fireworks_wholesale_illegal_supply", occurred_on="2023-12-20", sector="fireworks"
    )
    assert decision.penalties == (er.Penalty.FINE, er.Penalty.CONFISCATION)
    assert "行政处罚法" in lost(decision)["o65-33-supply"]


def test_the_special_law_prevails_for_a_chemicals_unit_s_major_hazard_source() -> None:
    decision = decide(
        kind="major_hazard_source_unregistered",
        occurred_on="2026-07-21",
        sector="hazardous_chemicals",
    )
    assert decision.law_version == "hazardous_chemicals_law@2026-05-01"
    assert [(f.min_yuan, f.max_yuan) for f in decision.fines] == [(50000, 100000)]
    reason = lost(decision)["wsl2021-101-first"]
    assert reason == RULES.laws["hazardous_chemicals_law"].special_over_reason
    # Another sector: the Work Safety Law alone.
    other = decide(kind="major_hazard_source_unregistered", occurred_on="2026-07-21", sector="gas")
    assert other.law_version == "work_safety_law@2021-09-01" and not lost(other)


def test_order_18_replaces_order_15_on_the_spot_and_the_old_caps_stay_lighter() -> None:
    old = decide(kind="inspection_order_defied", occurred_on="2025-11-03", sector="manufacturing")
    new = decide(kind="inspection_order_defied", occurred_on="2026-03-05", sector="manufacturing")
    assert old.penalties == new.penalties == (er.Penalty.WARNING, er.Penalty.FINE)
    assert {f.target: f.max_yuan for f in old.fines} == {
        er.FineTarget.UNIT: 30000,
        er.FineTarget.PRINCIPAL: 10000,
        er.FineTarget.RESPONSIBLE_PERSONS: 10000,
    }
    assert {f.target: f.max_yuan for f in new.fines}[er.FineTarget.UNIT] == 50000
    assert all(not f.mandatory for f in old.fines + new.fines)
    spanning = decide(
        kind="inspection_order_defied",
        occurred_on="2025-11-03",
        decided_on="2026-03-05",
        sector="manufacturing",
    )
    assert spanning.law_version == "penalty_measures@2015-05-01"


def _concurrence_rules(tmp_path: Path, *, art_29: bool, other_max: int) -> Path:
    """The minimal rule set plus a second law of the same rank fining the same act."""
    root = tmp_path / "rules"
    shutil.copytree(MINIMAL, root)
    laws = (root / "laws.yaml").read_text("utf-8")
    (root / "laws.yaml").write_text(
        laws + "  other_law: {zh: 另一示例法, en: Other Demo Law, rank: law}\n", "utf-8"
    )
    if art_29:
        procedure = (root / "procedure.yaml").read_text("utf-8")
        procedure = procedure.replace(
            "    later_law: {policy: lighter_later_law, text_zh: 从旧兼从轻}",
            "    concurrence:\n"
            "      cites: {law: administrative_penalty_law, version: 2021-01-22, article: 29}\n"
            "      text_zh: 按照罚款数额高的规定处罚\n"
            "    later_law: {policy: lighter_later_law, text_zh: 从旧兼从轻}",
        )
        (root / "procedure.yaml").write_text(procedure, "utf-8")
    other = root / "other_law" / "2020"
    other.mkdir(parents=True)
    (other / "art002_other.yaml").write_text(
        f"""law: other_law
version: 2020-01-01
in_force: {{from: 2020-01-01}}
provision: {{article: 2, title: 另一条文 (another provision)}}
source: test fixture
review: verified
rules:
  - id: other-first
    title: 另一罚款 (another fine)
    when: {{kind: blocked_exits, overdue: false}}
    then:
      penalties: [fine]
      fines: [{{target: unit, max_yuan: {other_max}}}]
    examples:
      - name: 同一行为 (the same act)
        facts: {{kind: blocked_exits, occurred_on: 2021-01-01}}
        expect: {{penalties: [fine]}}
""",
        "utf-8",
    )
    return root


def test_one_act_two_laws_one_fine_the_highest(tmp_path: Path) -> None:
    rules = er.load_rules(_concurrence_rules(tmp_path, art_29=True, other_max=80000))
    decision = er.decide({"kind": "blocked_exits", "occurred_on": "2021-01-01"}, rules=rules)
    assert [f.max_yuan for f in decision.fines] == [80000]
    assert ("administrative_penalty_law", 29) in cites(decision)
    assert "罚款数额高" in lost(decision)["demo-first"]
    report = verify(rules)
    assert report.count("conflict") == report.count("overlap") == report.count("range") == 0


def test_without_the_concurrence_rule_two_laws_are_a_conflict_check_reports(tmp_path: Path) -> None:
    rules = er.load_rules(_concurrence_rules(tmp_path, art_29=False, other_max=80000))
    with pytest.raises(er.RuleConflictError):
        er.decide({"kind": "blocked_exits", "occurred_on": "2021-01-01"}, rules=rules)
    report = verify(rules)
    assert not report.ok and report.count("conflict") >= 1


def test_two_laws_with_the_very_same_fine_are_not_settled_by_art_29(tmp_path: Path) -> None:
    rules = er.load_rules(_concurrence_rules(tmp_path, art_29=True, other_max=50000))
    with pytest.raises(er.RuleConflictError):
        er.decide({"kind": "blocked_exits", "occurred_on": "2021-01-01"}, rules=rules)
    assert verify(rules).count("overlap") >= 1


# -- 3. who decides --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "authority", "law"),
    [
        (
            {
                "kind": "blocked_exits",
                "occurred_on": "2025-09-09",
                "sector": "public_entertainment",
            },
            er.Authority.FIRE_RESCUE,
            "fire_protection_law",
        ),
        (
            {
                "kind": "special_equipment_uninspected",
                "occurred_on": "2019-05-08",
                "sector": "catering",
            },
            er.Authority.MARKET_REGULATION,
            "special_equipment_law",
        ),
        (
            {
                "kind": "uncertified_special_worker",
                "occurred_on": "2024-02-27",
                "sector": "construction",
            },
            er.Authority.HOUSING_CONSTRUCTION,
            "construction_safety_regulation",
        ),
        (
            {
                "kind": "hazchem_unlicensed_production",
                "occurred_on": "2018-03-27",
                "sector": "hazardous_chemicals",
            },
            er.Authority.LICENCE_ISSUER,
            "work_safety_licence_regulation",
        ),
    ],
)
def test_a_finding_of_another_authority_is_transferred_with_its_basis(
    facts: dict[str, Any], authority: er.Authority, law: str
) -> None:
    decision = er.decide(facts, rules=RULES)
    assert decision.penalty_basis is er.PenaltyBasis.NOT_COMPETENT
    assert decision.competent_authority is authority
    assert decision.penalties == () and decision.fines == () and decision.procedure is None
    assert any(c.law == law for c in decision.legal_basis)
    assert decision.measures, "the bureau still takes its on-site measures"
    assert any("移送" in note for note in decision.notes)


def test_the_bureau_keeps_its_own_part_beside_the_licence_issuer() -> None:
    decision = decide(
        kind="hazchem_not_in_dedicated_store",
        occurred_on="2019-09-17",
        sector="hazardous_chemicals",
        overdue=True,
    )
    assert decision.penalty_basis is er.PenaltyBasis.DECIDED
    assert decision.penalties == (er.Penalty.SUSPENSION_FOR_RECTIFICATION,)
    assert decision.competent_authority is er.Authority.LICENCE_ISSUER


def test_outside_the_other_authority_s_domain_the_bureau_decides() -> None:
    factory = decide(kind="blocked_exits", occurred_on="2025-09-09", sector="manufacturing")
    mine = decide(kind="special_equipment_uninspected", occurred_on="2019-05-08", sector="mining")
    for decision in (factory, mine):
        assert decision.penalty_basis is er.PenaltyBasis.DECIDED
        assert decision.competent_authority is None


# -- 4. what was not read is refused, never guessed ------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "law"),
    [
        (
            {"kind": "hazchem_pipeline_unmarked", "occurred_on": "2005-04-01"},
            "hazardous_chemicals_regulation",
        ),
        (
            {"kind": "fireworks_retail_change_unlicensed", "occurred_on": "2010-01-28"},
            "fireworks_licensing_measures",
        ),
        (
            {"kind": "fireworks_licence_transfer", "occurred_on": "2016-06-01"},
            "fireworks_licensing_measures",
        ),
        (
            {"kind": "hazchem_prohibited_chemical", "occurred_on": "2026-06-01"},
            "hazardous_chemicals_law",
        ),
    ],
)
def test_a_cell_declared_not_encoded_is_refused_with_its_reason(
    facts: dict[str, Any], law: str
) -> None:
    with pytest.raises(er.NoApplicableLawError) as raised:
        er.decide(facts, rules=RULES)
    assert raised.value.not_encoded is not None and raised.value.not_encoded[0] == law
    assert "未读到" in str(raised.value) or "货值" in str(raised.value)


def test_a_later_version_declared_not_encoded_leaves_the_version_at_occurrence() -> None:
    # A prohibited chemical used in April 2026, decided in June: the 2026 law's Art. 98 is not
    # encoded, so only the regulations' Art. 75 is weighed.
    decision = decide(
        kind="hazchem_prohibited_chemical",
        occurred_on="2026-04-02",
        decided_on="2026-06-10",
        sector="hazardous_chemicals",
    )
    assert decision.law_version == "hazardous_chemicals_regulation@2013-12-07"
    assert [c.law_version for c in decision.candidates] == [
        "hazardous_chemicals_regulation@2013-12-07"
    ]


# -- 5. every new kind × period is covered ---------------------------------------------------------


def _sector(kind: str) -> str:
    if kind.startswith("hazchem_"):
        return "hazardous_chemicals"
    return "fireworks" if kind.startswith("fireworks_") else "manufacturing"


def test_no_new_kind_by_period_cell_is_missing() -> None:
    """For each new kind, each instrument that names it and each of that instrument's versions:
    the cell is encoded, declared, or decided then by another instrument, and a fact on the
    first and the last day of the version is decided or refused for a declared reason."""
    instruments = {law for law in RULES.laws if RULES.laws[law].not_encoded} | {
        rule.provision.law for rule in RULES.rules if rule.then.decides_penalty
    }
    checked = 0
    for law in sorted(instruments):
        table = cells(RULES, law)
        for kind in NEW_KINDS:
            if kind not in table:
                continue
            assert MISSING not in table[kind], (law, kind, table[kind])
            for start, until in versions(RULES, law):
                last = (until or dt.date(2026, 12, 1)) - dt.timedelta(days=1)  # not after today
                for day in (start, last):
                    facts = {"kind": kind, "occurred_on": day.isoformat(), "sector": _sector(kind)}
                    try:
                        er.decide(facts, rules=RULES)
                    except er.NoApplicableLawError as error:
                        assert error.not_encoded is not None, (law, kind, day)
                    checked += 1
    assert all(kind in RULES.covered_kinds for kind in NEW_KINDS)
    assert checked > 2 * len(NEW_KINDS)
