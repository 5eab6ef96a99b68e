"""Each deployed function loads only its own route modules, and that listing matches the routes."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import backend.api
from backend.api import ROUTE_MODULES, GroupRoutes, all_routes, routes_for
from backend.http.routing import Route, find_route
from shared.errors import ApiError

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def _declaring_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(backend.api.__path__):
        module = importlib.import_module(f"backend.api.{info.name}")
        routes = getattr(module, "ROUTES", None)
        if routes:
            found[info.name] = {route.group for route in routes}
    return found


def test_every_module_with_routes_is_listed_with_exactly_its_groups() -> None:
    assert {name: set(groups) for name, groups in ROUTE_MODULES.items()} == _declaring_modules()


def test_each_function_serves_exactly_its_routes_in_table_order() -> None:
    table = all_routes()
    for group in {route.group for route in table}:
        assert routes_for(group) == tuple(route for route in table if route.group == group)


def test_a_sessions_cold_start_does_not_import_other_functions_route_modules() -> None:
    probe = (
        "import sys; from backend.api import routes_for; routes_for('sessions'); "
        "print(sorted(m for m in sys.modules if m.startswith('backend.api.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, check=True
    ).stdout
    assert "backend.api.messages" in loaded
    for other in ("backend.api.admin", "backend.api.analytics", "backend.api.rooms", "backend.api.users"):
        assert other not in loaded


def _sample_paths() -> list[str]:
    """Every route's path with its parameters filled in, plus paths no route serves."""
    paths = [route.path.replace("{", "").replace("}", "-x1") for route in all_routes()]
    return [*paths, "/api/v1/nothing-here", "/api/v1/sessions/start/extra", "/api/v1/sessions/__x__"]


def _answer(find: Callable[[str, str], tuple[Route, dict[str, str]]], method: str, path: str) -> object:
    try:
        route, params = find(method, path)
    except ApiError as error:
        return type(error).__name__, error.headers.get("Allow")
    return route.method, route.path, params


def test_a_function_finds_every_request_as_its_whole_table_does() -> None:
    for group in {route.group for route in all_routes()}:
        lazy = GroupRoutes(group).find
        table = functools.partial(find_route, routes_for(group))
        for path in _sample_paths():
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                assert _answer(lazy, method, path) == _answer(table, method, path), (group, method, path)


def test_a_start_on_a_cold_instance_imports_only_the_sessions_route_module() -> None:
    probe = (
        "import sys; from backend.api import GroupRoutes; "
        "route, _ = GroupRoutes('sessions').find('POST', '/api/v1/sessions/start'); "
        "print(route.path, sorted(m for m in sys.modules if m.startswith('backend.api.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, check=True
    ).stdout
    assert loaded.startswith("/api/v1/sessions/start ")
    assert "backend.api.sessions" in loaded
    for other in ("backend.api.messages", "backend.api.safety", "backend.api.chat", "backend.api.memory"):
        assert other not in loaded, loaded
