"""The user's own data on the emulator suite: state, history, live sessions, admin stats, export, the
GDPR erase (checked by scanning the whole database) and the transcript retention purge.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.cloud.firestore import FieldFilter

from shared.settings import Settings
from tests.support import conversation
from tests.support.conversation import end, start_session
from tests.support.emulator import Api, TestUser, firestore_db, new_user
from tests.support.timing import require_short_time, wait_for

# The same sentence tests/integration/test_safety.py uses (our own text, never benchmark data).
HIGH_RISK = "I have made up my mind to end my life. I have been saving up pills and I plan to take them all on Saturday."

START = {"avatar": "alex", "duration": 30}


@pytest.fixture(autouse=True)
def _short_timers() -> None:
    require_short_time()  # the erase test waits for a reminder (6 s lead in `make integration`)


def start(api: Api, **headers: str) -> str:
    return str(start_session(api, START, **headers)["session"]["id"])


def say(api: Api, sid: str, text: str, *, reply: bool = False) -> dict[str, Any]:
    return conversation.say(api, sid, text, reply=reply)


def put_state(api: Api, body: dict[str, Any]) -> Any:
    return api.request("PUT", "/user/state", json=body)


def state_ref(uid: str) -> Any:
    return firestore_db().collection("users").document(uid).collection("private").document("state")


def count(query: Any) -> int:
    return int(query.count().get()[0][0].value)


# -- state ---------------------------------------------------------------------------------------


def test_state_defaults_then_put_replaces_the_whole_state(
    api: Api, user: TestUser, other_user: TestUser
) -> None:
    assert api.get("/user/state").json()["state"] == {
        "language": None,
        "conversationContext": {},
        "activeSessionId": None,
        "updatedAt": None,
    }
    # A users/{uid} document written elsewhere is never touched by the state (it lives below it).
    contacts = {"contacts": [{"name": "Sam", "email": "sam@example.test"}]}
    assert api.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    user_doc = firestore_db().collection("users").document(user.uid).get()

    first = put_state(
        api,
        {
            "language": "de-DE",
            "conversationContext": {"topic": "sleep", "turns": 3, "calm": True, "score": 0.5, "gone": None},
            "activeSessionId": "abc_123",
        },
    )
    assert first.status_code == 200, first.text
    assert first.json()["state"]["conversationContext"]["turns"] == 3
    assert first.json()["state"]["updatedAt"]

    second = put_state(api, {"language": "en", "conversationContext": {"topic": "work"}})
    assert second.status_code == 200, second.text
    stored = api.get("/user/state").json()["state"]
    assert stored["language"] == "en"
    assert stored["conversationContext"] == {"topic": "work"}, "replaced, never merged"
    assert stored["activeSessionId"] is None, "a field left out is cleared"
    assert stored == second.json()["state"]
    assert state_ref(user.uid).get().to_dict()["conversationContext"] == {"topic": "work"}

    after = firestore_db().collection("users").document(user.uid).get()
    assert after.update_time == user_doc.update_time and after.to_dict() == user_doc.to_dict()
    assert Api(other_user).get("/user/state").json()["state"]["conversationContext"] == {}


@pytest.mark.parametrize(
    "body",
    [
        {"language": "not a language"},
        {"language": "en-" + "x" * 40},
        {"conversationContext": {"nested": {"a": 1}}},
        {"conversationContext": {"list": [1, 2]}},
        {"conversationContext": {"bad key": "x"}},
        {"conversationContext": {"long": "x" * 1001}},
        {"conversationContext": {f"k{i}": i for i in range(51)}},
        {"conversationContext": {f"k{i}": "x" * 1000 for i in range(9)}},
        {"conversationContext": {"big": 2**60}},
        {"activeSessionId": "../other"},
        {"unknown": 1},
        {"conversationContext": "text"},
    ],
    ids=[
        "language",
        "language-too-long",
        "nested",
        "list",
        "key",
        "long-string",
        "too-many-keys",
        "over-8-KiB",
        "huge-int",
        "session-id",
        "unknown-field",
        "not-an-object",
    ],
)
def test_bad_state_is_refused_and_nothing_is_written(api: Api, user: TestUser, body: dict[str, Any]) -> None:
    assert put_state(api, {"language": "fr", "conversationContext": {"keep": "me"}}).status_code == 200
    before = state_ref(user.uid).get()

    response = put_state(api, body)

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    after = state_ref(user.uid).get()
    assert after.update_time == before.update_time
    assert after.to_dict()["conversationContext"] == {"keep": "me"}


def test_non_finite_numbers_are_refused(api: Api, user: TestUser) -> None:
    raw = '{"conversationContext": {"x": NaN}}'  # Python's JSON parser accepts NaN; the model must not
    response = api.request("PUT", "/user/state", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert not state_ref(user.uid).get().exists


# -- history -------------------------------------------------------------------------------------


def test_profile_returns_the_last_messages_across_sessions_in_order(api: Api, user: TestUser) -> None:
    from backend.store.userdata import profile

    assert put_state(api, {"language": "pt-BR"}).status_code == 200
    first = start(api)
    say(api, first, "one")
    say(api, first, "two")
    end(api, first)
    second = start(api)
    say(api, second, "three")
    say(api, second, "four")
    end(api, second)

    body = api.get("/user/profile").json()
    assert body["success"] is True
    assert [(m["content"], m["sessionId"]) for m in body["messages"]] == [
        ("one", first),
        ("two", first),
        ("three", second),
        ("four", second),
    ]
    assert {m["speaker"] for m in body["messages"]} == {"user"}
    assert all(m["type"] == "text" and m["createdAt"] for m in body["messages"])
    assert body["preferences"] == {"language": "pt-BR", "memoryEnabled": True}
    assert body["counts"] == {"sessions": 2, "messages": 4}
    assert body["limits"] == {"sessionsRead": 20, "messages": 100}

    # The caps, on the store function with small limits: the newest messages, still oldest first.
    capped = profile(firestore_db(), user.uid, messages_limit=3)
    assert [m.content for m in capped.messages] == ["two", "three", "four"]
    newest_session_only = profile(firestore_db(), user.uid, sessions_limit=1)
    assert [m.content for m in newest_session_only.messages] == ["three", "four"]
    assert Api(new_user(prefix="nobody")).get("/user/profile").json()["messages"] == []


# -- live sessions ---------------------------------------------------------------------------------


@pytest.fixture
def two_slot_service() -> Any:
    """The real Firestore session service with two live slots per user (the emulated API has one)."""
    from backend.store.sessions import FirestoreSessionService
    from shared.settings import Settings

    return FirestoreSessionService(settings=Settings(max_live_sessions_per_user=2), db=firestore_db())


def test_active_sessions_lists_every_live_session(
    api: Api, user: TestUser, other_user: TestUser, two_slot_service: Any
) -> None:
    from shared.models.sessions import StartSessionRequest

    assert api.get("/user/sessions/active").json() == {"success": True, "sessions": []}
    request = StartSessionRequest(avatar="alex", duration=30)
    phone = two_slot_service.start(user_id=user.uid, request=request)
    laptop = two_slot_service.start(user_id=user.uid, request=request)
    try:
        assert api.post(f"/sessions/{laptop.id}/pause").status_code == 200
        live = api.get("/user/sessions/active").json()["sessions"]
        assert [(s["id"], s["status"]) for s in live] == [(phone.id, "active"), (laptop.id, "paused")]
        assert all(s["userId"] == user.uid for s in live)
        assert Api(other_user).get("/user/sessions/active").json()["sessions"] == []
    finally:
        end(api, phone.id)
        end(api, laptop.id)
    assert api.get("/user/sessions/active").json()["sessions"] == []


# -- admin stats ---------------------------------------------------------------------------------


def test_admin_stats_move_with_sessions_and_are_admins_only(admin: TestUser) -> None:
    as_admin = Api(admin)

    def stats() -> dict[str, int]:
        response = as_admin.get("/admin/stats")
        assert response.status_code == 200, response.text
        body: dict[str, int] = response.json()
        return body

    someone = Api(new_user(prefix="stats"))
    assert someone.get("/admin/stats").status_code == 403
    # Other sessions may start or end meanwhile (timers), so a move is retried a few times.
    for _ in range(3):
        before = stats()
        sid = start(someone)
        during = stats()
        end(someone, sid)
        after = stats()
        moved = (
            during["activeSessions"] == before["activeSessions"] + 1
            and during["activeUsers"] == before["activeUsers"] + 1
            and after["activeSessions"] == during["activeSessions"] - 1
        )
        if moved:
            break
    assert moved, (before, during, after)
    assert during["totalProfiles"] >= 1 and after["totalProfiles"] >= during["totalProfiles"]
    assert set(after) == {"success", "activeUsers", "activeSessions", "totalProfiles"}


# -- erase ---------------------------------------------------------------------------------------


def occurrences(needles: list[str]) -> list[str]:
    """Every document of the WHOLE database whose path, field names or values mention a needle.

    Each top-level collection is read with a recursive (all-descendants) query: that is every document
    below it at any depth, including those under a parent document that does not exist (which walking
    each document's `collections()` would miss).
    """
    db = firestore_db()
    lowered = [n.lower() for n in needles]
    found = []
    for collection in db.collections():
        for doc in collection.recursive().stream():
            text = (doc.reference.path + "\n" + json.dumps(doc.to_dict(), default=str)).lower()
            found += [f"{doc.reference.path}: {n}" for n in lowered if n in text]
    return found


def subcollection_counts(sid: str) -> dict[str, int]:
    ref = firestore_db().collection("sessions").document(sid)
    return {c.id: count(c) for c in ref.collections()}


def referral_count(as_admin: Api, year: int) -> int:
    response = as_admin.get("/admin/reports/crisis-referrals", params={"year": year})
    assert response.status_code == 200, response.text
    return int(response.json()["crisisAlerts"])


@pytest.fixture
def contact() -> TestUser:
    return new_user(prefix="contact")


def test_erase_deletes_everything_of_the_user_and_nothing_else(admin: TestUser, contact: TestUser) -> None:
    db = firestore_db()
    a, b = new_user(prefix="erase-a"), new_user(prefix="erase-b")
    api_a, api_b = Api(a), Api(b)
    ana = f"ana-{uuid.uuid4().hex[:8]}@example.test"  # A's contact: A's data too

    # -- user A: state, contacts, push token, a reminder, two ended sessions, an alert, a memory ------
    assert (
        put_state(api_a, {"language": "en-GB", "conversationContext": {"mood": "tired"}}).status_code == 200
    )
    contacts = {"contacts": [{"name": "Sam", "uid": contact.uid}, {"name": "Ana", "email": ana}]}
    assert api_a.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    invite = next(
        i for i in Api(contact).get("/user/contact-invites").json()["invites"] if i["inviterUid"] == a.uid
    )
    assert (
        Api(contact).post(f"/user/contact-invites/{invite['id']}/accept").status_code == 200
    )  # Ana never does
    assert api_a.request("PUT", "/user/push-token", json={"fcmToken": "token-of-a"}).status_code == 200
    soon = (datetime.now(UTC) + timedelta(seconds=9)).isoformat().replace("+00:00", "Z")
    scheduled = api_a.post("/sessions/schedule", json={**START, "scheduledAt": soon, "reminder": True})
    assert scheduled.status_code == 201, scheduled.text
    notes = db.collection("users").document(a.uid).collection("notifications")
    wait_for(lambda: count(notes) >= 1, timeout=30, what="A's reminder")
    assert api_a.post(f"/sessions/{scheduled.json()['session']['id']}/cancel").status_code == 200

    first = start(api_a, **{"Idempotency-Key": uuid.uuid4().hex})
    say(api_a, first, "Hi, I wanted to talk about how my week went.", reply=True)
    risky = say(api_a, first, HIGH_RISK)["message"]["id"]
    alerts = db.collection("crisisAlerts").where(filter=FieldFilter("userId", "==", a.uid))
    alert = wait_for(lambda: list(alerts.get()), timeout=10, what="A's crisis alert")[0]
    wait_for(
        lambda: db.collection("safetyAssessments").document(risky).get().exists,
        timeout=20,
        what="the deep safety assessment",
    )
    told_sam = db.collection("users").document(contact.uid).collection("notifications")
    wait_for(lambda: count(told_sam) == 1, timeout=10, what="the accepted contact's notification")
    end(api_a, first)
    second = start(api_a)
    say(api_a, second, "Today was calmer, I went for a walk.", reply=True)

    db.collection("memories").document(first).set(
        {
            "userId": a.uid,
            "sessionId": first,
            "summary": "Talked about a hard week.",
            "createdAt": datetime.now(UTC),
        }
    )

    # -- user B: a session with messages ------------------------------------------------------------
    b_session = start(api_b)
    say(api_b, b_session, "Hello from B.", reply=True)
    end(api_b, b_session)
    b_before = {
        "messages": subcollection_counts(b_session),
        "user": db.document(f"users/{b.uid}").get().to_dict(),
    }

    # -- 409 while A has a live session; nothing is deleted -------------------------------------------
    refused = api_a.request("DELETE", "/user/data")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "CONFLICT"
    assert refused.json()["error"]["details"]["liveSessionIds"] == [second]
    assert db.document(f"sessions/{first}").get().exists and state_ref(a.uid).get().exists
    end(api_a, second)

    # -- what A has, just before the erase --------------------------------------------------------------
    sessions_of_a = [
        s.id for s in db.collection("sessions").where(filter=FieldFilter("userId", "==", a.uid)).get()
    ]
    assert len(sessions_of_a) == 3  # the cancelled scheduled one, first, second
    per_session = [subcollection_counts(sid) for sid in sessions_of_a]
    user_ref = db.collection("users").document(a.uid)
    expected = {
        "users": 1,
        "sessions": 3,
        "messages": sum(c.get("messages", 0) for c in per_session),
        "events": sum(c.get("events", 0) for c in per_session),
        "notifications": count(notes),
        "ledger": count(user_ref.collection("ledger")),
        "idempotencyKeys": count(user_ref.collection("idempotencyKeys")),
        "state": 1,
        "contactNotifications": 0,  # only contacts who accepted are told, and they have accounts
        "contactInvites": 2,
    }
    assert expected["messages"] >= 5 and expected["ledger"] >= 1 and expected["idempotencyKeys"] == 1
    year = alert.get("createdAt").year
    as_admin = Api(admin)
    report_before = referral_count(as_admin, year)

    # -- the erase ------------------------------------------------------------------------------------
    current = api_a.get("/user/credits").json()["credits"]["remaining"]
    delta = 7 if current + 7 != Settings().starting_credits else 8  # a balance unlike the starting grant
    granted = as_admin.post(f"/admin/users/{a.uid}/credits", json={"delta": delta, "reason": "erase test"})
    assert granted.status_code == 200, granted.text
    expected["ledger"] += 1  # the grant's entry
    balance = current + delta
    erased = api_a.request("DELETE", "/user/data", headers={"Idempotency-Key": uuid.uuid4().hex})
    assert erased.status_code == 200, erased.text
    body = erased.json()
    deleted = body["deleted"]
    assert {k: deleted[k] for k in expected} == expected
    assert deleted["memories"] >= 1  # ours, or the memory function's for the same session
    assert deleted["memoryItems"] >= 1 and deleted["memoryIndex"] >= 2  # the ended sessions' items
    assert deleted["safetyAssessments"] >= 1
    # Any other subcollection of a session (sessions/{id}/prompts with SESSIONS_RECORD_PROMPTS) goes too.
    other: dict[str, int] = {}
    for counts in per_session:
        for name, n in counts.items():
            if name not in ("messages", "events"):
                other[name] = other.get(name, 0) + n
    assert deleted["other"] == other
    assert body["anonymisedAlerts"] == 1
    assert body["anonymisedContactAlerts"] == 1

    # Nothing anywhere mentions A (uid, email, or A's contact's email).
    assert occurrences([a.uid, a.email, ana]) == []
    assert occurrences([b.uid]), "control: the scan does find a user who is still there"

    # The alert stays for the yearly counts, anonymised.
    kept = db.collection("crisisAlerts").document(alert.id).get().to_dict()
    assert kept["userId"] == "erased" and kept["messageId"] == "erased" and kept["signals"] == []
    assert kept["sessionId"].startswith("erased-") and kept["level"] == alert.get("level")
    assert referral_count(as_admin, year) >= report_before
    listed = as_admin.get("/admin/crisis-alerts", params={"limit": 200})
    assert listed.status_code == 200, "anonymised alerts still read as alerts"

    # The contact keeps the notification they got, without the sender.
    told = [
        n.to_dict() for n in db.collection("users").document(contact.uid).collection("notifications").get()
    ]
    assert len(told) == 1 and "fromUserId" not in told[0]

    # B is untouched.
    assert db.document(f"sessions/{b_session}").get().exists
    assert subcollection_counts(b_session) == b_before["messages"]
    assert db.document(f"users/{b.uid}").get().to_dict() == b_before["user"]

    # Idempotent: a second erase finds nothing; the account itself still works.
    again = api_a.request("DELETE", "/user/data").json()
    assert again["deleted"] == {**{k: 0 for k in deleted if k != "other"}, "other": {}}
    assert again["anonymisedAlerts"] == 0 and again["anonymisedContactAlerts"] == 0
    assert api_a.get("/user/state").json()["state"]["language"] is None
    # Erasing is not a way to get the starting grant again: the balance carries over (kept under a hash).
    assert api_a.get("/user/credits").json()["credits"]["remaining"] == balance


# -- export --------------------------------------------------------------------------------------


def test_export_contains_the_callers_data_only(api: Api, user: TestUser, other_user: TestUser) -> None:
    db = firestore_db()
    other = Api(other_user)
    theirs = start(other)
    say(other, theirs, "Someone else's words.")
    end(other, theirs)

    assert put_state(api, {"language": "es", "conversationContext": {"step": 2}}).status_code == 200
    assert api.request("PUT", "/user/push-token", json={"fcmToken": "secret-token"}).status_code == 200
    mine = start(api)
    say(api, mine, "My own words.")
    end(api, mine)
    db.collection("memories").document(mine).set(
        {"userId": user.uid, "sessionId": mine, "summary": "Own words.", "embedding": [0.1, 0.2]}
    )

    response = api.get("/user/export")
    assert response.status_code == 200, response.text
    body = response.json()
    export = body["export"]
    assert body["exportedAt"] and export["userId"] == user.uid
    assert [s["session"]["id"] for s in export["sessions"]] == [mine]
    said = [m["content"] for m in export["sessions"][0]["messages"] if m["speaker"] != "system"]
    assert said == ["My own words."], "the AI notices are exported too, as system messages"
    assert [e["toStatus"] for e in export["sessions"][0]["events"]][-1] == "completed"
    assert export["state"]["conversationContext"] == {"step": 2}
    assert export["user"]["fcmTokenPresent"] is True and "secret-token" not in response.text
    # Ours, or the memory function's own for the same session (it may rewrite it): never the vector.
    assert [(m["id"], m["userId"]) for m in export["memories"]] == [(mine, user.uid)]
    assert "embedding" not in export["memories"][0]
    assert export["ledger"] and export["truncated"] is False
    text = json.dumps(body)
    assert theirs not in text and other_user.uid not in text and "Someone else" not in text


# -- retention -----------------------------------------------------------------------------------


@pytest.fixture
def old_session(user: TestUser) -> Iterator[str]:
    """A session that ended in 2001, written directly (nothing real is that old)."""
    db = firestore_db()
    sid = f"old-{uuid.uuid4().hex}"
    ref = db.collection("sessions").document(sid)
    ended = datetime(2001, 1, 1, tzinfo=UTC)
    ref.set({"userId": user.uid, "status": "completed", "endedAt": ended, "createdAt": ended})
    for n in range(3):
        ref.collection("messages").document(f"m{n}").set({"content": f"old {n}", "createdAt": ended})
    ref.collection("events").document("e").set({"type": "session.ended", "at": ended})
    yield sid
    db.recursive_delete(ref)


def test_purge_transcripts_deletes_old_messages_only(old_session: str, api: Api) -> None:
    from backend.store.erasure import purge_transcripts

    recent = start(api)
    notice = firestore_db().document(f"sessions/{recent}/messages/ai-notice-0")
    wait_for(lambda: notice.get().exists, timeout=15, what="the session's start notice")
    say(api, recent, "Still here.")
    end(api, recent)
    totals: list[int] = []
    steps: list[int] = []
    on_total: Callable[[int], None] = totals.append

    # A cutoff around 2016: only the 2001 session is older.
    visited, deleted = purge_transcripts(
        firestore_db(), older_than_days=3650, on_total=on_total, on_session=steps.append
    )

    assert visited >= 1 and deleted >= 3 and totals and sum(steps) == deleted
    assert subcollection_counts(old_session) == {"events": 1}, "messages gone, events stay"
    assert firestore_db().document(f"sessions/{old_session}").get().exists
    assert subcollection_counts(recent).get("messages") == 2, "the start notice and the message stay"
