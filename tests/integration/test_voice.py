"""Barge-in on the emulators: a 1:1 reply interrupted after ~1 s keeps its text, and the next reply's
recorded prompt (SESSIONS_RECORD_PROMPTS=true) holds only what was heard."""

from __future__ import annotations

import os

import pytest

from tests.support.emulator import Api, firestore_db

pytestmark = pytest.mark.emulator


@pytest.mark.skipif(os.environ.get("SESSIONS_RECORD_PROMPTS") != "true", reason="needs recorded prompts")
def test_interrupted_reply_keeps_text_and_the_model_sees_only_what_was_heard(api: Api) -> None:
    started = api.post("/sessions/start", json={"avatar": "sarah", "duration": 30})
    assert started.status_code == 201, started.text
    sid = started.json()["session"]["id"]
    first = api.post(
        f"/sessions/{sid}/messages",
        json={"content": "I had a long and tiring week at work", "clientMessageId": "v1"},
    )
    reply = first.json()["reply"]
    assert len(reply["content"]) > 20
    cut = api.post(f"/sessions/{sid}/messages/{reply['id']}/interrupt", json={"heardMs": 1000})
    assert cut.status_code == 200, cut.text
    stored = cut.json()["message"]
    assert stored["content"] == reply["content"] and stored["interruption"]["heardMs"] == 1000
    # A user message cannot be "interrupted"; a second report changes nothing.
    user_id = first.json()["message"]["id"]
    assert api.post(f"/sessions/{sid}/messages/{user_id}/interrupt", json={"heardMs": 5}).status_code == 404
    again = api.post(f"/sessions/{sid}/messages/{reply['id']}/interrupt", json={"heardText": "x"})
    assert again.json()["message"]["interruption"]["heardMs"] == 1000
    second = api.post(f"/sessions/{sid}/messages", json={"content": "sorry, go on", "clientMessageId": "v2"})
    prompt = firestore_db().document(f"sessions/{sid}/prompts/{second.json()['reply']['id']}").get().to_dict()
    assistant = [m["content"] for m in prompt["messages"] if m["role"] == "assistant"]
    assert len(assistant) == 1 and assistant[0].endswith("[interrupted]")
    assert len(assistant[0]) < len(reply["content"])
    assert "interrupted recently" in prompt["messages"][0]["content"]
    api.post(f"/sessions/{sid}/end", json={"reason": "completed"})
