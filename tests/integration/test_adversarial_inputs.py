"""The bad-input corpus on every JSON route of the running stack: deep nesting, size, non-finite and
huge numbers, awkward unicode, reserved ids. Always a 4xx in the one envelope, never a 5xx, and a
session's reads stay strict JSON afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.http.routing import Route
from tests.support.adversarial import TALLY, concrete, route_id, routes
from tests.support.emulator import Api, TestUser

JSON_ROUTES = [r for r in routes() if r.body is not None and r.access != "admin"]

CORPUS: dict[str, bytes] = {
    "deep-array": b"[" * 5000 + b"]" * 5000,
    "deep-object": b'{"a":' * 2000 + b"1" + b"}" * 2000,
    "nan": b'{"avatar":"emma","duration":30,"metadata":{"x":NaN}}',
    "infinity": b'{"avatar":"emma","duration":30,"metadata":{"x":-Infinity}}',
    "1e400": b'{"avatar":"emma","duration":30,"metadata":{"x":1e400}}',
    "int-65-bits": b'{"avatar":"emma","duration":30,"metadata":{"x":36893488147419103232}}',
    "lone-surrogate": b'{"content":"\\ud800 hi","clientMessageId":"c","avatar":"emma","duration":30}',
    "nul": b'{"content":"a\\u0000b","clientMessageId":"c\\u0000","avatar":"emma","duration":30}',
    "rtl-and-emoji": '{"content":"\u202e\U0001f600\u0301","clientMessageId":"\u202e"}'.encode(),
    "not-utf8": b'{"content":"\xff\xfe"}',
    "too-big": b'{"content":"' + b"x" * (70 * 1024) + b'"}',
    "wrong-type": b'{"content":{"$gt":""},"clientMessageId":["a"]}',
    "truncated": b'{"content":"hi',
    "array": b"[1,2,3]",
}


@pytest.mark.parametrize("route", JSON_ROUTES, ids=route_id)
def test_every_json_route_answers_the_corpus_with_a_4xx(route: Route, api: Api) -> None:
    for name, raw in CORPUS.items():
        response = api.request(
            route.method, concrete(route), data=raw, headers={"Content-Type": "application/json"}
        )
        TALLY[("inputs", response.status_code)] += 1
        assert 400 <= response.status_code < 500, f"{name}: {response.status_code} {response.text[:200]}"
        assert response.json()["success"] is False


# `.` and `..` never reach the server as ids (HTTP clients resolve dot segments); the dispatcher's unit
# tests cover them.
@pytest.mark.parametrize("bad_id", ["__x__", "__.__", "____", "a.b", "%2F", "a%2Fb", "x" * 200])
@pytest.mark.parametrize(
    "route", [r for r in routes() if "{" in r.path and r.access != "admin"], ids=route_id
)
def test_reserved_and_unsafe_ids_are_404(route: Route, api: Api, bad_id: str) -> None:
    response = api.request(route.method, concrete(route, bad_id), json={} if route.body else None)
    TALLY[("inputs", response.status_code)] += 1
    assert response.status_code in (400, 404), f"{response.status_code} {response.text[:200]}"


def test_a_session_with_awkward_text_still_reads_as_strict_json(api: Api, user: TestUser) -> None:
    started = api.post("/sessions/start", json={"avatar": "emma", "duration": 15, "metadata": {"f": 0.1}})
    sid = started.json()["session"]["id"]
    for text in ["\u202eevil", "a\u0000b", "\U0001f600" * 100, "e\u0301"]:
        assert (
            api.post(f"/sessions/{sid}/messages", json={"content": text, "clientMessageId": text}).status_code
            == 201
        )

    def refuse(token: str) -> Any:
        raise ValueError(token)

    for path in [f"/sessions/{sid}", f"/sessions/{sid}/transcript", "/sessions", "/user/export"]:
        response = api.get(path)
        TALLY[("inputs", response.status_code)] += 1
        assert response.status_code == 200, response.text[:200]
        json.loads(response.text, parse_constant=refuse)
