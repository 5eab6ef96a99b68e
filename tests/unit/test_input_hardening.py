"""Client input that used to reach Firestore or the JSON encoder and come back as a 500 or a poisoned
read (issue: reserved ids, deep JSON, 64-bit overflow, NaN, bad cursors, a spoofed speaker).

Runs the real route table through the real dispatcher, with authentication answered by a stub so no
emulator is needed: every request here must be refused before any handler or storage work, so the
handlers are replaced by ones that fail the test if reached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import flask
import pytest

from backend.api import ROUTES
from backend.http import dispatch as dispatch_module
from backend.http.routing import Call, Principal, Route
from shared.models.messages import PostMessageRequest, TranscriptQuery
from shared.models.sessions import ScheduleSessionRequest, StartSessionRequest

RESERVED_IDS = ["__x__", "__name__", "____", "__.__"]
BAD_CURSORS = ["a/b", ".", "..", "__x__", "a.b", "", "x" * 129]
INT64_MAX = 2**63 - 1


def _unreachable(call: Call) -> Any:
    raise AssertionError("the handler ran for a request that should have been refused")


@pytest.fixture
def send(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    routes = [replace(route, handler=_unreachable, rate_limited=False) for route in ROUTES]
    monkeypatch.setattr(dispatch_module, "authenticate", lambda header: Principal(uid="u1", is_admin=True))
    app = flask.Flask(__name__)

    def run(method: str, path: str, **kwargs: Any) -> flask.Response:
        with app.test_request_context(path, method=method, headers={"Authorization": "Bearer t"}, **kwargs):
            return dispatch_module.dispatch(routes, flask.request)

    yield run


def _concrete(route: Route, value: str) -> str:
    return re.sub(r"\{\w+\}", value, route.path)


parametric = [r for r in ROUTES if "{" in r.path]
with_body = [r for r in ROUTES if r.body is not None]


@pytest.mark.parametrize("route", parametric, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("bad_id", RESERVED_IDS)
def test_reserved_firestore_ids_in_a_path_are_404_not_500(send: Any, route: Route, bad_id: str) -> None:
    response = send(route.method, _concrete(route, bad_id), json={} if route.body else None)
    assert response.status_code == 404, response.get_data()


@pytest.mark.parametrize("route", with_body, ids=lambda r: f"{r.method} {r.path}")
def test_deeply_nested_json_is_400_not_500(send: Any, route: Route) -> None:
    deep = b"[" * 1000 + b"]" * 1000  # 2 KB
    response = send(route.method, _concrete(route, "abc"), data=deep, content_type="application/json")
    assert response.status_code == 400
    assert json.loads(response.get_data())["error"]["code"] == "MALFORMED_JSON"


@pytest.mark.parametrize("route", with_body, ids=lambda r: f"{r.method} {r.path}")
def test_moderately_nested_json_is_refused_before_any_walk_can_recurse(send: Any, route: Route) -> None:
    nested = b'{"a":' * 200 + b"1" + b"}" * 200  # parses fine in Python; too deep for any of our models
    response = send(route.method, _concrete(route, "abc"), data=nested, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/sessions/start", "/api/v1/sessions/schedule"])
@pytest.mark.parametrize(
    "raw_value", ["NaN", "Infinity", "-Infinity", "1e400", str(INT64_MAX + 1), str(-(2**63) - 1), "9" * 40]
)
def test_metadata_numbers_that_cannot_be_stored_or_sent_are_400(send: Any, path: str, raw_value: str) -> None:
    body = (
        '{"avatar":"emma","duration":30,"scheduledAt":"2030-01-02T15:00:00Z",'
        f'"metadata":{{"n":{raw_value}}}}}'
    )
    if path.endswith("start"):
        body = body.replace('"scheduledAt":"2030-01-02T15:00:00Z",', "")
    response = send("POST", path, data=body.encode(), content_type="application/json")
    assert response.status_code == 400, response.get_data()


@pytest.mark.parametrize("model", [StartSessionRequest, ScheduleSessionRequest])
def test_int64_bounds_are_accepted(model: type[StartSessionRequest] | type[ScheduleSessionRequest]) -> None:
    data: dict[str, Any] = {"avatar": "emma", "duration": 30, "metadata": {"hi": INT64_MAX, "lo": -(2**63)}}
    if model is ScheduleSessionRequest:
        data["scheduledAt"] = "2030-01-02T15:00:00Z"
    assert model.model_validate(data).metadata == {"hi": INT64_MAX, "lo": -(2**63)}


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_that_is_not_a_message_id_is_400(send: Any, cursor: str) -> None:
    response = send("GET", "/api/v1/sessions/abc/transcript", query_string={"cursor": cursor})
    assert response.status_code == 400, response.get_data()


def test_a_real_message_id_is_a_valid_cursor() -> None:
    assert TranscriptQuery.model_validate({"cursor": "0123456789abcdef01234567"}).cursor


@pytest.mark.parametrize("speaker", ["ai", "system", "admin", "therapist"])
def test_a_client_cannot_post_as_another_speaker(speaker: str) -> None:
    with pytest.raises(ValueError):
        PostMessageRequest.model_validate({"content": "hi", "clientMessageId": "c1", "speaker": speaker})


def test_user_speaker_is_still_accepted_for_old_clients() -> None:
    request = PostMessageRequest.model_validate({"content": "hi", "clientMessageId": "c1", "speaker": "user"})
    assert request.speaker == "user"


@pytest.mark.parametrize("route", with_body, ids=lambda r: f"{r.method} {r.path}")
def test_a_lone_surrogate_is_400_before_any_storage(send: Any, route: Route) -> None:
    raw = b'{"content":"\\ud800","avatar":"emma","duration":30,"clientMessageId":"c","text":"\\udfff"}'
    response = send(route.method, _concrete(route, "abc"), data=raw, content_type="application/json")
    assert response.status_code == 400, response.get_data()


@pytest.mark.parametrize("key", ["__x__", "____", "__name__"])
def test_reserved_field_names_cannot_be_metadata_or_context_keys(key: str) -> None:
    from shared.models.userdata import UserStateRequest

    with pytest.raises(ValueError):
        StartSessionRequest.model_validate({"avatar": "emma", "duration": 30, "metadata": {key: 1}})
    with pytest.raises(ValueError):
        UserStateRequest.model_validate({"conversationContext": {key: 1}})
