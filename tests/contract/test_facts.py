from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from enforcement_rules import Circumstance, FactError, FactErrors, Sector, Violation

BASE = {"kind": "blocked_exits", "occurred_on": "2024-03-01"}


def test_defaults_follow_the_vocabulary() -> None:
    violation = Violation.from_dict(BASE)
    assert violation.discovered_on == violation.decided_on == dt.date(2024, 3, 1)
    data = violation.to_dict()
    assert data["sector"] == "other" and data["hazard"] == "none"
    assert data["safety_assured"] is True and data["overdue"] is False
    assert data["illegal_income_yuan"] is None and data["circumstances"] == []


def test_decided_on_defaults_to_a_given_discovered_on() -> None:
    violation = Violation.from_dict({**BASE, "discovered_on": "2024-05-01"})
    assert violation.decided_on == dt.date(2024, 5, 1)


def test_round_trip_through_the_json_form() -> None:
    data = {
        **BASE,
        "discovered_on": "2024-03-05",
        "decided_on": "2024-04-01",
        "sector": "fireworks",
        "hazard": "major",
        "overdue": True,
        "illegal_income_yuan": 1234.5,
        "circumstances": ["first_offence", "coerced"],
    }
    again = Violation.from_dict(Violation.from_dict(data).to_dict())
    assert again == Violation.from_dict(data)
    assert again.to_dict()["circumstances"] == ["coerced", "first_offence"]


BAD_FIELDS: list[tuple[str, Any, str]] = [
    ("kind", 7, "not a string"),
    ("kind", "Blocked Exits", "not a kind code"),
    ("occurred_on", "2024-02-30", "not a real calendar date"),
    ("occurred_on", "01/03/2024", "not written as YYYY-MM-DD"),
    ("occurred_on", "2025-W37-2", "not written as YYYY-MM-DD"),
    ("occurred_on", "20250909", "not written as YYYY-MM-DD"),
    ("occurred_on", "2024-03-01T10:00:00", "not written as YYYY-MM-DD"),
    ("discovered_on", "2024-02-01", "before occurred_on"),
    ("decided_on", "2024-02-01", "before occurred_on"),
    ("sector", "space", "not a known sector"),
    ("hazard", "huge", "not a known hazard"),
    ("correctable_on_site", "yes", "not a boolean"),
    ("activity_ongoing", 1, "not a boolean"),
    ("workers_in_danger", None, "not a boolean"),
    ("safety_assured", "false", "not a boolean"),
    ("nonconforming_equipment", 0, "not a boolean"),
    ("overdue", "true", "not a boolean"),
    ("serious", [], "not a boolean"),
    ("fined_and_refuses", "no", "not a boolean"),
    ("illegal_income_yuan", -1, "negative"),
    ("illegal_income_yuan", "100", "not a number"),
    ("illegal_income_yuan", True, "not a number"),
    ("harmful_consequences", "n", "not a boolean"),
    ("circumstances", "first_offence", "not a list"),
    ("circumstances", ["first_offence", "first_offence"], "listed twice"),
    ("circumstances[0]", ["luck"], "not a known circumstance"),
    ("colour", "red", "unknown field"),
]


@pytest.mark.parametrize(("field", "value", "problem"), BAD_FIELDS, ids=lambda x: str(x)[:24])
def test_a_bad_field_is_named_with_what_is_allowed(field: str, value: Any, problem: str) -> None:
    name = field.split("[")[0]
    with pytest.raises(FactError) as caught:
        Violation.from_dict({**BASE, name: value})
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert f"'{field}'" in str(caught.value)


def test_unknown_codes_list_the_allowed_ones() -> None:
    with pytest.raises(FactError) as caught:
        Violation.from_dict({**BASE, "hazard": "huge"})
    assert caught.value.allowed == "none, general, major"


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(FactError, match="'occurred_on': required field is missing"):
        Violation.from_dict({"kind": "blocked_exits"})


def test_several_bad_fields_are_all_reported() -> None:
    with pytest.raises(FactErrors) as caught:
        Violation.from_dict({**BASE, "overdue": "y", "sector": "x", "extra": 1})
    assert sorted(error.field for error in caught.value.errors) == ["extra", "overdue", "sector"]


def test_kind_is_checked_against_the_rule_set_kinds() -> None:
    with pytest.raises(FactError) as caught:
        Violation.from_dict({**BASE, "kind": "jaywalking"}, kinds={"blocked_exits"})
    assert caught.value.field == "kind" and caught.value.allowed == "blocked_exits"


def test_not_an_object_and_not_json_are_fact_errors() -> None:
    with pytest.raises(FactError, match="not a JSON object"):
        Violation.from_dict(["kind"])  # type: ignore[arg-type]
    with pytest.raises(FactError, match="not valid JSON"):
        Violation.from_json("{kind:")


def test_constructing_directly_validates_too() -> None:
    with pytest.raises(FactError, match="before occurred_on"):
        Violation(
            kind="blocked_exits", occurred_on=dt.date(2024, 3, 1), discovered_on=dt.date(2024, 1, 1)
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"overdue": 1}, "overdue"),
        ({"overdue": "x"}, "overdue"),
        ({"serious": None}, "serious"),
        ({"occurred_on": "2024-03-01"}, "occurred_on"),
        ({"sector": "space"}, "sector"),
        ({"circumstances": "first_offence"}, "circumstances"),
        ({"circumstances": ["luck"]}, "circumstances"),
        ({"illegal_income_yuan": float("nan")}, "illegal_income_yuan"),
        ({"illegal_income_yuan": "100"}, "illegal_income_yuan"),
    ],
)
def test_violation_validates_every_field_on_construction_and_evolve(
    changes: dict[str, Any], field: str
) -> None:
    """Defect: `Violation(overdue=1)` was decided and `overdue="x"` was blamed on the rules;
    `attrs.evolve` bypassed validation too."""
    base = {"kind": "blocked_exits", "occurred_on": dt.date(2024, 3, 1)}
    with pytest.raises(FactError) as direct:
        Violation(**{**base, **changes})
    assert direct.value.field == field
    with pytest.raises(FactError) as evolved:
        attrs.evolve(Violation(**base), **changes)
    assert evolved.value.field == field


def test_codes_may_be_given_as_their_json_codes() -> None:
    violation = Violation(
        kind="blocked_exits",
        occurred_on=dt.date(2024, 3, 1),
        sector="gas",  # type: ignore[arg-type]
        circumstances=["first_offence"],  # type: ignore[arg-type]
    )
    assert violation.sector is Sector.GAS
    assert violation.circumstances == frozenset({Circumstance.FIRST_OFFENCE})


def test_a_non_string_key_is_a_fact_error_not_an_attribute_error() -> None:
    with pytest.raises(FactError, match="the key 7 is not a string"):
        Violation.from_dict({**BASE, 7: True})  # type: ignore[dict-item]


def test_an_error_never_echoes_a_huge_value_in_full() -> None:
    with pytest.raises(FactError) as caught:
        Violation.from_dict({**BASE, "sector": "x" * 100_000_00})
    assert len(str(caught.value)) < 500 and "characters" in str(caught.value)
