"""Safety end to end on the emulator suite: escalation, alerts, crisis reply, pause, admin actions."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from google.cloud.firestore import FieldFilter

from tests.support.emulator import PROJECT_ID, Api, TestUser, firestore_db

# Our own sentences (never benchmark texts).
HIGH_RISK = "I have made up my mind to end my life. I have been saving up pills and I plan to take them all on Saturday."
IMMINENT = "I am going to kill myself right now, the pills are in my hand and this is goodbye."
ELEVATED = "I keep thinking about killing myself lately, the thoughts will not stop."
BENIGN = "Thanks, talking helps. I think I will make some tea and call my sister."
FIGURATIVE = "This commute is killing me and my boss is going to murder me if I am late again."


def start(api: Api, **extra: Any) -> str:
    response = api.post("/sessions/start", json={"avatar": "emma", "duration": 30, **extra})
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    return sid


def say(api: Api, sid: str, text: str) -> dict[str, Any]:
    response = api.post(
        f"/sessions/{sid}/messages", json={"content": text, "clientMessageId": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def session_doc(sid: str) -> dict[str, Any]:
    data: dict[str, Any] = firestore_db().collection("sessions").document(sid).get().to_dict() or {}
    return data


def alerts_for(sid: str) -> list[Any]:
    return list(
        firestore_db().collection("crisisAlerts").where(filter=FieldFilter("sessionId", "==", sid)).get()
    )


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_high_risk_message_alerts_admins_live_and_replaces_the_reply(api: Api, user: TestUser) -> None:
    sid = start(api)
    say(api, sid, "Hi, I wanted to talk about how things have been going.")
    seen: list[tuple[float, dict[str, Any]]] = []
    ready = threading.Event()

    def on_alerts(docs: Any, _: Any, __: Any) -> None:
        for doc in docs:
            seen.append((time.time(), doc.to_dict()))
        ready.set()

    query = firestore_db().collection("crisisAlerts").where(filter=FieldFilter("sessionId", "==", sid))
    watch = query.on_snapshot(on_alerts)
    try:
        assert ready.wait(10)
        turn = say(api, sid, HIGH_RISK)
        stored = query.get()
        assert len(stored) == 1, "the alert is written inside the turn, before it answers"
        wait_for(lambda: len(seen) > 0, timeout=10)
    finally:
        watch.unsubscribe()

    arrived, alert = seen[0]
    # Issue 4: admins see the alert live within 2 s of it being raised (its createdAt, written by the
    # function on this machine's clock), whatever the HTTP round trip of the turn took.
    delay = arrived - alert["createdAt"].timestamp()
    assert delay <= 2.0, f"admin listener saw the alert {delay:.2f} s after it was raised"
    assert alert["userId"] == user.uid and alert["status"] == "active"
    assert alert["level"] in ("HIGH_RISK", "SAFETY_MODE")
    assert alert["messageId"] == turn["message"]["id"]
    assert HIGH_RISK not in json.dumps(alert, default=str), "alerts carry signals, not what was said"

    reply = turn["reply"]
    assert reply["aiModel"] == "safety-fixed-response"
    assert "988" in reply["content"], "en-US resources by default"
    session = session_doc(sid)
    assert session["safetyState"] in ("HIGH_RISK", "SAFETY_MODE")
    assert session["crisisAlertTriggered"] is True
    assert session["crisisResources"]["locale"] == "en-US"
    events = [
        e.to_dict() for e in firestore_db().collection("sessions").document(sid).collection("events").get()
    ]
    assert any(e["type"] == "safety.level_changed" for e in events)


def test_level_never_drops_by_itself_and_admin_can_clear(api: Api, admin: TestUser) -> None:
    sid = start(api)
    say(api, sid, HIGH_RISK)
    later = say(api, sid, BENIGN)
    assert later["reply"]["aiModel"] == "safety-fixed-response", "hysteresis: still the crisis response"
    level = session_doc(sid)["safetyState"]
    assert level in ("HIGH_RISK", "SAFETY_MODE")

    as_admin = Api(admin)
    assert (
        api.post(f"/admin/sessions/{sid}/clear-safety", json={"note": "spoke with user"}).status_code == 403
    )
    assert as_admin.post(f"/admin/sessions/{sid}/clear-safety", json={}).status_code == 400, (
        "a note is required"
    )
    cleared = as_admin.post(
        f"/admin/sessions/{sid}/clear-safety", json={"note": "Spoke with the user; safe plan in place."}
    )
    assert cleared.status_code == 200
    session = cleared.json()["session"]
    assert session["safetyState"] == "NORMAL" and session["highestSafetyState"] == level
    assert say(api, sid, BENIGN)["reply"]["aiModel"] == "offline-reflective"


def test_imminent_danger_pauses_the_session_until_resumed(api: Api) -> None:
    sid = start(api, metadata={"locale": "en-GB"})
    turn = say(api, sid, IMMINENT)
    assert "116 123" in turn["reply"]["content"], "Samaritans for en-GB"
    session = session_doc(sid)
    assert session["safetyState"] == "SAFETY_MODE" and session["status"] == "paused"
    refused = api.post(f"/sessions/{sid}/messages", json={"content": "hello", "clientMessageId": "x"})
    assert refused.status_code == 409
    assert api.post(f"/sessions/{sid}/resume").json()["session"]["status"] == "active"
    assert session_doc(sid)["safetyState"] == "SAFETY_MODE"


def test_figurative_and_third_person_raise_no_alert(api: Api) -> None:
    sid = start(api)
    say(api, sid, FIGURATIVE)
    say(api, sid, "My friend said she wants to die and I do not know how to help her.")
    assert alerts_for(sid) == []
    assert session_doc(sid)["safetyState"] in ("NORMAL", "WATCH")


def test_redelivered_assessment_creates_one_alert(api: Api) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    sid = start(api)
    turn = say(api, sid, HIGH_RISK)
    assessments = firestore_db().collection("safetyAssessments")
    wait_for(lambda: assessments.document(turn["message"]["id"]).get().exists)
    payload = {
        "sessionId": sid,
        "messageId": turn["message"]["id"],
        "userId": "x",
        "inlineLevel": "HIGH_RISK",
    }
    publisher = pubsub_v1.PublisherClient()
    topic = f"projects/{PROJECT_ID}/topics/safety-assessments"
    for _ in range(2):
        publisher.publish(topic, json.dumps(payload).encode()).result(timeout=10)
    before = assessments.document(turn["message"]["id"]).get().update_time
    wait_for(lambda: assessments.document(turn["message"]["id"]).get().update_time != before)
    time.sleep(1.0)
    assert len(alerts_for(sid)) == 1
    changes = [
        e.to_dict()
        for e in firestore_db().collection("sessions").document(sid).collection("events").get()
        if e.to_dict()["type"] == "safety.level_changed"
    ]
    assert len({(c["data"]["to"], c["data"]["messageId"]) for c in changes}) == len(changes)


def test_elevated_concern_is_assessed_in_depth(api: Api) -> None:
    sid = start(api)
    turn = say(api, sid, ELEVATED)
    assert turn["message"]["safety"]["level"] in ("ELEVATED_CONCERN", "HIGH_RISK")
    ref = firestore_db().collection("safetyAssessments").document(turn["message"]["id"])
    wait_for(lambda: ref.get().exists)
    assert ref.get().to_dict()["source"] == "deep:offline"


def test_trusted_contacts_are_told_without_content(api: Api, other_user: TestUser) -> None:
    contacts = {
        "contacts": [{"name": "Sam", "uid": other_user.uid}, {"name": "Ana", "email": "ana@example.test"}]
    }
    assert api.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    listed = api.get("/user/trusted-contacts").json()["contacts"]
    assert [(c["name"], c["status"]) for c in listed] == [("Sam", "pending"), ("Ana", "pending")]
    invite = Api(other_user).get("/user/contact-invites").json()["invites"][0]
    assert Api(other_user).post(f"/user/contact-invites/{invite['id']}/accept").status_code == 200
    sid = start(api)
    say(api, sid, HIGH_RISK)
    inbox = firestore_db().collection("users").document(other_user.uid).collection("notifications")
    wait_for(lambda: len(inbox.get()) == 1)
    note = inbox.get()[0].to_dict()
    assert note["type"] == "trusted_contact_alert"
    assert "pills" not in json.dumps(note, default=str).lower()


def test_a_contact_who_never_accepted_is_never_told_and_sees_no_free_text(
    api: Api, other_user: TestUser
) -> None:
    """Listing someone as a contact with a crafted name used to reach them with that text on every alert."""
    spam = "URGENT: call +1 555 0100 / visit evil.example"
    contacts = {"contacts": [{"name": spam, "uid": other_user.uid}]}
    assert api.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    sid = start(api)
    say(api, sid, HIGH_RISK)
    wait_for(lambda: len(alerts_for(sid)) == 1)
    time.sleep(1)
    inbox = firestore_db().collection("users").document(other_user.uid).collection("notifications")
    assert inbox.get() == [], "not accepted: not told"
    seen = Api(other_user).get("/user/contact-invites").text
    assert "URGENT" not in seen, "the invited person never sees the inviter's free text"
    # After accepting, the notification still carries only fixed wording.
    invite = Api(other_user).get("/user/contact-invites").json()["invites"][0]
    Api(other_user).post(f"/user/contact-invites/{invite['id']}/accept")
    assert api.post(f"/sessions/{sid}/end", json={}).status_code == 200
    say(api, start(api), HIGH_RISK)
    wait_for(lambda: len(inbox.get()) == 1)
    assert "URGENT" not in json.dumps(inbox.get()[0].to_dict(), default=str)


def test_contacts_cannot_carry_a_push_token_or_invite_oneself(api: Api, user: TestUser) -> None:
    with_token = {"contacts": [{"name": "Sam", "email": "sam@example.test", "fcmToken": "attacker-token"}]}
    assert api.request("PUT", "/user/trusted-contacts", json=with_token).status_code == 400
    myself = {"contacts": [{"name": "Me", "uid": user.uid}]}
    assert api.request("PUT", "/user/trusted-contacts", json=myself).status_code == 400
    nobody = {"contacts": [{"name": "Nobody"}]}
    assert api.request("PUT", "/user/trusted-contacts", json=nobody).status_code == 400


def test_only_the_invited_account_can_accept(api: Api, other_user: TestUser) -> None:
    from tests.support.emulator import new_user

    contacts = {"contacts": [{"name": "Sam", "uid": other_user.uid}]}
    assert api.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    invite = Api(other_user).get("/user/contact-invites").json()["invites"][0]
    stranger = Api(new_user(prefix="stranger"))
    assert stranger.post(f"/user/contact-invites/{invite['id']}/accept").status_code == 404
    assert api.post(f"/user/contact-invites/{invite['id']}/accept").status_code == 404
    assert api.get("/user/trusted-contacts").json()["contacts"][0]["status"] == "pending"


def test_admin_alert_workflow_and_report(api: Api, admin: TestUser) -> None:
    sid = start(api)
    say(api, sid, HIGH_RISK)
    as_admin = Api(admin)
    assert api.get("/admin/crisis-alerts").status_code == 403
    alerts = as_admin.get("/admin/crisis-alerts", params={"status": "active", "limit": 200}).json()["alerts"]
    mine = [a for a in alerts if a["sessionId"] == sid]
    assert len(mine) == 1
    alert_id = mine[0]["id"]
    assert as_admin.post(f"/admin/crisis-alerts/{alert_id}/resolve", json={}).status_code == 400
    acked = as_admin.post(f"/admin/crisis-alerts/{alert_id}/acknowledge").json()["alert"]
    assert acked["status"] == "acknowledged" and acked["acknowledgedBy"] == admin.uid
    assert as_admin.post(f"/admin/crisis-alerts/{alert_id}/acknowledge").status_code == 409
    resolved = as_admin.post(
        f"/admin/crisis-alerts/{alert_id}/resolve", json={"note": "Followed up."}
    ).json()["alert"]
    assert resolved["status"] == "resolved"
    year = int(resolved["createdAt"][:4])
    report = as_admin.get("/admin/reports/crisis-referrals", params={"year": year}).json()
    assert report["crisisAlerts"] >= 1 and report["resolved"] >= 1
    assert sid not in json.dumps(report) and "userId" not in json.dumps(report)


def test_stateless_screen_endpoint(api: Api) -> None:
    negated = api.post("/safety/screen", json={"text": "I am not suicidal, I just had a rough week."}).json()
    assert negated["level"] in ("NORMAL", "WATCH")
    risky = api.post("/safety/screen", json={"text": HIGH_RISK}).json()
    assert risky["level"] in ("HIGH_RISK", "SAFETY_MODE") and risky["signals"]
    assert Api().post("/safety/screen", json={"text": "hello"}).status_code == 401
    assert api.post("/safety/screen", json={"text": ""}).status_code == 400
