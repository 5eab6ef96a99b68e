"""The API's route table: one module per resource, each route tagged with the deployed function (group)
that serves it. The table drives dispatch and the OpenAPI document served from it.

Each function imports only the route modules of its own group (`routes_for`): a cold start of
`sessions_api` does not build the admin, analytics or rooms models. `ROUTE_MODULES` lists them in table
order, with the groups each one serves; tests/unit/test_route_modules.py proves the listing complete.
"""

from __future__ import annotations

import importlib
from functools import cache, lru_cache
from typing import Any

from backend.http.routing import API_PREFIX, Call, Response, Route, find_route

# Module -> the groups (deployed functions) of its routes, in the order the table is read.
ROUTE_MODULES: dict[str, frozenset[str]] = {
    "sessions": frozenset({"sessions"}),
    "messages": frozenset({"sessions"}),
    "voice": frozenset({"sessions"}),
    "memory": frozenset({"sessions", "users"}),
    "memory_control": frozenset({"sessions", "users"}),
    "knowledge": frozenset({"admin", "users"}),
    "chat": frozenset({"sessions"}),
    "safety": frozenset({"sessions", "safety"}),
    "users": frozenset({"users"}),
    "preferences": frozenset({"users"}),
    "contacts": frozenset({"users"}),
    "admin": frozenset({"admin"}),
    "analytics": frozenset({"admin"}),
    "rooms": frozenset({"rooms"}),
    "rooms_admin": frozenset({"admin"}),
    "meta": frozenset({"meta"}),
}


def openapi(call: Call) -> Response:
    from backend.http.openapi import build_openapi

    return Response(body=build_openapi(all_routes()))


OPENAPI_ROUTE = Route(
    "GET",
    f"{API_PREFIX}/openapi.json",
    openapi,
    "This OpenAPI document",
    "meta",
    None,
    access="public",
    rate_limited=False,
)


def _module_routes(name: str) -> tuple[Route, ...]:
    routes: tuple[Route, ...] = importlib.import_module(f"backend.api.{name}").ROUTES
    return routes


@cache
def routes_for(group: str) -> tuple[Route, ...]:
    """The routes one deployed function serves, importing only the modules that declare them."""
    found = tuple(
        route
        for name, groups in ROUTE_MODULES.items()
        if group in groups
        for route in _module_routes(name)
        if route.group == group
    )
    return (*found, OPENAPI_ROUTE) if group == OPENAPI_ROUTE.group else found


class GroupRoutes:
    """One deployed function's routes for dispatch, with its route modules imported as requests need
    them. A request for a literal path (`POST /sessions/start`) is answered by the first module in
    table order that declares it, so a cold start that begins with it imports that module only (the
    rest of `sessions_api`'s modules, the crisis screen among them, cost about 170 ms). Any other request
    is found in the whole table (`routes_for`), so the answer is always the one the whole table gives:
    a literal route shadows parametric ones, and the first literal of a path and method in table order
    wins there too. Once the whole table is loaded, every request is looked up in it once."""

    def __init__(self, group: str) -> None:
        self.group = group

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        if self.group not in _WHOLE_TABLE_LOADED:
            for name, groups in ROUTE_MODULES.items():
                if self.group not in groups:
                    continue
                for route in _module_routes(name):
                    if route.group == self.group and route.method == method and route.match(path) == {}:
                        return route, {}
            _WHOLE_TABLE_LOADED.add(self.group)
        return find_route(routes_for(self.group), method, path)


_WHOLE_TABLE_LOADED: set[str] = set()
"""Groups whose whole table this process has loaded (a parametric request loads it)."""


@lru_cache(maxsize=1)
def all_routes() -> tuple[Route, ...]:
    """The whole table (the OpenAPI document and the tests), in table order."""
    return (*(route for name in ROUTE_MODULES for route in _module_routes(name)), OPENAPI_ROUTE)


def __getattr__(name: str) -> Any:
    # `from backend.api import ROUTES` keeps working, built on first use rather than at import.
    if name == "ROUTES":
        return all_routes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
