"""Credits on the emulator suite: the ledger, metering by started minute, timers that end sessions by
themselves, the low-credit warning, pauses, heartbeats, messages and the idle sweep.

Time runs fast here: a "minute" is SESSIONS_CREDIT_MINUTE_SECONDS (2 s in `make integration`).
"""

from __future__ import annotations

import math
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.emulator import Api, TestUser, firestore_db, new_user
from tests.support.timing import MINUTE, SETTINGS, doc, require_short_time, wait_for, when

START = {"avatar": "alex", "duration": 30, "mode": "chat"}


@pytest.fixture(autouse=True)
def _short_minutes() -> None:
    require_short_time()


def start(api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.post("/sessions/start", json={**START, **overrides})
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["session"]
    return session


def set_balance(admin: Api, uid: str, remaining: int) -> None:
    """Move a fresh user (60 starting credits) to `remaining` through the admin endpoint."""
    current = doc(f"users/{uid}").get("credits", {}).get("remaining", SETTINGS.starting_credits)
    if remaining != current:
        response = admin.post(
            f"/admin/users/{uid}/credits", json={"delta": remaining - current, "reason": "test setup"}
        )
        assert response.status_code == 200, response.text


def ledger(uid: str, session_id: str | None = None) -> list[dict[str, Any]]:
    docs = firestore_db().collection("users").document(uid).collection("ledger").get()
    entries = sorted((d.to_dict() for d in docs), key=lambda e: e["at"])
    return [e for e in entries if session_id is None or e.get("sessionId") == session_id]


def session_doc(session_id: str) -> dict[str, Any]:
    return {"id": session_id, **doc(f"sessions/{session_id}")}


def ended(session_id: str) -> dict[str, Any] | None:
    data = session_doc(session_id)
    return data if data.get("status") in ("completed", "cancelled", "missed") else None


def assert_books_balance(uid: str, session: dict[str, Any], before: int) -> None:
    """Every credit the session used is one ledger entry's worth, and the balance says the same."""
    charged = -sum(e["delta"] for e in ledger(uid, session["id"]))
    user = doc(f"users/{uid}")
    assert charged == session["creditsUsed"]
    assert user["credits"]["remaining"] == before - charged
    for entry in ledger(uid):
        assert entry["after"] == entry["before"] + entry["delta"]
        assert entry["after"] >= 0


@pytest.fixture
def admin_api(admin: TestUser) -> Api:
    return Api(admin)


# -- the ledger and the admin endpoint ---------------------------------------------------------


def test_admin_grant_writes_the_balance_and_one_ledger_entry(
    api: Api, user: TestUser, admin_api: Api
) -> None:
    response = admin_api.post(f"/admin/users/{user.uid}/credits", json={"delta": 15, "reason": "goodwill"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["before"], body["after"]) == (60, 75)
    assert body["credits"] == {"remaining": 75, "used": 0}
    assert api.get("/user/credits").json()["credits"] == {"remaining": 75, "used": 0}
    [entry] = ledger(user.uid)
    assert (entry["delta"], entry["reason"], entry["before"], entry["after"]) == (15, "goodwill", 60, 75)
    assert entry["actor"].startswith("admin:")


def test_admin_grant_errors_and_idempotency(api: Api, user: TestUser, admin_api: Api) -> None:
    path = f"/admin/users/{user.uid}/credits"
    assert api.post(path, json={"delta": 5, "reason": "self-service"}).status_code == 403
    missing = admin_api.post(
        f"/admin/users/nobody{uuid.uuid4().hex[:8]}/credits", json={"delta": 5, "reason": "x"}
    )
    assert missing.status_code == 404
    below = admin_api.post(path, json={"delta": -61, "reason": "too much"})
    assert below.status_code == 402 and below.json()["error"]["code"] == "INSUFFICIENT_CREDITS"
    assert admin_api.post(path, json={"delta": 0, "reason": "nothing"}).status_code == 400
    key = {"Idempotency-Key": f"grant-{uuid.uuid4().hex}"}
    first = admin_api.post(path, json={"delta": 10, "reason": "retry me"}, headers=key)
    again = admin_api.post(path, json={"delta": 10, "reason": "retry me"}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json()["after"] == first.json()["after"] == 70
    assert api.get("/user/credits").json()["credits"]["remaining"] == 70, "a retried grant pays once"
    assert len(ledger(user.uid)) == 1


def test_fifty_concurrent_grants_leave_an_exact_balance_and_fifty_entries(user: TestUser) -> None:
    from backend.store.credits import grant_credits

    def take_one(index: int) -> tuple[int, int]:
        return grant_credits(
            db=firestore_db(), user_id=user.uid, delta=-1, reason=f"c{index}", actor="test", settings=SETTINGS
        )

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(take_one, range(50)))
    assert doc(f"users/{user.uid}")["credits"]["remaining"] == 10
    entries = ledger(user.uid)
    assert len(entries) == 50
    assert sorted(e["before"] for e in entries) == list(range(11, 61)), "each grant saw the one before"
    assert sorted(after for _, after in results) == list(range(10, 60))


def test_fifty_concurrent_charges_take_each_started_minute_exactly_once(api: Api, user: TestUser) -> None:
    """Fifty charges of one session at the same moment: each recomputes minutes started so far and takes
    only the difference to what is already charged, so together they take exactly those minutes."""
    from backend.store.metering import charge

    session = start(api)
    # Control time: a 60 s minute and a start 150 s ago make exactly 3 started minutes, with a 30 s
    # margin either side however long the 50 transactions take. A new timer generation makes the
    # timers planned at the start stale, so nothing else charges meanwhile.
    now = datetime.now(UTC)
    firestore_db().document(f"sessions/{session['id']}").update(
        {"creditMinuteSeconds": 60.0, "startedAt": now - timedelta(seconds=150), "timerGeneration": 99}
    )

    def charge_once(_: int) -> int:
        result = charge(firestore_db(), session["id"], settings=SETTINGS)
        assert result is not None
        return result.charged

    with ThreadPoolExecutor(max_workers=50) as pool:
        charged = list(pool.map(charge_once, range(50)))
    assert sum(charged) == 3 and sorted(charged)[-1] == 3, charged
    stored = session_doc(session["id"])
    assert (stored["creditsUsed"], stored["creditsRemaining"]) == (3, 57)
    assert doc(f"users/{user.uid}")["credits"] == {"remaining": 57, "used": 3}
    [entry] = ledger(user.uid, session["id"])
    assert (entry["delta"], entry["before"], entry["after"], entry["reason"]) == (-3, 60, 57, "session_usage")


def test_concurrent_heartbeats_charge_each_minute_once(api: Api, user: TestUser) -> None:
    """Through HTTP, several instances at once (4 in flight: more first requests of one user at once
    trip the rate limiter's own lease transaction on the emulator, which is not what this tests)."""
    session = start(api)
    beat = f"/sessions/{session['id']}/heartbeat"
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda _: api.post(beat).status_code, range(12)))
    assert statuses == [200] * 12
    final = api.post(f"/sessions/{session['id']}/end", json={"reason": "completed"}).json()["session"]
    assert final["creditsUsed"] == math.ceil(final["durationSeconds"] / MINUTE)
    assert final["creditsAfter"] == 60 - final["creditsUsed"]
    assert_books_balance(user.uid, final, 60)


# -- metering over time --------------------------------------------------------------------------


def test_low_credit_warning_and_live_countdown_without_any_client_call(
    api: Api, user: TestUser, admin_api: Api
) -> None:
    threshold = SETTINGS.low_credit_warning_minutes
    set_balance(admin_api, user.uid, threshold + 2)
    session = start(api)
    assert session["warning"] is None
    # Minute 2 costs the credit that leaves `threshold`: it starts one minute in.
    warned = wait_for(
        lambda: when(bool((s := session_doc(session["id"])).get("warning")), s),
        timeout=MINUTE + 8,
        what="the low-credit warning",
    )
    assert warned["warning"]["type"] == "low_credits"
    assert warned["warning"]["message"]
    assert warned["creditsRemaining"] <= threshold
    # The countdown goes on by itself, one credit per minute, on the session and the user document.
    lower = wait_for(
        lambda: when((s := session_doc(session["id"]))["creditsRemaining"] < warned["creditsRemaining"], s),
        timeout=MINUTE + 8,
        what="creditsRemaining to count down",
    )
    assert doc(f"users/{user.uid}")["credits"]["remaining"] <= lower["creditsRemaining"]
    api.post(f"/sessions/{session['id']}/end", json={"reason": "completed"})


def test_session_ends_by_itself_when_credits_run_out(api: Api, user: TestUser, admin_api: Api) -> None:
    set_balance(admin_api, user.uid, 3)
    session = start(api)
    started = time.monotonic()
    # No client call at all after the start: a timer task ends it after the 3 paid minutes.
    final = wait_for(lambda: ended(session["id"]), timeout=3 * MINUTE + 15, what="the out-of-credits end")
    took = time.monotonic() - started
    assert final["status"] == "completed" and final["endReason"] == "out_of_credits"
    assert final["creditsUsed"] == 3 and final["creditsAfter"] == 0 and final["creditsBefore"] == 3
    assert 3 * MINUTE - 0.5 <= final["durationSeconds"] <= 3 * MINUTE + 1.5
    assert took >= 3 * MINUTE - 1, "not before the paid minutes are used up"
    assert doc(f"users/{user.uid}")["credits"] == {"remaining": 0, "used": 3}
    assert doc(f"users/{user.uid}")["liveSessionIds"] == []
    assert_books_balance(user.uid, final, 3)
    assert api.post("/sessions/start", json=START).status_code == 402


def test_planned_duration_ends_the_session_with_timeout(api: Api, user: TestUser) -> None:
    session = start(api, duration=15)
    final = wait_for(lambda: ended(session["id"]), timeout=15 * MINUTE + 20, what="the planned end")
    assert final["endReason"] == "timeout"
    assert final["creditsUsed"] == 15, "the final started minute is charged, never one beyond the plan"
    assert 15 * MINUTE - 0.5 <= final["durationSeconds"] <= 15 * MINUTE + 1.5
    assert_books_balance(user.uid, final, 60)


def test_a_grant_during_the_session_moves_its_end(api: Api, user: TestUser, admin_api: Api) -> None:
    set_balance(admin_api, user.uid, 3)
    session = start(api)
    grant = admin_api.post(f"/admin/users/{user.uid}/credits", json={"delta": 2, "reason": "top-up"})
    assert grant.status_code == 200
    moved = session_doc(session["id"])
    assert moved["creditsRemaining"] == 5 and moved["timerGeneration"] > session["timerGeneration"]
    # The timer planned for 3 minutes is stale now: the session is still live after them.
    time.sleep(3 * MINUTE + 1.5)
    assert session_doc(session["id"])["status"] == "active"
    final = wait_for(lambda: ended(session["id"]), timeout=2 * MINUTE + 15, what="the moved end")
    assert final["endReason"] == "out_of_credits" and final["creditsUsed"] == 5
    assert_books_balance(user.uid, final, 5)


def test_paused_time_is_not_billed(api: Api, user: TestUser) -> None:
    session = start(api)
    wall = time.monotonic()
    assert api.post(f"/sessions/{session['id']}/pause").json()["session"]["status"] == "paused"
    time.sleep(3 * MINUTE)
    resumed = api.post(f"/sessions/{session['id']}/resume").json()["session"]
    assert resumed["status"] == "active"
    final = api.post(f"/sessions/{session['id']}/end", json={"reason": "completed"}).json()["session"]
    wall = time.monotonic() - wall
    assert final["pausedSeconds"] >= 3 * MINUTE - 0.5
    assert final["durationSeconds"] <= wall - 3 * MINUTE + 0.5
    assert final["creditsUsed"] == math.ceil(final["durationSeconds"] / MINUTE)
    assert final["creditsUsed"] < math.ceil(wall / MINUTE), "the pause would have cost more"
    assert_books_balance(user.uid, final, 60)


def test_messages_and_heartbeats_charge_as_minutes_start(api: Api, user: TestUser) -> None:
    session = start(api)
    began = time.monotonic()
    sid = session["id"]
    body = {"content": "hello", "clientMessageId": "m-1", "reply": False}
    assert api.post(f"/sessions/{sid}/messages", json=body).status_code == 201
    first = session_doc(sid)
    assert first["creditsUsed"] >= 1 and first["creditsRemaining"] == 60 - first["creditsUsed"]
    assert api.post(f"/sessions/{sid}/heartbeat").status_code == 200
    if time.monotonic() - began < MINUTE - 0.2:
        assert session_doc(sid)["creditsUsed"] == 1, "no second charge within the first minute"
    time.sleep(MINUTE + 0.3)
    assert api.post(f"/sessions/{sid}/messages", json={**body, "clientMessageId": "m-2"}).status_code == 201
    assert session_doc(sid)["creditsUsed"] >= 2
    assert doc(f"users/{user.uid}")["credits"]["remaining"] == 60 - session_doc(sid)["creditsUsed"]


# -- the idle sweep ------------------------------------------------------------------------------


def test_idle_sweep_ends_only_idle_sessions_and_bills_up_to_last_seen(api: Api, user: TestUser) -> None:
    from backend.store.metering import sweep_idle

    idle = start(api)
    time.sleep(MINUTE * 1.25)
    assert api.post(f"/sessions/{idle['id']}/heartbeat").status_code == 200  # 2 minutes started: charged
    seen = session_doc(idle["id"])
    assert seen["creditsUsed"] == 2
    present_user = new_user(prefix="present")
    present = start(Api(present_user))
    time.sleep(MINUTE * 1.5)  # the idle one's 3rd minute starts, unseen
    assert Api(present_user).post(f"/sessions/{present['id']}/heartbeat").status_code == 200

    swept = sweep_idle(firestore_db(), settings=SETTINGS, timeout_seconds=MINUTE)

    assert idle["id"] in swept and present["id"] not in swept
    final = session_doc(idle["id"])
    assert final["status"] == "completed" and final["endReason"] == "idle"
    assert final["creditsUsed"] == 2, "billed up to lastSeenAt, not up to the sweep"
    last_seen = (seen["lastSeenAt"] - seen["startedAt"]).total_seconds()
    assert final["durationSeconds"] == pytest.approx(last_seen, abs=0.01)
    assert doc(f"users/{user.uid}")["liveSessionIds"] == []
    assert session_doc(present["id"])["status"] == "active"
    assert_books_balance(user.uid, final, 60)
    Api(present_user).post(f"/sessions/{present['id']}/end", json={"reason": "completed"})


def test_idle_sweep_gives_back_minutes_charged_after_last_seen(
    api: Api, user: TestUser, admin_api: Api
) -> None:
    """Near the end of the balance, ticks charge every minute without the client; an idle session is
    billed only up to lastSeenAt, so the sweep returns the rest with an `idle_adjustment` entry."""
    from backend.store.metering import sweep_idle

    set_balance(admin_api, user.uid, SETTINGS.low_credit_warning_minutes + 1)
    session = start(api)
    assert api.post(f"/sessions/{session['id']}/heartbeat").status_code == 200  # minute 1, last seen
    wait_for(lambda: session_doc(session["id"])["creditsUsed"] >= 3, timeout=3 * MINUTE + 10, what="ticks")

    swept = sweep_idle(firestore_db(), settings=SETTINGS, timeout_seconds=MINUTE / 2)

    assert session["id"] in swept
    final = session_doc(session["id"])
    assert final["endReason"] == "idle" and final["creditsUsed"] == 1
    entries = ledger(user.uid, session["id"])
    assert entries[-1]["reason"] == "idle_adjustment" and entries[-1]["delta"] > 0
    assert_books_balance(user.uid, final, SETTINGS.low_credit_warning_minutes + 1)
