"""Fields the web and mobile screens read: the live session's elapsed time, each transcript message's
safety verdict, and the sentiment of a stateless chat message."""

from __future__ import annotations

import time

from tests.integration.test_safety import HIGH_RISK
from tests.support.conversation import say, start_session
from tests.support.emulator import Api

START = {"avatar": "alex", "duration": 30, "mode": "chat", "sessionType": "instant"}


def test_active_session_reports_elapsed_active_time_without_pauses(api: Api) -> None:
    assert api.get("/sessions/active").json()["elapsedTime"] is None  # no live session
    began = time.monotonic()
    sid = start_session(api, START)["session"]["id"]
    time.sleep(1.0)
    first = api.get("/sessions/active").json()
    assert first["session"]["id"] == sid
    assert 0.5 <= first["elapsedTime"] <= time.monotonic() - began + 1.0
    assert api.post(f"/sessions/{sid}/pause").status_code == 200
    paused = api.get("/sessions/active").json()["elapsedTime"]
    time.sleep(1.5)
    assert api.get("/sessions/active").json()["elapsedTime"] - paused < 0.5, "a pause stops the clock"
    api.post(f"/sessions/{sid}/end", json={"reason": "user_ended"})


def test_transcript_carries_each_messages_safety_level(api: Api) -> None:
    sid = start_session(api, START)["session"]["id"]
    say(api, sid, "I went for a walk by the river this morning.", reply=False)
    say(api, sid, HIGH_RISK, reply=False)
    messages = api.get(f"/sessions/{sid}/transcript").json()["transcript"]["messages"]
    levels = [m["safety"]["level"] for m in messages if m["speaker"] == "user"]
    assert levels[0] == "NORMAL"
    assert levels[1] in ("HIGH_RISK", "SAFETY_MODE")
    api.post(f"/sessions/{sid}/end", json={"reason": "user_ended"})


def test_stateless_chat_returns_the_messages_sentiment_and_topics(api: Api) -> None:
    happy = api.post("/ai/chat", json={"message": "I feel wonderful and happy today!", "avatar": "alex"})
    assert happy.status_code == 200, happy.text
    assert happy.json()["sentiment"]["label"] == "positive"
    low = api.post("/ai/chat", json={"message": "I feel sad and lonely at work lately.", "avatar": "alex"})
    body = low.json()
    assert body["sentiment"]["label"] == "negative"
    assert -1 <= body["sentiment"]["score"] < 0
    assert "work" in " ".join(body["topics"])
