"""The referral protocol, the companion-chatbot notices and the yearly report, end to end on the emulators.

Run with the Makefile's `integration` env (SESSIONS_AI_NOTICE_INTERVAL_SECONDS=40: "3 hours" in seconds).
Our own sentences, never benchmark texts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from google.cloud.firestore import FieldFilter

from tests.support.emulator import Api, TestUser, firestore_db

PASSIVE = "Honestly I don't want to be alive anymore."
NEGATED = "I'm not suicidal and I do want to be alive, I just had a stressful week at work."
THIRD_PERSON = (
    "My brother told me last night that he doesn't want to be alive anymore and I'm scared for him."
)
INTERVAL = float(os.environ.get("SESSIONS_AI_NOTICE_INTERVAL_SECONDS", "10800"))


def short_clock() -> None:
    if INTERVAL > 60:
        pytest.fail(
            "the notice tests need a short clock: SESSIONS_AI_NOTICE_INTERVAL_SECONDS=40 (make integration)"
        )


def start(api: Api, **extra: Any) -> str:
    response = api.post("/sessions/start", json={"avatar": "emma", "duration": 30, **extra})
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    return sid


def say(api: Api, sid: str, text: str, client_id: str | None = None) -> dict[str, Any]:
    response = api.post(
        f"/sessions/{sid}/messages", json={"content": text, "clientMessageId": client_id or uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def session_doc(sid: str) -> dict[str, Any]:
    data: dict[str, Any] = firestore_db().collection("sessions").document(sid).get().to_dict() or {}
    return data


def referral_doc(message_id: str) -> dict[str, Any] | None:
    snapshot = firestore_db().collection("referrals").document(message_id).get()
    return snapshot.to_dict() if snapshot.exists else None


def alerts_for(sid: str) -> list[Any]:
    return list(
        firestore_db().collection("crisisAlerts").where(filter=FieldFilter("sessionId", "==", sid)).get()
    )


def system_messages(sid: str) -> dict[str, dict[str, Any]]:
    messages = firestore_db().collection("sessions").document(sid).collection("messages")
    found = messages.where(filter=FieldFilter("speaker", "==", "system")).get()
    return {doc.id: doc.to_dict() for doc in found}


def wait_for(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def report(admin: TestUser, year: int) -> dict[str, Any]:
    response = Api(admin).get("/admin/reports/crisis-referrals", params={"year": year})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_passive_ideation_gets_the_locales_resources_and_one_counted_referral(api: Api) -> None:
    sid = start(api, metadata={"locale": "en-GB"})
    turn = say(api, sid, PASSIVE, "passive-1")
    reply = turn["reply"]["content"]
    assert "116 123" in reply and "85258" in reply, "the en-GB resources, not the default locale's"
    assert "988" not in reply
    assert turn["reply"]["safety"]["signals"] == ["referral:crisis"]
    session = session_doc(sid)
    assert session["referral"]["kind"] == "crisis"
    assert session["referral"]["protocolVersion"] and session["referral"]["at"]
    assert session["crisisResources"]["locale"] == "en-GB"
    assert session["crisisAlertTriggered"] is False and alerts_for(sid) == [], "below HIGH_RISK: no alert"
    record = referral_doc(turn["message"]["id"])
    assert record is not None
    assert set(record) == {"kind", "level", "month", "protocolVersion", "source", "createdAt"}
    assert record["kind"] == "crisis" and record["source"] == "session"
    # A retried post (same clientMessageId) finds the message and its reply: nothing recorded twice.
    again = say(api, sid, PASSIVE, "passive-1")
    assert again["message"]["id"] == turn["message"]["id"]
    assert referral_doc(turn["message"]["id"]) == record
    # The session keeps showing the referral after an ordinary message.
    say(api, sid, "Thanks. I had tea with my sister earlier, that was nice.")
    assert session_doc(sid)["referral"]["kind"] == "crisis"


def test_negated_gets_no_referral_and_third_person_gets_helper_support_without_an_alert(api: Api) -> None:
    sid = start(api)
    negated = say(api, sid, NEGATED)
    assert referral_doc(negated["message"]["id"]) is None
    assert "referral" not in session_doc(sid) or session_doc(sid)["referral"] is None
    worried = say(api, sid, THIRD_PERSON)
    assert worried["message"]["safety"]["level"] in ("NORMAL", "WATCH")
    assert "988" in worried["reply"]["content"], "support resources for the helper"
    assert worried["reply"]["safety"]["signals"] == ["referral:helper_support"]
    record = referral_doc(worried["message"]["id"])
    assert record is not None and record["kind"] == "helper_support"
    session = session_doc(sid)
    assert session["referral"]["kind"] == "helper_support"
    assert session["crisisAlertTriggered"] is False and alerts_for(sid) == []


def test_stateless_chat_applies_the_same_referral(api: Api) -> None:
    body = api.post("/ai/chat", json={"message": PASSIVE, "avatar": "emma", "locale": "en-AU"}).json()
    assert body["referral"]["kind"] == "crisis"
    assert "13 11 14" in body["reply"]["content"]
    assert body["crisisResources"]["locale"] == "en-AU"
    plain = api.post("/ai/chat", json={"message": NEGATED, "avatar": "emma"}).json()
    assert plain["referral"] is None and plain["crisisResources"] is None


def test_ai_notice_at_the_start_and_again_after_the_interval(api: Api) -> None:
    short_clock()
    sid = start(api)
    wait_for(lambda: "ai-notice-0" in system_messages(sid))
    first = system_messages(sid)["ai-notice-0"]
    assert first["type"] == "system" and "AI" in first["content"]
    assert first["createdAt"] == session_doc(sid)["startedAt"], "the start notice comes first"
    say(api, sid, "Let's talk about my week.")
    wait_for(lambda: "ai-notice-1" in system_messages(sid), timeout=INTERVAL + 20)
    notices = system_messages(sid)
    assert "break-reminder-1" not in notices, "break reminders are for minors"
    # The screen and the model never read the notices as something the user said.
    turn = say(api, sid, "Still here.")
    assert turn["message"]["safety"]["level"] == "NORMAL"


def test_a_minor_gets_break_reminders_and_only_an_admin_sets_the_flag(
    api: Api, user: TestUser, admin: TestUser
) -> None:
    assert api.request("PUT", f"/admin/users/{user.uid}/minor", json={"minor": True}).status_code == 403
    unknown = Api(admin).request("PUT", "/admin/users/no-such-user-0000/minor", json={"minor": True})
    assert unknown.status_code == 404, "a typo must not create a user document"
    flagged = Api(admin).request("PUT", f"/admin/users/{user.uid}/minor", json={"minor": True})
    assert flagged.status_code == 200 and flagged.json()["minor"] is True
    short_clock()
    sid = start(api)
    wait_for(lambda: "break-reminder-1" in system_messages(sid), timeout=INTERVAL + 20)
    notices = system_messages(sid)
    assert {"ai-notice-0", "ai-notice-1", "break-reminder-1"} <= set(notices)
    assert "break" in notices["break-reminder-1"]["content"].lower()


def test_a_redelivered_notice_timer_creates_nothing_twice(api: Api) -> None:
    from backend.triggers.notices import session_notice

    sid = start(api)
    wait_for(lambda: "ai-notice-0" in system_messages(sid))
    generation = session_doc(sid)["timerGeneration"]
    payload = {"sessionId": sid, "generation": generation, "index": 0, "dueAt": time.time() - 1}
    before = system_messages(sid)
    session_notice(dict(payload))
    session_notice(dict(payload))
    assert system_messages(sid) == before


def test_the_report_counts_exactly_the_referrals_made(api: Api, admin: TestUser) -> None:
    year = datetime.now(UTC).year
    month = f"{datetime.now(UTC).month:02d}"
    before = report(admin, year)
    sid = start(api)
    say(api, sid, PASSIVE, "r-1")
    say(api, sid, PASSIVE, "r-1")  # a retry: not a second referral
    say(api, sid, "I'm so tired of being alive, what's even the point of living.", "r-2")
    # The level carries over to later messages of the window; they are not new referrals.
    say(api, sid, "Thanks for listening. I had tea with my sister earlier.", "r-3")
    api.post(f"/sessions/{sid}/end", json={})
    other = start(api)
    say(api, other, THIRD_PERSON, "r-4")
    say(api, other, NEGATED, "r-5")
    after = report(admin, year)
    assert after["crisisReferrals"] - before["crisisReferrals"] == 2
    assert after["helperSupportReferrals"] - before["helperSupportReferrals"] == 1
    assert after["byMonth"][month] - before["byMonth"][month] == 2
    assert sum(after["byLevel"].values()) == after["crisisReferrals"]
    assert after["protocolVersions"]
    text = json.dumps(after)
    assert sid not in text and other not in text and "userId" not in text and "sessionId" not in text
    as_csv = Api(admin).get("/admin/reports/crisis-referrals", params={"year": year, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0] == ["metric", "key", "count"]
    assert ["crisis_referrals", "total", str(after["crisisReferrals"])] in rows


def verified_user(prefix: str) -> TestUser:
    """A fresh account whose e-mail is verified (so it can accept an invitation sent to that address)."""
    from firebase_admin import auth

    from tests.support.emulator import admin_app, new_user, sign_in

    fresh = new_user(prefix=prefix)
    auth.update_user(fresh.uid, email_verified=True, app=admin_app())
    return sign_in(fresh.email)  # a new token carries email_verified


def accept_invitations(contact: TestUser, inviter: TestUser) -> None:
    invites = Api(contact).get("/user/contact-invites").json()["invites"]
    mine = [i for i in invites if i["inviterUid"] == inviter.uid]
    assert mine, "the invitation reached the contact"
    for invite in mine:
        assert Api(contact).post(f"/user/contact-invites/{invite['id']}/accept").status_code == 200


def test_an_accepted_email_contact_gets_a_trigger_email_document_without_content(
    api: Api, user: TestUser
) -> None:
    ana, bo = verified_user("ana"), verified_user("bo")
    crafted = "Call +1 555 0100 now"  # the inviter's name for a contact never reaches anyone
    contacts = {
        "contacts": [
            {"name": "Cy", "email": "cy-never-accepts@example.test"},
            {"name": crafted, "email": ana.email},
            # An address next to a uid was never proved: Bo accepts by uid, the address is never mailed.
            {"name": "Bo", "uid": bo.uid, "email": "stranger@example.test"},
        ]
    }
    assert api.request("PUT", "/user/trusted-contacts", json=contacts).status_code == 200
    accept_invitations(ana, user)
    accept_invitations(bo, user)
    sid = start(api)
    say(api, sid, "I have decided to end my life, I saved up pills and I will take them all tonight.")
    wait_for(lambda: len(alerts_for(sid)) == 1)
    alert = alerts_for(sid)[0]
    mail = firestore_db().collection("mail")
    wait_for(lambda: mail.document(f"{alert.id}-1").get().exists)
    document = mail.document(f"{alert.id}-1").get().to_dict()
    assert set(document) == {"to", "message"} and document["to"] == ana.email.lower()
    assert set(document["message"]) == {"subject", "text", "html"}
    text = json.dumps(document).lower()
    assert "pills" not in text and "tonight" not in text and "555" not in text
    bo_inbox = firestore_db().collection("users").document(bo.uid).collection("notifications")
    wait_for(lambda: len(bo_inbox.get()) == 1)
    time.sleep(1)
    assert not mail.document(f"{alert.id}-0").get().exists, "Cy never accepted: never e-mailed"
    assert not mail.document(f"{alert.id}-2").get().exists, "an unproved address is never e-mailed"
    # Erasing the user deletes the e-mails to their contacts (they hold the contacts' addresses).
    assert api.post(f"/sessions/{sid}/end", json={}).status_code == 200
    erased = api.request("DELETE", "/user/data", headers={"Idempotency-Key": uuid.uuid4().hex})
    assert erased.status_code == 200, erased.text
    assert not mail.document(f"{alert.id}-1").get().exists
