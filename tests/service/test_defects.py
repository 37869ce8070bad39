"""A defect (a bug, not bad input) is answered 500 with the request's id and no detail, and its
traceback goes to the log. Provoked in-process (a real server has none to provoke), through the
same app the server runs, over httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

import enforcement_rules as er
from enforcement_rules.service.app import create_app

FACTS = {"kind": "blocked_exits", "occurred_on": "2025-01-01"}


def call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(send())


def test_a_defect_is_logged_with_its_traceback_and_answered_without_it(
    rules: er.RuleSet, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app: Any = create_app(rules, catalogue=False)

    def broken(facts: Any) -> Any:
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(app.app.state.service.decider, "violation", broken)
    with caplog.at_level(logging.ERROR, logger="enforcement_rules.service.error"):
        response = call(app, "POST", "/v1/decide", json=FACTS, headers={"x-request-id": "d-1"})
    assert response.status_code == 500
    body = response.json()
    assert body["errors"][0]["type"] == "InternalError"
    assert "d-1" in body["errors"][0]["message"]
    assert "secret detail" not in response.text and "Traceback" not in response.text
    (record,) = [r for r in caplog.records if r.name == "enforcement_rules.service.error"]
    assert record.request_id == "d-1"
    assert "ZeroDivisionError: secret detail" in record.traceback


def test_without_the_catalogue_the_catalogue_is_not_served(rules: er.RuleSet) -> None:
    app = create_app(rules, catalogue=False)
    assert call(app, "GET", "/catalogue/index.html").status_code == 404
    assert call(app, "GET", "/").status_code == 200
    assert call(app, "POST", "/v1/decide", json=FACTS).status_code == 200
