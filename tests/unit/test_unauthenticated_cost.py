"""Strangers cannot make an instance spend without bound: public routes and bad tokens are limited per
address and per instance (in memory, no storage), the health probe runs at most once per TTL, and the
emulators' trust is refused outside a demo project."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import flask
import pytest

from backend.http import dispatch as dispatch_module
from backend.http.routing import Call, Response, Route
from backend.http.single_flight import SingleFlightCache
from shared.anonymous_limit import WINDOW_SECONDS, AnonymousLimiter
from shared.emulator_guard import EMULATOR_VARIABLES, EmulatorOutsideDemoProject, check_emulator_variables
from shared.errors import RateLimited, Unauthenticated
from shared.models.base import EmptyRequest
from shared.models.users import AvatarsResponse


class Clock:
    def __init__(self) -> None:
        self.now = 1_000 * WINDOW_SECONDS

    def __call__(self) -> float:
        return self.now


def test_one_address_is_refused_after_its_share_but_others_are_not() -> None:
    limiter = AnonymousLimiter(per_address=3, total=100, clock=Clock())
    for _ in range(3):
        limiter.check("1.1.1.1")
    with pytest.raises(RateLimited) as caught:
        limiter.check("1.1.1.1")
    assert caught.value.headers["Retry-After"] == "60"
    limiter.check("2.2.2.2")


def test_the_instance_total_caps_many_addresses() -> None:
    limiter = AnonymousLimiter(per_address=3, total=5, clock=Clock())
    for n in range(5):
        limiter.check(f"10.0.0.{n}")
    with pytest.raises(RateLimited):
        limiter.check("10.0.0.99")


def test_a_new_window_forgets_the_counts() -> None:
    clock = Clock()
    limiter = AnonymousLimiter(per_address=1, total=1, clock=clock)
    limiter.check("a")
    with pytest.raises(RateLimited):
        limiter.check("a")
    clock.now += WINDOW_SECONDS
    limiter.check("a")


# -- through the dispatcher ------------------------------------------------------------------


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> AnonymousLimiter:
    limiter = AnonymousLimiter(per_address=3, total=1000, clock=Clock())
    monkeypatch.setattr(dispatch_module, "anonymous_limiter", lambda: limiter)
    return limiter


def _send(routes: list[Route], path: str, method: str = "GET", **kwargs: Any) -> flask.Response:
    app = flask.Flask(__name__)
    with app.test_request_context(path, method=method, **kwargs):
        return dispatch_module.dispatch(routes, flask.request)


def test_public_routes_are_limited_per_address(limited: AnonymousLimiter) -> None:
    calls: list[Call] = []

    def handler(call: Call) -> AvatarsResponse:
        calls.append(call)
        return AvatarsResponse(avatars=[])

    routes = [Route("GET", "/p", handler, "t", "t", None, access="public")]
    statuses = [_send(routes, "/p", environ_base={"REMOTE_ADDR": "9.9.9.9"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(calls) == 3, "refused requests never reach the handler"
    assert _send(routes, "/p", environ_base={"REMOTE_ADDR": "8.8.8.8"}).status_code == 200


def test_bad_tokens_are_limited_per_address(
    limited: AnonymousLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str | None] = []

    def refuse(header: str | None) -> Any:
        verified.append(header)
        raise Unauthenticated("bad token")

    monkeypatch.setattr(dispatch_module, "authenticate", refuse)
    routes = [
        Route(
            "POST",
            "/u",
            lambda c: AvatarsResponse(avatars=[]),
            "t",
            "t",
            None,
            body=EmptyRequest,
            rate_limited=False,
        )
    ]
    statuses = [
        _send(routes, "/u", "POST", json={}, headers={"Authorization": "Bearer forged"}).status_code
        for _ in range(6)
    ]
    assert statuses == [401, 401, 401, 429, 429, 429]


def test_a_valid_token_is_never_refused_for_an_address_over_its_failures(
    limited: AnonymousLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.http.routing import Principal

    for _ in range(3):
        limited.check("127.0.0.1")  # the address is at its limit (someone else's bad tokens)
    with pytest.raises(RateLimited):
        limited.check("127.0.0.1")
    monkeypatch.setattr(dispatch_module, "authenticate", lambda header: Principal(uid="u", is_admin=False))
    routes = [
        Route(
            "POST",
            "/u",
            lambda c: AvatarsResponse(avatars=[]),
            "t",
            "t",
            None,
            body=EmptyRequest,
            rate_limited=False,
        )
    ]
    response = _send(routes, "/u", "POST", json={}, headers={"Authorization": "Bearer good"})
    assert response.status_code == 200


# -- cached health ---------------------------------------------------------------------------


def test_health_is_probed_once_per_ttl_even_under_concurrency() -> None:
    now = [0.0]
    probes = []
    gate = threading.Event()

    def probe() -> int:
        gate.wait(1)
        probes.append(1)
        return len(probes)

    cache = SingleFlightCache(probe, ttl=30, clock=lambda: now[0])
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(cache.get) for _ in range(20)]
        time.sleep(0.05)
        gate.set()
        results = [f.result() for f in futures]
    assert results == [1] * 20 and len(probes) == 1
    now[0] = 29.9
    assert cache.get() == 1
    now[0] = 30.0
    assert cache.get() == 2


def test_the_health_route_reuses_its_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.api import meta

    probes: list[int] = []
    meta._health_cache.cache_clear()
    answer = Response(body={"status": "healthy"})

    def probe() -> Response:
        probes.append(1)
        return answer

    monkeypatch.setattr(meta, "_probe", probe)
    try:
        assert all(meta.health(Call(principal=None, params={})) is answer for _ in range(5))
    finally:
        meta._health_cache.cache_clear()
    assert len(probes) == 1


# -- emulator guard --------------------------------------------------------------------------


@pytest.mark.parametrize("variable", EMULATOR_VARIABLES)
def test_emulator_variables_in_a_real_project_are_refused(variable: str) -> None:
    with pytest.raises(EmulatorOutsideDemoProject):
        check_emulator_variables({variable: "127.0.0.1:9099"}, "acme-prod")


@pytest.mark.parametrize("variable", EMULATOR_VARIABLES)
def test_emulator_variables_in_a_demo_project_are_fine(variable: str) -> None:
    check_emulator_variables({variable: "127.0.0.1:9099"}, "demo-sessions")


def test_a_real_project_without_emulator_variables_is_fine() -> None:
    check_emulator_variables({"GCLOUD_PROJECT": "acme-prod", "FIRESTORE_EMULATOR_HOST": ""}, "acme-prod")


def test_no_client_is_created_with_the_auth_emulator_in_a_real_project(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backend.cloud import clients
    from shared.settings import get_settings

    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    monkeypatch.setenv("GCLOUD_PROJECT", "acme-prod")
    get_settings.cache_clear()
    clients.forget_clients()
    try:
        with pytest.raises(EmulatorOutsideDemoProject):
            clients.firebase_app()
        with pytest.raises(EmulatorOutsideDemoProject):
            clients.firestore_client()
    finally:
        get_settings.cache_clear()
        clients.forget_clients()
