"""Shared pieces of the standing adversarial suite (tests/integration/test_adversarial_*.py).

Sizes are bounded for `make test` and grow under `make fuzz` (SESSIONS_FUZZ=1): the same tests, more
examples and rounds. Every test records what it sent so the closing figures are counted, not guessed.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

from backend.api import ROUTES
from backend.http.routing import Route

FUZZ = os.environ.get("SESSIONS_FUZZ") == "1"
EXAMPLES = 60 if FUZZ else 6  # schemathesis examples per operation
ROUNDS = 12 if FUZZ else 3  # rounds of each concurrency race

# Every request the suite makes, by (check, status): printed at the end of the run (conftest).
TALLY: Counter[tuple[str, int]] = Counter()


def concrete(route: Route, value: str = "abc") -> str:
    """The route's path with every {param} filled, without the API prefix the test client adds."""
    return re.sub(r"\{\w+\}", value, route.path).removeprefix("/api/v1")


def routes(*, access: str | None = None) -> list[Route]:
    return [r for r in ROUTES if access is None or r.access == access]


def documented_statuses(spec: dict[str, Any], route: Route) -> set[int]:
    return {int(s) for s in spec["paths"][route.path][route.method.lower()]["responses"]}


def route_id(route: Route) -> str:
    return f"{route.method} {route.path}"
