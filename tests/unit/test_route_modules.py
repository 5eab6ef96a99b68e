"""Each deployed function loads only its own route modules, and that listing matches the routes."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import backend.api
from backend.api import ROUTE_MODULES, all_routes, routes_for

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
