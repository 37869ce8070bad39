from __future__ import annotations

import pytest

from enforcement_rules.contract import vocabulary as v

# The public contract of VOCABULARY.md, copied here on purpose: a rename must fail a test.
CONTRACT = {
    v.Measure: "correct_on_site correct_by_deadline stop_immediately withdraw_workers "
    "suspend_temporarily other_lawful_measure",
    v.Penalty: "warning fine confiscation suspension_for_rectification suspension "
    "license_revocation closure referral",
    v.FineTarget: "unit principal responsible_persons investor",
    v.Hazard: "none general major",
    v.Sector: "hazardous_chemicals fireworks gas mining metal_smelting construction demolition "
    "road_transport crowded_place public_entertainment catering manufacturing other",
    v.Section: "supervision_1 supervision_2 unassigned",
    v.Circumstance: "minor_violation corrected_promptly first_offence minor_harm coerced "
    "reduced_harm_actively meritorious_service confessed_unknown_violation no_fault",
    v.Procedure: "summary general summary_if_fine_within",
    v.Hearing: "required if_fine_reaches no",
    v.PenaltyAdjustment: "none lighter mitigated exempt time_barred",
    v.PenaltyBasis: "decided referred no_provision correction_first not_competent",
    v.Authority: "fire_rescue market_regulation housing_construction public_security "
    "licence_issuer people_government",
}


@pytest.mark.parametrize("enum_type", list(CONTRACT), ids=lambda t: t.__name__)
def test_codes_match_the_public_contract_in_order(enum_type: type[v.Code]) -> None:
    assert enum_type.codes() == tuple(CONTRACT[enum_type].split())


@pytest.mark.parametrize("enum_type", list(CONTRACT), ids=lambda t: t.__name__)
def test_every_code_has_a_chinese_term_and_an_english_label(enum_type: type[v.Code]) -> None:
    for member in enum_type:
        assert any("\u4e00" <= char <= "\u9fff" for char in member.zh), member
        assert member.en and member.en.isascii(), member
        assert member.label == f"{member.zh} ({member.en})"


def test_severity_order_puts_suspension_above_fine_and_closure_last_but_referral() -> None:
    rank = v.Penalty.rank
    assert (
        rank(v.Penalty.WARNING)
        < rank(v.Penalty.FINE)
        < rank(v.Penalty.SUSPENSION_FOR_RECTIFICATION)
    )
    assert rank(v.Penalty.SUSPENSION_FOR_RECTIFICATION) < rank(v.Penalty.CLOSURE)


def test_codes_compare_and_serialise_as_their_json_value() -> None:
    assert v.Sector.GAS == "gas"
    assert str(v.Measure.WITHDRAW_WORKERS) == "withdraw_workers"
    assert v.FineTarget.PRINCIPAL.is_individual and not v.FineTarget.UNIT.is_individual
