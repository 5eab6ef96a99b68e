"""The auth matrix, generated from the route table: every route x no token, a malformed header, a
forged token (bad signature, wrong project, expired), another user, a non-admin. Never 2xx or 5xx
where access is refused; never another user's data."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from backend.http.routing import Route
from tests.support.adversarial import TALLY, concrete, route_id, routes
from tests.support.emulator import PROJECT_ID, Api, TestUser, new_user

PROTECTED = routes(access="user") + routes(access="admin")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _token(claims: dict[str, Any], alg: str = "RS256") -> str:
    now = int(time.time())
    body = {
        "iss": f"https://securetoken.google.com/{PROJECT_ID}",
        "aud": PROJECT_ID,
        "sub": "forged-user",
        "user_id": "forged-user",
        "iat": now,
        "exp": now + 3600,
        "auth_time": now,
        **claims,
    }
    return f"{_b64({'alg': alg, 'typ': 'JWT', 'kid': 'nope'})}.{_b64(body)}.{_b64({'sig': 'forged'})}"


BAD_HEADERS = {
    "none": None,
    "not-bearer": "Basic dXNlcjpwYXNz",
    "empty-bearer": "Bearer ",
    "garbage": "Bearer not.a.jwt",
    "wrong-project": f"Bearer {_token({'aud': 'someone-else', 'admin': True})}",
}
# Not here: a token with a bad signature or an expired one. The Auth emulator's tokens are unsigned and
# the Admin SDK skips those checks when FIREBASE_AUTH_EMULATOR_HOST is set, which is why that variable
# is refused outside demo-* projects (shared/emulator_guard.py, tests/unit/test_unauthenticated_cost.py).


def _send(route: Route, authorization: str | None, sid: str = "abc") -> Any:
    headers = {"Authorization": authorization} if authorization is not None else {}
    body: dict[str, Any] | None = {} if route.body is not None else None
    return Api().request(route.method, concrete(route, sid), headers=headers, json=body)


@pytest.mark.parametrize("route", PROTECTED, ids=route_id)
def test_every_protected_route_refuses_bad_credentials(route: Route) -> None:
    for name, header in BAD_HEADERS.items():
        response = _send(route, header)
        TALLY[("auth", response.status_code)] += 1
        # 429: the per-address limit on failed tokens (documented) may answer before verification.
        assert response.status_code in (401, 429), f"{name}: {response.status_code} {response.text[:200]}"
        assert response.json()["success"] is False


@pytest.mark.parametrize("route", routes(access="admin"), ids=route_id)
def test_admin_routes_refuse_a_valid_non_admin(route: Route, user: TestUser) -> None:
    response = _send(route, f"Bearer {user.token}")
    TALLY[("auth", response.status_code)] += 1
    assert response.status_code == 403, response.text


@pytest.fixture(scope="module")
def owner_session() -> tuple[TestUser, str]:
    owner = new_user(prefix="owner")
    started = Api(owner).post("/sessions/start", json={"avatar": "emma", "duration": 15})
    assert started.status_code == 201, started.text
    sid = started.json()["session"]["id"]
    Api(owner).post(f"/sessions/{sid}/messages", json={"content": "private words", "clientMessageId": "c1"})
    return owner, sid


SESSION_ROUTES = [r for r in routes(access="user") if "{sessionId}" in r.path]


@pytest.mark.parametrize("route", SESSION_ROUTES, ids=route_id)
def test_another_user_never_reaches_a_session(route: Route, owner_session: tuple[TestUser, str]) -> None:
    _, sid = owner_session
    intruder = new_user(prefix="intruder")
    response = _send(route, f"Bearer {intruder.token}", sid)
    TALLY[("auth", response.status_code)] += 1
    assert response.status_code in (400, 404), f"{response.status_code} {response.text[:200]}"
    assert "private words" not in response.text
