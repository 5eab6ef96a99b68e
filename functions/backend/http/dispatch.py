"""One request, start to finish: route, size, auth, rate limit, parse, idempotency, handler.

This is the only place where errors turn into HTTP responses, so the envelope is the same
for every endpoint of every function.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from backend import logs
from backend.http.auth import authenticate
from backend.http.routing import Call, Principal, Response, Route, RouteSource, find_route
from backend.wiring import anonymous_limiter, rate_limiter
from shared.errors import (
    ApiError,
    MalformedJson,
    PayloadTooLarge,
    PermissionDenied,
    Unauthenticated,
    ValidationFailed,
)
from shared.sessions.ports import Idempotency
from shared.settings import get_settings

if TYPE_CHECKING:
    import flask

MAX_IDEMPOTENCY_KEY_LENGTH = 255
# No request model nests deeper than a few levels; 32 leaves room and keeps every later walk (the
# validator, the idempotency fingerprint) far from Python's recursion limit.
MAX_JSON_DEPTH = 32


def _response(
    body: Any, status: int, headers: dict[str, str] | None = None, content_type: str = "application/json"
) -> flask.Response:
    import flask

    streamed = not isinstance(body, bytes | dict | list) and hasattr(body, "__next__")
    payload = body if isinstance(body, bytes) or streamed else json.dumps(body, separators=(",", ":"))
    response = flask.Response(payload, status=status, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    # Inputs are left out on purpose: they may hold message content.
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"], "type": err["type"]}
        for err in exc.errors()
    ]


def _validate(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=_validation_details(exc)) from None


def _read_body(request: flask.Request) -> bytes:
    limit = get_settings().max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(details={"maxBytes": limit})
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise PayloadTooLarge(details={"maxBytes": limit})
    return raw


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion; -1 when a string (or key) holds a lone UTF-16
    surrogate (`"\\ud800"` parses, but no storage or client can encode it)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodable(item):
                return -1
        elif isinstance(item, dict):
            deepest = max(deepest, depth)
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _parse_json(raw: bytes) -> Any:
    """The body as JSON: malformed or nested deeper than MAX_JSON_DEPTH is a 400, never a crash (the
    parser recurses per level, so ~1,000 levels in a 2 KB body would otherwise exhaust the stack)."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except RecursionError:
        raise MalformedJson(details={"maxDepth": MAX_JSON_DEPTH}) from None
    except (ValueError, UnicodeDecodeError):
        raise MalformedJson() from None
    depth = _depth(data)
    if depth < 0:
        raise MalformedJson("The JSON body holds a lone UTF-16 surrogate, which is not text.")
    if depth > MAX_JSON_DEPTH:
        raise MalformedJson(
            f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", details={"maxDepth": MAX_JSON_DEPTH}
        )
    return data


def _idempotency(route: Route, request: flask.Request, body: Any) -> Idempotency | None:
    key = request.headers.get("Idempotency-Key")
    if not route.idempotent or key is None:
        return None
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationFailed(
            f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY_LENGTH} characters.",
            details=[{"field": "Idempotency-Key"}],
        )
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{route.method} {request.path}\n{canonical}".encode()).hexdigest()
    return Idempotency(key=key, fingerprint=digest)


def _client_address(request: flask.Request) -> str:
    return (request.access_route[0] if request.access_route else request.remote_addr) or "unknown"


def _authorize(route: Route, request: flask.Request) -> Principal | None:
    """The caller. Requests nobody vouches for (public routes, failed tokens) are limited per address
    and per instance in memory, so strangers cannot make an instance spend without bound. A valid token
    is never refused here: people behind one address must not pay for someone else's bad tokens."""
    if route.access == "public":
        anonymous_limiter().check(_client_address(request))
        return None
    try:
        principal = authenticate(request.headers.get("Authorization"))
    except Unauthenticated:
        anonymous_limiter().check(_client_address(request))  # 429 instead of 401 once over the limit
        raise
    if route.access == "admin" and not principal.is_admin:
        raise PermissionDenied("This endpoint is for admins.")
    return principal


def _call(route: Route, params: dict[str, str], principal: Principal | None, request: flask.Request) -> Call:
    raw = _read_body(request)
    data = _parse_json(raw) if route.body is not None else None
    return Call(
        principal=principal,
        params=params,
        body=_validate(route.body, data) if route.body is not None else None,
        query=_validate(route.query, request.args.to_dict()) if route.query is not None else None,
        idempotency=_idempotency(route, request, data),
    )


def _where(exc: BaseException, *, ours: bool = False) -> str:
    """file:line of the innermost frame (with `ours`, of our own code): enough to debug, without the
    message (which may hold content)."""
    import traceback

    frames = list(traceback.extract_tb(exc.__traceback__))
    if ours:
        frames = [f for f in frames if "/backend/" in f.filename or "/shared/" in f.filename] or frames
    return f"{frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno}" if frames else "?"


def dispatch(routes: Sequence[Route] | RouteSource, request: flask.Request) -> flask.Response:

    started = time.perf_counter()
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    route: Route | None = None
    params: dict[str, str] = {}
    principal: Principal | None = None
    headers: dict[str, str] = {}
    try:
        if isinstance(routes, Sequence):
            route, params = find_route(routes, request.method, request.path)
        else:
            route, params = routes.find(request.method, request.path)
        _read_body(request)  # size is checked before any token verification or storage work
        principal = _authorize(route, request)
        if route.rate_limited and principal is not None:
            rate_limiter().check(principal.uid)
        result = route.handler(_call(route, params, principal, request))
        content_type = "application/json"
        if isinstance(result, Response):
            status, body, content_type = result.status, result.body, result.content_type
            headers.update(result.headers)
        else:
            status, body = route.status, result.wire()
    except Exception as exc:  # every failure leaves through the same envelope
        api_error = exc if isinstance(exc, ApiError) else None
        if api_error is not None and exc.__cause__ is not None and not isinstance(exc.__cause__, ApiError):
            # A dependency's failure the store mapped to 409/503: where it happened, to find hot spots.
            logs.warning(
                "mapped error",
                requestId=request_id,
                errorType=type(exc.__cause__).__name__,
                where=_where(exc.__cause__, ours=True),
            )
        if api_error is None:
            logs.error(
                "unhandled error", requestId=request_id, errorType=type(exc).__name__, where=_where(exc)
            )
            api_error = ApiError()
        status, body, headers = api_error.http_status, api_error.envelope(), dict(api_error.headers)
        content_type = "application/json"
    headers["X-Request-Id"] = request_id
    logs.info(
        "request",
        requestId=request_id,
        route=f"{request.method} {route.path if route else request.path}",
        status=status,
        userId=principal.uid if principal else None,
        sessionId=params.get("sessionId"),
        latencyMs=round((time.perf_counter() - started) * 1000, 1),
    )
    return _response(body, status, headers, content_type)
