"""The dispatcher: routing, body limits, validation and one error envelope, on fake public routes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import flask
import pytest
from google.api_core import exceptions as google_errors

from backend.http.dispatch import dispatch
from backend.http.routing import Call, Response, Route
from backend.store.errors import translated
from shared.errors import NotFound
from shared.models.base import ApiModel, EmptyRequest
from shared.models.sessions import ListSessionsQuery, StartSessionRequest
from shared.settings import get_settings

SECRET = "please-never-echo-this-text"
UNAVAILABLE = google_errors.ServiceUnavailable("backend down")  # type: ignore[no-untyped-call]
DEADLINE = google_errors.DeadlineExceeded("slow")  # type: ignore[no-untyped-call]
ABORTED = google_errors.Aborted("contention")  # type: ignore[no-untyped-call]
# What the client library raises when a transaction's attempts run out: a ValueError from the last Aborted.
EXHAUSTED = ValueError("Failed to commit transaction in 5 attempts.")
EXHAUSTED.__cause__ = ABORTED


class Echo(ApiModel):
    session_id: str | None = None
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def echo(self, call: Call) -> Echo:
        self.calls.append(call)
        return Echo(
            session_id=call.params.get("sessionId"),
            body=call.body.wire() if call.body is not None else None,
            query=call.query.wire() if call.query is not None else None,
        )


def raising(exc: Exception) -> Callable[[Call], Echo]:
    """A handler whose store adapter fails with `exc` (adapters translate Firestore's errors)."""

    @translated
    def handler(call: Call) -> Echo:
        raise exc

    return handler


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def routes(recorder: Recorder) -> list[Route]:
    def public(method: str, path: str, handler: Callable[[Call], Any] = recorder.echo, **kw: Any) -> Route:
        return Route(method, path, handler, "test", "test", Echo, access="public", **kw)

    return [
        public("POST", "/t/start", body=StartSessionRequest, status=201, idempotent=True),
        public("POST", "/t/s/{sessionId}/pause", body=EmptyRequest, idempotent=True),
        public("GET", "/t/s/{sessionId}"),
        public("DELETE", "/t/s/{sessionId}"),
        public("GET", "/t/list", query=ListSessionsQuery),
        public("GET", "/t/raw", lambda call: Response(body={"hello": "world"}, status=202)),
        public("GET", "/t/unavailable", raising(UNAVAILABLE)),
        public("GET", "/t/deadline", raising(DEADLINE)),
        public("GET", "/t/crash", raising(RuntimeError(SECRET))),
        public("GET", "/t/aborted", raising(ABORTED)),
        public("GET", "/t/exhausted", raising(EXHAUSTED)),
        public("GET", "/t/other-value-error", raising(ValueError(SECRET))),
        public("GET", "/t/missing", raising(NotFound("No such thing."))),
        Route("GET", "/t/private", recorder.echo, "test", "test", Echo, access="user"),
        Route("POST", "/t/private", recorder.echo, "test", "test", Echo, body=EmptyRequest, access="user"),
    ]


Send = Callable[..., flask.Response]


@pytest.fixture
def send(routes: list[Route]) -> Iterator[Send]:
    app = flask.Flask(__name__)

    def run(method: str, path: str, **kwargs: Any) -> flask.Response:
        with app.test_request_context(path, method=method, **kwargs):
            return dispatch(routes, flask.request)

    yield run


def body_of(response: flask.Response) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.get_data())
    return data


def assert_error(response: flask.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = body_of(response)
    assert body["success"] is False
    assert set(body) == {"success", "error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert set(body["error"]) <= {"code", "message", "details"}
    assert response.headers.get("X-Request-Id")
    error: dict[str, Any] = body["error"]
    return error


# -- success -------------------------------------------------------------------------------


def test_success_uses_the_route_status_and_camel_case_body(send: Send, recorder: Recorder) -> None:
    response = send("POST", "/t/start", json={"avatar": "alex", "duration": 30, "voiceId": "v"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = body_of(response)
    assert body["body"]["voiceId"] == "v"
    assert body["body"]["duration"] == 30
    assert len(recorder.calls) == 1
    assert recorder.calls[0].principal is None


@pytest.mark.parametrize("path", ["/t/s/abc-123", "/t/s/abc-123/"])
def test_path_parameters_reach_the_handler(send: Send, path: str) -> None:
    response = send("GET", path)
    assert response.status_code == 200
    assert body_of(response)["sessionId"] == "abc-123"


def test_query_is_validated_and_passed(send: Send) -> None:
    response = send("GET", "/t/list?page=2&limit=5&status=paused")
    assert response.status_code == 200
    assert body_of(response)["query"] == {"page": 2, "limit": 5, "status": "paused"}


def test_handler_may_return_a_raw_response(send: Send) -> None:
    response = send("GET", "/t/raw")
    assert response.status_code == 202
    assert body_of(response) == {"hello": "world"}


def test_empty_body_counts_as_an_empty_object(send: Send, recorder: Recorder) -> None:
    assert send("POST", "/t/s/abc/pause").status_code == 200
    assert len(recorder.calls) == 1


# -- client errors -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"avatar": "alex",}', b"\xff\xfe\x00"])
def test_malformed_json_is_400(send: Send, recorder: Recorder, raw: bytes) -> None:
    response = send("POST", "/t/start", data=raw, content_type="application/json")
    assert_error(response, 400, "MALFORMED_JSON")
    assert recorder.calls == []


def test_unknown_field_is_400_with_field_details_and_no_input_echo(send: Send, recorder: Recorder) -> None:
    response = send("POST", "/t/start", json={"avatar": "alex", "duration": 30, "secretField": SECRET})
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert [d["field"] for d in error["details"]] == ["secretField"]
    assert all("input" not in d for d in error["details"])
    assert SECRET not in response.get_data(as_text=True)
    assert recorder.calls == []


def test_invalid_values_are_reported_per_field_without_the_input(send: Send) -> None:
    response = send("POST", "/t/start", json={"avatar": "alex", "duration": SECRET, "mode": SECRET})
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"duration", "mode"}
    assert SECRET not in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [[1, 2], "text", 42])
def test_non_object_body_is_a_validation_error(send: Send, body: Any) -> None:
    assert_error(send("POST", "/t/start", json=body), 400, "VALIDATION_ERROR")


def test_invalid_query_is_400(send: Send) -> None:
    error = assert_error(send("GET", "/t/list?limit=500"), 400, "VALIDATION_ERROR")
    assert [d["field"] for d in error["details"]] == ["limit"]


def test_unknown_query_parameter_is_400(send: Send) -> None:
    error = assert_error(send("GET", "/t/list?sort=asc"), 400, "VALIDATION_ERROR")
    assert [d["field"] for d in error["details"]] == ["sort"]


def test_body_over_the_limit_is_413_before_the_handler(send: Send, recorder: Recorder) -> None:
    limit = get_settings().max_body_bytes
    payload = json.dumps({"avatar": "alex", "duration": 30, "metadata": {"k": "x" * limit}})
    response = send("POST", "/t/start", data=payload, content_type="application/json")
    error = assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert error["details"] == {"maxBytes": limit}
    assert recorder.calls == []


def test_body_at_the_limit_is_accepted(send: Send) -> None:
    limit = get_settings().max_body_bytes
    response = send(
        "POST", "/t/s/abc/pause", data=b" " * (limit - 2) + b"{}", content_type="application/json"
    )
    assert response.status_code == 200


def test_body_size_is_checked_before_authentication(send: Send) -> None:
    too_big = b"{}" + b" " * get_settings().max_body_bytes
    response = send("POST", "/t/private", data=too_big, content_type="application/json")
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_missing_token_on_a_user_route_is_401(send: Send, recorder: Recorder) -> None:
    assert_error(send("GET", "/t/private"), 401, "UNAUTHENTICATED")
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/t/s/abc", "DELETE, GET"), ("PUT", "/t/start", "POST"), ("DELETE", "/t/list", "GET")],
)
def test_wrong_method_is_405_with_allow(send: Send, method: str, path: str, allow: str) -> None:
    response = send(method, path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == allow


@pytest.mark.parametrize("path", ["/t/nope", "/t/s/abc/fly", "/t/s/not%20valid", "/t/s/" + "a" * 129, "/"])
def test_unknown_path_is_404(send: Send, path: str) -> None:
    assert_error(send("GET", path), 404, "NOT_FOUND")


def test_handler_api_error_keeps_its_code(send: Send) -> None:
    error = assert_error(send("GET", "/t/missing"), 404, "NOT_FOUND")
    assert error["message"] == "No such thing."


# -- server errors -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/t/unavailable", "/t/deadline"])
def test_unavailable_dependency_is_503(send: Send, path: str) -> None:
    assert_error(send("GET", path), 503, "UNAVAILABLE")


@pytest.mark.parametrize("path", ["/t/aborted", "/t/exhausted"])
def test_a_transaction_lost_to_concurrent_writers_is_409(send: Send, path: str) -> None:
    assert_error(send("GET", path), 409, "CONFLICT")


def test_other_value_errors_stay_500(send: Send) -> None:
    assert_error(send("GET", "/t/other-value-error"), 500, "INTERNAL")


def test_unexpected_exception_is_500_without_details(send: Send) -> None:
    response = send("GET", "/t/crash")
    error = assert_error(response, 500, "INTERNAL")
    assert set(error) == {"code", "message"}
    assert SECRET not in response.get_data(as_text=True)


# -- request ids ---------------------------------------------------------------------------

REQUESTS = [
    ("GET", "/t/s/abc"),
    ("GET", "/t/raw"),
    ("GET", "/t/nope"),
    ("PUT", "/t/start"),
    ("GET", "/t/crash"),
    ("GET", "/t/unavailable"),
    ("GET", "/t/private"),
]


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_every_response_carries_a_fresh_request_id(send: Send, method: str, path: str) -> None:
    first = send(method, path).headers.get("X-Request-Id")
    second = send(method, path).headers.get("X-Request-Id")
    assert first and second and first != second


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_a_given_request_id_is_echoed(send: Send, method: str, path: str) -> None:
    response = send(method, path, headers={"X-Request-Id": "trace-42"})
    assert response.headers["X-Request-Id"] == "trace-42"


# -- idempotency keys ----------------------------------------------------------------------

START_BODY = {"avatar": "alex", "duration": 30}


@pytest.mark.parametrize("key", ["k" * 256, "k" * 1000, "   "])
def test_bad_idempotency_key_is_400(send: Send, recorder: Recorder, key: str) -> None:
    response = send("POST", "/t/start", json=START_BODY, headers={"Idempotency-Key": key})
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": "Idempotency-Key"}]
    assert recorder.calls == []


@pytest.mark.parametrize("key", ["k", "k" * 255])
def test_idempotency_key_reaches_the_handler(send: Send, recorder: Recorder, key: str) -> None:
    response = send("POST", "/t/start", json=START_BODY, headers={"Idempotency-Key": key})
    assert response.status_code == 201
    idempotency = recorder.calls[0].idempotency
    assert idempotency is not None
    assert idempotency.key == key


def test_no_idempotency_key_means_no_idempotency(send: Send, recorder: Recorder) -> None:
    send("POST", "/t/start", json=START_BODY)
    assert recorder.calls[0].idempotency is None


def test_idempotency_fingerprint_names_the_request(send: Send, recorder: Recorder) -> None:
    headers = {"Idempotency-Key": "key-1"}
    send("POST", "/t/start", json=START_BODY, headers=headers)
    # Same JSON, different key order and spacing: the same request.
    send(
        "POST",
        "/t/start",
        data='{ "duration": 30,  "avatar": "alex" }',
        content_type="application/json",
        headers=headers,
    )
    send("POST", "/t/start", json={**START_BODY, "duration": 45}, headers=headers)
    send("POST", "/t/s/one/pause", json={}, headers=headers)
    send("POST", "/t/s/two/pause", json={}, headers=headers)
    prints = [call.idempotency.fingerprint for call in recorder.calls if call.idempotency is not None]
    assert len(prints) == 5
    assert prints[0] == prints[1]
    assert len(set(prints)) == 4
