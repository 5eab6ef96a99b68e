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
from backend.http.routing import Call, Principal, Response, Route
from shared.errors import (
    ApiError,
    Conflict,
    DependencyUnavailable,
    MalformedJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ValidationFailed,
)
from shared.services.sessions import Idempotency
from shared.settings import get_settings

if TYPE_CHECKING:
    import flask

MAX_IDEMPOTENCY_KEY_LENGTH = 255


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


def _find(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]]:
    matches = [(route, params) for route in routes if (params := route.match(path)) is not None]
    # A literal path (/sessions/start) shadows a parametric one (/sessions/{sessionId}).
    literal = [(route, params) for route, params in matches if not params]
    candidates = literal or matches
    for route, params in candidates:
        if route.method == method:
            return route, params
    if candidates:
        allowed = sorted({route.method for route, _ in candidates})
        raise MethodNotAllowed(headers={"Allow": ", ".join(allowed)})
    raise NotFound(f"No endpoint {method} {path}.")


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


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedJson() from None


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


def _authorize(route: Route, request: flask.Request) -> Principal | None:
    if route.access == "public":
        return None
    principal = authenticate(request.headers.get("Authorization"))
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


def _as_api_error(exc: Exception) -> ApiError | None:
    from google.api_core import exceptions as google_errors

    if isinstance(exc, ApiError):
        return exc
    # A transaction that lost every retry to concurrent writers: the request conflicted, it did not fail.
    if isinstance(exc, google_errors.Aborted) or (
        isinstance(exc, ValueError) and str(exc).startswith("Failed to commit transaction in")
    ):
        return Conflict("The resource was changed by a concurrent request; retry.")
    if isinstance(
        exc, (google_errors.ServiceUnavailable, google_errors.DeadlineExceeded, google_errors.RetryError)
    ):
        return DependencyUnavailable()
    return None


def _where(exc: BaseException) -> str:
    """file:line of the innermost frame: enough to debug, without the message (which may hold content)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno}" if frames else "?"


def dispatch(routes: Sequence[Route], request: flask.Request) -> flask.Response:
    from backend.ratelimit import limiter

    started = time.perf_counter()
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    route: Route | None = None
    params: dict[str, str] = {}
    principal: Principal | None = None
    headers: dict[str, str] = {}
    try:
        route, params = _find(routes, request.method, request.path)
        _read_body(request)  # size is checked before any token verification or storage work
        principal = _authorize(route, request)
        if route.rate_limited and principal is not None:
            limiter().check(principal.uid)
        result = route.handler(_call(route, params, principal, request))
        content_type = "application/json"
        if isinstance(result, Response):
            status, body, content_type = result.status, result.body, result.content_type
            headers.update(result.headers)
        else:
            status, body = route.status, result.wire()
    except Exception as exc:  # every failure leaves through the same envelope
        api_error = _as_api_error(exc)
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
