"""The user data erase and export on the emulator suite, for rooms: two people post lines in a room, one
erases; their lines, private and presence documents and membership are gone, the other's lines and the
host's stay, no document names the erased user, and the other participant's room still reads. While
seated in a live room the erase is refused with nothing deleted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.store.rooms import FirestoreRoomStore, unless_erased
from tests.integration.test_room_memory import final_summary, matched_pair, memories_of, words
from tests.integration.test_rooms import CRISIS_LINE, close_waiting_rooms
from tests.integration.test_user_data import occurrences
from tests.support.emulator import Api, firestore_db, new_user
from tests.support.rooms import match, post_line, rest_get, wait_for, write_presence

pytestmark = pytest.mark.emulator

A_SAYS = ["I grew up by the harbour and swim there each morning.", "My grandmother taught me to sail."]
B_SAYS = ["I play jazz piano in a trio on weekends.", "Most of my vinyl records are piano records."]
A_WORDS = {"harbour", "swim", "grandmother", "sail", "pills"}
ROOM_KEYS = ("roomLines", "roomPrivate", "roomPresence", "roomMemberships", "roomsAnonymised")


def lines_by_speaker(room_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for doc in firestore_db().collection(f"rooms/{room_id}/lines").get():
        found.setdefault(str(doc.get("speaker")), []).append(str(doc.get("content")))
    return found


def exists(path: str) -> bool:
    return bool(firestore_db().document(path).get().exists)


def erase(api: Api) -> Any:
    return api.request("DELETE", "/user/data")


def test_erasing_one_participant_keeps_the_others_room_and_names_nobody() -> None:
    a, b, room_id = matched_pair(a_remembers=True, b_remembers=True)
    api_a, api_b = Api(a), Api(b)
    for user in (a, b):
        presence = write_presence(f"rooms/{room_id}/presence/{user.uid}", user, {"typing": False})
        assert presence.status_code == 200, presence.text

    # -- seated in a live room: 409, nothing deleted (the show runs about 12 s on the suite's clock) --
    refused = erase(api_a)
    assert refused.status_code == 409, refused.text
    assert room_id in json.dumps(refused.json())
    assert exists(f"rooms/{room_id}/presence/{a.uid}") and exists(f"roomMembers/{a.uid}")
    assert a.uid in firestore_db().document(f"rooms/{room_id}").get().get("participantIds")

    for i, (mine, theirs) in enumerate(zip(A_SAYS, B_SAYS, strict=True)):
        post_line(api_a, room_id, mine, f"a{i}")
        post_line(api_b, room_id, theirs, f"b{i}")
    assert post_line(api_a, room_id, CRISIS_LINE, "a-crisis")["referral"] is not None  # A's private doc

    # -- the export lists the room with A's own lines only --------------------------------------
    assert api_a.post(f"/rooms/{room_id}/end", json={}).status_code == 200
    wait_for(lambda: final_summary(room_id), timeout=40, what="the final summary")
    memories = wait_for(lambda: len(memories_of(room_id)) == 2 and memories_of(room_id), timeout=40)
    assert memories[b.uid]["sharedSummary"] and "harbour" in memories[b.uid]["sharedSummary"]
    export = api_a.get("/user/export")
    assert export.status_code == 200, export.text
    rooms = export.json()["export"]["rooms"]
    mine = next(r for r in rooms if r["roomId"] == room_id)
    assert mine["role"] == "A" and mine["status"] == "ended"
    assert sorted(line["content"] for line in mine["lines"]) == sorted([*A_SAYS, CRISIS_LINE])
    assert mine["private"]["uid"] == a.uid
    assert b.uid not in json.dumps(mine)  # the other participant is not in A's export
    assert export.json()["export"]["limits"]["rooms"] > 0

    # -- the erase ---------------------------------------------------------------------------------
    before = lines_by_speaker(room_id)
    assert len(before["A"]) == 3 and len(before["B"]) == 2 and before.get("AGENT")
    seated_before = firestore_db().document(f"rooms/{room_id}").get().get("participantIds")
    erased = erase(api_a)
    assert erased.status_code == 200, erased.text
    counts = erased.json()["deleted"]
    assert counts["roomLines"] == 3 and counts["roomPrivate"] == 1 and counts["roomPresence"] == 1
    assert counts["roomMemberships"] == 1 and counts["roomsAnonymised"] == 1
    assert counts["roomEventsAnonymised"] >= 2  # A created the room and joined it
    assert counts["roomSharedSummariesCleared"] == 1  # B's memory held A's lines in its shared summary
    assert erased.json()["anonymisedAlerts"] >= 1  # A's crisis in the room

    after = lines_by_speaker(room_id)
    assert "A" not in after
    assert sorted(after["B"]) == sorted(B_SAYS) and sorted(after["AGENT"]) == sorted(before["AGENT"])
    assert not exists(f"rooms/{room_id}/private/{a.uid}") and not exists(f"rooms/{room_id}/presence/{a.uid}")
    assert not exists(f"roomMembers/{a.uid}")
    assert exists(f"rooms/{room_id}/presence/{b.uid}") and exists(f"roomMembers/{b.uid}")
    room = firestore_db().document(f"rooms/{room_id}").get().to_dict()
    token = room["participants"][0]["uid"]
    assert token.startswith("erased-") and room["participants"][0]["role"] == "A"
    assert room["participantIds"] == [token, b.uid] and room["createdBy"] == token
    # The summary was made of A's lines too: cleared, or written again from what is left when a late
    # pass of the memory writer runs (it never brings A's words back).
    assert not words(room["summary"] or "") & A_WORDS
    assert {s.get("uid") for s in firestore_db().collection(f"rooms/{room_id}/seats").get()} == {token, b.uid}
    assert {g.id for g in firestore_db().collection(f"rooms/{room_id}/gates").get()} == {b.uid}, (
        "A's gate is gone"
    )
    # B keeps the room (the rules still let B read it) and a memory of what B said, without A's words.
    assert rest_get(f"rooms/{room_id}", b).status_code == 200
    kept = memories_of(room_id)
    assert set(kept) == {b.uid} and "piano" in kept[b.uid]["summary"]
    assert not words(kept[b.uid]["sharedSummary"] or "") & A_WORDS
    # A memory pass that read the lines before the erase writes nothing after it (the room no longer
    # lists the people it read them with); one that read them after writes.
    store = FirestoreRoomStore(db=firestore_db())
    stale = "A: I grew up by the harbour and swim there each morning."
    assert not store.save_final_summary(room_id, stale, through=5, seated=seated_before)
    assert not unless_erased(
        firestore_db(), room_id, seated_before, lambda tx: tx.set(firestore_db().document("memories/x"), {})
    )
    assert (
        not exists("memories/x") and firestore_db().document(f"rooms/{room_id}").get().get("summary") != stale
    )
    current = firestore_db().document(f"rooms/{room_id}").get().to_dict()
    assert store.save_final_summary(
        room_id, current["summary"], current["summaryThrough"], seated=[token, b.uid]
    )
    assert occurrences([a.uid]) == []

    # -- a second erase finds nothing --------------------------------------------------------------
    again = erase(api_a)
    assert again.status_code == 200, again.text
    assert all(again.json()["deleted"][key] == 0 for key in (*ROOM_KEYS, "roomEventsAnonymised"))
    assert lines_by_speaker(room_id) == after
    assert api_a.get("/user/export").json()["export"]["rooms"] == []


def test_a_waiting_room_holds_the_erase_until_the_user_leaves_and_then_keeps_the_room_for_nobody() -> None:
    close_waiting_rooms()
    c = new_user(prefix="rm-wait")
    api_c = Api(c)
    seated = match(api_c, "roundtable")
    room_id = str(seated["room"]["id"])
    assert seated["room"]["status"] == "waiting"
    assert write_presence(f"rooms/{room_id}/presence/{c.uid}", c, {"muted": True}).status_code == 200

    refused = erase(api_c)
    assert refused.status_code == 409, refused.text
    assert exists(f"rooms/{room_id}/presence/{c.uid}") and exists(f"roomMembers/{c.uid}")
    assert firestore_db().document(f"rooms/{room_id}").get().get("memberIds") == [c.uid]

    assert api_c.post(f"/rooms/{room_id}/leave", json={}).status_code == 200
    wait_for(lambda: final_summary(room_id), timeout=40, what="the ended room's final summary")
    erased = erase(api_c)
    assert erased.status_code == 200, erased.text
    counts = erased.json()["deleted"]
    assert (counts["roomLines"], counts["roomPresence"], counts["roomMemberships"]) == (0, 1, 1)
    assert counts["roomsAnonymised"] == 1
    assert occurrences([c.uid]) == []
