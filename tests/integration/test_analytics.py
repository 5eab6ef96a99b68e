"""Admin analytics: a seeded day's rollup equals figures computed here from the same documents, a
re-run writes nothing, the range read reports missing days, and live figures see live traffic."""

from __future__ import annotations

import random
import statistics
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support.conversation import say, start_session
from tests.support.emulator import Api, TestUser, firestore_db

START = {"avatar": "alex", "duration": 30, "mode": "chat", "sessionType": "instant"}


def _seed_day() -> tuple[date, list[dict[str, Any]], list[dict[str, Any]]]:
    """Sessions and AI messages around a random past day no other test writes to; some just outside it."""
    rng = random.Random()
    day = date(2001, 1, 1) + timedelta(days=rng.randrange(0, 365 * 18))
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    users = [f"analytics-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    offsets = [0.0, 3600.0, 7200.5, 43200.0, 86399.9, 86400.0, -0.1]  # the last two: the next / previous day
    sessions = []
    for i, offset in enumerate(offsets):
        status = ["completed", "completed", "cancelled", "completed", "missed", "completed", "completed"][i]
        doc: dict[str, Any] = {
            "userId": users[i % len(users)],
            "status": status,
            "startedAt": midnight + timedelta(seconds=offset),
            "crisisAlertTriggered": i in (1, 5),
        }
        # As the API stores them: a field without a value is null, not absent.
        doc["durationSeconds"] = 60.0 * (i + 1) + 0.5 if status in ("completed", "cancelled") else None
        doc["userRating"] = {0: 5, 3: 2, 5: 4}.get(i)
        sessions.append({"id": f"analytics-{uuid.uuid4().hex}", **doc})
    messages = []
    for i, session in enumerate(sessions):
        for j in range(2):
            created = session["startedAt"] + timedelta(seconds=30 * (j + 1))
            messages.append(
                {
                    "sessionId": session["id"],
                    "id": f"m{j}-r",
                    "speaker": "ai",
                    "status": "complete",
                    "createdAt": created,
                    "responseTimeMs": 400.0 + 37 * i + 11 * j,
                }
            )
            messages.append(
                {
                    "sessionId": session["id"],
                    "id": f"m{j}",
                    "speaker": "user",
                    "status": "complete",
                    "createdAt": created - timedelta(seconds=1),
                }
            )
    db = firestore_db()
    for session in sessions:
        db.collection("sessions").document(session["id"]).set({k: v for k, v in session.items() if k != "id"})
    for m in messages:
        ref = db.collection("sessions").document(m["sessionId"]).collection("messages").document(m["id"])
        ref.set({k: v for k, v in m.items() if k != "id"})
    return day, sessions, messages


def _expected(day: date, sessions: list[dict[str, Any]], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The same figures, computed from the seeded documents in plain Python."""
    of_day = [s for s in sessions if s["startedAt"].date() == day]
    ai = [m for m in messages if m["speaker"] == "ai" and m["createdAt"].date() == day]
    durations = [s["durationSeconds"] for s in of_day if s["durationSeconds"] is not None]
    ratings = [s["userRating"] for s in of_day if s["userRating"] is not None]
    completed = sum(s["status"] == "completed" for s in of_day)
    return {
        "date": day.isoformat(),
        "totalSessions": len(of_day),
        "activeUsers": len({s["userId"] for s in of_day}),
        "completedSessions": completed,
        "completionRate": round(completed / len(of_day), 4),
        "averageDurationSeconds": round(statistics.fmean(durations), 1),
        "sessionsWithCrisisAlerts": sum(s["crisisAlertTriggered"] for s in of_day),
        "averageResponseTimeMs": round(statistics.fmean(m["responseTimeMs"] for m in ai), 1),
        "aiReplies": len(ai),
        "averageRating": round(statistics.fmean(ratings), 2),
        "ratedSessions": len(ratings),
    }


def _figures(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metrics.items() if k != "computedAt"}


def test_rollup_of_a_seeded_day_matches_an_independent_count_and_is_idempotent(
    admin: TestUser, make_api: Any
) -> None:
    day, sessions, messages = _seed_day()
    api = make_api(admin)
    expected = _expected(day, sessions, messages)
    assert expected["totalSessions"] == 5 and expected["aiReplies"] == 10  # the boundaries are excluded

    first = api.post("/admin/analytics/rollup", json={"from": day.isoformat(), "to": day.isoformat()})
    assert first.status_code == 200, first.text
    assert first.json()["changed"] == 1
    assert _figures(first.json()["days"][0]) == expected

    ref = firestore_db().collection("analyticsDaily").document(day.isoformat())
    written_at = ref.get().update_time
    again = api.post("/admin/analytics/rollup", json={"from": day.isoformat(), "to": day.isoformat()})
    assert again.json()["changed"] == 0
    assert _figures(again.json()["days"][0]) == expected
    assert ref.get().update_time == written_at, "a re-run rewrote the rollup"

    around = api.get(
        "/admin/analytics/daily",
        params={"from": (day - timedelta(days=1)).isoformat(), "to": (day + timedelta(days=1)).isoformat()},
    )
    assert around.status_code == 200, around.text
    body = around.json()
    assert [_figures(d) for d in body["days"]] == [expected]
    assert body["missing"] == [(day - timedelta(days=1)).isoformat(), (day + timedelta(days=1)).isoformat()]


def test_analytics_are_for_admins_only_and_ranges_are_checked(
    api: Api, admin: TestUser, make_api: Any
) -> None:
    assert (
        api.get("/admin/analytics/daily", params={"from": "2024-01-01", "to": "2024-01-02"}).status_code
        == 403
    )
    assert api.get("/admin/analytics/live").status_code == 403
    backwards = make_api(admin).get(
        "/admin/analytics/daily", params={"from": "2024-01-02", "to": "2024-01-01"}
    )
    assert backwards.status_code == 400


def test_live_figures_see_a_turn(api: Api, admin: TestUser, make_api: Any) -> None:
    sid = start_session(api, START)["session"]["id"]
    say(api, sid, "Hello, I just wanted to talk a little.", reply=True)
    after = make_api(admin).get("/admin/analytics/live")
    assert after.status_code == 200, after.text
    figures = after.json()
    assert figures["liveSessions"] >= 1
    assert figures["messages"] >= 2, "the user's message and the reply, just now"
    assert figures["aiReplies"] >= 1
    assert figures["averageResponseTimeMs"] is not None
    assert 0 <= figures["errorRate"] <= 1
    assert figures["messagesPerSecond"] == round(figures["messages"] / figures["windowSeconds"], 3)
    api.post(f"/sessions/{sid}/end", json={"reason": "user_ended"})
