"""The published JSON Schema of an inspection record (one line of `plan report`'s input).

Generated from what `records.parse_record` validates with: the fields (`FIELDS`, `REQUIRED`),
`InspectionRecord`'s field types and, given a plan, its roles and campaigns as closed lists.
What depends on two fields at once (a campaign's quarter, a person's months on the roster) a
JSON Schema cannot say; `plan report` checks it and names the field.
"""

from __future__ import annotations

import typing

from ..contract.schemas import Schema, SchemaBuilder, code_choices
from .model import Plan
from .records import FIELDS, REQUIRED, InspectionRecord

_LABELS = {
    "date": ("检查日期", "the day of the inspection"),
    "role": ("带队人员职务", "the role of the person who led it (a role of the plan)"),
    "person": ("带队人员", "who led it"),
    "unit": ("被检查单位", "the unit inspected"),
    "sector": ("行业", "the unit's trade"),
    "campaign": ("专项检查", "the plan's campaign the inspection belongs to, if any"),
}
_TEXT: Schema = {"type": "string", "pattern": "\\S"}  # `parse_record`: a non-empty string


def record_definition(builder: SchemaBuilder, plan: Plan | None = None) -> Schema:
    def build() -> Schema:
        hints = typing.get_type_hints(InspectionRecord)
        properties: dict[str, Schema] = {}
        for field in FIELDS:
            zh, en = _LABELS[field]
            hint = hints[field]
            present = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
            schema = builder.type_schema(present[0])
            if field in ("person", "unit"):
                schema = dict(_TEXT)
            elif field == "role" and plan is not None:
                schema = code_choices((c, n.zh, n.en) for c, n in plan.roles.items())
            elif field == "campaign" and plan is not None:
                schema = code_choices((r.campaign, r.text_zh, r.title) for r in plan.schedule)
            properties[field] = {"title": zh, "description": en, **schema}
        return {
            "title": "InspectionRecord",
            "description": "one inspection of one unit (执法检查记录)",
            "type": "object",
            "properties": properties,
            "required": list(REQUIRED),
            "additionalProperties": False,
        }

    return builder.ref("InspectionRecord", build)


def record_schema(plan: Plan | None = None) -> Schema:
    builder = SchemaBuilder()
    return builder.document(
        "plan-record",
        record_definition(builder, plan),
        title="Inspection record",
        description="One line of `plan report`'s JSON Lines input: one inspection of one unit. "
        + ("Roles and campaigns of plan " + plan.plan + "." if plan else "Any plan's roles."),
    )
