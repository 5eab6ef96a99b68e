"""Every Pub/Sub and task handler delivered three times (at-least-once delivery does that): the
second and third deliveries change nothing a user or an admin can see."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.support.adversarial import TALLY
from tests.support.emulator import Api, firestore_db

HIGH_RISK = "I have made up my mind to end my life. I have been saving up pills and I plan to take them all on Saturday."


def _snapshot(sid: str) -> dict[str, Any]:
    db = firestore_db()
    ref = db.collection("sessions").document(sid)
    session = ref.get().to_dict() or {}
    keep = ("status", "safetyState", "safetyEventsCount", "creditsUsed", "creditsRemaining", "messageCount")
    return {
        "session": {k: session.get(k) for k in keep},
        "events": sorted((e.id, str(e.to_dict())) for e in ref.collection("events").get()),
        "alerts": sorted(a.id for a in db.collection("crisisAlerts").where("sessionId", "==", sid).get()),
        "memory": (db.collection("memories").document(sid).get().to_dict() or {}).get("summary"),
    }


def _three_times(sid: str, deliver: Any) -> None:
    deliver()
    first = _snapshot(sid)
    for _ in range(2):
        deliver()
        TALLY[("replays", 200)] += 1
        assert _snapshot(sid) == first


def _start(api: Api) -> str:
    response = api.post("/sessions/start", json={"avatar": "emma", "duration": 15})
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    return sid


def test_safety_assessment_stats_flush_and_memory_replayed(api: Api) -> None:
    from backend.triggers.memory import write_memory
    from backend.triggers.safety import assess
    from backend.triggers.stats import flush

    sid = _start(api)
    said = api.post(
        f"/sessions/{sid}/messages", json={"content": HIGH_RISK, "clientMessageId": uuid.uuid4().hex}
    )
    message_id = said.json()["message"]["id"]
    payload = {"sessionId": sid, "messageId": message_id, "userId": "x", "inlineLevel": "HIGH_RISK"}
    _three_times(sid, lambda: assess(payload))
    _three_times(sid, lambda: flush(sid))
    assert api.post(f"/sessions/{sid}/end", json={}).status_code == 200
    deadline = time.monotonic() + 30
    while (firestore_db().document(f"sessions/{sid}").get().get("memoryStatus")) == "pending":
        assert time.monotonic() < deadline, "the memory function never ran"
        time.sleep(0.5)
    _three_times(sid, lambda: write_memory(sid))


def test_session_timer_tick_replayed(api: Api) -> None:
    from backend.triggers.timers import session_timer

    sid = _start(api)
    time.sleep(2.5)  # one short test minute
    session = firestore_db().document(f"sessions/{sid}").get().to_dict() or {}
    data = {
        "sessionId": sid,
        "generation": session["timerGeneration"],
        "kind": "tick",
        "minute": 1,
        "dueAt": time.time() - 1,
    }
    started = time.time()
    for _ in range(3):
        session_timer(dict(data))
        TALLY[("replays", 200)] += 1
    after = firestore_db().document(f"sessions/{sid}").get().to_dict() or {}
    # Each started minute is charged once, however often its tick is delivered (2 s test minutes).
    started_minutes = int((time.time() - session["startedAt"].timestamp()) // 2) + 1
    assert after["creditsUsed"] <= started_minutes, (after["creditsUsed"], started_minutes)
    assert (
        after["creditsRemaining"] + after["creditsUsed"]
        == session["creditsRemaining"] + session["creditsUsed"]
    )
    assert time.time() - started < 30
