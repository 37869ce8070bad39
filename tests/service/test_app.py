"""Every endpoint of a real server process over loopback HTTP: the answers, valid against the
service's own OpenAPI document; the error codes with the library's error objects; the case log
shared with the CLI; the access log; and no traceback ever sent."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from service_server import MAX_BATCH, MAX_BODY, Server, start_server

import enforcement_rules as er
from enforcement_rules.contract.schemas import DIALECT
from enforcement_rules.service.published import PUBLISHED

FACTS = {"kind": "blocked_exits", "occurred_on": "2025-09-09", "sector": "manufacturing"}
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@pytest.fixture(scope="module")
def spec(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def conforms(spec: dict[str, Any], method: str, path: str, response: httpx.Response) -> Any:
    """The response's JSON, after checking it against what the OpenAPI document promises."""
    operation = spec["paths"][path][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {path}: {response.status_code} is not documented"
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"]
    body = response.json()
    schema = documented["content"]["application/json"]["schema"]
    root = {"$schema": DIALECT, **schema, "components": spec["components"]}
    errors = [
        e.message
        for e in jsonschema.Draft202012Validator(root, format_checker=FORMATS).iter_errors(body)
    ]
    assert errors == [], f"{method} {path} {response.status_code}: {errors[:3]}"
    return body


# ---------------------------------------------------------------- the contract endpoints


def test_openapi_is_3_1_and_every_component_is_a_json_schema(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert spec["jsonSchemaDialect"] == DIALECT
    for name, schema in spec["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema), name
    operations = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert {
        ("post", "/v1/decide"),
        ("post", "/v1/decide_many"),
        ("post", "/v1/explain"),
        ("get", "/v1/vocabulary"),
        ("get", "/v1/version"),
        ("get", "/v1/healthz"),
        ("post", "/v1/cases/{case_id}/events"),
        ("get", "/v1/cases/{case_id}"),
        ("get", "/v1/cases/due"),
    } <= operations


def test_the_openapi_components_are_the_published_schemas(
    http: httpx.Client, spec: dict[str, Any]
) -> None:
    facts = http.get("/v1/schemas/facts").json()
    component = spec["components"]["schemas"]["Facts"]
    assert component["properties"].keys() == facts["properties"].keys()
    assert spec["components"]["schemas"]["Kind"] == {
        k: v for k, v in facts["$defs"]["Kind"].items()
    }


def test_healthz_version_and_vocabulary(
    http: httpx.Client, spec: dict[str, Any], rules: er.RuleSet
) -> None:
    health = conforms(spec, "GET", "/v1/healthz", http.get("/v1/healthz"))
    assert health == {"status": "ok", "rules_digest": rules.digest}
    version = conforms(spec, "GET", "/v1/version", http.get("/v1/version"))
    assert version["rules_digest"] == rules.digest
    encoded = {(v["law"]["code"], v["in_force_from"]) for v in version["law_versions"]}
    assert {(p.law, p.in_force_from.isoformat()) for p in rules.provisions} == encoded
    assert sum(v["rules"] for v in version["law_versions"]) == len(rules.rules)
    vocabulary = conforms(spec, "GET", "/v1/vocabulary", http.get("/v1/vocabulary"))
    assert {k["code"]: k["zh"] for k in vocabulary["kind"]} == {
        c: k.zh for c, k in rules.kinds.items()
    }
    assert [m["code"] for m in vocabulary["measure"]] == list(er.Measure.codes())
    assert vocabulary["measure"][0]["zh"] == "当场予以纠正"


def test_every_published_schema_is_served_with_the_rules_kinds(
    http: httpx.Client, spec: dict[str, Any], rules: er.RuleSet
) -> None:
    names = conforms(spec, "GET", "/v1/schemas", http.get("/v1/schemas"))
    assert [n["name"] for n in names] == list(PUBLISHED)
    for name in PUBLISHED:
        schema = conforms(spec, "GET", "/v1/schemas/{name}", http.get(f"/v1/schemas/{name}"))
        jsonschema.Draft202012Validator.check_schema(schema)
    kinds = http.get("/v1/schemas/facts").json()["$defs"]["Kind"]["oneOf"]
    assert {k["const"] for k in kinds} == set(rules.kinds)
    missing = http.get("/v1/schemas/nothing")
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "name"


# ---------------------------------------------------------------- deciding


def test_decide_gives_what_the_library_gives(
    http: httpx.Client, spec: dict[str, Any], rules: er.RuleSet
) -> None:
    body = conforms(spec, "POST", "/v1/decide", http.post("/v1/decide", json=FACTS))
    assert body == er.decide(FACTS, rules=rules).to_dict()
    traced = conforms(spec, "POST", "/v1/decide", http.post("/v1/decide?trace=true", json=FACTS))
    assert [step["rule_id"] for step in traced["trace"]] == body["rules_fired"]
    assert traced["facts"]["sector"] == "manufacturing"


def test_decide_many_answers_every_item_in_its_place(
    http: httpx.Client, spec: dict[str, Any], rules: er.RuleSet
) -> None:
    items: list[Any] = [
        FACTS,
        {"kind": "blocked_exits"},
        7,
        {**FACTS, "occurred_on": "1990-01-01"},
        {**FACTS, "kind": "no_safety_staff", "overdue": True},
    ]
    body = conforms(spec, "POST", "/v1/decide_many", http.post("/v1/decide_many", json=items))
    results = body["results"]
    assert (body["decided"], body["failed"], len(results)) == (2, 3, 5)
    assert results[0]["decision"] == er.decide(FACTS, rules=rules).to_dict()
    assert results[4]["decision"] == er.decide(items[4], rules=rules).to_dict()
    assert results[1]["errors"][0]["field"] == "occurred_on"
    assert results[2]["errors"][0]["field"] == "<facts>"
    assert results[3]["errors"][0]["type"] == "NoApplicableLawError"


def test_a_batch_over_the_limit_is_refused(http: httpx.Client, spec: dict[str, Any]) -> None:
    response = http.post("/v1/decide_many", json=[FACTS] * (MAX_BATCH + 1))
    error = conforms(spec, "POST", "/v1/decide_many", response)["errors"][0]
    assert response.status_code == 422 and error["allowed"] == f"at most {MAX_BATCH}"


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_explain_in_each_language(http: httpx.Client, spec: dict[str, Any], lang: str) -> None:
    body = conforms(spec, "POST", "/v1/explain", http.post(f"/v1/explain?lang={lang}", json=FACTS))
    x = body["explanation"]
    assert x["kind"]["zh"] == "出口、疏散通道不符合要求或被占用、锁闭、封堵"
    assert [m["code"] for m in x["measures"]] == ["correct_by_deadline"]
    assert any(c["article"] == 105 and "疏散通道" in c["text_zh"] for c in x["legal_basis"])
    assert all(r["catalogue"].startswith("/catalogue/") for r in x["rules"])
    text = body["text"]
    if lang == "zh":
        assert "现场处理措施" in text and "on-site measures" not in text
    elif lang == "en":
        assert "on-site measures" in text and "现场处理措施" not in text
    else:
        assert "现场处理措施 (on-site measures)" in text


def test_the_catalogue_links_of_an_explanation_resolve(http: httpx.Client) -> None:
    body = http.post("/v1/explain", json=FACTS).json()
    links = {r["catalogue"] for r in body["explanation"]["rules"]}
    links |= {c["catalogue"] for c in body["explanation"]["legal_basis"] if c["catalogue"]}
    for link in links:
        page, anchor = link.split("#")
        response = http.get(page)
        assert response.status_code == 200, link
        assert f'id="{anchor}"' in response.text, link
    assert http.get("/catalogue/index.html").status_code == 200


# ---------------------------------------------------------------- errors


def test_bad_facts_get_422_naming_each_field_and_what_it_allows(
    http: httpx.Client, spec: dict[str, Any]
) -> None:
    response = http.post("/v1/decide", json={**FACTS, "hazard": "huge", "colour": "red"})
    assert response.status_code == 422
    errors = conforms(spec, "POST", "/v1/decide", response)["errors"]
    by_field = {e["field"]: e for e in errors}
    assert set(by_field) == {"hazard", "colour"}
    assert by_field["hazard"]["allowed"] == "none, general, major"
    assert by_field["hazard"]["type"] == "FactError"
    unknown = http.post("/v1/decide", json={**FACTS, "kind": "blocked"}).json()["errors"][0]
    assert unknown["field"] == "kind" and "blocked_exits" in unknown["allowed"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b'{"kind": "blocked_exits", "kind": "x", "occurred_on": "2025-01-01"}', "given twice"),
        (b'{"kind": ', "not valid JSON"),
        (b'{"illegal_income_yuan": NaN}', "NaN"),
        (b"[" * 100 + b"]" * 100, "nested"),
        (b'{"ref": "\\ud800"}', "surrogate"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_bodies_that_are_not_strict_json_get_422(
    http: httpx.Client, raw: bytes, problem: str
) -> None:
    response = http.post("/v1/decide", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert problem in response.json()["errors"][0]["message"]


def test_status_codes_for_the_wrong_request(http: httpx.Client, spec: dict[str, Any]) -> None:
    wrong_type = http.post("/v1/decide", content=b"kind=x", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    assert wrong_type.json()["errors"][0]["type"] == "UnsupportedMediaType"
    unknown_param = http.post("/v1/decide?colour=red", json=FACTS)
    assert unknown_param.status_code == 422
    assert unknown_param.json()["errors"][0]["field"] == "colour"
    twice = http.post("/v1/decide?trace=true&trace=false", json=FACTS)
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "trace"
    bad_flag = http.post("/v1/decide?trace=yes", json=FACTS)
    assert bad_flag.json()["errors"][0]["allowed"] == "true, false"
    nowhere = http.get("/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["errors"][0]["type"] == "NotFound"
    method = http.delete("/v1/decide")
    assert method.status_code == 405 and method.headers["allow"] == "POST"
    assert method.json()["errors"][0]["type"] == "MethodNotAllowed"


def test_oversize_bodies_get_413_whether_announced_or_streamed(http: httpx.Client) -> None:
    big = json.dumps([FACTS] * (MAX_BODY // 60)).encode()
    assert len(big) > MAX_BODY
    announced = http.post(
        "/v1/decide_many", content=big, headers={"content-type": "application/json"}
    )
    assert announced.status_code == 413
    assert announced.json()["errors"][0]["type"] == "ContentTooLarge"

    def chunks() -> Any:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    streamed = http.post(
        "/v1/decide_many", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


HOSTILE = [
    b'{"kind": "' + b"a" * 100_000 + b'", "occurred_on": "2025-01-01"}',
    b'{"kind": "blocked_exits", "occurred_on": "2025-01-01", "illegal_income_yuan": 1e308}',
    b'{"kind": "blocked_exits", "occurred_on": "2025-01-01", "illegal_income_yuan": '
    + b"9" * 39
    + b"}",
    b'{"kind": "blocked_exits", "occurred_on": "9999-12-31", "decided_on": "0001-01-01"}',
    b'{"kind": "blocked_exits", "occurred_on": "2025-01-01", "circumstances": [[], {}, null]}',
    b'{"kind": "blocked_exits", "occurred_on": "2025-01-01", "ref": "\\u0000\\u2028"}',
    b'{"\\ud83d": 1}',
    b"null",
    b'"facts"',
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(
    "path", ["/v1/decide", "/v1/explain", "/v1/decide_many", "/v1/cases/C-hostile/events"]
)
def test_hostile_bodies_get_a_4xx_without_a_traceback(
    http: httpx.Client, raw: bytes, path: str
) -> None:
    body = b"[" + raw + b"]" if path.endswith("many") else raw
    response = http.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 201, 422), response.text[:300]
    assert "Traceback" not in response.text and 'File "' not in response.text


# ---------------------------------------------------------------- the case log


def _event(type_: str, on: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "on": on, **fields}


def test_case_events_timeline_and_due_on_the_cli_s_log(
    server: Server, http: httpx.Client, spec: dict[str, Any]
) -> None:
    path = "/v1/cases/{case_id}/events"
    finding = _event(
        "finding",
        "2022-03-01",
        facts={"kind": "blocked_exits", "occurred_on": "2022-03-01", "unit": "U-http"},
        fine_yuan=20000,
    )
    first = http.post("/v1/cases/HTTP-1/events", json=finding)
    assert first.status_code == 201
    assert conforms(spec, "POST", path, first) | {"event_id": ""} == {
        "case_id": "HTTP-1",
        "event_id": "",
        "seq": 1,
        "recorded": True,
    }
    again = http.post("/v1/cases/HTTP-1/events", json=finding)
    assert again.status_code == 200 and conforms(spec, "POST", path, again)["recorded"] is False
    order = _event("order", "2022-03-01", due="2022-03-15", event_id="o-1")
    assert (
        http.post("/v1/cases/HTTP-1/events", json={**order, "case_id": "HTTP-1"}).status_code == 201
    )
    conflict = http.post("/v1/cases/HTTP-1/events", json={**order, "due": "2022-03-20"})
    assert conflict.status_code == 409
    conforms(spec, "POST", path, conflict)
    shown = conforms(spec, "GET", "/v1/cases/{case_id}", http.get("/v1/cases/HTTP-1?on=2022-03-20"))
    assert [e["event"]["type"] for e in shown["timeline"]] == ["finding", "order"]
    assert shown["status"]["open_orders"] == [{"seq": 2, "due": "2022-03-15"}]
    due = conforms(spec, "GET", "/v1/cases/due", http.get("/v1/cases/due?on=2022-03-20"))
    assert {"case_id": "HTTP-1", "code": "order_due", "due": "2022-03-15"}.items() <= next(
        i for i in due if i["case_id"] == "HTTP-1"
    ).items()
    # the CLI reads the same log
    assert server.db is not None
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "enforcement_rules",
            "case",
            "show",
            str(server.db),
            "HTTP-1",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert [e["seq"] for e in json.loads(cli.stdout)["timeline"]] == [1, 2]


def test_case_errors(http: httpx.Client, spec: dict[str, Any]) -> None:
    missing = http.get("/v1/cases/NO-SUCH-CASE")
    assert missing.status_code == 404 and conforms(spec, "GET", "/v1/cases/{case_id}", missing)
    opens_wrong = http.post(
        "/v1/cases/HTTP-2/events", json=_event("order", "2022-03-01", due="2022-03-02")
    )
    assert opens_wrong.status_code == 422
    assert opens_wrong.json()["errors"][0]["field"] == "type"
    bad_kind = http.post(
        "/v1/cases/HTTP-2/events",
        json=_event(
            "finding",
            "2022-03-01",
            facts={"kind": "nope", "occurred_on": "2022-03-01", "unit": "U"},
        ),
    )
    assert bad_kind.json()["errors"][0]["field"] == "facts.kind"
    other_case = http.post(
        "/v1/cases/HTTP-2/events",
        json={**_event("order", "2022-03-01", due="2022-03-02"), "case_id": "X"},
    )
    assert other_case.status_code == 422 and other_case.json()["errors"][0]["field"] == "case_id"
    no_date = http.get("/v1/cases/due")
    assert no_date.status_code == 422 and no_date.json()["errors"][0]["field"] == "on"
    bad_date = http.get("/v1/cases/due?on=tomorrow")
    assert bad_date.json()["errors"][0]["allowed"] == "an ISO date YYYY-MM-DD"
    slash = http.post(
        "/v1/cases/A%2FB/events",
        json=_event(
            "finding",
            "2022-03-01",
            facts={"kind": "blocked_exits", "occurred_on": "2022-03-01", "unit": "U"},
        ),
    )
    assert slash.status_code == 201 and slash.json()["case_id"] == "A/B"
    assert http.get("/v1/cases/A%2FB").json()["case_id"] == "A/B"


def test_without_a_case_log_the_case_endpoints_say_how_to_get_one() -> None:
    bare = start_server(["--no-access-log"], db=None)
    try:
        response = httpx.get(bare.url + "/v1/cases/due?on=2022-01-01")
        assert response.status_code == 404
        assert "--db" in response.json()["errors"][0]["message"]
        assert httpx.post(bare.url + "/v1/decide", json=FACTS).status_code == 200
    finally:
        assert bare.stopped_cleanly()
    assert bare.log(message="request") == []


# ---------------------------------------------------------------- the access log and concurrency


def test_every_request_has_one_structured_access_log_line(
    server: Server, http: httpx.Client
) -> None:
    response = http.post("/v1/decide", json=FACTS, headers={"x-request-id": "trace-me-1"})
    assert response.headers["x-request-id"] == "trace-me-1"
    made_up = http.get("/v1/healthz").headers["x-request-id"]
    assert len(made_up) == 32
    for _ in range(100):
        lines = server.log(request_id="trace-me-1")
        if lines and server.log(request_id=made_up):
            break
        time.sleep(0.05)
    (line,) = lines
    assert line["logger"] == "enforcement_rules.service.access"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/decide", 200)
    assert line["duration_ms"] > 0 and line["bytes_out"] == len(response.content)
    assert line["bytes_in"] == len(json.dumps(FACTS).encode()) or line["bytes_in"] > 0
    for hostile in ("two words", "x" * 65, "<script>"):
        given = http.get("/v1/healthz", headers={"x-request-id": hostile}).headers["x-request-id"]
        assert given != hostile and len(given) == 32


def sample(rules: er.RuleSet, count: int, seed: int) -> list[dict[str, Any]]:
    """Varied valid facts of covered kinds (a seeded draw: the same on every run)."""
    draw = random.Random(seed)
    spans = {kind: rules.covered_spans(kind, dt.date(2026, 11, 30)) for kind in rules.covered_kinds}
    kinds = sorted(kind for kind, found in spans.items() if found)

    def day_of(kind: str) -> str:
        first, last = draw.choice(spans[kind])
        return (first + dt.timedelta(days=draw.randint(0, (last - first).days))).isoformat()

    chosen = [draw.choice(kinds) for _ in range(count)]
    return [
        {
            "kind": kind,
            "occurred_on": day_of(kind),
            "sector": draw.choice(er.Sector.codes()),
            "hazard": draw.choice(er.Hazard.codes()),
            "overdue": draw.random() < 0.4,
            "serious": draw.random() < 0.2,
            "illegal_income_yuan": draw.choice([None, 0, 12_000, 2_500_000]),
            "deaths": draw.choice([1, 3, 12]),  # an accident's figures (other kinds ignore them)
            "annual_income_yuan": draw.choice([None, 240_000]),
        }
        for kind in chosen
    ]


def test_concurrent_clients_get_the_same_answers_as_the_library(
    http: httpx.Client, rules: er.RuleSet, decider: er.Decider
) -> None:
    batch = sample(rules, 64, seed=5)
    expected = [decider.decide(fact).to_dict() for fact in batch]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda fact: http.post("/v1/decide", json=fact).json(), batch))
    assert answers == expected


def test_serve_refuses_a_rules_directory_that_does_not_load(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "kinds.yaml").write_text("kinds: [", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "enforcement_rules", "serve", "--port", "0", "--rules", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "kinds.yaml" in done.stderr


def test_every_rule_file_example_decides_over_http_as_in_the_library(
    http: httpx.Client, spec: dict[str, Any], rules: er.RuleSet, decider: er.Decider
) -> None:
    facts = [dict(example.facts) for rule in rules.rules for example in rule.examples]
    for start in range(0, len(facts), MAX_BATCH):
        chunk = facts[start : start + MAX_BATCH]
        response = http.post("/v1/decide_many?trace=true", json=chunk)
        body = conforms(spec, "POST", "/v1/decide_many", response)
        assert body["failed"] == 0
        expected = [
            d.to_dict(trace=True, facts=decider.violation(f))
            for f, d in zip(chunk, decider.decide_many(chunk), strict=True)
        ]
        assert [r["decision"] for r in body["results"]] == expected
