"""The service's operations, free of any web framework: a parsed request in, an answer out.

`OPERATIONS` is the one table of the API: the HTTP layer (`app`) routes by it and the OpenAPI
document (`openapi`) is built from it and from the published schemas, so the two cannot
disagree. To add an operation: write its handler, add one `Operation` to the table naming its
body and response schemas (their definitions generated in the stage that validates them), and
the route and the OpenAPI entry follow.

Errors are the library's own: each handler raises them, `answer` turns every
`EnforcementRulesError` into its status and error objects (`contract.schemas.error_objects`),
and nothing else escapes but a defect, which the HTTP layer answers 500 without detail.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs

from .. import cases
from ..cases.events import Event, EventError, check_id
from ..cases.schemas import due_definition, event_definition, id_schema, timeline_definition
from ..cases.store import CaseLogError, DuplicateEventError, SeqConflict, SqliteEventStore
from ..contract.codec import InvalidValue, parse_date
from ..contract.decision import Decision
from ..contract.errors import (
    EnforcementRulesError,
    EngineError,
    FactError,
    RuleConflictError,
    RuleSetError,
)
from ..contract.facts import Violation
from ..contract.inspection import InspectionDecision
from ..contract.schemas import (
    DIALECT,
    Schema,
    SchemaBuilder,
    date_schema,
    error_objects,
    errors_definition,
    inspection_definition,
)
from ..contract.version import library_version
from ..deciding.decider import decider_for
from ..deciding.inspection import InspectionDecider
from ..rulebook.model import RuleSet
from . import views
from .published import PUBLISHED, UnknownSchemaError, kind_labels, published


@attrs.frozen
class Limits:
    """What one request may ask: body bytes (413 beyond) and facts per batch (422 beyond)."""

    max_body_bytes: int = 1024 * 1024
    max_batch: int = 10_000


@attrs.frozen
class Request:
    """A request as the handlers see it: path parameters, query parameters (each given once),
    and the body's JSON value (None without a body)."""

    path: Mapping[str, str] = attrs.field(factory=dict)
    query: Mapping[str, str] = attrs.field(factory=dict)
    body: Any = None


@attrs.frozen
class Answer:
    status: int
    body: Any


class NotFound(EnforcementRulesError):
    """What the path names does not exist (a case, a schema, the case log itself)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class Service:
    """The operations over one rule set and, optionally, one case log (an SQLite file, the
    same the `case` commands use). Thread-safe: handlers may run on a thread pool."""

    def __init__(self, rules: RuleSet, *, db: str | None = None, limits: Limits | None = None):
        self.rules = rules
        self.decider = decider_for(rules)
        self.inspections = InspectionDecider(self.decider)
        self.deriver = cases.service.deriver(rules)
        self.db = db
        self.limits = limits or Limits()
        self.kinds = frozenset(rules.kinds)
        self._schemas: dict[str, Schema] = {}
        self._lock = threading.Lock()
        if db is not None:
            SqliteEventStore(db).close()  # create or upgrade it now: a bad path fails at start

    def schema(self, name: str) -> Schema:
        with self._lock:
            if name not in self._schemas:
                self._schemas[name] = published(name, self.rules)
            return self._schemas[name]

    def openapi(self) -> Schema:
        return openapi(self)

    def case_log(self) -> str:
        if self.db is None:
            raise NotFound(
                "<path>",
                "this service has no case log: start it with --db FILE to use /v1/cases",
            )
        return self.db


# ---------------------------------------------------------------- parameters


@attrs.frozen
class Param:
    name: str
    location: Literal["query", "path"]
    description: str
    schema: Schema
    required: bool = False


_TRACE = Param(
    "trace",
    "query",
    "add the trace: every fired rule, the law versions considered, the facts as validated",
    {"type": "boolean", "default": False},
)
_LANG = Param(
    "lang",
    "query",
    "the text's language: Chinese, English, or Chinese with English beside",
    {"type": "string", "enum": list(views.LANGS), "default": "both"},
)
_CASE_ID = Param("case_id", "path", "the case's id", id_schema("the case's id"), required=True)


def _flag(request: Request, name: str) -> bool:
    value = request.query.get(name, "false")
    if value not in ("true", "false"):
        raise FactError(name, f"{value!r} is not a boolean", ("true", "false"))
    return value == "true"


def _date(request: Request, name: str, *, required: bool) -> dt.date | None:
    value = request.query.get(name)
    if value is None:
        if required:
            raise FactError(name, "required query parameter is missing", "an ISO date YYYY-MM-DD")
        return None
    try:
        return parse_date(value)
    except InvalidValue as error:
        raise FactError(name, error.problem, error.allowed) from None


def _case_id(request: Request) -> str:
    return check_id("case_id", request.path.get("case_id"), "case id")


# ---------------------------------------------------------------- handlers


def _decided(decision: Decision, violation: Violation, trace: bool) -> dict[str, Any]:
    return decision.to_dict(trace=trace, facts=violation if trace else None)


def decide(service: Service, request: Request) -> Answer:
    trace = _flag(request, "trace")
    violation = service.decider.violation(request.body)
    return Answer(200, _decided(service.decider.decide(violation), violation, trace))


def decide_many(service: Service, request: Request) -> Answer:
    """Every item decided on its own terms: a bad item gets its errors in its place, the others
    are decided (in one batch where they can be)."""
    trace = _flag(request, "trace")
    items = request.body
    if not isinstance(items, list):
        raise FactError("<body>", f"{type(items).__name__} is not a JSON array of facts")
    limit = service.limits.max_batch
    if len(items) > limit:
        raise FactError("<body>", f"{len(items):,} facts in one batch", f"at most {limit:,}")
    results: list[dict[str, Any] | None] = [None] * len(items)
    valid: list[tuple[int, Violation]] = []
    for index, item in enumerate(items):
        try:
            valid.append((index, service.decider.violation(item)))
        except EnforcementRulesError as error:
            results[index] = {"errors": error_objects(error)}
    try:
        decisions: Sequence[Decision | EnforcementRulesError] = service.decider.decide_many(
            [violation for _, violation in valid]
        )
    except EnforcementRulesError:  # some item cannot be decided (an uncovered kind): each alone
        decisions = [_one(service, violation) for _, violation in valid]
    for (index, violation), decided in zip(valid, decisions, strict=True):
        if isinstance(decided, EnforcementRulesError):
            _defect(decided)
            results[index] = {"errors": error_objects(decided)}
        else:
            results[index] = {"decision": _decided(decided, violation, trace)}
    failed = sum(1 for result in results if result is not None and "errors" in result)
    return Answer(200, {"results": results, "decided": len(items) - failed, "failed": failed})


def decide_inspection(service: Service, request: Request) -> Answer:
    """One inspection: each finding decided, then combined (a bad finding fails the request,
    its error naming it: `findings[2].kind`)."""
    trace = _flag(request, "trace")
    inspection = service.inspections.inspection(request.body)
    return Answer(200, service.inspections.decide(inspection).to_dict(trace=trace))


def _one(service: Service, violation: Violation) -> Decision | EnforcementRulesError:
    try:
        return service.decider.decide(violation)
    except EnforcementRulesError as error:
        return error


def _defect(error: EnforcementRulesError) -> None:
    """A defect of the rules or the engine is not the caller's fault: it fails the request."""
    if isinstance(error, RuleConflictError | EngineError | RuleSetError):
        raise error


def explain(service: Service, request: Request) -> Answer:
    given = request.query.get("lang", "both")
    lang = next((known for known in views.LANGS if known == given), None)
    if lang is None:
        raise FactError("lang", f"{given!r} is not a language", views.LANGS)
    violation = service.decider.violation(request.body)
    decision = service.decider.decide(violation)
    return Answer(
        200,
        {
            "decision": decision.to_dict(trace=True, facts=violation),
            "explanation": views.explanation(service.rules, violation, decision),
            "text": views.explanation_text(service.rules, violation, decision, lang),
        },
    )


def vocabulary(service: Service, request: Request) -> Answer:
    return Answer(200, views.vocabulary(service.rules))


def version(service: Service, request: Request) -> Answer:
    return Answer(200, views.version(service.rules))


def healthz(service: Service, request: Request) -> Answer:
    return Answer(200, {"status": "ok", "rules_digest": service.rules.digest})


def schema_names(service: Service, request: Request) -> Answer:
    return Answer(
        200,
        [{"name": entry.name, "summary": entry.summary} for entry in PUBLISHED.values()],
    )


def schema(service: Service, request: Request) -> Answer:
    name = request.path.get("name", "")
    try:
        return Answer(200, service.schema(name))
    except UnknownSchemaError:
        raise NotFound("name", f"no published schema {name!r}") from None


def record_event(service: Service, request: Request) -> Answer:
    """Append one event to its case; recording the same event again answers 200 and stores
    nothing (so a client may retry)."""
    case_id = _case_id(request)
    db = service.case_log()
    body = request.body
    if not isinstance(body, Mapping):
        raise EventError("<event>", f"{type(body).__name__} is not a JSON object")
    if "case_id" in body and body["case_id"] != case_id:
        raise EventError("case_id", "differs from the case id of the path", repr(case_id))
    event = Event.from_dict({**body, "case_id": case_id}, kinds=service.kinds)
    store = SqliteEventStore(db)
    try:
        seq = cases.append(store, event, service.deriver)
    finally:
        store.close()
    result = {
        "case_id": case_id,
        "event_id": event.identity,
        "seq": seq,
        "recorded": seq is not None,
    }
    return Answer(201 if seq is not None else 200, result)


def case_timeline(service: Service, request: Request) -> Answer:
    case_id = _case_id(request)
    on = _date(request, "on", required=False)
    db = service.case_log()
    try:
        shown = cases.timeline(db, case_id, on=on, rules=service.rules)
    except cases.CaseNotFoundError as error:
        raise NotFound("case_id", str(error)) from None
    return Answer(200, shown.to_dict())


def case_due(service: Service, request: Request) -> Answer:
    on = _date(request, "on", required=True)
    assert on is not None
    items = cases.due(service.case_log(), on, rules=service.rules)
    return Answer(200, [item.to_dict() for item in items])


# ---------------------------------------------------------------- errors


def status_of(error: EnforcementRulesError) -> int:
    """The HTTP status of a library error: the caller's input (422), what the path names is not
    there (404), a conflict with what is stored (409), storage unavailable (503), a defect of
    the rules or the engine (500)."""
    if isinstance(error, NotFound | cases.CaseNotFoundError):
        return 404
    if isinstance(error, DuplicateEventError | SeqConflict):
        return 409
    if isinstance(error, CaseLogError):
        return 503
    if isinstance(error, RuleConflictError | EngineError | RuleSetError):
        return 500
    return 422


def errors_body(error: EnforcementRulesError) -> dict[str, Any]:
    return {"errors": error_objects(error)}


def answer(service: Service, operation: Operation, request: Request) -> Answer:
    """The operation's answer; a library error becomes its status and error objects."""
    try:
        unknown = sorted(set(request.query) - {p.name for p in operation.params})
        if unknown:
            allowed = [p.name for p in operation.params if p.location == "query"]
            raise FactError(unknown[0], "not a query parameter of this operation", allowed)
        return operation.handler(service, request)
    except EnforcementRulesError as error:
        return Answer(status_of(error), errors_body(error))


# ---------------------------------------------------------------- the table

SchemaOf = Callable[[SchemaBuilder], Schema]


@attrs.frozen
class Reply:
    description: str
    schema: SchemaOf | None = None


@attrs.frozen
class Operation:
    id: str
    method: Literal["GET", "POST"]
    path: str  # OpenAPI form: /v1/cases/{case_id}
    tag: str
    summary: str
    handler: Callable[[Service, Request], Answer]
    replies: Mapping[int, Reply]
    params: tuple[Param, ...] = ()
    body: SchemaOf | None = None
    #: Run on a worker thread (storage, big batches) rather than on the event loop.
    blocking: bool = False


def _facts(builder: SchemaBuilder) -> Schema:
    return builder.facts()


def _decision(builder: SchemaBuilder) -> Schema:
    return builder.type_schema(Decision)


def _inspection(builder: SchemaBuilder) -> Schema:
    return inspection_definition(builder)


def _inspection_decision(builder: SchemaBuilder) -> Schema:
    return builder.type_schema(InspectionDecision)


def _batch_body(limit: int) -> SchemaOf:
    def build(builder: SchemaBuilder) -> Schema:
        return {
            "type": "array",
            "maxItems": limit,
            "description": "facts to decide; each item is validated on its own and a bad one "
            "is answered with its errors in its place, never failing the batch",
            "items": {
                "anyOf": [
                    builder.facts(),
                    {"description": "anything else: answered with its errors in its place"},
                ]
            },
        }

    return build


def _batch_result(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        item = {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"decision": builder.type_schema(Decision)},
                    "required": ["decision"],
                    "additionalProperties": False,
                },
                errors_definition(builder),
            ]
        }
        return {
            "title": "BatchResult",
            "description": "one result per item, in input order: its decision or its errors",
            "type": "object",
            "properties": {
                "results": {"type": "array", "items": item},
                "decided": {"type": "integer", "minimum": 0},
                "failed": {"type": "integer", "minimum": 0},
            },
            "required": ["results", "decided", "failed"],
            "additionalProperties": False,
        }

    return builder.ref("BatchResult", build)


def _recorded(builder: SchemaBuilder) -> Schema:
    def build() -> Schema:
        return {
            "title": "Recorded",
            "description": "where the event went: its number in the case, or null when the case "
            "already held this very event (nothing was stored)",
            "type": "object",
            "properties": {
                "case_id": {"type": "string"},
                "event_id": {"type": "string", "description": "the event's identity"},
                "seq": {"type": ["integer", "null"], "minimum": 1},
                "recorded": {"type": "boolean"},
            },
            "required": ["case_id", "event_id", "seq", "recorded"],
            "additionalProperties": False,
        }

    return builder.ref("Recorded", build)


def _health(builder: SchemaBuilder) -> Schema:
    return {
        "type": "object",
        "properties": {"status": {"const": "ok"}, "rules_digest": {"type": "string"}},
        "required": ["status", "rules_digest"],
        "additionalProperties": False,
    }


def _schema_list(builder: SchemaBuilder) -> Schema:
    entry = {
        "type": "object",
        "properties": {"name": {"enum": list(PUBLISHED)}, "summary": {"type": "string"}},
        "required": ["name", "summary"],
        "additionalProperties": False,
    }
    return {"type": "array", "items": entry}


def _any_schema(builder: SchemaBuilder) -> Schema:
    return {"type": "object", "description": "a JSON Schema (2020-12)"}


_INPUT = Reply("bad input: one error object per offending field", errors_definition)
_NOT_FOUND = Reply("the path names nothing here", errors_definition)


def operations(limits: Limits) -> tuple[Operation, ...]:
    """The API, operation by operation (its limits set the documented maximum batch)."""
    return (
        Operation(
            "decide",
            "POST",
            "/v1/decide",
            "decisions",
            "Decide one violation",
            decide,
            {200: Reply("the decision", _decision), 422: _INPUT},
            params=(_TRACE,),
            body=_facts,
        ),
        Operation(
            "decide_many",
            "POST",
            "/v1/decide_many",
            "decisions",
            "Decide a batch of violations, each on its own",
            decide_many,
            {
                200: Reply("a result per item: its decision or its errors", _batch_result),
                422: _INPUT,
            },
            params=(_TRACE,),
            body=_batch_body(limits.max_batch),
            blocking=True,
        ),
        Operation(
            "decide_inspection",
            "POST",
            "/v1/decide_inspection",
            "decisions",
            "Decide one inspection: several findings against one unit, combined",
            decide_inspection,
            {
                200: Reply(
                    "each finding's decision and the combined decision", _inspection_decision
                ),
                422: _INPUT,
            },
            params=(_TRACE,),
            body=_inspection,
        ),
        Operation(
            "explain",
            "POST",
            "/v1/explain",
            "decisions",
            "Decide one violation and explain it in Chinese and English",
            explain,
            {200: Reply("the decision explained", views.explanation_definition), 422: _INPUT},
            params=(_LANG,),
            body=_facts,
        ),
        Operation(
            "vocabulary",
            "GET",
            "/v1/vocabulary",
            "contract",
            "Every code with its Chinese term",
            vocabulary,
            {200: Reply("the code lists", views.vocabulary_definition), 422: _INPUT},
        ),
        Operation(
            "version",
            "GET",
            "/v1/version",
            "contract",
            "The library version, the rule set's digest and the law versions encoded",
            version,
            {200: Reply("what answers", views.version_definition), 422: _INPUT},
        ),
        Operation(
            "healthz",
            "GET",
            "/v1/healthz",
            "service",
            "Whether the service answers",
            healthz,
            {200: Reply("it does", _health), 422: _INPUT},
        ),
        Operation(
            "schemas",
            "GET",
            "/v1/schemas",
            "contract",
            "The published JSON Schemas",
            schema_names,
            {200: Reply("their names", _schema_list), 422: _INPUT},
        ),
        Operation(
            "schema",
            "GET",
            "/v1/schemas/{name}",
            "contract",
            "One published JSON Schema, with this rule set's kinds",
            schema,
            {200: Reply("the schema", _any_schema), 404: _NOT_FOUND, 422: _INPUT},
            params=(
                Param(
                    "name",
                    "path",
                    "the schema's name",
                    {"type": "string", "enum": list(PUBLISHED)},
                    required=True,
                ),
            ),
        ),
        Operation(
            "case_due",
            "GET",
            "/v1/cases/due",
            "cases",
            "What falls due on or before a date, over every case",
            case_due,
            {
                200: Reply("the items due", due_definition),
                404: _NOT_FOUND,
                422: _INPUT,
                503: Reply("the case log cannot be read", errors_definition),
            },
            params=(Param("on", "query", "the date (ISO)", date_schema(), required=True),),
            blocking=True,
        ),
        Operation(
            "record_event",
            "POST",
            "/v1/cases/{case_id}/events",
            "cases",
            "Append one event to a case",
            record_event,
            {
                201: Reply("recorded", _recorded),
                200: Reply("the case already held this very event: nothing stored", _recorded),
                404: _NOT_FOUND,
                409: Reply("the event id names a different event", errors_definition),
                422: _INPUT,
                503: Reply("the case log cannot be written", errors_definition),
            },
            params=(_CASE_ID,),
            body=lambda builder: event_definition(builder, case_id_required=False),
            blocking=True,
        ),
        Operation(
            "case_timeline",
            "GET",
            "/v1/cases/{case_id}",
            "cases",
            "A case's timeline and status",
            case_timeline,
            {
                200: Reply("the timeline", timeline_definition),
                404: _NOT_FOUND,
                422: _INPUT,
                503: Reply("the case log cannot be read", errors_definition),
            },
            params=(
                _CASE_ID,
                Param("on", "query", "as of this date (default: the last event's)", date_schema()),
            ),
            blocking=True,
        ),
    )


# ---------------------------------------------------------------- OpenAPI

_COMMON = {
    413: "the body is larger than the service accepts",
    415: "the body is not JSON (Content-Type: application/json)",
}
_REQUEST_ID = {
    "X-Request-ID": {
        "description": "the request's id, as given by the client or made up; in the access log",
        "schema": {"type": "string"},
    }
}


def openapi(service: Service) -> Schema:
    """OpenAPI 3.1 for `service`: every operation of the table, its schemas generated by the
    published generators (definitions under `components/schemas`)."""
    builder = SchemaBuilder(kinds=kind_labels(service.rules))
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations(service.limits):
        entry: dict[str, Any] = {
            "operationId": operation.id,
            "summary": operation.summary,
            "tags": [operation.tag],
        }
        if operation.params:
            entry["parameters"] = [
                {
                    "name": p.name,
                    "in": p.location,
                    "required": p.required,
                    "description": p.description,
                    "schema": p.schema,
                }
                for p in operation.params
            ]
        replies = dict(operation.replies)
        if operation.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": operation.body(builder)}},
            }
            for status, text in _COMMON.items():
                replies[status] = Reply(text, errors_definition)
        entry["responses"] = {
            str(status): {
                "description": reply.description,
                "headers": _REQUEST_ID,
                **(
                    {"content": {"application/json": {"schema": reply.schema(builder)}}}
                    if reply.schema is not None
                    else {}
                ),
            }
            for status, reply in sorted(replies.items())
        }
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    document = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "enforcement-rules",
            "version": library_version(),
            "summary": "Work-safety enforcement decisions: facts in, decisions out",
            "description": "Decides on-site measures and penalties for work-safety violations "
            "under the rule set with digest " + service.rules.digest + ". Every schema is "
            "generated from the definitions the library validates with (docs/service.md).",
        },
        "paths": paths,
        "components": {"schemas": dict(sorted(builder.defs.items()))},
    }
    published_document: Schema = _components(document)
    return published_document


def _components(value: Any) -> Any:
    """Refs to `$defs` become refs to the OpenAPI document's `components/schemas`."""
    if isinstance(value, dict):
        return {
            key: (
                item.replace("#/$defs/", "#/components/schemas/")
                if key == "$ref" and isinstance(item, str)
                else _components(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_components(item) for item in value]
    return value
