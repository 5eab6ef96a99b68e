"""Session helpers for the integration tests: start, say and end through the API, asserting success."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.emulator import Api


def start_session(api: Api, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    """POST /sessions/start; the whole response (`status`, `session`)."""
    response = api.post("/sessions/start", json=body, headers=headers)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def say(api: Api, sid: str, text: str, *, reply: bool) -> dict[str, Any]:
    """POST a text message (a fresh clientMessageId); the turn (`message`, `reply`)."""
    body = {"content": text, "clientMessageId": uuid.uuid4().hex, "reply": reply}
    response = api.post(f"/sessions/{sid}/messages", json=body)
    assert response.status_code == 201, response.text
    turn: dict[str, Any] = response.json()
    return turn


def end(api: Api, sid: str) -> None:
    response = api.post(f"/sessions/{sid}/end", json={"reason": "completed"})
    assert response.status_code == 200, response.text
