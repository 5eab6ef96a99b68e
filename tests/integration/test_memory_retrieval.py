"""Memory retrieval on the emulator suite: items written by the `session_memory` function when a session
ends (once, whatever the redeliveries), found by paraphrase and by a rare word from an early session,
injected into a returning user's first reply when relevant (not just the latest sessions), and never
another user's."""

from __future__ import annotations

import json
import time
from typing import Any

from google.cloud.firestore import FieldFilter

from tests.support import conversation
from tests.support.conversation import end, start_session
from tests.support.emulator import Api, TestUser, firestore_db
from tests.support.timing import wait_for

KITTEN = [
    "Morning, sorry I'm a bit late today.",
    "We adopted a rescue kitten from the shelter last weekend and named her Clementine.",
    "Work was busy again, lots of meetings and emails.",
]
LATER = [
    [
        "The neighbour's cat sits on our car every morning, it's hilarious.",
        "My manager keeps moving deadlines.",
    ],
    ["I went for a run in the park and my knee hurt afterwards.", "We cooked pasta and watched a film."],
    ["My sister called about her wedding plans.", "Dogs at the park keep running up to me."],
]
THEIRS = ["Our parrot Clementine learned to whistle a tune, and we adopted her from a shelter too."]


def talk(api: Api, lines: list[str]) -> str:
    sid = str(start_session(api, {"avatar": "emma", "duration": 30})["session"]["id"])
    for line in lines:
        conversation.say(api, sid, line, reply=False)
    end(api, sid)
    return sid


def ready(api: Api, sid: str) -> None:
    def check() -> bool | None:
        response = api.get(f"/sessions/{sid}/summary")
        return True if response.status_code == 200 and response.json()["memoryStatus"] == "ready" else None

    wait_for(check, timeout=30, what="the memory to be ready")


def items_of(sid: str) -> list[Any]:
    return list(
        firestore_db().collection("memoryItems").where(filter=FieldFilter("sessionId", "==", sid)).get()
    )


def search(api: Api, query: str) -> list[dict[str, Any]]:
    response = api.get("/user/memories", params={"query": query})
    assert response.status_code == 200, response.text
    hits: list[dict[str, Any]] = response.json()["memories"]
    return hits


def test_an_early_detail_is_found_by_paraphrase_and_rare_word_and_never_another_users(
    api: Api, user: TestUser, other_user: TestUser
) -> None:
    kitten = talk(api, KITTEN)
    later = [talk(api, lines) for lines in LATER]
    theirs = talk(Api(other_user), THEIRS)
    for sid in (kitten, *later):
        ready(api, sid)
    ready(Api(other_user), theirs)
    assert items_of(kitten) and all(d.get("userId") == user.uid for d in items_of(kitten))
    assert items_of(theirs), "the other user's session is indexed too"

    for query in ("What's the name of the animal we brought home?", "Clementine"):
        hits = search(api, query)
        assert hits[0]["sessionId"] == kitten, (query, hits)
        assert "Clementine" in hits[0]["snippet"] and hits[0]["sessionDate"], hits[0]
        assert hits[0]["score"] == 1.0 and all(0 <= h["score"] <= 1 for h in hits)
        assert len({h["sessionId"] for h in hits}) == len(hits)
        assert theirs not in {h["sessionId"] for h in hits}
    assert [h["sessionId"] for h in search(Api(other_user), "Clementine")] == [theirs]


def test_items_are_written_once_whatever_the_redeliveries(api: Api, user: TestUser) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    sid = talk(api, KITTEN)
    ready(api, sid)
    before = {d.id: d.update_time for d in items_of(sid)}
    stats = firestore_db().collection("memoryTermStats").where(filter=FieldFilter("userId", "==", user.uid))
    stats_before = {d.id: (d.update_time, d.to_dict()) for d in stats.get()}
    assert before and stats_before
    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path("demo-sessions", "session-ended")
    payload = json.dumps({"type": "session.ended", "sessionId": sid}).encode()
    for _ in range(2):
        publisher.publish(topic, payload).result(timeout=10)
    time.sleep(4)
    assert {d.id: d.update_time for d in items_of(sid)} == before
    assert {d.id: (d.update_time, d.to_dict()) for d in stats.get()} == stats_before


def prompt_of(sid: str, reply_id: str) -> str:
    snapshot = firestore_db().document(f"sessions/{sid}/prompts/{reply_id}").get()
    assert snapshot.exists, "run with SESSIONS_RECORD_PROMPTS=true (make integration sets it)"
    return "\n".join(turn["content"] for turn in snapshot.get("messages") if turn["role"] == "system")


def test_recall_injects_the_relevant_early_session_not_just_the_latest(api: Api) -> None:
    kitten = talk(api, KITTEN)
    later = [talk(api, lines) for lines in LATER]
    for sid in (kitten, *later):
        ready(api, sid)
    sid = start_session(api, {"avatar": "emma", "duration": 30})["session"]["id"]
    turn = conversation.say(
        api, sid, "I wonder how our little rescue animal is settling in at home.", reply=True
    )
    system = prompt_of(sid, turn["reply"]["id"])
    remembered = system.split("What you remember from earlier sessions", 1)[1]
    assert "Clementine" in remembered
    assert len(remembered) <= 3 * 700 + 1400 + 200, "the injected memory stays bounded"
    end(api, sid)


def test_deleting_a_session_or_its_memory_removes_its_items_from_search(
    api: Api, other_user: TestUser
) -> None:
    kitten = talk(api, KITTEN)
    other = talk(api, LATER[0])
    for sid in (kitten, other):
        ready(api, sid)
    live = start_session(api, {"avatar": "emma", "duration": 30})["session"]["id"]
    refused = api.request("DELETE", f"/sessions/{live}")
    assert refused.status_code == 409, refused.text
    assert firestore_db().document(f"sessions/{live}").get().exists
    end(api, live)
    assert Api(other_user).request("DELETE", f"/sessions/{kitten}").status_code == 404
    assert items_of(kitten), "another user cannot delete it"

    forgotten = api.request("DELETE", f"/user/memories/{other}")
    assert forgotten.status_code == 200, forgotten.text
    assert forgotten.json()["memoryItems"] >= 1 and items_of(other) == []
    assert firestore_db().document(f"sessions/{other}").get().exists, "forgetting keeps the session"
    assert other not in {h["sessionId"] for h in search(api, "neighbour's cat on our car")}

    deleted = api.request("DELETE", f"/sessions/{kitten}")
    assert deleted.status_code == 200, deleted.text
    assert items_of(kitten) == [] and not firestore_db().document(f"memories/{kitten}").get().exists
    session = firestore_db().document(f"sessions/{kitten}")
    assert not session.get().exists and list(session.collection("messages").limit(1).get()) == []
    assert kitten not in {h["sessionId"] for h in search(api, "Clementine")}
    assert api.request("DELETE", f"/sessions/{kitten}").status_code == 404
