"""Every error status of the API convention, with the same envelope, and nothing written on failure."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import pytest
import requests

from tests.support.emulator import API_BASE, Api, TestUser, firestore_db

START = {"avatar": "alex", "duration": 15}


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


def user_sessions(uid: str) -> list[Any]:
    from google.cloud.firestore import FieldFilter

    return list(firestore_db().collection("sessions").where(filter=FieldFilter("userId", "==", uid)).get())


@pytest.mark.parametrize(
    "body",
    [
        {"avatar": "alex", "duration": 20},
        {"avatar": "alex", "duration": 30, "mode": "hologram"},
        {"avatar": "alex", "duration": 30, "surprise": True},
        {"avatar": "nobody", "duration": 30},
        {"avatar": "x" * 65, "duration": 30},
        {"avatar": "alex", "duration": 30, "metadata": {f"k{i}": i for i in range(21)}},
        {"avatar": "alex", "duration": 30, "metadata": {"note": "y" * 501}},
        {"duration": 30},
        [1, 2, 3],
    ],
)
def test_invalid_start_is_400_and_writes_nothing(api: Api, user: TestUser, body: Any) -> None:
    assert_error(api.post("/sessions/start", json=body), 400, "VALIDATION_ERROR")
    assert user_sessions(user.uid) == []
    assert not firestore_db().collection("users").document(user.uid).get().exists


@pytest.mark.parametrize("raw", [b"{bad json", b'{"avatar": ', b"\xff\xfe"])
def test_malformed_json_is_400_never_500(api: Api, user: TestUser, raw: bytes) -> None:
    response = api.request("POST", "/sessions/start", data=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "MALFORMED_JSON")
    assert user_sessions(user.uid) == []


def test_oversize_body_is_413(api: Api, user: TestUser) -> None:
    body = {**START, "metadata": {"blob": "z" * 100_000}}
    assert_error(api.post("/sessions/start", json=body), 413, "PAYLOAD_TOO_LARGE")
    assert user_sessions(user.uid) == []


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}]
)
def test_missing_or_bad_token_is_401(headers: dict[str, str]) -> None:
    response = requests.get(f"{API_BASE}/sessions/active", headers=headers, timeout=30)
    assert_error(response, 401, "UNAUTHENTICATED")


def test_no_credits_is_402_and_writes_nothing(api: Api, user: TestUser) -> None:
    firestore_db().collection("users").document(user.uid).set(
        {"credits": {"remaining": 0, "used": 60}, "liveSessionIds": [], "createdAt": 0, "updatedAt": 0}
    )
    assert_error(api.post("/sessions/start", json=START), 402, "INSUFFICIENT_CREDITS")
    assert user_sessions(user.uid) == []
    assert api.get("/user/credits").json()["credits"] == {"remaining": 0, "used": 60}


def test_unknown_session_is_404(api: Api) -> None:
    assert_error(api.get("/sessions/doesNotExist123"), 404, "NOT_FOUND")
    assert_error(api.post("/sessions/doesNotExist123/end", json={}), 404, "NOT_FOUND")


def test_unknown_route_and_wrong_method(api: Api) -> None:
    assert_error(api.get("/nothing/here"), 404, "NOT_FOUND")
    response = api.request("DELETE", "/sessions/start")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "POST"


def test_second_live_session_is_409(api: Api) -> None:
    assert api.post("/sessions/start", json=START).status_code == 201
    assert_error(api.post("/sessions/start", json=START), 409, "CONFLICT")


def test_concurrent_starts_create_exactly_one_session(api: Api, user: TestUser) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: api.post("/sessions/start", json=START).status_code, range(6)))
    assert sorted(statuses) == [201] + [409] * 5
    assert len(user_sessions(user.uid)) == 1


def test_idempotent_retry_returns_first_result_and_changes_nothing(api: Api, user: TestUser) -> None:
    key = {"Idempotency-Key": "start-once-123"}
    first = api.post("/sessions/start", json=START, headers=key)
    again = api.post("/sessions/start", json=START, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(user_sessions(user.uid)) == 1

    sid = first.json()["session"]["id"]
    end_key = {"Idempotency-Key": "end-once-123"}
    ended = api.post(f"/sessions/{sid}/end", json={"reason": "completed"}, headers=end_key)
    retried = api.post(f"/sessions/{sid}/end", json={"reason": "completed"}, headers=end_key)
    assert ended.status_code == retried.status_code == 200
    assert retried.json() == ended.json()
    events = firestore_db().collection("sessions").document(sid).collection("events").get()
    assert len(events) == 2, "start + one end event, not two"


def test_idempotency_key_reused_for_a_different_request_is_422(api: Api, user: TestUser) -> None:
    key = {"Idempotency-Key": "same-key"}
    assert api.post("/sessions/start", json=START, headers=key).status_code == 201
    other = api.post("/sessions/start", json={**START, "duration": 60}, headers=key)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")
    assert len(user_sessions(user.uid)) == 1


def _wait_for_a_fresh_window(margin_s: float = 15.0) -> None:
    """The limit is per clock minute; 110 requests must not straddle a reset."""
    import time

    left = 60 - time.time() % 60
    if left < margin_s:
        time.sleep(left + 0.5)


def test_rate_limit_is_429_with_retry_after(api: Api) -> None:
    _wait_for_a_fresh_window()
    statuses = [api.get("/sessions/active") for _ in range(110)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, "110 requests in a minute must pass the default limit of 100"
    ok = [r for r in statuses if r.status_code == 200]
    assert len(ok) <= 100
    body = assert_error(limited[0], 429, "RATE_LIMITED")
    assert body["error"]["details"]["limit"] == 100
    assert 1 <= int(limited[0].headers["Retry-After"]) <= 60


def test_other_users_are_not_rate_limited_by_a_noisy_neighbour(other_user: TestUser, api: Api) -> None:
    _wait_for_a_fresh_window()
    for _ in range(105):
        api.get("/sessions/active")
    assert Api(other_user).get("/sessions/active").status_code == 200


def test_concurrent_first_requests_of_a_user_never_fail(api: Api) -> None:
    """Many first requests at once contend for the rate-limit counter; none may become a 500."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: api.get("/sessions/active").status_code, range(10)))
    assert statuses == [200] * 10
