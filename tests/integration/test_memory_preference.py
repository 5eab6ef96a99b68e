"""The memory preference on the emulator suite: with memory off an ended session writes no memory (no
items, no summary document, no statistics), replies recall nothing and search finds nothing; the
profile and the export show the preference; bad input is a 400 that changes nothing."""

from __future__ import annotations

from typing import Any

from google.cloud.firestore import FieldFilter

from tests.integration.test_memory_retrieval import KITTEN, items_of, prompt_of, ready, search, talk
from tests.support import conversation
from tests.support.conversation import start_session
from tests.support.emulator import Api, TestUser, firestore_db
from tests.support.timing import wait_for

PREFERENCES = "/user/preferences"


def set_memory(api: Api, enabled: bool) -> dict[str, Any]:
    response = api.request("PUT", PREFERENCES, json={"memoryEnabled": enabled})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def settled(sid: str) -> None:
    """The session-end trigger has run: memoryStatus left `pending`."""

    def check() -> bool | None:
        data = firestore_db().document(f"sessions/{sid}").get().to_dict() or {}
        return True if data.get("memoryStatus") != "pending" else None

    wait_for(check, timeout=30, what="the memory trigger to run")


def user_index(uid: str) -> list[Any]:
    stats = firestore_db().collection("memoryTermStats").where(filter=FieldFilter("userId", "==", uid))
    return list(stats.get())


def test_preferences_round_trip_and_show_in_profile_and_export(api: Api) -> None:
    assert api.get(PREFERENCES).json() == {"success": True, "preferences": {"memoryEnabled": True}}
    assert set_memory(api, False) == {"success": True, "preferences": {"memoryEnabled": False}}
    assert api.get(PREFERENCES).json()["preferences"] == {"memoryEnabled": False}
    assert api.get("/user/profile").json()["preferences"]["memoryEnabled"] is False
    assert api.get("/user/export").json()["export"]["user"]["memoryEnabled"] is False
    assert set_memory(api, True)["preferences"] == {"memoryEnabled": True}
    assert api.get("/user/profile").json()["preferences"]["memoryEnabled"] is True


def test_bad_preferences_are_a_400_and_change_nothing(api: Api, user: TestUser) -> None:
    set_memory(api, False)
    before = firestore_db().document(f"users/{user.uid}").get()
    for body in ({"memoryEnabled": "no"}, {}, {"memoryEnabled": False, "extra": 1}, {"memoryEnabled": None}):
        response = api.request("PUT", PREFERENCES, json=body)
        assert response.status_code == 400, (body, response.text)
    after = firestore_db().document(f"users/{user.uid}").get()
    assert after.update_time == before.update_time and after.get("memoryEnabled") is False
    set_memory(api, False)
    assert firestore_db().document(f"users/{user.uid}").get().update_time == before.update_time, "idempotent"


def test_memory_off_writes_nothing_and_recalls_nothing(
    api: Api, user: TestUser, other_user: TestUser
) -> None:
    remembered = talk(api, KITTEN)
    ready(api, remembered)
    assert search(api, "Clementine")[0]["sessionId"] == remembered

    set_memory(api, False)
    forgotten = talk(api, ["My grandmother Wilhelmina taught me to bake plum cake.", "It was lovely."])
    settled(forgotten)
    assert items_of(forgotten) == [], "no memory items"
    assert not firestore_db().document(f"memories/{forgotten}").get().exists, "no memory document"
    session = firestore_db().document(f"sessions/{forgotten}").get().to_dict() or {}
    assert session.get("memoryStatus") is None and not session.get("summary")
    stats = {d.id: d.get("items") for d in user_index(user.uid)}
    assert stats and all(count == len(items_of(remembered)) for count in stats.values()), (
        "statistics unchanged"
    )
    assert api.get(f"/sessions/{forgotten}/summary").status_code == 404

    assert search(api, "Clementine") == [] and search(api, "Wilhelmina") == []
    sid = start_session(api, {"avatar": "emma", "duration": 30})["session"]["id"]
    turn = conversation.say(api, sid, "How is our rescue kitten Clementine doing, do you think?", reply=True)
    system = prompt_of(sid, turn["reply"]["id"])
    assert "earlier sessions" not in system and "Clementine" not in system
    conversation.end(api, sid)

    set_memory(api, True)
    assert search(api, "Clementine")[0]["sessionId"] == remembered, "what was remembered before comes back"
    assert all(h["sessionId"] != forgotten for h in search(api, "grandmother baking plum cake"))
    theirs = search(Api(other_user), "Clementine")
    assert all(h["sessionId"] != remembered for h in theirs), "another user's items never appear"
