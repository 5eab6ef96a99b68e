"""Scheduled sessions on the emulator suite: schedule, upcoming, reschedule, cancel, start, reminders by
Cloud Tasks into `users/{uid}/notifications`, and `missed`.

Reminder leads and the grace window are short here (SESSIONS_REMINDER_LEADS_SECONDS=6,0 and
SESSIONS_MISSED_GRACE_SECONDS=4 in `make integration`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.emulator import Api, TestUser, firestore_db, new_user
from tests.support.timing import GRACE, LEADS, doc, require_short_time, wait_for, when

_created: list[tuple[Api, str]] = []


@pytest.fixture(autouse=True)
def _short_timers() -> Iterator[None]:
    require_short_time()
    yield
    # Cancel what a test left pending: its far-off reminder tasks then stop retrying in the emulator.
    while _created:
        api, session_id = _created.pop()
        if status(session_id) == "pending":
            api.post(f"/sessions/{session_id}/cancel")


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def in_seconds(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def schedule(api: Api, at: datetime, **overrides: Any) -> dict[str, Any]:
    body = {"avatar": "sarah", "duration": 30, "scheduledAt": iso(at), "reminder": True, **overrides}
    response = api.post("/sessions/schedule", json=body)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["session"]
    _created.append((api, session["id"]))
    return session


def notifications(uid: str) -> list[dict[str, Any]]:
    docs = firestore_db().collection("users").document(uid).collection("notifications").get()
    return sorted(({"id": d.id, **(d.to_dict() or {})} for d in docs), key=lambda n: n["createdAt"])


def reminders(uid: str) -> list[dict[str, Any]]:
    return [n for n in notifications(uid) if n["type"] == "session_reminder"]


def status(session_id: str) -> str:
    return str(doc(f"sessions/{session_id}")["status"])


# Never early is the contract. How late depends on the emulator's dispatch under load (a failed dispatch is
# retried with backoff up to the queue's 10 s cap), so the upper bound only catches a lost reminder.
LATE_BOUND_SECONDS = 15.0


def assert_on_time(note: dict[str, Any], due: datetime) -> None:
    late = (note["createdAt"] - due).total_seconds()
    assert -0.5 <= late <= LATE_BOUND_SECONDS, f"reminder {late:+.2f} s from its due time"


# -- the API ---------------------------------------------------------------------------------


def test_schedule_upcoming_and_validation(api: Api, user: TestUser, other_user: TestUser) -> None:
    later = schedule(api, in_seconds(3600), timezone="Europe/Berlin", avatar="alex")
    sooner = schedule(api, in_seconds(1800))
    assert later["status"] == "pending" and later["sessionType"] == "scheduled"
    assert later["timezone"] == "Europe/Berlin" and later["reminder"] is True
    assert later["startedAt"] is None and later["creditsRemaining"] == 60
    schedule(Api(other_user), in_seconds(900))
    cancelled = schedule(api, in_seconds(600))
    assert api.post(f"/sessions/{cancelled['id']}/cancel").json()["session"]["status"] == "cancelled"

    upcoming = api.get("/sessions/upcoming").json()
    assert [s["id"] for s in upcoming["sessions"]] == [sooner["id"], later["id"]], (
        "own, pending, soonest first"
    )
    assert api.get("/sessions/active").json()["session"] is None, "pending sessions are not live"

    bad: list[dict[str, Any]] = [
        {"scheduledAt": iso(in_seconds(-600))},
        {"scheduledAt": iso(in_seconds(91 * 86400))},
        {"scheduledAt": in_seconds(600).replace(tzinfo=None).isoformat()},
        {"scheduledAt": iso(in_seconds(600)), "timezone": "Mars/Olympus_Mons"},
        {"scheduledAt": iso(in_seconds(600)), "duration": 20},
    ]
    for fields in bad:
        body = {"avatar": "alex", "duration": 30, **fields}
        response = api.post("/sessions/schedule", json=body)
        assert response.status_code == 400, (fields, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    within_skew = api.post(
        "/sessions/schedule", json={"avatar": "alex", "duration": 30, "scheduledAt": iso(in_seconds(-5))}
    )
    assert within_skew.status_code == 201, "a little clock skew is allowed"

    moved = api.post(f"/sessions/{later['id']}/reschedule", json={"scheduledAt": iso(in_seconds(7200))})
    assert moved.status_code == 200 and moved.json()["session"]["scheduleRevision"] == 1
    assert (
        api.post(
            f"/sessions/{cancelled['id']}/reschedule", json={"scheduledAt": iso(in_seconds(7200))}
        ).status_code
        == 409
    )
    assert (
        Api(other_user)
        .post(f"/sessions/{later['id']}/reschedule", json={"scheduledAt": iso(in_seconds(7200))})
        .status_code
        == 404
    )
    events = firestore_db().collection("sessions").document(later["id"]).collection("events").get()
    assert sorted(e.get("type") for e in events) == ["session.rescheduled", "session.scheduled"]


def test_starting_a_pending_session_checks_credits_and_the_live_limit(api: Api, user: TestUser) -> None:
    first = schedule(api, in_seconds(1800))
    second = schedule(api, in_seconds(3600))
    started = api.post(f"/sessions/{first['id']}/start")
    assert started.status_code == 200, started.text
    session = started.json()["session"]
    assert session["status"] == "active" and session["startedAt"] and session["creditsBefore"] == 60
    assert api.get("/sessions/active").json()["session"]["id"] == first["id"]
    assert api.post(f"/sessions/{second['id']}/start").status_code == 409, "one live session"
    api.post(f"/sessions/{first['id']}/end", json={"reason": "completed"})

    broke = new_user(prefix="broke")
    pending = schedule(Api(broke), in_seconds(1800))
    firestore_db().document(f"users/{broke.uid}").update({"credits": {"remaining": 0, "used": 60}})
    refused = Api(broke).post(f"/sessions/{pending['id']}/start")
    assert refused.status_code == 402 and status(pending["id"]) == "pending"
    assert api.post(f"/sessions/{first['id']}/start").status_code == 409, "a completed session cannot start"


# -- reminders and missed by Cloud Tasks -----------------------------------------------------


def test_reminders_arrive_at_their_lead_times(api: Api, user: TestUser) -> None:
    lead = max(LEADS)
    at = in_seconds(lead + 2.5)
    session = schedule(api, at, avatar="alex", timezone="America/New_York")
    found = wait_for(
        lambda: when(len(found := reminders(user.uid)) >= len(LEADS), found),
        timeout=lead + 2.5 + LATE_BOUND_SECONDS,
        what="every reminder",
    )
    scheduled_at = datetime.fromisoformat(session["scheduledAt"].replace("Z", "+00:00"))
    # One reminder per lead. Matched by lead, not by creation order: the emulator ignores scheduleTime and
    # a function worker sleeping until one task is due can hold the other back (Cloud Tasks dispatches
    # each at its own time), so creation order is not something the emulator can promise.
    by_lead = {note["leadSeconds"]: note for note in found}
    assert sorted(by_lead) == sorted(LEADS) and len(found) == len(LEADS)
    for lead_seconds, note in by_lead.items():
        assert note["sessionId"] == session["id"]
        assert note["scheduledAt"] == scheduled_at and note["read"] is False
        assert note["title"] and "Alex" in note["body"]
        assert_on_time(note, scheduled_at - timedelta(seconds=lead_seconds))
    assert api.post(f"/sessions/{session['id']}/start").status_code == 200
    time.sleep(GRACE + 1)
    assert status(session["id"]) == "active", "a started session is never marked missed"
    assert len(notifications(user.uid)) == len(LEADS)
    api.post(f"/sessions/{session['id']}/end", json={"reason": "completed"})


def test_a_passed_lead_time_is_reminded_at_once(api: Api, user: TestUser) -> None:
    lead = max(LEADS)
    session = schedule(api, in_seconds(lead / 2))  # the larger lead time is already past
    scheduled = time.monotonic()
    first = wait_for(lambda: reminders(user.uid), timeout=5, what="the immediate reminder")[0]
    assert time.monotonic() - scheduled < 4
    assert first["leadSeconds"] == lead
    api.post(f"/sessions/{session['id']}/cancel")


def test_reschedule_sends_only_the_new_reminders(api: Api, user: TestUser) -> None:
    lead = max(LEADS)
    old = in_seconds(lead + 2)
    session = schedule(api, old)
    new = in_seconds(lead + 8)
    moved = api.post(f"/sessions/{session['id']}/reschedule", json={"scheduledAt": iso(new)})
    assert moved.status_code == 200
    new_at = datetime.fromisoformat(moved.json()["session"]["scheduledAt"].replace("Z", "+00:00"))
    # Past every old reminder's time (and the new first one's): only the new first reminder exists.
    note = wait_for(lambda: reminders(user.uid), timeout=lead + LATE_BOUND_SECONDS, what="the new reminder")[
        0
    ]
    time.sleep(max(0.0, (old - datetime.now(UTC)).total_seconds()) + 2)
    found = reminders(user.uid)
    assert [n["scheduledAt"] for n in found] == [new_at], "no reminder for the old time"
    assert note["leadSeconds"] == lead
    assert_on_time(note, new_at - timedelta(seconds=lead))
    assert api.post(f"/sessions/{session['id']}/cancel").status_code == 200


def test_cancelled_session_gets_no_reminder_and_is_not_missed(api: Api, user: TestUser) -> None:
    lead = max(LEADS)
    session = schedule(api, in_seconds(lead + 1))
    assert api.post(f"/sessions/{session['id']}/cancel").json()["session"]["status"] == "cancelled"
    time.sleep(lead + 1 + GRACE + 2)  # past every reminder and the grace window
    assert notifications(user.uid) == []
    assert status(session["id"]) == "cancelled"


def test_a_session_never_started_becomes_missed(api: Api, user: TestUser) -> None:
    session = schedule(api, in_seconds(1), reminder=False)
    missed = wait_for(
        lambda: when(status(session["id"]) == "missed", doc(f"sessions/{session['id']}")),
        timeout=1 + GRACE + LATE_BOUND_SECONDS,
        what="missed",
    )
    late = (missed["endedAt"] - missed["scheduledAt"]).total_seconds()
    assert GRACE - 0.5 <= late <= GRACE + LATE_BOUND_SECONDS
    assert missed["endReason"] == "missed"
    notes = notifications(user.uid)
    assert [n["type"] for n in notes] == ["session_missed"], "reminder: false sends no reminders"
    assert api.get("/sessions/upcoming").json()["sessions"] == []
    assert api.post(f"/sessions/{session['id']}/start").status_code == 409
    events = firestore_db().collection("sessions").document(session["id"]).collection("events").get()
    assert sorted(e.get("type") for e in events) == ["session.missed", "session.scheduled"]


def test_redelivered_reminder_is_idempotent(user: TestUser, api: Api) -> None:
    """The handler itself, run twice for one planned reminder (as a redelivery would): one notification.
    The user has an FCM token, so each first delivery also tries a push (a dry run on the emulators,
    which have no FCM: it fails, is logged, and changes nothing)."""
    from backend.cloud.timers import epoch
    from backend.triggers.timers import session_reminder

    session = schedule(api, in_seconds(3600))
    registered = api.request("PUT", "/user/push-token", json={"fcmToken": "test-device-token"})
    assert registered.status_code == 200 and registered.json()["fcmToken"] == "test-device-token"
    assert doc(f"users/{user.uid}")["fcmToken"] == "test-device-token"
    at = datetime.fromisoformat(session["scheduledAt"].replace("Z", "+00:00"))
    task = {
        "sessionId": session["id"],
        "scheduledAt": epoch(at),
        "revision": 0,
        "leadSeconds": 42,
        "dueAt": time.time(),
        "taskId": f"test-{uuid.uuid4().hex}",
    }
    session_reminder(task)
    session_reminder(task)
    assert [n["leadSeconds"] for n in reminders(user.uid)] == [42]
    stale = {**task, "revision": 5, "leadSeconds": 43}
    session_reminder(stale)
    assert [n["leadSeconds"] for n in reminders(user.uid)] == [42], "a stale revision sends nothing"
