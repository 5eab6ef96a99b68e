"""`POST /api/v1/ai/chat` through Hosting: a stateless reply, screened, nothing stored."""

from __future__ import annotations

from google.cloud.firestore import FieldFilter

from tests.support.emulator import Api, TestUser, firestore_db


def test_stateless_chat_replies_and_stores_nothing(api: Api, user: TestUser) -> None:
    body = {"message": "I have been feeling stressed about my exams.", "avatar": "emma"}
    response = api.post("/ai/chat", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is True and answer["reply"]["status"] == "complete"
    assert answer["reply"]["aiModel"] == "offline-reflective" and answer["reply"]["content"]
    assert answer["safety"]["level"] == "NORMAL" and answer["crisisResources"] is None
    sessions = firestore_db().collection("sessions").where(filter=FieldFilter("userId", "==", user.uid)).get()
    assert sessions == [], "no session, no message stored"


def test_stateless_chat_answers_a_crisis_with_resources_and_an_alert(api: Api, user: TestUser) -> None:
    body = {"message": "I am going to kill myself tonight.", "avatar": "alex"}
    crisis = api.post("/ai/chat", json=body)
    assert crisis.status_code == 200
    assert crisis.json()["reply"]["aiModel"] == "safety-fixed-response"
    assert "988" in crisis.json()["reply"]["content"]
    assert api.post("/ai/chat", json=body).status_code == 200, "a retry"
    alerts = (
        firestore_db().collection("crisisAlerts").where(filter=FieldFilter("userId", "==", user.uid)).get()
    )
    assert len(alerts) == 1, "admins are told once, even without a session"
    alert = alerts[0].to_dict()
    assert alert["source"] == "ai_chat" and alert["sessionId"].startswith("ai-chat-")
    assert alert["level"] in ("HIGH_RISK", "SAFETY_MODE") and body["message"] not in str(alert)


def test_stateless_chat_validates_and_needs_a_token(api: Api) -> None:
    bad = api.post("/ai/chat", json={"message": "", "avatar": "alex", "extra": 1})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "VALIDATION_ERROR"
    assert Api().post("/ai/chat", json={"message": "hi", "avatar": "alex"}).status_code == 401
