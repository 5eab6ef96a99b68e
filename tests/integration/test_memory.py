"""Memory across sessions on the emulator suite: `session.ended` through the real Pub/Sub trigger, one
memory per session on redelivery, returning users and what their first reply is told (the prompt each
reply was given is recorded with SESSIONS_RECORD_PROMPTS=true, as `make integration` sets), vector
search over past sessions, and the rolling summary of a long session."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from google.cloud.firestore import FieldFilter

from tests.support import conversation
from tests.support.conversation import end, start_session
from tests.support.emulator import Api, TestUser, firestore_db
from tests.support.timing import wait_for, when

START = {"avatar": "emma", "duration": 30}
EXAMS = [
    "I have my final exams in two weeks and I can barely sleep because of the stress.",
    "Every time I open my notes for chemistry I panic and close them again.",
    "I think I am going to make a study timetable and ask my teacher for past papers.",
]
GARDEN = [
    "I spent the whole weekend planting tomatoes and herbs in my new garden.",
    "Digging the soil felt calm, and the neighbours gave me cuttings from their roses.",
    "Next spring I want to build a small greenhouse for the seedlings.",
]


def start(api: Api, **extra: Any) -> dict[str, Any]:
    return start_session(api, {**START, **extra})


def say(api: Api, sid: str, text: str, *, reply: bool = True) -> dict[str, Any]:
    return conversation.say(api, sid, text, reply=reply)


def talk(api: Api, lines: list[str]) -> str:
    sid = str(start(api)["session"]["id"])
    for line in lines:
        say(api, sid, line)
    end(api, sid)
    return sid


def ready_summary(api: Api, sid: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        response = api.get(f"/sessions/{sid}/summary")
        assert response.status_code in (200, 202), response.text
        if response.status_code == 202:
            assert response.json()["memoryStatus"] == "pending" and response.json()["summary"] is None
            return None
        body: dict[str, Any] = response.json()
        return body

    return wait_for(check, timeout=30, what="the memory to be ready")


def memory_doc(sid: str) -> Any:
    return firestore_db().collection("memories").document(sid).get()


def prompt_of(sid: str, reply_id: str) -> str:
    snapshot = firestore_db().document(f"sessions/{sid}/prompts/{reply_id}").get()
    assert snapshot.exists, "run with SESSIONS_RECORD_PROMPTS=true (make integration sets it)"
    return "\n".join(turn["content"] for turn in snapshot.get("messages") if turn["role"] == "system")


def test_ending_a_session_writes_its_memory_through_pubsub(api: Api, user: TestUser) -> None:
    sid = talk(api, EXAMS)
    body = ready_summary(api, sid)
    assert body["memoryStatus"] == "ready"
    summary = body["summary"]
    assert summary["model"] == "offline-extractive"
    assert "exam" in summary["summary"].lower()
    assert summary["nextSteps"] and "timetable" in " ".join(summary["nextSteps"])
    assert set(summary) == {"summary", "keyTopics", "detectedEmotions", "nextSteps", "model"}

    stored = memory_doc(sid)
    assert stored.exists
    data = stored.to_dict()
    assert data["userId"] == user.uid and data["sessionId"] == sid and data["summary"] == summary["summary"]
    assert data["embeddingModel"].startswith("all-MiniLM-L6-v2")
    vector = list(data["embedding"])
    assert len(vector) == 384 and abs(sum(v * v for v in vector) - 1.0) < 1e-3
    session = firestore_db().document(f"sessions/{sid}").get().to_dict()
    assert session["memoryStatus"] == "ready" and session["memoryModel"] == "offline-extractive"
    assert session["summary"] == summary["summary"]


def test_a_redelivered_session_ended_leaves_one_memory_untouched(api: Api) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    sid = talk(api, GARDEN)
    ready_summary(api, sid)
    first = memory_doc(sid)
    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path("demo-sessions", "session-ended")
    payload = json.dumps({"type": "session.ended", "sessionId": sid}).encode()
    for _ in range(2):
        publisher.publish(topic, payload).result(timeout=10)
    time.sleep(4)  # both deliveries run within a second or two; the content hash makes each a no-op
    again = memory_doc(sid)
    assert again.update_time == first.update_time, "a redelivery must not rewrite (or delete) the memory"
    same_session = (
        firestore_db().collection("memories").where(filter=FieldFilter("sessionId", "==", sid)).get()
    )
    assert len(same_session) == 1


def test_summary_is_409_while_live_and_404_for_other_users(api: Api, other_user: TestUser) -> None:
    sid = str(start(api)["session"]["id"])
    live = api.get(f"/sessions/{sid}/summary")
    assert live.status_code == 409 and live.json()["error"]["code"] == "INVALID_STATE_TRANSITION"
    end(api, sid)
    assert Api(other_user).get(f"/sessions/{sid}/summary").status_code == 404


def test_returning_user_gets_the_nearest_past_session_in_the_first_reply(api: Api) -> None:
    exams = talk(api, EXAMS)
    garden = talk(api, GARDEN)
    ready_summary(api, exams)
    ready_summary(api, garden)
    third = start(api)
    assert third["status"] == "returning_user"
    sid = third["session"]["id"]
    turn = say(api, sid, "I'm still nervous about the chemistry exam and my revision.")
    system = prompt_of(sid, turn["reply"]["id"])
    assert "What you remember from earlier sessions" in system
    remembered = system.split("What you remember from earlier sessions", 1)[1]
    assert remembered.index("exam") < remembered.index("garden"), "the nearest memory comes first"
    # Later turns carry the same memory without asking again.
    later = say(api, sid, "Anyway, how should I start tonight?")
    assert prompt_of(sid, later["reply"]["id"]).endswith(remembered)
    stored = firestore_db().document(f"sessions/{sid}").get().to_dict()
    assert stored["recalledMemory"] and "exam" in stored["recalledMemory"][0].lower()
    end(api, sid)


def test_first_session_is_created_and_gets_no_memory(api: Api) -> None:
    first = start(api)
    assert first["status"] == "created"
    sid = first["session"]["id"]
    turn = say(api, sid, "Hi, this is my first time here.")
    assert "earlier sessions" not in prompt_of(sid, turn["reply"]["id"])
    end(api, sid)


def test_a_pending_previous_memory_falls_back_to_its_last_turns(api: Api) -> None:
    sid = talk(api, GARDEN[:2])
    ready_summary(api, sid)
    # The user is back before the memory function ran: put the previous session back in that state.
    firestore_db().document(f"sessions/{sid}").update({"memoryStatus": "pending"})
    firestore_db().collection("memories").document(sid).delete()
    second = start(api)["session"]["id"]
    turn = say(api, second, "Hello again, I wanted to continue.")
    system = prompt_of(second, turn["reply"]["id"])
    assert "summary not ready yet" in system
    assert "planting tomatoes" in system, "the previous session's own words stand in for its summary"
    end(api, second)


def test_memory_search_returns_the_relevant_session_first_and_only_own(
    api: Api, other_user: TestUser
) -> None:
    exams = talk(api, EXAMS)
    garden = talk(api, GARDEN)
    theirs = talk(Api(other_user), EXAMS)
    for sid, owner in ((exams, api), (garden, api), (theirs, Api(other_user))):
        ready_summary(owner, sid)
    response = api.get("/user/memories", params={"query": "worried about tests and revision"})
    assert response.status_code == 200, response.text
    hits = response.json()["memories"]
    assert [h["sessionId"] for h in hits][:2] == [exams, garden]
    assert hits[0]["score"] > hits[1]["score"]
    assert theirs not in {h["sessionId"] for h in hits}
    flowers = api.get("/user/memories", params={"query": "roses and seedlings", "limit": 1}).json()[
        "memories"
    ]
    assert [h["sessionId"] for h in flowers] == [garden]
    assert api.get("/user/memories", params={"query": ""}).status_code == 400


def test_admin_starts_sessions_for_users_known_by_email(admin: TestUser, user: TestUser) -> None:
    server = Api(admin)
    email = f"client-{uuid.uuid4().hex[:8]}@example.test"
    first = start(server, userEmail=email, userName="Robin")
    assert first["status"] == "created"
    sid = first["session"]["id"]
    assert first["session"]["userId"].startswith("email-")
    say(server, sid, EXAMS[0])
    end(server, sid)
    ready_summary(server, sid)
    again = start(server, userEmail=email.upper())
    assert again["status"] == "returning_user" and again["session"]["userId"] == first["session"]["userId"]
    profile = firestore_db().document(f"users/{first['session']['userId']}").get().to_dict()
    assert profile["email"] == email and profile["displayName"] == "Robin"
    end(server, again["session"]["id"])

    refused = Api(user).post("/sessions/start", json={**START, "userEmail": "someone@example.test"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "PERMISSION_DENIED"
    assert Api(user).get("/sessions/active").json()["session"] is None, "a refused start writes nothing"

    # Such users have no account to call DELETE /user/data with: the trusted server erases them.
    uid = first["session"]["userId"]
    assert Api(user).request("DELETE", f"/admin/users/{uid}/data").status_code == 403
    erased = server.request("DELETE", f"/admin/users/{uid}/data")
    assert erased.status_code == 200, erased.text
    assert erased.json()["deleted"]["sessions"] == 2 and erased.json()["deleted"]["memories"] >= 1
    assert not firestore_db().document(f"users/{uid}").get().exists
    assert firestore_db().collection("memories").where(filter=FieldFilter("userId", "==", uid)).get() == []


MOVING = [
    "My landlord says I have to move out of my flat by the end of the month.",
    "I have no idea where to look for a new flat at such short notice.",
    "Work was busy today, and my manager asked me to cover a late shift.",
    "Rents near my office are far higher than what I pay for this flat now.",
    "My cousin mentioned a room in her building, but it is across the city.",
    "I had pasta for dinner and watched an old film to switch off.",
    "Packing my books and kitchen things feels endless when I have to move so soon.",
    "I keep wondering whether the landlord is even allowed to end the lease like this.",
    "The weather was grey all day and the bus was late again.",
    "A friend said a tenants' advice office could check my contract for free.",
    "I called two agencies about flats but neither had anything in my budget.",
    "My sister offered to help me move boxes if I find somewhere.",
    "I went for a short walk at lunch to clear my head.",
    "Maybe I should ask my landlord for one more month to find a place.",
    "The flat viewing tomorrow is at six, straight after work.",
    "I also need to tell my bank and the post office about moving.",
    "I slept badly, thinking about the move and the deposit.",
    "I'd like to get the deposit back in full when I move out.",
]


def test_a_long_session_rolls_its_summary_and_keeps_the_context_bounded(api: Api) -> None:
    sid = str(start(api)["session"]["id"])
    for line in MOVING:
        say(api, sid, line, reply=False)
    rolled = wait_for(
        lambda: when(
            bool((s := firestore_db().document(f"sessions/{sid}").get().to_dict()).get("rollingSummary")), s
        ),
        timeout=15,
        what="the rolling summary",
    )
    assert "flat" in rolled["rollingSummary"], "the oldest turns live on in the summary"
    # A roll is due once 6 messages have left the 10-message window: the first flush to see 16 or more.
    through = rolled["rollingSummaryThrough"]
    assert through >= 6
    ordered = firestore_db().collection(f"sessions/{sid}/messages").order_by("createdAt").get()
    not_summarised = [d.get("content") for d in ordered[through:] if d.get("speaker") != "system"]
    turn = say(api, sid, "What should I do first?")
    snapshot = firestore_db().document(f"sessions/{sid}/prompts/{turn['reply']['id']}").get()
    turns = snapshot.get("messages")
    assert "Summary of the conversation so far" in turns[0]["content"]
    assert rolled["rollingSummary"] in turns[0]["content"] or "flat" in turns[0]["content"]
    in_prompt = {t["content"] for t in turns[1:]}
    assert [line for line in not_summarised if line not in in_prompt] == [], (
        "nothing between summary and history"
    )
    assert len(turns) - 1 <= 10 + 6 - 1, (
        "the history is what the summary does not hold, not the whole session"
    )
    end(api, sid)
