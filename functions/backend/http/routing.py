"""The route table type. Every endpoint is one Route; dispatch and OpenAPI both read the table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from shared.errors import ApiError, MethodNotAllowed, NotFound
from shared.models.base import ApiModel
from shared.models.ids import ID_PATTERN, is_document_id
from shared.sessions.ports import Idempotency

API_PREFIX = "/api/v1"
Access = Literal["public", "user", "admin"]


@dataclass(frozen=True)
class Principal:
    uid: str
    is_admin: bool
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """What a handler gets: who is calling, path parameters, the validated body and query."""

    principal: Principal | None
    params: dict[str, str]
    body: Any = None
    query: Any = None
    idempotency: Idempotency | None = None

    @property
    def uid(self) -> str:
        if self.principal is None:  # only public routes have no principal, and they never ask
            raise RuntimeError("route without a principal asked for one")
        return self.principal.uid


@dataclass(frozen=True)
class Response:
    """A result that is not a plain model: a JSON document with its own status, or a file (bytes, or
    chunks streamed as they are produced)."""

    body: dict[str, Any] | bytes | Iterator[bytes]
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], ApiModel | Response]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    group: str
    response: type[ApiModel] | None
    body: type[ApiModel] | None = None
    query: type[ApiModel] | None = None
    status: int = 200
    access: Access = "user"
    rate_limited: bool = True
    idempotent: bool = False
    errors: tuple[type[ApiError], ...] = ()
    # Statuses other than `status` that answer with the `response` model (health's 503 "unhealthy").
    other_statuses: tuple[int, ...] = ()
    # Other media types the success may come in (a query parameter picks them, e.g. `?format=csv`).
    alternate_media: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", rf"(?P<\1>{ID_PATTERN})", self.path)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}/?$"))

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters, or None when the path is not this route's (or names no document of
        ours, such as a reserved `__x__` id: that is a 404 like any other unknown resource)."""
        found = self.pattern.match(path)
        if found is None:
            return None
        params = found.groupdict()
        return params if all(is_document_id(value) for value in params.values()) else None


def find_route(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route serving `method path` and its path parameters; MethodNotAllowed (with `Allow`) when
    the path is served with other methods, NotFound when not at all. A literal path (/sessions/start)
    shadows a parametric one (/sessions/{sessionId})."""
    matches = [(route, params) for route in routes if (params := route.match(path)) is not None]
    literal = [(route, params) for route, params in matches if not params]
    candidates = literal or matches
    for route, params in candidates:
        if route.method == method:
            return route, params
    if candidates:
        allowed = sorted({route.method for route, _ in candidates})
        raise MethodNotAllowed(headers={"Allow": ", ".join(allowed)})
    raise NotFound(f"No endpoint {method} {path}.")


class RouteSource(Protocol):
    """Where dispatch finds the route of a request (a deployed function's table, loaded as needed)."""

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]]: ...
