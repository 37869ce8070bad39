"""JSON Schemas (2020-12) of the public contract, generated from the classes that validate it.

One source of truth: a schema's structure (fields, JSON types, codes, what is required, defaults)
is read from the attrs classes the strict converter (`codec`) structures and validates
(`Violation`, `Decision`, `FineRange`, …), the codes from the `vocabulary` enums, the limits from
the constants the validators use. What a class cannot say is kept here, next to the generator:
a fact field's Chinese label and meaning (`FACT_FIELDS`, which a test requires for every field,
so a new field cannot be published unlabelled) and the few places where a class's JSON form is
not its fields (`_FORMS`: a key left out, one added with the trace). Tests validate every
decision the suite produces against the result, and check the limits against the validators.

Higher stages publish their own schemas with the same `SchemaBuilder` (case events in
`cases.schemas`, plan records in `plan.schemas`); the catalogue of everything published, and
the OpenAPI document built from it, sit on top (`service.published`).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

import attrs

from .codec import CONVERTER, ISO_DATE_PATTERN
from .decision import Candidate, Decision, FiredRule, Provenance
from .errors import (
    EnforcementRulesError,
    FactError,
    FactErrors,
    NoApplicableLawError,
    UncoveredKindError,
)
from .facts import MAX_AMOUNT_YUAN, MAX_COUNT, MAX_REF_LENGTH, Violation
from .fines import FineRange
from .inspection import MAX_FINDINGS, InspectionDecision
from .vocabulary import Code, FineTarget, Penalty

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: As the rule-file schema's: `<prefix><name>.schema.json`.
ID_PREFIX = "https://enforcement-rules.invalid/schema/"

#: `kind` codes as `Violation` accepts them (`facts._check_kind`; a test checks they agree).
KIND_PATTERN = "^[a-z][a-z0-9_]*$"
#: No control characters (the validators also refuse other unprintable text, which a JSON Schema
#: pattern cannot portably name).
PRINTABLE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"

Schema = dict[str, Any]
#: Kind codes with their labels, from a loaded rule set: code → (中文, English).
KindLabels = Mapping[str, tuple[str, str]]


#: Every fact field: (中文 label, English meaning), as in docs/vocabulary.md. The form of the
#: service's page is built from these, so every field needs one (a test keeps it so).
FACT_FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("违法行为", "what the unit did wrong (a kind code of the rule set)"),
    "occurred_on": (
        "违法行为发生日期",
        "when the violation happened (for a continuing one: the day it ended, or the inspection "
        "day if it goes on)",
    ),
    "discovered_on": (
        "发现日期（检查日）",
        "the inspection day (the limitation period counts to here); defaults to occurred_on",
    ),
    "decided_on": (
        "处罚决定日期",
        "the day the penalty decision is made (for 从旧兼从轻); defaults to discovered_on",
    ),
    "sector": ("行业", "the unit's trade; some provisions apply to some trades only"),
    "hazard": ("事故隐患", "accident hazard found with the violation"),
    "correctable_on_site": ("可以当场改正", "can be put right during the inspection"),
    "activity_ongoing": (
        "违法作业正在进行",
        "the unlawful work, operation or use is going on at the time of inspection",
    ),
    "workers_in_danger": ("作业人员在危险区域内", "workers are inside the danger area"),
    "safety_assured": (
        "排除隐患前或者排除过程中能够保证安全",
        "safety can be assured before and while the hazard is removed",
    ),
    "nonconforming_equipment": (
        "设施、设备、器材不符合国家标准或者行业标准",
        "facilities, equipment or materials believed not to meet national or trade standards",
    ),
    "overdue": (
        "逾期未改正（拒不执行、拒不改正）",
        "an earlier order to correct was not carried out by its deadline",
    ),
    "serious": ("情节严重", "serious, as found by the inspector"),
    "fined_and_refuses": (
        "被罚款并责令改正后拒不改正",
        "fined and ordered to correct, and still refuses (按日连续处罚, 2021)",
    ),
    "illegal_income_yuan": (
        "违法所得（元）",
        "unlawful gains in yuan, where the provision measures fines by them",
    ),
    "harmful_consequences": (
        "造成危害后果",
        "the violation caused harm (limitation period, 不予处罚)",
    ),
    "circumstances": (
        "从轻、减轻或者不予处罚的情节",
        "circumstances the Administrative Penalty Law weighs",
    ),
    "deaths": ("死亡人数", "persons killed in the accident (Order 493 Art. 3)"),
    "serious_injuries": (
        "重伤人数（包括急性工业中毒）",
        "persons seriously injured, acute industrial poisoning included",
    ),
    "direct_loss_yuan": ("直接经济损失（元）", "the accident's direct economic loss in yuan"),
    "accident_grade": (
        "事故等级（调查报告认定）",
        "the grade as stated (e.g. by the investigation report); null: derived by rules from "
        "deaths, serious injuries and loss; a stated grade lower than the figures' is refused",
    ),
    "annual_income_yuan": (
        "上一年年收入（元）",
        "the previous year's income of the person an income-share fine falls on; null: the fine "
        "is stated as shares",
    ),
    "especially_serious": (
        "情节特别严重（影响特别恶劣）",
        "especially serious circumstances (2014 Art. 109, 2021 Art. 114 ¶2); not `serious`",
    ),
    "licence_status": (
        "许可证状态",
        "the unit's licence for a licence-based activity: valid, none, expired or out of scope",
    ),
    "ref": (
        "调用方编号",
        "the caller's own id for the finding; never read by rules, echoed in the decision",
    ),
    "instances": (
        "违法行为涉及的处数、人次或台（套）数",
        "discretion tier fact: how many places, persons or items the violation concerns (the "
        "benchmark row says which); null: not stated",
    ),
    "employees": (
        "从业人员人数",
        "discretion tier fact: the unit's headcount; null: not stated",
    ),
    "duration_days": (
        "违法行为持续天数",
        "discretion tier fact: how many days the violation lasted; null: not stated",
    ),
    "repeat_offence": (
        "在基准规定的期限内再次违反",
        "discretion tier fact: the same violation again within the period the benchmark row "
        "names (e.g. one year); null: not stated",
    ),
    "corrected_before_decision": (
        "作出处罚决定前已改正",
        "discretion tier fact: the violation was put right before the decision; null: not stated",
    ),
}

#: What the validators accept beyond the JSON type, per fact field (from their constants).
_FACT_LIMITS: dict[str, Schema] = {
    "illegal_income_yuan": {"minimum": 0, "maximum": MAX_AMOUNT_YUAN},
    "direct_loss_yuan": {"minimum": 0, "maximum": MAX_AMOUNT_YUAN},
    "annual_income_yuan": {"minimum": 0, "maximum": MAX_AMOUNT_YUAN},
    "deaths": {"minimum": 0, "maximum": MAX_COUNT},
    "serious_injuries": {"minimum": 0, "maximum": MAX_COUNT},
    "ref": {"maxLength": MAX_REF_LENGTH, "pattern": PRINTABLE_PATTERN},
    "instances": {"minimum": 0, "maximum": MAX_COUNT},
    "employees": {"minimum": 0, "maximum": MAX_COUNT},
    "duration_days": {"minimum": 0, "maximum": MAX_COUNT},
}

#: The meaning of each decision key (docs/vocabulary.md), published as its description.
DECISION_FIELDS: dict[str, str] = {
    "measures": "on-site measures (现场处理措施), in the law's order, no duplicates",
    "penalties": "penalty categories to impose, mildest first (empty: none)",
    "penalty_basis": "why the penalties are what they are",
    "referred_to": "the instrument (law code) the provision refers the penalty to, or null",
    "competent_authority": "the authority that decides instead of the bureau, or null",
    "accident_grade": "the accident grade the decision used (derived or stated), or null",
    "fines": "a fine range per target; mandatory is false for 可以处",
    "suggested": "the band an applied discretion benchmark (裁量基准) gives inside a fine's range, "
    "with its benchmark, row, tier, source and review; present only when some row applies",
    "penalty_adjustment": "从轻 / 减轻 / 不予处罚, or time-barred",
    "procedure": "简易程序 or 一般程序; null when no penalty",
    "summary_thresholds_yuan": "with summary_if_fine_within: the amounts (unit, individual)",
    "hearing": "whether the party must be told of the right to a hearing",
    "hearing_thresholds_yuan": "with if_fine_reaches: the large-fine amounts (unit, individual)",
    "daily_fine": "按日连续处罚 may follow",
    "section": "the bureau section responsible",
    "law_version": "the law version applied, e.g. work_safety_law@2021-09-01",
    "legal_basis": "the citations, with the Chinese wording",
    "rules_fired": "the ids of the rules that fired, in firing order",
    "notes": "remarks, e.g. no provision in this version; the lighter later law applied",
    "provenance": "the library version, the rule set's digest and the fired rules pending review",
    "ref": "the caller's id, echoed from the facts",
    "trace": "with trace: every fired rule, where it is written and what it cites",
    "candidates": "with trace: the law versions considered (从旧兼从轻), the parties each took",
    "facts": "with trace: the facts as validated, every field present",
}


@attrs.frozen
class _Form:
    """How a class's JSON form differs from its fields (the default: it is its fields)."""

    omit: tuple[str, ...] = ()  # fields the JSON form leaves out
    optional: tuple[str, ...] = ()  # keys present only sometimes (with the trace)
    #: The JSON form's keys when they are not the fields: name → Python type, translated alike.
    keys: Mapping[str, Any] | None = None
    #: Keys added to the fields: name → how to build their schema.
    extra: Mapping[str, Callable[[SchemaBuilder], Schema]] = attrs.field(factory=dict)
    descriptions: Mapping[str, str] = attrs.field(factory=dict)


def _facts_of_trace(builder: SchemaBuilder) -> Schema:
    return builder.facts()


_FORMS: dict[type, _Form] = {
    # The income multiple is computed into the yuan bounds per fact: rules state it, decisions
    # show the bounds (`FineRange.to_dict`).
    # Shares of an income become `income_share` {min, max}; with the income unknown the yuan
    # bounds are null (`FineRange.to_dict`).
    FineRange: _Form(
        keys={
            "target": FineTarget,
            "min_yuan": float | None,
            "max_yuan": float | None,
            "mandatory": bool,
            "law_version": str | None,
            "income_share": Mapping[str, float],
        },
        optional=("income_share",),
        descriptions={
            "min_yuan": "lowest fine in yuan; null for a share of an income not given",
            "max_yuan": "highest fine in yuan; null for a share of an income not given",
            "income_share": "the fine as shares of the previous year's income: {min, max}",
        },
    ),
    Decision: _Form(
        optional=("trace", "candidates", "facts", "suggested"),
        extra={"facts": _facts_of_trace},
        descriptions=DECISION_FIELDS,
    ),
    # `Candidate.to_dict`: the candidate decision's penalty part and the parties it took.
    Candidate: _Form(
        keys={
            "law_version": str,
            "penalties": tuple[Penalty, ...],
            "fines": tuple[FineRange, ...],
            "rules_fired": tuple[str, ...],
            "applied_to": tuple[FineTarget, ...],
            "reason": str,
        }
    ),
    FiredRule: _Form(),
    Provenance: _Form(),
}


def date_schema() -> Schema:
    return {"type": "string", "format": "date", "pattern": f"^{ISO_DATE_PATTERN}$"}


def nullable(schema: Schema) -> Schema:
    """`schema` or null."""
    kind = schema.get("type")
    if isinstance(kind, str) and "$ref" not in schema and "oneOf" not in schema:
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def code_choices(codes: Iterable[tuple[str, str, str]]) -> Schema:
    """A closed list of codes: each one's `title` is its Chinese term, `description` its English
    label (the form of the service's page shows and searches both)."""
    return {
        "type": "string",
        "oneOf": [{"const": code, "title": zh, "description": en} for code, zh, en in codes],
    }


class SchemaBuilder:
    """Translates Python types into JSON Schema, collecting named definitions in `defs`.

    `kinds` (from a loaded rule set) makes `kind` a closed list of codes with their labels;
    without it `kind` is any code-shaped string (the schema of every rule set).
    """

    def __init__(self, *, kinds: KindLabels | None = None) -> None:
        self.defs: dict[str, Schema] = {}
        self.kinds = kinds

    def ref(self, name: str, build: Callable[[], Schema]) -> Schema:
        """A `$ref` to the definition `name`, built the first time it is asked for."""
        if name not in self.defs:
            self.defs[name] = {}  # taken, in case the definition refers to itself
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, tp: Any) -> Schema:
        """The JSON form of a value of Python type `tp`, as `codec.CONVERTER` reads it."""
        if tp is Any:
            return {}
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            present = [arg for arg in args if arg is not type(None)]
            inner = (
                self.type_schema(present[0])
                if len(present) == 1
                else {"anyOf": [self.type_schema(arg) for arg in present]}
            )
            return nullable(inner) if len(present) < len(args) else inner
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.type_schema(args[0])}
            return {
                "type": "array",
                "prefixItems": [self.type_schema(arg) for arg in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin in (frozenset, set):
            return {"type": "array", "uniqueItems": True, "items": self.type_schema(args[0])}
        if origin is list:
            return {"type": "array", "items": self.type_schema(args[0])}
        if origin in (Mapping, dict):
            return {"type": "object", "additionalProperties": self.type_schema(args[1])}
        if isinstance(tp, type):
            if issubclass(tp, Code):
                return self.code(tp)
            if issubclass(tp, Enum):
                return self.ref(tp.__name__, lambda: _plain_enum(tp))
            simple = _SIMPLE.get(tp)
            if simple is not None:
                return simple()
            if attrs.has(tp):
                return self.output(tp)
        raise TypeError(f"no JSON Schema for the type {tp!r}")

    def code(self, enum_type: type[Code]) -> Schema:
        """A vocabulary code list, defined once under its class name."""
        doc = (enum_type.__doc__ or "").strip().split("\n")[0]

        def build() -> Schema:
            schema = code_choices((m.value, m.zh, m.en) for m in enum_type)
            return {"title": enum_type.__name__, **({"description": doc} if doc else {}), **schema}

        return self.ref(enum_type.__name__, build)

    def kind(self) -> Schema:
        """A `kind` code: the rule set's list, or any code-shaped string."""
        kinds = self.kinds

        def build() -> Schema:
            if kinds is None:
                return {
                    "title": "Kind",
                    "description": "a violation kind code of the rule set in use",
                    "type": "string",
                    "pattern": KIND_PATTERN,
                }
            choices = code_choices((code, zh, en) for code, (zh, en) in kinds.items())
            return {"title": "Kind", "description": "the rule set's violation kinds", **choices}

        return self.ref("Kind", build)

    def output(self, cls: type) -> Schema:
        """An attrs class's JSON form, every key present unless its `_Form` says otherwise."""
        form = _FORMS.get(cls, _Form())

        def build() -> Schema:
            hints = typing.get_type_hints(cls)
            if form.keys is not None:
                types_of = dict(form.keys)
            else:
                types_of = {
                    field.name: hints[field.name]
                    for field in attrs.fields(cls)
                    if field.name not in form.omit
                }
            properties: dict[str, Schema] = {}
            for name, tp in types_of.items():
                properties[name] = _described(self.type_schema(tp), form.descriptions.get(name))
            for name, make in form.extra.items():
                properties[name] = _described(make(self), form.descriptions.get(name))
            doc = (cls.__doc__ or "").strip().split("\n\n")[0]
            return {
                "title": cls.__name__,
                "description": " ".join(doc.split()),
                "type": "object",
                "properties": properties,
                "required": [name for name in properties if name not in form.optional],
                "additionalProperties": False,
            }

        return self.ref(cls.__name__, build)

    def facts(self, *, extra: Mapping[str, Schema] | None = None, name: str = "Facts") -> Schema:
        """`Violation`'s JSON form, as `Violation.from_dict` accepts it; `extra` adds required
        keys (a finding's `unit`)."""

        def build() -> Schema:
            hints = typing.get_type_hints(Violation)
            properties: dict[str, Schema] = {}
            required: list[str] = []
            for field in attrs.fields(Violation):
                zh, en = FACT_FIELDS[field.name]  # KeyError: label the new field
                schema = (
                    self.kind() if field.name == "kind" else self.type_schema(hints[field.name])
                )
                schema = {
                    "title": zh,
                    "description": en,
                    **schema,
                    **_FACT_LIMITS.get(field.name, {}),
                }
                if field.default is attrs.NOTHING:
                    required.append(field.name)
                elif not isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                    schema["default"] = _json_value(field.default)
                properties[field.name] = schema
            for key, schema in (extra or {}).items():
                properties[key] = schema
                required.append(key)
            return {
                "title": name,
                "description": "the facts of one detected violation (docs/vocabulary.md)",
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }

        return self.ref(name, build)

    def document(self, name: str, root: Schema, *, title: str, description: str) -> Schema:
        """A published schema: `root` (a `$ref` to one of the definitions, or a schema) at the
        top, the other definitions under `$defs`."""
        defs = dict(self.defs)
        body = root
        target = root.get("$ref", "").removeprefix("#/$defs/")
        if target in defs and not _refers_to(
            [v for k, v in defs.items() if k != target], root["$ref"]
        ):
            body = defs.pop(target)
        document: Schema = {"$schema": DIALECT, "$id": f"{ID_PREFIX}{name}.schema.json"}
        document["title"] = title
        document["description"] = description
        document.update({k: v for k, v in body.items() if k not in ("title", "description")})
        if defs:
            document["$defs"] = dict(sorted(defs.items()))
        return document


_SIMPLE: dict[type, Callable[[], Schema]] = {
    bool: lambda: {"type": "boolean"},
    int: lambda: {"type": "integer"},
    float: lambda: {"type": "number"},
    str: lambda: {"type": "string"},
    dt.date: date_schema,
}


def _plain_enum(enum_type: type[Enum]) -> Schema:
    """An enum without Chinese terms (case events' types and outcomes): its values."""
    return {"title": enum_type.__name__, "type": "string", "enum": [m.value for m in enum_type]}


def _described(schema: Schema, description: str | None) -> Schema:
    """`schema` with a description (beside a `$ref` too: 2020-12 allows annotations there)."""
    return {"description": description, **schema} if description else schema


def _json_value(value: Any) -> Any:
    if isinstance(value, frozenset | set | tuple):
        return sorted(_json_value(item) for item in value)
    return CONVERTER.unstructure(value)


def _refers_to(schemas: Iterable[Any], ref: str) -> bool:
    for schema in schemas:
        if isinstance(schema, dict):
            if schema.get("$ref") == ref or _refers_to(schema.values(), ref):
                return True
        elif isinstance(schema, list) and _refers_to(schema, ref):
            return True
    return False


# ---------------------------------------------------------------- the contract's schemas


def facts_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "facts",
        builder.facts(),
        title="Facts",
        description="The facts of one detected violation: the input of a decision "
        "(docs/vocabulary.md). Unknown fields, wrong types and unknown codes are errors.",
    )


def decision_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "decision",
        builder.output(Decision),
        title="Decision",
        description="What the law allows for one violation (docs/vocabulary.md); with the "
        "trace, every fired rule, the law versions considered and the facts as validated.",
    )


def inspection_definition(builder: SchemaBuilder) -> Schema:
    """An inspection's JSON form (`Inspection.from_dict`): findings, same-act groups, ref."""

    def build() -> Schema:
        return {
            "title": "Inspection",
            "description": "the findings of one inspection of one unit, decided on one day "
            "(docs/vocabulary.md, Inspections)",
            "type": "object",
            "properties": {
                "findings": {
                    "description": "the facts of each finding; every finding states the same "
                    "decided_on (one decision)",
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_FINDINGS,
                    "items": builder.facts(),
                },
                "same_act": {
                    "description": "groups of finding positions (0-based) that are one act "
                    "breaking several provisions: fined once",
                    "type": "array",
                    "items": {
                        "type": "array",
                        "minItems": 2,
                        "uniqueItems": True,
                        "items": {"type": "integer", "minimum": 0},
                    },
                    "default": [],
                },
                "ref": {
                    "description": "the caller's id for the inspection, echoed",
                    "type": ["string", "null"],
                    "maxLength": MAX_REF_LENGTH,
                    "default": None,
                },
            },
            "required": ["findings"],
            "additionalProperties": False,
        }

    return builder.ref("Inspection", build)


def inspection_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "inspection",
        inspection_definition(builder),
        title="Inspection",
        description="Several findings of one inspection against one unit: the input of an "
        "inspection decision (docs/vocabulary.md, Inspections).",
    )


def inspection_decision_schema(kinds: KindLabels | None = None) -> Schema:
    builder = SchemaBuilder(kinds=kinds)
    return builder.document(
        "inspection-decision",
        builder.output(InspectionDecision),
        title="InspectionDecision",
        description="An inspection decided: each finding's decision, the acts, the bureau's "
        "combined decision and the findings other authorities decide (docs/vocabulary.md).",
    )


# ---------------------------------------------------------------- errors

#: The JSON form of one error, key by key: (JSON type, meaning). `error_objects` writes exactly
#: these keys and `error_schema` publishes them: one definition of both.
ERROR_KEYS: dict[str, tuple[Schema, str]] = {
    "type": ({"type": "string"}, "the error's class, e.g. FactError, UncoveredKindError"),
    "field": (
        {"type": ["string", "null"]},
        "the offending field (`facts.kind` inside an event; null when no one field is at fault)",
    ),
    "allowed": ({"type": ["string", "null"]}, "what the field allows, in words, or null"),
    "message": ({"type": "string"}, "the whole error in words"),
}


def error_objects(error: BaseException) -> list[dict[str, Any]]:
    """An error of the library as JSON objects (`ERROR_KEYS`): one per offending field."""
    if isinstance(error, FactErrors):
        return [item for inner in error.errors for item in error_objects(inner)]
    field: str | None = getattr(error, "field", None)
    allowed: str | None = getattr(error, "allowed", None) if isinstance(error, FactError) else None
    if isinstance(error, UncoveredKindError):
        field, allowed = "kind", ", ".join(error.covered)
    elif isinstance(error, NoApplicableLawError):
        field = "occurred_on"
    return [
        {
            "type": type(error).__name__,
            "field": field if isinstance(field, str) else None,
            "allowed": allowed if isinstance(allowed, str) else None,
            "message": str(error),
        }
    ]


def _error_types() -> list[str]:
    found: list[str] = []
    pending: list[type] = [EnforcementRulesError]
    while pending:
        cls = pending.pop(0)
        if cls.__module__ == EnforcementRulesError.__module__:
            found.append(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found


def error_definition(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        properties = {
            key: {**schema, "description": text} for key, (schema, text) in ERROR_KEYS.items()
        }
        properties["type"]["examples"] = _error_types()
        return {
            "title": "Error",
            "description": "one error: which field, what it allows, the whole error in words",
            "type": "object",
            "properties": properties,
            "required": list(ERROR_KEYS),
            "additionalProperties": False,
        }

    return builder.ref("Error", build)


def errors_definition(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        return {
            "title": "Errors",
            "description": "what was wrong with the input: one error per offending field",
            "type": "object",
            "properties": {
                "errors": {"type": "array", "minItems": 1, "items": error_definition(builder)}
            },
            "required": ["errors"],
            "additionalProperties": False,
        }

    return builder.ref("Errors", build)


def error_schema() -> Schema:
    builder = SchemaBuilder()
    return builder.document(
        "error",
        errors_definition(builder),
        title="Errors",
        description="Bad input, answered: one error object per offending field, naming the "
        "field and what it allows (the service's 4xx bodies, a batch item's errors).",
    )
