"""Scheduled upkeep under redelivery: running a job twice changes nothing the second time.

Cloud Scheduler, Cloud Tasks and Pub/Sub deliver at least once; each handler here is called in-process
(the same code the deployed function runs) twice against the emulator, and the database is compared.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.conversation import start_session
from tests.support.emulator import Api, TestUser, firestore_db
from tests.support.timing import wait_for


def _snapshot(ref: Any) -> dict[str, Any]:
    """The document and every document below it, as path -> data."""
    found: dict[str, Any] = {}
    doc = ref.get()
    if doc.exists:
        found[ref.path] = doc.to_dict()
    for collection in ref.collections():
        for child in collection.list_documents():
            found.update(_snapshot(child))
    return found


@pytest.fixture
def ended_long_ago(user: TestUser) -> Iterator[Any]:
    """A session that ended 400 days ago (beyond the default 365-day retention), with a transcript."""
    db = firestore_db()
    ref = db.collection("sessions").document(f"upkeep-{uuid.uuid4().hex}")
    ended = datetime.now(UTC) - timedelta(days=400)
    ref.set({"userId": user.uid, "status": "completed", "endedAt": ended, "createdAt": ended})
    for n in range(3):
        ref.collection("messages").document(f"m{n}").set({"content": f"old {n}", "createdAt": ended})
    ref.collection("events").document("e").set({"type": "session.ended", "at": ended})
    yield ref
    db.recursive_delete(ref)


def test_the_scheduled_retention_purge_is_idempotent(ended_long_ago: Any) -> None:
    from backend.triggers.upkeep import purge_expired_transcripts

    _, deleted = purge_expired_transcripts()
    after_first = _snapshot(ended_long_ago)
    _, deleted_again = purge_expired_transcripts()

    assert deleted >= 3
    assert deleted_again == 0
    assert _snapshot(ended_long_ago) == after_first
    assert sorted(path.rsplit("/", 2)[-2] for path in after_first) == ["events", "sessions"]


@pytest.fixture
def alerts() -> Iterator[dict[str, Any]]:
    db = firestore_db()
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    made = {
        "old_active": (now - timedelta(minutes=7), "active"),
        "new_active": (now - timedelta(minutes=1), "active"),
        "old_acknowledged": (now - timedelta(minutes=30), "acknowledged"),
    }
    refs = {}
    for name, (created, status) in made.items():
        ref = db.collection("crisisAlerts").document(f"upkeep-{tag}-{name}")
        ref.set({"status": status, "createdAt": created, "sessionId": f"s-{tag}", "level": "high_risk"})
        refs[name] = ref
    yield refs
    for ref in refs.values():
        ref.delete()


def test_the_crisis_alert_watch_reports_only_old_unacknowledged_alerts_and_writes_nothing(
    alerts: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from backend.triggers.upkeep import log_unacknowledged_alerts

    before = {name: ref.get().to_dict() for name, ref in alerts.items()}
    first = set(log_unacknowledged_alerts(limit=500))
    second = set(log_unacknowledged_alerts(limit=500))

    assert alerts["old_active"].id in first
    assert alerts["new_active"].id not in first and alerts["old_acknowledged"].id not in first
    assert first == second
    assert {name: ref.get().to_dict() for name, ref in alerts.items()} == before
    logged = capsys.readouterr().out
    assert f'"alertId": "{alerts["old_active"].id}"' in logged and '"crisis alert unacknowledged"' in logged


def _sweep_owned(ref: Any, user_id: str) -> dict[str, Any]:
    """What the sweep writes: the session's lifecycle fields, its events, the user's credits.

    (The memory function updates the session's memory fields asynchronously after the end.)
    """
    session = ref.get().to_dict()
    owned = {k: session.get(k) for k in ("status", "endReason", "endedAt", "activeSeconds", "creditsUsed")}
    owned["events"] = sorted(doc.id for doc in ref.collection("events").list_documents())
    user = firestore_db().collection("users").document(user_id).get().to_dict() or {}
    owned["user"] = {k: v for k, v in user.items() if k not in ("updatedAt",)}
    return owned


def test_the_idle_sweep_twice_ends_each_idle_session_once(api: Api, user: TestUser) -> None:
    from backend.triggers.sweeps import sweep_idle_sessions

    sid = start_session(api, {"avatar": "alex", "duration": 30})["session"]["id"]
    ref = firestore_db().collection("sessions").document(sid)
    ref.update({"lastSeenAt": datetime.now(UTC) - timedelta(days=2)})  # no heartbeat for two days

    ended = sweep_idle_sessions()
    after_first = _sweep_owned(ref, user.uid)
    ended_again = sweep_idle_sessions()

    assert sid in ended and sid not in ended_again
    assert after_first["status"] not in ("active", "paused", "pending")
    assert after_first["endReason"] == "idle"
    assert _sweep_owned(ref, user.uid) == after_first


def test_a_redelivered_stats_flush_writes_the_same_aggregates(api: Api) -> None:
    from backend.triggers.stats import flush
    from tests.support.conversation import say

    sid = start_session(api, {"avatar": "alex", "duration": 30})["session"]["id"]
    say(api, sid, "Two lines to count.", reply=True)
    ref = firestore_db().collection("sessions").document(sid)
    # The start's AI notice is written by its own task: counted once it is there.
    wait_for(
        lambda: ref.collection("messages").document("ai-notice-0").get().exists, timeout=20, what="notice"
    )

    first = flush(sid)
    fields = ("messageCount", "tokensUsed", "aiResponseTimeAvg", "lastMessageAt")
    after_first = {k: ref.get().to_dict().get(k) for k in fields}
    second = flush(sid)

    assert first is not None and second is not None
    assert {k: first[k] for k in fields} == {k: second[k] for k in fields}  # statsUpdatedAt aside
    # The start's AI notice, the line and its reply (a later notice may follow on the short test clock).
    assert after_first["messageCount"] >= 3
    assert {k: ref.get().to_dict().get(k) for k in fields} == after_first
