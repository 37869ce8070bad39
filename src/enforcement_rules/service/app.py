"""The HTTP layer: Starlette routes over `operations.OPERATIONS`, the page, the catalogue.

What the layer adds to the operations is HTTP only: bodies are read with a size limit (413,
Starlette's own limit) and parsed as strictly as JSON Lines input (`contract.lines`: a key
given twice, NaN, deep nesting are errors); a body that is not `application/json` is refused
(415); every error, from the router's 404 and 405 to a defect, is answered with the library's
error objects, and a defect's traceback goes to the log, never to the client; every request gets
an id (`X-Request-ID`) and one structured access-log line (`logs`).
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..contract.errors import FactError
from ..contract.lines import parse_line
from ..review.render import render
from ..rulebook.model import RuleSet
from .operations import (
    Answer,
    Limits,
    Operation,
    Request,
    Service,
    answer,
    errors_body,
    operations,
)

STATIC = Path(__file__).parent / "static"
ACCESS = logging.getLogger("enforcement_rules.service.access")
ERRORS = logging.getLogger("enforcement_rules.service.error")

#: The page and the catalogue load nothing from anywhere else (no CDN, no inline script).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
#: The catalogue is a static site with inline CSS and no script at all.
CATALOGUE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)
_REQUEST_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _error_response(status: int, kind: str, message: str, **headers: str) -> JSONResponse:
    body = {"errors": [{"type": kind, "field": None, "allowed": None, "message": message}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


def _json(answer: Answer) -> Response:
    return JSONResponse(answer.body, status_code=answer.status)


def _endpoint(service: Service, operation: Operation) -> Any:
    async def endpoint(http: HttpRequest) -> Response:
        query: dict[str, str] = {}
        for key, value in http.query_params.multi_items():
            if key in query:
                return _json(_bad(FactError(key, "the query parameter is given twice")))
            query[key] = value
        body = None
        if operation.body is not None:
            media = http.headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json":
                return _error_response(
                    415,
                    "UnsupportedMediaType",
                    f"the body must be JSON (Content-Type: application/json), not {media!r}",
                )
            raw = await http.body()
            body = parse_line(raw, field="<body>", max_bytes=service.limits.max_body_bytes)
            if isinstance(body, FactError):
                return _json(_bad(body))
        request = Request(path=dict(http.path_params), query=query, body=body)
        if operation.blocking:
            result = await run_in_threadpool(answer, service, operation, request)
        else:
            result = answer(service, operation, request)
        return _json(result)

    endpoint.__name__ = operation.id
    return endpoint


def _bad(error: FactError) -> Answer:
    return Answer(422, errors_body(error))


def _starlette_path(operation: Operation) -> str:
    """`{case_id}` matches ids with slashes too (they arrive decoded from `%2F`)."""
    return operation.path.replace("{case_id}", "{case_id:path}")


def routes(service: Service, catalogue: Path | None) -> list[BaseRoute]:
    table: list[BaseRoute] = [
        Route(_starlette_path(op), _endpoint(service, op), methods=[op.method])
        for op in operations(service.limits)
    ]
    spec = json.dumps(service.openapi(), ensure_ascii=False).encode("utf-8")

    async def openapi(_: HttpRequest) -> Response:
        return Response(spec, media_type="application/json")

    async def page(_: HttpRequest) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def to_catalogue(_: HttpRequest) -> Response:
        return RedirectResponse("/catalogue/index.html", status_code=307)

    table += [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/", page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC)),
    ]
    if catalogue is not None:
        table += [
            Route("/catalogue", to_catalogue, methods=["GET"]),
            Mount("/catalogue", app=StaticFiles(directory=catalogue, html=True)),
        ]
    return table


async def _http_error(request: HttpRequest, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    names = {404: "NotFound", 405: "MethodNotAllowed", 413: "ContentTooLarge"}
    kind = names.get(error.status_code, "HTTPError")
    headers = dict(error.headers or {})
    return _error_response(error.status_code, kind, str(error.detail), **headers)


async def _defect(request: HttpRequest, error: Exception) -> Response:
    """A defect: logged with its traceback and the request's id; the client gets the id only."""
    request_id = request.scope.get("request_id", "-")
    ERRORS.error(
        "defect",
        extra={
            "request_id": request_id,
            "path": request.url.path,
            "error": f"{type(error).__name__}: {error}",
            "traceback": "".join(traceback.format_exception(error)),
        },
    )
    return _error_response(
        500, "InternalError", f"the service failed; the log has the details (request {request_id})"
    )


class Observed:
    """Pure ASGI middleware: a request id, security headers and one access-log line each; and a
    body announced larger than `max_body_bytes` refused (413) before it is read. (A body that
    grows past the limit while streamed is stopped by Starlette's own limit.)"""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, access_log: bool = True) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = (
            given
            if given and len(given) <= 64 and set(given) <= _REQUEST_ID_CHARS
            else uuid.uuid4().hex
        )
        scope["request_id"] = request_id
        started = time.perf_counter()
        seen: dict[str, int] = {"status": 0, "bytes_in": 0, "bytes_out": 0}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes_in"] += len(message.get("body", b""))
            return message

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = int(message["status"])
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-request-id", request_id.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                policy = _policy(scope["path"])
                if policy is not None:
                    headers.append((b"content-security-policy", policy.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                seen["bytes_out"] += len(message.get("body", b""))
            await send(message)

        try:
            length = _header(scope, b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
                too_large = _error_response(
                    413,
                    "ContentTooLarge",
                    f"the body has {int(length):,} bytes; this service takes at most "
                    f"{self.max_body_bytes:,}",
                )
                await too_large(scope, counting_receive, observed_send)
            else:
                await self.app(scope, counting_receive, observed_send)
        finally:
            if self.access_log:
                client = scope.get("client")
                ACCESS.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": seen["status"],
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                        "bytes_in": seen["bytes_in"],
                        "bytes_out": seen["bytes_out"],
                        "client": f"{client[0]}:{client[1]}" if client else None,
                    },
                )


def _policy(path: str) -> str | None:
    """The content security policy of a path's pages (none for the JSON API)."""
    if path.startswith("/v1/") or path == "/openapi.json":
        return None
    return CATALOGUE_POLICY if path.startswith("/catalogue") else PAGE_POLICY


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            try:
                return str(value.decode("latin-1"))
            except UnicodeDecodeError:  # pragma: no cover (latin-1 decodes every byte)
                return None
    return None


def create_app(
    rules: RuleSet,
    *,
    db: str | None = None,
    limits: Limits | None = None,
    catalogue: bool = True,
    access_log: bool = True,
) -> ASGIApp:
    """The service as an ASGI application over `rules` (and the case log `db`, if given).

    The rendered catalogue is written to a temporary folder when the app starts and removed
    when it stops (`catalogue=False`: no catalogue, and the page links nowhere).
    """
    service = Service(rules, db=db, limits=limits)
    folder = tempfile.TemporaryDirectory(prefix="enforcement-rules-catalogue-")
    catalogue_dir = Path(folder.name) if catalogue else None
    if catalogue_dir is not None:
        render(rules, "html", catalogue_dir)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            folder.cleanup()

    app = Starlette(
        routes=routes(service, catalogue_dir),
        exception_handlers={HTTPException: _http_error, Exception: _defect},
        lifespan=lifespan,
        max_body_size=service.limits.max_body_bytes,
    )
    app.state.service = service
    return Observed(app, max_body_bytes=service.limits.max_body_bytes, access_log=access_log)
