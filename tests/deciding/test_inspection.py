"""One inspection, several findings: each decided alone, combined by the law of combining."""

from __future__ import annotations

from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules.contract.inspection import Inspection

RULES = er.load_rules()


def fine_of(fines: list[dict[str, Any]], target: str) -> tuple[float, float]:
    (found,) = [fine for fine in fines if fine["target"] == target]
    return found["min_yuan"], found["max_yuan"]


def test_three_findings_cross_the_hearing_threshold_none_does_alone() -> None:
    # 2026: the large-fine amount for a unit is 100,000 (MEM Order 18 Art. 55 ¶2). Each finding
    # of Art. 99 at the first stage is fined up to 50,000: alone, no hearing.
    facts = [
        {"kind": kind, "occurred_on": "2026-03-02", "sector": "manufacturing"}
        for kind in ("no_warning_signs", "equipment_not_maintained", "no_protective_equipment")
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES).to_dict()
    assert [finding["hearing"] for finding in decided["findings"]] == ["no", "no", "no"]
    assert all(fine_of(f["fines"], "unit") == (0, 50000) for f in decided["findings"])
    combined = decided["combined"]
    assert fine_of(combined["fines"], "unit") == (0, 150000)
    assert combined["hearing"] == "if_fine_reaches"
    assert combined["hearing_thresholds_yuan"] == {"unit": 100000, "individual": 20000}
    assert decided["acts"] == [[0], [1], [2]]
    assert combined["measures"] == ["correct_by_deadline"]


def test_combined_floors_reach_the_threshold_hearing_required() -> None:
    # Three overdue Art. 99 findings: each 50,000–200,000 (if_fine_reaches alone); together the
    # floor 150,000 is above the 100,000 amount, so the hearing is due whatever is fined.
    facts = [
        {"kind": kind, "occurred_on": "2026-03-02", "sector": "manufacturing", "overdue": True}
        for kind in ("no_warning_signs", "equipment_not_maintained", "no_protective_equipment")
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES).to_dict()
    assert {f["hearing"] for f in decided["findings"]} == {"if_fine_reaches"}
    combined = decided["combined"]
    assert fine_of(combined["fines"], "unit") == (150000, 600000)
    assert fine_of(combined["fines"], "responsible_persons") == (30000, 60000)
    assert combined["hearing"] == "required"


def test_a_published_combined_total_lies_in_the_combined_range() -> None:
    # 自贡高新区应急, inspection 2025-05-20 (mirror http://www.20082009.com/content/68c0d585ae2d2):
    # no hazard-management system (Art. 101(5)) and no emergency plan (Art. 97(6)), "共计罚款
    # 16000元"; not itemised. Each is up to 100,000 at the first stage.
    facts = [
        {"kind": "no_hazard_system", "occurred_on": "2025-05-20", "decided_on": "2025-06-30"},
        {"kind": "no_emergency_plan", "occurred_on": "2025-05-20", "decided_on": "2025-06-30"},
    ]
    combined = er.decide_inspection({"findings": facts}, rules=RULES).combined
    assert combined is not None
    (unit,) = combined.fines
    assert unit.target is er.FineTarget.UNIT and (unit.min_yuan, unit.max_yuan) == (0, 200000)
    assert unit.min_yuan <= 16000 <= unit.max_yuan
    # 分别裁量、合并处罚 (Order 15 as amended 2015, Art. 53) is cited for the combination
    assert any(c.law == "penalty_measures" and c.article == 53 for c in combined.legal_basis)


def test_a_second_published_total_with_a_person_fined() -> None:
    # 宜兴市应急管理局, inspection 2023-11-28, published 2024-04-12
    # (http://yixing.gov.cn/doc/2024/04/12/1221160.shtml, via the lead's research): blocked
    # evacuation route (Art. 105(2)) and no warning signs (Art. 99(1)) in a textile factory; the
    # unit 4.2万元, its legal representative 0.48万元.
    facts = [
        {"kind": kind, "occurred_on": "2023-11-28", "decided_on": "2024-04-12"}
        | {"sector": "manufacturing"}
        for kind in ("blocked_exits", "no_warning_signs")
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES).to_dict()
    low, high = fine_of(decided["combined"]["fines"], "unit")
    assert low <= 42000 <= high == 100000
    low, high = fine_of(decided["combined"]["fines"], "responsible_persons")
    assert low <= 4800 <= high == 10000


def test_one_act_breaking_two_provisions_is_fined_once_under_the_higher() -> None:
    # The uncertified welder's hot work (ordered corrected before: overdue, Art. 97(7)) was also
    # left without anyone supervising it (Art. 101(3), first finding): one act, one fine.
    facts = [
        {"kind": "uncertified_special_worker", "occurred_on": "2024-05-06", "overdue": True},
        {"kind": "dangerous_work_unsupervised", "occurred_on": "2024-05-06"},
        {"kind": "no_warning_signs", "occurred_on": "2024-05-06"},
    ]
    single = er.decide_inspection({"findings": facts}, rules=RULES)
    once = er.decide_inspection({"findings": facts, "same_act": [[0, 1]]}, rules=RULES)
    assert single.combined is not None and once.combined is not None
    units = {
        name: next(f for f in d.fines if f.target is er.FineTarget.UNIT)
        for name, d in (("single", single.combined), ("once", once.combined))
    }
    # added up: 100,000–200,000 + 0–100,000 + 0–50,000; once: the overdue 97(7) fine + 99(1)
    assert (units["single"].min_yuan, units["single"].max_yuan) == (100000, 350000)
    assert (units["once"].min_yuan, units["once"].max_yuan) == (100000, 250000)
    assert [list(act) for act in once.acts] == [[0, 1], [2]]
    assert any(
        c.law == "administrative_penalty_law" and c.article == 29 for c in once.combined.legal_basis
    )
    # the act keeps every measure and penalty category of both provisions; only the fine is once
    assert "suspension_for_rectification" in [p.value for p in once.combined.penalties]


def test_one_act_before_2021_07_15_is_fined_once_whose_fine_unstated() -> None:
    # APL 1996 Art. 24: no second fine for one act; it does not say whose: the range spans both.
    facts = [
        {"kind": "uncertified_special_worker", "occurred_on": "2019-05-06", "overdue": True},
        {"kind": "no_warning_signs", "occurred_on": "2019-05-06"},
    ]
    once = er.decide_inspection({"findings": facts, "same_act": [[0, 1]]}, rules=RULES)
    assert once.combined is not None
    by_target = {fine.target: fine for fine in once.combined.fines}
    separate = er.decide_inspection({"findings": facts}, rules=RULES).combined
    assert separate is not None
    singles = [er.decide(f, rules=RULES) for f in facts]
    unit_ranges = [
        (f.min_yuan, f.max_yuan) for d in singles for f in d.fines if f.target is er.FineTarget.UNIT
    ]
    unit = by_target[er.FineTarget.UNIT]
    assert (unit.min_yuan, unit.max_yuan) == (
        min(low for low, _ in unit_ranges),
        max(high for _, high in unit_ranges),
    )
    assert any(c.article == 24 and c.version == "1996-03-17" for c in once.combined.legal_basis)
    assert any("不得给予两次以上罚款" in c.text_zh for c in once.combined.legal_basis)
    sums = next(f for f in separate.fines if f.target is er.FineTarget.UNIT)
    assert sums.max_yuan == sum(high for _, high in unit_ranges) > unit.max_yuan


def test_another_authoritys_finding_is_listed_apart_and_not_added() -> None:
    # A manager whose failure caused an accident loses the licence (licence issuer, 2014 law),
    # beside the bureau's own finding of missing warning signs.
    facts = [
        {"kind": "no_warning_signs", "occurred_on": "2019-03-04", "sector": "manufacturing"},
        {
            "kind": "accident_manager_duty_failure",
            "occurred_on": "2019-03-04",
            "sector": "manufacturing",
            "deaths": 1,
        },
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES)
    assert decided.combined is not None and decided.combined.findings == (0,)
    assert [f.target for f in decided.combined.fines] == [er.FineTarget.UNIT]
    (transfer,) = decided.other_authorities
    assert transfer.competent_authority is er.Authority.LICENCE_ISSUER
    assert transfer.findings == (1,)
    assert "license_revocation" not in [p.value for p in decided.combined.penalties]


def test_the_absconding_principal_is_fined_by_the_bureau_and_listed_for_public_security() -> None:
    facts = [
        {"kind": "no_warning_signs", "occurred_on": "2023-03-04"},
        {"kind": "accident_absconding", "occurred_on": "2023-03-04", "deaths": 1},
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES)
    assert decided.combined is not None and decided.combined.findings == (0, 1)
    targets = {f.target for d in decided.findings for f in d.fines}
    assert {f.target for f in decided.combined.fines} == targets
    assert {er.FineTarget.UNIT, er.FineTarget.PRINCIPAL} <= targets
    assert [t.competent_authority for t in decided.other_authorities] == [
        er.Authority.PUBLIC_SECURITY
    ]


def test_each_finding_is_decided_as_alone() -> None:
    facts = [
        {"kind": "no_warning_signs", "occurred_on": "2013-03-04", "ref": "a"},
        {
            "kind": "no_safety_training",
            "occurred_on": "2022-03-04",
            "decided_on": "2022-05-01",
            "ref": "b",
        },
    ]
    facts[0]["decided_on"] = "2022-05-01"
    decided = er.decide_inspection({"findings": facts, "ref": "检查-1"}, rules=RULES)
    assert list(decided.findings) == [er.decide(f, rules=RULES) for f in facts]
    assert decided.findings[0].law_version != decided.findings[1].law_version
    assert decided.to_dict()["ref"] == "检查-1"


def test_bad_inspections_name_the_finding_and_field() -> None:
    base = {"kind": "no_warning_signs", "occurred_on": "2023-03-04"}
    with pytest.raises(er.FactError) as error:
        er.decide_inspection({"findings": [base, {**base, "kind": "nope"}]}, rules=RULES)
    assert error.value.field == "findings[1].kind"
    with pytest.raises(er.FactError) as error:
        er.decide_inspection(
            {"findings": [base, {**base, "decided_on": "2023-05-05"}]}, rules=RULES
        )
    assert error.value.field == "findings[1].decided_on"
    with pytest.raises(er.FactError) as error:
        er.decide_inspection({"findings": [base, base], "same_act": [[0, 2]]}, rules=RULES)
    assert error.value.field == "same_act[0]"
    for bad in ({}, {"findings": []}, {"findings": [base], "extra": 1}, []):
        with pytest.raises(er.FactError):
            er.decide_inspection(bad, rules=RULES)  # type: ignore[arg-type]


def test_the_json_form_round_trips_the_input() -> None:
    data = {
        "findings": [{"kind": "no_warning_signs", "occurred_on": "2023-03-04"}] * 2,
        "same_act": [[0, 1]],
        "ref": None,
    }
    inspection = Inspection.from_dict(data)
    assert Inspection.from_dict(inspection.to_dict()) == inspection


def test_a_fire_service_finding_beside_the_bureaus_is_listed_apart() -> None:
    # A KTV: its exits are blocked (a fire matter in a public entertainment venue: 消防法 Art. 60
    # with Art. 70) and its equipment room has no warning signs (the bureau's, WSL 2021 99(1)).
    facts = [
        {"kind": "no_warning_signs", "occurred_on": "2025-09-09", "sector": "public_entertainment"},
        {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "public_entertainment"},
        {
            "kind": "no_emergency_plan",
            "occurred_on": "2025-09-09",
            "sector": "public_entertainment",
        },
    ]
    decided = er.decide_inspection({"findings": facts}, rules=RULES)
    fire = decided.findings[1]
    assert fire.penalty_basis is er.PenaltyBasis.NOT_COMPETENT
    assert decided.combined is not None and decided.combined.findings == (0, 2)
    (transfer,) = decided.other_authorities
    assert transfer.competent_authority is er.Authority.FIRE_RESCUE
    assert transfer.findings == (1,)
    assert transfer.legal_basis and all(c in fire.legal_basis for c in transfer.legal_basis)
    # the bureau's total is its two findings' only: 0–50,000 + 0–100,000
    (unit,) = decided.combined.fines
    assert (unit.min_yuan, unit.max_yuan) == (0, 150000)
    data = decided.to_dict()
    assert data["other_authorities"][0]["competent_authority"] == "fire_rescue"


def test_one_missing_sign_under_the_law_and_the_chemicals_regulations_is_counted_once() -> None:
    # A chemicals warehouse without warning signs: the one act breaks WSL 2021 Art. 99(1) and the
    # Hazardous Chemicals Regulations' warning-sign duty. Flagged as one act: one fine.
    facts = [
        {"kind": "no_warning_signs", "occurred_on": "2025-09-09", "sector": "hazardous_chemicals"},
        {
            "kind": "hazchem_warning_signs_or_alarm_missing",
            "occurred_on": "2025-09-09",
            "sector": "hazardous_chemicals",
        },
    ]
    twice = er.decide_inspection({"findings": facts}, rules=RULES).combined
    once = er.decide_inspection({"findings": facts, "same_act": [[0, 1]]}, rules=RULES).combined
    assert twice is not None and once is not None
    assert [(f.min_yuan, f.max_yuan) for f in twice.fines] == [(0, 100000)]
    assert [(f.min_yuan, f.max_yuan) for f in once.fines] == [(0, 50000)]
    concurrence = RULES.procedure[-1].concurrence_citation
    assert concurrence is not None and concurrence in once.legal_basis
    assert any("equal fines: the first listed" in note for note in once.notes)
