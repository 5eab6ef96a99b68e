"""The live conversation on the emulator suite: real listeners see messages stream in order."""

from __future__ import annotations

import csv
import io
import threading
import time
from typing import Any

import pytest

from tests.support.emulator import Api, TestUser, firestore_db

START = {"avatar": "sarah", "duration": 30}


def start(api: Api) -> str:
    """A started session, once its start notice ("you are talking to an AI", a `system` message) is in."""
    response = api.post("/sessions/start", json=START)
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    notice = (
        firestore_db().collection("sessions").document(sid).collection("messages").document("ai-notice-0")
    )
    wait_for(lambda: notice.get().exists, timeout=15)
    return sid


def conversation(sid: str) -> list[Any]:
    """The session's messages without the backend's `system` notices."""
    docs = firestore_db().collection("sessions").document(sid).collection("messages").get()
    return [d for d in docs if d.get("speaker") != "system"]


def say(api: Api, sid: str, text: str, cid: str, **extra: Any) -> dict[str, Any]:
    response = api.post(f"/sessions/{sid}/messages", json={"content": text, "clientMessageId": cid, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_for(predicate: Any, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_listener_sees_user_message_then_streaming_then_final_ai_message(api: Api) -> None:
    sid = start(api)
    seen: list[tuple[str, str, str, str]] = []
    typing: list[bool] = []
    ready = threading.Event()
    session_ref = firestore_db().collection("sessions").document(sid)

    def on_messages(_: Any, changes: Any, __: Any) -> None:
        for change in changes:
            data = change.document.to_dict()
            if data["speaker"] == "system":
                continue  # the AI notices are not part of the turn
            seen.append((change.type.name, data["speaker"], data["status"], data["content"]))
        ready.set()

    def on_session(docs: Any, _: Any, __: Any) -> None:
        for doc in docs:
            typing.append(bool(doc.to_dict().get("aiTyping")))

    watch = session_ref.collection("messages").on_snapshot(on_messages)
    watch_session = session_ref.on_snapshot(on_session)
    try:
        assert ready.wait(10)
        turn = say(api, sid, "I keep putting off my project at work and feel stuck", "m-1")
        wait_for(lambda: any(s[1] == "ai" and s[2] == "complete" for s in seen))
    finally:
        watch.unsubscribe()
        watch_session.unsubscribe()

    assert seen[0][:3] == ("ADDED", "user", "complete")
    ai = [s for s in seen if s[1] == "ai"]
    assert ai[0][2] == "streaming", f"the AI message first appears while streaming: {ai}"
    assert ai[-1][2] == "complete" and ai[-1][3] == turn["reply"]["content"]
    growing = [len(s[3]) for s in ai]
    assert growing == sorted(growing), "streamed content only grows"
    assert True in typing and typing[-1] is False, "aiTyping goes true while streaming, false after"
    assert turn["reply"]["aiModel"] == "offline-reflective"
    assert turn["message"]["sentiment"]["label"] in ("negative", "neutral", "positive")


def test_retry_with_same_client_message_id_stores_once(api: Api) -> None:
    sid = start(api)
    first = say(api, sid, "Hello, I would like to talk about sleep", "same-id")
    again = say(api, sid, "Hello, I would like to talk about sleep", "same-id")
    assert again["message"]["id"] == first["message"]["id"]
    assert again["reply"]["id"] == first["reply"]["id"]
    assert len(conversation(sid)) == 2


def test_message_errors(api: Api, other_user: TestUser) -> None:
    sid = start(api)
    too_long = api.post(f"/sessions/{sid}/messages", json={"content": "x" * 4001, "clientMessageId": "a"})
    assert too_long.status_code == 400
    missing_id = api.post(f"/sessions/{sid}/messages", json={"content": "hi"})
    assert missing_id.status_code == 400
    foreign = Api(other_user).post(
        f"/sessions/{sid}/messages", json={"content": "hi", "clientMessageId": "b"}
    )
    assert foreign.status_code == 404
    api.post(f"/sessions/{sid}/pause")
    paused = api.post(f"/sessions/{sid}/messages", json={"content": "hi", "clientMessageId": "c"})
    assert paused.status_code == 409
    assert conversation(sid) == []


def test_transcript_pages_with_stable_cursors(api: Api) -> None:
    sid = start(api)
    for i in range(5):
        say(api, sid, f"line {i} from the guest", f"t-{i}", type="transcript")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"/sessions/{sid}/transcript", params=params).json()["transcript"]
        assert body["totalMessages"] == 6 and body["sessionId"] == sid, "5 lines and the start notice"
        seen += [m["content"] for m in body["messages"] if m["speaker"] != "system"]
        pages += 1
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == [f"line {i} from the guest" for i in range(5)]
    assert pages == 3  # 6 messages, 2 a page
    assert api.get(f"/sessions/{sid}/transcript", params={"cursor": "nope"}).status_code == 400


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [("csv", "text/csv", b"timestamp,"), ("pdf", "application/pdf", b"%PDF")],
)
def test_export(api: Api, fmt: str, content_type: str, magic: bytes) -> None:
    sid = start(api)
    say(api, sid, 'Money has been a worry, 100, "quotes"', "e-1")
    response = api.get(f"/sessions/{sid}/export", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert f"session-{sid}" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].rstrip('"').endswith(f".{fmt}")
    assert response.content.startswith(magic)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["timestamp", "speaker", "type", "content", "sentiment"]
        assert rows[2][3] == 'Money has been a worry, 100, "quotes"'
        assert [r[1] for r in rows[1:]] == ["system", "user", "ai"], "the AI notice is part of the record"


def test_aggregates_catch_up_within_seconds(api: Api) -> None:
    sid = start(api)
    for i in range(3):
        say(api, sid, f"tell me about step {i}", f"g-{i}")
    ref = firestore_db().collection("sessions").document(sid)
    wait_for(lambda: (ref.get().to_dict() or {}).get("messageCount") == 7)  # 3 turns and the start notice
    data = ref.get().to_dict() or {}
    assert data["tokensUsed"] > 0
    assert data["aiResponseTimeAvg"] > 0
    assert data["lastMessageAt"] is not None
    assert api.get(f"/sessions/{sid}").json()["session"]["messageCount"] == 7
