"""The service's own JSON forms (vocabulary, version, explanation), each beside its schema.

Every function here that writes a JSON form has its `…_definition` next to it, built with the
contract's `SchemaBuilder`; the OpenAPI document publishes those definitions and the API tests
validate every response against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from ..contract.citation import Citation
from ..contract.decision import Decision
from ..contract.facts import Violation
from ..contract.fines import FineRange, yuan
from ..contract.schemas import Schema, SchemaBuilder, date_schema, nullable
from ..contract.version import library_version
from ..contract.vocabulary import (
    Authority,
    Circumstance,
    Code,
    FineTarget,
    Hazard,
    Hearing,
    Measure,
    Penalty,
    PenaltyAdjustment,
    PenaltyBasis,
    Procedure,
    Section,
    Sector,
)
from ..review.explain import describe, explain
from ..review.render import rule_link
from ..rulebook.model import Rule, RuleSet

Lang = Literal["zh", "en", "both"]
LANGS: tuple[Lang, ...] = ("zh", "en", "both")

#: The vocabulary's code lists, under the names `GET /v1/vocabulary` gives them.
CODE_LISTS: dict[str, type[Code]] = {
    "measure": Measure,
    "penalty": Penalty,
    "fine_target": FineTarget,
    "hazard": Hazard,
    "sector": Sector,
    "section": Section,
    "circumstance": Circumstance,
    "procedure": Procedure,
    "hearing": Hearing,
    "penalty_adjustment": PenaltyAdjustment,
    "penalty_basis": PenaltyBasis,
    "authority": Authority,
}


def term(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "zh": zh, "en": en}


def _code(member: Code) -> dict[str, str]:
    return term(member.value, member.zh, member.en)


def term_definition(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        return {
            "title": "Term",
            "description": "a code with its Chinese term and English label",
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("code", "zh", "en")},
            "required": ["code", "zh", "en"],
            "additionalProperties": False,
        }

    return builder.ref("Term", build)


def _terms(builder: SchemaBuilder) -> Schema:
    return {"type": "array", "items": term_definition(builder)}


# ---------------------------------------------------------------- vocabulary


def vocabulary(rules: RuleSet) -> dict[str, list[dict[str, str]]]:
    """Every code with its Chinese term: the rule set's kinds and laws, the vocabulary's lists."""
    data = {
        "kind": [term(code, kind.zh, kind.en) for code, kind in rules.kinds.items()],
        "law": [term(code, law.zh, law.en) for code, law in rules.laws.items()],
    }
    data.update({name: [_code(m) for m in enum] for name, enum in CODE_LISTS.items()})
    return data


def vocabulary_definition(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        names = ["kind", "law", *CODE_LISTS]
        return {
            "title": "Vocabulary",
            "description": "every code of facts and decisions with its Chinese term",
            "type": "object",
            "properties": {name: _terms(builder) for name in names},
            "required": names,
            "additionalProperties": False,
        }

    return builder.ref("Vocabulary", build)


# ---------------------------------------------------------------- version


def version(rules: RuleSet) -> dict[str, Any]:
    """The library, the rule set's digest and every law version it encodes."""
    versions: dict[tuple[str, str, dt.date, dt.date | None], list[Rule]] = {}
    for provision in rules.provisions:
        key = (provision.law, provision.version, provision.in_force_from, provision.in_force_until)
        versions.setdefault(key, [])
    for rule in rules.rules:
        p = rule.provision
        versions[p.law, p.version, p.in_force_from, p.in_force_until].append(rule)
    order = {code: index for index, code in enumerate(rules.laws)}
    laws = [
        {
            "law": term(law, rules.laws[law].zh, rules.laws[law].en),
            "version": version_,
            "in_force_from": start.isoformat(),
            "in_force_until": None if until is None else until.isoformat(),
            "rules": len(encoded),
            "pending_review": sum(1 for r in encoded if r.provision.review != "verified"),
        }
        for (law, version_, start, until), encoded in sorted(
            versions.items(), key=lambda item: (order.get(item[0][0], 0), item[0][2])
        )
    ]
    return {
        "library_version": library_version(),
        "rules_digest": rules.digest,
        "law_versions": laws,
    }


def version_definition(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        properties: dict[str, Schema] = {
            "law": term_definition(builder),
            "version": {"type": "string", "description": "the version's date of adoption"},
            "in_force_from": date_schema(),
            "in_force_until": nullable(date_schema()),
            "rules": {"type": "integer", "minimum": 0},
            "pending_review": {"type": "integer", "minimum": 0},
        }
        law_version = {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }
        return {
            "title": "Version",
            "description": "what answers: the library, the rule set, the law versions encoded",
            "type": "object",
            "properties": {
                "library_version": {"type": "string"},
                "rules_digest": {"type": "string"},
                "law_versions": {"type": "array", "items": law_version},
            },
            "required": ["library_version", "rules_digest", "law_versions"],
            "additionalProperties": False,
        }

    return builder.ref("Version", build)


# ---------------------------------------------------------------- explanation

_ZH_MANDATORY = {True: "应当处", False: "可以处"}
_EN_MANDATORY = {True: "mandatory", False: "discretionary"}


def _fine(fine: FineRange) -> dict[str, Any]:
    if fine.income_multiple is not None and fine.max_yuan == 0:
        low, high = fine.income_multiple
        zh = f"违法所得 {low:g}–{high:g} 倍"
        en = f"{low:g} to {high:g} times the illegal income"
    else:
        zh = f"{yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} 元"
        en = f"{yuan(fine.min_yuan)}–{yuan(fine.max_yuan)} yuan"
    return {
        "target": _code(fine.target),
        "zh": f"{zh}，{_ZH_MANDATORY[fine.mandatory]}",
        "en": f"{en}, {_EN_MANDATORY[fine.mandatory]}",
    }


def _law_term(rules: RuleSet, code: str) -> dict[str, str]:
    law = rules.laws.get(code)
    return term(code, law.zh, law.en) if law is not None else term(code, code, code)


def _citation(
    rules: RuleSet, citation: Citation, fired: Iterable[Rule], base: str
) -> dict[str, Any]:
    """A citation with its law named and, where a fired rule states it, its catalogue link."""
    link = next(
        (
            base + rule_link(rule)
            for rule in fired
            if rule.provision.law == citation.law
            and rule.provision.version == citation.version
            and rule.provision.article == citation.article
        ),
        None,
    )
    return {
        "label": citation.label,
        "law": _law_term(rules, citation.law),
        "version": citation.version,
        "article": citation.article,
        "paragraph": citation.paragraph,
        "item": citation.item,
        "text_zh": citation.text_zh,
        "catalogue": link,
    }


def explanation(
    rules: RuleSet,
    violation: Violation,
    decision: Decision,
    *,
    catalogue: str | None = "/catalogue/",
) -> dict[str, Any]:
    """A decision for people: every code with its Chinese term and English label, each fired
    rule with its condition in words and its place in the rendered catalogue (`catalogue` is
    where it is served; None: no links)."""
    fired = [rules.rule(step.rule_id) for step in decision.trace]
    kind = rules.kinds[violation.kind]
    law, _, start = decision.law_version.partition("@")
    base = catalogue or ""
    return {
        "kind": term(violation.kind, kind.zh, kind.en),
        "sector": _code(violation.sector),
        "hazard": _code(violation.hazard),
        "occurred_on": violation.occurred_on.isoformat(),
        "discovered_on": violation.discovered_on.isoformat(),
        "decided_on": violation.decided_on.isoformat(),
        "law_version": {"code": decision.law_version, "law": _law_term(rules, law), "from": start},
        "measures": [_code(m) for m in decision.measures],
        "penalties": [_code(p) for p in decision.penalties],
        "penalty_basis": _code(decision.penalty_basis),
        "penalty_adjustment": _code(decision.penalty_adjustment),
        "fines": [_fine(fine) for fine in decision.fines],
        "daily_fine": decision.daily_fine,
        "procedure": None if decision.procedure is None else _code(decision.procedure),
        "hearing": _code(decision.hearing),
        "section": _code(decision.section),
        "legal_basis": [_citation(rules, c, fired, base) for c in decision.legal_basis],
        "rules": [
            {
                "rule_id": step.rule_id,
                "title": step.title,
                "decides": step.decides,
                "law_version": step.law_version,
                "because": describe(rule.when),
                "citations": list(step.citations),
                "file": step.file,
                "line": step.line,
                "review": rule.provision.review,
                "not_applied": step.not_applied,
                "catalogue": None if catalogue is None else base + rule_link(rule),
            }
            for step, rule in zip(decision.trace, fired, strict=True)
        ],
        "notes": list(decision.notes),
    }


def explanation_text(rules: RuleSet, violation: Violation, decision: Decision, lang: Lang) -> str:
    """The explanation as text: `both` is `explain`'s (Chinese with English beside)."""
    if lang == "both":
        return explain(rules, violation, decision)
    data = explanation(rules, violation, decision, catalogue=None)
    zh = lang == "zh"

    def name(item: dict[str, str] | None) -> str:
        return "—" if item is None else item["zh" if zh else "en"]

    words = _ZH_WORDS if zh else _EN_WORDS
    lines = [
        f"{words['kind']}: {name(data['kind'])} [{data['kind']['code']}]",
        f"{words['dates']}: {data['occurred_on']} / {data['discovered_on']} / {data['decided_on']}",
        f"{words['sector']}: {name(data['sector'])}; {words['hazard']}: {name(data['hazard'])}",
        f"{words['law_version']}: {name(data['law_version']['law'])} "
        f"({data['law_version']['from']}) [{data['law_version']['code']}]",
        f"{words['measures']}:",
        *(f"  - {name(m)}" for m in data["measures"]),
        f"{words['penalties']}: "
        + ("; ".join(name(p) for p in data["penalties"]) or words["none"]),
        *(
            f"  {words['fine']} {name(f['target'])}: {f['zh' if zh else 'en']}"
            for f in data["fines"]
        ),
        f"{words['procedure']}: {name(data['procedure'])}; {words['hearing']}: "
        f"{name(data['hearing'])}",
        f"{words['section']}: {name(data['section'])}",
        f"{words['legal_basis']}:",
        *(f"  - {c['label']}: {c['text_zh']}" for c in data["legal_basis"]),
        f"{words['rules']}:",
        *(f"  {n}. {r['rule_id']} — {r['title']}" for n, r in enumerate(data["rules"], 1)),
    ]
    if data["notes"]:
        lines.append(f"{words['notes']}:")
        lines.extend(f"  - {note}" for note in data["notes"])
    return "\n".join(lines)


_ZH_WORDS = {
    "kind": "违法行为",
    "dates": "发生日期 / 发现日期 / 决定日期",
    "sector": "行业",
    "hazard": "事故隐患",
    "law_version": "适用法律版本",
    "measures": "现场处理措施",
    "penalties": "行政处罚",
    "none": "无",
    "fine": "罚款",
    "procedure": "程序",
    "hearing": "听证",
    "section": "主管科室",
    "legal_basis": "法律依据",
    "rules": "触发的规则",
    "notes": "备注",
}
_EN_WORDS = {
    "kind": "violation",
    "dates": "occurred / discovered / decided",
    "sector": "sector",
    "hazard": "hazard",
    "law_version": "law version applied",
    "measures": "on-site measures",
    "penalties": "penalties",
    "none": "none",
    "fine": "fine",
    "procedure": "procedure",
    "hearing": "hearing",
    "section": "section",
    "legal_basis": "legal basis",
    "rules": "rules fired",
    "notes": "notes",
}


def explanation_definition(builder: SchemaBuilder) -> Schema:
    """`POST /v1/explain`: the decision (with its trace), the explanation, and the text."""

    def build() -> Schema:
        t = term_definition(builder)
        text: Schema = {"type": "string"}
        link = {"type": ["string", "null"], "description": "the page of the rendered catalogue"}
        fine = _closed(
            {"target": t, "zh": text, "en": text}, "a fine range in words, in either language"
        )
        citation = _closed(
            {
                "label": text,
                "law": t,
                "version": text,
                "article": {"type": "integer"},
                "paragraph": {"type": ["integer", "null"]},
                "item": {"type": ["integer", "null"]},
                "text_zh": text,
                "catalogue": link,
            },
            "a citation with its law named and the Chinese wording",
        )
        rule = _closed(
            {
                "rule_id": text,
                "title": text,
                "decides": text,
                "law_version": text,
                "because": {"type": "string", "description": "the rule's condition in words"},
                "citations": {"type": "array", "items": text},
                "file": text,
                "line": {"type": "integer"},
                "review": text,
                "not_applied": {"type": ["string", "null"]},
                "catalogue": link,
            },
            "a fired rule: why it fired and where it is written",
        )
        properties: dict[str, Schema] = {
            "kind": t,
            "sector": t,
            "hazard": t,
            "occurred_on": date_schema(),
            "discovered_on": date_schema(),
            "decided_on": date_schema(),
            "law_version": _closed(
                {"code": text, "law": t, "from": text}, "the law version applied"
            ),
            "measures": {"type": "array", "items": t},
            "penalties": {"type": "array", "items": t},
            "penalty_basis": t,
            "penalty_adjustment": t,
            "fines": {"type": "array", "items": fine},
            "daily_fine": {"type": "boolean"},
            "procedure": nullable(t),
            "hearing": t,
            "section": t,
            "legal_basis": {"type": "array", "items": citation},
            "rules": {"type": "array", "items": rule},
            "notes": {"type": "array", "items": text},
        }
        explained = _closed(properties, "the decision for people, Chinese and English")
        return _closed(
            {
                "decision": builder.type_schema(Decision),
                "explanation": explained,
                "text": {"type": "string", "description": "in the language asked for"},
            },
            "a decision explained",
            title="Explanation",
        )

    return builder.ref("Explanation", build)


def _closed(properties: dict[str, Schema], description: str, *, title: str = "") -> Schema:
    schema: Schema = {"title": title} if title else {}
    schema.update(
        {
            "description": description,
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }
    )
    return schema
